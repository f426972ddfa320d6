"""What a product pays on top of its API bill: egress, observability, eval, guardrails, retries,
fallbacks, lock-in, compliance and PII redaction.

Each cost is a row of ``data/hidden_costs.csv``: a rate (low and high end) in one unit, and the
vector it belongs to. A :class:`Workload` supplies the quantity each rate multiplies (gigabytes
sent, requests logged, tokens screened, failed calls, prompts migrated, years). The calculator
is one table operation: monthly cost = rate x quantity, at both ends of every range.

Why a rate-and-driver table rather than one function per vector: the guide gives several
vectors two ways (a per-GB and a per-request price for observability; a per-token and a
per-request price for guardrails). Keeping each as a row lets the chapter price both and say
which it uses, and a refreshed rate is a CSV edit, not a code change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

BYTES_PER_GB = 1e9  # decimal gigabytes, as clouds bill egress
TOKENS_PER_MTOK = 1e6
MONTHS_PER_YEAR = 12

RATE_UNITS = ("usd_per_gb", "usd_per_span", "usd_per_request", "usd_per_mtok", "usd_per_call",
              "fraction_of_api_bill", "calls_per_failure", "usd_per_prompt", "engineer_weeks", "usd_per_year",
              "unpriced")


@dataclass(frozen=True)
class Workload:
    """One month of a product's traffic, with what each hidden cost is driven by."""

    api_usd_per_month: float  # the API bill itself (tokens only)
    requests_per_month: float
    payload_bytes_per_request: float = 15_000  # request + response crossing a paid boundary
    egress_share: float = 1.0  # 0 when the model runs inside your own cloud (Bedrock, Vertex, Azure OpenAI)
    logged_share: float = 1.0  # sampling: the share of requests traced
    log_bytes_per_request: float = 5_000
    spans_per_request: float = 1.0
    suite_calls_per_year: float = 0.0  # offline regression-suite LLM calls
    judge_calls_per_year: float = 0.0  # LLM-as-judge calls grading that suite
    judged_share: float = 0.0  # share of live traffic graded by a judge
    guardrail_calls_per_request: float = 2.0  # input + output
    guardrail_tokens_per_call: float = 500.0
    failure_rate: float = 0.01  # share of calls that fail and are retried
    fallback_rate: float = 0.0  # share of calls routed to a second provider after failing
    pii_tokens_per_request: float = 0.0  # tokens sent through a redaction service
    prompts: float = 0.0  # production prompts to re-tune per migration
    migrations_per_year: float = 0.0
    engineer_week_usd: float = 0.0  # only for the engineer-weeks lock-in row

    def __post_init__(self) -> None:
        for name in ("egress_share", "logged_share", "judged_share", "failure_rate", "fallback_rate"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{name} is a share and must be in [0, 1], got {v}")
        for name, v in self.__dict__.items():
            if v < 0:
                raise ValueError(f"{name} must not be negative, got {v}")


# How each (vector, rate unit) turns a workload into a monthly quantity, and what the quantity
# scales with: "volume" (requests, hence the bill at a fixed request shape), "failure" (the bill
# times the failure rate), "fallback" (the bill times the fallback rate), "bill", or "fixed".
Driver = Callable[[Workload], float]
DRIVERS: dict[tuple[str, str], tuple[str, Driver]] = {
    ("egress", "usd_per_gb"): ("volume", lambda w: w.requests_per_month * w.egress_share
                               * w.payload_bytes_per_request / BYTES_PER_GB),
    ("observability", "usd_per_gb"): ("volume", lambda w: w.requests_per_month * w.logged_share
                                      * w.log_bytes_per_request / BYTES_PER_GB),
    ("observability", "usd_per_span"): ("volume", lambda w: w.requests_per_month * w.logged_share
                                        * w.spans_per_request),
    ("observability", "usd_per_request"): ("volume", lambda w: w.requests_per_month * w.logged_share),
    ("eval", "usd_per_call"): ("fixed", lambda w: w.suite_calls_per_year / MONTHS_PER_YEAR),
    # Judge calls: the suite's graded calls (fixed) plus graded live traffic (volume); split below.
    ("eval_judge", "usd_per_call"): ("volume", lambda w: w.requests_per_month * w.judged_share),
    ("guardrails", "usd_per_mtok"): ("volume", lambda w: w.requests_per_month * w.guardrail_calls_per_request
                                     * w.guardrail_tokens_per_call / TOKENS_PER_MTOK),
    ("guardrails", "usd_per_request"): ("volume", lambda w: w.requests_per_month),
    # A retry re-sends a whole call, so it costs an average call: the bill times the failure rate.
    ("retries", "calls_per_failure"): ("failure", lambda w: w.api_usd_per_month * w.failure_rate),
    # A fallback pays for the failed call and the fallback call; the failed one is the extra.
    ("fallback", "calls_per_failure"): ("fallback", lambda w: w.api_usd_per_month * w.fallback_rate),
    ("lock_in", "usd_per_prompt"): ("fixed", lambda w: w.prompts * w.migrations_per_year / MONTHS_PER_YEAR),
    ("lock_in", "engineer_weeks"): ("fixed", lambda w: w.engineer_week_usd * w.migrations_per_year
                                    / MONTHS_PER_YEAR),
    ("compliance", "usd_per_year"): ("fixed", lambda w: 1 / MONTHS_PER_YEAR),
    ("pii_redaction", "usd_per_mtok"): ("volume", lambda w: w.requests_per_month * w.pii_tokens_per_request
                                        / TOKENS_PER_MTOK),
}
_JUDGE_SUITE = ("fixed", lambda w: w.judge_calls_per_year / MONTHS_PER_YEAR)


def _quantity(vector: str, unit: str, workload: Workload) -> float:
    if unit == "unpriced":
        return 0.0
    if unit == "fraction_of_api_bill":
        return workload.api_usd_per_month
    try:
        _, driver = DRIVERS[(vector, unit)]
    except KeyError:
        raise KeyError(f"no driver for vector '{vector}' priced in '{unit}'") from None
    extra = _JUDGE_SUITE[1](workload) if vector == "eval_judge" else 0.0
    return float(driver(workload)) + extra


def monthly_costs(rows: pd.DataFrame, workload: Workload) -> pd.DataFrame:
    """Every row's monthly cost at the low and high end of its rate, and as a share of the API bill."""
    quantity = np.array([_quantity(v, u, workload) for v, u in zip(rows["vector"], rows["rate_unit"])], dtype=float)
    low = rows["rate_low"].fillna(0).to_numpy(dtype=float) * quantity
    high = rows["rate_high"].fillna(0).to_numpy(dtype=float) * quantity
    bill = workload.api_usd_per_month
    out = rows[["cost_id", "vector", "section", "what", "rate_unit", "rate_low", "rate_high", "book_uses"]].copy()
    out["quantity_per_month"] = quantity
    out["usd_per_month_low"] = low
    out["usd_per_month_high"] = high
    out["share_low"] = low / bill if bill else np.nan
    out["share_high"] = high / bill if bill else np.nan
    return out.reset_index(drop=True)


def book_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The one row per vector the book prices with (book_uses), in file order."""
    return rows[rows["book_uses"]].reset_index(drop=True)


def by_vector(costs: pd.DataFrame) -> pd.DataFrame:
    """Monthly cost per vector (summing rows, e.g. suite calls and judge calls under eval)."""
    merged = costs.assign(vector=costs["vector"].replace({"eval_judge": "eval"}))
    return merged.groupby("vector", sort=False)[["usd_per_month_low", "usd_per_month_high",
                                                 "share_low", "share_high"]].sum().reset_index()


def total_overhead(costs: pd.DataFrame) -> tuple[float, float]:
    """Total hidden cost per month at the low and the high end of every rate."""
    return float(costs["usd_per_month_low"].sum()), float(costs["usd_per_month_high"].sum())


def scaling_terms(rows: pd.DataFrame, workload: Workload) -> pd.DataFrame:
    """Each row's cost split so a browser can recompute it for another bill and failure rate.

    Requests scale with the bill at a fixed request shape, so every cost is
    ``per_bill * bill + per_failure * failure_rate * bill + fixed`` (per month, at each end).
    ``monthly_costs`` at any such workload equals this sum (tested)."""
    bill = workload.api_usd_per_month
    if bill <= 0:
        raise ValueError("scaling terms need a positive API bill to scale from")
    fixed_w = replace(workload, api_usd_per_month=0.0, requests_per_month=0.0)
    at = monthly_costs(rows, workload)
    at_fixed = monthly_costs(rows, fixed_w)
    out = at[["cost_id", "vector", "what", "rate_unit"]].copy()
    kind = np.array([DRIVERS.get((v, u), ("bill",))[0] for v, u in zip(rows["vector"], rows["rate_unit"])])
    failure = kind == "failure"
    for end in ("low", "high"):
        fixed = at_fixed[f"usd_per_month_{end}"].to_numpy()
        variable = at[f"usd_per_month_{end}"].to_numpy() - fixed
        out[f"fixed_{end}"] = fixed
        out[f"per_bill_{end}"] = np.where(failure, 0.0, variable / bill)
        # A retry row costs rate x bill x failure rate: its term per unit of both is the rate itself.
        out[f"per_failure_{end}"] = np.where(failure, rows[f"rate_{end}"].fillna(0).to_numpy(dtype=float), 0.0)
    return out


def from_terms(terms: pd.DataFrame, api_usd_per_month: float, failure_rate: float, end: str) -> np.ndarray:
    """Monthly cost of each row rebuilt from :func:`scaling_terms` (what the page's chart computes)."""
    return (terms[f"per_bill_{end}"].to_numpy() * api_usd_per_month
            + terms[f"per_failure_{end}"].to_numpy() * failure_rate * api_usd_per_month
            + terms[f"fixed_{end}"].to_numpy())


def what_if(rows: pd.DataFrame, workload: Workload, **changes: float) -> pd.DataFrame:
    """The per-vector table for the workload with some inputs changed (the Jupyter widgets' logic).

    Changing the API bill scales requests with it (same request shape)."""
    if "api_usd_per_month" in changes and "requests_per_month" not in changes and workload.api_usd_per_month:
        changes["requests_per_month"] = (workload.requests_per_month * changes["api_usd_per_month"]
                                         / workload.api_usd_per_month)
    return _by_vector_direct(book_rows(rows), replace(workload, **changes))


def _group_sum(values: list[float]) -> float:
    """A sum as pandas' groupby ``sum`` does it: NaN skipped, Kahan-compensated, in order."""
    total = compensation = 0.0
    for v in values:
        if v != v:  # NaN
            continue
        y = v - compensation
        t = total + y
        compensation = t - total - y
        if compensation != compensation:  # inf - inf
            compensation = 0.0
        total = t
    return total


def _by_vector_direct(rows: pd.DataFrame, workload: Workload) -> pd.DataFrame:
    """``by_vector(monthly_costs(rows, workload))`` without the intermediate frames (same numbers).

    The what-if reruns on every slider move, and copying the per-row frame and grouping it took most
    of its time; here the few rows are summed per vector in plain Python, exactly as pandas sums them.
    """
    quantity = np.array([_quantity(v, u, workload) for v, u in zip(rows["vector"], rows["rate_unit"])], dtype=float)
    bill = workload.api_usd_per_month
    columns: dict[str, np.ndarray] = {}
    for end in ("low", "high"):
        rate = rows[f"rate_{end}"].to_numpy(dtype=float)
        usd = np.where(np.isnan(rate), 0.0, rate) * quantity
        columns[f"usd_per_month_{end}"] = usd
        columns[f"share_{end}"] = usd / bill if bill else np.full(len(usd), np.nan)
    names = ("usd_per_month_low", "usd_per_month_high", "share_low", "share_high")
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(rows["vector"]):
        if isinstance(v, str):  # groupby drops missing keys
            groups.setdefault("eval" if v == "eval_judge" else v, []).append(i)
    return pd.DataFrame({"vector": list(groups),
                         **{n: [_group_sum([float(columns[n][i]) for i in idx]) for idx in groups.values()]
                            for n in names}})


# --- The guide's small worked figures ---------------------------------------------------------

def retry_multiplier(failure_rate: float, retries_per_failure: float) -> float:
    """Cost of a workload with retries relative to one without: 1 + failure rate x retries.

    This is the guide's own model: every call that fails once fails all its retries too (a
    persistent failure, or a bug). It is what the guide's arithmetic rests on, so a chapter uses it
    to redo the guide's sums; :func:`independent_retry_multiplier` is the model to check them by."""
    if not 0 <= failure_rate <= 1 or retries_per_failure < 0:
        raise ValueError("failure_rate must be in [0, 1] and retries_per_failure >= 0")
    return 1.0 + failure_rate * retries_per_failure


def independent_retry_multiplier(per_attempt_failure_rate: float, max_retries: int) -> float:
    """Cost with retries relative to one without when each attempt fails independently.

    A call is retried only while it keeps failing: with a chance ``p`` that any one attempt fails
    and at most ``max_retries`` retries, retry k is made with probability p**k, so the expected
    billed attempts are 1 + p + p**2 + ... + p**max_retries. Retries stop at the first success,
    which is why three retries at a 1 % failure rate add about 1 %, not 3 %."""
    p = float(per_attempt_failure_rate)
    if not 0 <= p <= 1 or max_retries < 0 or int(max_retries) != max_retries:
        raise ValueError("per_attempt_failure_rate must be in [0, 1] and max_retries a whole number >= 0")
    n = int(max_retries)
    if p == 1:
        return float(1 + n)
    return float((1 - p ** (n + 1)) / (1 - p))


def fallback_reliability(*availabilities: float) -> float:
    """Chance a request is served by at least one provider, assuming independent failures."""
    a = np.asarray(availabilities, dtype=float)
    if np.any((a < 0) | (a > 1)):
        raise ValueError("availabilities must be in [0, 1]")
    return float(1 - np.prod(1 - a))


def history_tokens(turns: int, tokens_per_turn: float, carry_history: bool = True) -> float:
    """Input tokens a conversation bills over ``turns`` turns.

    With the whole history carried, turn k re-sends k turns' worth: the total grows with the
    square of the turn count. With a fixed window, each turn sends the same amount."""
    if turns < 0 or tokens_per_turn < 0:
        raise ValueError("turns and tokens_per_turn must not be negative")
    return float(tokens_per_turn * (turns * (turns + 1) / 2 if carry_history else turns))


def inertia_premium(competitor_discount: float) -> float:
    """What staying costs over the competitor's price, when the competitor is cheaper by a share."""
    if not 0 <= competitor_discount < 1:
        raise ValueError("competitor_discount must be in [0, 1)")
    return 1 / (1 - competitor_discount) - 1


# --- Rate limits: a cost that shows as outages, not on the bill ------------------------------------

LIMIT_COLUMNS = {"requests_per_min": "requests", "tokens_per_min": "tokens",
                 "input_tokens_per_min": "input tokens", "output_tokens_per_min": "output tokens"}


def rate_limit_overshoot(limits: pd.DataFrame, requests_per_min: float, input_tokens_per_request: float,
                         output_tokens_per_request: float) -> pd.DataFrame:
    """How many times each stated cap a steady workload needs, and which cap binds first.

    A ratio above 1 means the default tier throttles the workload (429s) before any spike."""
    demand = {"requests_per_min": requests_per_min,
              "tokens_per_min": requests_per_min * (input_tokens_per_request + output_tokens_per_request),
              "input_tokens_per_min": requests_per_min * input_tokens_per_request,
              "output_tokens_per_min": requests_per_min * output_tokens_per_request}
    capped = limits[limits[list(LIMIT_COLUMNS)].notna().any(axis=1)].reset_index(drop=True)
    out = capped[["limit_id", "provider", "model", "tier"]].copy()
    ratios = pd.DataFrame({col: demand[col] / capped[col].astype(float) for col in LIMIT_COLUMNS})
    for col in LIMIT_COLUMNS:
        out[f"over_{col}"] = ratios[col]
    out["binding"] = ratios.idxmax(axis=1).map(LIMIT_COLUMNS)
    out["overshoot"] = ratios.max(axis=1)
    return out
