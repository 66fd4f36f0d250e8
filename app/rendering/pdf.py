"""Letter contexts to one PDF: WeasyPrint with the project's fonts, Korean keep-all, nothing fetched.

Contract (used by the PDF pipeline):

    render_pdf(contexts, pdfa=False, progress=None, *, logo_folder=None, created=None) -> bytes

- ``contexts``: letter contexts (app.rendering.context.letter_context), e.g. [en], [ko] or
  [en, ko]; each is its own part, starting on a new page in its own language; the pages are
  numbered through the parts ("1 / 6" ... "6 / 6"). Each page's foot says, in the part's
  language, how many signatories its list has and when the PDF was made, so that an old print
  and a new one can be told apart.
  Metadata: title of the first part's letter, author the campaign, language the first part's.
  The PDF is tagged (a structure tree, /MarkInfo /Marked true) for screen readers.
- ``pdfa``: PDF/A-3b ("pdf/a-3b") instead of plain PDF.
- ``progress(done, total)``: called as each page is laid out, and once with done == total when
  the PDF is written. The total is an estimate (app.rendering.progress) plus a share for writing
  the PDF; done stays below it until then.
- ``logo_folder``: the folder ``logo:<name>`` URLs are served from; by default the app's
  ``UPLOAD_FOLDER``/logos when there is an app context, else none.
- ``created``: the creation and modification date (a datetime; now, in UTC, by default).
"""

import contextlib
import functools
import gc
import io
import threading
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from flask import current_app, has_app_context
from weasyprint import CSS, HTML
from weasyprint.css import ColorProfile
from weasyprint.document import DocumentMetadata
from weasyprint.text.fonts import FontConfiguration

from app.rendering.fetcher import AssetFetcher, asset_url
from app.rendering.footer import footer_line, page_css
from app.rendering.html import render_letter_html
from app.rendering.progress import PageProgress, counting_pages, estimated_pages
from app.rendering.typography import keep_words_together

#: WeasyPrint's name for PDF/A-3 level B (see weasyprint.pdf.pdfa.VARIANTS).
PDFA_VARIANT = "pdf/a-3b"
GENERATOR = "Undersigned"

_local = threading.local()


def letter_document_html(context):
    """The final HTML WeasyPrint gets: the design rendered, Korean words kept together."""
    return keep_words_together(render_letter_html(context))


def _shared():
    """(font configuration, stylesheets), built once per thread: loading the fonts is the slow part.

    A FontConfiguration holds a Pango font map, which is not thread-safe: one per thread.
    """
    shared = getattr(_local, "shared", None)
    if shared is None:
        font_config = FontConfiguration()
        fetcher = AssetFetcher()
        fonts = CSS(url=asset_url("fonts/fonts.css"), url_fetcher=fetcher, font_config=font_config)
        if fetcher.denied:
            raise RuntimeError(f"letter fonts missing: {fetcher.denied}")
        shared = _local.shared = (font_config, [fonts])
    return shared


