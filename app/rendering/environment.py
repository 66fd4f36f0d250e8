"""The sandboxed Jinja environment that renders letter designs from letter_templates/."""

import functools
import json
import re
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: Letter designs as data: one folder per design, with template.html, style.css and meta.json.
TEMPLATES_ROOT = Path(__file__).resolve().parents[2] / "letter_templates"

#: A design's folder name: lower-case letters, digits, "-" and "_"; nothing that walks paths.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@functools.cache
def letter_environment():
    """One environment per process: templates cannot reach Python internals or change data."""
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES_ROOT),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=(),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_exists(name):
    if not isinstance(name, str) or not _NAME.match(name):
        return False
    folder = TEMPLATES_ROOT / name
    return (folder / "template.html").is_file() and (folder / "meta.json").is_file()


def available_templates():
    """{name: meta} for every complete design, sorted by name."""
    if not TEMPLATES_ROOT.is_dir():
        return {}
    names = sorted(path.name for path in TEMPLATES_ROOT.iterdir() if template_exists(path.name))
    return {
        name: json.loads((TEMPLATES_ROOT / name / "meta.json").read_text(encoding="utf-8")) for name in names
    }
