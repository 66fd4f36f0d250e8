"""axe-core in a real browser: the public pages and the main staff pages, in English and Korean.

axe-core comes from node_modules (package.json; `scripts/setup.sh test` runs `npm ci`). A page
fails on a serious or critical violation; each one is printed with the elements it names.
"""

import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.demo.loader import SLUG, load_demo
from app.mail.models import OutboxMessage
from app.models import Role
from tests.browser.conftest import wait
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.committed, pytest.mark.slow]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")
#: Seconds to wait for the web fonts (Nanum Myeongjo is about 0.7 MB).
WAIT_FONTS = 20
_CONFIRM_LINK = re.compile(r"https?://[^\s/]+(/s/confirm/\S+)")

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(results => done(results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.html.slice(0, 160))
  }))))
  .catch(error => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `scripts/setup.sh test` (npm ci installs axe-core)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def demo_letter(db):
    campaign, _created = load_demo()
    db.session.commit()
    return campaign.letters[0]


def _open(driver, url):
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def violations(driver, axe_source):
    """The serious and critical violations axe-core finds on the page the browser shows."""
    driver.set_script_timeout(30)
    driver.execute_script(axe_source)
    found = driver.execute_async_script(RUN_AXE)
    return [v for v in found if v["impact"] in FAILING]


def _report(results):
    lines = []
    for page, found in results.items():
        for violation in found:
            lines.append(f"{page}: [{violation['impact']}] {violation['id']}: {violation['help']}")
            lines.extend(f"    {node}" for node in violation["nodes"])
    return "\n".join(lines)


def _check(driver, axe_source, results, label, lang):
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang, label
    results[label] = violations(driver, axe_source)


def _sign(driver, server, letter):
    """Fill in the sign-on form as a person would; the browser ends on the check-email page."""
    driver.find_element(By.NAME, "name_en").send_keys("Park Min-ji")
    driver.find_element(By.NAME, "email").send_keys("min-ji@example.org")
    driver.find_element(By.NAME, "consent").click()
    time.sleep(server.app.config["SIGN_ON_MIN_SECONDS"] + 0.2)
    driver.find_element(By.CSS_SELECTOR, "form.sign-form button[type='submit']").click()
    wait(driver).until(lambda d: d.current_url.endswith(f"/letters/{letter.id}/sign/thanks"))


def _confirm_path(db):
    db.session.expire_all()
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to == "min-ji@example.org")
    ).one()
    return _CONFIRM_LINK.search(message.body_text)[1]


def _log_in(driver, server, email):
    _open(driver, f"{server.url}/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main form button[type='submit']").click()
    wait(driver).until(lambda d: d.current_url.endswith("/staff/"))


@pytest.fixture(params=["en", "ko"])
def reader(request, browser, korean_browser):
    return request.param, (browser if request.param == "en" else korean_browser)


def test_public_and_staff_pages_have_no_serious_accessibility_violations(
    live_server, reader, demo_letter, db, axe_source
):
    lang, driver = reader
    url, letter = live_server.url, demo_letter
    results = {}

    for label, path in (
        ("campaign page, letter, signatory list and timeline", f"/c/{SLUG}"),
        ("sign form", f"/letters/{letter.id}/sign"),
    ):
        _open(driver, url + path)
        _check(driver, axe_source, results, label, lang)

    # The form sent back with errors: the summary, the marked fields.
    driver.find_element(By.CSS_SELECTOR, "form.sign-form button[type='submit']").click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
    _check(driver, axe_source, results, "sign form with errors", lang)

    _open(driver, f"{url}/letters/{letter.id}/sign")
    _sign(driver, live_server, letter)
    _check(driver, axe_source, results, "check your email", lang)
    _open(driver, url + _confirm_path(db))
    _check(driver, axe_source, results, "confirm link", lang)
    driver.find_element(By.CSS_SELECTOR, "main form button[type='submit']").click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "main p[role='status']"))
    _check(driver, axe_source, results, "confirmed", lang)

    admin = UserFactory(role=Role.ADMIN, locale=lang)
    db.session.commit()
    _log_in(driver, live_server, admin.email)
    for label, path in (
        ("staff home", "/staff/"),
        ("staff campaign", f"/staff/campaigns/{letter.campaign_id}"),
        ("letter editor", f"/staff/letters/{letter.id}"),
        ("signature list", f"/staff/letters/{letter.id}/signatures"),
        ("deliveries", f"/staff/letters/{letter.id}/deliveries"),
        ("staff timeline", f"/staff/letters/{letter.id}/timeline"),
        ("outbox", "/staff/outbox/"),
    ):
        _open(driver, url + path)
        _check(driver, axe_source, results, label, lang)

    report = _report(results)
    print(report or f"axe-core: no serious or critical violations on {len(results)} pages ({lang})")
    assert not report, f"\n{report}"


def test_a_korean_page_keeps_words_whole_in_the_shipped_font_and_errors_take_the_focus(
    live_server, korean_browser, demo_letter
):
    driver = korean_browser
    _open(driver, f"{live_server.url}/letters/{demo_letter.id}/sign")
    driver.set_script_timeout(WAIT_FONTS)
    loaded = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => done([...document.fonts]"
        ".filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, ''))));"
    )
    assert "Undersigned Serif KR" in loaded and "Undersigned Serif" in loaded
    heading = driver.find_element(By.CSS_SELECTOR, "main h1")
    assert heading.value_of_css_property("word-break") == "keep-all"
    assert heading.value_of_css_property("overflow-wrap") == "anywhere"
    assert "Undersigned Serif" in heading.value_of_css_property("font-family")

    # Keyboard first: the skip link is the first stop, and it leads to the main content.
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("class") == "skip-link"

    driver.find_element(By.NAME, "name_en").send_keys("Park Min-ji")
    driver.find_element(By.CSS_SELECTOR, "form.sign-form button[type='submit']").click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
    focused = driver.switch_to.active_element
    assert focused.get_attribute("name") == "email"  # the first field that needs attention
    assert focused.get_attribute("aria-invalid") == "true"
    message = driver.find_element(By.ID, focused.get_attribute("aria-describedby"))
    assert message.text == "이메일 주소를 입력하세요. 서명을 확인할 링크를 보내 드립니다."
