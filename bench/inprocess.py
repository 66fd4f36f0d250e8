"""What the in-process benchmarks share (pdf_download.py): a throw-away app with
the demo campaign and extra signatories, timed GET requests through the test client, a summary."""

import statistics
import time

from app import create_app
from app.demo.loader import load_demo
from app.extensions import db
from app.models import Signatory, SignatoryKind, Signature, SignatureStatus


def add_signers(letter, count):
    """`count` confirmed individuals who consented to be listed, on the letter's current version."""
    version_id = letter.current_version.id
    for n in range(count):
        signatory = Signatory(kind=SignatoryKind.INDIVIDUAL, name_en=f"Signer {n}", has_consented=True)
        db.session.add(
            Signature(
                signatory=signatory,
                letter_id=letter.id,
                version_id=version_id,
                status=SignatureStatus.CONFIRMED,
            )
        )


def demo_app(folder, extra, **settings):
    """(app, the demo letter's id): SQLite in `folder`, the demo campaign plus `extra` signatories."""
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "INSTANCE_PATH": folder,
            **settings,
        }
    )
    with app.app_context():
        db.create_all()
        campaign, _ = load_demo()
        letter = campaign.letters[0]
        add_signers(letter, extra)
        db.session.commit()
        return app, letter.id


def timed_get(client, url, count, headers=None, mimetype=None):
    """Seconds per GET of `url`, `count` times; each answer must be 200 (and of `mimetype`)."""
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status
        assert mimetype is None or response.mimetype == mimetype, response.mimetype
    return samples


def summary(samples):
    samples = sorted(samples)
    return {
        "per_s": len(samples) / sum(samples),
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)] * 1000,
    }
