"""Staff pages of the registry: create, edit, read, search; viewers never see contact data."""

from datetime import date

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.models import Recipient
from app.recipients.services import create_recipient
from app.responses.models import Response, ResponseChannel
from tests.factories import LetterFactory
from tests.helpers import page_text
from tests.recipients.conftest import FULL

KO = {"Accept-Language": "ko"}


def _recipient(db, name_en):
    return db.session.scalar(sa.select(Recipient).where(Recipient.name_en == name_en))


def test_editor_creates_a_recipient_with_every_field_and_sees_it_on_its_page(auth, client, post_form, db):
    auth.login("editor")
    response = post_form("/staff/recipients/new", FULL)
    assert response.status_code == 302
    recipient = _recipient(db, FULL["name_en"])
    assert recipient.emails == ["consular@embassy.example", "emb_kr@embassy.example"]
    assert recipient.tags == ["delivery in Seoul", "Ukraine"]
    assert recipient.address_en == "1 Example-ro, Yongsan-gu\nSeoul 04001\nRepublic of Korea"
    text = page_text(client.get(response.headers["Location"]))
    for expected in (
        "The recipient is saved.",
        "Embassy",
        "주한 우크라이나 대사관",
        "1 Example-ro, Yongsan-gu Seoul 04001 Republic of Korea",
        "South Korea",
        "consular@embassy.example emb_kr@embassy.example",
        "+82 2 555 0100",
        "Olena Example, second secretary olena@embassy.example +82 10 5555 0101",
        "delivery in Seoul Ukraine",
        "Hand delivery at the gate.",
    ):
        assert expected in text
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "recipient.create"))
    assert entry.object_id == recipient.id and entry.actor_id == auth.user.id


def test_every_bad_field_is_named_in_the_users_language(auth, post_form, db):
    auth.login("editor")
    bad = {
        **FULL,
        "name_en": "<b>Embassy</b>",
        "country": "XX",
        "emails": "consular@embassy.example\nnot-an-address",
        "fax": "call us",
        "portal_url": "javascript:alert(1)",
        "contact_email": "olena@",
        "preferred_language": "fr",
        "kind": "spaceship",
        "address_en": "\n".join(f"line {n}" for n in range(12)),
    }
    response = post_form("/staff/recipients/new", bad, headers=KO)
    assert response.status_code == 422
    text = page_text(response)
    for expected in (
        "확인이 필요한 항목이 있습니다.",
        "여기에는 HTML을 사용할 수 없습니다.",
        "목록에서 국가를 고르세요.",
        "올바른 이메일 주소가 아닙니다: not-an-address",
        "숫자, 공백, + - ( )만 사용하세요.",
        "https://로 시작하는 웹 주소를 입력하세요.",
        "올바른 이메일 주소가 아닙니다.",
        "영어(en) 또는 한국어(ko)를 고르세요.",
        "목록에서 종류를 고르세요.",
        "최대 10줄까지 쓸 수 있습니다.",
    ):
        assert expected in text, expected
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recipient)) == 0


def test_a_recipient_needs_a_name_and_no_two_share_one(auth, post_form, full_recipient):
    auth.login("editor")
    nameless = post_form("/staff/recipients/new", {**FULL, "name_en": " ", "name_ko": ""})
    assert "Enter a name in English or Korean (or both)." in page_text(nameless)
    same = post_form(
        "/staff/recipients/new", {**FULL, "name_en": "embassy of ukraine in the republic of korea."}
    )
    assert same.status_code == 422
    assert (
        "Another recipient already has this name: Embassy of Ukraine in the Republic of Korea."
        in page_text(same)
    )


def test_editing_changes_the_record_and_logs_the_changed_fields(auth, client, post_form, full_recipient, db):
    auth.login("editor")
    url = f"/staff/recipients/{full_recipient.id}/edit"
    form_page = page_text(client.get(url))
    assert "Olena Example, second secretary" in client.get(url).get_data(as_text=True)
    assert "Contact data (editors only)" in form_page
    response = post_form(url, {**FULL, "fax": "", "tags": "Ukraine, UN"})
    assert response.status_code == 302
    db.session.expire_all()
    recipient = db.session.get(Recipient, full_recipient.id)
    assert recipient.fax == "" and recipient.tags == ["Ukraine", "UN"]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "recipient.update"))
    assert entry.details == {"fields": ["fax", "tags"]}


