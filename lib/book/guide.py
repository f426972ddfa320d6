"""The guide's stated figures beside ours, with a verdict.

Claims live in ``data/guide_claims.csv`` (one copy; chapters never retype them). A point
claim agrees when ours is within 5 %, is "rounding" within 15 %. A range claim agrees when ours
falls inside it (or within 5 % of an end). A miss beyond rounding is named by what the book
recomputed the figure from (the claim's ``checked_against``): from the inputs the guide states
beside it, the guide's arithmetic is wrong; from figures it states in another section, it
contradicts itself; from outside data (a datasheet, a measurement, the book's own model), it
disagrees with that data. A throughput checked against the roofline ceiling is physically
impossible above the ceiling and physically possible at or under it, however far under.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from lib.book.figures import format_value, missing_text, record, record_conclusion

AGREE_REL = 0.05
ROUNDING_REL = 0.15

# Closeness, before a miss is named.
CLOSENESS = ("agrees", "rounding", "disagrees")
# What a miss beyond rounding is, by what the claim was recomputed from.
MISS_BY_CHECK = {
    "guide_inputs": "wrong arithmetic",
    "guide_elsewhere": "contradicts another section",
    "outside_data": "disagrees with outside data",
}
CEILING_CHECK = "roofline_ceiling"
IMPOSSIBLE = "physically impossible"
POSSIBLE = "physically possible"
# A figure the data in use cannot give (a price an imported feed lacks) checks nothing.
UNCHECKED = "not checkable on this data"
# Every verdict a claim can get, best first (the order tables and charts use).
VERDICTS = ("agrees", "rounding", POSSIBLE, *MISS_BY_CHECK.values(), IMPOSSIBLE, UNCHECKED)
# Verdicts under which the guide's figure holds.
HOLDS = ("agrees", "rounding", POSSIBLE)
# Verdicts that mean the guide's figure does not hold.
MISSES = (*MISS_BY_CHECK.values(), IMPOSSIBLE)


def relative_gap(ours: float, guide_value: float | None = None, low: float | None = None,
                 high: float | None = None) -> float:
    """Signed relative distance of ours from the claim (0 inside a range; + = ours higher)."""
    if guide_value is not None and not _missing(guide_value):
        if guide_value == 0:
            return 0.0 if ours == 0 else math.copysign(math.inf, ours)
        return (ours - guide_value) / abs(guide_value)
    if _missing(low) or _missing(high):
        raise ValueError("a claim needs a value or both ends of a range")
    if low <= ours <= high:
        return 0.0
    end = low if ours < low else high
    return (ours - end) / abs(end) if end else math.copysign(math.inf, ours - end)


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x)


def verdict(gap: float) -> str:
    """Closeness alone: agrees, rounding or disagrees."""
    a = abs(gap)
    return "agrees" if a <= AGREE_REL else "rounding" if a <= ROUNDING_REL else "disagrees"


def verdict_category(gap: float, checked_against: str) -> str:
    """The verdict a reader sees: closeness, with a miss named by what the claim was checked against.

    For a ceiling check the gap is (ceiling - claim) / claim: negative means the claim is above it."""
    if math.isnan(gap):
        return UNCHECKED
    if checked_against == CEILING_CHECK:
        return IMPOSSIBLE if gap < 0 else POSSIBLE
    if checked_against not in MISS_BY_CHECK:
        raise ValueError(f"unknown checked_against {checked_against!r}; expected one of "
                         f"{', '.join([*MISS_BY_CHECK, CEILING_CHECK])}")
    close = verdict(gap)
    return MISS_BY_CHECK[checked_against] if close == "disagrees" else close


def _claim_row(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    match = claims[claims["claim_id"] == claim_id]
    if len(match) != 1:
        raise KeyError(f"claim '{claim_id}' is not in the guide claims table ({claims.attrs.get('source_file')})")
    return match.iloc[0]


def claim_gap(claim: pd.Series, ours: float) -> float:
    value = None if pd.isna(claim["guide_value"]) else float(claim["guide_value"])
    low = None if pd.isna(claim["guide_low"]) else float(claim["guide_low"])
    high = None if pd.isna(claim["guide_high"]) else float(claim["guide_high"])
    return relative_gap(float(ours), value, low, high)


def compare(claims: pd.DataFrame, claim_id: str, ours: float,
            checked_against: str | None = None, missing: str = "") -> dict[str, object]:
    """One comparison row: the guide's figure (as it reads), ours, the gap and the verdict.

    ``checked_against`` overrides the registry's, for a chapter that sets the claim against
    other data than the registry names (today's prices, say). ``missing`` says why ours is NaN
    (a price the data in use leaves blank); the book's cell then reads "n/a (<missing>)"."""
    c = _claim_row(claims, claim_id)
    gap = claim_gap(c, ours)
    unit = str(c["unit"])
    value, low, high = c["guide_value"], c["guide_low"], c["guide_high"]
    guide_text = (format_value(float(value), unit) if not pd.isna(value)
                  else f"{format_value(float(low), unit)}–{format_value(float(high), unit)}")
    return {
        "claim_id": claim_id,
        "the guide says": str(c["quote"]),
        "guide": guide_text,
        "book": missing_text(missing) if missing and math.isnan(float(ours)) else format_value(float(ours), unit),
        "gap": "—" if abs(gap) < 0.0005 else f"{gap:+.1%}",
        "verdict": verdict_category(gap, checked_against or str(c["checked_against"])),
    }


def comparison_table(claims: pd.DataFrame, ours_by_claim: dict[str, float],
                     checked_against: str | None = None, missing: str | Mapping[str, str] = "") -> pd.DataFrame:
    """All comparisons of a chapter, in the registry's order (the order the guide makes them).

    ``missing`` is why a figure of ours is NaN: one reason for every claim, or one per claim id.
    The book's values, unformatted, ride along in ``attrs["ours"]`` for ``record_verdicts``, and
    the reasons in ``attrs["missing"]``."""
    order = {cid: i for i, cid in enumerate(claims["claim_id"])}
    unknown = sorted(set(ours_by_claim) - set(order))
    if unknown:
        raise KeyError(f"claims not in the guide claims table ({claims.attrs.get('source_file')}): {unknown}")
    ordered = sorted(ours_by_claim, key=order.__getitem__)
    why = {cid: (missing if isinstance(missing, str) else missing.get(cid, "")) for cid in ordered}
    table = pd.DataFrame([compare(claims, cid, ours_by_claim[cid], checked_against, why[cid]) for cid in ordered],
                         columns=["claim_id", "the guide says", "guide", "book", "gap", "verdict"])
    table.attrs["ours"] = {cid: float(ours_by_claim[cid]) for cid in ordered}
    table.attrs["units"] = {cid: str(_claim_row(claims, cid)["unit"]) for cid in ordered}
    table.attrs["missing"] = why
    return table


_PLURALS = {"agrees": ("agrees", "agree"), "rounding": ("differs by rounding", "differ by rounding"),
            "wrong arithmetic": ("is wrong arithmetic", "are wrong arithmetic"),
            "contradicts another section": ("contradicts another section", "contradict another section"),
            "disagrees with outside data": ("disagrees with outside data", "disagree with outside data"),
            POSSIBLE: ("is physically possible", "are physically possible"),
            IMPOSSIBLE: ("is physically impossible", "are physically impossible"),
            UNCHECKED: ("is not checkable on the data in use", "are not checkable on the data in use")}


def verdict_phrase(verdict_text: str, n: int) -> str:
    """"3 are wrong arithmetic", "1 disagrees with outside data": a count with its verdict as a verb phrase."""
    return f"{n} {_PLURALS[verdict_text][0 if n == 1 else 1]}"


def verdict_summary(comparison: pd.DataFrame) -> str:
    """One sentence counting a chapter's verdicts, for the top of its comparison section:
    agrees and rounding always, every other verdict only where some claim has it."""
    counts = comparison["verdict"].value_counts()
    parts = []
    for v in VERDICTS:
        n = int(counts.get(v, 0))
        if n or v in ("agrees", "rounding"):
            parts.append(verdict_phrase(v, n))
    if not any(counts.get(v, 0) for v in MISSES):
        parts.append("none is wrong")
    return f"Of the guide's {len(comparison)} figures checked in this chapter, {', '.join(parts[:-1])} and {parts[-1]}."


def record_verdicts(comparison: pd.DataFrame) -> None:
    """Register each claim's verdict as a conclusion (a refresh reports a claim that stopped holding)
    and the book's value as a figure ``claim_<id>``, which the chapter on the guide's reliability reads."""
    ours = comparison.attrs.get("ours", {})
    units = comparison.attrs.get("units", {})
    why = comparison.attrs.get("missing", {})
    for claim_id, verdict_text in zip(comparison["claim_id"], comparison["verdict"]):
        record_conclusion(f"verdict_{claim_id}", verdict_text)
        if claim_id in ours:
            record(f"claim_{claim_id}", ours[claim_id], units[claim_id], missing=why.get(claim_id, ""))


def record_ceiling_checks(claims: pd.DataFrame, ceiling_by_claim: dict[str, float]) -> pd.DataFrame:
    """Throughput claims against their physical ceilings: verdicts and the ceilings, recorded like
    ``record_verdicts``. Returns the comparison (ceiling in the claim's unit)."""
    comparison = comparison_table(claims, ceiling_by_claim, checked_against=CEILING_CHECK)
    record_verdicts(comparison)
    return comparison
