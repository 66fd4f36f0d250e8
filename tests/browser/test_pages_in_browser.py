"""Pages as a person sees them in a real browser: the public letter, signing, the staff editor."""

import re
import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from app.demo.loader import DATA, SLUG, load_demo, read_sections
from app.mail.models import MailStatus, OutboxMessage
from app.models import Role, Signatory, Signature
from tests.browser.conftest import wait
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.committed, pytest.mark.slow]

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KOREAN_LETTER = read_sections(DATA / "letter_ko.md")
ENGLISH_LETTER = read_sections(DATA / "letter_en.md")
LOGGED_OUT = {"en": "You are logged out.", "ko": "로그아웃되었습니다."}
STAFF_LOGIN = {"en": "Staff login", "ko": "직원 로그인"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHECK_EMAIL = (
    "Thank you. We sent an email to the address you gave: follow its link to confirm your "
    "signature. It is counted once confirmed."
)


@pytest.fixture
def demo_letter(db):
    """The demo campaign, committed so that the server thread sees it; returns its letter."""
    campaign, _created = load_demo()
    db.session.commit()
    return campaign.letters[0]


def text(driver, css):
    return driver.find_element(By.CSS_SELECTOR, css).text


def page_lang(driver):
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def wait_for_page(driver, path, lang=None):
    """Wait until the browser shows `path` (and, when given, a page in `lang`)."""
    wait(driver).until(lambda d: urlsplit(d.current_url).path == path)
    if lang:
        wait(driver).until(lambda d: page_lang(d) == lang)


def translated(server, message, lang):
    """The app's translation of an interface text, or None when the catalog has none."""
    with server.app.test_request_context(), force_locale(lang):
        result = _(message)
    return result if result != message else None


def test_a_korean_reader_sees_the_letter_in_korean_and_can_switch_to_english(
    live_server, korean_browser, demo_letter, tmp_path
):
    driver = korean_browser
    page = f"/c/{SLUG}"
    driver.get(live_server.url + page)
    wait_for_page(driver, page)

    # Korean without asking: the browser's Accept-Language chose it.
    assert page_lang(driver) == "ko"
    assert driver.title == "북한군 포로의 자유의사 존중 · Undersigned"
    assert text(driver, "main h1") == "북한군 포로의 자유의사 존중"
    letter = driver.find_element(By.CSS_SELECTOR, "article.letter")
    assert letter.get_attribute("lang") == "ko"
    assert letter.find_element(By.TAG_NAME, "h2").text == KOREAN_LETTER["title"]
    body = letter.find_element(By.CSS_SELECTOR, ".body").text
    assert body.startswith("민주주의와 자유를 위한 우크라이나 국민의 용감한 투쟁 속에서")
    assert "강제송환 금지 원칙" in body
    names = [e.text for e in letter.find_elements(By.CSS_SELECTOR, ".signatories li .name")]
    assert len(names) == 11
    assert {"김정삼", "김규리·김혁", "물망초", "북한인권시민연합"} <= set(names)
    assert all(HANGUL.search(name) for name in names), names

    button = letter.find_element(By.CSS_SELECTOR, "a.button")
    assert button.is_displayed()
    korean_label = translated(live_server, "Sign this letter", "ko")
    if korean_label is not None:
        assert button.text == korean_label
    else:
        # No Korean translation yet: the English label is shown in the Korean page.
        assert button.text == "Sign this letter"

    screenshot = tmp_path / "campaign-ko.png"
    assert driver.save_screenshot(str(screenshot))
    data = screenshot.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000, len(data)
    print(f"screenshot: {screenshot}")

    # The reader picks English: the page turns English ...
    driver.find_element(By.CSS_SELECTOR, "header.site a[hreflang='en']").click()
    wait_for_page(driver, page, lang="en")
    assert "lang=en" in driver.current_url
    assert driver.title == "Free will of North Korean POWs · Undersigned"
    assert text(driver, "main h1") == "Free will of North Korean POWs"
    assert text(driver, "article.letter h2") == ENGLISH_LETTER["title"]
    assert text(driver, "a.button") == "Sign this letter"
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".signatories li .name")]
    assert "Kim Jeong-sam" in names and "Mulmangcho" in names
    assert text(driver, "header.site .languages strong") == "English"

    # ... and stays English on the next pages, though the browser still asks for Korean.
    driver.get(live_server.url + page)
    wait_for_page(driver, page)
    assert page_lang(driver) == "en"
    assert text(driver, "main h1") == "Free will of North Korean POWs"
    driver.find_element(By.CSS_SELECTOR, "article.letter a.button").click()
    wait_for_page(driver, f"/letters/{demo_letter.id}/sign", lang="en")
    assert text(driver, "main h1") == f"Sign “{ENGLISH_LETTER['title']}”"


