"""Peak memory of processing one photo, per kind of image (the budget is 200 MB).

Each case runs in a fresh Python process (Linux): its peak resident size (VmHWM, reset
just before) minus its size then is what that photo cost. A 208 KB PNG of 49 megapixels
cost 424 MB before the pixel budget; now it is refused before decoding (413), and the
largest accepted images stay under the budget.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

BUDGET_MB = 200

CHILD = """
import json, sys
from app.photos.processing import PhotoRefused, process_photo

def peak_kb():
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    return int(status.split()[0])

data = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # start the peak (VmHWM) from the size now
before = peak_kb()
try:
    process_photo(data)
    outcome = "processed"
except PhotoRefused as refused:
    outcome = f"refused {refused.status}"
print(json.dumps({"outcome": outcome, "mb": (peak_kb() - before) / 1024}))
"""


def image_bytes(kind: str, mode: str, width: int, height: int) -> bytes:
    image = Image.new(mode, (width, height), (200, 180, 160, 255)[: len(mode)])
    buffer = io.BytesIO()
    image.save(buffer, kind, **({} if kind == "PNG" else {"quality": 80}))
    return buffer.getvalue()


CASES = [
    ("PNG", "RGBA", 7000, 7000),  # 49 MP: the audit's image (424 MB before)
    ("PNG", "RGBA", 5000, 4000),  # 20 MP: about the largest PNG accepted
    ("PNG", "RGB", 5000, 4000),
    ("WEBP", "RGBA", 4000, 2500),  # 10 MP: about the largest WebP accepted
    ("WEBP", "RGBA", 4000, 3000),  # 12 MP WebP: refused
    ("HEIF", "RGB", 5000, 4000),  # 20 MP HEIC
    ("JPEG", "RGB", 8660, 5773),  # 50 MP: the largest JPEG accepted (decoded at 1/4 scale)
]


def measure(kind: str, mode: str, width: int, height: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=f".{kind.lower()}") as file:
        file.write(image_bytes(kind, mode, width, height))
        file.flush()
        size_kb = Path(file.name).stat().st_size // 1024
        done = subprocess.run(
            [sys.executable, "-c", CHILD, file.name], capture_output=True, check=True, text=True
        )
    label = f"{kind} {mode} {width}x{height} ({size_kb} KB)"
    return {"image": label, **json.loads(done.stdout)}


def main() -> None:
    for case in CASES:
        result = measure(*case)
        flag = "" if result["mb"] <= BUDGET_MB else f"  OVER the {BUDGET_MB} MB budget"
        print(f"{result['image']:40} {result['outcome']:14} {result['mb']:6.0f} MB{flag}")


if __name__ == "__main__":
    main()
