"""Two price lists side by side: what moved, and whether the guide's headline claims still hold.

All functions take "book" price frames (one row per provider and model, the rows the book
uses) as loaded by ``lib.data.tables.load_api_prices(..., book_rows_only=True)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.costs import api

Model = tuple[str, str]  # (provider, model)


def _row(prices: pd.DataFrame, model: Model) -> pd.DataFrame:
    row = prices[(prices["provider"] == model[0]) & (prices["model"] == model[1])]
    if len(row) != 1:
        raise KeyError(f"no single price row for {model[0]} {model[1]} "
                       f"in {prices.attrs.get('source_file', 'the price table')}")
    return row


def price_changes(guide: pd.DataFrame, now: pd.DataFrame, *, input_tokens: float, output_tokens: float
                  ) -> pd.DataFrame:
    """Every model in both lists: the guide's and today's prices, the change, and one request's cost.

    ``imported`` says whether today's row came from a feed (its ``as_of`` differs from the
    guide's row) or is still the guide's own (the model did not import).
    """
    # Plain arrays rather than a merge and column-by-column assignment: the chapter's what-if
    # calls this on every slider move (target 20 ms), and the frame operations cost ~50 ms.
    # Same rows and order as an inner merge on (provider, model): the guide's order, then today's.
    where_now: dict[tuple[str, str], list[int]] = {}
    for j, key in enumerate(zip(now["provider"].to_numpy(), now["model"].to_numpy())):
        where_now.setdefault(key, []).append(j)
    pairs = [(i, j) for i, key in enumerate(zip(guide["provider"].to_numpy(), guide["model"].to_numpy()))
             for j in where_now.get(key, [])]
    gi = np.array([i for i, _ in pairs], dtype=np.intp)
    ni = np.array([j for _, j in pairs], dtype=np.intp)
    out: dict[str, np.ndarray] = {"provider": guide["provider"].to_numpy()[gi], "model": guide["model"].to_numpy()[gi]}
    for side, frame, idx in (("guide", guide, gi), ("now", now, ni)):
        out[f"input_{side}"] = frame["input_usd_per_mtok"].to_numpy(dtype=float, na_value=np.nan)[idx]
        out[f"output_{side}"] = frame["output_usd_per_mtok"].to_numpy(dtype=float, na_value=np.nan)[idx]
        # A plain request at list prices: no cache, batch or long-context tier on either side.
        out[f"request_{side}"] = api.request_cost_usd(
            api.Rates.flat(out[f"input_{side}"], out[f"output_{side}"]),
            input_tokens=input_tokens, output_tokens=output_tokens)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["input_change"] = out["input_now"] / out["input_guide"] - 1
        out["output_change"] = out["output_now"] / out["output_guide"] - 1
        out["request_change"] = out["request_now"] / out["request_guide"] - 1
    out["imported"] = now["price_id"].to_numpy()[ni] != guide["price_id"].to_numpy()[gi]
    # sort_values(["request_change", "provider", "model"], kind="stable"): NaN last, ties kept in order.
    order = np.lexsort((out["model"].astype(str), out["provider"].astype(str), out["request_change"]))
    return pd.DataFrame({k: pd.Series(v[order], dtype=guide[k].dtype) if k in ("provider", "model") else v[order]
                         for k, v in out.items()})


def price_ratio(prices: pd.DataFrame, numerator: Model, denominator: Model,
                column: str = "input_usd_per_mtok") -> float:
    """How many times dearer one model's price is than another's."""
    return float(_row(prices, numerator)[column].iloc[0]) / float(_row(prices, denominator)[column].iloc[0])


def _list_price_costs(prices: pd.DataFrame, models: list[Model], input_tokens: float, output_tokens: float
                      ) -> list[float]:
    """Tokens at list prices, the guide's arithmetic: no cache, batch or long-context tier applies."""
    rows = pd.concat([_row(prices, m) for m in models])
    rates = api.Rates.flat(rows["input_usd_per_mtok"].astype(float), rows["output_usd_per_mtok"].astype(float))
    return [float(c) for c in api.request_cost_usd(rates, input_tokens=input_tokens, output_tokens=output_tokens)]


def cheapest(prices: pd.DataFrame, models: list[Model], *, input_tokens: float, output_tokens: float
             ) -> tuple[Model, float]:
    """The model that serves these tokens for least at list prices, and the cost (ties: first listed)."""
    costs = _list_price_costs(prices, models, input_tokens, output_tokens)
    best = int(np.argmin(costs))
    return models[best], costs[best]