def fill_sign_form(driver, name, email, display):
    driver.find_element(By.NAME, "name_en").send_keys(name)
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, f"input[name='display'][value='{display}']").click()
    consent = driver.find_element(By.NAME, "consent")
    consent.click()
    assert consent.is_selected()


def sign_in_browser(driver, server, letter, name, email, display="initials"):
    """Open the form, fill it in as a person would (no faster than the minimum), send it."""
    driver.get(f"{server.url}/letters/{letter.id}/sign")
    shown = time.monotonic()
    fill_sign_form(driver, name, email, display)
    time.sleep(max(0.0, server.app.config["SIGN_ON_MIN_SECONDS"] + 0.2 - (time.monotonic() - shown)))
    driver.find_element(By.CSS_SELECTOR, "form.sign-form button[type='submit']").click()
    wait_for_page(driver, f"/letters/{letter.id}/sign/thanks")
    return text(driver, "main h1"), text(driver, "main p[role='status']")


def test_a_person_signs_in_the_browser_and_a_second_try_looks_the_same(live_server, browser, demo_letter, db):
    email = "min-ji@example.org"

    first = sign_in_browser(browser, live_server, demo_letter, "Park Min-ji", email)

    assert first == ("Check your email", CHECK_EMAIL)
    assert browser.title == "Check your email · Undersigned"
    db.session.expire_all()
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == email)).all()
    assert len(messages) == 1, messages
    assert messages[0].status == MailStatus.KEPT  # delivered in-process to the outbox

    second = sign_in_browser(browser, live_server, demo_letter, "Park Min-ji", email)

    assert second == first  # the page never tells that this address has signed already
    signatures = db.session.scalars(
        sa.select(Signature).join(Signatory).where(Signatory.email == email)
    ).all()
    assert len(signatures) == 1, signatures


def log_in(driver, server, email, password):
    driver.get(f"{server.url}/login")
    assert driver.title == "Staff login · Undersigned"
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type='submit']").click()
    wait_for_page(driver, "/staff/")


PREVIEWS = {"en": "iframe[title='English preview']", "ko": "iframe[title='한국어 미리보기']"}


def read_previews(driver):
    """The title each preview frame shows once loaded: {"en": ..., "ko": ...}."""
    titles = {}
    for lang, css in PREVIEWS.items():
        frame = driver.find_element(By.CSS_SELECTOR, css)
        assert frame.is_displayed(), lang
        driver.switch_to.frame(frame)
        try:
            title = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "h1.title")))
            titles[lang] = title.text
        finally:
            driver.switch_to.default_content()
    return titles


