"""Benchmark: a cached PDF download (already rendered and signed) is served without rendering.

Run: .venv/bin/python bench/pdf_download.py [--requests 300] [--extra 1000]
Uses a throw-away SQLite database with the demo campaign, through the in-process test client.
Each URL is asked for once first (that request renders); the timed requests are all cache hits.
The goal: a cached download served in 20 ms or less. Baseline in the same run: a static file
served by the same app through the same client.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.auth.services import issue_token  # noqa: E402
from app.demo.loader import load_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Document,
    Role,
    Signatory,
    SignatoryKind,
    Signature,
    SignatureStatus,
    User,
)

GOAL_MS = 20


def build_app(folder, extra):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite"})
    app.config.update(INSTANCE_PATH=folder, DOCUMENT_FOLDER=f"{folder}/documents", RATELIMIT_ENABLED=False)
    with app.app_context():
        db.create_all()
        campaign, _ = load_demo()
        letter = campaign.letters[0]
        for n in range(extra):
            signatory = Signatory(kind=SignatoryKind.INDIVIDUAL, name_en=f"Signer {n}", has_consented=True)
            status = SignatureStatus.CONFIRMED
            db.session.add(
                Signature(
                    signatory=signatory,
                    letter_id=letter.id,
                    version_id=letter.current_version.id,
                    status=status,
                )
            )
        user = User(email="bench@example.org", name="Bench", password_hash="x", role=Role.VIEWER)
        db.session.add(user)
        db.session.flush()
        token = issue_token(user)
        db.session.commit()
        return app, letter.id, token


def timed(client, url, count, headers=None, mimetype="application/pdf"):
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.mimetype == mimetype, response.status
    return samples


def summary(samples):
    samples = sorted(samples)
    return {
        "per_s": len(samples) / sum(samples),
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)] * 1000,
    }


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
        rows = {
            # Baseline, same run: a static file through the same app and client.
            "static file (base)": summary(timed(client, "/static/style.css", count, mimetype="text/css")),
            "permanent link": summary(timed(client, permalink, count)),
            "letter, current": summary(timed(client, f"/letters/{letter_id}/en.pdf", count)),
            "API, current": summary(timed(client, f"/api/v1/letters/{letter_id}/pdf?lang=en", count, auth)),
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
