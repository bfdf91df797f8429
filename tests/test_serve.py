"""``publisher serve``: the preview serves the built folder and nothing outside it, rebuilds
on every edit, shows a broken catalog as an error page until it is fixed, tells each open
page (over server-sent events) when its own file was rebuilt, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import jinja2
import pytest

from publisher.serve.pages import template_problem

from helpers import LDN, chromium, make_catalog

pytestmark = pytest.mark.slow  # a server in a subprocess per test, rebuilding on every edit

ROOT = Path(__file__).resolve().parent.parent
CONDITIONS = {slug: {"name": name, "specialist": "internist"}
              for slug, name in [("asthma", "Asthma"), ("gout", "Gout"), ("lupus", "Lupus")]}
PAGE = "/html/low-dose-naltrexone/low-dose-naltrexone--{}.html"
WAIT = 60  # seconds: a bound on waits, never a measure


class Server:
    """``python -m publisher serve`` on a free port, as a writer would start it."""

    def __init__(self, tmp_path: Path, *extra: str, site: dict | None = None):
        self.catalog = make_catalog(tmp_path / "catalog", compounds={"low-dose-naltrexone": LDN},
                                    conditions=CONDITIONS,
                                    site={"publisher": "Test Press", "edition_date": "2026-01-01", **(site or {})})
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.stderr = tmp_path / "stderr.txt"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "publisher", "serve", "--catalog", str(self.catalog), "--port", str(self.port),
             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=self.stderr.open("w"), text=True)
        said = self.process.stdout.readline()
        found = re.match(r"serving (.+) at (http://\S+) ", said)
        assert found, said + self.stderr.read_text()
        self.root, self.url = Path(found[1]), found[2]
        assert self.url == f"http://127.0.0.1:{self.port}/"
        wait_until(lambda: "since=0" not in self.get("/")[1])  # the first HTML build is announced

    def get(self, path: str) -> tuple[int, str]:
        """GET ``path`` exactly as written: no client-side clean-up of '..' or '%2e'."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def events(self, page: str) -> "EventStream":
        """The event stream a browser tab showing ``page`` opens (from the page's own script)."""
        since = re.search(r"since=(\d+)", self.get(page)[1])[1]
        return EventStream(self.port, f"/_publisher/events?since={since}&path={page}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=WAIT)


class EventStream:
    def __init__(self, port: int, path: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.connection.request("GET", path)
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next_reload(self) -> int:
        """The generation of the next reload event (the socket timeout bounds the wait)."""
        while True:
            line = self.response.fp.readline().decode()
            assert line, "the event stream ended"
            if line.strip() == "event: reload":
                return int(self.response.fp.readline().decode().removeprefix("data:"))

    def close(self) -> None:
        self.connection.close()


def wait_until(condition, seconds: float = WAIT):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)
    return found


def rename(catalog: Path, slug: str, name: str) -> None:
    path = catalog / "conditions" / f"{slug}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"name: {CONDITIONS[slug]['name']}", f"name: {name}"),
                    encoding="utf-8")


