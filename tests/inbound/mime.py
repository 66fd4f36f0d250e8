"""MIME built by hand for the filing tests, in the charsets and shapes Korean mail really arrives in."""

import base64


def encoded_word(text, charset, codec=None):
    """An RFC 2047 B-encoded word of `text` in `codec` (by default the charset label itself)."""
    data = text.encode(codec or charset)
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def b64(data):
    encoded = base64.b64encode(data).decode()
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def text_part(text, charset="utf-8", codec=None, subtype="plain"):
    data = text.encode(codec or charset)
    head = f"Content-Type: text/{subtype}; charset={charset}\r\nContent-Transfer-Encoding: base64\r\n"
    return f"{head}\r\n{b64(data)}\r\n"


def file_part(data, filename_header, content_type="application/pdf"):
    return (
        f"Content-Type: {content_type}\r\nContent-Disposition: attachment; filename={filename_header}\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{b64(data)}\r\n"
    )


def message(parts=(), *, body=None, multipart="mixed", boundary="=-=BOUNDARY=-=", **headers):
    """RFC 5322 bytes: the headers (Message_ID for Message-ID...), then one body or MIME parts."""
    defaults = {"From": "Ministry <desk@mofa.go.kr>", "To": "replies@undersigned.local", "Subject": "Re"}
    defaults.update({name.replace("_", "-"): value for name, value in headers.items()})
    lines = [f"{name}: {value}" for name, value in defaults.items() if value is not None]
    lines.append("MIME-Version: 1.0")
    head = "\r\n".join(lines) + "\r\n"
    if body is not None:
        return (head + body).encode("latin-1") if isinstance(body, str) else head.encode() + body
    out = head + f'Content-Type: multipart/{multipart}; boundary="{boundary}"\r\n\r\n'
    for part in parts:
        out += f"--{boundary}\r\n{part}"
    return (out + f"--{boundary}--\r\n").encode("latin-1")