def spread(prices: pd.DataFrame, models: list[Model], *, input_tokens: float, output_tokens: float) -> float:
    """Dearest over cheapest cost of the same tokens across ``models``, at list prices."""
    costs = _list_price_costs(prices, models, input_tokens, output_tokens)
    return max(costs) / min(costs)


def cache_discount_ranking(prices: pd.DataFrame, models: list[Model]) -> pd.DataFrame:
    """Models ordered by how much a cache read saves against the input price (largest first)."""
    rows = []
    for m in models:
        r = _row(prices, m).iloc[0]
        cached = r["cached_input_usd_per_mtok"]
        discount = np.nan if pd.isna(cached) else 1 - float(cached) / float(r["input_usd_per_mtok"])
        rows.append({"provider": m[0], "model": m[1], "cache_discount": discount})
    ranked = pd.DataFrame(rows).sort_values("cache_discount", ascending=False, kind="stable", na_position="last")
    return ranked.reset_index(drop=True)


def ranking_text(ranked: pd.DataFrame, label: str = "model", value: str = "cache_discount") -> str:
    """'A (90.0%) > B (75.2%) = C (75.2%)': ties shown as ties, a missing value last as 'no cache price'."""
    parts: list[str] = []
    previous = None
    for _, r in ranked.iterrows():
        v = r[value]
        shown = "no cache price" if pd.isna(v) else f"{v:.1%}"
        sep = "" if previous is None else (" = " if (pd.isna(v) and pd.isna(previous)) or v == previous else " > ")
        parts.append(f"{sep}{r[label]} ({shown})")
        previous = v
    return "".join(parts)


def price_ratio_range(prices: pd.DataFrame, numerator: Model, denominator: Model) -> tuple[float, float]:
    """The input-price and output-price ratios of two models, lower first: a sentence that one model
    is "N times cheaper" than another, input and output alike, is checked against both ends."""
    ratios = [price_ratio(prices, numerator, denominator, column)
              for column in ("input_usd_per_mtok", "output_usd_per_mtok")]
    return min(ratios), max(ratios)


# --- The guide's price tables against each other -------------------------------------------------
# The guide prices most models twice: in its first per-provider tear-down (one table per provider,
# plus the Llama host table) and in a second, bulleted tear-down near the end. A price in one is
# checked against the same model's price in the other; a disagreement is the guide contradicting
# itself. Rows of data/api_prices.csv name the tables they transcribe in ``source``.
TEAR_DOWN_1 = "Per-provider 2026 pricing tear-down"
TEAR_DOWN_2 = "Per-provider 2026 pricing tear-down: every model, every tier"
# Price fields both tear-downs print, and for which providers (a shared data row carries fields
# that only one table states: Opus's 1-hour cache write, DeepSeek R1's cached input, Gemini's
# long-context cached input; those are not paired).
PAIRED_FIELDS = {
    "input_usd_per_mtok": "input", "output_usd_per_mtok": "output",
    "cached_input_usd_per_mtok": "cached", "cache_write_5m_usd_per_mtok": "write5m",
    "long_input_usd_per_mtok": "long_input", "long_output_usd_per_mtok": "long_output",
    "cache_write_1h_usd_per_mtok": "write1h", "long_cached_input_usd_per_mtok": "long_cached",
}
_FIELD_PROVIDERS = {"cached": ("OpenAI", "Anthropic", "Google"), "write5m": ("Anthropic",), "write1h": (), "long_cached": ()}
# What each table says a field is, as a multiple of the same table's input price (the prose beside
# the table: OpenAI's cached input "~25%" in the first, "10% of input price" in the second;
# Anthropic's cache read "~10%" in both; Google's cached read "~25%" and "2× rate above 200k").
TABLE_RULES = {
    (1, "OpenAI", "cached"): 0.25, (1, "Anthropic", "cached"): 0.10, (1, "Google", "cached"): 0.25,
    (1, "Google", "long_input"): 2.0, (2, "OpenAI", "cached"): 0.10, (2, "Anthropic", "cached"): 0.10,
}


def _in_table(prices: pd.DataFrame, table: str) -> pd.Series:
    return prices["source"].fillna("").str.split("; ").map(lambda tables_: table in tables_)


