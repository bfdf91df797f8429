"""What a mail gateway holds an EPUB for: scripts. An EPUB is a zip of XHTML documents; one
that scripts says so in its package document (``properties="scripted"``, EPUB 3.3, 7.3.4) and
carries ``<script>`` elements. Publisher's EPUBs have neither.

The zip is read member by member, in bounded chunks, and no further than ``MAX_EXPANDED``
bytes in all, so a zip bomb costs a bounded time and is itself reported.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from ..catalog.records import printable

SCRIPT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?script[\s/>]", re.IGNORECASE)  # <script>, <svg:script ...>
SCRIPTED = re.compile(rb"""properties\s*=\s*["'][^"']*\bscripted\b""")
MARKUP = {".xhtml", ".html", ".htm", ".svg", ".xml", ".opf", ".ncx", ".smil"}  # what can hold either
CHUNK = 1 << 20
OVERLAP = 256  # longer than any match, so one that spans two chunks is still found
MAX_EXPANDED = 512 * 1024 * 1024  # unpacked bytes read per EPUB; shipped ones unpack to about 1 MB


def epub_problems(path: Path) -> list[str]:
    """What a gateway would flag in the EPUB at ``path``, each as the rest of a ``path: …``
    line. A damaged zip raises what zipfile or zlib raise: the caller makes it one line."""
    scripts, declared = [], []
    read = 0
    with zipfile.ZipFile(path) as book:
        for member in book.infolist():
            if member.is_dir() or PurePosixPath(member.filename).suffix.lower() not in MARKUP:
                continue
            with book.open(member) as stream:
                tail = b""
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    if read > MAX_EXPANDED:
                        return [f"unpacks to more than {MAX_EXPANDED // 1024 ** 2} MiB; not checked further"]
                    window = tail + chunk
                    if SCRIPT.search(window) and member.filename not in scripts:
                        scripts.append(member.filename)
                    if SCRIPTED.search(window) and member.filename not in declared:
                        declared.append(member.filename)
                    tail = window[-OVERLAP:]
    found = []
    if scripts:
        found.append(f"has scripted content (<script> in {_some(scripts)})")
    if declared:
        found.append(f'declares scripted content (properties="scripted" in {_some(declared)})')
    return found


def _some(names: list[str]) -> str:
    """``a.xhtml`` or ``a.xhtml and 3 other documents``, printable whatever the zip calls them."""
    first = printable(names[0])
    more = len(names) - 1
    return first if not more else f"{first} and {more} other document{'s' if more > 1 else ''}"

