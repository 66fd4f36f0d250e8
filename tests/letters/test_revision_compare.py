"""The revisions page: the latest change shown at once, named in words; the preview's fonts."""

import re

from tests.factories import CampaignFactory
from tests.helpers import page_text
from tests.letters.pages import save
from tests.letters.test_editor_pages import ENGLISH, KOREAN, letter_at, write_letter


def test_the_revisions_page_compares_the_latest_two_by_default_in_words(client, auth, db):
    auth.login("editor")
    editor_url = write_letter(client, CampaignFactory().id, title_en="Act", closing_en="Yours")
    letter_id = letter_at(db, editor_url).id
    assert save(client, letter_id, closing_en="Yours sincerely").status_code == 302

    page = client.get(f"{editor_url}/revisions")
    html = page.get_data(as_text=True)
    assert "Revision 1 → revision 2" in page_text(page)
    assert "Closing, English" in page_text(page)
    assert "closing (en)" not in html
    checked = re.findall(r'<input type="radio" name="(a|b)" value="(\d+)" checked', html)
    assert sorted(checked) == [("a", "1"), ("b", "2")]
    korean = page_text(client.get(f"{editor_url}/revisions?lang=ko"))
    assert "비교 기준: 수정본 1" not in korean  # an aria-label, not text
    assert "Closing" not in korean


def test_the_preview_uses_the_letter_fonts(client, auth):
    auth.login("editor")
    editor_url = write_letter(client, CampaignFactory().id, **ENGLISH, **KOREAN)
    preview = client.get(f"{editor_url}/preview/ko")
    assert '<link rel="stylesheet" href="/static/fonts.css">' in preview.get_data(as_text=True)
    policy = preview.headers["Content-Security-Policy"]
    assert "font-src 'self'" in policy and "script-src" not in policy
