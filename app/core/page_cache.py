"""Finished public pages, kept per process and served without entering the app.

A viral letter is read about forty times per signature. Readers who are not logged in and carry
no session cookie all see the same page per language, so the first answer is kept (its bytes and
headers) and served again for `PUBLIC_CACHE_SECONDS`, with an `ETag` and `Last-Modified` that
let browsers, proxies and CDNs answer 304.

Only answers the app marked `Cache-Control: public` with no cookie are kept, so a view decides
what may be cached (today the campaign page and its Atom feed). The language is part of the key:
`?lang=` when the URL names it, else the language cookie a reader's earlier choice set, else the
best match of `Accept-Language` (the answers say `Vary: Accept-Language, Cookie`).

Staff changes reach every process: `forget()` expires this process's pages at once and bumps a
generation number in the shared cache, which each process reads at most once a second.

Why a WSGI middleware rather than a view: serving the kept bytes from here skips the app's
request setup (session, login, CSRF, Babel, the security-header hook), which costs more than
the page itself once cached. bench/public_pages.py measures it against a hello-world Flask
endpoint under the same gunicorn command (figures in bench/RESULTS.md).
"""

import hashlib
import re
import threading
import time
from email.utils import formatdate, parsedate_to_datetime

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

#: Shared-cache key of the generation number that staff changes bump.
GENERATION_KEY = "public:pages:generation"
#: How often a process asks the shared cache whether pages changed elsewhere, in seconds.
GENERATION_CHECK_SECONDS = 1.0
#: At most this many pages (paths × languages) per process.
MAX_ENTRIES = 2000
MAX_QUERY = 40
#: The cookie that keeps a language picked with ?lang= (app/core/i18n.py): part of the key.
LANGUAGE_COOKIE = "lang"
_LANGUAGE_IN_COOKIES = re.compile(r"(?:^|;)\s*lang=([a-z]{2})(?:;|$)")
#: The paths whose answers may be kept: a campaign's page and its feed.
PREFIXES = ("/c/",)


class _Page:
    __slots__ = ("status", "headers", "body", "etag", "modified", "built", "expires", "language_cookie")

    def __init__(self, status, headers, body, ttl):
        self.status = status
        self.body = body
        self.etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        self.built = time.time()
        self.modified = formatdate(self.built, usegmt=True)
        self.expires = time.monotonic() + ttl
        dropped = ("etag", "last-modified", "content-length", "set-cookie")
        kept = [(k, v) for k, v in headers if k.lower() not in dropped]
        self.headers = kept + [("ETag", self.etag), ("Last-Modified", self.modified)]
        #: The language cookie a ?lang= link sets, given again to each reader who lacks it.
        self.language_cookie = next((v for k, v in headers if k.lower() == "set-cookie"), None)


