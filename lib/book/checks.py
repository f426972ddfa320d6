"""Two checks per claim of the guide, a verdict that says which failed, and the claims it rests on.

Each figure the guide states is checked twice, both times by computation:

- **its own arithmetic**: the sum redone on the inputs the guide states beside the figure. A miss
  is "wrong arithmetic".
- **against independent truth**: what the figure should be by something the claim does not
  itself assert: the hardware's physical ceiling, a datasheet or documentation, outside data,
  or what the guide states in another section. The registry's ``truth`` column names which kind,
  so a miss reads "physically impossible", "disagrees with outside data" or "contradicts another
  section" (naming the claims it contradicts, ``truth_claims``). A value that the claim itself
  produced is never independent truth; the survivor test (``survives``) proves each check could fail.

A claim the registry marks ``derived_from`` others cannot hold when one of those failed: its
verdict is "rests on a failed premise" (unless its own checks already failed it), naming the
premise. Which check failed and on what number is written out in ``why``.

Closeness is judged at the precision the guide wrote the figure with (``lib.book.tolerance``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lib.book import tolerance

AGREES, ROUNDING, MISSED = "agrees", "rounding", "misses"
BOUND_SLACK = 1e-9

NO_TRUTH = "none"
CEILING = "roofline_ceiling"
# What a failed check is called, by the check and (for the independent one) the kind of truth.
WRONG_ARITHMETIC = "wrong arithmetic"
MISS_BY_TRUTH = {
    "guide_elsewhere": "contradicts another section",
    "outside_data": "disagrees with outside data",
    CEILING: "physically impossible",
}
TRUTH_KINDS = (NO_TRUTH, *MISS_BY_TRUTH)
POSSIBLE = "physically possible"
IMPOSSIBLE = MISS_BY_TRUTH[CEILING]
PREMISE_FAILED = "rests on a failed premise"
UNCHECKED = "not checkable on this data"
# Every verdict, best first (the order of tables and charts); a claim's own failures outrank a premise's.
OWN_MISSES = (IMPOSSIBLE, WRONG_ARITHMETIC, MISS_BY_TRUTH["guide_elsewhere"], MISS_BY_TRUTH["outside_data"])
VERDICTS = (AGREES, ROUNDING, POSSIBLE, *OWN_MISSES, PREMISE_FAILED, UNCHECKED)
HOLDS = (AGREES, ROUNDING, POSSIBLE)
MISSES = (*OWN_MISSES, PREMISE_FAILED)


@dataclass(frozen=True)
class Check:
    """A chapter's two computed values for one claim, in the claim's unit.

    ``arithmetic``: the figure recomputed on the guide's own stated inputs (None: the guide states
    none beside it). ``truth``: the figure by independent truth of the registry's kind (None: no
    such truth is in the data). Either may be a range (``*_high`` set): for a range claim whose
    ends the book computes (a spread over models, say), each end is judged against the guide's.
    NaN means the data in use cannot give the value; ``missing`` says why."""

    arithmetic: float | None = None
    truth: float | None = None
    arithmetic_high: float | None = None
    truth_high: float | None = None
    missing: str = ""


@dataclass(frozen=True)
class Figure:
    """The guide's figure as the check needs it: a point or a range, each end with its tolerance."""

    value: float | None
    low: float | None
    high: float | None
    tol_low: float
    tol_high: float

    def scaled(self, factor: float) -> "Figure":
        s = lambda x: None if x is None else x * factor  # noqa: E731
        return Figure(s(self.value), s(self.low), s(self.high), self.tol_low, self.tol_high)

    @property
    def reference(self) -> float:
        return self.value if self.value is not None else self.low


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def figure_of(claim: pd.Series) -> Figure:
    value, low, high = _num(claim.get("guide_value")), _num(claim.get("guide_low")), _num(claim.get("guide_high"))
    written = claim.get("written")
    written = None if written is None or pd.isna(written) or not str(written).strip() else str(written)
    tol_low, tol_high = tolerance.claim_tolerances(value, low, high, written, str(claim.get("quote", "")))
    return Figure(value, low, high, tol_low, tol_high)


def signed_gap(ours: float, fig: Figure) -> float:
    """(ours - guide) / guide, 0 inside a range (distance to the nearer end outside it)."""
    if fig.value is not None:
        ref = fig.value
    elif fig.low <= ours <= fig.high:
        return 0.0
    else:
        ref = fig.low if ours < fig.low else fig.high
    if ref == 0:
        return 0.0 if ours == 0 else math.copysign(math.inf, ours - ref)
    return (ours - ref) / abs(ref)


