"""Picture processing (ingest.pictures): hostile files refused by content, good ones re-encoded clean."""

from __future__ import annotations

import dataclasses
import hashlib
import io

import pytest
from PIL import Image

from core import settings
from core.errors import PictureError
from ingest import pictures
from tests.pictures import HTML, SERIAL, SVG, bomb_png, camera_jpeg, plain, polyglot, truncated_jpeg

SETTINGS = settings.load()


def refusal(data: bytes, name: str = "upload.jpg", config: settings.Settings = SETTINGS) -> PictureError:
    with pytest.raises(PictureError) as caught:
        pictures.process(data, name, config)
    assert caught.value.file == name and str(caught.value).startswith(f"{name}: ")
    return caught.value


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    image.load()
    return image


def test_a_20000_pixel_square_png_is_refused_as_a_bomb_before_its_pixels_are_read() -> None:
    data = bomb_png()
    assert len(data) < 100_000  # small on disk: only decoding would cost
    error = refusal(data, "bomb.png")
    assert error.code == pictures.BOMB and "pixels" in error.reason


def test_a_picture_over_the_pixel_limit_but_under_pillows_own_is_refused() -> None:
    error = refusal(plain("PNG", (8000, 7000), "1"), "wide.png")
    assert error.code == pictures.BOMB and "8000 × 7000" in error.reason


def test_a_truncated_jpeg_is_refused() -> None:
    error = refusal(truncated_jpeg(), "cut.jpg")
    assert error.code == pictures.TRUNCATED and "truncated" in error.reason


def test_a_png_missing_its_last_chunks_is_refused() -> None:
    whole = plain("PNG", (300, 200), "RGB")
    assert refusal(whole[:-30], "cut.png").code == pictures.TRUNCATED


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("drawing.svg", SVG),
        ("drawing.jpg", SVG),  # an SVG renamed: the content decides
        ("page.jpg", HTML),
        ("notes.png", b"just some text\n" * 10),
        ("empty.jpg", b""),
        ("anim.gif", plain("GIF")),  # a real picture, of a format that is not accepted
        ("scan.tiff", plain("TIFF")),
    ],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused_whatever_its_name(name: str, data: bytes) -> None:
    error = refusal(data, name)
    assert error.code == pictures.NOT_IMAGE and "not a JPEG, PNG or WebP" in error.reason


def test_a_jpeg_html_polyglot_comes_out_as_pixels_only() -> None:
    processed = pictures.process(polyglot(), "poly.jpg", SETTINGS)
    for output in (processed.display.data, processed.thumbnail.data):
        assert b"<html" not in output.lower() and b"script" not in output.lower()
        assert output[:4] == b"RIFF" and output[8:12] == b"WEBP"
    assert decoded(processed.display.data).size == (64, 48)


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded() -> None:
    small_limit = dataclasses.replace(SETTINGS, picture_max_bytes=2_000)
    data = camera_jpeg(200, 200)
    assert len(data) > 2_000
    error = refusal(data, "big.jpg", small_limit)
    assert error.code == pictures.TOO_LARGE and "over the limit of 0.002 MB" in error.reason
    assert refusal(b"x" * 2_001, "big.jpg", small_limit).code == pictures.TOO_LARGE  # size first


def test_the_size_limit_is_read_from_its_setting_in_megabytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIM_PICTURE_MAX_MB", "2.5")
    assert settings.load().picture_max_bytes == 2_500_000


