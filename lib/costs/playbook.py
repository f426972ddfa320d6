"""The guide's fifteen-lever playbook applied in turn to one workload: a waterfall of the monthly bill.

Each lever (a row of ``data/playbook_levers.csv``) saves ``applied_saving_frac`` on the part of the
bill it touches. That part is ``share_frac`` of a basis: the whole bill, its input or output part
(from the reference request's cost split), or the self-hosted part (zero until the self-hosting
lever has moved traffic onto owned GPUs). A lever with ``min_monthly_usd`` applies only once the
bill it meets, after every lever before it, reaches that spend.

Levers compound: each acts on what the ones before it left (``lib.costs.levers.lever_waterfall``),
so the savings multiply rather than add; adding them is the mistake the chapter shows.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from lib.costs import levers as lever_math

BASES = ("bill", "input_cost", "output_cost", "self_hosted")
SELF_HOST_LEVER = "self_host_steady"


def _check_fraction(name: str, value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return float(value)


def apply_levers(playbook: pd.DataFrame, baseline_usd_per_month: float, *, input_cost_share: float,
                 enabled: Iterable[str] | None = None, self_host_lever: str = SELF_HOST_LEVER) -> pd.DataFrame:
    """The bill after each lever in rank order, one row per lever.

    ``input_cost_share`` is the input tokens' share of the reference request's cost (output is the
    rest). ``enabled`` names the levers that are pulled (all by default); a lever left out, or below
    its spend threshold, has multiplier 1. Columns: what ``levers.lever_waterfall`` gives, plus the
    effective share touched, the saving on the bill at that step and whether the lever applied.
    """
    if baseline_usd_per_month < 0:
        raise ValueError("the baseline bill must be >= 0")
    input_share = _check_fraction("input_cost_share", input_cost_share)
    ordered = playbook.sort_values("rank", kind="stable").reset_index(drop=True)
    bad = sorted(set(ordered["share_basis"]) - set(BASES))
    if bad:
        raise ValueError(f"unknown share_basis {bad}; expected one of {BASES}")
    lever_ids = ordered["lever_id"].to_numpy()
    on = set(lever_ids) if enabled is None else set(enabled)
    basis = {"bill": 1.0, "input_cost": input_share, "output_cost": 1.0 - input_share, "self_hosted": 0.0}
    cost = float(baseline_usd_per_month)
    shares, multipliers, applied, reasons = [], [], [], []
    # Plain column arrays, not iterrows: the what-if reruns this on every slider move, and building
    # a Series per row was most of its time.
    for lever_id, basis_name, share_frac, saving_frac, threshold in zip(
            lever_ids, ordered["share_basis"].to_numpy(), ordered["share_frac"].to_numpy(),
            ordered["applied_saving_frac"].to_numpy(), ordered["min_monthly_usd"].to_numpy()):
        share = _check_fraction("share_frac", share_frac) * basis[basis_name]
        saving = _check_fraction("applied_saving_frac", saving_frac)
        if lever_id not in on:
            mult, reason = 1.0, "switched off"
        elif pd.notna(threshold) and cost < float(threshold):
            mult, reason = 1.0, "bill below its threshold"
        elif share == 0:
            mult, reason = 1.0, "nothing self-hosted yet" if basis_name == "self_hosted" else "touches nothing"
        else:
            mult, reason = 1.0 - share * saving, ""
        if lever_id == self_host_lever and mult < 1.0:
            # From here on, this share of the traffic runs on owned GPUs (an approximation:
            # later levers are taken not to change the hosted/self-hosted split).
            basis["self_hosted"] = float(share_frac)
        cost *= mult
        shares.append(share)
        multipliers.append(mult)
        applied.append(mult < 1.0)
        reasons.append(reason)
    mult_arr = np.asarray(multipliers, dtype=float)
    # lever_waterfall needs a multiplier in (0, 1]; a lever saving everything would be 0.
    if np.any(mult_arr <= 0):
        raise ValueError("a lever cannot remove the whole bill (share x saving must stay below 1)")
    # The columns lib.costs.levers.lever_waterfall gives, built in one frame (the same arithmetic).
    cumulative = np.cumprod(mult_arr)
    if baseline_usd_per_month > 0:
        lever_math.lever_stack(mult_arr)  # validates, as lever_waterfall does
        after = baseline_usd_per_month * cumulative
        before = np.concatenate([[baseline_usd_per_month], after[:-1]])
        saved = before - after
    else:
        before = after = saved = np.zeros(len(mult_arr))
    # At a zero bill the lever names kept the loaded column's dtype (object), as before; otherwise
    # they came through lever_waterfall's array (str).
    names = ordered["lever"].to_numpy() if baseline_usd_per_month > 0 else ordered["lever"]
    return pd.DataFrame({
        "rank": ordered["rank"].to_numpy(), "lever_id": lever_ids, "lever": names,
        "multiplier": mult_arr, "usd_before": before, "usd_after": after, "usd_saved": saved,
        "cumulative_multiplier": cumulative, "share_touched": shares, "saving_frac": 1.0 - mult_arr,
        "applied": applied, "why_not": reasons,
    })


def total_reduction(waterfall: pd.DataFrame) -> float:
    """Share of the baseline bill the levers remove together (1 - the product of multipliers)."""
    return 1.0 - float(np.prod(waterfall["multiplier"].to_numpy(dtype=float)))


def added_savings(waterfall: pd.DataFrame) -> float:
    """The sum of each lever's saving, as if each acted on the whole baseline: the adding mistake."""
    return float(waterfall["saving_frac"].sum())


def volume_to_trigger(playbook: pd.DataFrame, lever_id: str, usd_per_request: float, *, input_cost_share: float,
                      enabled: Iterable[str] | None = None, max_requests: float = 1e12) -> float:
    """Fewest requests a month at which ``lever_id`` applies (its spend threshold is met); inf if never.

    The bill a lever meets is not monotone in volume (an earlier threshold lever can switch on and cut
    it), so a log-spaced scan finds the first volume that triggers, then bisection refines it.
    """
    if usd_per_request <= 0:
        raise ValueError("usd_per_request must be > 0")
    enabled = None if enabled is None else list(enabled)

    def fires(requests: float) -> bool:
        w = apply_levers(playbook, requests * usd_per_request, input_cost_share=input_cost_share, enabled=enabled)
        return bool(w.loc[w["lever_id"] == lever_id, "applied"].iloc[0])

    grid = np.logspace(0, np.log10(max_requests), 241)
    hits = [v for v in grid if fires(v)]
    if not hits:
        return float("inf")
    hi = hits[0]
    below = grid[grid < hi]
    lo = float(below[-1]) if len(below) else 0.0
    for _ in range(60):  # bisection to well under a request
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if fires(mid) else (mid, hi)
        if hi - lo < 0.5:
            break
    return float(np.ceil(hi))