def tear_down_checks(prices: pd.DataFrame) -> pd.DataFrame:
    """Each price both tear-downs state for a model, as two claims, one per table.

    Rows: ``claim_id`` (``ap_td1_<price_id>_<field>`` / ``ap_td2_...``, the td1 row's price_id with
    '_' for '-'), ``table`` (1 or 2), provider, model, field, ``stated`` (this table's price),
    ``other`` (the other table's price: the independent check) and ``rule`` (the price the table's
    own prose rule gives from its input price, NaN where it states none: the arithmetic check).
    """
    one, two = prices[_in_table(prices, TEAR_DOWN_1)], prices[_in_table(prices, TEAR_DOWN_2)]
    pairs = one.merge(two, on=["provider", "model"], suffixes=("_1", "_2"))
    rows = []
    for column, field in PAIRED_FIELDS.items():
        allowed = pairs["provider"].isin(_FIELD_PROVIDERS.get(field, pairs["provider"].unique()))
        both = pairs[allowed & pairs[f"{column}_1"].notna() & pairs[f"{column}_2"].notna()]
        for side, other in ((1, 2), (2, 1)):
            base = "output_usd_per_mtok" if field == "long_output" else "input_usd_per_mtok"
            ratio = both["provider"].map(lambda p, s=side: TABLE_RULES.get((s, p, field), np.nan))
            if field == "long_output":
                ratio = both["provider"].map(lambda p, s=side: TABLE_RULES.get((s, p, "long_input"), np.nan))
            rows.append(pd.DataFrame({
                "claim_id": f"ap_td{side}_" + both["price_id_1"].str.replace("-", "_") + f"_{field}",
                "table": side, "provider": both["provider"], "model": both["model"], "field": field,
                "stated": both[f"{column}_{side}"].astype(float), "other": both[f"{column}_{other}"].astype(float),
                "rule": ratio.astype(float) * both[f"{base}_{side}"].astype(float),
            }))
    return pd.concat(rows, ignore_index=True)


def price_span(prices: pd.DataFrame, price_ids: list[str], fields: list[str]) -> tuple[float, float]:
    """Least and most of ``fields`` (input/output/...) over the named price rows: a table cell that
    prints a range, or a point, about those models is checked against both ends."""
    rows = prices.set_index("price_id").loc[list(price_ids)]
    values = rows[[c for c, f in PAIRED_FIELDS.items() if f in fields]].to_numpy(dtype=float).ravel()
    values = values[~np.isnan(values)]
    if not len(values):
        raise ValueError(f"no {fields} price in rows {price_ids}")
    return float(values.min()), float(values.max())


# The guide's two headline price tables ("Hosted API pricing in 2026" and the side-by-side
# comparison) print a price or a range per model family; each cell is checked, end by end, against
# the rows of the per-provider tear-down (and its Llama host table, or the 15-model table for
# Mixtral) that the cell is about. claim_id -> (price_ids of data/api_prices.csv, fields).
_LLAMA_70B_HOSTS = tuple(f"{h}-llama-3-3-70b" for h in ("together", "fireworks", "deepinfra", "bedrock", "groq"))
_LLAMA_8B_HOSTS = tuple(f"{h}-llama-3-1-8b" for h in ("together", "fireworks", "deepinfra", "bedrock", "groq"))
_HEADLINE_MODELS = {
    "gpt5_o3": ("openai-gpt-5", "openai-o3"), "gpt4o_omini": ("openai-gpt-4o", "openai-gpt-4o-mini", "openai-o3-mini", "openai-o4-mini"),
    "opus": ("anthropic-claude-opus-4x",), "sonnet": ("anthropic-claude-sonnet-4-6",), "haiku": ("anthropic-claude-haiku-4-5",),
    "flash": ("google-gemini-2-5-flash",), "llama70b": _LLAMA_70B_HOSTS, "llama8b": _LLAMA_8B_HOSTS,
    "v3": ("deepseek-deepseek-v3",), "r1": ("deepseek-deepseek-r1",), "mixtral": ("fireworks-mixtral-8x22b",),
    "gpt4o": ("openai-gpt-4o",), "o3": ("openai-o3",),
}
HEADLINE_CELLS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    **{f"ap_hosted_{m}_{f}": (rows, (f,)) for m, rows in _HEADLINE_MODELS.items() if m not in ("gpt4o", "o3")
       for f in ("input", "output")},
    "ap_hosted_gemini_pro_input": (("google-gemini-2-5-pro",), ("input", "long_input")),
    "ap_hosted_gemini_pro_output": (("google-gemini-2-5-pro",), ("output", "long_output")),
    "ap_hosted_groq": (("groq-llama-3-1-8b", "groq-llama-3-1-70b", "groq-llama-3-3-70b"), ("input", "output")),
    **{f"ap_side_{m}_{f}": (_HEADLINE_MODELS[m], (f,))
       for m in ("flash", "llama8b", "llama70b", "sonnet", "gpt4o", "r1", "o3", "opus") for f in ("input", "output")},
}


