"""The renderer fetches nothing but the project's own assets, whatever people type into a letter."""

import io
import os
import socketserver
import threading
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from app.letters.models import LetterRecipient
from app.letters.services import freeze_version
from app.models import Display, SignatoryKind
from app.rendering.context import letter_context
from app.rendering.fetcher import MAX_BYTES, AssetFetcher, FetchDenied
from app.rendering.pdf import default_logo_folder, letter_metadata, pdf_from_html, render_pdf
from tests.factories import (
    CampaignFactory,
    LetterFactory,
    RecipientFactory,
    SignatoryFactory,
    SignatureFactory,
)
from tests.rendering.test_pdf import folded, poppler

#: Lines /etc/passwd always has; none may ever reach a PDF.
PASSWD = "root:x:0:0"


class _Recorder(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.hits.append(self.client_address)
        self.request.recv(4096)
        body = b"p { color: red }"
        self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/css\r\n\r\n" + body)


@pytest.fixture
def listener():
    """A real HTTP listener on a free loopback port; `listener.hits` records every connection."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def payloads(url):
    """Everything that would make a careless renderer read a file or call the network."""
    return [
        "file:///etc/passwd",
        f"{url}/plain",
        f'<link rel=attachment href="file:///etc/passwd"><link rel=attachment href="{url}/a">',
        f"<style>@import url({url}/import.css);</style>",
        f'<svg><image href="{url}/svg.png"/></svg>',
        f'<p style="background:url({url}/bg)">styled</p>',
        f'<img src="{url}/img.png"><img src="file:///etc/passwd">',
        f'<object data="{url}/o"></object><embed src="{url}/e"><iframe src="{url}/f"></iframe>',
        '<base href="file:///etc/"><img src="passwd"><a rel=attachment href="passwd">x</a>',
        "<script>alert(1)</script>",
    ]


MARKDOWN_PAYLOADS = [
    "![logo]({url}/markdown.png)",
    "[read](file:///etc/passwd) and <{url}/autolink>",
    '<img src="{url}/raw.png"> <script>alert(1)</script>',
    "<style>@import url({url}/md.css);</style>",
    '<link rel=attachment href="file:///etc/passwd">',
]


def no_attachments(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert "/AF" not in root
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            assert annotation["/Subtype"] != "/FileAttachment"
            action = annotation.get("/A", {})
            assert action.get("/S") != "/Launch"
            assert not str(action.get("/URI", "")).startswith("file:")


@pytest.fixture
def hostile_letter(db, listener):
    """A letter whose every user-controlled text is an attack, signed by hostile signatories."""
    texts = payloads(listener.url)
    body = "\n\n".join(part.format(url=listener.url) for part in MARKDOWN_PAYLOADS + texts)
    letter = LetterFactory(
        campaign=CampaignFactory(title_en=texts[6], title_ko="캠페인 " + texts[6]),
        title_en=texts[3],
        title_ko="서한 " + texts[3],
        subject_en=texts[4],
        subject_ko="제목 " + texts[4],
        salutation_en=texts[5],
        salutation_ko="존경하는 " + texts[5],
        body_en=body,
        body_ko="한국어 본문\n\n" + body,
        closing_en=texts[2],
        closing_ko="감사합니다 " + texts[2],
        signatories_intro_en=texts[8],
        signatories_intro_ko="서명자 " + texts[8],
        place_en=f"{listener.url}/place",
        place_ko="서울 file:///etc/passwd",
    )
    recipient = RecipientFactory(
        name_en=texts[7][:200],
        addressee_en=texts[1],
        address_en="\n".join(texts[:3]),
        addressee_ko="수신 " + texts[0],
    )
    letter.recipient_links = [LetterRecipient(recipient=recipient, position=0)]
    freeze_version(letter)
    for index, text in enumerate(texts):
        signatory = SignatoryFactory(
            kind=SignatoryKind.ORGANIZATION if index % 2 else SignatoryKind.INDIVIDUAL,
            name_en=text[:200],
            name_ko=("김" + text)[:200],
            line_en=texts[(index + 1) % len(texts)],
            line_ko="관계 " + texts[(index + 2) % len(texts)],
            website=f"{listener.url}/site/{index}" if index % 2 else "file:///etc/passwd",
            logo_path=["../../../../etc/passwd", "file:///etc/passwd", f"{listener.url}/logo.png"][index % 3],
            display=Display.FULL,
        )
        SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=letter.current_version.id)
    return letter


@pytest.mark.parametrize("template", ["formal", "petition"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_hostile_user_text_is_printed_as_text_and_fetches_nothing(
    hostile_letter, listener, template, lang, tmp_path
):
    hostile_letter.current_version.template = template  # a version prints with its own design
    fetcher = AssetFetcher(logo_folder=tmp_path / "logos")
    recipient = hostile_letter.recipient_links[0].recipient  # a recipient's document: its address block too
    context = letter_context(
        hostile_letter,
        lang,
        version=hostile_letter.current_version,
        recipient=recipient,
        as_of=date(2025, 3, 11),
    )
    pdf = render_pdf([context], fetcher=fetcher)
    assert listener.hits == []
    assert fetcher.served == [] and fetcher.denied == []  # nothing was even asked for
    no_attachments(pdf)
    text = folded(poppler("pdftotext", pdf, tmp_path))
    assert PASSWD not in text
    # The markup people typed shows as the characters they typed.
    assert "<script>alert(1)</script>" in text
    assert f'<img src="{listener.url}/img.png">' in text
    assert "<style>@import url(" in text
    assert "styled" in text


def test_pdfa_of_hostile_text_embeds_nothing(hostile_letter, listener, tmp_path):
    contexts = [letter_context(hostile_letter, lang) for lang in ("en", "ko")]
    fetcher = AssetFetcher()
    pdf = render_pdf(contexts, pdfa=True, fetcher=fetcher)
    assert listener.hits == [] and fetcher.served == [] and fetcher.denied == []
    no_attachments(pdf)


def test_a_tampered_design_still_reaches_nothing(listener, tmp_path):
    """Even markup that gets past escaping (say, a bad template) only meets the locked fetcher."""
    url = listener.url
    html = f"""<!DOCTYPE html><html lang="en"><head><base href="file:///etc/">
<link rel="stylesheet" href="passwd"><link rel="stylesheet" href="{url}/style.css">
<link rel="attachment" href="file:///etc/passwd"><link rel="attachment" href="{url}/attach">
<style>
@import url({url}/import.css);
@import url("file:///etc/passwd");
@font-face {{ font-family: Stolen; src: url({url}/font.ttf), local("DejaVu Serif"); }}
p {{ background: url({url}/bg.png); font-family: Stolen; }}
li {{ list-style-image: url(file:///etc/passwd); }}
h1::before {{ content: url({url}/before.png); }}
</style></head><body>
<h1>Tampered</h1><p>text</p><ul><li>item</li></ul>
<img src="passwd"><img src="file:///etc/passwd"><img src="{url}/img.png">
<img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Cimage href='{url}/d'/%3E%3C/svg%3E">
<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}/svg.png"/><use href="{url}/use.svg#x"/></svg>
<object data="{url}/object"></object><embed src="file:///etc/passwd"><iframe src="{url}/frame"></iframe>
<a rel="attachment" href="file:///etc/passwd">a</a><a rel="attachment" href="{url}/a">b</a>
<img src="asset:../../../../etc/passwd"><img src="asset:fonts/../../config.py">
<img src="asset:%2e%2e/config.py"><img src="logo:../../../etc/passwd"><img src="ftp://127.0.0.1/x">
</body></html>"""
    fetcher = AssetFetcher(logo_folder=tmp_path)
    metadata = letter_metadata(
        [{"lang": "en", "letter": {"title": "t", "subject": ""}, "campaign": {"title": "c"}}]
    )
    pdf = pdf_from_html([html], metadata, fetcher=fetcher)
    assert listener.hits == []
    assert fetcher.served == []
    denied = set(fetcher.denied)
    assert "file:///etc/passwd" in denied  # <base> made "passwd" a file: URL; the fetcher refused it
    assert f"{url}/img.png" in denied and f"{url}/import.css" in denied
    assert any(u.startswith("data:") for u in denied)
    assert any(u.startswith("asset:") for u in denied) and any(u.startswith("logo:") for u in denied)
    no_attachments(pdf)
    assert PASSWD not in poppler("pdftotext", pdf, tmp_path)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.org/x.css",
        "ftp://127.0.0.1/x",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "fonts/NanumMyeongjo.ttf",
        "/etc/passwd",
        "asset:",
        "asset:fonts",
        "asset:fonts/",
        "asset:/etc/passwd",
        "asset://etc/passwd",
        "asset:../app/__init__.py",
        "asset:fonts/../../config.py",
        "asset:fonts/..%2f..%2fconfig.py",
        "asset:%2e%2e/config.py",
        "asset:fonts\\..\\..\\config.py",
        "asset:fonts/NanumMyeongjo.ttf%00.css",
        "asset:fonts/missing.ttf",
        "logo:",
        "logo:../secret.png",
        "logo:sub/logo.png",
        "logo:%2e%2e/secret.png",
        "logo:/etc/passwd",
    ],
)
def test_fetcher_refuses_everything_but_its_own_files(url, tmp_path):
    (tmp_path / "logos").mkdir()
    (tmp_path / "secret.png").write_bytes(b"secret")
    fetcher = AssetFetcher(logo_folder=tmp_path / "logos")
    with pytest.raises(FetchDenied):
        fetcher.fetch(url)
    assert fetcher.denied == [url] and fetcher.served == []


def test_fetcher_serves_shipped_assets_and_stored_logos(tmp_path):
    Image.new("RGB", (4, 4), "red").save(tmp_path / "abc.png")
    fetcher = AssetFetcher(logo_folder=tmp_path)
    font = fetcher.fetch("asset:fonts/NanumMyeongjo.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00" and font.content_type == "font/ttf"
    assert fetcher.fetch("asset:formal/style.css").content_type == "text/css"
    logo = fetcher.fetch("logo:abc.png")
    assert logo.read(8) == b"\x89PNG\r\n\x1a\n" and logo.content_type == "image/png"
    assert fetcher.served == ["asset:fonts/NanumMyeongjo.ttf", "asset:formal/style.css", "logo:abc.png"]
    with pytest.raises(FetchDenied, match="no logo folder"):
        AssetFetcher().fetch("logo:abc.png")


def test_fetcher_refuses_links_out_of_its_folders_and_large_files(tmp_path):
    os.symlink("/etc/passwd", tmp_path / "passwd.png")
    (tmp_path / "huge.png").write_bytes(b"\0" * (MAX_BYTES + 1))
    (tmp_path / "ok.png").write_bytes(b"\0" * MAX_BYTES)
    fetcher = AssetFetcher(logo_folder=tmp_path)
    for url in ("logo:passwd.png", "logo:huge.png"):
        with pytest.raises(FetchDenied):
            fetcher.fetch(url)
    assert len(fetcher.fetch("logo:ok.png").read()) == MAX_BYTES


def test_a_stored_logo_can_be_drawn(tmp_path):
    Image.new("RGB", (40, 20), "navy").save(tmp_path / "logo.png")
    html = '<html lang="en"><body><p>Coalition</p><img src="logo:logo.png" alt="logo"></body></html>'
    fetcher = AssetFetcher(logo_folder=tmp_path)
    metadata = letter_metadata(
        [{"lang": "en", "letter": {"title": "t", "subject": ""}, "campaign": {"title": "c"}}]
    )
    pdf = pdf_from_html([html], metadata, fetcher=fetcher)
    assert fetcher.served == ["logo:logo.png"]
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert list(page.images)


def test_logos_come_from_the_upload_folder_by_default(app):
    assert str(default_logo_folder()) == os.path.join(app.config["UPLOAD_FOLDER"], "logos")


def test_the_listener_would_see_an_unlocked_renderer(listener):
    """The zero-hit checks above mean something: WeasyPrint's own fetcher does call the listener."""
    from weasyprint import HTML

    HTML(string=f'<link rel="stylesheet" href="{listener.url}/x.css"><p>x</p>').write_pdf()
    assert len(listener.hits) == 1
