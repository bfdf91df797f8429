"""An audit hook for every Python process of a test run (``PYTHONPATH`` puts this folder
first, so spawned workers load it too): each file opened for writing, made, renamed,
removed or re-permissioned is resolved to its real folder (through ``dir_fd`` when the call
used one) and reported unless it lies under one of ``PUBLISHER_AUDIT_ALLOWED``'s folders.

A file opened relative to a directory descriptor gives the hook only its name (the ``open``
event carries no ``dir_fd``): such a name must be one publisher makes that way (a temporary
file or the lock); where it went shows in the rename that follows, which does carry it.
Reports are appended to ``PUBLISHER_AUDIT_LOG`` through a descriptor opened before the hook.
"""

import os
import re
import sys

_ALLOWED = os.environ.get("PUBLISHER_AUDIT_ALLOWED")
if _ALLOWED:
    _roots = [os.path.realpath(p) for p in _ALLOWED.split(os.pathsep)]
    _log = os.open(os.environ["PUBLISHER_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    _writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    _by_name = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp|\.publisher\.lock")
    _busy = []

    def _where(path, dir_fd=None):
        path = os.fsdecode(path)
        if not os.path.isabs(path):
            base = os.getcwd() if dir_fd in (None, -1, -100) else os.readlink(f"/proc/self/fd/{dir_fd}")
            path = os.path.join(base, path)
        head, tail = os.path.split(os.path.normpath(path))
        return os.path.join(os.path.realpath(head), tail)

    def _report(event, *paths):
        for path in paths:
            if path == "/dev/null" or any(path == r or path.startswith(r + os.sep) for r in _roots):
                continue
            os.write(_log, f"{os.getpid()} {event} {path}\n".encode("utf-8", "backslashreplace"))

    def _hook(event, args):
        if _busy or not (event == "open" or event.startswith(("os.", "shutil."))):
            return
        _busy.append(1)  # the hook's own calls (realpath, readlink) are not audited again
        try:
            if event == "open":
                path, mode, flags = args
                writable = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                    (isinstance(flags, int) and flags & _writes)
                if writable and isinstance(path, (str, bytes, os.PathLike)):
                    name = os.fsdecode(path)
                    if os.path.isabs(name) or os.sep in name or not _by_name.fullmatch(name):
                        _report(event, _where(name))
            elif event == "os.rename":
                src, dst, src_fd, dst_fd = args
                _report(event, _where(src, src_fd), _where(dst, dst_fd))
            elif event in ("os.remove", "os.rmdir"):
                _report(event, _where(args[0], args[1]))
            elif event == "os.mkdir":
                _report(event, _where(args[0], args[2]))
            elif event in ("os.chmod", "os.chown", "os.utime") and not isinstance(args[0], int):
                _report(event, _where(args[0], args[-1]))
            elif event == "os.truncate" and not isinstance(args[0], int):
                _report(event, _where(args[0]))
            elif event in ("os.symlink", "os.link"):  # (src, dst, [src_dir_fd,] dst_dir_fd)
                _report(event, _where(args[1], args[-1]))
            elif event == "shutil.rmtree":
                _report(event, _where(args[0], args[1]))
        finally:
            _busy.clear()

    sys.addaudithook(_hook)
