"""The public sign-on form fed arbitrary text and bytes: never a 5xx, and a row only for a 302."""

import itertools

import hypothesis
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import strategies as st

from app.signatures.models import Signature
from tests.signatures.conftest import DEFAULTS, inputs, make_open_letter, open_form

SETTINGS = hypothesis.settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Every field of the form that a person types or picks.
FIELDS = (*DEFAULTS, "logo")
#: What a page answering a bad sign-on says it (a form error, a field's error, or the error page's).
from tests.security.hostile import ERROR_MESSAGE as _MESSAGE  # noqa: E402

_ADDRESSES = (f"10.77.{n >> 8 & 255}.{n & 255}" for n in itertools.count(1))

_values = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300),
    st.sampled_from(["individual", "organization", "full", "initials", "KR", "y", "", "https://example.org"]),
    st.builds(
        lambda n, c: c * n, st.sampled_from([201, 301, 5000, 300_000]), st.sampled_from(["가", "A", "\u202e"])
    ),
)
#: None: the field is left out of the request.
_field = st.one_of(st.none(), _values)


def _part(name, value):
    data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    filename = b'; filename="logo.png"' if name == "logo" else b""
    return (
        b'--XX\r\nContent-Disposition: form-data; name="'
        + name.encode()
        + b'"'
        + filename
        + b"\r\n\r\n"
        + data
        + b"\r\n"
    )


def _body(fields):
    return b"".join(_part(name, value) for name, value in fields.items() if value is not None) + b"--XX--\r\n"


def _count(db, letter):
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Signature).where(Signature.letter_id == letter.id)
    )


# A body refused part-way (a field past the form memory limit after a spooled logo) leaves
# Werkzeug's temporary file to the garbage collector, which warns; the file is closed there.
@pytest.mark.filterwarnings("ignore:Unclosed file <tempfile.SpooledTemporaryFile:ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@hypothesis.given(
    fields=st.fixed_dictionaries({}, optional={name: _field for name in FIELDS}), fresh=st.booleans()
)
@SETTINGS
def test_any_sign_on_is_a_redirect_or_a_4xx_with_a_message_and_a_row_only_for_a_redirect(
    app, client, db, sign_on_state, fields, fresh
):
    letter = make_open_letter()
    hidden = inputs(open_form(client, letter))
    base = {**DEFAULTS, "email": f"fuzz{next(_ADDRESSES)}@example.org"} if fresh else {}
    sent = {"csrf_token": hidden["csrf_token"], "started": hidden["started"], **base, **fields}
    before = _count(db, letter)
    response = client.post(
        f"/letters/{letter.id}/sign",
        data=_body(sent),
        content_type="multipart/form-data; boundary=XX",
        environ_base={"REMOTE_ADDR": next(_ADDRESSES)},
    )
    page = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 302 or 400 <= response.status_code < 500, (
        response.status_code,
        page[:500],
    )
    after = _count(db, letter)
    if response.status_code == 302:
        assert after == before + 1
    else:
        assert _MESSAGE.search(page), page[:2000]
        assert after == before
