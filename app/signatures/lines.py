"""Staff correct a signatory's one-line description, in English and in Korean."""

from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ValidationError
from app.core.text import text_problem
from app.extensions import db
from app.signatures.normalize import clean_name
from app.signatures.validation import LIMITS


def set_lines(signatory, line_en, line_ko, actor):
    """Store both lines (cleaned); ValidationError naming a bad one. Returns whether anything changed."""
    if signatory.erased_at is not None:
        raise ValidationError(_l("This signatory's data was erased."), code="erased")
    lines = {"line_en": clean_name(line_en or ""), "line_ko": clean_name(line_ko or "")}
    fields = {
        key: problem
        for key, value in lines.items()
        if (problem := text_problem(value, LIMITS["line"], one_line=True))
    }
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)
    if (signatory.line_en, signatory.line_ko) == (lines["line_en"], lines["line_ko"]):
        return False
    signatory.line_en, signatory.line_ko = lines["line_en"], lines["line_ko"]
    audit.record("signatory.lines", signatory, actor=actor)
    db.session.flush()
    return True
