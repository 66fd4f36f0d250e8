"""axe-core in the browser: the accessibility problems of the page a driver shows.

The script comes from node_modules/axe-core (`npm ci`, which `scripts/setup.sh test` runs); nothing
is fetched from the network.
"""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: Impacts that fail a test; "minor" and "moderate" ones are only reported by axe.
FAILING = ("serious", "critical")
#: Longest an axe run may take, in seconds.
RUN_SECONDS = 30

_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then((result) => done(result.violations))
  .catch((error) => done({error: String(error)}));
"""


def _script():
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (or `scripts/setup.sh test`)")
    return AXE.read_text(encoding="utf-8")


def violations(driver, impacts=FAILING):
    """axe's violations on the current page with one of `impacts`: [{id, impact, help, nodes}]."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_script())
    driver.set_script_timeout(RUN_SECONDS)
    found = driver.execute_async_script(_RUN)
    if isinstance(found, dict):
        pytest.fail(f"axe did not run on {driver.current_url}: {found['error']}")
    return [v for v in found if v["impact"] in impacts]


def describe(found):
    """The violations as lines a person can act on: rule, impact, help and the elements concerned."""
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        lines.extend(f"    {' '.join(node['target'])}: {node['html'][:200]}" for node in violation["nodes"])
    return "\n".join(lines)
