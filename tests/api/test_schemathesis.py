"""Every documented operation, fed generated input: no 5xx, and every answer as the document says."""

from datetime import date

import hypothesis
import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.auth.services import issue_token
from app.deliveries.planning import plan_batch
from app.demo.loader import load_demo
from app.documents.services import current_document
from app.responses.services import log_response
from app.signatures.models import Signature
from tests.factories import RecipientFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Examples per operation: enough to try each enum and limit, small enough for ~2 minutes on 2 cores.
EXAMPLES = 50
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
#: Reads first, then writes, and erasure last: writes change what the reads would see.
ORDER = ("GET", "PATCH", "POST")


@pytest.fixture
def seeded(app, db, make_user, tmp_path, monkeypatch):
    """An open letter with signatures, a recipient, a document and a delivery; ids for the paths."""
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))
    campaign, _created = load_demo()
    letter = campaign.letters[0]
    document, _new = current_document(letter, "en")
    recipient = RecipientFactory(emails=["office@recipient.example"], address_en="1 Example Street")
    admin = make_user(role="admin")
    token = issue_token(admin)
    batch = plan_batch(
        letter, [{"recipient": recipient, "channel": "email", "language": "en", "send_at": None}], admin
    )
    delivery = batch.deliveries[0]
    response = log_response(
        letter,
        {
            "recipient_id": recipient.id,
            "delivery_id": delivery.id,
            "received_on": date(2025, 11, 20),
            "channel": "email",
            "classification": "acknowledgement",
            "summary_en": "Received.",
        },
        admin,
    )
    db.session.commit()
    ids = {
        "campaign_id": campaign.id,
        "letter_id": letter.id,
        "signature_id": db.session.scalar(sa.select(sa.func.min(Signature.id))),
        "token": document.token,
        "delivery_id": batch.deliveries[0].id,
        "batch_id": batch.id,
        "recipient_id": recipient.id,
        "response_id": response.id,
    }
    return ids, {"Authorization": f"Bearer {token}"}


def _strategy(operation, ids):
    """Generated cases, half of them on the seeded rows (random ids would nearly always be a 404)."""
    names = [p.name for p in operation.path_parameters]
    fixed = {"path_parameters": {n: ids[n] for n in names}} if names else {}
    return st.one_of(
        operation.as_strategy(**fixed),
        operation.as_strategy(),
        operation.as_strategy(GenerationMode.NEGATIVE, **fixed),
    )


def _run(operation, ids, headers):
    @hypothesis.given(case=_strategy(operation, ids))
    @SETTINGS
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_every_operation_answers_as_documented_and_never_with_a_server_error(app, seeded):
    ids, headers = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: (op.path == "/api/v1/privacy/erase", ORDER.index(op.method.upper())))
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = sum(len(set(item) & {"get", "post", "patch"}) for item in document["paths"].values())
    assert len(operations) == documented - 1  # schemathesis leaves out the document itself
    failures = []
    for operation in operations:
        try:
            _run(operation, ids, headers)
        except Exception as error:  # collected, so that one run names every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}:\n{error}")
    assert not failures, "\n\n".join(failures)
