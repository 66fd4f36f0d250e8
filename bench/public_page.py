"""Benchmark: the public campaign page, served from its cache against built on every request.

Run: .venv/bin/python bench/public_page.py [--requests 400]
Uses a throw-away SQLite database with the demo campaign plus 1,000 extra signatories.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.campaigns import public  # noqa: E402
from app.demo.loader import SLUG, load_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Signatory, SignatoryKind, Signature, SignatureStatus  # noqa: E402


def build_app(folder):
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "INSTANCE_PATH": folder,
        }
    )
    with app.app_context():
        db.create_all()
        campaign, _ = load_demo()
        letter = campaign.letters[0]
        version = letter.current_version
        for n in range(1000):
            signatory = Signatory(kind=SignatoryKind.INDIVIDUAL, name_en=f"Signer {n}", has_consented=True)
            db.session.add(
                Signature(
                    signatory=signatory,
                    letter_id=letter.id,
                    version_id=version.id,
                    status=SignatureStatus.CONFIRMED,
                )
            )
        db.session.commit()
    return app


def timed(client, count, headers):
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(f"/c/{SLUG}", headers=headers)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    return samples


def summary(samples):
    samples = sorted(samples)
    return {
        "per_s": len(samples) / sum(samples),
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": samples[int(len(samples) * 0.99) - 1] * 1000,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        client = app.test_client()
        headers = {"Accept-Language": "en"}
        timed(client, 20, headers)  # warm up
        cached = summary(timed(client, args.requests, headers))
        app.config["PUBLIC_CACHE_SECONDS"] = 0  # every request builds the page's data again
        original = public.get_cache
        public.get_cache = lambda: _NoCache()
        uncached = summary(timed(client, args.requests, headers))
        public.get_cache = original
    print("public campaign page, demo letter + 1,000 signatories, in-process client")
    print(f"{'':10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, row in (("cached", cached), ("uncached", uncached)):
        print(f"{name:10}{row['per_s']:>10.0f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}")
    print(f"speed-up from the cache: {cached['per_s'] / uncached['per_s']:.1f}x")


class _NoCache:
    def get(self, key):
        return None

    def set(self, key, value, ttl):
        pass

    def delete(self, *keys):
        pass


if __name__ == "__main__":
    main()
