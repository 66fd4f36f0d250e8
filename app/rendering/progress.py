"""A render's progress, page by page, from WeasyPrint's progress log.

WeasyPrint writes "Step 5 - Creating layout - Page N" to the ``weasyprint.progress`` logger as
it lays out each page. A handler installed once passes the page number to the callback the
current thread registered with ``counting_pages``; those records go nowhere else, so a worker's
log is not filled with one line per page.

A render's total is not known until it is laid out, so ``estimated_pages`` guesses it from the
length of the signatory list (the part of a letter that grows); the reported figure never
reaches 100% before the PDF is written.
"""

import contextlib
import logging
import threading

#: WeasyPrint's message for a page it lays out (not the "(up-to-date)" one for a page it keeps).
LAYOUT_PAGE = "Step 5 - Creating layout - Page %d"

#: The letter around the list, and how many signatories about fill a page (in both designs).
LETTER_PAGES = 3
SIGNATORIES_PER_PAGE = 30

_local = threading.local()


class _PageHandler(logging.Handler):
    def emit(self, record):
        on_page = getattr(_local, "on_page", None)
        if on_page is not None and record.msg == LAYOUT_PAGE and record.args:
            on_page(record.args[0])


def _install():
    logger = logging.getLogger("weasyprint.progress")
    if not any(isinstance(handler, _PageHandler) for handler in logger.handlers):
        logger.addHandler(_PageHandler())
    logger.setLevel(logging.INFO)
    logger.propagate = False


_install()


@contextlib.contextmanager
def counting_pages(on_page):
    """Call ``on_page(number)`` for each page WeasyPrint lays out in this thread, meanwhile."""
    _local.on_page = on_page
    try:
        yield
    finally:
        _local.on_page = None


def estimated_pages(context):
    """About how many pages a letter context fills."""
    signatories = context.get("signatories") or {}
    listed = len(signatories.get("organizations", ())) + len(signatories.get("individuals", ()))
    return LETTER_PAGES + listed // SIGNATORIES_PER_PAGE


class PageProgress:
    """Pages laid out so far against the estimate, for a ``progress(done, total)`` callback.

    Writing the PDF counts for a fifth of the layout; done reaches the total only when it is written.
    """

    def __init__(self, callback, estimates):
        self.callback = callback
        self.layout = max(1, sum(estimates))
        self.total = self.layout + max(1, self.layout // 5)
        self.finished = 0  # pages of the parts already laid out
        self.last = 0

    def page(self, number):
        self._report(min(self.finished + number, self.layout))

    def part_done(self, pages):
        self.finished += pages

    def written(self):
        self._report(self.total)

    def _report(self, done):
        if self.callback is not None and done > self.last:
            self.last = done
            self.callback(done, self.total)
