"""Every verdict of the book could have come out the other way (issue 16).

On the committed book's records (``book/figures.csv``: each claim's two checks as its chapter
recorded them), every claim's figure is scaled by 2x and by 1/2 and judged again: a check that
still agrees or rounds at either cannot fail, and the suite names it. A ceiling check is scaled
past its ceiling instead, where it must read "physically impossible". No allow-list: the fix is a
check that can fail (a range computed end by end, a tighter figure, an independent value).

The records are the committed book's; ``tests/test_pipeline.py`` and nbval prove they are what
the chapters compute today. What a chapter calls its independent truth must not be read from the
claim: no chapter reads the registry's stated figures itself (only lib's verdict code does).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.book import checks, reliability
from lib.data import tables
from tests.conftest import ROOT

BOOK = ROOT / "book"
# The only code that may read the guide's stated figures: the verdict engine and its readers.
MAY_READ_FIGURES = {"lib/book/guide.py", "lib/book/checks.py", "lib/book/tolerance.py",
                    "lib/book/reliability.py", "lib/book/findings.py", "lib/data/tables.py",
                    "lib/data/guide_tables.py"}
STATED_FIGURE = re.compile(r"""["'](guide_value|guide_low|guide_high)["']""")


@pytest.fixture(scope="module")
def registry():
    claims = tables.load_guide_claims()
    figs, concl = reliability.read_records(BOOK / "figures.csv", BOOK / "conclusions.csv")
    return claims, reliability.recorded_checks(claims, figs), reliability.claim_verdicts(claims, figs, concl)


def survivors(claims: pd.DataFrame, check_by_id: dict, factor: float) -> list[str]:
    rows = claims.set_index("claim_id", drop=False)
    return sorted(cid for cid, check in check_by_id.items() if checks.survives(rows.loc[cid], check, factor))


@pytest.mark.parametrize("factor", [2.0, 0.5])
def test_no_check_survives_a_guide_figure_twice_or_half_what_it_is(registry, factor):
    claims, check_by_id, _ = registry
    found = survivors(claims, check_by_id, factor)
    by_chapter = claims.set_index("claim_id").loc[found, "chapter"] if found else pd.Series(dtype=str)
    detail = "; ".join(f"{c} ({ch})" for c, ch in by_chapter.items())
    assert not found, f"{len(found)} check(s) still hold with the guide's figure x{factor}: {detail}"


def test_every_checked_claim_recorded_its_checks(registry):
    claims, check_by_id, verdicts = registry
    judged = verdicts[verdicts["verdict"] != reliability.NOT_RECOMPUTED]["claim_id"]
    assert set(judged) <= set(check_by_id)


def test_no_chapter_reads_the_figures_it_checks():
    offenders = []
    for path in [*ROOT.glob("analyses/*.py"), *ROOT.glob("lib/**/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel in MAY_READ_FIGURES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATED_FIGURE.search(line):
                offenders.append(f"{rel}:{n}")
    assert not offenders, ("code other than lib's verdict engine reads the guide's stated figures, so what it "
                           f"calls the book's value may be the claim itself: {offenders}")


def test_a_truth_value_needs_a_kind_of_truth(registry):
    claims, check_by_id, _ = registry
    kinds = claims.set_index("claim_id")["truth"]
    bad = [c for c, ch in check_by_id.items() if ch.truth is not None and kinds[c] == checks.NO_TRUTH]
    assert not bad


def test_written_figures_are_in_the_quote_and_are_the_stored_figure():
    from lib.book import tolerance
    claims = tables.load_guide_claims()
    problems = []
    for r in claims[claims["written"].notna()].itertuples():
        stored = [v for v in (r.guide_value, r.guide_low, r.guide_high) if not pd.isna(v)]
        parsed = tolerance.parse_written(r.written)
        parsed = parsed[-1:] if len(stored) == 1 else [parsed[0], parsed[-1]]
        if any(abs(p - s) > 1e-9 * max(abs(s), 1e-12) for p, s in zip(parsed, stored)):
            problems.append(f"{r.claim_id}: written {r.written!r} reads {parsed}, stored {stored}")
        if _squash(r.written) not in _squash(r.quote):
            problems.append(f"{r.claim_id}: written {r.written!r} is not in the quote")
    assert not problems, problems


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).replace("-", "–")
