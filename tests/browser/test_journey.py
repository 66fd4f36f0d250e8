"""The whole journey in a real browser: a letter written, approved and opened by two editors; an
organization signing and confirming from its email; its signature approved; the Korean PDF; the
letter emailed to a ministry; the ministry's reply read from a mailbox onto the public timeline.

Chromium drives the app on 127.0.0.1; a real Celery worker (Redis) sends the mail to a loopback
SMTP server, renders the PDFs and reads the Dovecot mailbox. axe-core checks each public page.
"""

import re
import subprocess
import tempfile
import time
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.axe import describe, violations
from tests.browser.conftest import WAIT, wait
from tests.browser.journey import find, find_xpath, go, journey
from tests.factories import PASSWORD, RecipientFactory, UserFactory
from tests.helpers import time_limit
from tests.inbound.test_end_to_end import append, reply

pytestmark = [pytest.mark.committed, pytest.mark.slow]

SLUG = "bring-them-home"
CAMPAIGN = {"title_en": "Bring them home", "title_ko": "그들을 집으로"}
LETTER = {
    "title_en": "Do not send the prisoners back",
    "title_ko": "포로들을 송환하지 마십시오",
    "body_en": "We urge you to respect the free will of every prisoner of war.",
    "body_ko": "모든 전쟁 포로의 자유의사를 존중해 주십시오.",
}
ORGANIZATION = {
    "name_en": "Transitional Justice Working Group",
    "name_ko": "전환기정의워킹그룹",
    "line": "Human rights documentation, Seoul",
    "email": "office@tjwg.example",
    "contact_name": "Lee Young-hwan",
    "website": "https://tjwg.example",
}
MINISTRY = {"name_en": "Ministry of Foreign Affairs", "name_ko": "외교부", "emails": ["desk@mofa.example"]}
CONFIRM_LINK = re.compile(r"https?://\S+/s/confirm/\S+")
#: Seconds the mail, the PDF and the mailbox may take through the worker.
WORKER_WAIT = 60


def path(driver):
    return urlsplit(driver.current_url).path


def until_path(driver, pattern):
    wait(driver).until(lambda d: re.fullmatch(pattern, path(d)))
    return re.fullmatch(pattern, path(driver))


def accessible(driver, page):
    found = violations(driver)
    if found:
        print(f"axe on {page} ({driver.current_url}):\n{describe(found)}")
    return found


def check_accessible(drivers, url, name):
    """axe finds nothing serious on `url` in each browser's language."""
    problems = {}
    for driver in drivers:
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.get(url)
        find(driver, "main h1")
        if found := accessible(driver, name):
            problems[driver.find_element(By.TAG_NAME, "html").get_attribute("lang")] = found
    assert not problems, f"{name}: { ({lang: [v['id'] for v in f] for lang, f in problems.items()}) }"


def log_in(driver, url, user):
    driver.get(f"{url}/login")
    driver.find_element(By.NAME, "email").send_keys(user.email)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    go(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type='submit']"))
    until_path(driver, "/staff/")