def test_staff_log_in_edit_the_letter_side_by_side_with_previews_and_log_out(
    live_server, browser, demo_letter
):
    admin = UserFactory(role=Role.ADMIN)
    log_in(browser, live_server, admin.email, PASSWORD)
    logout = browser.find_element(By.XPATH, "//header//form//button[normalize-space()='Log out']")
    assert logout.is_displayed()

    editor = f"/staff/letters/{demo_letter.id}"
    browser.get(live_server.url + editor)
    wait_for_page(browser, editor)
    assert text(browser, "main h1") == ENGLISH_LETTER["title"]
    english = browser.find_element(By.CSS_SELECTOR, "textarea[name='body_en']")
    korean = browser.find_element(By.CSS_SELECTOR, "textarea[name='body_ko']")
    assert english.is_displayed() and korean.is_displayed()
    assert english.get_attribute("lang") == "en" and korean.get_attribute("lang") == "ko"
    # Side by side: the same row, English on the left, neither overlapping the other.
    assert abs(english.rect["y"] - korean.rect["y"]) < 5, (english.rect, korean.rect)
    assert english.rect["x"] + english.rect["width"] <= korean.rect["x"], (english.rect, korean.rect)
    assert english.get_property("value").startswith("In your people’s valiant struggle")
    assert korean.get_property("value").startswith("민주주의와 자유를 위한")

    assert read_previews(browser) == {"en": ENGLISH_LETTER["title"], "ko": KOREAN_LETTER["title"]}
    english_preview, korean_preview = browser.find_elements(By.CSS_SELECTOR, ".side-by-side-preview iframe")
    assert english_preview.rect["x"] + english_preview.rect["width"] <= korean_preview.rect["x"]

    browser.find_element(By.XPATH, "//header//form//button[normalize-space()='Log out']").click()
    wait_for_page(browser, "/")
    assert page_lang(browser) == "en"
    assert text(browser, "p.flash") == LOGGED_OUT["en"]
    assert browser.find_element(By.CSS_SELECTOR, "header.site a[href='/login']").is_displayed()

    browser.get(f"{live_server.url}/staff/")
    wait_for_page(browser, "/login")
    assert text(browser, "main h1") == STAFF_LOGIN[page_lang(browser)]
    assert browser.find_element(By.NAME, "password").is_displayed()


RELOAD_KOREAN_PREVIEW = """
const frame = document.querySelector("iframe[title='한국어 미리보기']");
window.koreanPreviewReloaded = false;
frame.addEventListener("load", () => { window.koreanPreviewReloaded = true; }, {once: true});
frame.src = frame.src;
"""


def test_the_editors_previews_do_not_change_the_staff_members_language(live_server, browser, demo_letter):
    admin = UserFactory(role=Role.ADMIN)
    log_in(browser, live_server, admin.email, PASSWORD)
    assert page_lang(browser) == "en"
    browser.get(f"{live_server.url}/staff/letters/{demo_letter.id}")
    wait_for_page(browser, f"/staff/letters/{demo_letter.id}")
    previews = read_previews(browser)
    assert previews == {"en": ENGLISH_LETTER["title"], "ko": KOREAN_LETTER["title"]}
    # Both previews loaded in either order; reloading the Korean one (as "Reload frame" does)
    # makes it the last, so the outcome no longer depends on which request finished first.
    browser.execute_script(RELOAD_KOREAN_PREVIEW)
    wait(browser).until(lambda d: d.execute_script("return window.koreanPreviewReloaded"))

    browser.get(f"{live_server.url}/staff/")
    wait_for_page(browser, "/staff/")
    assert page_lang(browser) == "en", "the staff pages turned Korean after the editor's previews loaded"


def test_the_honeypot_is_hidden_and_the_fields_a_person_fills_are_visible(live_server, browser, demo_letter):
    browser.get(f"{live_server.url}/letters/{demo_letter.id}/sign")
    wait_for_page(browser, f"/letters/{demo_letter.id}/sign")

    honeypot = browser.find_element(By.NAME, "homepage")
    rect = honeypot.rect
    viewport = browser.execute_script("return [window.innerWidth, window.innerHeight]")
    off_screen = (
        rect["x"] + rect["width"] <= 0
        or rect["y"] + rect["height"] <= 0
        or rect["x"] >= viewport[0]
        or rect["width"] * rect["height"] <= 1
    )
    assert not honeypot.is_displayed() or off_screen, (rect, viewport)
    assert honeypot.get_attribute("tabindex") == "-1"

    labels = {
        "name_en": "Name in English (Latin letters)",
        "email": "Email (never shown)",
        "consent": "I agree that my signature is published as chosen above.",
    }
    for name, label_text in labels.items():
        label = browser.find_element(By.XPATH, f"//label[.//input[@name='{name}']]")
        assert label.is_displayed(), name
        assert label.text.strip() == label_text
        assert browser.find_element(By.NAME, name).is_displayed(), name
    legends = [
        e.text for e in browser.find_elements(By.CSS_SELECTOR, "form.sign-form legend") if e.is_displayed()
    ]
    assert "I sign as" in legends and "Show my name" in legends
    assert browser.find_element(By.CSS_SELECTOR, "form.sign-form button[type='submit']").text == "Sign"
