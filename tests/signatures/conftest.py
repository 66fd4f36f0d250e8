"""Sign-on tests act as a browser: open the form, read its hidden fields, send it back."""

import io
import itertools
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.campaigns.public import forget_campaign
from app.extensions import db as _db
from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from app.mail.models import OutboxMessage
from app.signatures.models import Signatory, Signature
from tests.factories import LetterFactory
from tests.helpers import page_text

#: What a person fills in; a test changes only what it is about.
DEFAULTS = {
    "kind": "individual",
    "name_en": "Jane Doe",
    "name_ko": "",
    "line": "",
    "country": "KR",
    "email": "jane@example.org",
    "contact_name": "",
    "website": "",
    "display": "full",
    "consent": "y",
    "homepage": "",
}
#: Each sign-on comes from its own address unless a test says otherwise (rate limits are per IP).
_ADDRESSES = (f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in itertools.count(1))
_LINK = re.compile(r"https?://[^\s/]+(/s/(confirm|withdraw)/[^\s]+)")
_COUNT = re.compile(r"(\d+) signator(?:y|ies)")


class _Inputs(HTMLParser):
    """Every <input> of a page: name -> value (checked ones only for radios and boxes)."""

    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "input" or "name" not in attrs:
            return
        if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
            return
        self.values[attrs["name"]] = attrs.get("value") or ""


def inputs(response):
    """The values a browser would send back from the page's form."""
    parser = _Inputs()
    parser.feed(response.get_data(as_text=True))
    return parser.values


def next_ip():
    return next(_ADDRESSES)


def open_form(client, letter, lang="en"):
    response = client.get(f"/letters/{letter.id}/sign", headers={"Accept-Language": lang})
    assert response.status_code == 200, response.status_code
    return response


def sign(client, letter, lang="en", ip=None, logo=None, form=None, **fields):
    """Fill in and send the sign-on form. A field given as None is left out of the request.

    `form` is what inputs() read from a form opened earlier (by default it is opened now);
    `logo` is (bytes, filename); `csrf_token` and `started` may be given to replace the
    values read from the form.
    """
    hidden = form if form is not None else inputs(open_form(client, letter, lang))
    data = {"csrf_token": hidden["csrf_token"], "started": hidden["started"], **DEFAULTS, **fields}
    data = {key: value for key, value in data.items() if value is not None}
    if logo is not None:
        content, filename = logo
        data["logo"] = FileStorage(io.BytesIO(content), filename=filename, content_type="image/png")
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(
        f"/letters/{letter.id}/sign",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Accept-Language": lang},
        environ_base={"REMOTE_ADDR": ip or next_ip()},
    )


def followed(client, response, lang="en"):
    """The page a redirect leads to, as its visible text."""
    assert response.status_code == 302, page_text(response)
    return page_text(client.get(response.headers["Location"], headers={"Accept-Language": lang}))


def make_open_letter(**fields):
    """An open letter with one frozen version, committed."""
    letter = LetterFactory(**fields)
    freeze_version(letter)
    letter.status = LetterStatus.OPEN
    _db.session.commit()
    return letter


def png(size=(64, 48), color=(200, 30, 30)):
    """A real PNG image, with a text chunk that re-encoding drops."""
    info = PngInfo()
    info.add_text("Comment", "made by a test")
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def signatures(letter):
    """The letter's signatures as stored now, oldest first."""
    _db.session.expire_all()
    return _db.session.scalars(
        sa.select(Signature).where(Signature.letter_id == letter.id).order_by(Signature.id)
    ).all()


def signatories():
    _db.session.expire_all()
    return _db.session.scalars(sa.select(Signatory).order_by(Signatory.id)).all()


def mails(to=None):
    """Messages in the outbox (eager Celery delivers there), oldest first."""
    _db.session.expire_all()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to is not None:
        query = query.where(OutboxMessage.to == to)
    return _db.session.scalars(query).all()


def link(message, purpose):
    """The path of the confirm or withdraw link in an email, or None."""
    for match in _LINK.finditer(message.body_text):
        if match.group(2) == purpose:
            return match.group(1)
    return None


def public_page(client, letter, lang="en"):
    """The public campaign page as a reader sees it now (the page cache cleared first)."""
    forget_campaign(letter.campaign)
    response = client.get(f"/c/{letter.campaign.slug}", headers={"Accept-Language": lang})
    assert response.status_code == 200, response.status_code
    return response


def public_count(client, letter):
    match = _COUNT.search(page_text(public_page(client, letter)))
    assert match, "no signatory count on the public page"
    return int(match.group(1))


def press_button(client, path, lang="en"):
    """Open a link from an email and press the button on its page, as a browser would."""
    page = client.get(path, headers={"Accept-Language": lang})
    assert page.status_code == 200, page.status_code
    token = inputs(page)["csrf_token"]
    return client.post(path, data={"csrf_token": token}, headers={"Accept-Language": lang})


@pytest.fixture(autouse=True)
def sign_on_state(app, monkeypatch):
    """No fill-time check unless a test asks for it; fresh rate limits and page cache per test."""
    monkeypatch.setitem(app.config, "SIGN_ON_MIN_SECONDS", 0)
    for key in ("sign_on_limiter", "undersigned_cache"):
        app.extensions.pop(key, None)
    yield
    for key in ("sign_on_limiter", "undersigned_cache"):
        app.extensions.pop(key, None)


@pytest.fixture
def letter(db):
    return make_open_letter()


@pytest.fixture
def uploads(app, monkeypatch, tmp_path):
    """A fresh upload folder for this test."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"
