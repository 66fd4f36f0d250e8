"""The moderation list in a real browser at 1,280 px: no sideways scrolling, details and menus open."""

import itertools

import pytest
from selenium.webdriver.common.by import By

from app.models import Role, SignatoryKind, SignatureStatus
from tests.browser.conftest import WINDOW_SIZE, wait
from tests.browser.test_pages_in_browser import log_in, wait_for_page
from tests.factories import PASSWORD, UserFactory
from tests.signatures.conftest import make_open_letter
from tests.signatures.test_staff_moderation import signed

pytestmark = [pytest.mark.committed, pytest.mark.slow]

S = SignatureStatus
#: Thirty sign-ons in every state a list shows, with the long names and addresses real ones have.
STATES = (
    [S.HELD] * 6
    + [S.CONFIRMED] * 6
    + [S.APPROVED] * 8
    + [S.PENDING] * 4
    + [S.REJECTED] * 3
    + [S.WITHDRAWN] * 3
)
HOLDS = itertools.cycle(["rate_limit", "honeypot", "too_fast", "same_name"])


def thirty_signatures(letter):
    for number, status in enumerate(STATES):
        organization = number % 2 == 0
        signed(
            letter,
            status,
            signature={
                "hold_reason": next(HOLDS) if status == S.HELD else "",
                "rejection_reason": "Not a real organization, and the website does not answer"
                if status == S.REJECTED
                else "",
            },
            kind=SignatoryKind.ORGANIZATION if organization else SignatoryKind.INDIVIDUAL,
            name_en=f"Citizens' Alliance for North Korean Human Rights and Transitional Justice {number}",
            name_ko=f"북한인권시민연합전환기정의워킹그룹국제연대위원회 {number}",
            line_en="Elder brother of missionary Kim Jeong-wook, detained in North Korea since 2013",
            line_ko="2013년부터 북한에 억류된 김정욱 선교사의 형",
            website=f"https://www.an-unusually-long-organization-domain-name-{number}.example/about/our-work/documentation"
            if organization
            else "",
            contact_name="Kim Contact-Person-With-A-Long-Name" if organization else "",
            email=f"a.very.long.email.address.for.signer.{number}@an-unusually-long-domain.example",
        )


def widths(driver):
    return driver.execute_script(
        "const table = document.querySelector('table.signatures').getBoundingClientRect();"
        "return {page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,"
        " inner: window.innerWidth, table: table.right, tableWidth: table.width};"
    )


def assert_fits(driver):
    seen = widths(driver)
    assert seen["inner"] <= 1280, seen
    assert seen["page"] <= 1280 and seen["page"] <= seen["viewport"], seen  # no sideways scrolling
    assert seen["table"] <= seen["viewport"] and seen["tableWidth"] <= 1280, seen


def test_the_signature_list_fits_1280_pixels_and_its_details_and_menus_open(live_server, browser, db):
    letter = make_open_letter()
    thirty_signatures(letter)
    editor = UserFactory(role=Role.EDITOR)
    browser.set_window_size(1280, 900)
    try:
        log_in(browser, live_server, editor.email, PASSWORD)
        page = f"/staff/letters/{letter.id}/signatures"
        browser.get(f"{live_server.url}{page}?status=all")
        wait_for_page(browser, page)

        assert len(browser.find_elements(By.CSS_SELECTOR, "table.signatures tbody tr")) == 30
        assert_fits(browser)

        row = browser.find_element(By.CSS_SELECTOR, "table.signatures tbody tr.held")
        details = row.find_element(By.CSS_SELECTOR, "details.row-details")
        details.find_element(By.TAG_NAME, "summary").click()
        wait(browser).until(lambda d: details.get_attribute("open") is not None)
        assert "a.very.long.email.address" in details.text and "Kim Contact-Person" in details.text
        assert_fits(browser)

        menu = row.find_element(By.CSS_SELECTOR, "details.menu")
        menu.find_element(By.TAG_NAME, "summary").click()
        wait(browser).until(lambda d: menu.get_attribute("open") is not None)
        approve = menu.find_element(By.XPATH, ".//button[normalize-space()='Approve']")
        assert approve.is_displayed()
        assert menu.find_element(By.CSS_SELECTOR, "input[name='reason']").is_displayed()
        assert_fits(browser)

        approve.click()
        wait(browser).until(lambda d: "is now: Listed." in d.find_element(By.CSS_SELECTOR, "p.flash").text)
    finally:
        browser.set_window_size(*(int(n) for n in WINDOW_SIZE.split(",")))
