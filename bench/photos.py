"""The photo pipeline on a 12-megapixel phone photo (JPEG, and HEIC as iPhones send it),
beside naive Pillow: full decode, EXIF transpose, LANCZOS to the display size and to the
thumbnail from the full image, the same JPEG settings. Milliseconds, median of seven, run in turn.

`python -m bench photos` (about half a minute).
"""

from __future__ import annotations

import io
import statistics
import time

from PIL import Image, ImageOps

from bench.table import Row, at_most

GOAL = 0.35
RUNS = 7


def phone_photo(format: str) -> bytes:
    """4000 x 3000 with fine detail and sensor-like noise, held sideways (EXIF
    orientation 6), as a phone camera sends it."""
    size = (4000, 3000)
    scene = Image.effect_mandelbrot(size, (-2.0, -1.2, 1.0, 1.2), 80).convert("RGB")
    noise = Image.effect_noise(size, 24).convert("RGB")
    photo = Image.blend(scene, noise, 0.25)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    quality = 90 if format == "JPEG" else 60  # iPhone HEICs of 12 MP: 2-4 MB
    photo.save(buffer, format, quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


def naive(data: bytes) -> tuple[bytes, bytes]:
    from app.photos.processing import DISPLAY_EDGE, JPEG_QUALITY, THUMBNAIL_EDGE, fit

    image = Image.open(io.BytesIO(data))
    image.load()
    image = ImageOps.exif_transpose(image).convert("RGB")
    outputs = []
    for edge in (DISPLAY_EDGE, THUMBNAIL_EDGE):
        resized = image.resize(fit(image.size, edge), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        outputs.append(buffer.getvalue())
    return outputs[0], outputs[1]


def _alternating(ours, base, data: bytes) -> tuple[float, float]:
    """Median milliseconds of each, run in turn, so a busy moment slows both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(RUNS):
        for action, times in ((ours, samples[0]), (base, samples[1])):
            started = time.perf_counter()
            action(data)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def measure() -> list[Row]:
    from app.photos.processing import process_photo

    rows = []
    for format, label in (("JPEG", "JPEG"), ("HEIF", "HEIC")):
        data = phone_photo(format)
        ours, base = _alternating(process_photo, naive, data)
        result = process_photo(data)
        print(
            f"  {label} {len(data) / 1e6:.1f} MB: ours {ours:.0f} ms "
            f"({result.width}x{result.height}), naive Pillow {base:.0f} ms",
            flush=True,
        )
        ratio, met = at_most(ours / base, GOAL)
        if format != "JPEG":  # the goal is the JPEG's; HEIC is decoded whole, for both
            ratio, met = f"{ours / base:.2f}", None
        rows.append(
            Row(
                f"12 MP {label} → display + thumbnail",
                f"{ours:.0f} ms",
                f"naive Pillow {base:.0f} ms",
                ratio,
                f"≤ {GOAL}" if met is not None else "measured",
                met,
            )
        )
    return rows
