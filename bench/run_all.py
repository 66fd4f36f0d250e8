"""`make bench`: run every benchmark in bench/ and write bench/RESULTS.md.

Each benchmark measures its own baseline in the same run and prints its table; this runs them one
after the other (never two at once: they share two cores), keeps what each printed, and writes
RESULTS.md with the date, the machine and each benchmark's figures. What the figures mean and what
made them what they are is in bench/README.md.

Run: .venv/bin/python bench/run_all.py [--quick] [--only NAME,NAME]
`--quick` runs each with smaller sizes (a check that they work, not figures to keep).
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RESULTS = ROOT / "bench" / "RESULTS.md"
#: Each benchmark's latest section (git-ignored), so that one can be run again alone.
OUT = ROOT / "bench" / "out"
QUICK_NOTE = " (--quick: sizes too small to keep)"

#: (script, what it measures, arguments, quick arguments), in the order they run.
BENCHMARKS = [
    (
        "sign_on_spike.py",
        "sign-ons under a viral spike and under overload, against a bare Flask insert",
        [],
        ["--quick"],
    ),
    (
        "public_pages.py",
        "the cached public campaign page under read load (wrk), against hello-world Flask",
        [],
        ["--seconds", "3"],
    ),
    (
        "pdf_render.py",
        "PDF render time and memory by list size, against WeasyPrint alone",
        [],
        ["--sizes", "11,100"],
    ),
    (
        "pdf_download.py",
        "cached PDF downloads, against a static file",
        [],
        ["--requests", "50", "--extra", "100"],
    ),
    (
        "delivery_throughput.py",
        "emailed deliveries through two real workers, against a plain smtplib loop",
        [],
        ["--count", "50"],
    ),
    ("inbound_filing.py", "filing received replies, against Python's email parser", [], ["--count", "100"]),
]


def machine():
    model, memory = "unknown", ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model
            )
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError):
        pass
    return (
        f"{os.cpu_count()} CPU ({model}){memory}, {platform.platform()}, Python {platform.python_version()}"
    )


def run(script, args):
    start = time.monotonic()
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / script), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - start
    out = result.stdout.strip()
    if result.returncode != 0:
        out += f"\n\nFAILED (exit {result.returncode}):\n{result.stderr.strip()[-3000:]}"
    return out, seconds, result.returncode == 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    only = {name.strip().removesuffix(".py") for name in args.only.split(",") if name.strip()}
    OUT.mkdir(exist_ok=True)
    failed = []
    for script, what, full, quick in BENCHMARKS:
        if only and script.removesuffix(".py") not in only:
            continue
        print(f"running bench/{script} ...", flush=True)
        out, seconds, ok = run(script, quick if args.quick else full)
        print(out, flush=True)
        if not ok:
            failed.append(script)
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        flags = " ".join(quick if args.quick else full)
        (OUT / f"{script}.md").write_text(
            f"## `bench/{script}{(' ' + flags) if flags else ''}`: {what}\n\n"
            f"Finished {when}, in {seconds:.0f} s{QUICK_NOTE if args.quick else ''}."
            f"\n\n```\n{out}\n```\n"
        )
    sections = [
        (OUT / f"{script}.md").read_text() for script, *_ in BENCHMARKS if (OUT / f"{script}.md").exists()
    ]
    header = (
        "# Benchmark results\n\n"
        "Written by `make bench` (bench/run_all.py), which runs every benchmark in bench/ one after "
        "the other; each section says when it ran.\n\n"
        f"Machine: {machine()}. Machines differ from run to run and a shared one is noisy: read the "
        "ratios, each against a baseline measured in the same run. bench/README.md says what each "
        "figure means.\n\n"
    )
    RESULTS.write_text(header + "\n".join(sections))
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
