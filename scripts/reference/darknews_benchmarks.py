"""DarkNews numbers for `hnlreach reproduce darknews` when DarkNews is not installed.

Runs hnlreach.validation.darknews.run_darknews (DarkNews 0.4.8: GenLauncher event rates at MiniBooNE and
MicroBooNE, UpscatteringProcess cross sections, decay widths, the defect cases) and writes
src/hnlreach/data/validation/darknews_benchmarks.json.

Usage:  python scripts/reference/darknews_benchmarks.py   (a few minutes on one core)
"""
from __future__ import annotations

import json
import pathlib
import tempfile

from hnlreach.validation.darknews import REFERENCE, run_darknews


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ref = run_darknews(pathlib.Path(tmp))
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps(ref, indent=1) + "\n")
    print(f"wrote {REFERENCE}")


if __name__ == "__main__":
    main()
