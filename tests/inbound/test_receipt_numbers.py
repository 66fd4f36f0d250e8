"""Receipt and registration numbers read from acknowledgements in both languages, and taken as the
delivery's reference in one click."""

import pytest
import sqlalchemy as sa

from app.core.audit import AuditLog
from app.deliveries.models import Delivery
from app.extensions import db
from app.inbound.receipt_numbers import numbers_in, reference_numbers
from app.responses.models import StatusEvent, StatusKind
from tests.helpers import csrf_token, page_text
from tests.inbound.conftest import reply_to
from tests.inbound.mime import message, text_part
from tests.inbound.test_filing import filed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("귀하의 민원이 접수되었습니다. 접수번호: 2AA-2611-0012345", [("접수번호", "2AA-2611-0012345")]),
        ("등록 번호 1234 로 등록되었습니다", [("등록 번호", "1234")]),
        ("문서번호 : 인권외교과-5678", [("문서번호", "인권외교과-5678")]),
        ("접수번호는 다음과 같습니다", []),
        ("Your reference no. is ABC-2026-77.", [("reference no.", "ABC-2026-77")]),
        ("Registration number: 4411/2026", [("Registration number", "4411/2026")]),
        ("We have no reference for you.", []),
    ],
)
def test_reference_numbers_are_picked_out(text, expected):
    assert reference_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("귀하의 민원이 접수되었습니다. 접수번호는 2AA-2412-0012345입니다.", ["2AA-2412-0012345"]),
        ("위 서한은 등록번호 제2026-123호로 등록되었음을 알려드립니다.", ["제2026-123호"]),
        ("시행 외교부 제2026-4417호 (2026. 12. 1.)", ["제2026-4417호"]),
        ("문서번호: 인권외교과-5678, 접수일자: 2026.12.01", ["인권외교과-5678"]),
        ("Your letter has been registered. Registration number: 1234.", ["1234"]),
        ("Ref: MOFA/HR/2026/77 — please quote it in any further letter.", ["MOFA/HR/2026/77"]),
        ("Thank you. Our reference number is 2AA-2412-0012345.", ["2AA-2412-0012345"]),
    ],
)
def test_numbers_in_english_and_korean_acknowledgements(text, expected):
    assert numbers_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for your letter of 1 December 2026 about the 2,400 detainees. The Minister will "
        "answer within 20 working days; for questions call +82 2-2100-7114. Ref: your letter.",
        "귀하께서 2026년 12월 1일 보내주신 서한을 잘 받았습니다. 검토 후 30일 이내에 회신드리겠습니다. "
        "문의: 02-2100-7114",
        "접수번호는 추후 알려드리겠습니다. Re: Bring them home",
    ],
)
def test_an_ordinary_reply_gives_no_number(text):
    assert numbers_in(text) == []


def _registration_notice(delivery):
    body = "귀하의 서한이 접수되었습니다.\r\n접수번호: 2AA-2412-0012345\r\n담당: 인권외교과"
    return filed(
        message(body=text_part(body), To=reply_to(delivery), Subject="=?utf-8?B?7KCR7IiYIOyViOuCtA==?=")
    )


def test_one_click_on_the_response_page_sets_the_delivery_reference(client, auth, sent):
    inbound = _registration_notice(sent)
    response_page = f"/staff/responses/{inbound.response.id}?lang=en"
    auth.login("editor")
    text = page_text(client.get(response_page))
    assert "Numbers found in the replies 2AA-2412-0012345 Use as the delivery's reference" in text
    assert "2AA-2412-0012345" in page_text(client.get(f"/staff/deliveries/{sent.id}?lang=en"))
    assert db.session.get(Delivery, sent.id).reference == ""  # showing it changed nothing
    answer = client.post(
        f"/staff/deliveries/{sent.id}/reference",
        data={
            "csrf_token": csrf_token(client, response_page),
            "reference": "2AA-2412-0012345",
            "response_id": str(inbound.response.id),
        },
    )
    assert answer.status_code == 302 and answer.location.endswith(f"/staff/responses/{inbound.response.id}")
    db.session.expire_all()
    assert db.session.get(Delivery, sent.id).reference == "2AA-2412-0012345"
    [entry] = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "delivery.reference")).all()
    assert (entry.object_id, entry.actor_id, entry.details["reference"]) == (
        sent.id,
        auth.user.id,
        "2AA-2412-0012345",
    )
    [event] = db.session.scalars(
        sa.select(StatusEvent).where(StatusEvent.kind == StatusKind.REGISTERED)
    ).all()
    assert (event.delivery_id, event.response_id, event.reference, event.is_proposed) == (
        sent.id,
        inbound.response.id,
        "2AA-2412-0012345",
        True,
    )
    assert event.description_en == "Registered under number 2AA-2412-0012345."
    page = page_text(client.get(f"/staff/deliveries/{sent.id}?lang=en"))
    assert "The recipient's reference 2AA-2412-0012345" in page
    assert "2AA-2412-0012345 (the delivery's reference)" in page


def test_a_blank_reference_is_refused_and_a_viewer_cannot_set_one(client, auth, sent):
    inbound = _registration_notice(sent)
    page = f"/staff/deliveries/{sent.id}?lang=en"
    auth.login("editor")
    data = {
        "csrf_token": csrf_token(client, page),
        "reference": "  ",
        "response_id": str(inbound.response.id),
    }
    answer = client.post(f"/staff/deliveries/{sent.id}/reference", data=data, follow_redirects=True)
    assert answer.status_code == 200
    assert "This reference number cannot be used." in page_text(answer)
    data = {**data, "reference": "2AA-2412-0012345", "csrf_token": "wrong"}
    assert client.post(f"/staff/deliveries/{sent.id}/reference", data=data).status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, page)})
    auth.login("viewer")
    assert "Use as the delivery's reference" not in page_text(client.get(page))
    data["csrf_token"] = csrf_token(client, page)
    assert client.post(f"/staff/deliveries/{sent.id}/reference", data=data).status_code == 403
    db.session.expire_all()
    assert db.session.get(Delivery, sent.id).reference == ""
    assert (
        db.session.scalars(sa.select(StatusEvent).where(StatusEvent.kind == StatusKind.REGISTERED)).all()
        == []
    )
