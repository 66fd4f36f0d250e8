"""What a signer reads from the form to the confirmation, and the form's errors as they are marked."""

import re

from app.models import SignatoryKind, SignatureStatus
from app.signatures.validation import country_choices
from tests.factories import SignatoryFactory, SignatureFactory
from tests.helpers import csrf_token, page_text
from tests.signatures.conftest import link, mails, open_form, press_button, public_page, sign, signatories
from tests.signatures.test_staff_add import add


def test_the_sign_page_names_the_letter_and_says_what_is_published(client, letter):
    text = page_text(open_form(client, letter))
    assert "Sign “An open letter”" in text
    assert "What is published" in text
    assert "Your email address, your country, an organization's contact person and your IP address" in text
    korean = page_text(open_form(client, letter, lang="ko"))
    assert "공개되는 정보" in korean
    assert "이메일 주소, 국가, 단체의 담당자, IP 주소는 절대 공개되지 않습니다" in korean


def test_check_your_email_says_organizations_wait_for_staff_and_gives_a_link_to_share(client, app, letter):
    response = sign(client, letter, kind="organization", name_en="Some Group", email="office@group.example")
    thanks = client.get(response.headers["Location"])
    text = page_text(thanks)
    assert "Check your email" in text
    assert "An organization's signature also waits for our staff's approval" in text
    share = f"{app.config['PUBLIC_URL'].rstrip('/')}/c/{letter.campaign.slug}"
    assert f'value="{share}"' in thanks.get_data(as_text=True)
    assert f'href="/c/{letter.campaign.slug}"' in thanks.get_data(as_text=True)


def test_an_organization_is_told_after_confirming_that_staff_approve_it(client, letter):
    sign(client, letter, kind="organization", name_en="Some Group", email="office@group.example")
    done = press_button(client, link(mails()[-1], "confirm"))
    text = page_text(done)
    assert "Thank you: your signature is confirmed." in text
    assert "Our staff approve each organization before it is listed" in text
    assert f'href="/c/{letter.campaign.slug}"' in done.get_data(as_text=True)


def test_an_individual_is_not_told_to_wait(client, letter):
    sign(client, letter, email="jane@example.org")
    text = page_text(press_button(client, link(mails()[-1], "confirm")))
    assert "Thank you: your signature is confirmed." in text
    assert "approve" not in text


def test_the_confirmation_page_is_in_the_language_of_the_sign_on_not_the_browsers(client, letter):
    sign(client, letter, lang="ko", email="min@example.kr")
    path = link(mails()[-1], "confirm")
    page = client.get(path, headers={"Accept-Language": "en"})
    assert '<html lang="ko">' in page.get_data(as_text=True)
    done = press_button(client, path, lang="en")
    assert "서명이 확인되었습니다" in page_text(done)
    # A reader who picks a language on the page gets it.
    assert '<html lang="en">' in client.get(f"{path}?lang=en").get_data(as_text=True)


def test_an_organization_gives_its_description_in_both_languages(client, letter):
    sign(
        client,
        letter,
        kind="organization",
        name_en="Rights Group",
        name_ko="인권 단체",
        line="Defends detainees' families",
        line_ko="억류자 가족을 돕는 단체",
        email="office@rights.example",
    )
    [signatory] = signatories()
    assert signatory.line_en == "Defends detainees' families"
    assert signatory.line_ko == "억류자 가족을 돕는 단체"
    [signature] = signatory.signatures
    signature.status = SignatureStatus.APPROVED
    assert "억류자 가족을 돕는 단체" in page_text(public_page(client, letter, lang="ko"))
    english = page_text(public_page(client, letter, lang="en"))
    assert "Defends detainees' families" in english and "억류자" not in english


def test_one_description_alone_is_still_read_by_its_script(client, letter):
    sign(client, letter, kind="organization", name_en="Group", line="북한 인권 단체", email="a@group.example")
    [signatory] = signatories()
    assert (signatory.line_en, signatory.line_ko) == ("", "북한 인권 단체")


