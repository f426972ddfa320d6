"""Owning accelerators against renting them: the yearly bill of a bought box, its total cost of
ownership (TCO) over its life, the rental price it is worth, and self-hosting what-ifs.

Money is USD, power kW, time in years of 24×7 operation (``HOURS_PER_YEAR`` hours). Functions
take numbers or numpy arrays and broadcast, so a chapter can sweep a parameter in one call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from lib.costs.selfhost import HOURS_PER_YEAR, SECONDS_PER_HOUR, TOKENS_PER_MTOK, selfhost_usd_per_mtok

MONTHS_PER_YEAR = 12
SECONDS_PER_YEAR = SECONDS_PER_HOUR * HOURS_PER_YEAR

# Line items of an owned box, in the order the guide's TCO table lists them.
TCO_LINES = ("Hardware (amortised)", "Power", "Cooling", "Colo space", "Maintenance + support",
             "Ops engineer (allocated)")


def _arr(x: npt.ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _non_negative(**values: np.ndarray) -> None:
    for name, v in values.items():
        if np.any(v < 0):
            raise ValueError(f"{name} must be >= 0")


def power_usd_per_year(power_kw: npt.ArrayLike, usd_per_kwh: npt.ArrayLike,
                       load_fraction: npt.ArrayLike = 1.0) -> np.ndarray:
    """Electricity for a box drawing ``power_kw`` at ``load_fraction`` of the time, all year."""
    kw, price, load = _arr(power_kw), _arr(usd_per_kwh), _arr(load_fraction)
    _non_negative(power_kw=kw, usd_per_kwh=price)
    if np.any((load < 0) | (load > 1)):
        raise ValueError("load_fraction must be in [0, 1]")
    return kw * HOURS_PER_YEAR * load * price


def colo_usd_per_year(power_kw: npt.ArrayLike, usd_per_kw_month: npt.ArrayLike) -> np.ndarray:
    """Colocation is sold per kW of provisioned power per month."""
    kw, rate = _arr(power_kw), _arr(usd_per_kw_month)
    _non_negative(power_kw=kw, usd_per_kw_month=rate)
    return kw * rate * MONTHS_PER_YEAR


def tco_by_year(
    capex_usd: float,
    years: int,
    power_kw: float,
    usd_per_kwh: float,
    cooling_overhead_frac: float,
    colo_usd_per_year: float,
    maintenance_usd_per_year: float,
    ops_usd_per_year: float,
    yearly_escalation_frac: float = 0.0,
) -> pd.DataFrame:
    """The guide's TCO table: one row per line item, one column per year, and a total column.

    Hardware is amortised straight-line over ``years``. Power, cooling, colo and ops grow by
    ``yearly_escalation_frac`` a year (the guide's table grows them ~5%); hardware and the
    maintenance contract stay flat, as in the guide's table.
    """
    n = int(years)
    if n < 1 or n != years:
        raise ValueError("years must be a whole number >= 1")
    _non_negative(capex_usd=_arr(capex_usd), cooling=_arr(cooling_overhead_frac), colo=_arr(colo_usd_per_year),
                  maintenance=_arr(maintenance_usd_per_year), ops=_arr(ops_usd_per_year),
                  escalation=_arr(yearly_escalation_frac))
    growth = (1 + yearly_escalation_frac) ** np.arange(n)
    power = float(power_usd_per_year(power_kw, usd_per_kwh)) * growth
    lines = np.vstack([
        np.full(n, capex_usd / n),
        power,
        power * cooling_overhead_frac,  # cooling is a share of the power bill (CRAC efficiency)
        colo_usd_per_year * growth,
        np.full(n, float(maintenance_usd_per_year)),
        ops_usd_per_year * growth,
    ])
    table = pd.DataFrame(lines, index=list(TCO_LINES), columns=[f"Year {i + 1}" for i in range(n)])
    table[f"{n}-year total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    return table


def rental_usd(hourly_usd: npt.ArrayLike, years: npt.ArrayLike) -> np.ndarray:
    """Renting the same box 24×7 for ``years``."""
    hourly, y = _arr(hourly_usd), _arr(years)
    _non_negative(hourly_usd=hourly, years=y)
    return hourly * HOURS_PER_YEAR * y


def owned_usd_per_year(
    capex_usd: npt.ArrayLike,
    years: npt.ArrayLike,
    power_kw: npt.ArrayLike,
    usd_per_kwh: npt.ArrayLike,
    cooling_overhead_frac: npt.ArrayLike,
    colo_usd_per_kw_month: npt.ArrayLike,
    maintenance_frac_of_capex: npt.ArrayLike,
    ops_engineer_usd_per_year: npt.ArrayLike,
    boxes_per_engineer: npt.ArrayLike = 1.0,
) -> np.ndarray:
    """Average yearly cost of one owned box, flat (no escalation), vectorised over every input.

    Maintenance is a share of capex (support contracts are priced that way); the ops engineer is
    shared by ``boxes_per_engineer`` boxes, the guide's main lever for ownership.
    """
    y, boxes = _arr(years), _arr(boxes_per_engineer)
    if np.any(y <= 0):
        raise ValueError("years must be > 0")
    if np.any(boxes < 1):
        raise ValueError("boxes_per_engineer must be >= 1")
    capex, maint, ops = _arr(capex_usd), _arr(maintenance_frac_of_capex), _arr(ops_engineer_usd_per_year)
    _non_negative(capex_usd=capex, maintenance_frac_of_capex=maint, ops_engineer_usd_per_year=ops,
                  cooling_overhead_frac=_arr(cooling_overhead_frac))
    power = power_usd_per_year(power_kw, usd_per_kwh)
    return (capex / y + power * (1 + _arr(cooling_overhead_frac)) + colo_usd_per_year(power_kw, colo_usd_per_kw_month)
            + maint * capex + ops / boxes)


def owned_usd_per_hour(owned_usd_per_year_: npt.ArrayLike) -> np.ndarray:
    """The rental price at which renting costs what owning does: the break-even hourly rate."""
    return _arr(owned_usd_per_year_) / HOURS_PER_YEAR


def owned_vs_rented(
    capex_usd: float,
    years: float,
    power_kw: float,
    usd_per_kwh: float,
    cooling_overhead_frac: float,
    colo_usd_per_kw_month: float,
    maintenance_frac_of_capex: float,
    ops_engineer_usd_per_year: float,
    boxes_per_engineer: float,
    rental_usd_per_hour: float,
) -> dict[str, float]:
    """The what-if behind the TCO widgets: owning and renting one box over ``years``."""
    per_year = float(owned_usd_per_year(capex_usd, years, power_kw, usd_per_kwh, cooling_overhead_frac,
                                        colo_usd_per_kw_month, maintenance_frac_of_capex,
                                        ops_engineer_usd_per_year, boxes_per_engineer))
    owned = per_year * years
    rented = float(rental_usd(rental_usd_per_hour, years))
    return {"owned_usd": owned, "rented_usd": rented, "owned_over_rented": owned / rented,
            "breakeven_usd_per_hour": float(owned_usd_per_hour(per_year))}


def tokens_per_year(tokens_per_s: npt.ArrayLike, utilisation: npt.ArrayLike = 1.0) -> np.ndarray:
    """Tokens a cluster serves in a year when it runs ``utilisation`` of the time at ``tokens_per_s``."""
    tps, util = _arr(tokens_per_s), _arr(utilisation)
    if np.any(tps < 0):
        raise ValueError("tokens_per_s must be >= 0")
    if np.any((util < 0) | (util > 1)):
        raise ValueError("utilisation must be in [0, 1]")
    return tps * SECONDS_PER_YEAR * util


def usd_per_mtok_from_yearly(usd_per_year: npt.ArrayLike, tokens_per_year_: npt.ArrayLike) -> np.ndarray:
    """A yearly bill spread over a year's tokens, per million tokens."""
    tokens = _arr(tokens_per_year_)
    if np.any(tokens <= 0):
        raise ValueError("tokens_per_year must be > 0")
    return _arr(usd_per_year) / tokens * TOKENS_PER_MTOK


def breakeven_utilisation(hourly_usd: npt.ArrayLike, tokens_per_s: npt.ArrayLike,
                          hosted_usd_per_mtok: npt.ArrayLike, ops_usd_per_year: npt.ArrayLike = 0.0,
                          clusters_sharing_ops: npt.ArrayLike = 1.0) -> np.ndarray:
    """Utilisation at which a self-hosted token costs what the hosted one does.

    Cost per token is (yearly cost) / (capacity × utilisation), so the break-even utilisation is
    yearly cost / (capacity × hosted price). Above 1 the cluster cannot match the API at all.
    """
    hosted = _arr(hosted_usd_per_mtok)
    if np.any(hosted <= 0):
        raise ValueError("hosted_usd_per_mtok must be > 0")
    full = selfhost_usd_per_mtok(hourly_usd, tokens_per_s, 1.0, ops_usd_per_year, clusters_sharing_ops)
    return full / hosted


def clusters_for_ops_share(hourly_usd: npt.ArrayLike, ops_usd_per_year: npt.ArrayLike,
                           max_ops_share: npt.ArrayLike) -> np.ndarray:
    """Fewest clusters sharing one ops team so ops adds at most ``max_ops_share`` to the rent.

    Ops per cluster = ops / n; we need ops / n <= share × rent, so n >= ops / (share × rent).
    """
    rent = _arr(hourly_usd) * HOURS_PER_YEAR
    share = _arr(max_ops_share)
    if np.any(share <= 0) or np.any(rent <= 0):
        raise ValueError("max_ops_share and hourly_usd must be > 0")
    return np.maximum(1.0, np.ceil(_arr(ops_usd_per_year) / (share * rent) - 1e-9))


def selfhost_what_if(hourly_usd: float, output_tokens_per_s: float, input_tokens_per_s: float,
                     utilisation: float, ops_usd_per_year: float, clusters_sharing_ops: float) -> dict[str, float]:
    """The what-if behind the per-token widgets: yearly bill and cost per million tokens.

    As the guide does, each per-token figure charges the whole cluster to that kind of token;
    ``usd_per_mtok_blended`` spreads it over input and output together, since one stream of
    requests produces both at once.
    """
    args = (utilisation, ops_usd_per_year, clusters_sharing_ops)
    out = float(selfhost_usd_per_mtok(hourly_usd, output_tokens_per_s, *args))
    inp = float(selfhost_usd_per_mtok(hourly_usd, input_tokens_per_s, *args))
    blended = float(selfhost_usd_per_mtok(hourly_usd, output_tokens_per_s + input_tokens_per_s, *args))
    return {"usd_per_year": hourly_usd * HOURS_PER_YEAR + ops_usd_per_year / clusters_sharing_ops,
            "usd_per_mtok_output": out, "usd_per_mtok_input": inp, "usd_per_mtok_blended": blended}


def cumulative_owned_usd(capex_usd: npt.ArrayLike, opex_usd_per_year: npt.ArrayLike,
                         years: npt.ArrayLike) -> np.ndarray:
    """What owning has cost after ``years``: the purchase up front plus running costs since.

    No resale value: a box kept longer spreads the same purchase over more years.
    """
    y = _arr(years)
    _non_negative(capex_usd=_arr(capex_usd), opex_usd_per_year=_arr(opex_usd_per_year), years=y)
    return _arr(capex_usd) + _arr(opex_usd_per_year) * y


def breakeven_years(capex_usd: npt.ArrayLike, opex_usd_per_year: npt.ArrayLike,
                    rent_usd_per_year: npt.ArrayLike) -> np.ndarray:
    """Years of use after which owning has cost less than renting (inf if it never does).

    capex + opex × y = rent × y  =>  y = capex / (rent − opex); running costs at or above the
    rent mean the purchase is never paid back.
    """
    capex, opex, rent = _arr(capex_usd), _arr(opex_usd_per_year), _arr(rent_usd_per_year)
    _non_negative(capex_usd=capex, opex_usd_per_year=opex, rent_usd_per_year=rent)
    saving = rent - opex
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(saving > 0, capex / np.where(saving > 0, saving, 1.0), np.inf)


# --- Hosted against self-hosted: the crossover -------------------------------------------------

def breakeven_spend_usd_per_year(hosted_usd_per_mtok: npt.ArrayLike, selfhost_usd_per_mtok_: npt.ArrayLike,
                                 ops_usd_per_year: npt.ArrayLike) -> np.ndarray:
    """Yearly hosted-API spend above which self-hosting the same tokens is cheaper (inf if never).

    Self-hosting costs ops + T × c, the API T × p (T tokens, c and p per token). They meet at
    T* = ops / (p − c), where the API bill is p × T* = ops / (1 − c / p). Rent is taken as
    divisible (clusters added as traffic grows), which is the guide's framing; whole clusters
    are handled by ``hybrid_cost_usd``.
    """
    p, c, ops = _arr(hosted_usd_per_mtok), _arr(selfhost_usd_per_mtok_), _arr(ops_usd_per_year)
    if np.any(p <= 0):
        raise ValueError("hosted_usd_per_mtok must be > 0")
    _non_negative(selfhost_usd_per_mtok=c, ops_usd_per_year=ops)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c < p, ops / (1 - c / np.where(p > 0, p, 1.0)), np.inf)


