"""Benchmark: letter PDFs from the renderer against plain WeasyPrint, by number of signatories.

Run: .venv/bin/python bench/pdf_render.py [--sizes 11,100,1000,10000] [--langs en,ko] [--template formal]

Each (size, language) runs in its own process, so its peak memory (ru_maxrss) is its own. In it the
renderer is warmed first (one render of the demo letter: fonts loaded), then timed:
- render_pdf: app.rendering.pdf.render_pdf([context]), the whole job (design, keep-all, PDF);
- plain: weasyprint.HTML(string=<the same final HTML>).write_pdf() with the same fonts (their
  @font-face rules as file: URLs, one warm FontConfiguration), WeasyPrint's defaults otherwise.
Runs alternate between the two; the medians of wall-clock and CPU time (process_time, steadier on a
busy machine) are printed; the ratio is render_pdf / plain on CPU time. Contexts are plain data (no
database): the demo letter's text from app/demo/data/ and its 11 signatories, then generated ones.
"""

import argparse
import csv
import io
import json
import logging
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from app.core.sanitizing import render_markdown  # noqa: E402
from app.demo.loader import DATA, LETTER_DATE, read_sections  # noqa: E402
from app.rendering.context import design_labels, long_date  # noqa: E402

REPEATS = {11: 9, 100: 5, 1000: 3}
CAMPAIGN = {"en": "Free will of North Korean POWs", "ko": "북한군 포로의 자유의사 존중"}
RECIPIENT = {"en": "Office of the President of Ukraine", "ko": "우크라이나 대통령실"}


def demo_signatories(lang):
    with (DATA / "signatories.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(row["kind"], row[f"name_{lang}"], row[f"line_{lang}"]) for row in rows]


def generated_signatories(lang, count):
    """Plausible extra signatories: one organization in ten, the rest individuals with a line."""
    rows = []
    for n in range(count):
        if n % 10 == 0:
            name = f"Human Rights Network {n}" if lang == "en" else f"인권네트워크 {n}"
            rows.append(("organization", name, ""))
        else:
            name = f"Jeong-min Park {n}" if lang == "en" else f"박정민{n}"
            line = f"Volunteer, chapter {n % 97}" if lang == "en" else f"자원활동가 {n % 97}지부"
            rows.append(("individual", name, line))
    return rows


def plain_context(lang, size, template="formal"):
    """The context letter_context() would build for the demo letter with `size` signatories."""
    text = read_sections(DATA / f"letter_{lang}.md")
    rows = demo_signatories(lang) + generated_signatories(lang, max(0, size - 11))
    as_of = long_date(date(2025, 3, 11), lang)
    labels = design_labels(lang, {"count": len(rows), "as_of": as_of})
    name = RECIPIENT[lang]
    return {
        "lang": lang,
        "template": template,
        "campaign": {"title": CAMPAIGN[lang]},
        "letter": {
            **{part: text.get(part, "") for part in ("title", "subject", "salutation", "closing", "place")},
            "signatories_intro": text.get("signatories_intro", ""),
            "body_html": render_markdown(text["body"]),
            "date": long_date(LETTER_DATE, lang),
        },
        # The generic document: no address block; the addressee named where a design has "To:".
        "recipients": [],
        "addressees": [name],
        "signatories": {
            "organizations": [
                {"name": n, "line": li, "logo": ""} for kind, n, li in rows if kind == "organization"
            ],
            "individuals": [
                {"name": n, "line": li, "logo": ""} for kind, n, li in rows if kind == "individual"
            ],
            "count": len(rows),
            "as_of": as_of,
        },
        "labels": labels,
    }


def plain_weasyprint():
    """A plain WeasyPrint call with the same fonts: (write(html) -> bytes)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = ROOT / "letter_templates" / "fonts"
    css = (fonts / "fonts.css").read_text(encoding="utf-8").replace("asset:fonts/", fonts.as_uri() + "/")
    font_config = FontConfiguration()
    stylesheet = CSS(string=css, font_config=font_config)
    return lambda html: HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=font_config)


def timed(function, *args):
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def child(size, lang, template):
    """Measure one (size, language) in this process; print a JSON line."""
    from app.rendering.pdf import letter_document_html, render_pdf

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    render_pdf([plain_context(lang, 11, template)])  # warm: fonts loaded, caches filled
    plain = plain_weasyprint()
    plain(letter_document_html(plain_context(lang, 11, template)))
    context = plain_context(lang, size, template)
    html = letter_document_html(context)
    ours, theirs, pdf = [], [], b""
    peak = None
    for _ in range(REPEATS.get(size, 1)):
        pdf, wall, cpu = timed(render_pdf, [context])
        ours.append((wall, cpu))
        if peak is None:  # the renderer's own peak, before plain WeasyPrint runs in this process
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        theirs.append(timed(plain, html)[1:])
    print(
        json.dumps(
            {
                "size": size,
                "lang": lang,
                "template": template,
                "render_pdf": statistics.median(wall for wall, _cpu in ours),
                "render_pdf_cpu": statistics.median(cpu for _wall, cpu in ours),
                "plain": statistics.median(wall for wall, _cpu in theirs),
                "plain_cpu": statistics.median(cpu for _wall, cpu in theirs),
                "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                "pdf_kib": len(pdf) / 1024,
                "peak_mib": peak / 1024,
                "runs": len(ours),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="11,100,1000,10000")
    parser.add_argument("--langs", default="en,ko")
    parser.add_argument("--template", default="formal")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "LANG"))
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1], args.template)
        return
    results = []
    for size in map(int, args.sizes.split(",")):
        for lang in args.langs.split(","):
            command = [sys.executable, __file__, "--child", str(size), lang, "--template", args.template]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
            results.append(json.loads(output.strip().splitlines()[-1]))
            report(results[-1])
    growth(results)


def report(row):
    if not report.header_done:
        print(f"letter PDF, '{row.get('template', 'formal')}' design; median of runs; peak RSS per process")
        print(
            f"{'signatories':>11} {'lang':>4} {'pages':>5} {'KiB':>6} {'render_pdf s':>12} {'cpu s':>7}",
            end="",
        )
        print(f" {'plain s':>8} {'cpu s':>7} {'ratio':>6} {'peak MiB':>9} {'runs':>4}")
        report.header_done = True
    ratio = row["render_pdf_cpu"] / row["plain_cpu"]
    print(
        f"{row['size']:>11,} {row['lang']:>4} {row['pages']:>5} {row['pdf_kib']:>6.0f}"
        f" {row['render_pdf']:>12.3f} {row['render_pdf_cpu']:>7.3f}"
        f" {row['plain']:>8.3f} {row['plain_cpu']:>7.3f} {ratio:>6.2f}"
        f" {row['peak_mib']:>9.0f} {row['runs']:>4}",
        flush=True,
    )


report.header_done = False


def growth(results):
    """CPU seconds per 1,000 signatories between successive sizes: flat means linear growth."""
    key = "render_pdf_cpu"
    for lang in sorted({row["lang"] for row in results}):
        rows = sorted((row for row in results if row["lang"] == lang), key=lambda row: row["size"])
        steps = [
            f"{a['size']:,}->{b['size']:,}: {1000 * (b[key] - a[key]) / (b['size'] - a['size']):.2f}"
            for a, b in zip(rows, rows[1:], strict=False)
        ]
        if steps:
            print(f"{lang}: CPU seconds per 1,000 more signatories " + ", ".join(steps))


if __name__ == "__main__":
    main()
