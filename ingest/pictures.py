"""Pictures of initiatives: a hostile upload in, two clean WebP files out (or a refusal).

An uploaded file is never stored or served as sent. It is decoded by Pillow (JPEG, PNG or WebP,
recognised by its content, never its name), checked against limits before its pixels are read
(size in bytes, pixel count: a decompression bomb; frame count: an animation), fully loaded (a
truncated file fails there), turned upright by its EXIF orientation, and re-encoded from the bare
pixels into a display size and a thumbnail. The re-encoding is what makes a file safe: it carries
no EXIF (GPS position, camera serial), XMP or ICC profile, and a polyglot (a JPEG that is also an
HTML page) comes out as pixels only. Each output is named by the SHA-256 of its bytes, so it can
be cached forever. An animation within the frame limit keeps its first frame.

Every refusal is a `core.errors.PictureError` naming the file, why, and a code the pages translate.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import PictureError
from core.settings import Settings

FORMATS = ("JPEG", "PNG", "WEBP")  # what Pillow may decode; anything else is "not an image"
MEDIA_TYPE = "image/webp"
EXTENSION = ".webp"
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; decoding more is a decompression bomb
MAX_FRAMES = 100
DISPLAY_PX = 1600  # the longer side of the display size
THUMBNAIL_PX = 320
DISPLAY_QUALITY = 82
THUMBNAIL_QUALITY = 75
# The licences a contributor may choose (SPDX id -> label, deed).
LICENCES = {
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}
ALT_CHARS = 300
CREDIT_CHARS = 200
# Refusal codes (messages in i18n: "picture.error_<code>").
TOO_LARGE, NOT_IMAGE, BOMB, ANIMATION, TRUNCATED = "too_large", "not_image", "bomb", "animation", "truncated"


@dataclass(frozen=True)
class Encoded:
    """One re-encoded WebP file and its content name (sha256 hex)."""

    data: bytes
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Processed:
    """What an upload becomes: the display size and the thumbnail, both metadata-free WebP."""

    display: Encoded
    thumbnail: Encoded


def process(data: bytes, name: str, settings: Settings) -> Processed:
    """Decode an uploaded picture and re-encode it, or refuse it with a PictureError.

    `name` is only used in messages (the file is recognised by its content).
    """
    if len(data) > settings.picture_max_bytes:
        limit = settings.picture_max_bytes / 1_000_000
        raise PictureError(name, f"{len(data) / 1_000_000:.1f} MB is over the limit of {limit:g} MB", TOO_LARGE)
    image = _decoded(data, name)
    upright = ImageOps.exif_transpose(image)
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
    pixels = upright.convert(mode)
    return Processed(_encoded(pixels, DISPLAY_PX, DISPLAY_QUALITY), _encoded(pixels, THUMBNAIL_PX, THUMBNAIL_QUALITY))


def _decoded(data: bytes, name: str) -> Image.Image:
    """The first frame, fully decoded, after the checks that need only the header."""
    try:
        with warnings.catch_warnings():  # Pillow only warns between its own limit and twice it
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureError(name, f"too many pixels to decode safely ({exc})", BOMB) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PictureError(name, "not a JPEG, PNG or WebP picture", NOT_IMAGE) from exc
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PictureError(name, f"{width} × {height} pixels is over the limit of {MAX_PIXELS:,}", BOMB)
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise PictureError(name, f"an animation of {frames} frames is over the limit of {MAX_FRAMES}", ANIMATION)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PictureError(name, f"the picture is truncated or corrupt ({exc})", TRUNCATED) from exc
    return image


def _encoded(image: Image.Image, longest_px: int, quality: int) -> Encoded:
    """`image` shrunk to fit `longest_px` and saved as WebP from its bare pixels (no info, EXIF or profile)."""
    copy = image.copy()
    copy.thumbnail((longest_px, longest_px), Image.Resampling.LANCZOS)
    bare = Image.frombytes(copy.mode, copy.size, copy.tobytes())
    buffer = io.BytesIO()
    bare.save(buffer, "WEBP", quality=quality, method=4)
    return Encoded(buffer.getvalue(), bare.width, bare.height)


@dataclass(frozen=True)
class Caption:
    """What a person gives with a picture: alt text and credit (both required) and the licence."""

    alt: str
    credit: str
    licence: str = "CC-BY-4.0"


def caption_problems(caption: Caption) -> dict[str, str]:
    """{field: problem code} of a caption ("required", "too_long", "licence"); empty when it is fine."""
    problems: dict[str, str] = {}
    for field, limit in (("alt", ALT_CHARS), ("credit", CREDIT_CHARS)):
        value = getattr(caption, field).strip()
        if not value:
            problems[field] = "required"
        elif len(value) > limit:
            problems[field] = "too_long"
    if caption.licence not in LICENCES:
        problems["licence"] = "licence"
    return problems
