"""The guide's stated figures beside ours, with a verdict.

Claims live in ``data/guide_claims.csv`` (one copy; chapters never retype them). A point
claim agrees when ours is within 5 %, is "rounding" within 15 %, else disagrees. A range claim
agrees when ours falls inside it (or within 5 % of an end).
"""

from __future__ import annotations

import math

import pandas as pd

from lib.book.figures import format_value, record_conclusion

AGREE_REL = 0.05
ROUNDING_REL = 0.15
VERDICTS = ("agrees", "rounding", "disagrees")


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
    a = abs(gap)
    return "agrees" if a <= AGREE_REL else "rounding" if a <= ROUNDING_REL else "disagrees"


def compare(claims: pd.DataFrame, claim_id: str, ours: float) -> dict[str, object]:
    """One comparison row: the guide's figure (as it reads), ours, the gap and the verdict."""
    match = claims[claims["claim_id"] == claim_id]
    if len(match) != 1:
        raise KeyError(f"claim '{claim_id}' is not in the guide claims table ({claims.attrs.get('source_file')})")
    c = match.iloc[0]
    value = None if pd.isna(c["guide_value"]) else float(c["guide_value"])
    low = None if pd.isna(c["guide_low"]) else float(c["guide_low"])
    high = None if pd.isna(c["guide_high"]) else float(c["guide_high"])
    gap = relative_gap(float(ours), value, low, high)
    unit = str(c["unit"])
    guide_text = (format_value(value, unit) if value is not None
                  else f"{format_value(low, unit)}–{format_value(high, unit)}")
    return {
        "claim_id": claim_id,
        "the guide says": str(c["quote"]),
        "guide": guide_text,
        "book": format_value(float(ours), unit),
        "gap": "—" if abs(gap) < 0.0005 else f"{gap:+.1%}",
        "verdict": verdict(gap),
    }


def comparison_table(claims: pd.DataFrame, ours_by_claim: dict[str, float]) -> pd.DataFrame:
    """All comparisons of a chapter, in the registry's order (the order the guide makes them)."""
    order = {cid: i for i, cid in enumerate(claims["claim_id"])}
    unknown = sorted(set(ours_by_claim) - set(order))
    if unknown:
        raise KeyError(f"claims not in the guide claims table ({claims.attrs.get('source_file')}): {unknown}")
    ordered = sorted(ours_by_claim, key=order.__getitem__)
    return pd.DataFrame([compare(claims, cid, ours_by_claim[cid]) for cid in ordered])


_PLURAL = {"agrees": "agree", "rounding": "differ by rounding", "disagrees": "disagree"}


def verdict_summary(comparison: pd.DataFrame) -> str:
    """One sentence counting a chapter's verdicts, for the top of its comparison section."""
    counts = comparison["verdict"].value_counts()
    parts = [f"{int(counts.get(v, 0))} {_PLURAL[v]}" for v in VERDICTS]
    return f"Of the guide's {len(comparison)} figures checked in this chapter, {', '.join(parts[:-1])} and {parts[-1]}."


def record_verdicts(comparison: pd.DataFrame) -> None:
    """Register each claim's verdict as a conclusion, so a refresh reports a claim that stopped holding."""
    for claim_id, verdict_text in zip(comparison["claim_id"], comparison["verdict"]):
        record_conclusion(f"verdict_{claim_id}", verdict_text)