def descendants(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    yield running
    running.stop()


def test_the_index_lists_the_handouts_and_an_edit_shows_on_its_page(server):
    status, index = server.get("/")
    assert status == 200
    assert 'href="/html/low-dose-naltrexone/low-dose-naltrexone--asthma.html"' in index
    assert "Bronchial Zebra" not in server.get(PAGE.format("asthma"))[1]
    rename(server.catalog, "asthma", "Bronchial Zebra")
    wait_until(lambda: "Bronchial Zebra" in server.get(PAGE.format("asthma"))[1])
    assert "Bronchial Zebra" not in server.get(PAGE.format("gout"))[1]


def test_each_page_is_told_to_reload_only_when_it_was_rebuilt(server):
    asthma, gout = server.events(PAGE.format("asthma")), server.events(PAGE.format("gout"))
    try:
        rename(server.catalog, "asthma", "Asthma Renamed")
        first = asthma.next_reload()
        rename(server.catalog, "gout", "Gout Renamed")
        # Had the gout tab been told about the asthma edit, that event would come first.
        assert gout.next_reload() > first
        assert "Gout Renamed" in server.get(PAGE.format("gout"))[1]
    finally:
        asthma.close()
        gout.close()


def test_a_broken_catalog_shows_every_problem_until_it_is_fixed(server):
    path = server.catalog / "conditions" / "lupus.yaml"
    good = path.read_text(encoding="utf-8")
    stream = server.events(PAGE.format("gout"))  # another page: it shows the error too
    try:
        path.write_text(good + "oops: [<b>\n", encoding="utf-8")
        stream.next_reload()
        status, page = wait_until(lambda: (found := server.get(PAGE.format("gout")))[0] == 500 and found)
        assert re.search(r"conditions/lupus\.yaml:\d+: ", page), page
        assert "<b>" not in page.split("<body>")[1].split("<script>")[0]  # escaped, not obeyed
        assert server.get("/")[0] == 500
        path.write_text(good.replace("name: Lupus", "name: Lupus Again"), encoding="utf-8")
        stream.next_reload()
        wait_until(lambda: "Lupus Again" in (found := server.get(PAGE.format("lupus")))[1] and found[0] == 200)
    finally:
        stream.close()


def test_nothing_outside_the_output_folder_is_served(tmp_path):
    out = tmp_path / "out"
    running = Server(tmp_path, "--out", str(out))
    try:
        assert running.root == out
        (out / "html" / "escape").symlink_to(ROOT)
        assert running.get("/html/_assets/handout.css")[0] == 200
        for path in ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/%2E%2E/%2e%2e/pyproject.toml",
                     "/html/..%2f..%2f..%2fpyproject.toml", "/html/%2e%2e/%2e%2e/pyproject.toml",
                     "/html/escape/pyproject.toml", "/.publisher-manifest.json", "/..%5cpyproject.toml"]:
            status, body = running.get(path)
            assert status == 404, path
            assert "[project]" not in body
    finally:
        assert running.stop() == 0
    assert out.is_dir()  # --out is kept


def test_one_language_edition_is_previewed_from_its_own_folder(tmp_path):
    out = tmp_path / "out"
    running = Server(tmp_path, "--out", str(out), "--language", "es", "--allow-incomplete",
                     site={"languages": ["en", "es"]})  # no es.po: every catalog string stays English
    try:
        assert running.root == out / "es"
        status, page = running.get(PAGE.format("gout").replace(".html", "--es.html"))
        assert status == 200 and '<html lang="es">' in page and "Revisión de la investigación" in page
        # the rest, in the background, is Spanish only too
        wait_until(lambda: (out / "es/pdf/low-dose-naltrexone/low-dose-naltrexone--gout--es.pdf").is_file())
        assert not (out / "html").exists() and not (out / "pdf").exists()
    finally:
        assert running.stop() == 0


def test_ctrl_c_stops_it_with_no_child_left(server):
    rename(server.catalog, "gout", "Gout Renamed")  # the background PDF build starts (again)
    children = wait_until(lambda: descendants(server.process.pid))
    assert server.stop() == 0
    assert "Traceback" not in server.stderr.read_text()
    wait_until(lambda: not any(alive(p) for p in children), 10)
    assert not server.root.exists()  # the private folder is removed


def test_a_template_error_names_the_template_and_line(tmp_path):
    (tmp_path / "broken.html.j2").write_text("<p>\n{% if %}\n", encoding="utf-8")
    (tmp_path / "fails.html.j2").write_text("<p>\n\n{{ missing.name }}\n", encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.TemplateSyntaxError) as parsing:
        env.get_template("broken.html.j2")
    assert re.match(r".*broken\.html\.j2:2: ", template_problem(parsing.value))
    with pytest.raises(jinja2.UndefinedError) as rendering:
        env.get_template("fails.html.j2").render()
    assert re.match(r".*fails\.html\.j2:3: UndefinedError: 'missing' is undefined", template_problem(rendering.value))


@pytest.mark.browser
def test_a_real_browser_shows_the_edit_by_itself(server):
    browser = chromium()  # Debian's chromium and chromedriver through selenium (helpers.py)
    try:
        browser.get(server.url + PAGE.format("lupus").lstrip("/"))
        assert "Lupus" in browser.title
        browser.execute_script("window.notReloaded = true")
        rename(server.catalog, "lupus", "Systemic Zebra")
        wait_until(lambda: "Systemic Zebra" in browser.title)
        assert browser.execute_script("return window.notReloaded === undefined")  # it reloaded itself
    finally:
        browser.quit()
