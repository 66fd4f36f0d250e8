#!/usr/bin/env bash
# Run the whole test suite: SQLite, and the PostgreSQL, Redis and RabbitMQ on this machine.
# Override the services with TEST_DATABASE_URL, TEST_REDIS_URL and TEST_AMQP_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
source .venv/bin/activate
exec python -m pytest "$@"