class PageCache:
    """WSGI middleware: anonymous GET and HEAD under `prefixes` are answered from kept pages."""

    def __init__(self, wsgi_app, app, prefixes=PREFIXES):
        self.wsgi_app = wsgi_app
        self.app = app
        self.prefixes = tuple(prefixes)
        self.languages = tuple(app.config["LANGUAGES"])
        self.cookie = app.config.get("SESSION_COOKIE_NAME", "session") + "="
        self.remember = app.config.get("REMEMBER_COOKIE_NAME", "remember_token") + "="
        self._pages = {}
        self._building = set()
        self._accept = {}
        self._lock = threading.Lock()
        self._generation = None
        self._checked = 0.0

    # What the app calls --------------------------------------------------------------------

    def clear(self):
        with self._lock:
            self._pages.clear()

    def expire(self):
        """Every page is built again by the next reader; meanwhile the others get the old one."""
        with self._lock:
            for page in self._pages.values():
                page.expires = 0

    def forget(self):
        """Staff changed something public: expire the pages here and tell the other processes."""
        self.expire()
        cache = self._shared()
        try:
            generation = (cache.get(GENERATION_KEY) or 0) + 1
            cache.set(GENERATION_KEY, generation, 30 * 24 * 3600)
            self._generation = generation
        except Exception:  # noqa: BLE001 (the shared cache down: pages here expire on their own)
            self.app.logger.warning("could not bump the public pages' generation")

    # The middleware ------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        self._check_generation()
        page = self._pages.get(key)
        if page is not None and (page.expires > time.monotonic() or not self._claim(key)):
            # Fresh, or expired while another thread builds the new one: readers do not queue behind it.
            return self._serve(page, environ, start_response, hit=True)
        try:
            return self._build(key, environ, start_response)
        finally:
            self._building.discard(key)

    def _claim(self, key):
        """Whether this thread is the one that builds the expired page again."""
        with self._lock:
            if key in self._building:
                return False
            self._building.add(key)
            return True

    def _key(self, environ):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefixes) or not self.app.config["PUBLIC_CACHE_SECONDS"]:
            return None
        cookies = environ.get("HTTP_COOKIE", "")
        if self.cookie in cookies or self.remember in cookies:
            return None  # a session may hold a login, a flash message or a chosen language
        if environ.get("HTTP_AUTHORIZATION"):
            return None
        query = environ.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY:
            return None
        return (path, query, self._language(environ, query, cookies))

    def _language(self, environ, query, cookies):
        """As app.core.i18n picks it for a reader: ?lang=, the language cookie, Accept-Language."""
        for part in query.split("&"):
            if part.startswith("lang=") and part[5:] in self.languages:
                return part[5:]
        picked = _LANGUAGE_IN_COOKIES.search(cookies) if cookies else None
        if picked and picked.group(1) in self.languages:
            return picked.group(1)
        header = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        lang = self._accept.get(header)
        if lang is None:
            parsed = parse_accept_header(header, LanguageAccept)
            lang = parsed.best_match(self.languages) or self.languages[0]
            if len(self._accept) < 500:
                self._accept[header] = lang
        return lang

    def _check_generation(self):
        now = time.monotonic()
        if now - self._checked < GENERATION_CHECK_SECONDS:
            return
        self._checked = now
        try:
            generation = self._shared().get(GENERATION_KEY) or 0
        except Exception:  # noqa: BLE001 (the shared cache down: pages here expire on their own)
            return
        if generation != self._generation:
            self._generation = generation
            self.expire()

    def _shared(self):
        from app.core.cache import cache_for

        return cache_for(self.app)

    def _build(self, key, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.wsgi_app(environ, capture)
        try:
            body = b"".join(captured.get("written", []) + list(result))
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured["status"], captured["headers"]
        if self._keepable(status, headers):
            page = _Page(status, headers, body, self.app.config["PUBLIC_CACHE_SECONDS"])
            with self._lock:
                if len(self._pages) >= MAX_ENTRIES:
                    self._pages.clear()
                self._pages[key] = page
            return self._serve(page, environ, start_response)
        start_response(status, headers)
        return [body]

    @staticmethod
    def _keepable(status, headers):
        if not status.startswith("200"):
            return False
        names = {name.lower(): value for name, value in headers}
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        only_language = len(cookies) <= 1 and all(c.startswith(LANGUAGE_COOKIE + "=") for c in cookies)
        return only_language and "public" in names.get("cache-control", "")

    def _serve(self, page, environ, start_response, hit=False):
        """The kept page, or 304; a page served again says its age, so a proxy keeps it no longer."""
        age = [("Age", str(int(time.time() - page.built)))] if hit else []
        if self._not_modified(page, environ):
            kept = [(k, v) for k, v in page.headers if k.lower() not in ("content-type", "content-encoding")]
            start_response("304 Not Modified", [*kept, *age])
            return []
        cookie = []
        if page.language_cookie and not page.language_cookie.startswith(self._cookie_value(environ)):
            cookie = [("Set-Cookie", page.language_cookie)]  # a ?lang= link: the reader's choice is kept
        start_response(page.status, [*page.headers, ("Content-Length", str(len(page.body))), *cookie, *age])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]

    @staticmethod
    def _cookie_value(environ):
        """The reader's language cookie as it would be set ("lang=ko"), or "" when it has none."""
        picked = _LANGUAGE_IN_COOKIES.search(environ.get("HTTP_COOKIE", ""))
        return f"{LANGUAGE_COOKIE}={picked.group(1)};" if picked else "\0"

    @staticmethod
    def _not_modified(page, environ):
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return page.etag in tags or "*" in tags
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since:
            try:
                return parsedate_to_datetime(since).timestamp() >= int(page.built)
            except (TypeError, ValueError):
                return False
        return False


def install(app):
    """Wrap the app (inside the host check, so that a forged Host is refused first)."""
    cache = PageCache(app.wsgi_app, app)
    app.wsgi_app = cache
    app.extensions["page_cache"] = cache
    return cache


def forget_pages(app):
    cache = app.extensions.get("page_cache")
    if cache is not None:
        cache.forget()
