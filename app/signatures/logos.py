"""Organization logos: only real PNG or JPEG images, re-encoded before they are stored."""

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from app.core.errors import ValidationError

#: The longest side of a stored logo, in pixels.
MAX_SIDE = 800
#: Larger images are refused before decoding (decompression bombs).
MAX_PIXELS = 25_000_000


def logo_folder():
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_logo(data):
    """Check and re-encode an uploaded logo; return its stored file name."""
    if len(data) > current_app.config["LOGO_MAX_BYTES"]:
        mib = current_app.config["LOGO_MAX_BYTES"] / 1024 / 1024
        raise ValidationError(
            _l("The logo is too large (at most %(mib).0f MB).", mib=mib), fields={"logo": "too_large"}
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError(_l("The logo must be a PNG or JPEG image."), fields={"logo": "format"})
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_l("The logo image is too large."), fields={"logo": "too_large"})
            image.load()
            # Re-encoding drops metadata and anything hidden after the image data.
            clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ValidationError(
            _l("The logo must be a PNG or JPEG image."), fields={"logo": "format"}
        ) from None
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    name = f"{secrets.token_hex(16)}.png"
    path = logo_folder() / name
    tmp = path.with_suffix(".tmp")
    clean.save(tmp, format="PNG", optimize=True)
    tmp.replace(path)
    return name
