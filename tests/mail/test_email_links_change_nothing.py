"""Opening a link from any email the product sends changes nothing: every row of every table stays.

The test makes the product send each kind of email it has (to signers, to the bodies a letter goes
to, to staff), opens every link of each one with GET as its reader would, and compares a snapshot
of the whole database before and after each. It also fails when an email template is added, or a
module starts to queue mail, that it does not exercise. The buttons behind the links (confirm,
withdraw, reconfirm, one-click unsubscribe) are pressed afterwards and must work.
"""

import ast
import inspect
import re
from datetime import date, timedelta
from email.utils import parseaddr
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import template_rendered

from app.core.timeutil import utcnow
from app.deliveries.models import Channel, Delivery
from app.deliveries.tasks import send_delivery
from app.extensions import db as _db
from app.letters.services import freeze_version
from app.mail.compose import build_email
from app.mail.models import OutboxMessage
from app.responses.models import StatusKind
from app.signatures.models import Signatory, Signature, SignatureStatus
from app.signatures.tasks import remind_unconfirmed
from app.signatures.update_tasks import send_updates
from app.timeline.chasers import prepare_chasers
from app.timeline.services import propose_event
from app.timeline.tasks import overdue_digest
from tests.deliveries.email.conftest import make_delivery
from tests.deliveries.records_support import make_delivery as partner_delivery
from tests.factories import PASSWORD
from tests.helpers import csrf_token, log_in
from tests.signatures.conftest import inputs, sign

pytestmark = pytest.mark.committed

APP = Path(__file__).resolve().parents[2] / "app"
#: Tables left out of the snapshot: none. (Rate-limit counters and the page cache live in
#: memory:// during tests, sessions in signed cookies: nothing technical is kept in a table.)
TECHNICAL_TABLES = frozenset()
_URL = re.compile(r"https?://[^\s<>\"')]+")


def email_templates_on_disk():
    """Every email template: the text bodies under templates/ and anything in an emails folder."""
    root = APP / "templates"
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and (path.suffix == ".txt" or "emails" in path.relative_to(root).parts)
    }


def _queues_mail(node):
    if not isinstance(node, ast.Call):
        return False
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    return name in ("queue_mail", "OutboxMessage")


def modules_that_queue_mail():
    """The app's modules that write an outbox row (app.mail.services itself aside)."""
    found = set()
    for path in APP.rglob("*.py"):
        module = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        if module != "app.mail.services" and any(map(_queues_mail, ast.walk(ast.parse(path.read_text())))):
            found.add(module)
    return found


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("href", "src") and value]

    def handle_data(self, data):
        self.found += _URL.findall(data)


def links_of(email):
    """Every link in the email: its text and HTML parts, and its List-Unsubscribe header."""
    found = []
    for part in email.walk():
        if part.get_content_type() == "text/plain":
            found += _URL.findall(part.get_content())
        elif part.get_content_type() == "text/html":
            parser = _Links()
            parser.feed(part.get_content())
            found += parser.found
    found += re.findall(r"<([^>]+)>", email.get("List-Unsubscribe", ""))
    return list(dict.fromkeys(link.rstrip(".,;") for link in found))


def snapshot():
    """Every row of every table, in primary-key order."""
    _db.session.expire_all()
    tables = {}
    with _db.engine.connect() as connection:
        for table in _db.metadata.sorted_tables:
            if table.name in TECHNICAL_TABLES:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
    return tables


def differences(before, after):
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def _built(row):
    """The email of an outbox row as the mail worker builds it (a kept delivery names its Message-ID,
    which build_email would add a second time)."""
    headers = {k: v for k, v in (row.headers or {}).items() if k.lower() != "message-id"}
    return build_email(SimpleNamespace(**{**_columns(row), "headers": headers}))


def _columns(row):
    return {column.key: getattr(row, column.key) for column in sa.inspect(OutboxMessage).columns}


