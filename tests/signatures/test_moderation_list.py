"""The moderation list as staff use it: what needs them first, states in their words, vetting, jobs."""

import re

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.extensions import db
from app.jobs.models import JobState, StaffJob
from app.jobs.tasks import run_job
from app.signatures.logos import check_logo, save_logo
from app.signatures.models import SignatoryKind, SignatureStatus
from tests.helpers import page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import png, signatures
from tests.signatures.test_staff_moderation import signed, url

S = SignatureStatus


def rows(response):
    """{signature id: the row's HTML} of the list."""
    html = response.get_data(as_text=True)
    return {int(m[0]): m[1] for m in re.findall(r'<tr id="signature-(\d+)"[^>]*>(.*?)</tr>', html, re.S)}


def test_the_list_opens_on_the_sign_ons_that_need_a_person(client, auth, letter):
    held = signed(letter, S.HELD, signature={"hold_reason": "too_fast"}, name_en="Held Signer")
    confirmed = signed(letter, S.CONFIRMED, name_en="Confirmed Signer")
    signed(letter, S.APPROVED, name_en="Listed Signer")
    signed(letter, S.PENDING, name_en="Pending Signer")
    auth.login("viewer")

    page = client.get(url(letter))

    assert set(rows(page)) == {held.id, confirmed.id}
    text = page_text(page)
    assert "Held for review (Sent too fast (bot?))" in text and "Awaiting approval" in text
    assert "Listed Signer" not in text and "Pending Signer" not in text
    assert re.search(r'<strong aria-current="page">Needs you \(2\)</strong>', page.get_data(as_text=True))
    everything = page_text(client.get(url(letter, status="all")))
    assert "Listed Signer" in everything and "Awaiting email confirmation" in everything
    assert "All (4)" in everything and "Listed (1)" in everything
    # A search looks at every state unless a filter is chosen.
    assert "Pending Signer" in page_text(client.get(url(letter, q="Pending")))


def test_states_are_named_in_korean_in_the_list_and_the_detail(client, auth, letter):
    held = signed(letter, S.HELD, signature={"hold_reason": "rate_limit"})
    auth.login("viewer")
    korean = {"Accept-Language": "ko"}

    text = page_text(client.get(url(letter, status="all"), headers=korean))

    assert "처리 필요 (1)" in text and "검토 보류 (1)" in text and "승인 대기 (0)" in text
    assert "명단 게재 (0)" in text and "이메일 확인 대기 (0)" in text
    detail = page_text(client.get(url(letter, f"/{held.id}"), headers=korean))
    assert "검토 보류 (" in detail


def test_each_row_has_one_action_menu_of_post_forms_with_csrf(client, auth, letter):
    held = signed(letter, S.HELD)
    listed = signed(letter, S.APPROVED)
    auth.login("editor")

    by_id = rows(client.get(url(letter, status="all")))

    for row in by_id.values():
        assert row.count('<details class="menu">') == 1
        menu = re.search(r'<details class="menu">(.*?)</details>', row, re.S).group(1)
        forms = re.findall(r"<form[^>]*>.*?</form>", menu, re.S)
        assert forms and all('method="post"' in form and 'name="csrf_token"' in form for form in forms)
    held_menu = by_id[held.id]
    assert ">Approve<" in held_menu and ">Reject<" in held_menu and ">Merge as duplicate<" in held_menu
    assert ">Approve<" not in by_id[listed.id] and ">Withdraw (signer asked)<" in by_id[listed.id]


def test_a_viewer_gets_no_action_menu(client, auth, letter):
    signed(letter, S.HELD)
    auth.login("viewer")
    assert '<details class="menu">' not in client.get(url(letter)).get_data(as_text=True)


def organization(letter, uploads, website="https://tjwg.example/about"):
    signature = signed(
        letter,
        S.CONFIRMED,
        kind=SignatoryKind.ORGANIZATION,
        name_en="Transitional Justice Working Group",
        name_ko="전환기정의워킹그룹",
        line_en="Documents human rights violations in North Korea",
        website=website,
        contact_name="Lee Contact",
        email="office@tjwg.example",
    )
    signature.signatory.logo_path = save_logo(check_logo(png()))
    db.session.commit()
    return signature


def test_an_editor_vets_an_organization_from_its_row(client, auth, letter, uploads):
    signature = organization(letter, uploads)
    auth.login("editor")

    row = rows(client.get(url(letter)))[signature.id]

    details = re.search(r'<details class="row-details">(.*?)</details>', row, re.S).group(1)
    assert (
        '<a href="https://tjwg.example/about" rel="noopener noreferrer" target="_blank">'
        "https://tjwg.example/about</a>" in details
    )
    assert "Documents human rights violations in North Korea" in details
    assert "Lee Contact" in details and "office@tjwg.example" in details
    logo = re.search(
        r'<img class="logo-thumb" src="([^"]+)" alt="Logo of Transitional Justice Working Group"', details
    )
    image = client.get(logo.group(1))
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "전환기정의워킹그룹" in row


