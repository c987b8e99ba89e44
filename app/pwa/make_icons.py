"""Draw the app icons with Pillow: `python -m app.pwa.make_icons` rewrites
app/static/icons/. "any" icons are a rounded tile; maskable ones fill the square and keep
the mark inside the central safe zone (80 %)."""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (11, 85, 99)
LIGHT = (255, 255, 255)
ACCENT = (255, 191, 71)
ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"


def draw_mark(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """A speech-bubble 'D' with a dot: a drop-in, a conversation."""
    centre = size / 2
    radius = size * 0.30 * scale
    box = [centre - radius, centre - radius, centre + radius, centre + radius]
    draw.pieslice(box, -90, 90, fill=LIGHT)
    stem = radius * 0.9
    draw.rectangle([centre - stem, centre - radius, centre, centre + radius], fill=LIGHT)
    inner = radius * 0.45
    draw.ellipse(
        [centre - inner * 0.9, centre - inner, centre + inner * 1.1, centre + inner], fill=BRAND
    )
    dot = radius * 0.2
    draw.ellipse(
        [
            centre + radius * 0.9,
            centre - radius * 1.25,
            centre + radius * 0.9 + dot * 2,
            centre - radius * 1.25 + dot * 2,
        ],
        fill=ACCENT,
    )


def make(size: int, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then shrink for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BRAND)
        draw_mark(draw, big, 0.8)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.2, fill=BRAND)
        draw_mark(draw, big, 1.0)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        # A small palette keeps the icons light: they are part of the first load.
        tile = make(size, maskable=False).quantize(32, method=Image.Quantize.FASTOCTREE)
        tile.save(ICONS / f"icon-{size}.png", optimize=True)
        full = make(size, maskable=True).convert("RGB").quantize(32)
        full.save(ICONS / f"maskable-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
