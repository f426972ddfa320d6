"""Write ``data/guide_figures.csv``: every numbered figure of the guide, by section (lib.book.coverage).

    .venv/bin/python tools/guide_figures.py [path/to/guide.txt]   # default: ../shared/seeds/001_*.txt

The guide's text is not part of the book (its sentences are not ours); the figures and the section
headings are, so the trust chapter can show which figures no claim registers yet. Run it again
when the guide's text or the claims' section names change. The file is replaced whole (written to
a temporary file beside it first), so a killed run leaves the old one.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.book import coverage  # noqa: E402
from lib.data import tables  # noqa: E402


def main(argv: list[str], out: Path = ROOT / "data" / "guide_figures.csv",
         claims_csv: Path = ROOT / "data" / "guide_claims.csv") -> int:
    if argv:
        guide = Path(argv[0])
    else:
        found = sorted((ROOT.parent / "shared" / "seeds").glob("001_*.txt"))
        if not found:
            print("no guide text found: pass its path", file=sys.stderr)
            return 2
        guide = found[0]
    claims = tables.load_guide_claims(claims_csv)
    figures = coverage.guide_figures(guide.read_text(encoding="utf-8"), set(claims["source"]))
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".guide_figures-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            figures.to_csv(fh, index=False, lineterminator="\n")
        tables.load_guide_figures(tmp)  # refuse to install a file the book cannot read
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(f"{len(figures)} numbered figures in {figures['section'].nunique()} sections -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
