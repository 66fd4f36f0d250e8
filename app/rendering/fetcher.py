"""The only way a letter PDF can load anything: the project's own assets and stored logos, nothing else.

WeasyPrint fetches every stylesheet, font, image, SVG reference and attachment through its
url_fetcher. This one serves two schemes and refuses every other URL (file:, http:, https:, ftp:,
data:, relative references, ...), so no document text can make the renderer read the disk or the
network:

- ``asset:<path>``: a file under letter_templates/ (fonts, the designs' CSS and images);
- ``logo:<name>``: a stored logo, a file directly inside the logo folder the caller passes in
  (the app's ``UPLOAD_FOLDER/logos``, see app.signatures.logos).

Paths are resolved (symlinks too) and must stay inside their folder; files over MAX_BYTES are
refused; there are no redirects because nothing here speaks HTTP.
"""

import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote

from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.rendering.environment import TEMPLATES_ROOT

log = logging.getLogger(__name__)

#: The largest file the renderer will read (a font is about 4 MiB, a logo far less).
MAX_BYTES = 5 * 1024 * 1024

ASSET_SCHEME = "asset"
LOGO_SCHEME = "logo"

#: One path segment: no separators, no NUL, not "." or "..".
_SEGMENT = re.compile(r"^(?!\.{1,2}$)[^/\\\x00]{1,255}$")
#: scheme:rest, the scheme as RFC 3986 spells it.
_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", re.S)

_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


class FetchDenied(ValueError):
    """A URL the renderer must not load."""


def asset_url(path):
    """The URL a stylesheet or template uses for letter_templates/<path>."""
    return f"{ASSET_SCHEME}:{path}"


def logo_url(name):
    """The URL a template uses for a stored logo."""
    return f"{LOGO_SCHEME}:{name}"


def _relative_parts(rest):
    """'fonts/a.ttf' -> ['fonts', 'a.ttf']; anything absolute, empty or walking up is refused."""
    path = unquote(rest.split("?", 1)[0].split("#", 1)[0], errors="strict")
    parts = path.split("/")
    if not path or not all(_SEGMENT.match(part) for part in parts):
        raise FetchDenied(f"not a plain relative path: {rest!r}")
    return parts


def _inside(root, parts):
    """The regular file root/parts, resolved; refused when it is (or links) outside root."""
    root = root.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root) or path == root:
        raise FetchDenied(f"outside its folder: {'/'.join(parts)!r}")
    if not path.is_file():
        raise FetchDenied(f"no such file: {'/'.join(parts)!r}")
    return path


def _read_capped(path):
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FetchDenied(f"larger than {MAX_BYTES} bytes: {path.name}")
    return data


class AssetFetcher(URLFetcher):
    """Serves asset: and logo: URLs from their folders; every other URL raises FetchDenied.

    ``served`` and ``denied`` list the URLs asked for, in order, so tests and logs can see them.
    """

    def __init__(self, logo_folder=None, assets_root=TEMPLATES_ROOT):
        # No handlers are used: fetch() below never calls urllib's opener.
        super().__init__(allowed_protocols=(ASSET_SCHEME, LOGO_SCHEME), allow_redirects=False)
        self.assets_root = Path(assets_root)
        self.logo_folder = Path(logo_folder) if logo_folder else None
        self.served = []
        self.denied = []

    def fetch(self, url, headers=None):
        try:
            path = self._resolve(url)
            data = _read_capped(path)
        except (FetchDenied, OSError, UnicodeError) as error:
            self.denied.append(url)
            log.warning("letter renderer refused %.200r: %s", url, error)
            raise FetchDenied(str(error)) from None
        self.served.append(url)
        kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(url, data, {"Content-Type": kind or "application/octet-stream"})

    def _resolve(self, url):
        match = _URL.match(url) if isinstance(url, str) else None
        if match is None:
            raise FetchDenied("not an absolute URL")
        scheme, rest = match[1].lower(), match[2]
        if scheme == ASSET_SCHEME:
            return _inside(self.assets_root, _relative_parts(rest))
        if scheme == LOGO_SCHEME:
            if self.logo_folder is None:
                raise FetchDenied("no logo folder for this render")
            parts = _relative_parts(rest)
            if len(parts) != 1:
                raise FetchDenied("a logo is a file name, not a path")
            return _inside(self.logo_folder, parts)
        raise FetchDenied(f"the {scheme}: scheme is not served")

    def open(self, url, data=None, timeout=None):
        # urllib's entry point, in case anything calls it: the same rules as fetch().
        return self.fetch(getattr(url, "full_url", url))