class Mails:
    """The emails the product sent since the last look, and who wrote them (template or module)."""

    def __init__(self, app, public_url):
        self.app, self.public = app, public_url.rstrip("/")
        self.seen, self.templates, self.modules, self.opened = 0, set(), set(), []

    def rendered(self, sender, template, context, **extra):
        self.templates.add(template.name)

    def written(self, mapper, connection, target):
        for frame in inspect.stack()[1:]:
            module = frame.frame.f_globals.get("__name__", "")
            if module.startswith("app.") and not module.startswith(("app.mail.services", "app.mail.models")):
                self.modules.add(module)
                return

    def new(self, kind):
        """The messages written since the last call, as built for sending; at least one."""
        _db.session.expire_all()
        rows = _db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()[self.seen :]
        self.seen += len(rows)
        assert rows, f"the product sent no {kind} email"
        return [(parseaddr(row.to)[1], _built(row), row) for row in rows]

    def open_links(self, email, client, kind, required=True):
        """GET each link on PUBLIC_URL as the reader would; the database must stay as it was."""
        links = [link for link in links_of(email) if link.startswith(self.public + "/")]
        assert links or not required, f"the {kind} email has no link on PUBLIC_URL"
        self.opened.append((kind, None))
        for link in links:
            before = snapshot()
            parts = urlsplit(link)
            page = client.get(parts.path, query_string=parts.query, follow_redirects=True)
            assert page.status_code < 500, (kind, link, page.status_code)
            changed = differences(before, snapshot())
            assert not changed, f"opening {link} from the {kind} email changed {changed}"
            self.opened.append((kind, parts.path))
        return links


@pytest.fixture
def mails(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))
    monkeypatch.setitem(app.config, "DELIVERY_FROM", "Coalition <coalition@coalition.example>")
    monkeypatch.setitem(app.config, "REPLY_TO_ADDRESS", "replies@coalition.example")
    recorder = Mails(app, app.config["PUBLIC_URL"])
    template_rendered.connect(recorder.rendered, app)
    sa.event.listen(OutboxMessage, "before_insert", recorder.written)
    yield recorder
    sa.event.remove(OutboxMessage, "before_insert", recorder.written)
    template_rendered.disconnect(recorder.rendered, app)


@pytest.fixture
def staff(app, make_user):
    client = app.test_client()
    user = make_user(role="admin", email="desk@coalition.example")
    _db.session.commit()
    assert log_in(client, user.email, PASSWORD).status_code == 302
    return client


def _path(link):
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _link(links, part):
    return _path(next(link for link in links if part in link))


def _press(client, path):
    """Press the one button on the page a link opens, as a browser would."""
    token = inputs(client.get(path))["csrf_token"]
    return client.post(path, data={"csrf_token": token})


def _signature(email):
    _db.session.expire_all()
    return _db.session.scalar(sa.select(Signature).join(Signatory).where(Signatory.email == email))


def _signer_emails(client, letter, mails):
    """Confirmation, already signed, reminder: each link opened, then the confirmation pressed."""
    assert sign(client, letter, email="jane@example.org", updates="y").status_code == 302
    [(to, confirmation, _row)] = mails.new("signer confirmation")
    links = mails.open_links(confirmation, client, "signer confirmation")
    assert to == "jane@example.org" and len(links) == 2
    assert "Thank you" in _press(client, _link(links, "/s/confirm/")).get_data(as_text=True)
    assert _signature("jane@example.org").status == SignatureStatus.CONFIRMED
    withdraw = _link(links, "/s/withdraw/")

    assert sign(client, letter, email="jane@example.org").status_code == 302
    [(_to, already, _row)] = mails.new("already signed")
    assert _link(mails.open_links(already, client, "already signed"), "/s/withdraw/")

    assert sign(client, letter, email="late@example.org", name_en="Late Signer").status_code == 302
    mails.new("second confirmation")
    _db.session.execute(sa.update(Signature).values(created_at=utcnow() - timedelta(days=2)))
    _db.session.commit()
    assert remind_unconfirmed() == 1
    [(to, reminder, _row)] = mails.new("reminder")
    assert to == "late@example.org"
    mails.open_links(reminder, client, "reminder")
    return withdraw


def _reconfirmation(client, staff, letter, mails):
    letter = _db.session.merge(letter)
    letter.body_en = "We ask you to act today, and to answer in writing."
    freeze_version(letter)
    _db.session.commit()
    token = csrf_token(staff, f"/staff/letters/{letter.id}")
    assert staff.post(f"/staff/letters/{letter.id}/reconfirm", data={"csrf_token": token}).status_code == 302
    [(to, reconfirm, _row)] = mails.new("reconfirmation")
    assert to == "jane@example.org"
    path = _link(mails.open_links(reconfirm, client, "reconfirmation"), "/s/reconfirm/")
    assert "your signature is now on the new version" in _press(client, path).get_data(as_text=True)
    assert _signature("jane@example.org").version_id == letter.current_version.id


