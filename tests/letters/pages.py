"""Acting in the staff pages as a browser would: read a page's form, change some fields, send it."""

import re
from html.parser import HTMLParser

from markupsafe import escape

from tests.factories import PASSWORD, UserFactory
from tests.helpers import log_in


class _FormReader(HTMLParser):
    """Every <form> of a page: its attributes and the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {"attrs": attrs, "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name") and tag != "option":
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._form["fields"][attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = (attrs["name"], [])
        elif tag == "select":
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "chosen": []}
            self._select["first"] = None
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = attrs.get("value", "")
            if "selected" in attrs:
                self._select["chosen"].append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea:
            name, parts = self._textarea
            # A browser drops the one line break that follows <textarea>.
            self._form["fields"][name] = re.sub(r"^\r?\n", "", "".join(parts))
            self._textarea = None
        elif tag == "select" and self._select:
            select, self._select = self._select, None
            chosen = select["chosen"] or ([] if select["multiple"] else [select["first"]])
            self._form["fields"][select["name"]] = chosen if select["multiple"] else chosen[-1]


def form_on(response, **attrs):
    """(action, fields) of the first form on the page whose attributes include `attrs`."""
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    for form in reader.forms:
        if all(form["attrs"].get(key.rstrip("_")) == value for key, value in attrs.items()):
            return form["attrs"].get("action") or response.request.path, dict(form["fields"])
    raise AssertionError(f"no form with {attrs} on {response.request.path}")


def submit(client, response, form=None, headers=None, **changes):
    """Send the form on `response` (chosen by its attributes, `form`) with some fields changed."""
    action, fields = form_on(response, **(form or {}))
    return client.post(action, data={**fields, **changes}, headers=headers)


def editor_form(response):
    """The fields of the letter editor's form on `response`."""
    return form_on(response, class_="editor")[1]


def save(client, letter_id, headers=None, **changes):
    """Open the letter in the editor, change some fields and press Save."""
    page = client.get(f"/staff/letters/{letter_id}", headers=headers)
    assert page.status_code == 200
    return submit(client, page, {"class_": "editor"}, headers=headers, **changes)


def press(client, letter_id, action, **fields):
    """Press a button of the editor's status bar: a small form with the page's CSRF token."""
    page = client.get(f"/staff/letters/{letter_id}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(f"/staff/letters/{letter_id}/{action}", data={"csrf_token": token, **fields})


def second_staff_member(app, role="editor"):
    """Another staff member, logged in on a browser of their own: (client, user)."""
    user = UserFactory(role=role)
    other = app.test_client()
    assert log_in(other, user.email, PASSWORD).status_code == 302
    return other, user


def error_next_to(response, field, message):
    """Whether `message` is shown as an error right after the form control named `field`."""
    html = response.get_data(as_text=True)
    start = html.index(f'name="{field}"')
    following = re.search(r'\sname="', html[start + 1 :])
    segment = html[start : start + 1 + following.start()] if following else html[start:]
    shown = re.escape(str(escape(message)))
    return re.search(rf'<p class="error" id="[^"]+-error">{shown}</p>', segment) is not None
