"""Names and emails in a comparable form, so the same person or organization counts once."""

import re
import unicodedata

from app.core.text import clean_text

#: Providers that ignore dots in the local part.
_DOTLESS = {"gmail.com", "googlemail.com"}
#: Providers that deliver user+tag@ to user@.
_PLUS_TAGS = _DOTLESS | {
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "protonmail.com",
    "proton.me",
    "fastmail.com",
    "yahoo.com",
    "naver.com",
}
_ALIASES = {"googlemail.com": "gmail.com"}
_ORG_NOISE = re.compile(r"[\W_]+", re.UNICODE)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def clean_name(value):
    """NFC, no zero-width characters anywhere, runs of white space folded to one."""
    return " ".join(clean_text(value).translate(_ZERO_WIDTH).split())


def email_key(email):
    """'John.Doe+news@GoogleMail.com' -> 'johndoe@gmail.com'."""
    email = unicodedata.normalize("NFC", (email or "").strip()).lower()
    local, _sep, domain = email.rpartition("@")
    if not local:
        return email
    domain = _ALIASES.get(domain, domain)
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def name_keys(*names):
    """Comparable forms of an organization's names: case, spacing and punctuation ignored."""
    keys = (_ORG_NOISE.sub("", unicodedata.normalize("NFKC", n).casefold()) for n in names if n)
    return [k for k in keys if k]


def stored_name_key(*names):
    """All the name keys in one column, '|'-delimited, so either language's name matches."""
    keys = name_keys(*names)
    return "|" + "|".join(keys) + "|" if keys else ""