def headline_spans(prices: pd.DataFrame) -> pd.DataFrame:
    """Each headline-table cell's claim_id with the least and most price of the rows it is about."""
    spans = [(cid, *price_span(prices, list(rows), list(fields))) for cid, (rows, fields) in HEADLINE_CELLS.items()]
    return pd.DataFrame(spans, columns=["claim_id", "low", "high"])


def _cell(prices: pd.DataFrame, price_id: str, field: str) -> float:
    column = next(c for c, f in PAIRED_FIELDS.items() if f == field) if field in PAIRED_FIELDS.values() \
        else f"{field}_usd_per_mtok"
    return float(prices.set_index("price_id").at[price_id, column])


def _share(prices: pd.DataFrame, price_ids: list[str], of: str = "cached", base: str = "input") -> tuple[float, float]:
    """Least and most of one price as a share of another over rows: a table's "cached at ~25 %"."""
    shares = [_cell(prices, p, of) / _cell(prices, p, base) for p in price_ids]
    return min(shares), max(shares)


def tear_down_rule_checks(prices: pd.DataFrame, terms: pd.DataFrame, *, thinking_tokens_o3_high: float = 20_000,
                          thinking_budget_opus: float = 16_000) -> pd.DataFrame:
    """The tear-downs' cells and rules that have no twin in the other tear-down: each against the
    table's own rule (arithmetic) and what the guide prints elsewhere (truth). Rows: claim_id,
    arithmetic, arithmetic_high, truth, truth_high (NaN where a check does not exist).

    ``terms`` are data/provider_terms.csv rows (batch discounts, cache shares the guide states
    in its batch and caching sections)."""
    c = lambda p, f: _cell(prices, p, f)  # noqa: E731 - a short name keeps the table below readable
    term = terms.set_index("term_id")["value"].astype(float)
    td1_openai = ["openai-gpt-5", "openai-gpt-5-mini", "openai-o3", "openai-o3-mini", "openai-o4-preview",
                  "openai-gpt-4o", "openai-gpt-4o-mini"]
    anth1 = ["anthropic-claude-opus-4x", "anthropic-claude-sonnet-4-6", "anthropic-claude-haiku-4-5"]
    anth2 = ["anthropic-claude-opus-4x", "anthropic-claude-sonnet-4-6", "anthropic-claude-haiku-4-5-teardown2"]
    google1 = ["google-gemini-2-5-pro", "google-gemini-2-5-flash", "google-gemini-2-5-flash-lite"]
    offpeak = [("deepseek-deepseek-v3", "input"), ("deepseek-deepseek-v3", "output"),
               ("deepseek-deepseek-r1", "input"), ("deepseek-deepseek-r1", "output")]
    offpeak_off = [1 - c(p, f"offpeak_{f}") / c(p, f) for p, f in offpeak]
    nan = np.nan
    rows = {  # claim_id: (arithmetic, arithmetic_high, truth, truth_high)
        **{f"ap_td1_{p.replace('-', '_')}_cached": (TABLE_RULES[(1, "OpenAI", "cached")] * c(p, "input"), nan, nan, nan)
           for p in ("openai-o3", "openai-o3-mini", "openai-o4-preview", "openai-gpt-4o-mini")},
        "ap_td1_openai_gpt_4o_cached": (0.25 * c("openai-gpt-4o", "input"), nan, c("openai-gpt-4o-caching-example", "cached"), nan),
        "ap_td1_openai_gpt_4o_vision_cached": (0.25 * c("openai-gpt-4o", "input"), nan, nan, nan),
        **{f"ap_td1_openai_gpt_4o_vision_{f}": (c("openai-gpt-4o", f), nan, c("openai-gpt-4o-vision-example", f), nan)
           for f in ("input", "output")},
        **{f"ap_td1_{p.replace('-', '_')}_{f}": (nan, nan, c(p, f), nan)  # cells the 15-model table repeats
           for p in ("openai-gpt-4o", "openai-gpt-4o-mini", "deepinfra-llama-3-1-8b") for f in ("input", "output")},
        **{f"ap_td1_bedrock_llama_3_3_70b_{f}": (nan, nan, c("bedrock-llama-3-3-70b-procurement", f), nan)
           for f in ("input", "output")},
        "ap_td1_google_gemini_2_5_pro_long_cached": (0.25 * c("google-gemini-2-5-pro", "long_input"), nan, nan, nan),
        "ap_td1_google_gemini_2_5_flash_lite_cached": (0.25 * c("google-gemini-2-5-flash-lite", "input"), nan, nan, nan),
        "ap_td1_openai_o3_thinking_rate": (nan, nan, c("openai-o3-teardown2", "output"), nan),
        "ap_td1_openai_o3_high_query": (thinking_tokens_o3_high * c("openai-o3", "output") / 1e6, nan,
                                        thinking_tokens_o3_high * c("openai-o3-teardown2", "output") / 1e6, nan),
        "ap_td1_anthropic_opus_thinking": (thinking_budget_opus * c("anthropic-claude-opus-4x", "output") / 1e6, nan,
                                           thinking_budget_opus * c("anthropic-claude-opus-4x", "output") / 1e6, nan),
        "ap_td1_openai_cache_share": (*_share(prices, td1_openai), *_share(prices, ["openai-gpt-5-teardown2", "openai-gpt-5-mini-teardown2"])),
        "ap_td2_openai_cache_share": (*_share(prices, ["openai-gpt-5-teardown2"]), *_share(prices, td1_openai)),
        "ap_td1_anthropic_cache_share": (*_share(prices, anth1), *_share(prices, anth2)),
        "ap_td2_anthropic_cache_share": (*_share(prices, anth2[:1]), *_share(prices, anth1[:1])),
        "ap_td1_anthropic_1h_multiple": (nan, nan, *_share(prices, anth2, of="write1h", base="write5m")),
        **{f"ap_td2_{p1.replace('-', '_')}_write1h": (nan, nan, 2 * c(p1, "write5m"), nan) for p1 in anth1},
        "ap_td1_google_cache_share": (*_share(prices, google1), term["google-cache-read"], nan),
        "ap_td1_google_long_multiple": (min(_share(prices, google1[:1], "long_input", "input") + _share(prices, google1[:1], "long_output", "output")),
                                        max(_share(prices, google1[:1], "long_input", "input") + _share(prices, google1[:1], "long_output", "output")),
                                        *_share(prices, google1[:1], "long_input", "input")),
        "ap_td1_google_storage_day": (0.1 * 24 * term["google-cache-storage-flash"], nan, nan, nan),
        "ap_td1_google_storage_pro": (nan, nan, term["google-cache-storage-pro"], nan),
        **{f"ap_td{t}_{p.lower()}_batch": (nan, nan, term[f"{p.lower()}-batch-discount"], nan)
           for t in (1, 2) for p in ("OpenAI", "Anthropic", "Google")},
        "ap_td1_deepseek_offpeak": (min(offpeak_off), max(offpeak_off), term["deepseek-offpeak"], nan),
        "ap_td2_deepseek_offpeak": (nan, nan, min(offpeak_off), max(offpeak_off)),
        **{f"ap_td1_{p.replace('-', '_')}_offpeak_{f}": (0.5 * c(p, f), nan, nan, nan) for p, f in offpeak},
        **{f"ap_td1_{p.replace('-', '_')}_cached": (nan, nan, term["deepseek-cache-read"] * c(p, "input"), nan)
           for p in ("deepseek-deepseek-v3", "deepseek-deepseek-r1", "deepseek-deepseek-coder-v3")},
        "ap_td1_deepseek_r1_vs_o3": (c("openai-o3", "input") / c("deepseek-deepseek-r1", "input"), nan,
                                     c("openai-o3-teardown2", "input") / c("deepseek-deepseek-r1", "input"), nan),
        **{f"ap_td2_openai_gpt_5_long_{f}": (nan, nan, c("openai-gpt-5", f), nan) for f in ("input", "output", "cached")},
        # The second tear-down bills the Realtime API's text "at GPT-4o rates".
        **{f"ap_td1_openai_realtime_text_{f}": (nan, nan, c("openai-gpt-4o", f), nan) for f in ("input", "output")},
    }
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["arithmetic", "arithmetic_high", "truth", "truth_high"])
    # A range whose two ends are the same number is a point.
    for end in ("arithmetic", "truth"):
        out.loc[np.isclose(out[f"{end}_high"], out[end]), f"{end}_high"] = np.nan
    return out.rename_axis("claim_id").reset_index()
