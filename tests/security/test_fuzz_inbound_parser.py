"""The inbound mail parser fed arbitrary bytes and broken MIME: it never raises, and nothing is lost."""

import hashlib

import hypothesis
from hypothesis import HealthCheck
from hypothesis import strategies as st

from app.inbound.filing import file_message
from app.inbound.models import InboundMessage, InboundStatus
from app.inbound.parsing import ParsedMessage, parse_message

SETTINGS = hypothesis.settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_charsets = st.sampled_from(
    [
        "utf-8",
        "euc-kr",
        "ks_c_5601-1987",
        "cp949",
        "iso-2022-kr",
        "x-unknown",
        "utf-7",
        "",
        "utf-8'en'",
        "\x00",
    ]
)
_encodings = st.sampled_from(["base64", "quoted-printable", "8bit", "7bit", "x-uuencode", "bogus", ""])
_word_bodies = st.one_of(
    st.text(max_size=40), st.sampled_from(["7JWI64WV", "=EC=95", "%%%", "?=", "=?", "7JWI64W"])
)
#: RFC 2047 words, broken in every way a sender breaks them.
_encoded_words = st.builds(
    lambda charset, kind, body, end: f"=?{charset}?{kind}?{body}{end}",
    _charsets,
    st.sampled_from(["B", "Q", "b", "X", ""]),
    _word_bodies,
    st.sampled_from(["?=", "", "?", "?= =?utf-8?B?"]),
)
_header_values = st.one_of(
    st.text(max_size=200),
    _encoded_words,
    st.builds(lambda word, n: word * n, _encoded_words, st.integers(1, 400)),
    st.just("x" * 100_000),
)
_header_names = st.sampled_from(
    [
        "Subject",
        "From",
        "To",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "Auto-Submitted",
        "Content-Type",
    ]
)


def _leaf(charset, encoding, disposition, filename, body):
    head = f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n"
    if disposition:
        head += f"Content-Disposition: {disposition}; filename={filename}\r\n"
    return head.encode("utf-8", "surrogateescape") + b"\r\n" + body + b"\r\n"


_leaves = st.builds(
    _leaf,
    _charsets,
    _encodings,
    st.sampled_from(["", "attachment", "inline", "attachment;;", "form-data"]),
    st.one_of(_encoded_words, st.text(max_size=60), st.just("../../etc/passwd"), st.just('"a\x00b.pdf"')),
    st.binary(max_size=400),
)


def _multipart(children, subtype, boundary, close):
    out = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
    for child in children:
        out += f"--{boundary}\r\n".encode() + child
    return out + (f"--{boundary}--\r\n".encode() if close else b"")


_parts = st.recursive(
    _leaves,
    lambda inner: st.builds(
        _multipart,
        st.lists(inner, max_size=4),
        st.sampled_from(["mixed", "alternative", "report", "related", "x-broken"]),
        st.sampled_from(["b1", "b2", "", "b1--", "=?x?="]),
        st.booleans(),
    ),
    max_leaves=12,
)


def _message(headers, body):
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode("utf-8", "surrogateescape") + b"MIME-Version: 1.0\r\n" + body


_messages = st.one_of(
    st.binary(max_size=2000),
    st.builds(_message, st.lists(st.tuples(_header_names, _header_values), max_size=8), _parts),
)


def _check(parsed):
    assert isinstance(parsed, ParsedMessage)
    assert all(isinstance(text, str) for text in (parsed.text, parsed.subject, parsed.sender, parsed.html))
    assert "\x00" not in parsed.text and "\x00" not in parsed.subject  # PostgreSQL text holds none
    assert all(isinstance(a.filename, str) and "/" not in a.filename for a in parsed.attachments)


@hypothesis.given(raw=_messages)
@SETTINGS
def test_the_parser_reads_any_bytes_without_raising_and_gives_text_as_str(raw):
    _check(parse_message(raw))


@hypothesis.given(raw=_messages)
@hypothesis.settings(SETTINGS, max_examples=60)
def test_any_received_message_is_filed_or_held_with_its_raw_bytes_kept(app, db, tmp_path, monkeypatch, raw):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    inbound = InboundMessage(sha256=hashlib.sha256(raw).hexdigest(), raw=raw, size=len(raw), source="fuzz")
    db.session.add(inbound)
    db.session.flush()
    file_message(inbound)
    db.session.flush()
    db.session.expire(inbound)
    assert inbound.raw == raw
    assert inbound.status in (InboundStatus.FILED, InboundStatus.HELD)
    assert isinstance(inbound.subject, str) and isinstance(inbound.reason, str)
    db.session.rollback()
