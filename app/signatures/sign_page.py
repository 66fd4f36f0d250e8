"""What the public sign form reuses between requests, so that showing and sending it stays cheap.

Each piece is kept per process because it cost more than the rest of the request (CPU measured
with bench/profile_sign_on.py and bench/sign_on_spike.py, whose figures are in bench/RESULTS.md):

- the letter's query, built once: composing it with its loader options cost more than running it;
  the page's query also reads the current version's titles, one query fewer per page shown;
- the country choices and the blank country <select>, per language: its ~250 options were most
  of the cost of showing the form;
- the fields of a blank form, per language: building the form and rendering them was most of the
  cost of showing the page (the CSRF token and the `started` stamp are outside them).
"""

import functools

import sqlalchemy as sa
from flask import get_template_attribute
from sqlalchemy.orm import joinedload, load_only
from wtforms.widgets import Select

from app.campaigns.models import Campaign
from app.core.forms import choices
from app.core.i18n import current_language
from app.letters.models import Letter, LetterVersion
from app.signatures.forms import SignForm
from app.signatures.validation import country_choices


@functools.cache
def letter_query(sign_on):
    """The letter, read in one query built once (at first use, when the mappers are configured).

    Only the columns used are read (any other loads if touched): the page shows the titles (the
    current version's) and the campaign; a sign-on needs the status, the limits and the current
    version (its id, and its title for the email).
    """
    versions = joinedload(Letter.versions).load_only(LetterVersion.title_en, LetterVersion.title_ko)
    if sign_on:
        options = (
            load_only(Letter.status, Letter.sign_on_limits, Letter.title_en, Letter.title_ko),
            versions,
        )
    else:
        options = (
            load_only(Letter.status, Letter.title_en, Letter.title_ko, Letter.campaign_id),
            joinedload(Letter.campaign).load_only(Campaign.slug, Campaign.title_en, Campaign.title_ko),
            versions,
        )
    return sa.select(Letter).where(Letter.id == sa.bindparam("letter_id")).options(*options)


@functools.lru_cache(maxsize=8)
def _country_field_choices(lang):
    """The country list as the form's choices, built once per language."""
    return tuple(choices([("", "—"), *country_choices(lang)]))


class _CountrySelect(Select):
    """The country <select>, rendered once per language for everyone who has not chosen yet.

    The HTML depends only on the language, the field's id and name and the chosen value, so a
    form with nothing chosen is served from a small per-process cache (any other case renders as
    before).
    """

    _rendered = {}

    def __init__(self, lang):
        super().__init__()
        self.lang = lang

    def __call__(self, field, **kwargs):
        if kwargs or field.data not in (None, "") or field.flags.required or field.flags.disabled:
            return super().__call__(field, **kwargs)
        key = (self.lang, field.id, field.name, field.data)
        html = self._rendered.get(key)
        if html is None:
            html = self._rendered[key] = super().__call__(field)
        return html


def sign_form():
    """The sign form (from the request's data when it was sent), its countries in the reader's language."""
    form = SignForm()
    lang = current_language()
    form.country.choices = list(_country_field_choices(lang))
    form.country.widget = _CountrySelect(lang)
    return form


def render_fields(form):
    return get_template_attribute("signatures/_sign_fields.html", "fields")(form)


#: The fields of a blank form as HTML, per language (see blank_fields).
_blank_fields_html = {}


def blank_fields():
    """The fields of a form nothing was typed into, as HTML: the same for everyone who reads one
    language, so built once per process and language."""
    lang = current_language()
    html = _blank_fields_html.get(lang)
    if html is None:
        html = _blank_fields_html[lang] = render_fields(sign_form())
    return html
