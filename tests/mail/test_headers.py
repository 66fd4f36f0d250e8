"""Subjects fit their column, and no header value carries a line break, whatever a title holds."""

from email.header import decode_header, make_header

from app.mail.models import MailStatus
from app.mail.tasks import send_mail
from tests.factories import OutboxMessageFactory
from tests.mail.conftest import outbox
from tests.signatures.conftest import followed, make_open_letter, sign

LONG_TITLE = ("A very long open letter title that goes on " * 7)[:266]


def raw_headers(email):
    """The header lines as they went over the wire, unfolded."""
    head = email.as_string().split("\n\n", 1)[0]
    return [line for line in head.replace("\n ", " ").replace("\n\t", " ").split("\n") if line]


def test_a_letter_with_a_266_character_title_still_takes_sign_ons(client, inbox):
    letter = make_open_letter(title_en=LONG_TITLE)

    response = sign(client, letter, email="long@example.org")

    assert "Check your email" in followed(client, response)
    [(_recipients, email)] = inbox.wait_for(1)
    subject = str(make_header(decode_header(email["Subject"])))
    assert subject.startswith("Please confirm your signature on “A very long open letter title")
    assert subject.endswith("…") and len(subject) <= 300
    [message] = outbox()
    assert message.subject == subject


def test_line_and_paragraph_separators_in_a_title_do_not_start_a_header(client, inbox):
    letter = make_open_letter(title_en="Open letter\u2028Bcc: victim@example.org\u2029\x85\r\nX-Evil: 1")

    assert sign(client, letter, email="signer@example.org").status_code == 302

    [(recipients, email)] = inbox.wait_for(1)
    assert recipients == ["signer@example.org"]
    assert email["Bcc"] is None and email["X-Evil"] is None
    assert str(email["Subject"]) == (
        "Please confirm your signature on “Open letter Bcc: victim@example.org X-Evil: 1”"
    )


def test_build_email_keeps_every_header_on_one_line(inbox):
    message_id = OutboxMessageFactory(
        subject="Hello\r\nBcc: a@example.org",
        headers={"Reply-To": "desk@example.org\u2028Bcc: b@example.org", "X-Note\n": "one\x0btwo\x1cthree"},
    ).id

    send_mail(message_id)

    [(recipients, email)] = inbox.wait_for(1)
    assert len(recipients) == 1
    assert email["Bcc"] is None
    assert str(email["Subject"]) == "Hello Bcc: a@example.org"
    assert str(email["Reply-To"]).startswith("desk@example.org")
    assert str(email["X-Note"]) == "one two three"
    assert not any(line.lower().startswith("bcc") for line in raw_headers(email))
    assert outbox()[0].status == MailStatus.SENT
