"""The public sign-on form, sent as a browser sends it: what the signer sees and what is stored."""

import re
import time
import unicodedata

import pytest
from PIL import Image

from app.core.timeutil import utcnow
from app.demo.loader import load_demo
from app.letters.models import LetterStatus
from app.signatures.models import SignatoryKind, SignatureStatus
from app.signatures.moderation import decide
from tests.factories import SignatureFactory
from tests.helpers import page_text
from tests.signatures.conftest import (
    followed,
    inputs,
    link,
    mails,
    open_form,
    png,
    press_button,
    public_count,
    public_page,
    sign,
    signatories,
    signatures,
)

CHECK_EMAIL = "We sent an email to the address you gave: follow its link to confirm your signature."


def sign_and_confirm(client, letter, **fields):
    response = sign(client, letter, **fields)
    assert response.status_code == 302, page_text(response)
    message = mails()[-1]
    assert "confirmed" in page_text(press_button(client, link(message, "confirm")))
    return message


def test_an_individual_signs_confirms_by_email_and_is_then_counted_and_listed(client, db):
    campaign, _created = load_demo()
    db.session.commit()
    letter = campaign.letters[0]
    title = letter.current_version.title_en
    before = public_count(client, letter)

    response = sign(client, letter, name_en="Jane Doe", line="Teacher, Seoul", email="jane@example.org")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/letters/{letter.id}/sign/thanks")
    assert CHECK_EMAIL in followed(client, response)
    [signature] = [s for s in signatures(letter) if s.source == "form"]
    assert signature.status == SignatureStatus.PENDING and signature.confirmed_at is None
    assert signature.signatory.name_en == "Jane Doe" and signature.signatory.line_en == "Teacher, Seoul"
    assert public_count(client, letter) == before
    assert "Jane Doe" not in page_text(public_page(client, letter))

    [message] = mails()
    assert message.to == "jane@example.org"
    assert message.subject == f"Please confirm your signature on “{title}”"
    assert message.body_text.startswith("Hello Jane Doe,")
    confirm_path = link(message, "confirm")
    assert confirm_path and link(message, "withdraw")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm my signature" in page_text(page) and title in page_text(page)
    assert signatures(letter)[-1].status == SignatureStatus.PENDING  # opening the link changes nothing

    done = press_button(client, confirm_path)
    assert "Thank you: your signature is confirmed." in page_text(done)
    signature = signatures(letter)[-1]
    assert signature.status == SignatureStatus.CONFIRMED
    confirmed_at = signature.confirmed_at
    assert confirmed_at is not None
    assert public_count(client, letter) == before + 1
    assert "Jane Doe (Teacher, Seoul)" in page_text(public_page(client, letter))

    again = press_button(client, confirm_path)
    assert "Your signature was already confirmed." in page_text(again)
    assert signatures(letter)[-1].confirmed_at == confirmed_at
    assert public_count(client, letter) == before + 1
    assert len(mails()) == 1


def test_the_confirmation_email_is_in_the_signers_language(client, letter):
    sign(client, letter, lang="ko", name_en="", name_ko="김정삼", email="kim@example.kr")
    sign(client, letter, lang="en", name_en="Jane Doe", email="jane@example.org")

    [korean] = mails(to="kim@example.kr")
    assert "“공개 서한”" in korean.subject  # the letter's Korean title
    assert korean.body_text.startswith("김정삼 님, 안녕하세요.")
    assert "아래 링크를 눌러 서명을 확인해 주세요" in korean.body_text
    assert "Thank you" not in korean.body_text
    [english] = mails(to="jane@example.org")
    assert english.subject == "Please confirm your signature on “An open letter”"
    assert "Please confirm your signature with this link" in english.body_text
    assert [str(s.language) for s in signatories()] == ["ko", "en"]


