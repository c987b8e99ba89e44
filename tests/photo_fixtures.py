"""Photo files made in the tests with Pillow: nothing is checked in.

The oriented JPEG stores a landscape image, red on the left and blue on the right, with
EXIF orientation 6 ("rotate 90° clockwise to view"): shown the right way up it is a
portrait, red on top and blue below. It also carries GPS, camera, comment and ICC data
that must all be gone after processing.
"""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image, ImageCms, ImageDraw

pillow_heif.register_heif_opener()

RED, BLUE = (220, 20, 20), (20, 20, 220)
GPS_IFD, ORIENTATION, MAKE, MODEL = 0x8825, 0x0112, 0x010F, 0x0110
SECRET_COMMENT = b"taken at 12 Acacia Avenue"


def two_colour_image(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), RED)
    ImageDraw.Draw(image).rectangle([width // 2, 0, width, height], fill=BLUE)
    return image


def revealing_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "PhoneMaker"
    exif[MODEL] = "Phone 15 Pro"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_with_gps_and_orientation(
    width: int = 800, height: int = 600, orientation: int = 6
) -> bytes:
    buffer = io.BytesIO()
    two_colour_image(width, height).save(
        buffer,
        "JPEG",
        quality=90,
        exif=revealing_exif(orientation).tobytes(),
        comment=SECRET_COMMENT,
        icc_profile=srgb_profile(),
    )
    return buffer.getvalue()


def plain_jpeg(width: int, height: int, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    two_colour_image(width, height).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def twelve_megapixel_jpeg() -> bytes:
    """4000 x 3000 with some detail, as a phone camera would send it."""
    image = Image.effect_mandelbrot((4000, 3000), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, exif=revealing_exif(1).tobytes())
    return buffer.getvalue()


def png_with_transparency(width: int = 400, height: int = 300) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle([0, 0, width // 2, height], fill=(*RED, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def palette_png() -> bytes:
    image = two_colour_image(300, 200).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    return buffer.getvalue()


def webp_with_exif(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    two_colour_image(width, height).save(buffer, "WEBP", exif=revealing_exif(1).tobytes())
    return buffer.getvalue()


def heic_with_exif(width: int = 1200, height: int = 900) -> bytes:
    buffer = io.BytesIO()
    two_colour_image(width, height).save(
        buffer, "HEIF", quality=80, exif=revealing_exif(1).tobytes()
    )
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    two_colour_image(40, 30).save(buffer, "GIF")
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    whole = plain_jpeg(1200, 900)
    return whole[: len(whole) // 2]


def not_an_image() -> bytes:
    """What a wrong file picked by mistake looks like, named photo.jpg."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"lesson plan " * 200


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def dimension_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims a huge image: decoding it would need gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )
