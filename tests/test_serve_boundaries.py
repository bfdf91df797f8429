"""``publisher serve`` at its boundaries (reliability findings, part 2): what a stranger's web
page, a planted symlink, an odd file or name, a bad ``--language`` or a crowd of connections
gets from the preview. Nothing outside its folder, nothing for another ``Host``, a 404 and
no traceback for a name the system refuses, a clean error before anything is served, and a
503 beyond its caps, with one line on the terminal per kind of problem, not one a request.

Requests are sent with ``http.client`` and raw sockets, exactly as written (``Host``
included), to a real server (``test_serve.Server``), HTML only so no PDF build competes.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.serve.app import STREAMS
from publisher.serve.hosts import HostCheck
from publisher.serve.network import CONNECTIONS
from publisher.serve.reports import LastResort, Reports

from helpers import LDN, make_catalog
from test_serve import PAGE, ROOT, WAIT, Server, wait_until

SECRET = "<b>secret outside the preview</b>"
EVENTS = "/_publisher/events?since=0&path=/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One HTML-only preview for the module: each test undoes what it adds to its folder."""
    folder = tmp_path_factory.mktemp("serve")
    running = Server(folder, "--out", str(folder / "out"), "--format", "html")
    running.outside = folder / "outside.html"
    running.outside.write_text(SECRET, encoding="utf-8")
    yield running
    assert running.stop() == 0


