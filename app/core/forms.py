"""Form helpers shared by every feature."""

import functools

from babel import support
from flask import current_app
from flask_babel import get_locale
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
