"""Pictures made by the tests with Pillow: a camera-like JPEG with EXIF GPS and orientation, and hostile files."""

from __future__ import annotations

import io

from PIL import Image

ORIENTATION, GPS_IFD, EXIF_IFD, MAKE, BODY_SERIAL = 0x0112, 0x8825, 0x8769, 0x010F, 0xA431
SERIAL = "SN-4242-SECRET"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


def camera_jpeg(width: int = 80, height: int = 40) -> bytes:
    """A JPEG stored sideways: left half red, right half blue, EXIF orientation 6 (turn 90° clockwise
    to stand upright), a GPS position in Brussels, a camera make and serial, and an XMP packet."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "BimCam"
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = SERIAL
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (50.0, 50.0, 48.12), 3: "E", 4: (4.0, 21.0, 9.0)})
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes(), xmp=xmp)
    return buffer.getvalue()


def plain(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", colour: int = 128, **options: object
) -> bytes:
    """A one-colour picture in `fmt` (`colour`: the value of every band, or the palette index)."""
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt, **options)
    return buffer.getvalue()


def bomb_png(side: int = 20_000) -> bytes:
    """A `side` × `side` 1-bit PNG: tens of kilobytes on disk, hundreds of megapixels once decoded."""
    return plain("PNG", (side, side), "1")


def truncated_jpeg() -> bytes:
    """A JPEG cut in the middle of its scan data."""
    whole = camera_jpeg(400, 300)
    return whole[: len(whole) * 2 // 3]


def polyglot() -> bytes:
    """A JPEG with an HTML page after its end: a picture to Pillow, a page to a sniffing browser."""
    return plain("JPEG") + HTML
