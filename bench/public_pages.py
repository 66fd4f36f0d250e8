"""Benchmark: the public campaign page under read load, with wrk, against a hello-world endpoint.

A viral letter is read about forty times per signature. This measures what a reader's GET costs
once the page is kept (app/core/page_cache.py):

1. A PostgreSQL database with the demo campaign and 300 signatories (then 3,000: the kept page's
   cost must not grow with the list).
2. gunicorn serving wsgi:app in production mode (Redis cache), and then bench/hello_app.py, with
   the same gunicorn command (bench/sign_on_spike.py's configuration).
3. wrk on loopback, each for `--seconds`: the campaign page in English (Accept-Language) and in
   Korean (?lang=ko), then the hello-world endpoint. Requests per second, p50 and p99 latency.

Run: .venv/bin/python bench/public_pages.py [--seconds 10] [--connections 32]
Needs wrk (Debian package `wrk`; `make bench` installs it).
"""

import argparse
import platform
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.sign_on_spike import (  # noqa: E402
    DEFAULT_CONFIG,
    NPROC,
    ROOT,
    VENV_BIN,
    Server,
    environment,
    machine,
)

DB_NAME = "undersigned_bench_pages"
PORT = 8031
SLUG_QUERY = "SELECT slug FROM campaigns ORDER BY id LIMIT 1"

ADD_SIGNERS = """
import sys
from app import create_app
from app.extensions import db
from app.letters.models import Letter
from bench.inprocess import add_signers
app = create_app()
with app.app_context():
    letter = db.session.query(Letter).filter_by(status="open").order_by(Letter.id).first()
    add_signers(letter, int(sys.argv[1]))
    db.session.commit()
"""


def run(cmd, env, timeout=300):
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def setup_database(env):
    run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], env)
    run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env)
    run([str(VENV_BIN / "flask"), "--app", "wsgi", "demo", "load"], env)
    out = run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB_NAME, "-tAc", SLUG_QUERY], env)
    return out.strip()


def add_signers(env, count):
    run([str(VENV_BIN / "python"), "-c", ADD_SIGNERS, str(count)], env)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url, seconds, connections, header=None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if header:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    per_s = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"per_s": per_s, "p50": p50, "p99": p99, "non_2xx": int(errors.group(1)) if errors else 0}


def measure_app(env, slug, args, log):
    server = Server("wsgi:app", DEFAULT_CONFIG, PORT, env, log, f"/c/{slug}")
    server.start()
    try:
        base = f"http://127.0.0.1:{PORT}/c/{slug}"
        wrk(base, 2, args.connections, "Accept-Language: en")  # warm every process
        wrk(base + "?lang=ko", 2, args.connections)
        return {
            "en": wrk(base, args.seconds, args.connections, "Accept-Language: en"),
            "ko": wrk(base + "?lang=ko", args.seconds, args.connections),
        }
    finally:
        server.stop()


def measure_hello(env, args, log):
    server = Server("bench.hello_app:app", DEFAULT_CONFIG, PORT, env, log, "/")
    server.start()
    try:
        url = f"http://127.0.0.1:{PORT}/"
        wrk(url, 2, args.connections)
        return wrk(url, args.seconds, args.connections)
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (Debian package wrk)")
    env = environment(DB_NAME)
    log = Path(env["INSTANCE_PATH"]) / "public-pages-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    slug = setup_database(env)
    add_signers(env, 300 - 11)  # the demo's 11 and 289 more
    rows = {}
    rows["hello"] = measure_hello(env, args, log)
    rows[300] = measure_app(env, slug, args, log)
    add_signers(env, 2700)
    rows[3000] = measure_app(env, slug, args, log)
    rows["hello again"] = measure_hello(env, args, log)
    run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], env)

    hello = (rows["hello"]["per_s"] + rows["hello again"]["per_s"]) / 2
    worker_class, workers, threads = DEFAULT_CONFIG
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"public pages under read load, {when}, nproc {NPROC}, CPU {machine()}")
    print(
        f"python {platform.python_version()}; gunicorn {worker_class} {workers} workers x {threads} threads; "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s on the same machine"
    )
    print(f"{'page':34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'non-2xx':>9}")
    for name in ("hello", "hello again"):
        row = rows[name]
        label = f"hello-world Flask ({name})"
        print(f"{label:34}{row['per_s']:>9.0f}{row['p50']:>9.2f}{row['p99']:>9.2f}{'':>8}{row['non_2xx']:>9}")
    for count in (300, 3000):
        for lang in ("en", "ko"):
            row = rows[count][lang]
            print(
                f"{f'campaign page, {count} signatories, {lang}':34}{row['per_s']:>9.0f}{row['p50']:>9.2f}"
                f"{row['p99']:>9.2f}{row['per_s'] / hello:>8.2f}{row['non_2xx']:>9}"
            )
    print("ratio = requests per second / the mean of the two hello-world runs; target >= 0.5, p99 < 50 ms")


if __name__ == "__main__":
    main()
