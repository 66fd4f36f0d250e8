#!/usr/bin/env bash
# Prepare this machine for Undersigned: system packages, the virtualenv, Python packages,
# compiled translations. `scripts/setup.sh run` is enough to run the product;
# `scripts/setup.sh test` adds what the test suite needs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-run}"
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

# Debian/Ubuntu packages: Pango and a base font for WeasyPrint, venv support; for the tests, Chromium
# and its driver (browser tests), Node.js's npm if missing (axe-core), poppler-utils (pdftotext and pdffonts read the rendered PDFs) and
# Dovecot's IMAP server (the mailbox tests start their own, on a free loopback port).
run_packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core shared-mime-info)
test_packages=(chromium chromium-driver poppler-utils dovecot-core dovecot-imapd)
# `make bench` (mode bench: everything the tests need, and wrk for the read-load benchmark).
bench_packages=(wrk)
# Node.js and npm install axe-core (package.json) for the accessibility tests, if not on the machine.
if ! command -v npm >/dev/null; then
  test_packages+=(nodejs npm)
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Undersigned needs Python 3.11 or newer as '$PYTHON' (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  pyver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  run_packages+=("python${pyver}-venv")
fi

wanted=("${run_packages[@]}")
[ "$mode" != run ] && wanted+=("${test_packages[@]}")
[ "$mode" = bench ] && wanted+=("${bench_packages[@]}")

missing=()
if command -v dpkg-query >/dev/null; then
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [[ " ${missing[*]} " == *" dovecot-core "* ]]; then
      # The tests start Dovecot from their own config; the package's own service must not hold 143/993.
      if [ -d /run/systemd/system ]; then
        systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
      elif command -v service >/dev/null; then
        service dovecot stop >/dev/null 2>&1 || true
      fi
    fi
  else
    echo "Undersigned needs these system packages. Install them, then run this again:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating the virtualenv in $VENV"
  "$PYTHON" -m venv "$VENV"
fi

reqs=requirements.txt
[ "$mode" != run ] && reqs=requirements-dev.txt
digest=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
stamp="$VENV/.installed-$digest-${mode/bench/test}"
# The test set includes the run set.
if [ ! -f "$stamp" ] && [ ! -f "$VENV/.installed-$digest-test" ]; then
  echo "Installing Python packages from $reqs"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
  touch "$stamp"
fi

if ls app/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then
  out=$("$VENV/bin/pybabel" compile -d app/translations 2>&1) || { echo "$out" >&2; exit 1; }
fi

# The browser tests inject axe-core from node_modules: installed from package-lock.json, again
# whenever the lock file changed since (npm keeps its own copy in node_modules/.package-lock.json).
if [ "$mode" = test ] && [ -f package-lock.json ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing test JavaScript packages from package-lock.json"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  fi
fi
