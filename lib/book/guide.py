"""The guide's stated figures beside the book's two checks of each, with a verdict.

Claims live in ``data/guide_claims.csv`` (one copy; chapters never retype them). A chapter gives,
per claim, a ``lib.book.checks.Check``: the figure redone on the guide's own inputs and the figure
by independent truth (or a bare number, which is the check the registry's ``truth`` column implies:
the arithmetic when it names no truth, the truth otherwise). ``lib.book.checks`` judges both, at
the precision the guide wrote its figure with (``lib.book.tolerance``), and names what failed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from lib.book import checks
from lib.book.checks import (AGREES, HOLDS, IMPOSSIBLE, MISSES, OWN_MISSES, POSSIBLE, PREMISE_FAILED,  # noqa: F401
                             ROUNDING, UNCHECKED, VERDICTS, WRONG_ARITHMETIC, Check)
from lib.book.figures import format_value, glue_text, missing_text, record, record_conclusion
from lib.book.tolerance import AGREE_REL, HEDGED_MIN_REL, MAX_REL  # noqa: F401  (chapters cite the rule's bounds)

CEILING_CHECK = checks.CEILING

Ours = float | Check


def _claim_row(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    match = claims[claims["claim_id"] == claim_id]
    if len(match) != 1:
        raise KeyError(f"claim '{claim_id}' is not in the guide claims table ({claims.attrs.get('source_file')})")
    return match.iloc[0]


def as_check(claim: pd.Series, ours: Ours, missing: str = "") -> Check:
    """A bare number is the one check the registry implies: arithmetic when it names no truth."""
    if isinstance(ours, Check):
        if ours.arithmetic is None and ours.truth is None:  # nothing computable: an unchecked arithmetic check
            ours = Check(arithmetic=math.nan, missing=ours.missing)
        return ours if ours.missing or not missing else Check(ours.arithmetic, ours.truth, ours.arithmetic_high,
                                                               ours.truth_high, missing)
    value = float(ours)
    if str(claim.get("truth") or checks.NO_TRUTH) == checks.NO_TRUTH:
        return Check(arithmetic=value, missing=missing)
    return Check(truth=value, missing=missing)


def headline(check: Check) -> float:
    """The one value that stands for the book's figure (independent truth where there is one)."""
    for v in (check.truth, check.arithmetic):
        if v is not None and not math.isnan(v):
            return float(v)
    return math.nan


def guide_text(claim: pd.Series) -> str:
    unit, value, low, high = str(claim["unit"]), claim["guide_value"], claim["guide_low"], claim["guide_high"]
    return (format_value(float(value), unit) if not pd.isna(value)
            else f"{format_value(float(low), unit)}–{format_value(float(high), unit)}")


def _cell(value: float | None, high: float | None, claim: pd.Series, fig: checks.Figure, missing: str) -> str:
    """A check's value as a table cell: "$0.00401 (+0.3%)", a range "2.1×–4.8×", "n/a (why)" or "—"."""
    if value is None:
        return "—"
    unit = str(claim["unit"])
    if math.isnan(value):
        return missing_text(missing) if missing else missing_text()
    if high is not None:
        return f"{format_value(value, unit)}–{format_value(high, unit)}"
    gap = checks.signed_gap(value, fig)
    # No share says how far from zero a value is (a range from 0 %): the value alone says it.
    return format_value(value, unit) + ("" if abs(gap) < 0.0005 or not math.isfinite(gap) else f" ({gap:+.1%})")


def compare(claims: pd.DataFrame, claim_id: str, ours: Ours, truth: str | None = None, missing: str = "",
            failed_premises: Mapping[str, str] | None = None) -> dict[str, object]:
    """One comparison row: the guide's figure, the two checks, the verdict and why.

    ``truth`` overrides the registry's kind of truth (a chapter that sets the claim against today's
    prices, say). ``failed_premises``: claim id -> verdict of each failed claim this one rests on."""
    c = _claim_row(claims, claim_id)
    if truth is not None:
        c = c.copy()
        c["truth"] = truth
    check = as_check(c, ours, missing)
    fig = checks.figure_of(c)
    failed = dict(failed_premises or {})
    v, failures = checks.verdict(c, check, failed)
    why = explain(claims, c, check, fig, failures, failed)
    return {
        "claim_id": claim_id,
        "the guide says": str(c["quote"]),
        "guide": guide_text(c),
        "on its own inputs": _cell(check.arithmetic, check.arithmetic_high, c, fig, check.missing),
        "independent check": _cell(check.truth, check.truth_high, c, fig, check.missing),
        "verdict": v,
        "why": why,
    }


