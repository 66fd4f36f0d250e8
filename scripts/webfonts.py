"""Write the letter fonts (letter_templates/fonts/*.ttf) as WOFF2 web fonts into app/static/fonts/.

The pages use the same fonts as the PDFs. Run again after a font in letter_templates/fonts changes:
    .venv/bin/python scripts/webfonts.py
"""

import sys
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "letter_templates" / "fonts"
TARGET = ROOT / "app" / "static" / "fonts"


def convert(source, target):
    font = TTFont(source)
    font.flavor = "woff2"
    font.save(target)


def main():
    TARGET.mkdir(parents=True, exist_ok=True)
    for source in sorted(SOURCE.glob("*.ttf")):
        target = TARGET / f"{source.stem}.woff2"
        convert(source, target)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
