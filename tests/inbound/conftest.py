"""Inbound fixtures: a real Dovecot IMAP server on loopback; a sent email delivery to reply to."""

import grp
import hashlib
import imaplib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.deliveries.reply_address import reply_address
from app.extensions import db
from app.inbound.models import InboundMessage
from app.letters.models import LetterStatus
from tests.deliveries.email.test_tls import self_signed
from tests.factories import LetterFactory, RecipientFactory
from tests.signatures.test_sign_end_to_end import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
INSTALL = "sudo apt-get install -y --no-install-recommends dovecot-imapd  (or: scripts/setup.sh test)"
USER = "replies@undersigned.test"
#: Percent-encoded in the URL: a password with URL delimiters in it must still work.
PASSWORD = "p@ss/w%rd#?ä"  # passwd-file: no colon

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = undersigned-test-{port}
log_path = {root}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%n
mail_uid = {mail_user}
mail_gid = {mail_group}
first_valid_uid = {mail_uid}
last_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
last_valid_gid = {mail_gid}
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
"""


def _users():
    """Root runs mail as `nobody` and logins as `dovenull`; anyone else runs all of it as themselves."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me, me.pw_name, me.pw_name
    return pwd.getpwnam("nobody"), "dovenull", "dovecot"


def _write_config(root, port, imaps_port=0, tls=None):
    mail, login_user, internal_user = _users()
    group = _group_name(mail.pw_gid)
    (root / "mail").mkdir()
    os.chown(root / "mail", mail.pw_uid, mail.pw_gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
    path = root / "dovecot.conf"
    path.write_text(
        CONFIG.format(
            root=root,
            port=port,
            imaps_port=imaps_port,
            ssl=f"ssl = yes\nssl_cert = <{tls[0]}\nssl_key = <{tls[1]}" if tls else "ssl = no",
            mail_user=mail.pw_name,
            mail_group=group,
            mail_uid=mail.pw_uid,
            mail_gid=mail.pw_gid,
            login_user=login_user,
            internal_user=internal_user,
        ),
        encoding="utf-8",
    )
    return path


def _group_name(gid):
    return grp.getgrgid(gid).gr_name


def _wait_for(port, process, log, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Dovecot stopped at start (exit {process.returncode}):\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                if connection.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"Dovecot did not answer on 127.0.0.1:{port} within {seconds} s:\n{_tail(log)}")


def _tail(log):
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


class Dovecot:
    """The running server: its port, a URL for a mailbox, and an IMAP client to put messages in."""

    def __init__(self, port, root, imaps_port=0, certificate=None):
        self.port = port
        self.root = root
        self.imaps_port = imaps_port
        #: The server's self-signed certificate (PEM), for INBOUND_IMAP_CA_FILE.
        self.certificate = certificate

    def url(self, mailbox="INBOX", password=PASSWORD, port=None, scheme="imap"):
        user, secret = quote(USER, safe=""), quote(password, safe="")
        port = port or (self.imaps_port if scheme == "imaps" else self.port)
        return f"{scheme}://{user}:{secret}@127.0.0.1:{port}/{quote(mailbox, safe='')}"

    def client(self):
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            client.authenticate("PLAIN", lambda _: f"\0{USER}\0{PASSWORD}".encode())
        except BaseException:
            client.shutdown()
            raise
        return client


@contextmanager
def running_dovecot(tls=False):
    """Start Dovecot from a config of its own; with tls, it offers STARTTLS and imaps too."""
    if not Path(DOVECOT).exists():
        pytest.fail(f"Dovecot is not installed; the mailbox tests need it. Install it with:\n  {INSTALL}")
    # Not under pytest's private (0700) temporary folder: the mail user must reach its maildir.
    root = Path(tempfile.mkdtemp(prefix="undersigned-dovecot-"))
    root.chmod(0o755)
    port, imaps_port = free_port(), free_port() if tls else 0
    certificate = self_signed(root, "imap-server") if tls else None
    config = _write_config(root, port, imaps_port, certificate)
    output = (root / "dovecot.out").open("wb")
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, root / "dovecot.log")
        yield Dovecot(port, root, imaps_port, certificate[0] if tls else None)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot():
    """Dovecot from Debian's packages, plain IMAP on a free loopback port, with one passwd-file user."""
    with running_dovecot() as server:
        yield server


@pytest.fixture(scope="session")
def dovecot_tls():
    """As `dovecot`, with a self-signed certificate: STARTTLS on its imap port, and an imaps port."""
    with running_dovecot(tls=True) as server:
        yield server


def new_mailbox(server):
    """Create a fresh, empty mailbox on the server; its name."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    client = server.client()
    try:
        assert client.create(name)[0] == "OK"
    finally:
        client.logout()
    return name


@pytest.fixture
def mailbox(dovecot):
    """A fresh, empty mailbox of its own for one test; its name."""
    return new_mailbox(dovecot)


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch):
    """Each test stores attachments in a folder of its own."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def make_sent():
    def make(recipient=None, **values):
        letter = LetterFactory(status=LetterStatus.OPEN, title_en="Bring them home", title_ko="그들을 집으로")
        recipient = recipient or RecipientFactory(emails=["desk@mofa.go.kr"])
        token = secrets.token_hex(16)
        delivery = Delivery(
            letter=letter,
            recipient=recipient,
            channel=Channel.EMAIL,
            status=DeliveryStatus.SENT,
            reply_token=token,
            destination="desk@mofa.go.kr",
            message_id=f"<delivery.{token}@undersigned.local>",
            **values,
        )
        db.session.add(delivery)
        db.session.commit()
        return delivery

    return make


@pytest.fixture
def sent(make_sent):
    """An email delivery that went out."""
    return make_sent()


def reply_to(delivery):
    return reply_address(delivery.reply_token)


def store(raw, source="test"):
    """The message as the poller stores it: raw, received, committed."""
    inbound = InboundMessage(sha256=hashlib.sha256(raw).hexdigest(), raw=raw, size=len(raw), source=source)
    db.session.add(inbound)
    db.session.commit()
    return inbound
