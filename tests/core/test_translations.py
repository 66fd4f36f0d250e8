"""Every string the product shows has its Korean translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KOREAN = ROOT / "app" / "translations" / "ko" / "LC_MESSAGES" / "messages.po"


def extracted(tmp_path):
    """The catalog of translatable strings, extracted from the code and templates as babel.cfg says."""
    target = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(target), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with target.open("rb") as handle:
        return read_po(handle)


def translated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message is not None and not message.fuzzy and all(strings)


def test_every_string_has_a_korean_translation(tmp_path):
    with KOREAN.open("rb") as handle:
        korean = read_po(handle)
    missing = []
    for message in extracted(tmp_path):
        if not message.id:
            continue
        found = korean.get(message.id, context=message.context)
        if found is None or not translated(found):
            where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
            missing.append(f"{message.id!r} ({where})")
    assert not missing, f"{len(missing)} strings without a Korean translation:\n" + "\n".join(missing)


def test_the_check_sees_a_missing_translation(tmp_path):
    with KOREAN.open("rb") as handle:
        korean = read_po(handle)
    assert korean.get("Staff login") is not None and translated(korean.get("Staff login"))
    korean.get("Staff login").string = ""
    assert not translated(korean.get("Staff login"))