def test_staff_add_a_description_in_both_languages(client, auth, letter):
    auth.login("editor")
    response = add(
        client, letter, kind=SignatoryKind.ORGANIZATION.value, name_en="Group", line="A group", line_ko="단체"
    )
    assert response.status_code == 302
    [signatory] = signatories()
    assert (signatory.line_en, signatory.line_ko) == ("A group", "단체")


def test_errors_are_tied_to_their_fields_and_summed_up_at_the_top(client, letter):
    response = sign(client, letter, email="not an address", consent=None)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    email = re.search(r"<input[^>]*name=\"email\"[^>]*>", html)[0]
    assert 'aria-invalid="true"' in email and 'aria-describedby="email-error"' in email
    assert '<p class="error" id="email-error">This is not a valid email address.</p>' in html
    summary = html[html.index('class="error-summary"') : html.index("</div>", html.index("error-summary"))]
    assert 'role="alert"' in html[html.index("<div", html.index("error-summary") - 40) :][:200]
    assert 'href="#email"' in summary and 'href="#consent"' in summary
    assert summary.index('href="#email"') < summary.index('href="#consent"')  # in the form's order
    untouched = re.search(r"<input[^>]*name=\"name_en\"[^>]*>", html)[0]
    assert "aria-invalid" not in untouched


def test_every_page_has_a_skip_link_and_loads_no_inline_script(client, letter):
    html = open_form(client, letter).get_data(as_text=True)
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main" tabindex="-1">' in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/forms.js" defer>']
    script = client.get("/static/forms.js")
    assert script.status_code == 200 and b'[aria-invalid="true"]' in script.data
    script.close()


def test_the_country_list_has_real_countries_only():
    for lang in ("en", "ko"):
        codes = {code for code, _name in country_choices(lang)}
        assert {"KR", "US", "UA", "KP", "JP"} <= codes
        assert not codes & {"XA", "XB", "ZZ", "EU", "EZ", "UN", "QO", "001", "150", "419"}
        assert all(len(code) == 2 and code.isalpha() for code in codes)


def test_the_form_offers_no_pseudo_region(client, letter):
    html = open_form(client, letter).get_data(as_text=True)
    assert 'value="KR"' in html
    for code in ("XA", "XB", "ZZ", "EU", "UN"):
        assert f'value="{code}"' not in html


def test_staff_correct_an_organizations_lines_in_both_languages(client, auth, letter, db):
    signatory = SignatoryFactory(kind=SignatoryKind.ORGANIZATION, name_en="Group", line_en="Old")
    version_id = letter.current_version.id
    signature = SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=version_id)
    db.session.commit()
    page = f"/staff/letters/{letter.id}/signatures/{signature.id}"
    auth.login("editor")
    token = csrf_token(client, page)

    lines = {"line_en": "New", "line_ko": "새 단체"}
    response = client.post(f"{page}/lines", data={"csrf_token": token, **lines})

    assert response.status_code == 302
    assert "The lines are saved." in page_text(client.get(page))
    assert (signatory.line_en, signatory.line_ko) == ("New", "새 단체")
    assert "새 단체" in page_text(public_page(client, letter, lang="ko"))
    bad = client.post(f"{page}/lines", data={"csrf_token": token, "line_en": "x" * 301, "line_ko": ""})
    assert bad.status_code == 302 and (signatory.line_en, signatory.line_ko) == ("New", "새 단체")


def test_a_viewer_cannot_correct_the_lines(client, auth, letter, db):
    signature = SignatureFactory(letter_id=letter.id, version_id=letter.current_version.id)
    db.session.commit()
    page = f"/staff/letters/{letter.id}/signatures/{signature.id}"
    auth.login("viewer")
    assert "Correct the lines" not in page_text(client.get(page))
    token = csrf_token(client, page)
    response = client.post(f"{page}/lines", data={"csrf_token": token, "line_en": "Hacked"})
    assert response.status_code == 403
    db.session.refresh(signature.signatory)
    assert signature.signatory.line_en != "Hacked"
