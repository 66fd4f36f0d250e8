"""The suite's own checks catch what they look for: text left unescaped, a formula cell, a split header."""

from email.message import EmailMessage

from werkzeug.wrappers import Response

from tests.security.hostile import PROBE, values
from tests.security.surfaces import atom_problems, csv_problems, email_problems, injected_markup

PORT = 8765


def test_markup_left_unescaped_is_caught_for_every_hostile_value_with_markup():
    caught = {v.name for v in values(PORT) if injected_markup(f"<main>{v.text}</main>", PORT)}
    assert {"script", "html", "css-url", "file-url", "loopback"} <= caught
    [attribute] = [v for v in values(PORT) if v.name == "attribute"]
    assert injected_markup(f'<main>{PROBE}<input value="{attribute.text}"></main>', PORT)
    assert injected_markup(f"<main>{PROBE} &lt;script&gt;</main>", PORT) == []


def test_a_cell_a_spreadsheet_runs_is_caught_and_a_neutralized_one_passes():
    assert csv_problems(Response(f"name\r\n=1+1 {PROBE}\r\n"), PORT)
    assert csv_problems(Response(f"name\r\n'=1+1 {PROBE}\r\n"), PORT) == []


def test_a_header_split_by_the_text_is_caught():
    message = EmailMessage()
    message["Subject"] = PROBE
    message["Bcc"] = "evil@example.org"
    message.set_content("text")
    assert email_problems(message, PORT) == ["Bcc"]


def test_an_element_injected_into_the_feed_is_caught():
    feed = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{PROBE}</title><x:evil xmlns:x="urn:x"/></feed>'
    assert atom_problems(Response(feed), PORT) == ["{urn:x}evil"]
