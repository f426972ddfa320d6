"""The guide's mental model: a monthly bill from one line, and levers that multiply."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

TOKENS_PER_MTOK = 1_000_000


def monthly_cost_usd(
    users: npt.ArrayLike,
    messages_per_user_per_month: npt.ArrayLike,
    input_tokens_per_message: npt.ArrayLike,
    output_tokens_per_message: npt.ArrayLike,
    input_usd_per_mtok: npt.ArrayLike,
    output_usd_per_mtok: npt.ArrayLike,
    retry_factor: npt.ArrayLike = 1.0,
) -> np.ndarray:
    """users x messages x (input x input price + output x output price) x retry factor."""
    retry = np.asarray(retry_factor, dtype=float)
    if np.any(retry < 1):
        raise ValueError("retry_factor must be >= 1 (1 = no retries)")
    per_message = (np.asarray(input_tokens_per_message, dtype=float) * np.asarray(input_usd_per_mtok, dtype=float)
                   + np.asarray(output_tokens_per_message, dtype=float)
                   * np.asarray(output_usd_per_mtok, dtype=float)) / TOKENS_PER_MTOK
    return (np.asarray(users, dtype=float) * np.asarray(messages_per_user_per_month, dtype=float)
            * per_message * retry)


def output_share_of_cost(input_tokens: npt.ArrayLike, output_tokens: npt.ArrayLike,
                         input_usd_per_mtok: npt.ArrayLike, output_usd_per_mtok: npt.ArrayLike) -> np.ndarray:
    """The share of a request's cost that is output tokens (0..1)."""
    inp = np.asarray(input_tokens, dtype=float) * np.asarray(input_usd_per_mtok, dtype=float)
    out = np.asarray(output_tokens, dtype=float) * np.asarray(output_usd_per_mtok, dtype=float)
    return out / (inp + out)


def lever_stack(multipliers: npt.ArrayLike) -> float:
    """The combined multiplier of levers that act independently: their product."""
    m = np.asarray(multipliers, dtype=float)
    if np.any((m <= 0) | (m > 1)):
        raise ValueError("each lever multiplier must be in (0, 1]")
    return float(np.prod(m))


def lever_waterfall(levers: pd.DataFrame, baseline_usd: float, multiplier_column: str = "multiplier") -> pd.DataFrame:
    """Cost after each lever in turn: one row per lever with cost before, after and the saving."""
    mult = levers[multiplier_column].to_numpy(dtype=float)
    lever_stack(mult)  # validates
    after = baseline_usd * np.cumprod(mult)
    before = np.concatenate([[baseline_usd], after[:-1]])
    return pd.DataFrame({
        "lever": levers["lever"].to_numpy(),
        "multiplier": mult,
        "usd_before": before,
        "usd_after": after,
        "usd_saved": before - after,
        "cumulative_multiplier": np.cumprod(mult),
    })


def request_cost_ratio(a_input_tokens: npt.ArrayLike, a_output_tokens: npt.ArrayLike,
                       b_input_tokens: npt.ArrayLike, b_output_tokens: npt.ArrayLike,
                       output_to_input_price_ratio: npt.ArrayLike) -> np.ndarray:
    """Cost of request shape A over shape B on a model whose output costs k x its input."""
    k = np.asarray(output_to_input_price_ratio, dtype=float)
    return ((np.asarray(a_input_tokens, dtype=float) + np.asarray(a_output_tokens, dtype=float) * k)
            / (np.asarray(b_input_tokens, dtype=float) + np.asarray(b_output_tokens, dtype=float) * k))


def price_ratio_for_request_cost_ratio(a_input_tokens: float, a_output_tokens: float, b_input_tokens: float,
                                       b_output_tokens: float, target_ratio: float) -> float:
    """The output/input price ratio k at which shape A costs ``target_ratio`` x shape B (NaN if none >= 0)."""
    denominator = target_ratio * b_output_tokens - a_output_tokens
    if denominator == 0:
        return float("nan")
    k = (a_input_tokens - target_ratio * b_input_tokens) / denominator
    return float(k) if k >= 0 else float("nan")
