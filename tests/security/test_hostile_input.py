"""Hostile text and broken bytes sent through the forms people fill in: shown as text, or refused.

Each row of FORMS names a form (the page it is on, where it is sent), the fields a person types
into, and the table whose rows it writes. A refusal must say why, re-show the form safely and
write nothing; an acceptance must show the text escaped on the page the form leads to.
"""

from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from app.campaigns.models import Campaign
from app.letters.models import Letter
from app.recipients.models import Recipient
from app.responses.models import Response
from app.signatures.models import Signatory
from tests.factories import LetterFactory, RecipientFactory
from tests.security.hostile import ERROR_MESSAGE as _MESSAGE  # noqa: E402
from tests.security.hostile import values
from tests.security.surfaces import injected_markup
from tests.signatures.conftest import make_open_letter, next_ip

INVALID_UTF8 = b"pr0be \xff\xfe\xc3\x28 \xed\xa0\x80 end"


class _Form(HTMLParser):
    """The fields of the page's form that posts to `action`, as a browser would send them back."""

    def __init__(self, action, page):
        super().__init__()
        self.page, self.action, self.inside, self.values, self._text, self._select = (
            page,
            action,
            False,
            {},
            None,
            None,
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (attrs.get("action") or self.page).split("?")[0] == self.action
        elif not self.inside or "name" not in attrs:
            if tag == "option" and self._select and ("selected" in attrs or self._select not in self.values):
                self.values[self._select] = attrs.get("value", "")
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "file", "radio", "checkbox"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and attrs.get("type") in ("radio", "checkbox") and "checked" in attrs:
            self.values[attrs["name"]] = attrs.get("value") or "y"
        elif tag == "textarea":
            self._text = attrs["name"]
            self.values[self._text] = ""
        elif tag == "select":
            self._select = attrs["name"]

    def handle_data(self, data):
        if self._text:
            self.values[self._text] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._text = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_values(client, page, action):
    parser = _Form(action, page)
    parser.feed(client.get(page).get_data(as_text=True))
    assert "csrf_token" in parser.values, f"no form posting to {action} on {page}"
    return parser.values


@dataclass(frozen=True)
class Form:
    name: str
    #: (page, action) for the rows made by `setup`.
    urls: object
    fields: tuple
    model: object
    setup: object = None
    filled: dict = None
    as_staff: bool = True


def _letter():
    letter = LetterFactory()
    return {"letter": letter}


def _response_letter():
    letter = LetterFactory()
    recipient = RecipientFactory()
    return {"letter": letter, "recipient": recipient}


def _sign_urls(rows):
    url = f"/letters/{rows['letter'].id}/sign"
    return url, url


FORMS = (
    Form(
        "sign-on",
        _sign_urls,
        ("name_en", "name_ko", "line", "website", "contact_name"),
        Signatory,
        setup=lambda: {"letter": make_open_letter()},
        filled={
            "kind": "organization",
            "name_en": "Families",
            "email": "kim@example.org",
            "consent": "y",
            "country": "KR",
            "display": "full",
            "website": "https://families.example",
        },
        as_staff=False,
    ),
    Form(
        "campaign",
        lambda rows: ("/staff/campaigns/new",) * 2,
        ("title_en", "title_ko"),
        Campaign,
        filled={"slug": "hostile-campaign", "title_en": "Title", "title_ko": "제목"},
    ),
    Form(
        "letter",
        lambda rows: (f"/staff/letters/{rows['letter'].id}",) * 2,
        ("title_en", "body_en", "closing_en", "signatories_intro_en"),
        Letter,
        setup=_letter,
    ),
    Form(
        "recipient",
        lambda rows: ("/staff/recipients/new",) * 2,
        ("name_en", "name_ko", "address_en", "contact_name", "notes"),
        Recipient,
        filled={"name_en": "Ministry", "kind": "ministry"},
    ),
    Form(
        "response",
        lambda rows: (f"/staff/letters/{rows['letter'].id}/responses/new",) * 2,
        ("summary_en", "text", "reference"),
        Response,
        setup=_response_letter,
        filled={
            "channel": "post",
            "classification": "substantive",
            "received_on": date(2025, 11, 20).isoformat(),
        },
    ),
)


def _count(db, model):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


HOSTILE = (
    "script",
    "html",
    "attribute",
    "css-url",
    "file-url",
    "right-to-left",
    "header-split",
    "long",
    "invalid-utf8",
)


def _cases():
    for form in FORMS:
        for field in form.fields:
            yield pytest.param(form, field, id=f"{form.name}-{field}")


def _text(port, name):
    if name == "invalid-utf8":
        return INVALID_UTF8
    [hostile] = [v for v in values(port, 20000) if v.name == name]
    return hostile.text


def _send(client, db, form, field, text, port, number):
    """Send the form with `text` in `field`; what went wrong (an empty list if nothing)."""
    rows = form.setup() if form.setup else {}
    filled = dict(form.filled or {})
    if "recipient" in rows:
        filled["recipient_id"] = str(rows["recipient"].id)
    if "slug" in filled:
        filled["slug"] = f"{filled['slug']}-{number}"
    page, action = form.urls(rows)
    sent = {**form_values(client, page, action), **filled, field: text}
    before = _count(db, form.model)
    answer = client.post(
        action,
        data=urlencode(
            {key: value if isinstance(value, bytes) else value.encode() for key, value in sent.items()}
        ),
        content_type="application/x-www-form-urlencoded",
        # Sign-ons are limited per address; a staff session stays on the address it logged in from.
        environ_base={} if form.as_staff else {"REMOTE_ADDR": next_ip()},
    )
    html = answer.get_data(as_text=True)
    if answer.status_code == 302:
        shown = client.get(answer.headers["Location"] if form.model is not Letter else page)
        found = injected_markup(shown.get_data(as_text=True), port, shown=False)
        if form.model is not Letter and _count(db, form.model) != before + 1:
            found.append(f"302 to {answer.headers['Location']} without a new row")
        return found
    found = [] if 400 <= answer.status_code < 500 else [f"answered {answer.status_code}"]
    found += [] if _MESSAGE.search(html) else ["refused without a message"]
    found += injected_markup(html, port, shown=False)
    return found + ([] if _count(db, form.model) == before else ["a refused form wrote a row"])


@pytest.mark.parametrize(("form", "field"), list(_cases()))
def test_a_form_accepts_hostile_text_as_text_or_refuses_it_with_a_message(
    app, client, auth, db, listener, form, field
):
    if form.as_staff:
        auth.login("admin")
    problems = {}
    for number, name in enumerate(HOSTILE):
        found = _send(client, db, form, field, _text(listener.port, name), listener.port, number)
        if found:
            problems[name] = found
    assert problems == {}
