"""The short cover message that goes with an emailed letter: per letter and language, staff may edit it."""

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.orm import Mapped, mapped_column

from app.core import audit
from app.core.i18n import localized
from app.core.models import Language, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db
from app.letters.models import LetterVersion

#: What a cover message may say in braces; each is replaced once by plain data, never read again.
PLACEHOLDERS = ("title", "recipient", "addressee", "link", "coalition")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class CoverMessage(db.Model):
    """Staff's own subject and text for one letter's cover message in one language."""

    __tablename__ = "delivery_cover_messages"
    __table_args__ = (sa.UniqueConstraint("letter_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    language: Mapped[Language] = enum_column(Language)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self):
        return f"<CoverMessage letter={self.letter_id} {self.language}>"


def default_cover(lang):
    """The (subject, body) used until staff write their own, in `lang`."""
    with force_locale(lang):
        subject = _("Open letter: {title}")
        body = _(
            "Dear {addressee},\n\n"
            'Please find attached our open letter "{title}", addressed to {recipient}, '
            "with the names of everyone who signed it.\n\n"
            "The signed PDF can also be read and checked at its permanent address:\n{link}\n\n"
            "You can answer by replying to this email.\n\n"
            "Respectfully,\n{coalition}\n"
        )
    return str(subject), str(body)


def cover_text(letter, lang):
    """The (subject, body) template of `letter`'s cover message in `lang`: staff's, else the default."""
    cover = db.session.scalar(
        sa.select(CoverMessage).where(CoverMessage.letter_id == letter.id, CoverMessage.language == lang)
    )
    return (cover.subject, cover.body) if cover is not None else default_cover(lang)


def unknown_placeholders(text):
    """The brace words in `text` that are not placeholders, for the edit form's error."""
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def fill(template, values, html=False):
    """`template` with each known placeholder replaced by its value; escaped for HTML when `html`."""

    def replace(match):
        name = match.group(1)
        if name not in values:
            return str(escape(match.group(0))) if html else match.group(0)
        return str(escape(values[name])) if html else str(values[name])

    if not html:
        return _PLACEHOLDER.sub(replace, template)
    pieces, last = [], 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append(str(escape(template[last : match.start()])))
        pieces.append(replace(match))
        last = match.end()
    pieces.append(str(escape(template[last:])))
    return "".join(pieces)


def cover_values(delivery, lang, link, coalition):
    """The placeholders' values for one delivery in one language: plain data."""
    recipient = delivery.recipient
    version = db.session.get(LetterVersion, delivery.version_id) if delivery.version_id else None
    version = version or delivery.letter.current_version
    title = localized(version, "title", lang) if version is not None else ""
    name = recipient.name(lang)
    return {
        "title": title or localized(delivery.letter, "title", lang),
        "recipient": name,
        "addressee": localized(recipient, "addressee", lang) or name,
        "link": link,
        "coalition": coalition,
    }


def render_cover(delivery, link, coalition):
    """(subject, text, html) of the delivery's cover message; "both": English, then Korean."""
    langs = ("en", "ko") if str(delivery.language) == "both" else (str(delivery.language),)
    subjects, texts, htmls = [], [], []
    for lang in langs:
        subject, body = cover_text(delivery.letter, lang)
        values = cover_values(delivery, lang, link, coalition)
        subjects.append(fill(subject, values))
        texts.append(fill(body, values))
        htmls.append(fill(body, values, html=True).replace("\n", "<br>\n"))
    parts = zip(langs, htmls, strict=True)
    html = "<hr>\n".join(f'<div lang="{lang}">{part}</div>\n' for lang, part in parts)
    return " / ".join(subjects), "\n\n---\n\n".join(texts), html


def chaser_subject(delivery):
    """The chaser's email subject, in its language(s)."""
    subjects = []
    langs = ("en", "ko") if str(delivery.language) == "both" else (str(delivery.language),)
    for lang in langs:
        with force_locale(lang):
            title = localized(delivery.letter, "title", lang)
            subjects.append(_("Follow-up: %(title)s", title=title))
    return " / ".join(subjects)


def save_cover(letter, lang, subject, body, actor=None):
    """Staff's cover message for `letter` in `lang` (flushed); both empty: back to the default."""
    cover = db.session.scalar(
        sa.select(CoverMessage).where(CoverMessage.letter_id == letter.id, CoverMessage.language == lang)
    )
    if not (subject.strip() or body.strip()):
        if cover is not None:
            db.session.delete(cover)
        db.session.flush()
        return None
    default_subject, default_body = default_cover(lang)
    body = body.replace("\r\n", "\n")  # browsers send text areas with CRLF
    if cover is None:
        cover = CoverMessage(letter_id=letter.id, language=lang)
        db.session.add(cover)
    cover.subject = subject.strip() or default_subject
    cover.body = body.strip() + "\n" if body.strip() else default_body
    cover.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("cover.save", letter, actor=actor, language=lang, after={"subject": cover.subject})
    return cover
