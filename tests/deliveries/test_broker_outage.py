"""A broker that is down never loses a queued delivery: it stays queued, its document too, for the sweeps."""

import pytest
from celery import current_app as current_celery

from app import create_app
from app.auth.services import issue_token
from app.deliveries.models import Delivery
from app.deliveries.planning import plan_delivery
from app.documents.models import Document
from app.extensions import db
from tests.conftest import FreshContextClient
from tests.conftest import test_settings as app_settings  # not named test_*: pytest would collect it
from tests.factories import RecipientFactory, UserFactory
from tests.signatures.conftest import make_open_letter
from tests.worker.test_real_worker import CLOSED_BROKER_URL


@pytest.fixture
def web_without_broker(database_url, tmp_path):
    """An app whose broker does not answer, current for the test (the views call task.delay())."""
    previous = current_celery._get_current_object()
    app = create_app(
        app_settings(
            database_url,
            CELERY_BROKER_URL=CLOSED_BROKER_URL,
            CELERY_TASK_ALWAYS_EAGER=False,
            DOCUMENT_FOLDER=str(tmp_path / "documents"),
            INSTANCE_PATH=str(tmp_path / "web-instance"),
        )
    )
    app.test_client_class = FreshContextClient
    try:
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        app.extensions["celery"].close()
        previous.set_current()
        previous.set_default()


@pytest.mark.committed
@pytest.mark.parametrize("channel", ["email", "post"])
def test_queueing_while_the_broker_is_down_keeps_the_delivery_and_its_document_queued(
    web_without_broker, channel
):
    letter = make_open_letter()
    recipient = RecipientFactory(emails=["registry@office.example"], address_en="1 Bankova Street\nKyiv")
    editor = UserFactory(role="editor")
    delivery_id = plan_delivery(letter, recipient, channel, "en", None, editor).id
    token = issue_token(editor)
    db.session.commit()

    client = web_without_broker.test_client()
    response = client.post(
        f"/api/v1/deliveries/{delivery_id}/transitions",
        json={"to": "queued"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200 and response.get_json()["status"] == "queued"
    db.session.expire_all()
    delivery = db.session.get(Delivery, delivery_id)
    assert delivery.status == "queued"
    assert db.session.get(Document, delivery.document_id).status == "queued"  # for the pdf sweep
