"""Benchmark: a cached PDF download (already rendered and signed) is served without rendering.

Run: .venv/bin/python bench/pdf_download.py [--requests 300] [--extra 1000]
Uses a throw-away SQLite database with the demo campaign, through the in-process test client.
Each URL is asked for once first (that request renders); the timed requests are all cache hits.
The goal: a cached download served in 20 ms or less. Baseline in the same run: a static file
served by the same app through the same client.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.auth.services import issue_token  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Document, Role, User  # noqa: E402
from bench.inprocess import demo_app, summary, timed_get  # noqa: E402

GOAL_MS = 20
PDF = "application/pdf"


def build_app(folder, extra):
    app, letter_id = demo_app(folder, extra, DOCUMENT_FOLDER=f"{folder}/documents", RATELIMIT_ENABLED=False)
    with app.app_context():
        user = User(email="bench@example.org", name="Bench", password_hash="x", role=Role.VIEWER)
        db.session.add(user)
        db.session.flush()
        token = issue_token(user)
        db.session.commit()
    return app, letter_id, token


def scenario(extra, count):
    with tempfile.TemporaryDirectory() as folder:
        app, letter_id, token = build_app(folder, extra)
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        start = time.perf_counter()
        assert client.get(f"/letters/{letter_id}/en.pdf").status_code == 200  # renders, once
        render_s = time.perf_counter() - start
        with app.app_context():
            document = db.session.query(Document).one()
            permalink, renders = f"/documents/{document.token}.pdf", document.attempts

        def pdf(url, headers=None):
            return summary(timed_get(client, url, count, headers, PDF))

        rows = {
            # Baseline, same run: a static file through the same app and client.
            "static file (base)": summary(timed_get(client, "/static/style.css", count, mimetype="text/css")),
            "permanent link": pdf(permalink),
            "letter, current": pdf(f"/letters/{letter_id}/en.pdf"),
            "API, current": pdf(f"/api/v1/letters/{letter_id}/pdf?lang=en", auth),
        }
        with app.app_context():
            assert db.session.query(Document).one().attempts == renders == 1  # nothing rendered again
    return render_s, rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--extra", type=int, default=1000, help="extra signatories in the second run")
    args = parser.parse_args()
    for extra in (0, args.extra):
        render_s, rows = scenario(extra, args.requests)
        print(f"demo letter + {extra} signatories; first (rendering) request {render_s:.2f} s")
        print(f"  {'cached download':18}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}  goal p50 <= {GOAL_MS} ms")
        for name, row in rows.items():
            verdict = "ok" if row["p50_ms"] <= GOAL_MS else "over"
            ratio = row["p50_ms"] / rows["static file (base)"]["p50_ms"]
            print(
                f"  {name:18}{row['per_s']:>8.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
                f"  {verdict}, {ratio:.1f}x the static file"
            )


if __name__ == "__main__":
    main()