def test_an_organization_with_a_logo_is_listed_only_after_staff_approve(
    client, db, letter, uploads, make_user
):
    original = png()
    response = sign(
        client,
        letter,
        kind="organization",
        name_en="North Korea Freedom Coalition",
        name_ko="북한자유연대",
        line="A coalition of 40 groups",
        email="office@nkfc.example.org",
        contact_name="Jinhee Park",
        website="https://nkfc.example.org",
        logo=(original, "logo.png"),
    )
    assert CHECK_EMAIL in followed(client, response)

    [signatory] = signatories()
    assert signatory.kind == SignatoryKind.ORGANIZATION
    stored = uploads / "logos" / signatory.logo_path
    assert sorted((uploads / "logos").iterdir()) == [stored]
    assert stored.read_bytes() != original  # re-encoded, not the uploaded bytes
    with Image.open(stored) as image:
        assert image.format == "PNG" and image.size == (64, 48)
        assert "Comment" not in image.info  # the metadata is gone

    assert "confirmed" in page_text(press_button(client, link(mails()[0], "confirm")))
    [signature] = signatures(letter)
    assert signature.status == SignatureStatus.CONFIRMED
    assert "North Korea Freedom Coalition" not in page_text(public_page(client, letter))
    assert public_count(client, letter) == 0

    decide(signature, "approved", make_user(role="editor"))
    db.session.commit()
    english, korean = public_page(client, letter), public_page(client, letter, "ko")
    assert "North Korea Freedom Coalition (A coalition of 40 groups)" in page_text(english)
    assert "북한자유연대" in page_text(korean)
    assert public_count(client, letter) == 1
    api = client.get(f"/api/v1/letters/{letter.id}/signatories?lang=en")
    assert api.status_code == 200
    assert api.get_json()["signatories"] == [
        {"kind": "organization", "name": "North Korea Freedom Coalition", "line": "A coalition of 40 groups"}
    ]
    for private in ("office@nkfc.example.org", "nkfc.example.org", "Jinhee Park"):
        for page in (english, korean, api):
            assert private not in page.get_data(as_text=True)


def test_initials_only_and_counted_only_are_honoured_on_the_public_page(client, letter):
    sign_and_confirm(client, letter, name_en="Jane Doe", display="initials", email="jane@example.org")
    sign_and_confirm(client, letter, name_en="", name_ko="김정삼", display="initials", email="kim@example.kr")
    sign_and_confirm(client, letter, name_en="John Roe", display="counted", email="john@example.org")
    sign_and_confirm(client, letter, name_en="Mary Major", email="mary@example.org")

    english = page_text(public_page(client, letter))
    korean = page_text(public_page(client, letter, "ko"))
    assert public_count(client, letter) == 4
    assert "J. D." in english and "Jane" not in english and "Doe" not in english
    assert "김○○" in korean and "김정삼" not in korean and "김정삼" not in english
    assert "John" not in english and "Roe" not in english and "J. R." not in english
    assert "Mary Major" in english


@pytest.mark.parametrize(
    ("name_en", "name_ko"),
    [("", "김정삼"), ("Kim Jeong-sam", ""), ("Kim Jeong-sam", "김정삼")],
    ids=["hangul-only", "latin-only", "both"],
)
def test_a_name_in_hangul_latin_or_both_is_accepted(client, letter, name_en, name_ko):
    sign_and_confirm(client, letter, name_en=name_en, name_ko=name_ko)

    [signatory] = signatories()
    assert (signatory.name_en, signatory.name_ko) == (name_en, name_ko)
    assert (name_en or name_ko) in page_text(public_page(client, letter))
    assert (name_ko or name_en) in page_text(public_page(client, letter, "ko"))


def test_names_are_stored_in_nfc(client, letter):
    latin, hangul = "Zoë Müller-Sánchez", "김정삼"
    decomposed_latin, decomposed_hangul = (unicodedata.normalize("NFD", n) for n in (latin, hangul))
    assert (decomposed_latin, len(decomposed_hangul)) != (latin, len(hangul))

    sign(
        client,
        letter,
        name_en=decomposed_latin,
        name_ko=decomposed_hangul,
        line=unicodedata.normalize("NFD", "Café"),
    )

    [signatory] = signatories()
    assert signatory.name_en == latin and signatory.name_ko == hangul and signatory.line_en == "Café"
    assert unicodedata.is_normalized("NFC", signatory.name_en + signatory.name_ko)


def test_spaces_and_invisible_characters_are_stripped_from_names(client, letter):
    sign(
        client, letter, name_en="\u200b  Ja\u200bne\u00a0 Doe \ufeff\t", name_ko="\u2060 김\u200d정삼 \u3000"
    )

    [signatory] = signatories()
    assert (signatory.name_en, signatory.name_ko) == ("Jane Doe", "김정삼")


