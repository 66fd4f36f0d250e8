"""A worker killed (SIGKILL) in the middle of a batch of emailed deliveries: after a new worker and the
sweep, each delivery is sent or unconfirmed, none reached the server twice, none is lost."""

import signal

import pytest

from tests.deliveries.email.conftest import stack
from tests.drills.conftest import S, SlowInbox, check_once_each, delivery_batch, settle
from tests.helpers import time_limit

pytestmark = [pytest.mark.committed, pytest.mark.slow]

BATCH = 30


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    database_url, private_redis, tmp_path
):
    handler = SlowInbox(delay=0.2, hold_at=10)
    with time_limit(150), stack(database_url, private_redis.url, handler, tmp_path) as s:
        ids = delivery_batch(BATCH)
        first = s.start_worker()
        for delivery_id in ids:
            s.send(delivery_id)
        # The tenth message is in the server's hands, its answer not yet given: kill now.
        in_doubt = handler.held()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        handler.release.set()
        assert len(handler.received) == 10

        s.start_worker()
        settled = settle(ids)
        check_once_each(handler, ids)

    # Only the one the server held when the worker died is in doubt (staff decide); it arrived, once.
    assert [row.message_id for row in settled if row.status == S.UNCONFIRMED] == [in_doubt]
    assert len(handler.received) == BATCH
    assert all(row.attempts >= 1 for row in settled)