def test_a_viewer_vets_without_contact_data(client, auth, letter, uploads):
    signature = organization(letter, uploads)
    auth.login("viewer")

    row = rows(client.get(url(letter)))[signature.id]

    assert "https://tjwg.example/about" in row and 'class="logo-thumb"' in row
    assert "Lee Contact" not in row and "office@tjwg.example" not in row
    with client.get(f"/staff/signatories/{signature.signatory_id}/logo.png") as image:
        assert image.status_code == 200


def test_a_website_that_is_not_a_web_address_is_shown_but_never_linked(client, auth, letter, uploads):
    signature = organization(letter, uploads, website="javascript:alert(1)")
    auth.login("viewer")

    row = rows(client.get(url(letter)))[signature.id]

    assert "javascript:alert(1)" in row and 'href="javascript' not in row


def test_a_logo_needs_a_staff_login(client, letter, uploads):
    signature = organization(letter, uploads)
    assert client.get(f"/staff/signatories/{signature.signatory_id}/logo.png").status_code in (302, 401)


def decisions():
    return db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "signature.decide"))


def bulk_approve(client, letter, ids):
    action, fields = form_on(client.get(url(letter)), id="bulk")
    return client.post(action, data={**fields, "ids": ids, "to": "approved"})


def test_approving_many_runs_as_a_job_whose_page_shows_the_outcome(client, auth, letter):
    held = [signed(letter, S.HELD) for _ in range(25)]
    auth.login("editor")

    response = bulk_approve(client, letter, [s.id for s in held])

    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/staff/jobs/\d+", job_url)
    page = client.get(job_url)
    text = page_text(page)
    assert "Deciding the ticked signatures" in text and "Done" in text
    assert "25 signatures are now: Listed." in text and "25 / 25" in text
    html = page.get_data(as_text=True)
    assert 'src="/static/progress.js"' in html and 'data-running="false"' in html and "<progress" in html
    state = client.get(job_url + "/progress.json").get_json()
    assert state["state"] == "done" and state["done"] == state["total"] == 25 and state["running"] is False
    assert {s.status for s in signatures(letter)} == {S.APPROVED}
    assert decisions() == 25


def test_a_job_run_again_decides_no_signature_twice(client, auth, letter):
    held = [signed(letter, S.HELD) for _ in range(22)]
    auth.login("editor")
    job_id = int(bulk_approve(client, letter, [s.id for s in held]).headers["Location"].rsplit("/", 1)[1])

    run_job.apply(args=[job_id])  # a repeated message: the job is over, nothing happens
    assert decisions() == 22

    job = db.session.get(StaffJob, job_id)
    job.state = JobState.RUNNING  # as a worker killed mid-way leaves it
    db.session.commit()
    run_job.apply(args=[job_id])

    db.session.expire_all()
    assert decisions() == 22
    assert db.session.get(StaffJob, job_id).message == "0 signatures are now: Listed. 22 were so already."


def test_a_bulk_job_with_one_refused_row_is_refused_before_it_starts(client, auth, letter):
    held = [signed(letter, S.HELD) for _ in range(21)]
    withdrawn = signed(letter, S.WITHDRAWN)
    auth.login("editor")

    page = client.get(bulk_approve(client, letter, [s.id for s in held] + [withdrawn.id]).headers["Location"])

    assert f"Signature #{withdrawn.id}: A signature in “Withdrawn” cannot become “Listed”." in page_text(page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffJob)) == 0
    assert decisions() == 0


def test_a_job_not_yet_run_shows_its_state_and_a_refresh_link(client, auth, letter):
    editor = auth.login("editor")
    job = StaffJob(kind="signatures.bulk", letter_id=letter.id, actor_id=editor.id, total=40, done=15)
    db.session.add(job)
    db.session.commit()

    page = client.get(f"/staff/jobs/{job.id}")

    text = page_text(page)
    assert "Waiting for a worker" in text and "15 / 40" in text and "38%" in text
    assert f'<a href="/staff/jobs/{job.id}">Refresh</a>' in page.get_data(as_text=True)
    assert 'data-running="true"' in page.get_data(as_text=True)
    korean = page_text(client.get(f"/staff/jobs/{job.id}", headers={"Accept-Language": "ko"}))
    assert "작업 대기 중" in korean and "선택한 서명 일괄 처리" in korean
    assert client.get(f"/staff/jobs/{job.id}/progress.json").get_json()["running"] is True
    assert client.get("/staff/jobs/999999").status_code == 404