def closeness(ours: float, fig: Figure, ours_high: float | None = None) -> str:
    """agrees, rounding or misses: ours (a point, or a range against a range claim) beside the guide's figure."""
    if ours_high is not None and fig.value is None:  # a computed range against a stated range: end by end
        ends = (closeness(ours, Figure(fig.low, None, None, fig.tol_low, fig.tol_low)),
                closeness(ours_high, Figure(fig.high, None, None, fig.tol_high, fig.tol_high)))
        return MISSED if MISSED in ends else ROUNDING if ROUNDING in ends else AGREES
    if ours_high is not None:  # a computed range against a point: the point must lie in it
        ours = min(max(fig.value, ours), ours_high)
    gap = signed_gap(ours, fig)
    tol = fig.tol_low if (fig.value is not None or ours <= (fig.low or 0)) else fig.tol_high
    # A hair of slack at each bound: a value exactly half a unit off (3.55 against "$3.50") must
    # read the same whether judged in the chapter or re-judged from its recorded 12-digit copy.
    if abs(gap) <= tolerance.AGREE_REL * (1 + BOUND_SLACK):
        return AGREES
    return ROUNDING if abs(gap) <= tol * (1 + BOUND_SLACK) else MISSED


def above_ceiling(ceiling: float, fig: Figure) -> bool:
    """A throughput claim is impossible when the least it claims is above the ceiling."""
    return ceiling < fig.reference


def own_failures(claim: pd.Series, check: Check, fig: Figure | None = None) -> tuple[list[str], str]:
    """The claim's own failed checks (verdict names, worst first) and its best closeness among the
    checks made (agrees / rounding / possible; "" when no check could be made)."""
    fig = fig or figure_of(claim)
    kind = str(claim.get("truth") or NO_TRUTH)
    failures: list[str] = []
    held: list[str] = []
    if check.truth is not None and not math.isnan(check.truth):
        if kind == NO_TRUTH:
            raise ValueError(f"claim '{claim['claim_id']}': a truth value was given but the registry names no "
                             f"kind of truth for it (truth column); set one of {', '.join(MISS_BY_TRUTH)}")
        if kind == CEILING:
            (failures if above_ceiling(check.truth, fig) else held).append(IMPOSSIBLE if above_ceiling(check.truth, fig) else POSSIBLE)
        else:
            c = closeness(check.truth, fig, check.truth_high)
            (failures if c == MISSED else held).append(MISS_BY_TRUTH[kind] if c == MISSED else c)
    if check.arithmetic is not None and not math.isnan(check.arithmetic):
        c = closeness(check.arithmetic, fig, check.arithmetic_high)
        (failures if c == MISSED else held).append(WRONG_ARITHMETIC if c == MISSED else c)
    failures.sort(key=OWN_MISSES.index)
    best = ROUNDING if ROUNDING in held else AGREES if AGREES in held else POSSIBLE if POSSIBLE in held else ""
    return failures, best


def survives(claim: pd.Series, check: Check, factor: float) -> bool:
    """Whether a claim whose checks hold still holds after the guide's figure is multiplied by
    ``factor``: a check that survives 2x or 1/2 cannot fail. (A check that already fails could.) A ceiling check is scaled past its ceiling instead
    (to twice the ceiling), where it must read impossible."""
    fig = figure_of(claim)
    if str(claim.get("truth")) == CEILING and check.truth is not None and not math.isnan(check.truth):
        past = fig.scaled(2 * check.truth / fig.reference) if fig.reference else fig
        if not above_ceiling(check.truth, past):
            return True
        check = Check(arithmetic=check.arithmetic, arithmetic_high=check.arithmetic_high)
        if check.arithmetic is None or math.isnan(check.arithmetic):
            return False
    failures, best = own_failures(claim, check, fig)
    if failures or not best:  # a check that already fails, or none made: nothing "still" holds
        return False
    if fig.value is None and fig.low == 0 and fig.high:
        # An upper bound ("under 5%", "within the first hour") holds for anything under it, so
        # doubling or halving it proves nothing: like a ceiling, it is lowered to half of each
        # value checked, where it must fail.
        values = [v for v in (check.arithmetic, check.truth) if v is not None and not math.isnan(v) and v > 0]
        if not values:
            return True  # ours is zero: no bound above zero can fail
        past = Figure(None, 0.0, min(values) / 2, fig.tol_low, fig.tol_high)
        failures, _ = own_failures(claim, check, past)
        return not failures
    failures, best = own_failures(claim, check, fig.scaled(factor))
    return not failures and best != ""


def verdict(claim: pd.Series, check: Check, failed_premises: dict[str, str]) -> tuple[str, list[str]]:
    """The verdict a reader sees and every failure behind it: the worst own failure, else a failed
    premise, else how close. ``failed_premises`` maps each failed claim this one is derived from to
    that claim's verdict. The failures come worst first (own checks, then premises)."""
    failures, best = own_failures(claim, check)
    if failures:
        return failures[0], failures
    if failed_premises:
        return PREMISE_FAILED, []
    if not best:
        return UNCHECKED, []
    return best, []


def premises(claim: pd.Series) -> list[str]:
    """The claims this one is derived from (the registry's ``derived_from``, ';'-separated)."""
    raw = claim.get("derived_from")
    if raw is None or pd.isna(raw):
        return []
    return [p.strip() for p in str(raw).split(";") if p.strip()]
