"""Deliveries go over STARTTLS with the server's certificate checked, and log in as configured."""

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.deliveries.models import DeliveryStatus
from app.deliveries.tasks import send_delivery
from tests.deliveries.email.conftest import Inbox, delivery_row, make_delivery
from tests.mail.conftest import send_to
from tests.signatures.test_sign_end_to_end import free_port

pytestmark = pytest.mark.committed


def self_signed(tmp_path, name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class Logins:
    def __init__(self):
        self.seen = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.seen.append((auth_data.login, auth_data.password, session.ssl is not None))
        return AuthResult(success=auth_data.password == b"s3cret")


@pytest.fixture
def tls_inbox(app, monkeypatch, tmp_path):
    cert, key = self_signed(tmp_path, "smtp-server")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler, logins = Inbox(), Logins()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=logins,
        auth_require_tls=True,
    )
    controller.start()
    send_to(app, monkeypatch, controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "coalition")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "s3cret")
    monkeypatch.setitem(app.config, "MAIL_CA_FILE", str(cert))
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 3)  # each test stays short, whatever the server does
    try:
        yield handler, logins
    finally:
        controller.stop()


def test_a_delivery_goes_over_starttls_and_logs_in(tls_inbox):
    handler, logins = tls_inbox
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    assert len(handler.wait_for(1, timeout=10)) == 1
    assert logins.seen == [(b"coalition", b"s3cret", True)]
    assert delivery_row(delivery.id).status == DeliveryStatus.SENT


def test_a_server_whose_certificate_is_not_trusted_gets_nothing_and_the_delivery_waits(
    app, monkeypatch, tmp_path, tls_inbox
):
    handler, logins = tls_inbox
    other, _key = self_signed(tmp_path, "someone-else")
    monkeypatch.setitem(app.config, "MAIL_CA_FILE", str(other))
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.QUEUED and row.attempts == 1
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert handler.received == [] and logins.seen == []


def test_a_refused_login_is_tried_again_later(app, monkeypatch, tls_inbox):
    handler, _logins = tls_inbox
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.QUEUED and row.next_attempt_at is not None
    assert handler.received == []
