"""A worker killed (SIGKILL) in the middle of a batch of emailed deliveries: after a new worker and the
sweep, each delivery is sent or unconfirmed, none reached the server twice, none is lost."""

import signal

import pytest

from tests.deliveries.email.conftest import stack
from tests.drills.conftest import S, SlowInbox, check_once_each, delivery_batch, settle, time_limit

pytestmark = [pytest.mark.committed, pytest.mark.slow]

BATCH = 30


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    database_url, private_redis, tmp_path
):
    handler = SlowInbox(delay=0.3)
    with time_limit(150), stack(database_url, private_redis.url, handler, tmp_path) as s:
        ids = delivery_batch(BATCH)
        first = s.start_worker()
        for delivery_id in ids:
            s.send(delivery_id)
        handler.wait_for(10, timeout=60)
        # The tenth message is in the server's hands, its answer not yet given: kill now.
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        killed_at = len(handler.received)
        assert killed_at < BATCH

        s.start_worker()
        settled = settle(ids)
        check_once_each(handler, ids)

    unconfirmed = [row for row in settled if row.status == S.UNCONFIRMED]
    # Only the one the server held when the worker died can be in doubt; it did arrive, once.
    assert len(unconfirmed) <= 1
    assert {row.message_id for row in unconfirmed} <= set(handler.message_ids())
    assert len(handler.received) == BATCH
    assert all(row.attempts >= 1 for row in settled)