def _delivery_and_update(client, staff, letter, mails):
    delivery = make_delivery("en", letter=_db.session.merge(letter))
    send_delivery(delivery.id)
    [(to, email, row)] = mails.new("delivery")
    assert to == "embassy@ukraine.example" and row.attachment_document_id
    mails.open_links(email, client, "delivery")

    event = propose_event(_db.session.merge(letter), StatusKind.RESPONDED, date(2025, 4, 2))
    _db.session.commit()
    page = f"/staff/letters/{letter.id}/timeline"
    accepted = staff.post(f"{page}/{event.id}/accept", data={"csrf_token": csrf_token(staff, page)})
    assert accepted.status_code == 302
    assert send_updates() == 1
    [(to, update, _row)] = mails.new("signer update")
    assert to == "jane@example.org"
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = mails.open_links(update, client, "signer update")
    [header] = re.findall(r"<([^>]+)>", update["List-Unsubscribe"])
    assert header in links and "/s/unsubscribe/" in header
    return delivery.id, _path(header)


def _digest_and_chaser(client, staff, delivery_id, mails):
    original = _db.session.get(Delivery, delivery_id)
    original.sent_at = utcnow() - timedelta(weeks=6)
    _db.session.commit()
    assert overdue_digest() == 1  # also prepares the chaser, for staff to approve
    [(to, digest, _row)] = mails.new("overdue digest")
    assert to == "desk@coalition.example"
    mails.open_links(digest, staff, "overdue digest")
    [chaser] = (
        prepare_chasers()
        or _db.session.scalars(sa.select(Delivery).where(Delivery.chaser_of_id == delivery_id)).all()
    )
    page = f"/staff/deliveries/{delivery_id}"
    token = csrf_token(staff, page)
    assert staff.post(f"/staff/chasers/{chaser.id}/approve", data={"csrf_token": token}).status_code == 302
    [(to, email, _row)] = mails.new("chaser")
    assert to == "embassy@ukraine.example"
    mails.open_links(email, client, "chaser", required=False)  # its text is staff's, links or none


def _partner_link(client, staff, mails):
    """The partner's email: its private link opens the partner's page and changes nothing."""
    delivery = partner_delivery(Channel.PARTNER)
    page = f"/staff/deliveries/{delivery.id}"
    data = {"partner_name": "Ukrainian partner", "email": "desk@partner.example"}
    answer = staff.post(f"{page}/partner-link", data={**data, "csrf_token": csrf_token(staff, page)})
    assert answer.status_code == 302
    [(to, email, _row)] = mails.new("partner link")
    assert to == "desk@partner.example"
    mails.open_links(email, client, "partner link")


def test_every_link_of_every_email_changes_nothing_and_its_button_works(client, staff, letter, mails):
    withdraw = _signer_emails(client, letter, mails)
    _reconfirmation(client, staff, letter, mails)
    delivery_id, unsubscribe = _delivery_and_update(client, staff, letter, mails)
    _digest_and_chaser(client, staff, delivery_id, mails)
    _partner_link(client, staff, mails)

    # RFC 8058: the mail program's one-click POST carries no cookie and no CSRF token.
    anonymous = client.application.test_client()
    one_click = anonymous.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "no more updates" in one_click.get_data(as_text=True)
    assert _signature("jane@example.org").signatory.wants_updates is False
    assert "withdrawn" in _press(client, withdraw).get_data(as_text=True)
    assert _signature("jane@example.org").status == SignatureStatus.WITHDRAWN

    assert mails.templates >= email_templates_on_disk(), (
        f"email templates this test never sends: {email_templates_on_disk() - mails.templates}"
    )
    assert mails.modules == modules_that_queue_mail(), (
        f"modules that send mail this test does not exercise: {modules_that_queue_mail() - mails.modules}"
    )
    opened = {(kind, path.split("/")[1] + "/" + path.split("/")[2]) for kind, path in mails.opened if path}
    assert opened >= {
        ("signer confirmation", "s/confirm"),
        ("signer confirmation", "s/withdraw"),
        ("already signed", "s/withdraw"),
        ("reminder", "s/confirm"),
        ("reconfirmation", "s/reconfirm"),
        ("signer update", "s/unsubscribe"),
        ("signer update", "c/" + letter.campaign.slug),
        ("overdue digest", "staff/deliveries"),
        ("overdue digest", "staff/awaiting"),
    }, opened
    assert any(kind == "delivery" and path.startswith("/reply/") for kind, path in mails.opened if path)
    assert any(kind == "partner link" and path.startswith("/partner/") for kind, path in mails.opened if path)
    assert any(kind == "delivery" and path.startswith("/documents/") for kind, path in mails.opened if path)
    assert {kind for kind, _path in mails.opened} >= {"delivery", "chaser"}
