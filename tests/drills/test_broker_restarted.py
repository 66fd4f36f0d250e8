"""The broker restarted in the middle of a batch of emailed deliveries: nothing lost, nothing twice.

Redis: a private redis-server, keeping nothing on disk, is killed and started again on its port;
the queued tasks it held are gone and the sweep hands their deliveries over again.
RabbitMQ: the machine's node is shared, so the drill runs in a vhost of its own and closes that
vhost's connections (the worker's and the publisher's), as a node restart would; the queues remain.
"""

import subprocess
import time
import uuid

import pytest

from tests.conftest import AMQP_URL
from tests.deliveries.email.conftest import stack
from tests.drills.conftest import SlowInbox, check_once_each, delivery_batch, settle
from tests.helpers import time_limit

pytestmark = [pytest.mark.committed, pytest.mark.slow]

BATCH = 30


def rabbitmqctl(*args):
    return subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, text=True, timeout=60)


@pytest.fixture
def rabbit_vhost():
    """A vhost of the shared RabbitMQ node for this drill alone; its URL. Deleted afterwards."""
    name = f"drill-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield name, AMQP_URL.rstrip("/") + "/" + name
    finally:
        rabbitmqctl("delete_vhost", name)


def run_batch(database_url, broker_url, tmp_path, break_broker):
    handler = SlowInbox(delay=0.2, hold_at=10)
    with time_limit(150), stack(database_url, broker_url, handler, tmp_path) as s:
        ids = delivery_batch(BATCH)
        s.start_worker()
        for delivery_id in ids:
            s.send(delivery_id)
        handler.held()  # the worker is in the middle of a send: the broker goes now
        break_broker()
        handler.release.set()
        settle(ids)
        check_once_each(handler, ids)
        worker_output = s.workers[0].output
    assert len(handler.received) == BATCH  # none unconfirmed: the worker itself never stopped
    return worker_output


def test_redis_restarted_mid_batch_loses_no_delivery_and_sends_none_twice(
    database_url, private_redis, tmp_path
):
    def restart():
        private_redis.kill()
        time.sleep(2)
        private_redis.start()

    output = run_batch(database_url, private_redis.url, tmp_path, restart)
    assert "Connection to broker lost" in output or "Cannot connect" in output


def test_rabbitmq_connections_closed_mid_batch_lose_no_delivery_and_send_none_twice(
    database_url, rabbit_vhost, tmp_path
):
    name, url = rabbit_vhost

    def close_connections():
        rabbitmqctl("close_all_connections", "-p", name, "drill: broker restart")

    output = run_batch(database_url, url, tmp_path, close_connections)
    assert "Connection to broker lost" in output or "Cannot connect" in output
