"""Sender domains that say who wrote: an institution's own domain, never a shared public mail service."""

#: Free mail services shared by anyone: a reply from one of these says nothing about its sender's body.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "kakao.com",
        "nate.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.kr",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "ukr.net",
        "i.ua",
        "meta.ua",
        "qq.com",
        "163.com",
        "zoho.com",
        "fastmail.com",
        "hushmail.com",
        "tutanota.com",
    }
)


def sender_domain(address):
    """The lower-cased domain of an address ("" when it has none)."""
    local, at, domain = (address or "").strip().rpartition("@")
    return domain.strip().strip(">").lower() if at and local else ""


def is_public_mail_domain(domain):
    domain = (domain or "").lower()
    return any(domain == shared or domain.endswith("." + shared) for shared in PUBLIC_MAIL_DOMAINS)


def learnable_domain(address):
    """The address's domain when it may be learned as a recipient's own, else ""."""
    domain = sender_domain(address)
    return "" if not domain or is_public_mail_domain(domain) else domain