def test_a_name_of_only_spaces_and_invisible_characters_is_refused(client, letter):
    response = sign(client, letter, name_en=" \u200b\u00a0\ufeff ", name_ko="\u200c\u3000\u2060")

    assert response.status_code == 422
    assert "Enter a name in English or Korean (or both)." in page_text(response)
    assert signatories() == [] and mails() == []


TOO_LONG_WEBSITE = "https://" + "a" * 290 + ".org"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name_en": "a" * 201}, "At most 200 characters (this has 201)."),
        ({"name_ko": "가" * 201}, "At most 200 characters (this has 201)."),
        ({"line": "b" * 301}, "At most 300 characters (this has 301)."),
        ({"kind": "organization", "contact_name": "c" * 201}, "At most 200 characters (this has 201)."),
        ({"kind": "organization", "website": TOO_LONG_WEBSITE}, "At most 300 characters (this has 302)."),
        ({"email": "d" * 250 + "@example.org"}, "This is not a valid email address."),
        ({"name_en": "", "name_ko": ""}, "Enter a name in English or Korean (or both)."),
        ({"name_en": "<script>alert(1)</script>"}, "HTML is not allowed here."),
        ({"name_en": "Jane <b>Doe</b>"}, "HTML is not allowed here."),
        ({"line": '<img src=x onerror="alert(1)">'}, "HTML is not allowed here."),
        ({"name_en": "Jane\x07Doe"}, "Remove the control characters from this text."),
        ({"name_en": "\u202eeoD enaJ"}, "Remove the control characters from this text."),
        ({"email": "jane@"}, "This is not a valid email address."),
        ({"email": "not an address"}, "This is not a valid email address."),
        ({"email": ""}, "Enter your email address: we send you a link to confirm."),
        ({"kind": "robot"}, "Choose organization or individual."),
        ({"display": "everywhere"}, "Choose how your name is shown."),
        ({"consent": None}, "Please agree to have your signature published as you chose."),
        ({"country": "XX"}, "Choose a country from the list."),
        (
            {"kind": "organization", "website": "javascript:alert(1)"},
            "Enter a web address starting with https://",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(client, letter, fields, message):
    response = sign(client, letter, **fields)

    assert response.status_code == 422
    text = page_text(response)
    assert "Some fields need attention." in text and message in text
    assert signatories() == [] and mails() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name_ko": "가" * 201}, "최대 200자까지 입력할 수 있습니다(현재 201자)."),
        ({"name_ko": "<script>alert(1)</script>"}, "여기에는 HTML을 사용할 수 없습니다."),
        ({"name_ko": "김\x1b정삼"}, "이 글에서 제어 문자를 지워 주세요."),
    ],
)
def test_bad_input_is_explained_in_korean_to_a_korean_reader(client, letter, fields, message):
    response = sign(client, letter, lang="ko", name_en="", **fields)

    assert response.status_code == 422
    text = page_text(response)
    assert "확인이 필요한 항목이 있습니다." in text and message in text
    assert signatories() == [] and mails() == []


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ((b"this is text, not an image\n" * 10, "logo.png"), "The logo must be a PNG or JPEG image."),
        (
            (
                b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,"
                b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
                "logo.png",
            ),
            "The logo must be a PNG or JPEG image.",
        ),
        (None, "The logo is too large (at most 2 MB)."),
    ],
    ids=["text-named-png", "gif", "oversized"],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(client, letter, app, uploads, logo, message):
    if logo is None:  # a real PNG padded past the limit
        logo = (png() + b"\0" * app.config["LOGO_MAX_BYTES"], "logo.png")
    response = sign(client, letter, kind="organization", name_en="Some Group", logo=logo)

    assert response.status_code == 422
    assert message in page_text(response)
    # The field itself says it in words, never a code such as "format" or "too_large".
    field_error = re.search(
        r'name="logo"[^>]*></label><p class="error" id="logo-error">([^<]*)</p>', response.text
    )
    assert field_error and field_error.group(1) == message
    assert signatories() == [] and mails() == []
    assert logo_files(uploads) == []


def test_a_logo_error_is_explained_in_korean_to_a_korean_reader(client, letter, uploads):
    response = sign(
        client, letter, lang="ko", kind="organization", name_en="Some Group", logo=(b"no", "x.png")
    )

    assert response.status_code == 422
    field_error = re.search(
        r'name="logo"[^>]*></label><p class="error" id="logo-error">([^<]*)</p>', response.text
    )
    assert field_error and field_error.group(1) == "로고는 PNG 또는 JPEG 이미지여야 합니다."