def explain(claims: pd.DataFrame, claim: pd.Series, check: Check, fig: checks.Figure, failures: list[str],
            failed_premises: Mapping[str, str]) -> str:
    """Why a claim missed, in words: which check failed on what number, and which premises failed."""
    unit = str(claim["unit"])
    reasons = []
    for f in failures:
        if f == WRONG_ARITHMETIC:
            reasons.append(f"the guide's own inputs give {_cell(check.arithmetic, check.arithmetic_high, claim, fig, '')}")
        elif f == IMPOSSIBLE:
            reasons.append(f"above the physical ceiling of {format_value(float(check.truth), unit)}")
        else:
            truth_value = _cell(check.truth, check.truth_high, claim, fig, "")
            others = checks.premises(pd.Series({"derived_from": claim.get("truth_claims")}))
            if others:
                stated = ", ".join(f"{o} ({guide_text(_claim_row(claims, o))})" for o in others)
                reasons.append(f"the guide's other sections ({stated}) give {truth_value}")
            else:
                source = "the guide's other sections give" if f == checks.MISS_BY_TRUTH["guide_elsewhere"] else "outside data gives"
                reasons.append(f"{source} {truth_value}")
    if failed_premises:
        reasons.append("rests on " + ", ".join(f"{p} ({v})" for p, v in sorted(failed_premises.items())))
    return "; ".join(reasons)


COLUMNS = ["claim_id", "the guide says", "guide", "on its own inputs", "independent check", "verdict", "why"]


def comparison_table(claims: pd.DataFrame, ours_by_claim: Mapping[str, Ours], truth: str | None = None,
                     missing: str | Mapping[str, str] = "", premises: Mapping[str, str] | None = None) -> pd.DataFrame:
    """All comparisons of a chapter, in the registry's order (the order the guide makes them).

    A claim derived from another (``derived_from``) rests on it: the premise is judged first when it
    is in this table; a premise checked in another chapter must be given in ``premises`` (claim id
    -> its verdict, from the same lib computation that chapter runs), or the table refuses.
    ``missing`` is why a figure of ours is NaN: one reason for every claim, or one per claim id.
    The checks ride along in ``attrs["checks"]`` for ``record_verdicts``."""
    order = {cid: i for i, cid in enumerate(claims["claim_id"])}
    unknown = sorted(set(ours_by_claim) - set(order))
    if unknown:
        raise KeyError(f"claims not in the guide claims table ({claims.attrs.get('source_file')}): {unknown}")
    ordered = sorted(ours_by_claim, key=order.__getitem__)
    why = {cid: (missing if isinstance(missing, str) else missing.get(cid, "")) for cid in ordered}
    rows_by_id = {cid: _claim_row(claims, cid) for cid in ordered}
    if truth is not None:
        rows_by_id = {cid: row.copy() for cid, row in rows_by_id.items()}
        for row in rows_by_id.values():
            row["truth"] = truth
    check_by_id = {cid: as_check(rows_by_id[cid], ours_by_claim[cid], why[cid]) for cid in ordered}
    given = dict(premises or {})
    verdicts: dict[str, str] = {}
    result: dict[str, dict[str, object]] = {}

    def judge(cid: str, path: tuple[str, ...] = ()) -> str:
        if cid in verdicts:
            return verdicts[cid]
        if cid in path:
            raise ValueError(f"claims derive from each other in a cycle: {' -> '.join((*path, cid))}")
        failed = {}
        for p in checks.premises(rows_by_id[cid]):
            if p in rows_by_id:
                pv = judge(p, (*path, cid))
            elif p in given:
                pv = given[p]
            else:
                raise KeyError(f"claim '{cid}' is derived from '{p}', which this chapter neither checks nor "
                               "gives in premises= (pass that claim's verdict, computed here from lib)")
            if pv in MISSES:
                failed[p] = pv
        result[cid] = compare(claims, cid, check_by_id[cid], truth, why[cid], failed)
        verdicts[cid] = str(result[cid]["verdict"])
        return verdicts[cid]

    for cid in ordered:
        judge(cid)
    table = pd.DataFrame([result[cid] for cid in ordered], columns=COLUMNS)
    table.attrs["checks"] = check_by_id
    table.attrs["units"] = {cid: str(rows_by_id[cid]["unit"]) for cid in ordered}
    table.attrs["ours"] = {cid: headline(check_by_id[cid]) for cid in ordered}
    table.attrs["missing"] = why
    return table


_PLURALS = {AGREES: ("agrees", "agree"), ROUNDING: ("differs by rounding", "differ by rounding"),
            WRONG_ARITHMETIC: ("is wrong arithmetic", "are wrong arithmetic"),
            "contradicts another section": ("contradicts another section", "contradict another section"),
            "disagrees with outside data": ("disagrees with outside data", "disagree with outside data"),
            POSSIBLE: ("is physically possible", "are physically possible"),
            IMPOSSIBLE: ("is physically impossible", "are physically impossible"),
            PREMISE_FAILED: ("rests on a failed premise", "rest on a failed premise"),
            UNCHECKED: ("is not checkable on the data in use", "are not checkable on the data in use")}


