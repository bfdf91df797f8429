"""Chinese and Arabic HTML handouts load WOFF2 chunks of their Noto face, each with its
``unicode-range``, instead of the whole OTF/TTF: every character of the page is in a face the
page fetches (no system font), and the Chinese handout with all it loads stays light."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from publisher import webfonts
from publisher.resources import FONTS, WEB_FONTS, script_web_fonts_css
from publisher.resources import SCRIPT_FONTS

from helpers import chromium, serve_folder
from test_html_page import _codes, _faces, _Page

PAGES = {"zh-Hans": "zh-Hans/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--zh-Hans.html",
         "ar": "ar/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--ar.html"}


@pytest.fixture
def out(liver_cancer_editions) -> Path:
    """The Liver Cancer handouts' HTML in Chinese and Arabic (conftest.py, once per session)."""
    return liver_cancer_editions


def loads(page_file: Path) -> tuple[set[int], list[Path], set[int]]:
    """The page's characters, the files a browser with an empty cache may fetch for it (the page,
    its stylesheets, every face whose unicode-range meets the page), and those faces' characters."""
    page = _Page(page_file.read_text(encoding="utf-8"))
    chars = {ord(c) for c in "".join(page.text) if not c.isspace()}
    files, drawn = [page_file], set()
    for href in page.stylesheets:
        css = (page_file.parent / href).resolve()
        files.append(css)
        for face in _faces(css.read_text(encoding="utf-8")):
            if "unicode-range" not in face or chars & _codes(face["unicode-range"]):
                font = (css.parent / re.search(r"url\(([^)]+)\)", face["src"])[1]).resolve()
                files.append(font)
                drawn |= set(TTFont(font).getBestCmap())
    return chars, files, drawn


@pytest.mark.parametrize("language", PAGES)
@pytest.mark.slow
def test_every_character_is_in_a_woff2_face_the_page_fetches(out, language):
    assets = out / language / "html/_assets"
    assert not [p for p in assets.rglob("*") if p.suffix in (".otf", ".ttf")]
    chars, files, drawn = loads(out / PAGES[language])
    assert {f.name for f in files if f.suffix == ".css"} >= {f"web-fonts-{language[:2]}.css"}
    assert chars - drawn == set()


@pytest.mark.slow
def test_the_chinese_handout_with_all_it_loads_weighs_under_half_a_megabyte(out):
    """Before: the page and both whole OTFs, 6 MB. Now the page chunk of each weight: the
    shipped catalog's Chinese is all in it, the rest is not fetched."""
    chars, files, _ = loads(out / PAGES["zh-Hans"])
    names = {f.name for f in files}
    assert {"NotoSansSC-Regular-page.woff2", "NotoSansSC-Bold-page.woff2"} <= names
    assert not [n for n in names if "-rest" in n]
    assert sum(f.stat().st_size for f in files) < 500_000, [(f.name, f.stat().st_size) for f in files]


@pytest.mark.parametrize("script", SCRIPT_FONTS)
def test_the_chunks_are_the_print_face_cut_without_overlap(script):
    css = script_web_fonts_css(script).read_text(encoding="utf-8")
    faces = webfonts.script_faces(script)
    assert css == webfonts.stylesheet(faces)
    assert sorted(p.name for p in (WEB_FONTS / script).glob("*.woff2")) == sorted(Path(f.file).name for f in faces)
    for weight, name in zip((400, 700), SCRIPT_FONTS[script]):
        whole, served = set(TTFont(FONTS / name).getBestCmap()), []
        for face in _faces(css):
            if face["font-weight"] == str(weight):
                cmap = set(TTFont(WEB_FONTS / face["src"].split(")")[0].removeprefix("url(fonts/web/")).getBestCmap())
                assert cmap == _codes(face["unicode-range"]) & whole  # ranges may span what the face lacks
                served += cmap
        assert sorted(served) == sorted(whole)


def test_a_chunk_is_reproducible_byte_for_byte():
    face = min(webfonts.script_faces("ar"), key=lambda f: f.weight)
    assert webfonts.woff2(face.ttf, face.codes) == (WEB_FONTS / face.file).read_bytes()


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_fetches_the_page_chunks_and_draws_the_hanzi_in_them(out, tmp_path):
    server = serve_folder(out)
    driver = chromium()
    try:
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/{PAGES['zh-Hans']}")
        driver.execute_async_script("document.fonts.ready.then(arguments[0])")
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name.split('/').pop())")
        assert {"NotoSansSC-Regular-page.woff2", "NotoSansSC-Bold-page.woff2"} <= set(fetched)
        assert not [n for n in fetched if n.endswith((".otf", ".ttf")) or "-rest" in n]
        loaded = driver.execute_script("return [...document.fonts].filter(f => f.status == 'loaded')"
                                       ".map(f => f.family + ' ' + f.weight)")
        assert {'"Script Vendored" 400', '"Script Vendored" 700'} <= set(loaded) or \
            {"Script Vendored 400", "Script Vendored 700"} <= set(loaded)
        driver.save_screenshot(str(tmp_path / "zh.png"))
    finally:
        driver.quit()
        server.shutdown()
