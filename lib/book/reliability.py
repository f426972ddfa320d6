"""Every claim of the guide with the verdict its chapter gave it: the registry joined with what the
chapters recorded, re-classified here by the same rule (``lib.book.guide``) as a consistency check.

The chapters record, per claim, the book's value (figure ``claim_<id>``) and the verdict
(conclusion ``verdict_<id>``) through ``guide.record_verdicts`` / ``guide.record_ceiling_checks``;
the refresh gathers them into ``book/figures.csv`` and ``book/conclusions.csv``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from lib.book import checks, guide
from lib.data.paths import resolve

FIGURE_PREFIX = "claim_"
VERDICT_PREFIX = "verdict_"


class InconsistentVerdicts(ValueError):
    """A recorded verdict that the registry and the recorded value do not reproduce."""


def read_records(figures_csv: str | Path, conclusions_csv: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The refresh's figures and conclusions files, as written by ``lib.book.refresh``."""
    figures = pd.read_csv(resolve(figures_csv), dtype={"chapter": str, "name": str, "unit": str})
    conclusions = pd.read_csv(resolve(conclusions_csv), dtype=str, keep_default_na=False)
    for frame, path, columns in ((figures, figures_csv, ("chapter", "name", "value", "unit")),
                                 (conclusions, conclusions_csv, ("chapter", "name", "text"))):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(f"{path}: no column {', '.join(missing)}; is it a file the refresh wrote?")
    return figures, conclusions


def off_factor(gap: float, truth: str) -> float:
    """How far off the guide is, as a factor >= 1 (1 = inside the claim or under the ceiling).

    ``gap`` is (ours - guide) / guide. For a ceiling check ours is the ceiling, so a claim above
    it is off by claim / ceiling = 1 / (1 + gap)."""
    if math.isnan(gap):
        return math.nan
    if truth == guide.CEILING_CHECK:
        return 1.0 / (1.0 + gap) if gap < 0 else 1.0
    ratio = 1.0 + gap
    if ratio <= 0:  # ours is zero or of the other sign: no finite factor says how far off
        return math.inf
    return max(ratio, 1.0 / ratio)


def miss_share(gap: float, truth: str) -> float:
    """The gap as a share >= 0: |gap|, or for a ceiling check how far the claim exceeds the ceiling
    (0 at or under it). ``counts_within`` and the trust chapter's slider use it."""
    if math.isnan(gap):
        return math.nan
    if truth == guide.CEILING_CHECK:
        return 1.0 / (1.0 + gap) - 1.0 if gap < 0 else 0.0
    return abs(gap)


def recorded_checks(claims: pd.DataFrame, figures: pd.DataFrame) -> dict[str, checks.Check]:
    """Each claim's two checks as its own chapter recorded them (``arith_<id>``, ``truth_<id>``)."""
    own = dict(zip(claims["claim_id"], claims["chapter"]))
    values: dict[tuple[str, str], float] = {}
    for chapter, name, value in zip(figures["chapter"], figures["name"], figures["value"]):
        for prefix in guide.CHECK_PREFIXES:
            if name.startswith(prefix):
                key = name[len(prefix):]
                if own.get(key.removesuffix(guide.HIGH_SUFFIX)) == chapter:  # only the claim's own chapter speaks
                    values[(prefix, key)] = float(value) if not pd.isna(value) else math.nan
    out = {}
    for cid in claims["claim_id"]:
        a, t = values.get(("arith_", cid)), values.get(("truth_", cid))
        if a is None and t is None:
            continue
        out[cid] = checks.Check(arithmetic=a, truth=t, arithmetic_high=values.get(("arith_", cid + guide.HIGH_SUFFIX)),
                                truth_high=values.get(("truth_", cid + guide.HIGH_SUFFIX)))
    return out


def _judged_value(claim: pd.Series, check: checks.Check) -> float:
    """The book's value a verdict turns on: the first check that failed, else the headline one."""
    fig = checks.figure_of(claim)
    failures, _ = checks.own_failures(claim, check, fig)
    if failures and failures[0] == guide.WRONG_ARITHMETIC and check.arithmetic is not None:
        return float(check.arithmetic)
    return guide.headline(check)