def logo_files(uploads):
    folder = uploads / "logos"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("check", ["honeypot", "too_fast", "rate_limit", "same_email", "same_name"])
def test_a_held_or_dropped_organization_sign_on_leaves_no_logo_file(
    client, app, monkeypatch, letter, uploads, check
):
    organization = {"kind": "organization", "name_en": "Logo Group", "email": "office@logo.example.org"}
    ip = "203.0.113.50"
    sign(client, letter, ip=ip, logo=(png(), "logo.png"), **organization)
    [kept] = logo_files(uploads)  # the first sign-on passed every check: its logo is kept
    if check == "too_fast":
        monkeypatch.setitem(app.config, "SIGN_ON_MIN_SECONDS", 3)
    fields = {
        "honeypot": {"homepage": "https://spam.example"},
        "rate_limit": {"email": "other@logo.example.org", "name_en": "Another Group"},
        "same_name": {"email": "someone@other.example.org"},
    }.get(check, {})

    response = sign(
        client,
        letter,
        ip=ip if check == "rate_limit" else None,
        logo=(png(color=(0, 0, 255)), "b.png"),
        **{**organization, **fields},
    )

    assert response.status_code == 302
    assert logo_files(uploads) == [kept]
    assert all(s.logo_path in (None, kept.name) for s in signatories())


@pytest.mark.parametrize("problem", ["missing", "stale"])
def test_a_missing_or_stale_csrf_token_shows_the_form_again_with_the_answers_kept(
    client, letter, monkeypatch, problem
):
    if problem == "stale":  # the form was opened nine hours ago and left in a tab
        from itsdangerous.timed import TimestampSigner

        with monkeypatch.context() as past:
            past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 9 * 3600)
            form = inputs(open_form(client, letter))
    else:
        form = {**inputs(open_form(client, letter)), "csrf_token": None}

    response = sign(client, letter, form=form, name_en="Jane Doe", name_ko="김정삼", email="jane@example.org")

    assert response.status_code == 400
    assert "This form has expired. Your answers are kept; please send it again." in page_text(response)
    shown = inputs(response)
    assert (shown["name_en"], shown["name_ko"], shown["email"]) == ("Jane Doe", "김정삼", "jane@example.org")
    assert signatories() == [] and mails() == []

    again = sign(client, letter, form=shown, name_en=shown["name_en"], name_ko=shown["name_ko"])
    assert again.status_code == 302
    assert len(signatures(letter)) == 1


def test_a_letter_closed_while_the_form_was_open_refuses_the_sign_on(client, db, letter):
    form = inputs(open_form(client, letter))
    letter.status = LetterStatus.CLOSED
    db.session.commit()

    response = sign(client, letter, form=form)

    assert response.status_code == 409
    assert "This letter is not open for signatures." in page_text(response)
    assert signatories() == [] and mails() == []


def test_names_are_shown_as_text_on_the_public_page(client, db, letter, make_user):
    # The form refuses HTML, but a name that came in another way must still be shown as text.
    imported = SignatureFactory(
        letter_id=letter.id,
        version_id=letter.current_version.id,
        status=SignatureStatus.CONFIRMED,
        confirmed_at=utcnow(),
        signatory__name_en="<script>alert(1)</script>",
    )
    decide(imported, "approved", make_user(role="editor"))
    db.session.commit()
    sign_and_confirm(client, letter, name_en='Kim <3 & "Co"', email="kim@example.org")

    html = public_page(client, letter).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "Kim &lt;3 &amp; &#34;Co&#34;" in html


@pytest.mark.parametrize("status", [LetterStatus.DRAFT, LetterStatus.IN_REVIEW, LetterStatus.ARCHIVED])
def test_the_thanks_page_of_a_letter_that_is_not_public_is_not_found(client, db, letter, status):
    slug = letter.campaign.slug
    assert f"/c/{slug}" in client.get(f"/letters/{letter.id}/sign/thanks").text
    letter.status = status
    db.session.commit()

    response = client.get(f"/letters/{letter.id}/sign/thanks")

    assert response.status_code == 404
    assert f"/c/{slug}" not in response.text  # nothing of the letter or its campaign
