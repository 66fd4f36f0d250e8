"""Helpers for tests that act as a user would: read the page, send its form."""

import re

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url="/login"):
    """The CSRF token of the form on `url`, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def log_in(client, email, password):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def page_text(response):
    """The visible text of an HTML page, tags removed and white space folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    from html import unescape

    return re.sub(r"\s+", " ", unescape(text)).strip()
