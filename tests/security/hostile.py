"""Hostile text: each value carries a probe word, so a test can tell the field was shown at all."""

import re
import socket
import threading
from dataclasses import dataclass

#: In every value: where it is found in a page, a PDF or a cell, the field was shown.
PROBE = "pr0be"
#: Element and attribute names no page of ours has: any of them in a parsed page was injected.
INJECTED_TAG = "xss-probe"
INJECTED_ATTRIBUTES = ("data-xss-probe", "onmouseover", "onerror", "onload")


@dataclass(frozen=True)
class Hostile:
    name: str
    text: str
    #: Whether the value is kept on one line by the app (a multiline field gets the other ones too).
    one_line: bool = True
    #: The kinds of surface it attacks (see tests/security/surfaces.py); None: every kind.
    attacks: tuple = None

    def attacks_kind(self, kind):
        return self.attacks is None or kind in self.attacks


def values(port, limit=200):
    """The hostile values for a field that holds at most `limit` characters.

    `port` is the loopback listener's: a PDF or page that fetches one of these URLs is caught.
    """
    loop = f"http://127.0.0.1:{port}"
    found = [
        Hostile("script", f'<script>window.{PROBE}=1</script>{PROBE} "</script>'),
        Hostile(
            "html",
            f'"><{INJECTED_TAG} data-xss-probe=1 onmouseover=alert(1)>{PROBE}<img src=x onerror=alert(1)>',
        ),
        Hostile("attribute", f'{PROBE}" onmouseover="alert(1)" data-xss-probe="1'),
        Hostile(
            "css-url",
            f'<div style="background:url({loop}/css)">{PROBE}</div><style>@import url({loop}/i);</style>',
        ),
        Hostile(
            "file-url",
            f'<img src="file:///etc/passwd"><a href="file:///etc/hostname">{PROBE}</a> file:///etc/passwd',
        ),
        Hostile("loopback", f'<img src="{loop}/img"> {PROBE} ![x]({loop}/md) {loop}/plain'),
        Hostile("formula-equals", f'=HYPERLINK("{loop}/f","{PROBE}")'),
        Hostile("formula-plus", f"+1+cmd|' /C calc'!A0 {PROBE}"),
        Hostile("formula-minus", f"-2+3 {PROBE}"),
        Hostile("formula-at", f"@SUM(1+1) {PROBE}"),
        Hostile("formula-tab", f"\t=1+1 {PROBE}"),
        Hostile("formula-cr", f"\r=1+1 {PROBE}"),
        Hostile("right-to-left", f"{PROBE} \u202egpj.exe"),
        Hostile(
            "header-split",
            f"{PROBE}\r\nBcc: evil@example.org\r\nX-Injected: 1",
            attacks=("html", "csv", "json", "email", "atom"),
        ),
        Hostile("long", PROBE + " " + "W" * (limit - len(PROBE) - 1)),
    ]
    # A multiline field must keep its lines; in a one-line field the line breaks are the attack.
    found.append(Hostile("lines", f"{PROBE}\nsecond line\n\n<{INJECTED_TAG}>", one_line=False))
    found = [_for_cells(value) if value.name.startswith("formula") else value for value in found]
    return [value for value in found if len(value.text) <= limit]


def _for_cells(value):
    """A formula is plain text on a page or in a PDF: it attacks spreadsheets (and what feeds them)."""
    return Hostile(value.name, value.text, value.one_line, attacks=("csv", "json", "email"))


class Listener:
    """A TCP listener on the loopback interface that records every connection made to it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, address = self.server.accept()
            except OSError:
                continue
            connection.settimeout(0.5)
            try:
                self.connections.append((address, connection.recv(4096)))
            except OSError:
                self.connections.append((address, b""))
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.server.close()


#: A message shown to the person on a refused form: a field's error, the form's error summary, or
#: an error page.
ERROR_MESSAGE = re.compile(
    r'class="error(?: banner)?"(?: id="[^"]*")?>[^<]+<|role="alert">[^<]+<|class="error-message">[^<]+<'
)
