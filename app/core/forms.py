"""Form helpers shared by every feature."""

import functools

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path


def choices(pairs):
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


@functools.lru_cache(maxsize=8)
def _wtforms_catalog(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class CachedTranslationsMeta:
    """A form Meta mixin: WTForms' own messages from a catalog read once per language.

    Flask-WTF reads WTForms' catalog file again in every request that builds a form (a field
    without a label asks for its default label), about a millisecond each time; this gives
    the same catalog, kept.
    """

    def get_translations(self, form):
        if not current_app.config.get("WTF_I18N_ENABLED", True) or get_locale() is None:
            return super().get_translations(form)
        return _wtforms_catalog(str(get_locale()))


def error_id(field):
    """The id of the element that says what is wrong with a field (see _macros.html field_errors)."""
    return f"{field.id}-error"


class AriaErrorsMeta:
    """A form Meta mixin: a field with errors says so to assistive technology.

    Every field drawn with errors gets aria-invalid="true" and aria-describedby naming its error
    message, however the template draws it.
    """

    def render_field(self, field, render_kw):
        if field.errors and field.type not in ("HiddenField", "CSRFTokenField"):
            described = " ".join(filter(None, (render_kw.get("aria-describedby"), error_id(field))))
            render_kw = {**render_kw, "aria-invalid": "true", "aria-describedby": described}
        return super().render_field(field, render_kw)


class AccessibleForm(FlaskForm):
    """The base of every form: Flask-WTF's, with errors tied to their fields."""

    class Meta(AriaErrorsMeta):
        pass
