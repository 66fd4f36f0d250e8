"""The beat scheduler that runs the schedule only while it holds a PostgreSQL advisory lock.

A second beat (a standby, or one started by mistake) logs that it waits, and takes over when the
first stops: its connection closes and PostgreSQL releases the lock, also when it was killed.
"""

import logging
import time

import sqlalchemy as sa
from celery.beat import PersistentScheduler
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

#: The advisory lock the running beat holds for as long as it runs.
BEAT_LOCK = 0x62656174  # "beat"
#: Seconds between two tries of a waiting beat, and between two checks of the held lock.
RETRY_SECONDS = 5


class BeatLock:
    """A session-level advisory lock on its own connection; SQLite (development) needs none."""

    def __init__(self, database_url):
        self.engine = sa.create_engine(database_url, poolclass=NullPool)
        self.connection = None

    @property
    def is_needed(self):
        return self.engine.dialect.name == "postgresql"

    def try_take(self):
        connection = self.engine.connect()
        taken = connection.execute(sa.select(sa.func.pg_try_advisory_lock(BEAT_LOCK))).scalar()
        connection.commit()
        if taken:
            self.connection = connection
        else:
            connection.close()
        return bool(taken)

    def wait(self):
        if not self.is_needed:
            log.warning("beat: no lock on a %s database; run one beat only", self.engine.dialect.name)
            return
        if not self.try_take():
            log.warning(
                "beat: another beat holds the schedule (PostgreSQL advisory lock %s); waiting for it to stop",
                BEAT_LOCK,
            )
            while not self.try_take():
                time.sleep(RETRY_SECONDS)
        log.warning("beat: holding the schedule lock %s; sending scheduled tasks", BEAT_LOCK)

    def is_held(self):
        """True while the lock's connection is alive (a lost connection has lost the lock)."""
        if self.connection is None:
            return not self.is_needed
        try:
            self.connection.execute(sa.select(1))
            self.connection.commit()
        except sa.exc.DBAPIError:
            return False
        return True

    def release(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        self.engine.dispose()


class LockedScheduler(PersistentScheduler):
    """celery beat's persistent scheduler, run only by the beat that holds BeatLock."""

    lock = None
    checked_at = 0.0

    def setup_schedule(self):
        from worker import flask_app

        self.lock = BeatLock(flask_app.config["SQLALCHEMY_DATABASE_URI"])
        self.lock.wait()
        self.checked_at = time.monotonic()
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        if time.monotonic() - self.checked_at >= RETRY_SECONDS:
            if not self.lock.is_held():
                log.error("beat: lost the connection that holds the schedule lock; stopping")
                raise SystemExit(1)
            self.checked_at = time.monotonic()
        return super().tick(*args, **kwargs)

    def close(self):
        super().close()
        if self.lock is not None:
            self.lock.release()
