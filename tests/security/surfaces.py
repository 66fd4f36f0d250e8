"""Where stored text is shown, read back as a reader gets it, and checked for what the text injected."""

import csv
import email
import email.policy
import io
import json
import subprocess
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from app.core.csv_cells import _FORMULA_STARTS
from tests.security.hostile import INJECTED_ATTRIBUTES, INJECTED_TAG, PROBE

#: Attributes through which a browser fetches or runs something on its own.
_FETCHING = ("src", "srcset", "style", "background", "poster", "data", "action", "formaction")


class _Page(HTMLParser):
    """Every element and attribute of a page, and its text (outside <script> and <style>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text, self.scripts = [], [], [], []
        self._raw = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)
        self._raw = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._raw = None

    def handle_data(self, data):
        (self.scripts if self._raw else self.text).append(data)


def injected_markup(html, port, shown=True):
    """What the page holds that only hostile text could have put there (an empty list if nothing).

    `shown`: the text must be in the page's text (a form sent back holds it in its fields only).
    """
    page = _Page()
    page.feed(html)
    found = [f"<{tag}>" for tag in page.tags if tag == INJECTED_TAG]
    found += [f"{tag} {name}" for tag, name, _value in page.attributes if name in INJECTED_ATTRIBUTES]
    for tag, name, value in page.attributes:
        if value.strip().lower().startswith("file:") or (name in _FETCHING and f":{port}" in value):
            found.append(f"{tag} {name}={value!r}")
    found += [f"script/style holding {PROBE}" for text in page.scripts if PROBE in text or str(port) in text]
    if shown and PROBE not in "".join(page.text):
        found.append(f"{PROBE} not shown: the field is not on this page")
    return found


def html_problems(response, port):
    assert response.status_code == 200, response.status_code
    return injected_markup(response.get_data(as_text=True), port)


def csv_problems(response, port):
    """Cells a spreadsheet would run as a formula, and whether the text is in a cell at all."""
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    found = [f"formula cell {cell[:40]!r}" for cell in cells if cell.startswith(_FORMULA_STARTS)]
    if not any(PROBE in cell for cell in cells):
        found.append(f"{PROBE} not in any cell")
    return found


def json_problems(response, expected):
    """The API answers the stored text as data: the very string, in a JSON string."""
    assert response.status_code == 200, response.status_code
    strings = list(_strings(json.loads(response.get_data(as_text=True))))
    return [] if expected in strings else [f"{expected[:40]!r} not returned as a JSON string"]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def atom_problems(response, port):
    """The feed is well-formed XML with no element but Atom's, the text escaped inside it."""
    assert response.status_code == 200, response.status_code
    root = ET.fromstring(response.get_data())  # noqa: S314 (our own feed, read by the test)
    found = [
        element.tag for element in root.iter() if not element.tag.startswith("{http://www.w3.org/2005/Atom}")
    ]
    texts = " ".join(element.text or "" for element in root.iter())
    for element in root.iter():
        if element.get("type") == "html":
            found += injected_markup(f"<div>{element.text or ''}</div>", port)
    if PROBE not in texts:
        found.append(f"{PROBE} not in the feed")
    return found


def pdf_problems(data, listener):
    """The PDF shows the text as text, fetched nothing and holds no file of this machine."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    found = [] if PROBE in text else [f"{PROBE} not in the PDF text"]
    if listener.connections:
        found.append(f"the PDF renderer connected to the listener: {listener.connections}")
    if "root:x:0:0" in text or "root:x:0:0" in data.decode("latin-1"):
        found.append("/etc/passwd leaked into the PDF")
    return found


def email_problems(message, port):
    """The email's headers are not split by the text, and its HTML part (if any) is escaped."""
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    found = [name for name in ("Bcc", "X-Injected") if parsed[name] is not None]
    texts = []
    for part in parsed.walk():
        if part.get_content_type() == "text/html":
            found += injected_markup(part.get_content(), port)
        elif part.get_content_type() == "text/plain":
            texts.append(part.get_content())
    if PROBE not in str(parsed["Subject"]) + "".join(texts):
        found.append(f"{PROBE} not in the email")
    return found
