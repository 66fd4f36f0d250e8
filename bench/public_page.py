"""Benchmark: the public campaign page, served from its cache against built on every request.

Run: .venv/bin/python bench/public_page.py [--requests 400]
Uses a throw-away SQLite database with the demo campaign plus 1,000 extra signatories.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.campaigns import public  # noqa: E402
from app.demo.loader import SLUG  # noqa: E402
from bench.inprocess import demo_app, summary, timed_get  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, _letter_id = demo_app(folder, 1000)
        page = f"/c/{SLUG}"
        client = app.test_client()
        headers = {"Accept-Language": "en"}
        timed_get(client, page, 20, headers)  # warm up
        cached = summary(timed_get(client, page, args.requests, headers))
        app.config["PUBLIC_CACHE_SECONDS"] = 0  # every request builds the page's data again
        original = public.get_cache
        public.get_cache = lambda: _NoCache()
        uncached = summary(timed_get(client, page, args.requests, headers))
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
