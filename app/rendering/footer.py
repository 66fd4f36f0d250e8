"""The line at the foot of every PDF page: the list's count and date, when it was made, the page number."""

from app.rendering.context import long_date

#: When the PDF was made, in the letter's language (like the design's labels, not the reader's).
MADE = {"en": "Made {date}", "ko": "{date} 작성"}


def footer_line(context, created):
    """'12 signatories as of March 3, 2026 · Made December 1, 2026', in the context's language."""
    made = MADE[context["lang"]].format(date=long_date(created.date(), context["lang"]))
    return f"{context['labels']['signatories_count']} · {made}"


def _css_string(text):
    """`text` as a quoted CSS string (nothing in it can end the string or the rule)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'"{escaped}"'


def page_css(footer, first=None, total=None):
    """A stylesheet for the page margins: the footer and the page number, "first" on the first page.

    Without ``first`` and ``total`` the pages count themselves ("1 / 3"); with them, a part of a
    longer PDF starts at ``first`` and every page names the whole PDF's ``total``.
    """
    of = f'" / {int(total)}"' if total else '" / " counter(pages)'
    prefix = f'{_css_string(footer)} "  ·  " ' if footer else ""
    css = (
        "@page { @bottom-center { "
        f"content: {prefix}counter(page) {of} !important; "
        'font-family: "Undersigned Serif", "Undersigned Serif KR", serif; } }\n'
    )
    if first:
        css += f"@page :first {{ counter-reset: page {int(first)}; }}\n"
    return css
