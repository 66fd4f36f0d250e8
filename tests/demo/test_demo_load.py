"""The demo campaign: the joint letter of March 11, 2025, in English and Korean."""

import sqlalchemy as sa

from app.demo.loader import SLUG, load_demo
from app.models import Campaign, Letter, LetterStatus, Recipient, RecipientKind, Signatory
from tests.helpers import page_text


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_loading_twice_makes_one_campaign(runner, db):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert "Loaded the demo campaign" in first.output
    assert "already loaded" in second.output
    assert _count(db, Campaign) == 1
    assert _count(db, Signatory) == 11
    assert _count(db, Recipient) == 7


def _recipients_as_stored(db):
    rows = db.session.scalars(sa.select(Recipient).order_by(Recipient.id))
    return [(r.id, r.updated_at, r.name_en, r.kind, r.tags, r.address_en, r.emails) for r in rows]


def test_loading_again_leaves_the_recipients_as_they_are(runner, db):
    runner.invoke(args=["demo", "load"])
    before = _recipients_as_stored(db)
    runner.invoke(args=["demo", "load"])
    db.session.expire_all()
    assert _recipients_as_stored(db) == before


def test_demo_recipients_carry_the_registry_fields(db):
    load_demo()
    by_name = {r.name_en: r for r in db.session.scalars(sa.select(Recipient))}
    office = by_name["Office of the President of Ukraine"]
    assert office.kind == RecipientKind.HEAD_OF_STATE and office.country == "UA"
    assert office.tags == ["POWs", "Ukraine"]
    partner = by_name["International Human Rights Protection Committee"]
    assert partner.kind == RecipientKind.NGO_PARTNER
    # Only the seeds' addresses: the President's and the embassy's city; none for the others.
    assert by_name["Embassy of Ukraine in the Republic of Korea"].address_en == "Seoul\nRepublic of Korea"
    for name in (
        "International Committee of the Red Cross (ICRC)",
        "International Human Rights Protection Committee",
    ):
        assert by_name[name].address_en == by_name[name].address_ko == ""
    unhcr = by_name["Office of the United Nations High Commissioner for Refugees (UNHCR)"]
    assert unhcr.address_en == "" and unhcr.emails == [] and unhcr.fax == ""
    assert all("Demo record" in r.notes for r in by_name.values())


def test_demo_letter_is_open_with_both_languages_frozen(db):
    load_demo()
    letter = db.session.scalar(sa.select(Letter))
    assert letter.status == LetterStatus.OPEN
    version = letter.current_version
    assert version.number == 1 and len(version.content_hash) == 64
    assert version.body_en.startswith("In your people’s valiant struggle for democracy and freedom")
    assert "강제송환 금지 원칙" in version.body_ko
    assert version.salutation_en == "Dear President Zelenskyy"
    assert len(version.body_en.split("\n\n")) == len(version.body_ko.split("\n\n")) == 12
    assert letter.recipient_links[0].recipient.address_en == "11 Bankova Street\n01220, Kyiv\nUkraine"
    assert all(r.is_demo for r in db.session.scalars(sa.select(Recipient)))


def test_public_page_lists_organizations_first_then_individuals_with_their_lines(client, db):
    load_demo()
    db.session.commit()
    text = page_text(client.get(f"/c/{SLUG}", headers={"Accept-Language": "en"}))
    assert "Dear President Zelenskyy" in text
    assert "March 11, 2025" in text
    assert "11 signatories" in text
    assert text.index("Transitional Justice Working Group (TJWG)") < text.index("Kim Jeong-sam")
    assert (
        "elder brother of missionary Kim Jeong-wook who has been held in detention in North Korea since 2013"
        in text
    )


def test_public_page_in_korean(client, db):
    load_demo()
    db.session.commit()
    text = page_text(client.get(f"/c/{SLUG}", headers={"Accept-Language": "ko-KR,ko;q=0.9"}))
    assert "존경하는 볼로디미르 젤렌스키 대통령님께" in text
    assert "2025년 3월 11일" in text
    assert "북한인권시민연합" in text
    assert "2013년부터 북한에 억류되어 있는 김정욱 선교사의 형" in text