def test_viewer_sees_the_registry_but_never_its_contact_data(auth, client, post_form, full_recipient):
    auth.login("viewer")
    listing = client.get("/staff/recipients/")
    record = client.get(f"/staff/recipients/{full_recipient.id}")
    assert listing.status_code == record.status_code == 200
    assert "Embassy of Ukraine in the Republic of Korea" in page_text(listing)
    html = record.get_data(as_text=True)
    assert "1 Example-ro, Yongsan-gu" in html and "Hand delivery at the gate." in html
    for secret in ("consular@embassy.example", "+82 2 555 0100", "Olena", "olena@", "+82 10 5555 0101"):
        assert secret not in html
    assert "Contact data (emails, fax, contact person) is shown to editors only." in page_text(record)
    assert client.get(f"/staff/recipients/{full_recipient.id}/edit").status_code == 403
    assert client.get("/staff/recipients/new").status_code == 403
    assert client.get("/staff/recipients/export.csv").status_code == 403
    assert client.get("/staff/recipients/import").status_code == 403


def test_the_registry_is_for_staff_only(client, full_recipient):
    response = client.get(f"/staff/recipients/{full_recipient.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_by_name_in_either_language_tag_and_country(auth, client, db):
    for name_en, name_ko, country, tags in (
        ("Office of the President of Ukraine", "우크라이나 대통령실", "UA", "Ukraine"),
        ("Ministry of Foreign Affairs", "외교부", "KR", "Korea, responded"),
        ("UNHCR", "유엔난민기구", "", "UN"),
    ):
        create_recipient({"name_en": name_en, "name_ko": name_ko, "country": country, "tags": tags}, None)
    db.session.commit()
    auth.login("viewer")

    def names(**args):
        text = page_text(client.get("/staff/recipients/", query_string=args))
        return [n for n in ("Office of the President", "Ministry of Foreign Affairs", "UNHCR") if n in text]

    assert names(q="president") == ["Office of the President"]
    assert names(q="외교") == ["Ministry of Foreign Affairs"]
    assert names(tag="un") == ["UNHCR"]
    assert names(country="KR") == ["Ministry of Foreign Affairs"]
    assert names(q="ministry", country="UA") == []
    assert names() == ["Office of the President", "Ministry of Foreign Affairs", "UNHCR"]
    assert "No recipients found." in page_text(client.get("/staff/recipients/?q=nobody"))


def test_the_list_is_paged_and_keeps_its_filters(auth, client, db):
    for n in range(53):
        create_recipient({"name_en": f"Body {n:02d}", "tags": "many"}, None)
    create_recipient({"name_en": "Body 99 untagged"}, None)
    db.session.commit()
    auth.login("viewer")
    first = client.get("/staff/recipients/?tag=many")
    text = page_text(first)
    assert "53 recipients" in text and "Page 1 of 2" in text
    assert "Body 00" in text and "Body 49" in text and "Body 50" not in text
    assert 'href="/staff/recipients/?page=2&amp;tag=many"' in first.get_data(as_text=True)
    second = page_text(client.get("/staff/recipients/?tag=many&page=2"))
    assert "Body 50" in second and "Body 52" in second and "Body 00" not in second
    assert "Body 99" not in second


def test_a_recipients_page_lists_its_letters_deliveries_and_responses(auth, client, full_recipient, db):
    letter = LetterFactory(title_en="Joint letter on POWs")
    db.session.add_all(
        [
            Delivery(
                letter_id=letter.id,
                recipient_id=full_recipient.id,
                channel=Channel.HAND,
                status=DeliveryStatus.DELIVERED,
                reply_token="a" * 32,
            ),
            Response(
                letter_id=letter.id,
                recipient_id=full_recipient.id,
                channel=ResponseChannel.POST,
                received_on=date(2025, 11, 3),
                summary_en="Considered South Korean citizens under the Constitution.",
            ),
        ]
    )
    db.session.commit()
    auth.login("viewer")
    text = page_text(client.get(f"/staff/recipients/{full_recipient.id}"))
    assert "Joint letter on POWs Hand delivery English Delivered" in text
    assert "November 3, 2025 Joint letter on POWs Letter Considered South Korean citizens" in text
    assert "No letter is addressed to this recipient." in text


def test_a_recipient_without_history_says_so(auth, client, full_recipient):
    auth.login("viewer")
    text = page_text(client.get(f"/staff/recipients/{full_recipient.id}", headers=KO))
    assert "아직 이 수신처에 전달된 것이 없습니다." in text
    assert "기록된 이 수신처의 답변이 없습니다." in text