@functools.cache
def _srgb_icc():
    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _pdfa_options(pdfa):
    """(render options, write options) for plain PDF or PDF/A-3b.

    PDF/A needs an sRGB output intent. WeasyPrint 70 would open its sRGB2014.icc for each PDF
    and never close it (a ResourceWarning per render), so we hand it the profile, read here, and
    write with output_intent "" so that it does not load its own; the document keeps "srgb",
    the key of our profile, as its output intent.

    Both are tagged (a structure tree in reading order, for screen readers): PDF/A-3b allows tags
    without asking for them, so ``pdf_tags`` is set on its own beside the variant.
    """
    if not pdfa:
        return {"pdf_variant": None, "pdf_tags": True}, {"pdf_variant": None, "pdf_tags": True}
    profile = ColorProfile(
        io.BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    render = {
        "pdf_variant": PDFA_VARIANT,
        "pdf_tags": True,
        "output_intent": "srgb",
        "color_profiles": {"srgb": profile},
    }
    return render, {"pdf_variant": PDFA_VARIANT, "pdf_tags": True, "output_intent": ""}


def default_logo_folder():
    if has_app_context() and current_app.config.get("UPLOAD_FOLDER"):
        return Path(current_app.config["UPLOAD_FOLDER"]) / "logos"
    return None


def _w3c(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def letter_metadata(contexts, created=None):
    """Title, author (the campaign), subject, keywords, dates and language of the first part."""
    first = contexts[0]
    letter = first["letter"]
    campaign = first["campaign"]["title"]
    title = letter["title"] or letter["subject"] or campaign
    keywords = []
    for context in contexts:
        for word in (context["campaign"]["title"], context["letter"]["title"]):
            if word and word not in keywords:
                keywords.append(word)
    moment = _w3c(created or datetime.now(UTC))
    return DocumentMetadata(
        title=title,
        authors=[campaign] if campaign else [],
        description=letter["subject"] or None,
        keywords=keywords,
        generator=GENERATOR,
        created=moment,
        modified=moment,
        lang=first["lang"],
    )


@contextlib.contextmanager
def _fewer_collections():
    """Run the garbage collector less often while WeasyPrint works.

    A layout makes hundreds of thousands of small objects that live until the PDF is written;
    with the default thresholds the collector scans them again and again (about 15% of a long
    render). Nothing is leaked: the thresholds come back afterwards and the next collection runs.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def pdf_from_html(htmls, metadata, *, pdfa=False, progress=None, fetcher=None, estimates=None, footers=None):
    """One PDF from finished HTML documents, each laid out on its own pages with the shared fonts.

    ``metadata`` (a weasyprint DocumentMetadata) replaces whatever the documents declare, so no
    ``<meta>`` or ``<link rel=attachment>`` in them is ever used. ``estimates``: the pages each
    document is expected to fill, for ``progress`` (one page each by default). ``footers``: a
    line each document prints at the foot of its pages (app.rendering.footer). The pages are
    numbered through all documents: "4 / 6" on the first page of a second part.
    """
    htmls = list(htmls)
    fetcher = fetcher if fetcher is not None else AssetFetcher()
    render_options, write_options = _pdfa_options(pdfa)
    estimates = list(estimates or [1] * len(htmls))
    # Several parts are laid out twice (see _numbered_parts): the progress counts both layouts.
    tracker = PageProgress(progress, estimates * 2 if len(htmls) > 1 else estimates)
    footers = list(footers or [""] * len(htmls))
    with _fewer_collections(), counting_pages(tracker.page):
        documents = _numbered_parts(htmls, footers, fetcher, render_options, tracker)
        return _write(documents, metadata, write_options, tracker)


def _render_part(html, fetcher, render_options, page_css):
    font_config, stylesheets = _shared()
    sheets = [*stylesheets, CSS(string=page_css)] if page_css else stylesheets
    # base_url=None: a relative URL resolves to nothing, and every absolute one meets the fetcher.
    return HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=sheets, **render_options
    )


def _numbered_parts(htmls, footers, fetcher, render_options, tracker):
    """Each document laid out; when there are several, again with the pages numbered through.

    A part's page count is known only once it is laid out, and the first part prints the total:
    a second layout with the numbers found. The numbers sit in the page margin, so the second
    layout breaks the pages where the first did (checked: else once more, at most three times).
    """
    documents = []
    for html, footer in zip(htmls, footers, strict=True):
        documents.append(_render_part(html, fetcher, render_options, page_css(footer)))
        tracker.part_done(len(documents[-1].pages))
    if len(documents) == 1:
        return documents
    for _attempt in range(3):
        counts = [len(document.pages) for document in documents]
        firsts = [1 + sum(counts[:index]) for index in range(len(counts))]
        documents = []
        for html, footer, first in zip(htmls, footers, firsts, strict=True):
            numbered = page_css(footer, first, sum(counts))
            documents.append(_render_part(html, fetcher, render_options, numbered))
            tracker.part_done(len(documents[-1].pages))
        if [len(document.pages) for document in documents] == counts:
            break
    return documents


def _write(documents, metadata, write_options, tracker):
    combined = documents[0].copy([page for document in documents for page in document.pages])
    combined.metadata = metadata
    pdf = combined.write_pdf(**write_options)
    tracker.written()
    return pdf


def render_pdf(contexts, pdfa=False, progress=None, *, logo_folder=None, created=None, fetcher=None):
    """The PDF of one or more letter contexts, as bytes (see the module docstring).

    ``fetcher`` replaces the AssetFetcher (tests pass their own to see what was asked for).
    """
    contexts = list(contexts)
    if not contexts:
        raise ValueError("render_pdf needs at least one letter context")
    if fetcher is None:
        fetcher = AssetFetcher(logo_folder if logo_folder is not None else default_logo_folder())
    created = created or datetime.now(UTC)
    htmls = [letter_document_html(context) for context in contexts]
    metadata = letter_metadata(contexts, created)
    estimates = [estimated_pages(context) for context in contexts]
    footers = [footer_line(context, created) for context in contexts]
    return pdf_from_html(
        htmls, metadata, pdfa=pdfa, progress=progress, fetcher=fetcher, estimates=estimates, footers=footers
    )
