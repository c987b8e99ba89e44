"""The photo pipeline: untrusted bytes in, clean JPEG bytes out. Pure: no Flask, no files.

Every photo is decoded with Pillow (JPEG, PNG, WebP, and iPhone HEIC via pillow-heif),
turned the right way up from its EXIF orientation, stripped of ALL metadata (GPS above
all: the output is a fresh image with nothing but pixels), and re-encoded twice: a display
size (long edge at most 1600 px) and a thumbnail (at most 320 px). Big JPEGs are decoded
at a reduced size (draft mode), so a 12-megapixel photo costs a fraction of a full decode.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

DISPLAY_EDGE = 1600
THUMBNAIL_EDGE = 320
#: Refuse images with more pixels than this before decoding them (a decompression bomb is
#: a small file that unpacks to gigabytes). Generous: phones send 12–48 megapixels.
MAX_PIXELS = 50_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
#: Peak memory one photo may cost while it is processed, and what each decoded pixel
#: costs per format (measured in bench/photo_memory.py, rounded up; JPEG is decoded at a
#: reduced scale). The largest PNG accepted is ~20 MP, WebP ~10 MP, HEIC ~20 MP.
MEMORY_BUDGET = 200 * 1024 * 1024
BYTES_PER_PIXEL = {"JPEG": 10, "PNG": 10, "WEBP": 20, "HEIF": 10}
JPEG_QUALITY = 82


class PhotoRefused(Exception):
    """The bytes cannot become a photo. `status` is the HTTP answer that fits."""

    status = 422

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAnImage(PhotoRefused):
    status = 415


class TooManyPixels(PhotoRefused):
    status = 413


class DamagedImage(PhotoRefused):
    status = 422


@dataclass(frozen=True)
class ProcessedPhoto:
    display: bytes
    thumbnail: bytes
    width: int
    height: int


def process_photo(data: bytes, *, draft: bool = True) -> ProcessedPhoto:
    """Decode, orient, strip and re-encode. Raises a PhotoRefused subclass for bad input.

    The order keeps the work small: a JPEG is decoded at the smallest scale still larger
    than the display size (draft), shrunk, and only then turned upright (rotating 2
    megapixels, not 12); the thumbnail is made from the display image. The display size
    is made with BICUBIC, not LANCZOS: after the draft decode the step is small (2000 to
    1600 px for 12 MP), where BICUBIC takes two thirds of the time and stays within
    JPEG's own noise of a full decode (tests/test_photo_processing.py).
    """
    image = open_image(data)
    try:
        orientation = image.getexif().get(ORIENTATION, 1)
        if draft and image.format == "JPEG":
            image.draft(None, fit(image.size, DISPLAY_EDGE))
        image.load()
        shrunk = _shrunk(_resizable(image), DISPLAY_EDGE, Image.Resampling.BICUBIC)
        display = _without_metadata(_flatten(_upright(shrunk, orientation)))
    except Exception as error:  # untrusted decoders fail in many ways; none may be a 500
        raise DamagedImage(
            "The photo could not be read: it may be damaged or cut short."
        ) from error
    # A 2x box reduction first, then LANCZOS: Pillow's thumbnail() default, as sharp at 320.
    thumbnail = _shrunk(display, THUMBNAIL_EDGE, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return ProcessedPhoto(_jpeg(display), _jpeg(thumbnail), display.width, display.height)


#: EXIF orientation → the turn that puts the picture upright (as ImageOps.exif_transpose).
ORIENTATION = 0x0112
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    turn = _UPRIGHT.get(orientation)
    return image.transpose(turn) if turn is not None else image


def open_image(data: bytes) -> Image.Image:
    """Open (header only) and check the type and pixel count before any decoding."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels("The photo has too many pixels.") from None
    except Exception:  # UnidentifiedImageError, or a header too broken to identify
        raise NotAnImage("That is not a JPEG, PNG, WebP or HEIC photo.") from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise TooManyPixels("The photo has too many pixels.")
    if decode_cost(image) > MEMORY_BUDGET:
        raise TooManyPixels("The photo has too many pixels to process: send a smaller one.")
    return image


def decode_cost(image: Image.Image) -> int:
    """Bytes of memory decoding and processing this image takes, at most."""
    width, height = image.size
    if image.format == "JPEG":  # draft mode decodes at 1/2, 1/4 or 1/8 scale
        target = fit(image.size, DISPLAY_EDGE)
        scale = next(
            s for s in (8, 4, 2, 1) if width // s >= target[0] and height // s >= target[1]
        )
        width, height = -(-width // scale), -(-height // scale)
    return width * height * BYTES_PER_PIXEL.get(image.format or "", 20)


def fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size that fits within edge x edge, keeping the aspect ratio."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resizable(image: Image.Image) -> Image.Image:
    """Palette and 16-bit images become RGB(A) first: LANCZOS needs real colours."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    has_alpha = image.mode in ("PA", "RGBa", "La") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency goes onto white (screenshots, PNG drawings)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", image.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image if image.mode == "RGB" else image.convert("RGB")


def _without_metadata(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no EXIF, XMP, ICC, comments or text chunks."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _shrunk(
    image: Image.Image, edge: int, resample: Image.Resampling, reducing_gap: float = 3.0
) -> Image.Image:
    if max(image.size) <= edge:
        return image
    return image.resize(fit(image.size, edge), resample, reducing_gap=reducing_gap)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()
