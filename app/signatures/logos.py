"""Organization logos: only real PNG or JPEG images, re-encoded before they are stored."""

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from werkzeug.security import safe_join

from app.core.errors import ValidationError
from app.deliveries.proofs import bomb_checked

#: The longest side of a stored logo, in pixels.
MAX_SIDE = 800
#: Larger images are refused before decoding (decompression bombs).
MAX_PIXELS = 25_000_000


def logo_folder():
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_logo(data):
    """An uploaded logo, checked and re-encoded in memory; ValidationError if it is not fit to store."""
    limit = current_app.config["LOGO_MAX_BYTES"]
    if len(data) > limit:
        message = _l("The logo is too large (at most %(mib).0f MB).", mib=limit / 1024 / 1024)
        raise ValidationError(message, fields={"logo": message})
    not_an_image = _l("The logo must be a PNG or JPEG image.")
    too_large = _l("The logo image is too large.")
    try:
        with bomb_checked(), Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError(not_an_image, fields={"logo": not_an_image})
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(too_large, fields={"logo": too_large})
            image.load()
            # Re-encoding drops metadata and anything hidden after the image data.
            clean = image.convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(too_large, fields={"logo": too_large}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(not_an_image, fields={"logo": not_an_image}) from None
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    return clean


def save_logo(image):
    """Write a checked logo (from check_logo) to the upload folder; return its stored file name."""
    name = f"{secrets.token_hex(16)}.png"
    path = logo_folder() / name
    tmp = path.with_suffix(".tmp")
    image.save(tmp, format="PNG", optimize=True)
    tmp.replace(path)
    return name


def read_logo(name):
    """The bytes of a stored logo, or None when there is no such file (small: read whole)."""
    path = safe_join(str(logo_folder()), name)
    if path is None or not Path(path).is_file():
        return None
    return Path(path).read_bytes()
