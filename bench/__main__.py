"""`python -m bench [MEASURE ...]`: run the measures (all by default), then print one table.

Each measure is a module of this folder with `measure() -> list[Row]`; progress goes to
the terminal as it runs, the table comes last.
"""

from __future__ import annotations

import importlib
import platform
import subprocess
import sys
import time

from bench.table import Row, markdown

#: In the issue's order. Other modules here (staff_import) run alone: python -m bench.NAME
MEASURES = ("sync", "lead_put", "exports", "capture_weight", "photos")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout
    return (
        f"{cpu}, {cores} cores, Python {platform.python_version()}, {postgres.strip() or 'no psql'}"
    )


def main(argv: list[str]) -> int:
    if "--list" in argv:
        print("\n".join(MEASURES))
        return 0
    names = argv or list(MEASURES)
    unknown = [name for name in names if name not in MEASURES]
    if unknown:
        print(f"unknown measure(s): {', '.join(unknown)}; choose from {', '.join(MEASURES)}")
        return 2
    rows: list[Row] = []
    started = time.perf_counter()
    for name in names:
        print(f"== {name}", flush=True)
        rows += importlib.import_module(f"bench.{name}").measure()
    print(
        f"\n{machine()}; {time.strftime('%Y-%m-%d %H:%M')}, {time.perf_counter() - started:.0f} s"
    )
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