def log_out(driver):
    go(driver, driver.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button"))
    until_path(driver, "/")


def fill(driver, values):
    for name, value in values.items():
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


def state(driver):
    return driver.find_element(By.CSS_SELECTOR, ".statusbar strong.state").text


def move_to(driver, target):
    go(driver, find_xpath(driver, f"//form[input[@name='to' and @value='{target}']]//button"))


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        out = subprocess.run(["pdftotext", "-layout", file.name, "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode().split())


def fetch_pdf(driver, url):
    """The PDF behind a link, fetched with the browser's cookies; the app renders it meanwhile."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    deadline = time.monotonic() + WORKER_WAIT
    while True:
        with urlopen(Request(url, headers={"Cookie": cookies}), timeout=WAIT) as answer:  # noqa: S310 (loopback)
            if answer.status == 200 and answer.headers["Content-Type"] == "application/pdf":
                return answer.read()
            assert answer.status == 202, (answer.status, answer.read(500))
        assert time.monotonic() < deadline, f"{url} was still not rendered after {WORKER_WAIT} s"
        time.sleep(0.5)  # the state page asks browsers to come back; the worker renders meanwhile


def write_and_open_the_letter(driver, trip, recipient):
    author, approver = UserFactory(role="editor"), UserFactory(role="editor")
    log_in(driver, trip.url, author)
    trip.shot(driver, "login")

    driver.get(f"{trip.url}/staff/campaigns/new")
    fill(driver, {"slug": SLUG, **CAMPAIGN})
    go(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type='submit']"))
    until_path(driver, r"/staff/campaigns/\d+")
    go(driver, driver.find_element(By.CSS_SELECTOR, "main a.button[href$='/letters/new']"))
    fill(driver, LETTER)
    Select(driver.find_element(By.NAME, "recipient_ids")).select_by_visible_text(recipient.name_en)
    go(driver, driver.find_element(By.CSS_SELECTOR, "form.editor button[type='submit']"))
    letter_id = int(until_path(driver, r"/staff/letters/(\d+)").group(1))
    assert state(driver) == "draft"
    assert driver.find_element(By.NAME, "body_ko").get_property("value") == LETTER["body_ko"]
    trip.shot(driver, "draft")

    move_to(driver, "in_review")
    assert state(driver) == "in review"
    log_out(driver)

    log_in(driver, trip.url, approver)
    driver.get(f"{trip.url}/staff/letters/{letter_id}")
    move_to(driver, "open")
    assert state(driver) == "open for signatures", driver.find_element(By.TAG_NAME, "main").text
    trip.shot(driver, "open")
    log_out(driver)
    return letter_id, author


def sign_as_organization(driver, trip, letter_id):
    driver.get(f"{trip.url}/c/{SLUG}")
    assert driver.find_element(By.CSS_SELECTOR, "article.letter h2").text == LETTER["title_en"]
    trip.shot(driver, "campaign")
    go(driver, driver.find_element(By.CSS_SELECTOR, "article.letter a.button"))
    until_path(driver, f"/letters/{letter_id}/sign")
    shown = time.monotonic()
    driver.find_element(By.CSS_SELECTOR, "input[name='kind'][value='organization']").click()
    fill(driver, ORGANIZATION)
    Select(driver.find_element(By.NAME, "country")).select_by_value("KR")
    driver.find_element(By.CSS_SELECTOR, "input[name='display'][value='full']").click()
    driver.find_element(By.NAME, "consent").click()
    trip.shot(driver, "sign-form")
    # The form is refused as a bot's when sent sooner than SIGN_ON_MIN_SECONDS after it was shown.
    time.sleep(max(0.0, trip.live.app.config["SIGN_ON_MIN_SECONDS"] + 0.2 - (time.monotonic() - shown)))
    go(driver, driver.find_element(By.CSS_SELECTOR, "form.sign-form button[type='submit']"))
    until_path(driver, f"/letters/{letter_id}/sign/thanks")
    assert driver.find_element(By.CSS_SELECTOR, "main h1").text == "Check your email"
    trip.shot(driver, "check-email")

    [(recipients, message)] = trip.inbox.wait_for(1, timeout=WORKER_WAIT)
    assert recipients == [ORGANIZATION["email"]]
    link = CONFIRM_LINK.search(message.get_content()).group(0)
    assert link.startswith(f"{trip.url}/s/confirm/"), link
    driver.get(link)
    assert driver.find_element(By.CSS_SELECTOR, "main h1").text == "Confirm your signature"
    trip.shot(driver, "confirm")
    go(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type='submit']"))
    assert "Thank you: your signature is confirmed." in driver.find_element(By.TAG_NAME, "main").text
    trip.shot(driver, "confirmed")
    return link


def approve_the_organization(driver, trip, letter_id, editor):
    log_in(driver, trip.url, editor)
    driver.get(f"{trip.url}/staff/letters/{letter_id}/signatures")
    row = f"//tr[.//span[@lang='en' and text()='{ORGANIZATION['name_en']}']]"
    find_xpath(driver, f"{row}//details[contains(@class, 'menu')]/summary").click()  # the row's actions
    go(driver, find_xpath(driver, f"{row}//form[input[@name='to' and @value='approved']]//button"))
    driver.get(f"{trip.url}/staff/letters/{letter_id}/signatures?status=all")
    assert find_xpath(driver, f"{row}/td[@class='status']").text == "Listed"
    trip.shot(driver, "approved")


def download_the_korean_pdf(driver, trip):
    driver.get(f"{trip.url}/c/{SLUG}")
    korean = "//article//a[@type='application/pdf'][starts-with(normalize-space(), 'Korean')]"
    link = find_xpath(driver, korean)
    text = pdf_text(fetch_pdf(driver, link.get_attribute("href")))
    assert LETTER["title_ko"] in text, text
    assert ORGANIZATION["name_ko"] in text, text


def deliver_by_email(driver, trip, letter_id, recipient):
    driver.get(f"{trip.url}/staff/letters/{letter_id}/deliveries")
    row = find_xpath(driver, f"//table[@class='plan']//tr[.//label[normalize-space()='{recipient.name_en}']]")
    row.find_element(By.CSS_SELECTOR, "input[type='checkbox'][name$='selected']").click()
    Select(row.find_element(By.CSS_SELECTOR, "select[name$='language']")).select_by_value("ko")
    channel = Select(row.find_element(By.CSS_SELECTOR, "select[name$='channel']"))
    assert channel.first_selected_option.get_attribute("value") == "email"
    go(driver, driver.find_element(By.CSS_SELECTOR, "form.plan button[type='submit']"))
    until_path(driver, r"/staff/delivery-batches/\d+")
    trip.shot(driver, "planned")
    go(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/queue'] button"))
    # The page follows the batch by itself (batch-progress.js) until the worker has sent it.
    sent = "dd[data-count='sent']"
    wait(driver, WORKER_WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, sent).text == "1")
    trip.shot(driver, "sent")

    [_confirmation, (recipients, message)] = trip.inbox.wait_for(2, timeout=WORKER_WAIT)
    assert recipients == MINISTRY["emails"]
    [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    text = pdf_text(pdf.get_content())
    assert LETTER["body_ko"] in text and ORGANIZATION["name_ko"] in text, text
    return message


def accept_the_reply(driver, trip, letter_id, message):
    append(trip.dovecot, trip.mailbox, reply(message["Reply-To"], "<answer-1@mofa.example.kr>"))
    trip.poll_mailbox()
    timeline = f"{trip.url}/staff/letters/{letter_id}/timeline"
    accept = "section.event.proposed form[action$='/accept'] [type='submit']"

    def proposed(driver):
        driver.get(timeline)
        return driver.find_elements(By.CSS_SELECTOR, accept)

    [button] = wait(driver, WORKER_WAIT).until(proposed)
    trip.shot(driver, "proposed")
    go(driver, button)
    assert not driver.find_elements(By.CSS_SELECTOR, accept)
    log_out(driver)


def public_answers(driver, trip):
    """The answers the public campaign page lists in its timeline, as read."""
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})  # the page was cached for 10 s before
    driver.get(f"{trip.url}/c/{SLUG}")
    find(driver, "section.timeline")
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "section.timeline li.responded")]


def test_a_letter_from_its_draft_to_a_ministrys_answer_on_the_public_timeline(
    browser, korean_browser, database_url, dovecot, tmp_path, db
):
    recipient = RecipientFactory(**MINISTRY)
    db.session.commit()
    both = (browser, korean_browser)
    with time_limit(240), journey(database_url, dovecot, tmp_path) as trip:
        letter_id, editor = write_and_open_the_letter(browser, trip, recipient)

        link = sign_as_organization(browser, trip, letter_id)
        check_accessible(both, f"{trip.url}/c/{SLUG}", "campaign page")
        check_accessible(both, f"{trip.url}/letters/{letter_id}/sign", "sign form")
        check_accessible(both, f"{trip.url}/letters/{letter_id}/sign/thanks", "check-email page")
        check_accessible(both, link, "confirmation page")

        approve_the_organization(browser, trip, letter_id, editor)
        download_the_korean_pdf(browser, trip)
        message = deliver_by_email(browser, trip, letter_id, recipient)
        accept_the_reply(browser, trip, letter_id, message)

        [english] = public_answers(browser, trip)
        assert english.endswith(f"Responded · {MINISTRY['name_en']}"), english
        trip.shot(browser, "timeline")
        [korean] = public_answers(korean_browser, trip)
        assert korean.endswith(f" · {MINISTRY['name_ko']}"), korean
        trip.shot(korean_browser, "timeline-ko")
        check_accessible(both, f"{trip.url}/c/{SLUG}", "public timeline")
    print("screenshots:", *trip.shots, sep="\n  ")