def test_an_animation_beyond_the_frame_limit_is_refused() -> None:
    frames = [Image.new("RGB", (8, 8), (i, 0, 0)) for i in range(pictures.MAX_FRAMES + 1)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    error = refusal(buffer.getvalue(), "anim.png")
    assert error.code == pictures.ANIMATION and str(pictures.MAX_FRAMES + 1) in error.reason


def test_an_animation_within_the_frame_limit_keeps_its_first_frame() -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ((250, 0, 0), (0, 250, 0), (0, 0, 250))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    image = decoded(pictures.process(buffer.getvalue(), "anim.webp", SETTINGS).display.data)
    assert getattr(image, "n_frames", 1) == 1
    red, green, blue = image.convert("RGB").getpixel((4, 4))
    assert red > 200 and green < 50 and blue < 50


def test_the_exif_orientation_is_applied_and_no_metadata_is_left() -> None:
    source = camera_jpeg(80, 40)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)  # the source has a GPS position
    assert SERIAL.encode() in source and b"xmpmeta" in source
    processed = pictures.process(source, "camera.jpg", SETTINGS)
    image = decoded(processed.display.data)
    # Stored 80 × 40 with red left, blue right; orientation 6 turns it clockwise: red on top.
    assert image.size == (40, 80)
    top, bottom = image.convert("RGB").getpixel((20, 10)), image.convert("RGB").getpixel((20, 70))
    assert top[0] > 180 and top[2] < 80 and bottom[2] > 180 and bottom[0] < 80
    for output in (processed.display.data, processed.thumbnail.data):
        image = decoded(output)
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)
        for chunk in (b"EXIF", b"XMP ", b"ICCP"):
            assert chunk not in output  # RIFF chunks of WebP metadata
        assert SERIAL.encode() not in output and b"BimCam" not in output


def test_a_large_picture_gets_a_display_size_and_a_thumbnail_that_keep_its_shape() -> None:
    processed = pictures.process(plain("PNG", (3200, 800)), "wide.png", SETTINGS)
    assert (processed.display.width, processed.display.height) == (pictures.DISPLAY_PX, 400)
    assert (processed.thumbnail.width, processed.thumbnail.height) == (pictures.THUMBNAIL_PX, 80)
    assert decoded(processed.display.data).size == (1600, 400)
    assert decoded(processed.thumbnail.data).size == (320, 80)


def test_a_small_picture_is_never_enlarged() -> None:
    processed = pictures.process(plain("JPEG", (120, 90)), "small.jpg", SETTINGS)
    assert (processed.display.width, processed.display.height) == (120, 90)
    assert (processed.thumbnail.width, processed.thumbnail.height) == (120, 90)


def test_outputs_are_named_by_the_sha256_of_their_bytes_and_the_same_upload_gives_the_same_names() -> None:
    first = pictures.process(camera_jpeg(), "a.jpg", SETTINGS)
    again = pictures.process(camera_jpeg(), "b.jpg", SETTINGS)
    assert first.display.digest == hashlib.sha256(first.display.data).hexdigest()
    assert first.display.digest != first.thumbnail.digest
    assert (again.display.digest, again.thumbnail.digest) == (first.display.digest, first.thumbnail.digest)


@pytest.mark.parametrize(
    ("mode", "fmt", "options", "alpha"),
    [
        ("P", "PNG", {"colour": 0, "transparency": 0}, True),
        ("RGBA", "PNG", {}, True),
        ("LA", "PNG", {}, True),
        ("I;16", "PNG", {}, False),
        ("CMYK", "JPEG", {}, False),
        ("L", "JPEG", {}, False),
        ("RGBA", "WEBP", {}, True),
    ],
)
def test_every_accepted_colour_mode_is_re_encoded(mode: str, fmt: str, options: dict, alpha: bool) -> None:
    image = decoded(pictures.process(plain(fmt, (30, 20), mode, **options), f"x.{fmt.lower()}", SETTINGS).display.data)
    assert image.size == (30, 20) and (image.mode == "RGBA") == alpha


def test_a_caption_needs_alt_text_credit_and_a_known_licence() -> None:
    assert pictures.caption_problems(pictures.Caption("A mural", "Ana", "CC0-1.0")) == {}
    assert pictures.caption_problems(pictures.Caption("  ", "", "all rights reserved")) == {
        "alt": "required",
        "credit": "required",
        "licence": "licence",
    }
    too_long = pictures.Caption("x" * (pictures.ALT_CHARS + 1), "y" * (pictures.CREDIT_CHARS + 1))
    assert pictures.caption_problems(too_long) == {"alt": "too_long", "credit": "too_long"}
