"""The letter fonts served as web fonts: present, typed, cached, allowed by the CSP, and linked."""

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "letter_templates" / "fonts").glob("*.ttf"))
STATIC = ROOT / "app" / "static"


def fetch(client, path):
    response = client.get(path)
    data = response.data
    response.close()
    return response, data


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_each_letter_font_is_served_as_woff2_with_its_type_and_a_cache_lifetime(client, source):
    response, data = fetch(client, f"/static/fonts/{source.stem}.woff2")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "font/woff2"
    assert response.headers["Cache-Control"] == "public, max-age=604800"
    assert data.startswith(b"wOF2")


def test_the_web_font_has_the_glyphs_of_the_pdf_font():
    source = ROOT / "letter_templates" / "fonts" / "NanumMyeongjo.ttf"
    with TTFont(STATIC / "fonts" / "NanumMyeongjo.woff2") as web, TTFont(source, lazy=True) as pdf:
        assert web["maxp"].numGlyphs == pdf["maxp"].numGlyphs
        assert ord("한") in web.getBestCmap()


def test_fonts_are_cached_for_staff_too(client, auth):
    auth.login("editor")
    response, _data = fetch(client, "/static/fonts/NotoSerif-Regular.woff2")
    assert response.headers["Cache-Control"] == "public, max-age=604800"
    page = client.get("/staff/")
    assert page.headers["Cache-Control"] == "no-store"  # the pages themselves stay private
    page.close()


def test_every_page_links_the_fonts_and_the_policy_allows_them(client):
    page = client.get("/")
    assert '<link rel="stylesheet" href="/static/fonts.css">' in page.get_data(as_text=True)
    assert "font-src 'self'" in page.headers["Content-Security-Policy"]
    css = (STATIC / "fonts.css").read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert sorted(urls) == sorted(f"fonts/{source.stem}.woff2" for source in SOURCES)
    assert (STATIC / "fonts" / "OFL-NanumMyeongjo.txt").is_file()
    assert (STATIC / "fonts" / "OFL-NotoSerif.txt").is_file()


def test_korean_keeps_its_words_whole_on_every_page():
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    assert ":lang(ko) { word-break: keep-all; overflow-wrap: anywhere; }" in css
    assert '"Undersigned Serif", "Undersigned Serif KR"' in css
