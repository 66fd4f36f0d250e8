"""Languages: the user's choice first, then their account setting, then Accept-Language."""

from urllib.parse import urlencode

from babel.dates import format_date as babel_format_date
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from app.core.page_cache import LANGUAGE_COOKIE
from app.extensions import babel

LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]  # command line and workers: the caller passes a language explicitly
    chosen = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    return request.accept_languages.best_match(languages) or languages[0]


def configure_i18n(app):
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context():
        return {
            "current_lang": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "localized": localized,
            "long_date": long_date,
            "lang_url": lang_url,
        }

    @app.after_request
    def remember_language(response):
        """A language picked with ?lang= is kept in a cookie of its own, not in the session, so a
        reader's public page stays free of a session and can be kept (app/core/page_cache.py)."""
        if request.blueprint == "api":
            return response  # there ?lang= names a document's language
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"] and request.cookies.get(LANGUAGE_COOKIE) != chosen:
            response.set_cookie(
                LANGUAGE_COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                secure=app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
        return response

    @app.after_request
    def vary_on_language(response):
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response


def page_language(preferred):
    """The language chosen on the page (?lang=), else `preferred` (e.g. a delivery's), else the user's."""
    languages = current_app.config["LANGUAGES"]
    if request.args.get("lang") in languages:
        return request.args["lang"]
    return str(preferred) if str(preferred) in languages else select_locale()


def current_language():
    return str(get_locale()) if has_request_context() else "en"


def localized(obj, field, lang=None):
    """obj.<field>_<lang>, falling back to the other language when empty."""
    lang = lang or current_language()
    other = "en" if lang == "ko" else "ko"
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_{other}", "")


def localized_date(value, lang):
    """'March 11, 2025' in English, '2025년 3월 11일' in Korean."""
    if value is None:
        return ""
    return babel_format_date(value, format="long", locale=lang)


def long_date(value, lang=None):
    return localized_date(value, lang or current_language())


def lang_url(code):
    """This page in another language."""
    args = request.args.to_dict()
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"
