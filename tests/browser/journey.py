"""What the whole journey runs on: the app on 127.0.0.1 publishing to Redis, a real Celery worker,
an SMTP server on loopback for everything mailed, a Dovecot mailbox for replies; and screenshots."""

import os
from contextlib import contextmanager
from pathlib import Path

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.browser.conftest import server_app, serving, wait
from tests.conftest import REDIS_URL
from tests.inbound.conftest import new_mailbox
from tests.mail.conftest import smtp_server
from tests.signatures.test_sign_end_to_end import Inbox
from tests.worker.test_real_worker import Worker, purge_queues

ROOT = Path(__file__).resolve().parents[2]
#: A Redis database of its own, so that other suites' workers and purges never meet these tasks.
BROKER_URL = os.environ.get("TEST_JOURNEY_REDIS_URL", REDIS_URL.rsplit("/", 1)[0] + "/10")
DELIVERY_FROM = "Coalition for the Return <coalition@coalition.example>"
REPLY_TO_ADDRESS = "replies@coalition.example"


def artifacts_folder():
    """Where screenshots are kept: $TEST_ARTIFACTS, else tests/browser/artifacts (git-ignored)."""
    folder = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "tests" / "browser" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Journey:
    """The running pieces, and the screenshots taken on the way."""

    def __init__(self, live, worker, inbox, dovecot, mailbox):
        self.live, self.worker, self.inbox = live, worker, inbox
        self.dovecot, self.mailbox = dovecot, mailbox
        self.url = live.url
        self.folder = artifacts_folder()
        self.shots = []

    def shot(self, driver, name):
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        assert driver.save_screenshot(str(path)), path
        self.shots.append(path)

    def poll_mailbox(self):
        """What the beat schedule does every INBOUND_POLL_SECONDS: read the mailbox now."""
        self.live.app.extensions["celery"].send_task("inbound.poll", queue="default")


@contextmanager
def journey(database_url, dovecot, tmp_path):
    purge_queues(BROKER_URL)
    inbox, mailbox = Inbox(), new_mailbox(dovecot)
    instance = str(tmp_path / "instance")  # shared: the worker's PDFs are what the app serves
    with smtp_server(inbox) as port:
        mail = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
        mail.update(DELIVERY_FROM=DELIVERY_FROM, REPLY_TO_ADDRESS=REPLY_TO_ADDRESS)
        app = server_app(
            database_url, instance, CELERY_BROKER_URL=BROKER_URL, CELERY_TASK_ALWAYS_EAGER=False, **mail
        )
        with serving(app) as live:
            app.config["PUBLIC_URL"] = live.url
            worker = Worker(
                APP_ENV="testing",
                DATABASE_URL=database_url,
                CELERY_BROKER_URL=BROKER_URL,
                CELERY_TASK_ALWAYS_EAGER="0",
                PREFLIGHT_CHECKS="0",
                INSTANCE_PATH=instance,
                PUBLIC_URL=live.url,
                INBOUND_IMAP_URL=dovecot.url(mailbox),
                **{key: str(value) for key, value in mail.items()},
            )
            try:
                worker.wait_until_ready()
                yield Journey(live, worker, inbox, dovecot, mailbox)
                live.in_flight.wait_until_idle()
                assert not live.errors, f"the server failed while the browser used it: {live.errors!r}"
            finally:
                worker.stop()
                print(f"--- worker output ---\n{worker.output}")  # pytest shows it when the test failed


def go(driver, element):
    """Click a link or button that leads to another page, and wait until that page is there."""
    page = driver.find_element(By.TAG_NAME, "html")
    try:
        element.click()
    except WebDriverException as error:  # the page went on before Chromium finished reporting the click
        if "does not belong to the document" not in str(error):
            raise
    wait(driver).until(EC.staleness_of(page))


def find(driver, css):
    return wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def find_xpath(driver, xpath):
    return wait(driver).until(EC.presence_of_element_located((By.XPATH, xpath)))