def breakeven_tokens_per_year(hosted_usd_per_mtok: npt.ArrayLike, selfhost_usd_per_mtok_: npt.ArrayLike,
                              ops_usd_per_year: npt.ArrayLike) -> np.ndarray:
    """Tokens a year above which self-hosting is cheaper: the break-even spend over the API price."""
    spend = breakeven_spend_usd_per_year(hosted_usd_per_mtok, selfhost_usd_per_mtok_, ops_usd_per_year)
    return spend / _arr(hosted_usd_per_mtok) * TOKENS_PER_MTOK


def simulated_load_tokens_per_s(seed: int, days: int, mean_tokens_per_s: float, daily_swing: float = 0.5,
                                noise: float = 0.1, peak_hour: float = 15.0) -> np.ndarray:
    """An hourly load curve (tokens/s, one value per hour) with a daily cycle and seeded noise.

    Load = mean × (1 + swing × cos(2π (hour − peak) / 24)) × lognormal noise; weekends run at
    70% of weekdays. Deterministic for a given seed, so the chapter's figures are stable.
    """
    if days < 1 or mean_tokens_per_s <= 0 or not 0 <= daily_swing < 1 or noise < 0:
        raise ValueError("need days >= 1, mean > 0, swing in [0, 1), noise >= 0")
    rng = np.random.default_rng(seed)
    hours = np.arange(days * 24)
    cycle = 1 + daily_swing * np.cos(2 * np.pi * ((hours % 24) - peak_hour) / 24)
    weekend = np.where((hours // 24) % 7 >= 5, 0.7, 1.0)
    shocks = rng.lognormal(mean=-noise**2 / 2, sigma=noise, size=hours.size)  # mean-one noise
    load = cycle * weekend * shocks
    return mean_tokens_per_s * load / load.mean()


def hybrid_cost_usd(load_tokens_per_s: npt.ArrayLike, clusters: npt.ArrayLike, cluster_tokens_per_s: float,
                    hourly_usd: float, hosted_usd_per_mtok: float, ops_usd_per_year: float) -> pd.DataFrame:
    """Own ``clusters`` whole clusters for the steady load and send what they cannot serve to an API.

    ``load_tokens_per_s`` is an hourly series; the result is scaled to a year. Owned clusters are
    paid every hour, busy or not; the ops team is paid once any cluster is owned.
    """
    load = _arr(load_tokens_per_s)
    n = np.atleast_1d(_arr(clusters))
    if np.any(load < 0) or np.any(n < 0) or cluster_tokens_per_s <= 0 or hosted_usd_per_mtok < 0:
        raise ValueError("loads, clusters, capacity and price must be non-negative (capacity > 0)")
    capacity = n[:, None] * cluster_tokens_per_s
    served = np.minimum(load[None, :], capacity)
    overflow = load[None, :] - served
    scale = HOURS_PER_YEAR / load.size  # hours in the series -> a year
    owned_usd = n * hourly_usd * HOURS_PER_YEAR + np.where(n > 0, ops_usd_per_year, 0.0)
    hosted_usd = overflow.sum(axis=1) * SECONDS_PER_HOUR * scale * hosted_usd_per_mtok / TOKENS_PER_MTOK
    total_tokens = load.sum() * SECONDS_PER_HOUR * scale
    return pd.DataFrame({
        "clusters": n, "owned_usd": owned_usd, "hosted_usd": hosted_usd, "total_usd": owned_usd + hosted_usd,
        "self_hosted_share": served.sum(axis=1) / load.sum() if load.sum() > 0 else np.zeros(n.shape),
        "utilisation": np.divide(served.sum(axis=1), n * cluster_tokens_per_s * load.size,
                                 out=np.full(n.shape, np.nan), where=n > 0),
        "usd_per_mtok": (owned_usd + hosted_usd) / total_tokens * TOKENS_PER_MTOK if total_tokens > 0 else np.nan,
    })


def example_year(scenario: pd.Series, output_tokens_per_s: float, realistic_utilisation: float) -> dict:
    """One owned node's first year, two ways: its tokens a year and $/M from the scenario's request
    rate (``requests_per_s`` × ``tokens_per_request``) and from a measured output throughput, at the
    scenario's utilisation and at ``realistic_utilisation``. Keys: table (``tco_by_year``), per_year,
    tokens_qps, tokens_tps, tps, mtok_qps, mtok_tps, mtok_tps_25."""
    s = scenario
    table = tco_by_year(s["capex_usd"], int(s["years"]), s["power_kw"], s["usd_per_kwh"], s["cooling_overhead_frac"],
                        s["colo_usd_per_year"], s["maintenance_usd_per_year"], s["ops_usd_per_year"],
                        s["yearly_escalation_frac"])
    per_year = float(table.loc["Total", "Year 1"])
    tokens_qps = float(tokens_per_year(s["requests_per_s"] * s["tokens_per_request"], s["utilisation"]))
    tokens_tps = float(tokens_per_year(output_tokens_per_s, s["utilisation"]))
    return dict(table=table, per_year=per_year, tokens_qps=tokens_qps, tokens_tps=tokens_tps, tps=output_tokens_per_s,
                mtok_qps=float(usd_per_mtok_from_yearly(per_year, tokens_qps)),
                mtok_tps=float(usd_per_mtok_from_yearly(per_year, tokens_tps)),
                mtok_tps_25=float(usd_per_mtok_from_yearly(
                    per_year, tokens_per_year(output_tokens_per_s, realistic_utilisation))))


def board_capex_usd(gpu_node: pd.Series, cpu_board: pd.Series, cpu_board_gpu_node: pd.Series,
                    gpus: int) -> tuple[float, float]:
    """A CPU+GPU board's price (low, high) built from other nodes' prices: ``gpus`` GPUs at the
    per-GPU price of ``gpu_node`` (an 8-GPU row), plus the CPU side of ``cpu_board`` (a one-GPU
    superchip) less its own GPU at the per-GPU price of ``cpu_board_gpu_node``. Low ends with low
    ends: the cheapest quotes together, the dearest together."""
    ends = []
    for col in ("capex_usd_low", "capex_usd_high"):
        per_gpu = gpu_node[col] / gpu_node["accelerators_per_node"]
        cpu_side = cpu_board[col] - cpu_board_gpu_node[col] / cpu_board_gpu_node["accelerators_per_node"]
        if cpu_side < 0:
            raise ValueError("the superchip costs less than its own GPU: no CPU side to price")
        ends.append(float(gpus * per_gpu + cpu_side))
    return ends[0], ends[1]


def rack_from_boards_usd(board: pd.Series, rack: pd.Series) -> tuple[float, float]:
    """A rack's price (low, high) as that many boards at a board's price: the rack's GPUs over the
    board's, times the board (switch trays and cabling would only add)."""
    boards = rack["accelerators_per_node"] / board["accelerators_per_node"]
    return float(boards * board["capex_usd_low"]), float(boards * board["capex_usd_high"])


def per_gpu_range_usd(node: pd.Series) -> tuple[float, float]:
    """A node's street price per GPU (low, high), chassis included."""
    n = node["accelerators_per_node"]
    return float(node["capex_usd_low"] / n), float(node["capex_usd_high"] / n)


def line_item_share(tco_table: pd.DataFrame, items: Sequence[str], column: str) -> float:
    """The share of a TCO table's total (``column``) that ``items`` make up: what a sum that leaves
    them out understates by."""
    return float(tco_table.loc[list(items), column].sum() / tco_table.loc["Total", column])


def cost_multiple(base_utilisation: npt.ArrayLike, utilisation: npt.ArrayLike) -> np.ndarray:
    """How many times dearer a token is at ``utilisation`` than at ``base_utilisation``: a node's
    yearly cost is fixed, so its cost per token goes as one over the share of hours it serves."""
    u, b = _arr(utilisation), _arr(base_utilisation)
    if np.any(u <= 0) or np.any(b <= 0):
        raise ValueError("utilisation must be > 0")
    return b / u