def get(port: int, path: str, host: str | None = "") -> tuple[int, bytes]:
    """GET ``path`` as written with this ``Host`` ("": the server's own; None: no ``Host``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        connection.putrequest("GET", path, skip_host=host != "", skip_accept_encoding=True)
        if host:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def stderr_of(server: Server) -> str:
    return server.stderr.read_text(encoding="utf-8", errors="replace")


# --- #3: a folder's index.html is resolved and checked too -----------------------------

def test_an_index_html_symlinked_out_of_the_folder_is_not_served(server):
    leak = server.root / "leakdir"
    leak.mkdir()
    (leak / "index.html").symlink_to(server.outside)
    (leak / "nested").mkdir()
    (leak / "nested" / "index.html").symlink_to("/etc/passwd")
    (leak / "alias").symlink_to(leak / "nested")  # a link inside the folder, to a folder whose index leads out
    own = server.root / "index.html"  # with --format html no portal is written: the root's own
    own.symlink_to(server.outside)
    try:
        for path in ["/", "/index.html", "/leakdir/", "/leakdir", "/leakdir/index.html", "/leakdir/nested/",
                     "/leakdir/alias/", "/leakdir/alias/index.html"]:
            status, body = get(server.port, path)
            assert status == 404, path
            assert b"secret" not in body and b"root:" not in body, path
    finally:
        own.unlink()
    assert get(server.port, "/")[0] == 200  # no index.html: the preview's own list again


def test_only_regular_files_are_served(server):
    fifo = server.root / "html" / "fifo.html"
    os.mkfifo(fifo)
    try:
        assert get(server.port, "/html/fifo.html")[0] == 404  # at once: nothing waits on the FIFO
    finally:
        fifo.unlink()


# --- #4: only the preview's own Host --------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "localhost", "127.0.0.1",
                                  "localhost:{other}", "127.0.0.1.evil.example:{port}", "localhost.:{port}",
                                  "[::2]:{port}", "0.0.0.0:{port}", " ", None])
def test_a_request_for_another_host_is_refused(server, host):
    """DNS rebinding: a page whose name now points at 127.0.0.1 still names itself in Host."""
    named = host and host.format(port=server.port, other=server.port + 1)
    for path in ["/catalog.json", PAGE.format("gout")]:
        status, body = get(server.port, path, named)
        assert status in (400, 421), (named, path)
        assert b"Asthma" not in body and b"Gout" not in body
    status, stream = open_stream(server.port, named)
    if status == 200:
        stream.close()
    assert status in (400, 421), named


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"])
def test_the_previews_own_host_is_answered(server, host):
    status, body = get(server.port, PAGE.format("gout"), host.format(port=server.port))
    assert status == 200 and b"Gout" in body


def test_a_refused_host_is_said_on_the_terminal_at_most_once_in_a_while(server):
    before = stderr_of(server).count("refused a request for")
    for _ in range(20):
        assert get(server.port, "/", "rebound.example:1")[0] == 421
    assert stderr_of(server).count("refused a request for") - before <= 1  # one line per 10 s
    assert f"it answers only at 127.0.0.1:{server.port}, [::1]:{server.port}, localhost:{server.port}" \
        in stderr_of(server)


# --- #13: no 500, no traceback -----------------------------------------------------------

def test_a_name_the_system_refuses_is_not_found_and_prints_no_traceback(server):
    loop = server.root / "loop"
    loop.symlink_to("loop")  # ELOOP
    try:
        for path in ["/" + "a" * 300, "/html/" + "%C3%A9" * 200 + ".html", "/" + "/".join(["b" * 250] * 20),
                     "/loop", "/loop/", "/html/%00x.html"]:
            status, body = get(server.port, path)
            assert status == 404, path[:40]
    finally:
        loop.unlink()
    assert "Traceback" not in stderr_of(server)
    assert "a" * 300 not in stderr_of(server)


def test_a_page_that_is_not_utf8_is_served_as_it_is(server):
    page = server.root / "html" / "latin1.html"
    written = "<html><body><p>Caf\xe9 \xff</p></body></html>".encode("latin-1")
    page.write_bytes(written)
    try:
        status, body = get(server.port, "/html/latin1.html")
        assert status == 200
        assert body.startswith(b"<html><body><p>Caf\xe9 \xff</p><script>") and body.endswith(b"</body></html>")
    finally:
        page.unlink()
    assert "Traceback" not in stderr_of(server)


def test_a_file_it_may_not_read_is_not_found(server):
    """Not a 200 broken off after its headers, with a traceback on the terminal."""
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    pdf = server.root / "unreadable.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    pdf.chmod(0)
    try:
        assert get(server.port, "/unreadable.pdf")[0] == 404
    finally:
        pdf.unlink()
    assert "Traceback" not in stderr_of(server)


def test_the_last_resort_answers_500_and_says_it_in_one_line(capsys):
    """Whatever a request raises anyway (a bug) is a 500 and one short line, once per kind of
    problem per interval, never a traceback; a path of any length is cut."""
    async def failing(scope, receive, send):
        raise OSError(36, "File name too long", scope["path"])

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.disconnect"}

    app = LastResort(failing, Reports())
    for _ in range(3):
        asyncio.run(app({"type": "http", "method": "GET", "path": "/" + "a" * 100_000, "headers": []}, receive, send))
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [500] * 3
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("publisher serve: OSError while answering /aaa") and len(line) < 300


# --- #14: --language is checked before it names a folder --------------------------------

@pytest.mark.parametrize("broken, said", [
    (False, "Error: no language '../../etc' in site.yaml's languages: choose from en"),
    (True, "Error: --language: '../../etc' is not a language tag such as en or en-US"),
])
def test_a_language_that_is_a_path_is_refused_before_anything_is_served(tmp_path, broken, said):
    catalog = make_catalog(tmp_path / "catalog", compounds={"low-dose-naltrexone": LDN},
                           conditions={"gout": {"name": "Gout", "specialist": "internist"}},
                           site={"publisher": "Test Press", "edition_date": "2026-01-01"})
    if broken:
        (catalog / "site.yaml").write_text("publisher: [\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = subprocess.run([sys.executable, "-m", "publisher", "serve", "--catalog", str(catalog), "--out",
                           str(tmp_path / "out"), "--port", str(port), "--language", "../../etc"],
                          cwd=ROOT, capture_output=True, text=True, timeout=20)  # it used to serve
    assert (done.returncode, done.stdout, done.stderr) == (2, "", said + "\n")
    assert not (tmp_path / "out").exists()


# --- #12: caps, and no spin or flood when descriptors run out --------------------------

def test_event_streams_beyond_the_cap_are_refused_and_pages_still_load(server):
    streams = [open_stream(server.port)[1] for _ in range(STREAMS)]
    try:
        assert open_stream(server.port) == (503, b"Too many open preview pages: at most 30 at once.\n")
        assert get(server.port, PAGE.format("gout"))[0] == 200
        streams.pop().close()
        streams.append(wait_until(lambda: (opened := open_stream(server.port))[0] == 200 and opened[1]))
    finally:
        for stream in streams:
            if isinstance(stream, http.client.HTTPConnection):
                stream.close()
    assert stderr_of(server).count("refused a page's event stream") == 1


def open_stream(port: int, host: str = "") -> tuple[int, http.client.HTTPConnection | bytes]:
    """A tab's event stream: (200, the connection, left open) or (status, body) if refused.
    (A stream is never read to its end: it has none.)"""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    connection.putrequest("GET", EVENTS, skip_host=host != "")
    if host:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    if response.status == 200:
        return 200, connection
    try:
        return response.status, response.read()
    finally:
        connection.close()


def test_connections_beyond_the_cap_get_503(server):
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) for _ in range(CONNECTIONS)]
    try:
        wait_until(lambda: get(server.port, "/")[0] == 503)
        for _ in range(5):
            assert get(server.port, "/") == (503, b"Service Unavailable")
    finally:
        for sock in idle:
            sock.close()
    wait_until(lambda: get(server.port, "/")[0] == 200)
    assert stderr_of(server).count("Exceeded concurrency limit.") == 1


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow  # seconds of waiting while descriptors are exhausted
def test_running_out_of_descriptors_neither_spins_nor_floods_the_log(tmp_path, monkeypatch):
    """With 64 descriptors (``ulimit -n 64``) and 120 idle clients, ``accept()`` fails with
    EMFILE: the server retries once a second and says so once, then serves again as soon
    as the clients leave. (It used to retry in a tight loop: 40 % CPU, 576,000 lines in 20 s.)"""
    limit = 64
    popen = subprocess.Popen

    def limited(*args, **kwargs):
        return popen(*args, **kwargs, preexec_fn=lambda: resource.setrlimit(
            resource.RLIMIT_NOFILE, (limit, resource.getrlimit(resource.RLIMIT_NOFILE)[1])))

    monkeypatch.setattr(subprocess, "Popen", limited)
    running = Server(tmp_path, "--out", str(tmp_path / "out"), "--format", "html")
    monkeypatch.undo()
    idle = []
    try:
        for _ in range(120):  # the kernel queues what the server cannot accept
            idle.append(socket.create_connection(("127.0.0.1", running.port), timeout=WAIT))
        wait_until(lambda: "Too many open files" in running.stderr.read_text(encoding="utf-8"))
        before, started = cpu_seconds(running.process.pid), time.monotonic()
        time.sleep(3)
        assert cpu_seconds(running.process.pid) - before < 0.3 * (time.monotonic() - started)
        said = running.stderr.read_text(encoding="utf-8")
        assert said.count("\n") <= 2 and "Traceback" not in said, said[:2000]
        for sock in idle:
            sock.close()
        status, body = wait_until(lambda: (found := get(running.port, PAGE.format("gout")))[0] == 200 and found, 10)
        assert b"Gout" in body
    finally:
        for sock in idle:
            sock.close()
        assert running.stop() == 0


def test_reports_say_each_kind_once_per_interval(capsys):
    now = [0.0]
    reports = Reports(interval=10, clock=lambda: now[0])
    for _ in range(3):
        reports.say("a", "first kind")
    reports.say("b", "second kind " + "x" * 500)
    now[0] = 10.0
    reports.say("a", "first kind again")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "publisher serve: first kind"
    assert lines[1].startswith("publisher serve: second kind xxx") and len(lines[1]) < 260
    assert lines[2] == "publisher serve: first kind again (and 2 more like it since the last)"
    assert len(lines) == 3


def test_the_host_allow_list_is_the_address_and_port_listened_on():
    loopback = HostCheck(None, "127.0.0.1", 8000, Reports())
    assert all(map(loopback.accepts, ["127.0.0.1:8000", "LOCALHOST:8000", "[::1]:8000"]))
    assert not any(map(loopback.accepts, ["localhost", "localhost:80", "192.168.1.5:8000", "[::1]", ""]))
    lan = HostCheck(None, "192.168.1.5", 8000, Reports())  # --host widens it by itself only
    assert lan.accepts("192.168.1.5:8000") and lan.accepts("localhost:8000") and not lan.accepts("evil.example:8000")
    everywhere = HostCheck(None, "0.0.0.0", 8000, Reports())  # any address, never a name
    assert everywhere.accepts("192.168.1.5:8000") and everywhere.accepts("[fe80::1]:8000")
    assert not any(map(everywhere.accepts, ["evil.example:8000", "192.168.1.5:8001", "192.168.1.5", "[]:8000"]))
    web = HostCheck(None, "127.0.0.1", 80, Reports())  # no port in Host: port 80
    assert web.accepts("localhost") and web.accepts("localhost:80") and not web.accepts("localhost:8000")
