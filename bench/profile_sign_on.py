"""Where the CPU of a sign-on goes: the form's GET and its POST, in one process, on PostgreSQL.

Run: .venv/bin/python bench/profile_sign_on.py [--count 300] [--threshold 1] [--no-profile] [--sql]

The app is built as gunicorn builds it (APP_ENV=production, the environment of
bench/sign_on_spike.py: PostgreSQL, rate limits and cache in Redis, the broker in Redis) against
a fresh database (undersigned_profile, the demo loaded) and driven through Flask's test client as
the benchmark's virtual users drive gunicorn: GET /letters/<id>/sign, then, once every user has
waited past SIGN_ON_MIN_SECONDS, the POST with the session cookie, the CSRF token and the
`started` stamp, each user from their own X-Forwarded-For address.

It prints the process's CPU milliseconds per GET and per POST (measured without the profiler;
no sockets or gunicorn, so below the benchmark's figure by gunicorn's own share), then pyinstrument's
call tree of each (sampled, so it costs the requests little). The confirmation mail tasks wait in Redis db 9,
which is emptied at the end, as the database is dropped.
"""

import argparse
import contextlib
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyinstrument import Profiler  # noqa: E402
from pyinstrument.stack_sampler import get_stack_sampler  # noqa: E402

from bench.sign_on_spike import CSRF_RE, STARTED_RE, THINK, environment, run  # noqa: E402

DB_NAME = "undersigned_profile"
REDIS_URL = "redis://127.0.0.1:6379/9"
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def setup(env):
    run(["dropdb", *PG, "--if-exists", DB_NAME], env)
    run(["createdb", *PG, DB_NAME], env)
    run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"], env)
    run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "demo", "load"], env)


def headers(n, cookie=None):
    out = {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
        "Accept-Language": "en-GB,en;q=0.9",
        "X-Forwarded-For": f"10.9.{n // 250 % 250}.{n % 250 + 1}",
        "X-Forwarded-Proto": "https",
    }
    if cookie:
        out["Cookie"] = f"session={cookie}"
    return out


def fetch(client, url, n):
    response = client.get(url, headers=headers(n))
    assert response.status_code == 200, response.status
    body = response.get_data()
    cookie = re.search(r"session=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
    return cookie, CSRF_RE.search(body).group(1).decode(), STARTED_RE.search(body).group(1).decode()


def post(client, url, n, form, prefix):
    cookie, token, started = form
    data = {
        "csrf_token": token,
        "started": started,
        "kind": "individual",
        "name_en": f"Profile Signer {n}",
        "name_ko": "",
        "line": "Bench sign-on",
        "country": "GB",
        "email": f"{prefix}-{n}@example.org",
        "contact_name": "",
        "website": "",
        "display": "full",
        "consent": "y",
        "homepage": "",
    }
    response = client.post(url, data=data, headers=headers(n, cookie), content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("/thanks"), response.status


def round_of(client, url, count, prefix, profiler=None):
    """`count` users: every GET, the wait, every POST; CPU seconds of the GETs and of the POSTs."""
    profile_get = Profiler(interval=0.0002) if profiler else None
    profile_post = Profiler(interval=0.0002) if profiler else None
    start = time.process_time()
    with profile_get or contextlib.nullcontext():
        forms = [fetch(client, url, n) for n in range(count)]
    get_cpu = time.process_time() - start
    time.sleep(THINK[0])
    start = time.process_time()
    with profile_post or contextlib.nullcontext():
        for n, form in enumerate(forms):
            post(client, url, n, form, prefix)
    return get_cpu, time.process_time() - start, profile_get, profile_post


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="users per round")
    parser.add_argument("--threshold", type=float, default=1.0, help="hide frames under this %% of the time")
    parser.add_argument("--rounds", type=int, default=3, help="rounds measured, the best kept")
    parser.add_argument("--flat", action="store_true", help="functions by their own time, not a tree")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU figures")
    parser.add_argument("--sql", action="store_true", help="print the statements of one GET and POST")
    args = parser.parse_args()

    env = environment(DB_NAME)
    env.update(CELERY_BROKER_URL=REDIS_URL, RATELIMIT_STORAGE_URI=REDIS_URL, CACHE_URL=REDIS_URL)
    setup(env)
    os.environ.update(env)
    import redis
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.letters.models import Letter

    app = create_app()
    get_stack_sampler().timer_func = time.process_time  # sample CPU time, not the waits on sockets
    with app.app_context():
        letter_id = db.session.scalar(db.select(Letter.id).where(Letter.status == "open").limit(1))
    url = f"http://127.0.0.1/letters/{letter_id}/sign"  # the host PUBLIC_URL names
    client = app.test_client(use_cookies=False)  # each user's cookie is sent by hand
    try:
        round_of(client, url, 30, "warm")
        runs = [round_of(client, url, args.count, f"cpu{n}") for n in range(args.rounds)]
        get_ms = min(r[0] for r in runs) * 1000 / args.count
        post_ms = min(r[1] for r in runs) * 1000 / args.count
        print(
            f"CPU ms in this process, best of {args.rounds} rounds of {args.count}: GET {get_ms:.2f}, "
            f"POST {post_ms:.2f}, GET + POST {get_ms + post_ms:.2f}; "
            f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
        )
        if args.sql:
            statements = []
            with app.app_context():
                sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            round_of(client, url, 1, "sql")
            print("\n".join(f"SQL: {' '.join(text.split())[:160]}" for text in statements))
        if not args.no_profile:
            _, _, profile_get, profile_post = round_of(client, url, args.count, "prof", profiler=True)
            for name, profile in (("GET /letters/<id>/sign", profile_get), ("POST", profile_post)):
                print(f"\n== {name}: pyinstrument, CPU time of {args.count} requests")
                options = {"filter_threshold": args.threshold / 100}
                print(profile.output_text(processor_options=options, flat=args.flat))
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        with app.app_context():
            db.engine.dispose()
        run(["dropdb", *PG, "--if-exists", DB_NAME], env)


if __name__ == "__main__":
    main()
