"""A real worker files a stored reply taken from RabbitMQ: EUC-KR with a Korean-named PDF, once."""

import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.inbound.models import InboundMessage, InboundStatus
from app.responses.models import Response
from tests.conftest import AMQP_URL
from tests.inbound.conftest import reply_to, store
from tests.inbound.mime import encoded_word, file_part, message, text_part
from tests.worker.test_real_worker import purge_queues, sending_app, start_worker  # noqa: F401 (fixture)


def wait_until_filed(engine, inbound_id, timeout=30):
    query = sa.select(InboundMessage.status, InboundMessage.reason).where(InboundMessage.id == inbound_id)
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            row = connection.execute(query).one()
        if row.status != InboundStatus.RECEIVED:
            return row
        assert time.monotonic() < deadline, f"message {inbound_id} still received after {timeout} s"
        time.sleep(0.2)


@pytest.mark.committed
@pytest.mark.slow
def test_worker_files_a_korean_reply_once(start_worker, database_url, make_sent, tmp_path):  # noqa: F811
    purge_queues(AMQP_URL)
    start_worker(
        APP_ENV="testing",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=AMQP_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        UPLOAD_FOLDER=str(tmp_path / "worker-uploads"),
    )
    sent = make_sent()
    pdf = file_part(b"%PDF-1.4\n%%EOF\n", f'"{encoded_word("회신문.pdf", "euc-kr")}"')
    inbound_id = store(
        message([text_part("똠방각하 회신입니다", "ks_c_5601-1987", "cp949"), pdf], To=reply_to(sent))
    ).id
    last_id = store(message(body="unrelated", Subject="Hello")).id
    with sending_app(database_url, AMQP_URL) as app:
        # The solo worker takes tasks in order: once the last message is held, both runs are done.
        for task_id in (inbound_id, inbound_id, last_id):
            app.extensions["celery"].send_task("inbound.file", args=[task_id], queue="default")
        assert wait_until_filed(db.engine, last_id).status == InboundStatus.HELD
    assert wait_until_filed(db.engine, inbound_id, timeout=0).status == InboundStatus.FILED
    with db.engine.connect() as connection:
        texts = connection.execute(sa.select(Response.text)).scalars().all()
    assert texts == ["똠방각하 회신입니다"]
    assert sorted(
        path.name.endswith(".eml") for path in (tmp_path / "worker-uploads" / "responses").iterdir()
    ) == [
        False,
        True,
    ]
