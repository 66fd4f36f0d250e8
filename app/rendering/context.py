"""The plain-data context a letter design is rendered with."""

from babel.dates import format_date

from app.core.sanitizing import render_markdown
from app.core.timeutil import utcnow
from app.signatures.public import public_list

#: Words a design prints around the letter, in the letter's language (not the reader's).
LABELS = {
    "en": {
        "signatories_as_of": "Signatories as of {date}",
        "as_of": "as of {date}",
        "signatories_count": "{count} signatories as of {date}",
        "signatories_count_one": "{count} signatory as of {date}",
        "to": "To",
        "page": "Page",
        "no": "No.",
        "name": "Name",
        "line": "Affiliation",
    },
    "ko": {
        "signatories_as_of": "{date} 현재 서명자",
        "as_of": "{date} 현재",
        "signatories_count": "{date} 현재 서명자 {count}명",
        "signatories_count_one": "{date} 현재 서명자 {count}명",
        "to": "수신",
        "page": "쪽",
        "no": "번호",
        "name": "이름",
        "line": "소속·관계",
    },
}


def long_date(value, lang):
    """'March 11, 2025' in English, '2025년 3월 11일' in Korean; '' for no date."""
    return format_date(value, "long", locale=lang) if value else ""


def _other(lang):
    return "en" if lang == "ko" else "ko"


def _text_source(lang, source):
    """source.<field>_<lang>, or the other language's when it is written in one language only."""

    def text(field):
        value = getattr(source, f"{field}_{lang}") or ""
        if not value and source.single_language is not None:
            value = getattr(source, f"{field}_{_other(lang)}") or ""
        return value

    return text


def either_language(obj, field, lang):
    """Names and addresses are the same in any language: use the other one when empty."""
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_{_other(lang)}", "") or ""


def _recipient(recipient, lang):
    address = either_language(recipient, "address", lang)
    return {
        "name": recipient.name(lang),
        "addressee": either_language(recipient, "addressee", lang),
        "address_lines": [line.strip() for line in address.splitlines() if line.strip()],
    }


def _signatories(letter, lang, as_of):
    listed = public_list(letter, lang)
    rows = listed["signatories"]
    # Logos are printed only in documents (app.documents.snapshot), never in previews.
    return {
        "organizations": [
            {"name": r["name"], "line": r["line"], "logo": ""} for r in rows if r["kind"] == "organization"
        ],
        "individuals": [
            {"name": r["name"], "line": r["line"], "logo": ""} for r in rows if r["kind"] == "individual"
        ],
        "count": listed["count"],
        "as_of": long_date(as_of, lang),
    }


def design_labels(lang, signatories):
    """The words a design prints, with the list's date and count filled in."""
    labels = dict(LABELS[lang])
    as_of, count = signatories["as_of"], signatories["count"]
    one = labels.pop("signatories_count_one")
    counted = one if count == 1 else labels["signatories_count"]
    labels["signatories_as_of"] = labels["signatories_as_of"].format(date=as_of)
    labels["as_of"] = labels["as_of"].format(date=as_of)
    labels["signatories_count"] = counted.format(date=as_of, count=count)
    return labels


def letter_context(letter, lang, version=None, recipient=None, as_of=None, signatories=None):
    """Everything a design needs, as dicts, lists, strings and ints (the body as safe Markup).

    ``recipients``: the address blocks to print, that of ``recipient`` or none (the generic
    version); ``addressees``: the names the letter is addressed to, for a "To:" line.
    ``signatories``: the list to print (a document passes its snapshot's,
    app.documents.snapshot.snapshot_signatories); by default the public list as it stands now.
    """
    lang = str(lang)
    if lang not in LABELS:
        raise ValueError(f"no such letter language: {lang!r}")
    # A version prints as it was frozen (design and addressees too); the staff preview, the draft.
    source = version if version is not None else letter
    text = _text_source(lang, source)
    # A document for one recipient prints that recipient's address block; the generic one prints
    # none, and names the letter's recipients only where a design has a "To:" line.
    addressed = [recipient] if recipient is not None else [link.recipient for link in source.recipient_links]
    if signatories is None:
        signatories = _signatories(letter, lang, as_of or utcnow().date())
    return {
        "lang": lang,
        "template": source.template,
        "campaign": {"title": letter.campaign.title(lang)},
        "letter": {
            "title": text("title"),
            "subject": text("subject"),
            "salutation": text("salutation"),
            "body_html": render_markdown(text("body")),
            "closing": text("closing"),
            "signatories_intro": text("signatories_intro"),
            "date": long_date(source.letter_date, lang),
            "place": text("place"),
        },
        "recipients": [_recipient(recipient, lang)] if recipient is not None else [],
        "addressees": [r.name(lang) or either_language(r, "addressee", lang) for r in addressed],
        "signatories": signatories,
        "labels": design_labels(lang, signatories),
    }