def verdict_phrase(verdict_text: str, n: int) -> str:
    """"3 are wrong arithmetic", "1 disagrees with outside data": a count with its verdict as a verb phrase."""
    return f"{n} {_PLURALS[verdict_text][0 if n == 1 else 1]}"


def count_verdicts(comparison: pd.DataFrame) -> dict[str, int]:
    """Claims per verdict, every verdict of the vocabulary (zeros included), plus "holds" and "misses"."""
    counts = comparison["verdict"].value_counts()
    unknown = sorted(set(counts.index) - set(VERDICTS))
    if unknown:
        raise ValueError(f"verdicts outside the book's vocabulary: {unknown}")
    out = {v: int(counts.get(v, 0)) for v in VERDICTS}
    out["holds"] = sum(out[v] for v in HOLDS)
    out["misses"] = sum(out[v] for v in MISSES)
    return out


def holds_sentence(comparison: pd.DataFrame, where: str = "here") -> str:
    """"31 of the 43 figures checked here hold; 12 do not": the count every "N of M hold" line uses.
    ``where`` names a part of the chapter ("in the hardware-choice table") for a count of only its
    claims; glue such a count with ``glue_count`` so the test can find which claims it counts."""
    n = count_verdicts(comparison)
    checked = n["holds"] + n["misses"]
    return (f"{n['holds']} of the {checked} figures checked {where} {'holds' if n['holds'] == 1 else 'hold'}; "
            f"{n['misses']} {'does' if n['misses'] == 1 else 'do'} not")


def verdict_summary(comparison: pd.DataFrame, where: str = "in this chapter") -> str:
    """One sentence counting a chapter's verdicts, for the top of its comparison section:
    agrees and rounding always, every other verdict only where some claim has it."""
    counts = count_verdicts(comparison)
    parts = [verdict_phrase(v, counts[v]) for v in VERDICTS if counts[v] or v in (AGREES, ROUNDING)]
    if not counts["misses"]:
        parts.append("none is wrong")
    return f"Of the guide's {len(comparison)} figures checked {where}, {', '.join(parts[:-1])} and {parts[-1]}."


COUNTED_METADATA_KEY = "book_counted_claims"


def glue_count(name: str, comparison: pd.DataFrame, where: str, summary: bool = False) -> None:
    """Glue a count of part of a chapter's claims (``holds_sentence`` or ``verdict_summary`` with
    ``where``), tagged with the claim ids it counts, so a test compares it with exactly those."""
    text = verdict_summary(comparison, where) if summary else holds_sentence(comparison, where)
    glue_text(name, text, {COUNTED_METADATA_KEY: [str(c) for c in comparison["claim_id"]]})


CHECK_PREFIXES = {"arith_": "arithmetic", "truth_": "truth"}
HIGH_SUFFIX = "__high"  # a range's high end (claim ids may themselves end in "_high")


def record_verdicts(comparison: pd.DataFrame) -> None:
    """Register each claim's verdict as a conclusion (a refresh reports a claim that stopped holding),
    the book's headline value as figure ``claim_<id>`` (the landing page and the trust chapter read
    it) and each check made as ``arith_<id>`` / ``truth_<id>`` (``__high`` for a range's high end), from which
    ``lib.book.reliability`` re-judges every verdict."""
    check_by_id: Mapping[str, Check] = comparison.attrs.get("checks", {})
    units = comparison.attrs.get("units", {})
    why = comparison.attrs.get("missing", {})
    for claim_id, verdict_text in zip(comparison["claim_id"], comparison["verdict"]):
        record_conclusion(f"verdict_{claim_id}", verdict_text)
        check = check_by_id.get(claim_id)
        if check is None:
            continue
        unit, reason = units[claim_id], why.get(claim_id, "")
        record(f"claim_{claim_id}", headline(check), unit, missing=reason)
        for prefix, field in CHECK_PREFIXES.items():
            value, high = getattr(check, field), getattr(check, f"{field}_high")
            if value is not None:
                record(f"{prefix}{claim_id}", float(value), unit, missing=reason)
            if high is not None:
                record(f"{prefix}{claim_id}{HIGH_SUFFIX}", float(high), unit, missing=reason)


def record_ceiling_checks(claims: pd.DataFrame, ceiling_by_claim: dict[str, float]) -> pd.DataFrame:
    """Throughput claims against their physical ceilings: verdicts and the ceilings, recorded like
    ``record_verdicts``. Returns the comparison (ceiling in the claim's unit)."""
    comparison = comparison_table(claims, {cid: Check(truth=float(v)) for cid, v in ceiling_by_claim.items()},
                                  truth=CEILING_CHECK)
    record_verdicts(comparison)
    return comparison
