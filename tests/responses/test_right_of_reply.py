"""The right of reply: every delivery email carries a private link; the recipient posts its own response."""

import io
import re
import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.core.audit import AuditLog
from app.deliveries.models import DeliveryStatus
from app.deliveries.reply_link import reply_url
from app.responses.models import Response, ResponseAttachment, ResponseSource, StatusEvent, StatusKind
from tests.deliveries.records_support import pdf_bytes
from tests.helpers import csrf_token, page_text
from tests.responses.conftest import deliver, responses

TABLES = (Response, ResponseAttachment, StatusEvent, AuditLog)
ANSWER = "The Ministry has received the letter and will answer by the end of the month."


def counts(db):
    db.session.expire_all()
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in TABLES
    }


def path_of(delivery):
    return urlsplit(reply_url(delivery)).path


def post(client, path, data, files=(), token=True):
    form = dict(data)
    if token:
        form["csrf_token"] = csrf_token(client, path)
    form["files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(path, data=form, content_type="multipart/form-data")


def reply(visibility="public", **extra):
    return {
        "text": ANSWER,
        "responder_name": "Park Seoyeon",
        "responder_title": "Director, Human Rights Division",
        "visibility": visibility,
        **extra,
    }


@pytest.mark.committed
def test_the_delivery_email_carries_the_link_on_public_url_and_it_opens_in_the_deliverys_language(
    app, client, monkeypatch, tmp_path
):
    from app.deliveries.tasks import send_delivery
    from tests.deliveries.email.conftest import make_delivery
    from tests.mail.conftest import outbox

    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://letters.example.org")
    delivery = make_delivery("ko")
    send_delivery(delivery.id)

    (message,) = outbox()
    urls = re.findall(r"https://letters\.example\.org/reply/\S+", message.body_text)
    assert len(urls) == 1 and urls[0] in message.body_html
    assert "공식 기록으로 답변하시려면" in message.body_text
    page = client.get(urlsplit(urls[0]).path, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "답변 게시하기" in page_text(page) and "주한 우크라이나 대사관" in page_text(page)
    assert "Post the response" in page_text(client.get(urlsplit(urls[0]).path + "?lang=en"))


def test_opening_the_link_changes_nothing(client, db, delivery):
    before = counts(db)
    assert client.get(path_of(delivery)).status_code == 200
    assert client.head(path_of(delivery)).status_code == 200
    assert counts(db) == before


def test_a_public_response_is_the_recipients_own_proposes_its_event_and_shows_on_the_public_timeline(
    app, auth, client, db, delivery, letter
):
    page = path_of(delivery)
    answer = post(client, page, reply("public"), files=[(pdf_bytes(), "answer.pdf")])
    assert answer.status_code == 302
    assert "Thank you. Your response is on the record." in page_text(client.get(answer.headers["Location"]))

    (response,) = responses(db)
    assert response.source == ResponseSource.RECIPIENT and response.created_by_id is None
    assert response.is_public and response.text == ANSWER and response.delivery_id == delivery.id
    assert (response.responder_name, response.responder_title) == (
        "Park Seoyeon",
        "Director, Human Rights Division",
    )
    assert [a.filename for a in response.attachments] == ["answer.pdf"]
    (event,) = db.session.scalars(
        sa.select(StatusEvent).where(StatusEvent.kind == StatusKind.RESPONDED)
    ).all()
    assert event.is_proposed and not event.is_public and event.response_id == response.id

    public = page_text(app.test_client().get(f"/c/{letter.campaign.slug}?lang=en"))
    assert ANSWER in public and "Park Seoyeon, Director, Human Rights Division" in public
    assert "Answer on the record, in the recipient's own words" in public

    auth.login("viewer")
    staff = page_text(client.get(f"/staff/deliveries/{delivery.id}"))
    assert "Posted by the recipient: Park Seoyeon" in staff


def test_a_private_response_is_for_staff_only_and_its_responder_for_editors(
    app, auth, client, db, delivery, letter, api
):
    assert post(client, path_of(delivery), reply("private")).status_code == 302
    (response,) = responses(db)
    assert response.source == ResponseSource.RECIPIENT and not response.is_public
    public = page_text(app.test_client().get(f"/c/{letter.campaign.slug}?lang=en"))
    assert ANSWER not in public and "Park Seoyeon" not in public
    assert api.get(f"/responses/{response.id}").get_json()["responder"].startswith("Park Seoyeon, Director")
    api.as_role("viewer")
    read = api.get(f"/responses/{response.id}").get_json()
    assert read["source"] == "recipient" and read["responder"] is None
    auth.login("viewer")
    listed = page_text(client.get(f"/staff/deliveries/{delivery.id}"))
    assert "Posted by the recipient" in listed and "Park Seoyeon" not in listed
    shown = page_text(client.get(f"/staff/responses/{response.id}"))
    assert ANSWER in shown and "Private" in shown and "The recipient, through its right of reply" in shown


def test_the_page_is_korean_for_a_korean_delivery_and_a_korean_answer_is_summarized_in_korean(
    client, db, letter, ministry
):
    delivery = deliver(letter, ministry)
    delivery.language = "ko"
    db.session.commit()
    page = page_text(client.get(path_of(delivery), headers={"Accept-Language": "en"}))
    assert "“그들을 집으로”에 대한 답변" in page and "공개 범위" in page and "Post the response" not in page
    answer = post(client, path_of(delivery), reply("private", text="서한을 접수하였습니다."))
    assert answer.status_code == 302
    assert "감사합니다. 답변이 기록되었습니다." in page_text(client.get(answer.headers["Location"]))
    (response,) = responses(db)
    assert response.summary_ko == "서한을 접수하였습니다." and response.summary_en == ""


def test_missing_fields_are_named_in_the_pages_language_and_nothing_is_saved(client, db, delivery):
    before = counts(db)
    refused = post(
        client, path_of(delivery) + "?lang=ko", {"text": "", "responder_name": "", "visibility": ""}
    )
    assert refused.status_code == 422
    text = page_text(refused)
    assert "답변을 작성하십시오." in text and "답변의 공개 여부를 선택하십시오." in text
    assert counts(db) == before


def test_an_attachment_of_the_wrong_type_is_refused_with_a_message_and_nothing_is_saved(
    client, db, delivery, upload_folder
):
    before = counts(db)
    refused = post(client, path_of(delivery), reply(), files=[(b"MZ\x90\x00" + b"\x00" * 100, "answer.pdf")])
    assert refused.status_code == 422
    assert "Only PDF, JPEG and PNG files are accepted." in page_text(refused)
    assert counts(db) == before


def test_a_post_without_the_csrf_token_is_refused(client, db, delivery):
    before = counts(db)
    assert post(client, path_of(delivery), reply(), token=False).status_code == 400
    assert counts(db) == before


def test_an_expired_link_shows_a_clear_page(app, client, delivery):
    class Signer(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - (app.config["REPLY_LINK_DAYS"] + 1) * 86400

    serializer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="undersigned.right-of-reply", signer=Signer
    )
    path = f"/reply/{serializer.dumps({'d': delivery.reply_token})}"
    answer = client.get(path, headers={"Accept-Language": "ko"})
    assert answer.status_code == 410 and "이 링크는 만료되었습니다" in page_text(answer)
    assert client.post(path, data={}).status_code in (400, 410)


@pytest.mark.parametrize(
    "forge",
    [
        lambda path: path[:-2] + ("AA" if not path.endswith("AA") else "BB"),
        lambda path: "/reply/"
        + URLSafeTimedSerializer("another key", salt="undersigned.right-of-reply").dumps({"d": "x"}),
        lambda path: "/reply/nothing-at-all",
    ],
)
def test_a_forged_link_is_not_found(client, delivery, forge):
    answer = client.get(forge(path_of(delivery)))
    assert answer.status_code == 404 and "This link is not known." in page_text(answer)


def test_a_link_signed_for_a_delivery_that_is_gone_is_not_found(app, client, delivery):
    from app.core.tokens import make_token

    with app.test_request_context():
        token = make_token("right-of-reply", {"d": "0" * 32})
    assert client.get(f"/reply/{token}").status_code == 404


def test_a_public_answer_ends_the_wait_shown_on_the_public_page(app, client, db, letter, ministry):
    from datetime import date

    from app.timeline.services import accept_event
    from tests.timeline.conftest import make_delivery

    delivery = make_delivery(letter, ministry, date(2025, 3, 11), status=DeliveryStatus.DELIVERED)
    (proposal,) = db.session.scalars(
        sa.select(StatusEvent).where(StatusEvent.delivery_id == delivery.id)
    ).all()
    accept_event(proposal)
    db.session.commit()
    public_page = f"/c/{letter.campaign.slug}?lang=en"
    assert "Ministry of Foreign Affairs: delivered March 11, 2025, waiting" in page_text(
        client.get(public_page)
    )
    assert post(client, path_of(delivery), reply("public")).status_code == 302
    text = page_text(app.test_client().get(public_page))
    assert ANSWER in text and "Still awaited" not in text