def claim_verdicts(claims: pd.DataFrame, figures: pd.DataFrame, conclusions: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: the registry's fields, the book's value, the gap, the verdict, why, and how far off.

    Every verdict is re-judged here from the recorded checks and the whole registry's derivation
    graph (a premise in another chapter included). A claim no chapter has recorded gets the verdict
    "not recomputed" (the chapter test requires none). Raises InconsistentVerdicts when a recorded
    verdict is not what the rule gives."""
    recorded = {n[len(VERDICT_PREFIX):]: t for c, n, t in zip(conclusions["chapter"], conclusions["name"],
                                                            conclusions["text"]) if n.startswith(VERDICT_PREFIX)
                and dict(zip(claims["claim_id"], claims["chapter"])).get(n[len(VERDICT_PREFIX):]) == c}
    check_by_id = recorded_checks(claims, figures)
    rows = {r["claim_id"]: r for _, r in claims.iterrows()}
    verdict_by_id: dict[str, tuple[str, str]] = {}

    def judge(cid: str) -> str:
        if cid not in verdict_by_id:
            if cid not in recorded or cid not in check_by_id:
                verdict_by_id[cid] = (NOT_RECOMPUTED, "")
            else:
                failed = {p: judge(p) for p in checks.premises(rows[cid]) if p in rows}
                failed = {p: v for p, v in failed.items() if v in guide.MISSES}
                v, failures = checks.verdict(rows[cid], check_by_id[cid], failed)
                verdict_by_id[cid] = (v, guide.explain(claims, rows[cid], check_by_id[cid],
                                                       checks.figure_of(rows[cid]), failures, failed))
        return verdict_by_id[cid][0]

    ours, gaps, factors, shares = [], [], [], []
    for cid in claims["claim_id"]:
        judge(cid)
        row = rows[cid]
        if cid in check_by_id and verdict_by_id[cid][0] != NOT_RECOMPUTED:
            value = _judged_value(row, check_by_id[cid])
            gap = checks.signed_gap(value, checks.figure_of(row)) if not math.isnan(value) else math.nan
        else:
            value, gap = math.nan, math.nan
        ours.append(value), gaps.append(gap)
        factors.append(off_factor(gap, str(row["truth"]))), shares.append(miss_share(gap, str(row["truth"])))
    table = claims.copy()
    table["ours"], table["gap"], table["off_factor"], table["miss_share"] = ours, gaps, factors, shares
    table["verdict"] = [verdict_by_id[c][0] for c in claims["claim_id"]]
    table["why"] = [verdict_by_id[c][1] for c in claims["claim_id"]]
    wrong = [(c, recorded[c], verdict_by_id[c][0]) for c in claims["claim_id"]
             if c in recorded and recorded[c] != verdict_by_id[c][0]]
    if wrong:
        detail = "; ".join(f"{c} ({rows[c]['chapter']}): recorded '{r}', rule gives '{v}'" for c, r, v in wrong)
        raise InconsistentVerdicts(f"{len(wrong)} recorded verdict(s) do not follow from the registry and the "
                                   f"recorded checks (was the book refreshed after the registry changed?): {detail}")
    return table


NOT_RECOMPUTED = "not recomputed"
ALL_VERDICTS = (*guide.VERDICTS, NOT_RECOMPUTED)


def verdict_counts(table: pd.DataFrame) -> pd.Series:
    """Claims per verdict, in the book's order, zeros included."""
    return table["verdict"].value_counts().reindex(ALL_VERDICTS, fill_value=0).astype(int)


def counts_within(table: pd.DataFrame, tolerance: float) -> dict[str, int]:
    """How many checked claims miss by at most ``tolerance`` (``miss_share``), and how many by more.

    A reader who thinks 15 % too strict can see how the picture changes at 30 % or 100 %."""
    if not (tolerance >= 0):
        raise ValueError(f"tolerance must be 0 or more, not {tolerance}")
    checked = table["miss_share"].dropna()
    within = int((checked <= tolerance).sum())
    return {"within": within, "outside": int(len(checked) - within), "checked": int(len(checked))}


def worst_cases(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` misses furthest off, furthest first (ties by claim id, so the order is stable)."""
    misses = table[table["verdict"].isin(guide.MISSES)]
    order = np.lexsort((misses["claim_id"].to_numpy(), -misses["off_factor"].to_numpy(dtype=float)))
    return misses.iloc[order[:n]]


def premise_chains(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Every claim that rests on a failed premise, with the chain back to the failure it rests on:
    "hw_5k_qps (physically impossible) → hw_tokens_year → hw_usd_per_mtok". One row per claim and
    root failure, in registry order; ``root``, ``root_verdict``, ``chain`` (ids, arrows) and ``depth``."""
    rows = verdicts.set_index("claim_id", drop=False)
    out = []

    def walk(cid: str, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = []
        for p in checks.premises(rows.loc[cid]):
            if p not in rows.index or p in path:
                continue
            v = rows.loc[p, "verdict"]
            if v in checks.OWN_MISSES:
                found.append((p, *path))
            if v == checks.PREMISE_FAILED or v in checks.OWN_MISSES:
                found.extend(walk(p, (p, *path)))
        return found

    for cid in verdicts.loc[verdicts["verdict"] == checks.PREMISE_FAILED, "claim_id"]:
        for chain in sorted(set(walk(cid, (cid,)))):
            if rows.loc[chain[0], "verdict"] not in checks.OWN_MISSES:
                continue
            out.append({"claim_id": cid, "root": chain[0], "root_verdict": rows.loc[chain[0], "verdict"],
                        "chain": f"{chain[0]} ({rows.loc[chain[0], 'verdict']}) → " + " → ".join(chain[1:]),
                        "depth": len(chain) - 1})
    return pd.DataFrame(out, columns=["claim_id", "root", "root_verdict", "chain", "depth"])


_TITLE = re.compile(r"^# # (.+)$", re.MULTILINE)


def chapter_titles(analyses_dir: str | Path, toc_yml: str | Path | None = None) -> dict[str, str]:
    """Chapter file stem -> its title (the first Markdown heading of its ``.py`` source), in the
    order of the table of contents when one is given (chapters it does not list come last)."""
    paths = sorted(resolve(analyses_dir).glob("*.py"))
    if toc_yml is not None:
        listed = re.findall(r"file:\s*book/(\w+)", resolve(toc_yml).read_text(encoding="utf-8"))
        rank = {stem: i for i, stem in enumerate(listed)}
        paths.sort(key=lambda p: (rank.get(p.stem, len(rank)), p.stem))
    titles = {}
    for path in paths:
        match = _TITLE.search(path.read_text(encoding="utf-8"))
        titles[path.stem] = match.group(1).strip() if match else path.stem
    return titles
