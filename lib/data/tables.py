"""The schema of every CSV in ``data/`` and a validated loader for each.

Nothing downstream reads a CSV any other way: a chapter calls ``load_api_prices(path)`` and
gets a typed DataFrame, or a DataValidationError naming file, row, column and reason.
``data/README.md`` documents the same columns for people.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from lib.data.paths import resolve
from lib.data.validation import Column, DataValidationError, Problem, TableSpec, load_table

# Sane bounds. The largest per-token price the guide names is $80/M (realtime audio out);
# the smallest non-zero is $0.006/M (Flash-Lite cached). A per-thousand price typed into a
# per-million column lands 1000x too small, below MIN_PRICE.
MAX_PRICE_USD_PER_MTOK = 1000.0
MIN_PRICE_USD_PER_MTOK = 0.001
_PRICE = dict(kind="float", min=0.0, max=MAX_PRICE_USD_PER_MTOK,
              min_nonzero=MIN_PRICE_USD_PER_MTOK, unit_hint="USD per million tokens")


def _price(name: str, nullable: bool = True) -> Column:
    return Column(name, nullable=nullable, **_PRICE)  # type: ignore[arg-type]


_PROVENANCE = (Column("source"), Column("as_of", kind="month"))


def _one_book_row(group: tuple[str, ...]):
    """Exactly one row of each group is the one the book uses; the others say why not."""

    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        problems: list[Problem] = []
        for key, rows in frame.groupby(list(group), dropna=False, sort=False):
            key = key if isinstance(key, tuple) else (key,)
            shown = ", ".join(f"{g}={'' if pd.isna(k) else k}" for g, k in zip(group, key))
            used = rows[rows["book_uses"] == True]  # noqa: E712 (object column of bools)
            if len(used) != 1:
                problems.append(Problem(label, f"{len(used)} rows marked book_uses=true for {shown}; "
                                               "exactly one must be", int(rows["_row"].iloc[0]), "book_uses"))
            if len(rows) > 1:
                for _, r in rows[rows["choice_note"].isna()].iterrows():
                    problems.append(Problem(label, f"{shown} has {len(rows)} rows, so each needs a choice_note "
                                                   "saying why it is or is not the one used",
                                            int(r["_row"]), "choice_note"))
        return problems

    return check


def _not_above(low: str, high: str, what: str):
    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        bad = frame[frame[low].notna() & frame[high].notna() & (frame[low].astype(float) > frame[high].astype(float))]
        return [Problem(label, f"{low} {r[low]} is above {high} {r[high]} ({what})", int(r["_row"]), low)
                for _, r in bad.iterrows()]

    return check


def _together(columns: tuple[str, ...]):
    """These columns are either all filled or all blank."""

    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        filled = frame[list(columns)].notna()
        partial = filled.any(axis=1) & ~filled.all(axis=1)
        problems = []
        for idx in frame.index[partial]:
            blank = [c for c in columns if not filled.loc[idx, c]]
            problems.append(Problem(label, f"{', '.join(blank)} blank while {', '.join(c for c in columns if c not in blank)} "
                                           "are set: give all or none", int(frame.loc[idx, "_row"]), blank[0]))
        return problems

    return check


def _cache_read_not_dearer(frame: pd.DataFrame, label: str) -> list[Problem]:
    bad = frame[frame["cached_input_usd_per_mtok"].notna()
                & (frame["cached_input_usd_per_mtok"].astype(float) > frame["input_usd_per_mtok"].astype(float))]
    return [Problem(label, f"cached input {r['cached_input_usd_per_mtok']} costs more than input "
                           f"{r['input_usd_per_mtok']}: a cache hit can never cost more than a miss",
                    int(r["_row"]), "cached_input_usd_per_mtok") for _, r in bad.iterrows()]


# A real row has output at or above $0.05/M (the cheapest in the guide is $0.06); a row with
# input under a cent and output under that is a per-thousand price list read as per-million.
PER_THOUSAND_INPUT_BELOW = 0.01
PER_THOUSAND_OUTPUT_BELOW = 0.05


def _looks_per_thousand(frame: pd.DataFrame, label: str) -> list[Problem]:
    inp = frame["input_usd_per_mtok"].astype(float)
    out = frame["output_usd_per_mtok"].astype(float)
    suspect = (inp > 0) & (inp < PER_THOUSAND_INPUT_BELOW) & (out < PER_THOUSAND_OUTPUT_BELOW)
    return [Problem(label, f"input {r['input_usd_per_mtok']} and output {r['output_usd_per_mtok']} USD per million "
                           "tokens are both implausibly low: these look like per-thousand-token prices",
                    int(r["_row"]), "input_usd_per_mtok") for _, r in frame[suspect].iterrows()]


API_PRICES = TableSpec(
    name="API prices",
    columns=(
        Column("price_id"), Column("provider"), Column("model"), Column("tier", nullable=True),
        Column("open_weight", kind="bool"), Column("book_uses", kind="bool"),
        _price("input_usd_per_mtok", nullable=False), _price("output_usd_per_mtok", nullable=False),
        _price("cached_input_usd_per_mtok"), _price("cache_write_5m_usd_per_mtok"),
        _price("cache_write_1h_usd_per_mtok"),
        Column("batch_discount_frac", kind="float", nullable=True, min=0.0, max=0.95),
        Column("long_context_threshold_tokens", kind="int", nullable=True, min=1000, max=10_000_000),
        _price("long_input_usd_per_mtok"), _price("long_output_usd_per_mtok"),
        _price("long_cached_input_usd_per_mtok"),
        Column("long_context_rule", nullable=True, choices=("whole_request", "above_threshold_only")),
        _price("offpeak_input_usd_per_mtok"), _price("offpeak_output_usd_per_mtok"),
        Column("offpeak_start_utc", kind="time", nullable=True), Column("offpeak_end_utc", kind="time", nullable=True),
        Column("decode_tokens_per_s", kind="float", nullable=True, min=1, max=100_000),
        Column("serving_hardware", nullable=True),
        *_PROVENANCE, Column("choice_note", nullable=True), Column("notes", nullable=True),
    ),
    key=("price_id",),
    checks=(
        _one_book_row(("provider", "model")),
        _looks_per_thousand,
        _cache_read_not_dearer,
        _together(("long_context_threshold_tokens", "long_input_usd_per_mtok", "long_output_usd_per_mtok",
                   "long_context_rule")),
        _together(("offpeak_input_usd_per_mtok", "offpeak_output_usd_per_mtok", "offpeak_start_utc",
                   "offpeak_end_utc")),
    ),
)

API_PRICE_BANDS = TableSpec(
    name="API price bands",
    columns=(
        Column("band_id"), Column("scope"),
        _price("input_usd_per_mtok_low"), _price("input_usd_per_mtok_high"),
        _price("output_usd_per_mtok_low"), _price("output_usd_per_mtok_high"),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("band_id",),
    checks=(_not_above("input_usd_per_mtok_low", "input_usd_per_mtok_high", "a range's low end"),
            _not_above("output_usd_per_mtok_low", "output_usd_per_mtok_high", "a range's low end")),
)

PROVIDER_TERMS = TableSpec(
    name="provider billing terms",
    columns=(
        Column("term_id"), Column("provider"),
        Column("term", choices=(
            "batch_discount_frac", "cache_read_frac_of_input", "cache_write_5m_multiplier",
            "cache_write_1h_multiplier", "cache_min_prefix_tokens", "cache_ttl_minutes_low",
            "cache_ttl_minutes_high", "cache_storage_usd_per_mtok_hour", "offpeak_discount_frac",
            "long_context_input_multiplier", "batch_max_requests", "batch_max_file_mb")),
        Column("model", nullable=True), Column("value", kind="float", min=0.0, max=1e7),
        Column("book_uses", kind="bool"), *_PROVENANCE,
        Column("choice_note", nullable=True), Column("notes", nullable=True),
    ),
    key=("term_id",),
    checks=(_one_book_row(("provider", "term", "model")),),
)

HARDWARE_SPECS = TableSpec(
    name="accelerator specs",
    columns=(
        Column("accelerator"), Column("vendor"), Column("memory_type"),
        Column("hbm_gb", kind="float", min=1, max=2000),
        Column("hbm_tb_per_s", kind="float", min=0.05, max=100),
        Column("dense_bf16_tflops", kind="float", min=1, max=100_000),
        Column("dense_fp8_tflops", kind="float", nullable=True, min=1, max=100_000),
        Column("tdp_kw", kind="float", nullable=True, min=0.01, max=10), *_PROVENANCE,
    ),
    key=("accelerator",),
)

HARDWARE_PLATFORMS = TableSpec(
    name="hardware platforms",
    columns=(
        Column("platform_id"), Column("platform"), Column("accelerator"),
        Column("accelerators_per_node", kind="int", min=1, max=100_000),
        Column("capex_usd_low", kind="float", min=100, max=1e9),
        Column("capex_usd_high", kind="float", min=100, max=1e9),
        Column("power_kw", kind="float", min=0.01, max=10_000),
        Column("rental_usd_per_hour_low", kind="float", nullable=True, min=0.01, max=10_000),
        Column("rental_usd_per_hour_high", kind="float", nullable=True, min=0.01, max=10_000),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("platform_id",),
    checks=(_not_above("capex_usd_low", "capex_usd_high", "a range's low end"),
            _not_above("rental_usd_per_hour_low", "rental_usd_per_hour_high", "a range's low end"),
            _together(("rental_usd_per_hour_low", "rental_usd_per_hour_high"))),
)

USED_GPU_PRICES = TableSpec(
    name="used accelerator prices",
    columns=(
        Column("accelerator"),
        Column("used_usd_per_gpu_low", kind="float", min=100, max=1e6),
        Column("used_usd_per_gpu_high", kind="float", min=100, max=1e6),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("accelerator",),
    checks=(_not_above("used_usd_per_gpu_low", "used_usd_per_gpu_high", "a range's low end"),),
)


def _value_or_range(frame: pd.DataFrame, label: str) -> list[Problem]:
    has_value = frame["guide_value"].notna()
    has_range = frame["guide_low"].notna() & frame["guide_high"].notna()
    return [Problem(label, "give guide_value, or both guide_low and guide_high", int(r["_row"]), "guide_value")
            for _, r in frame[~has_value & ~has_range].iterrows()]


# What a claim's figure is recomputed from; it names the kind of error a miss beyond rounding is
# (lib.book.guide.verdict_category): guide_inputs -> wrong arithmetic, guide_elsewhere -> contradicts
# another section, roofline_ceiling -> physically impossible, outside_data -> disagrees with outside data.
CHECKED_AGAINST = ("guide_inputs", "guide_elsewhere", "roofline_ceiling", "outside_data")

GUIDE_CLAIMS = TableSpec(
    name="the guide's stated figures",
    columns=(
        Column("claim_id"), Column("chapter"), Column("quote"), Column("unit"),
        Column("guide_value", kind="float", nullable=True, min=-1e15, max=1e15),
        Column("guide_low", kind="float", nullable=True, min=-1e15, max=1e15),
        Column("guide_high", kind="float", nullable=True, min=-1e15, max=1e15),
        Column("inputs", nullable=True),
        Column("checked_against", choices=CHECKED_AGAINST),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("claim_id",),
    checks=(_value_or_range, _not_above("guide_low", "guide_high", "a range's low end")),
)

COST_LEVERS = TableSpec(
    name="cost levers",
    columns=(
        Column("lever_id"), Column("lever"), Column("example"),
        Column("multiplier", kind="float", min=0.001, max=1.0),
        Column("multiplier_low", kind="float", nullable=True, min=0.001, max=1.0),
        Column("multiplier_high", kind="float", nullable=True, min=0.001, max=1.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("lever_id",),
    checks=(_not_above("multiplier_low", "multiplier_high", "a range's low end"),
            _not_above("multiplier_low", "multiplier", "the low end of the range"),
            _not_above("multiplier", "multiplier_high", "the high end of the range")),
)

REASONING_EFFORT = TableSpec(
    name="reasoning effort tiers",
    columns=(
        Column("effort_id"), Column("model"), Column("effort"),
        Column("avg_thinking_tokens", kind="int", min=0, max=1_000_000),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("effort_id",),
)

SELFHOST_SCENARIOS = TableSpec(
    name="self-hosting scenarios",
    columns=(
        Column("scenario_id"), Column("platform_id"),
        Column("hourly_usd", kind="float", min=0.01, max=10_000),
        Column("output_tokens_per_s", kind="float", min=0.1, max=10_000_000),
        Column("input_tokens_per_s", kind="float", nullable=True, min=0.1, max=100_000_000),
        Column("utilisation", kind="float", min=0.001, max=1.0),
        Column("ops_usd_per_year", kind="float", min=0.0, max=1e9),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("scenario_id",),
)

_MARKUP = re.compile(r"[<>]")


def _no_markup(columns: tuple[str, ...]):
    """Names end up in pages and reports; angle brackets in them are markup, not a model name."""
    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        return [Problem(label, f"'{r[c]}' contains < or >: a name cannot carry markup", int(r["_row"]), c)
                for c in columns for _, r in frame.iterrows() if isinstance(r[c], str) and _MARKUP.search(r[c])]
    return check


def _some_feed_key(frame: pd.DataFrame, label: str) -> list[Problem]:
    none = frame[frame["litellm_key"].isna() & frame["openrouter_id"].isna()]
    return [Problem(label, "give the model's key in at least one feed (litellm_key or openrouter_id)",
                    int(r["_row"]), "litellm_key") for _, r in none.iterrows()]


PRICE_FEED_MAP = TableSpec(
    name="price feed map",
    columns=(
        Column("provider"), Column("model"), Column("litellm_key", nullable=True),
        Column("openrouter_id", nullable=True), *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("provider", "model"),
    checks=(_no_markup(("provider", "model", "litellm_key", "openrouter_id")), _some_feed_key),
)

# What an import could not take as a plain price (written beside each snapshot in data/snapshots/).
FEED_ISSUES = TableSpec(
    name="price feed import report",
    columns=(
        Column("provider"), Column("model"), Column("feed_key"), Column("field", nullable=True),
        Column("value", nullable=True),
        Column("kind", choices=("rejected_model", "rejected_field", "missing_field", "vanished")),
        Column("reason"),
    ),
    key=("provider", "model", "field", "kind"),
)

CACHE_TERMS = TableSpec(
    name="prompt-cache mechanics",
    columns=(
        Column("cache_id"), Column("provider"), Column("model", nullable=True),
        Column("trigger", choices=("automatic", "explicit")), Column("trigger_detail"),
        Column("ttl_minutes_low", kind="float", nullable=True, min=1, max=7 * 24 * 60),
        Column("ttl_minutes_high", kind="float", nullable=True, min=1, max=7 * 24 * 60),
        Column("ttl_text"),
        # A cache read never costs more than input; a write costs at most a few times input.
        Column("read_frac_of_input", kind="float", nullable=True, min=0.0, max=1.0),
        Column("write_5m_multiplier", kind="float", nullable=True, min=0.0, max=10.0),
        Column("write_1h_multiplier", kind="float", nullable=True, min=0.0, max=10.0),
        Column("min_prefix_tokens", kind="int", nullable=True, min=0, max=10_000_000),
        Column("storage_usd_per_mtok_hour", kind="float", nullable=True, min=0.0, max=1000.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("cache_id",),
    checks=(_not_above("ttl_minutes_low", "ttl_minutes_high", "a range's low end"),),
)

TABLES: dict[str, TableSpec] = {
    "api_prices.csv": API_PRICES,
    "api_price_bands.csv": API_PRICE_BANDS,
    "provider_terms.csv": PROVIDER_TERMS,
    "hardware_specs.csv": HARDWARE_SPECS,
    "hardware_platforms.csv": HARDWARE_PLATFORMS,
    "used_gpu_prices.csv": USED_GPU_PRICES,
    "guide_claims.csv": GUIDE_CLAIMS,
    "cost_levers.csv": COST_LEVERS,
    "reasoning_effort.csv": REASONING_EFFORT,
    "selfhost_scenarios.csv": SELFHOST_SCENARIOS,
    "price_feed_map.csv": PRICE_FEED_MAP,
    "cache_terms.csv": CACHE_TERMS,
}


def load(path: str | Path, spec: TableSpec) -> pd.DataFrame:
    return load_table(resolve(path), spec)


def load_api_prices(path: str | Path = "data/api_prices.csv", *, book_rows_only: bool = False) -> pd.DataFrame:
    """Every stated price row, or only the rows the book uses (one per provider and model)."""
    frame = load(path, API_PRICES)
    return frame[frame["book_uses"]].copy() if book_rows_only else frame


def load_api_price_bands(path: str | Path = "data/api_price_bands.csv") -> pd.DataFrame:
    return load(path, API_PRICE_BANDS)


def load_provider_terms(path: str | Path = "data/provider_terms.csv") -> pd.DataFrame:
    return load(path, PROVIDER_TERMS)


def load_hardware_specs(path: str | Path = "data/hardware_specs.csv") -> pd.DataFrame:
    return load(path, HARDWARE_SPECS)


def load_hardware_platforms(path: str | Path = "data/hardware_platforms.csv",
                            specs_path: str | Path = "data/hardware_specs.csv") -> pd.DataFrame:
    """Platforms joined to their accelerator's specs; an accelerator with no spec row is an error."""
    platforms = load(path, HARDWARE_PLATFORMS)
    specs = load_hardware_specs(specs_path)
    unknown = platforms[~platforms["accelerator"].isin(specs["accelerator"])]
    if len(unknown):
        raise DataValidationError([
            Problem(str(resolve(path)), f"accelerator '{r['accelerator']}' has no row in {resolve(specs_path)}",
                    int(idx), "accelerator") for idx, r in unknown.iterrows()])
    return platforms.reset_index().merge(specs, on="accelerator", how="left", suffixes=("", "_spec")).set_index("row")


def load_used_gpu_prices(path: str | Path = "data/used_gpu_prices.csv") -> pd.DataFrame:
    return load(path, USED_GPU_PRICES)


def load_guide_claims(path: str | Path = "data/guide_claims.csv") -> pd.DataFrame:
    return load(path, GUIDE_CLAIMS)


def load_cost_levers(path: str | Path = "data/cost_levers.csv") -> pd.DataFrame:
    return load(path, COST_LEVERS)


def load_reasoning_effort(path: str | Path = "data/reasoning_effort.csv") -> pd.DataFrame:
    return load(path, REASONING_EFFORT)


def load_selfhost_scenarios(path: str | Path = "data/selfhost_scenarios.csv") -> pd.DataFrame:
    return load(path, SELFHOST_SCENARIOS)


def load_price_feed_map(path: str | Path = "data/price_feed_map.csv") -> pd.DataFrame:
    return load(path, PRICE_FEED_MAP)


def load_feed_issues(path: str | Path) -> pd.DataFrame:
    """An import report; an import with no issue writes a header-only file, read as an empty table."""
    p = resolve(path)
    if p.exists() and p.read_text(encoding="utf-8").strip().count("\n") == 0:
        return pd.DataFrame(columns=FEED_ISSUES.column_names)
    return load(p, FEED_ISSUES)

def load_cache_terms(path: str | Path = "data/cache_terms.csv") -> pd.DataFrame:
    """How each provider's prompt cache works: trigger, TTL, read/write multipliers, minimum prefix, storage."""
    return load(path, CACHE_TERMS)


def validate_data_dir(data_dir: str | Path = "data") -> dict[str, int]:
    """Validate every known CSV in ``data_dir``; returns rows per file or raises with all problems."""
    base = resolve(data_dir)
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    for filename, spec in TABLES.items():
        try:
            counts[filename] = len(load_table(base / filename, spec))
        except DataValidationError as err:
            problems.extend(err.problems)
    try:
        load_hardware_platforms(base / "hardware_platforms.csv", base / "hardware_specs.csv")
    except DataValidationError as err:
        problems.extend(p for p in err.problems if p not in problems)
    if problems:
        raise DataValidationError(problems)
    return counts


# --- Reasoning, multimodal and long-context chapters (api-chapters-b) ------------------------

def _price_id_known(column: str):
    """Each value of ``column`` names a row of api_prices.csv in the same folder."""

    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        prices_path = Path(label).parent / "api_prices.csv"
        try:
            known = set(load_table(prices_path, API_PRICES)["price_id"])
        except DataValidationError:
            return []  # api_prices.csv reports its own problems
        return [Problem(label, f"price_id '{r[column]}' has no row in {prices_path}", int(r["_row"]), column)
                for _, r in frame[frame[column].notna() & ~frame[column].isin(known)].iterrows()]

    return check


def _divides(divisor: str, dividend: str, what: str):
    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        ok = frame[divisor].notna() & frame[dividend].notna()
        bad = frame[ok & (frame[dividend].where(ok, 1).astype(int) % frame[divisor].where(ok, 1).astype(int) != 0)]
        return [Problem(label, f"{divisor} {r[divisor]} does not divide {dividend} {r[dividend]} ({what})",
                        int(r["_row"]), divisor) for _, r in bad.iterrows()]

    return check


_TOKENS = dict(kind="int", min=0, max=10_000_000)


def _attention_matches_heads(frame: pd.DataFrame, label: str) -> list[Problem]:
    """mha: one KV head per query head; mqa: exactly one KV head; gqa: in between."""
    problems = []
    for _, r in frame[frame["attention"].notna() & frame["kv_heads"].notna() & frame["attention_heads"].notna()].iterrows():
        kv, q, kind = int(r["kv_heads"]), int(r["attention_heads"]), r["attention"]
        ok = {"mha": kv == q, "mqa": kv == 1, "gqa": 1 < kv < q}[kind]
        if not ok:
            problems.append(Problem(label, f"attention '{kind}' does not fit {kv} KV heads for {q} query heads",
                                    int(r["_row"]), "attention"))
    return problems


def _rule_has_its_constants(frame: pd.DataFrame, label: str) -> list[Problem]:
    needs = {"per_pixel": ("pixels_per_token",), "fixed": ("base_tokens",),
             "tiles": ("fit_box_px", "short_side_px", "tile_px", "base_tokens", "tokens_per_tile")}
    return [Problem(label, f"a '{r['rule']}' rule needs {column}", int(r["_row"]), column)
            for _, r in frame[frame["rule"].notna()].iterrows() for column in needs[r["rule"]] if pd.isna(r[column])]



REASONING_EXAMPLES = TableSpec(
    name="reasoning worked examples",
    columns=(
        Column("example_id"), Column("example"), Column("price_id"), Column("effort"),
        Column("input_tokens", **_TOKENS), Column("thinking_tokens", **_TOKENS),  # type: ignore[arg-type]
        Column("visible_output_tokens", **_TOKENS),  # type: ignore[arg-type]
        Column("thinking_cap_tokens", nullable=True, **_TOKENS),  # type: ignore[arg-type]
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("example_id",),
    checks=(_price_id_known("price_id"),
            _not_above("thinking_tokens", "thinking_cap_tokens", "a capped request cannot think past its cap")),
)

REASONING_FRONTIER = TableSpec(
    name="reasoning quality-cost frontier",
    columns=(
        Column("effort"),
        Column("thinking_tokens_low", **_TOKENS), Column("thinking_tokens_high", **_TOKENS),  # type: ignore[arg-type]
        Column("quality_gain_frac_low", kind="float", min=0.0, max=1.0),
        Column("quality_gain_frac_high", kind="float", min=0.0, max=1.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("effort",),
    checks=(_not_above("thinking_tokens_low", "thinking_tokens_high", "a range's low end"),
            _not_above("quality_gain_frac_low", "quality_gain_frac_high", "a range's low end")),
)

REASONING_BUDGET_CLASSES = TableSpec(
    name="reasoning budget per query class",
    columns=(
        Column("query_class"), Column("effort"),
        Column("thinking_tokens_low", **_TOKENS), Column("thinking_tokens_high", **_TOKENS),  # type: ignore[arg-type]
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("query_class",),
    checks=(_not_above("thinking_tokens_low", "thinking_tokens_high", "a range's low end"),),
)

MODEL_SHAPES = TableSpec(
    name="model shapes",
    columns=(
        Column("model_id"), Column("model"),
        Column("attention", choices=("mha", "gqa", "mqa")),
        Column("layers", kind="int", min=1, max=1000),
        Column("hidden_size", kind="int", min=64, max=1_000_000),
        Column("attention_heads", kind="int", min=1, max=10_000),
        Column("kv_heads", kind="int", min=1, max=10_000),
        Column("head_dim", kind="int", min=8, max=4096),
        Column("total_params_billions", kind="float", min=0.01, max=100_000),
        Column("active_params_billions", kind="float", min=0.01, max=100_000),
        Column("max_context_tokens", kind="int", nullable=True, min=512, max=100_000_000),
        *_PROVENANCE, Column("source_url", nullable=True), Column("notes", nullable=True),
    ),
    key=("model_id",),
    checks=(_not_above("kv_heads", "attention_heads", "a model has no more KV heads than query heads"),
            _divides("kv_heads", "attention_heads", "each KV head serves a whole group of query heads"),
            _not_above("active_params_billions", "total_params_billions", "active parameters are a subset"),
            _attention_matches_heads),
)


IMAGE_TOKEN_RULES = TableSpec(
    name="image token rules",
    columns=(
        Column("rule_id"), Column("provider"), Column("rule", choices=("per_pixel", "tiles", "fixed")),
        Column("book_uses", kind="bool"),
        Column("pixels_per_token", kind="float", nullable=True, min=0.01, max=100_000),
        Column("max_long_edge_px", kind="int", nullable=True, min=1, max=100_000),
        Column("max_tokens_per_image", kind="int", nullable=True, min=1, max=10_000_000),
        Column("fit_box_px", kind="int", nullable=True, min=1, max=100_000),
        Column("short_side_px", kind="int", nullable=True, min=1, max=100_000),
        Column("tile_px", kind="int", nullable=True, min=1, max=100_000),
        Column("base_tokens", kind="int", nullable=True, min=0, max=100_000),
        Column("tokens_per_tile", kind="int", nullable=True, min=1, max=100_000),
        *_PROVENANCE, Column("source_url", nullable=True), Column("notes", nullable=True),
    ),
    key=("rule_id",),
    checks=(_rule_has_its_constants,),
)


TABLES.update({
    "reasoning_examples.csv": REASONING_EXAMPLES,
    "reasoning_frontier.csv": REASONING_FRONTIER,
    "reasoning_budget_classes.csv": REASONING_BUDGET_CLASSES,
    "model_shapes.csv": MODEL_SHAPES,
    "image_token_rules.csv": IMAGE_TOKEN_RULES,
})


def load_reasoning_examples(path: str | Path = "data/reasoning_examples.csv") -> pd.DataFrame:
    """The guide's worked reasoning requests; each names the api_prices row it is priced at."""
    return load(path, REASONING_EXAMPLES)


def load_reasoning_frontier(path: str | Path = "data/reasoning_frontier.csv") -> pd.DataFrame:
    return load(path, REASONING_FRONTIER)


def load_reasoning_budget_classes(path: str | Path = "data/reasoning_budget_classes.csv") -> pd.DataFrame:
    return load(path, REASONING_BUDGET_CLASSES)


def load_model_shapes(path: str | Path = "data/model_shapes.csv") -> pd.DataFrame:
    return load(path, MODEL_SHAPES)


def load_image_token_rules(path: str | Path = "data/image_token_rules.csv") -> pd.DataFrame:
    return load(path, IMAGE_TOKEN_RULES)


# --- Owning the hardware: TCO, electricity, cooling, colo (hardware-a) -------------------------

ELECTRICITY_PRICES = TableSpec(
    name="electricity prices by region",
    columns=(
        Column("region_id"), Column("region"),
        # Enterprise rates run from a few cents to well under a dollar; a price in cents per kWh
        # typed into this column (8 instead of 0.08) lands above the maximum.
        Column("usd_per_kwh_low", kind="float", min=0.005, max=2.0),
        Column("usd_per_kwh_high", kind="float", min=0.005, max=2.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("region_id",),
    checks=(_not_above("usd_per_kwh_low", "usd_per_kwh_high", "a range's low end"),),
)

COOLING_OVERHEADS = TableSpec(
    name="cooling overheads",
    columns=(
        Column("cooling"),
        # A share of the power bill; 30% typed as 30 is above the maximum.
        Column("overhead_frac_low", kind="float", min=0.0, max=2.0),
        Column("overhead_frac_high", kind="float", min=0.0, max=2.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("cooling",),
    checks=(_not_above("overhead_frac_low", "overhead_frac_high", "a range's low end"),),
)

COLO_PRICES = TableSpec(
    name="colocation prices",
    columns=(
        Column("tier"),
        Column("usd_per_kw_month_low", kind="float", min=1.0, max=100_000),
        Column("usd_per_kw_month_high", kind="float", min=1.0, max=100_000),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("tier",),
    checks=(_not_above("usd_per_kw_month_low", "usd_per_kw_month_high", "a range's low end"),),
)

TCO_SCENARIOS = TableSpec(
    name="ownership (TCO) scenarios",
    columns=(
        Column("scenario_id"), Column("platform_id"),
        Column("capex_usd", kind="float", min=100, max=1e9),
        Column("years", kind="float", min=0.5, max=20),
        Column("power_kw", kind="float", min=0.01, max=10_000),
        Column("usd_per_kwh", kind="float", min=0.005, max=2.0),
        Column("cooling_overhead_frac", kind="float", min=0.0, max=2.0),
        Column("colo_usd_per_year", kind="float", min=0.0, max=1e9),
        Column("maintenance_usd_per_year", kind="float", min=0.0, max=1e9),
        Column("ops_usd_per_year", kind="float", min=0.0, max=1e9),
        Column("yearly_escalation_frac", kind="float", min=0.0, max=1.0),
        Column("rental_usd_per_hour", kind="float", nullable=True, min=0.01, max=10_000),
        Column("requests_per_s", kind="float", nullable=True, min=0.001, max=1e9),
        Column("tokens_per_request", kind="float", nullable=True, min=1, max=10_000_000),
        Column("utilisation", kind="float", nullable=True, min=0.001, max=1.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("scenario_id",),
    checks=(_together(("requests_per_s", "tokens_per_request", "utilisation")),),
)

TABLES.update({
    "electricity_prices.csv": ELECTRICITY_PRICES,
    "cooling_overheads.csv": COOLING_OVERHEADS,
    "colo_prices.csv": COLO_PRICES,
    "tco_scenarios.csv": TCO_SCENARIOS,
})


def load_electricity_prices(path: str | Path = "data/electricity_prices.csv") -> pd.DataFrame:
    return load(path, ELECTRICITY_PRICES)


def load_cooling_overheads(path: str | Path = "data/cooling_overheads.csv") -> pd.DataFrame:
    return load(path, COOLING_OVERHEADS)


def load_colo_prices(path: str | Path = "data/colo_prices.csv") -> pd.DataFrame:
    return load(path, COLO_PRICES)


def load_tco_scenarios(path: str | Path = "data/tco_scenarios.csv") -> pd.DataFrame:
    return load(path, TCO_SCENARIOS)

# --- Hardware chapters: physical limits (hardware-b) ------------------------------------------

def _known_in(column: str, filename: str, spec: TableSpec, key: str):
    """Each value of ``column`` names a row (by ``key``) of ``filename`` in the same folder."""

    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        other = Path(label).parent / filename
        try:
            known = set(load_table(other, spec)[key])
        except DataValidationError:
            return []  # that file reports its own problems
        return [Problem(label, f"{column} '{r[column]}' has no row in {other}", int(r["_row"]), column)
                for _, r in frame[frame[column].notna() & ~frame[column].isin(known)].iterrows()]

    return check


_PRECISION = dict(choices=("FP32", "FP16", "BF16", "FP8", "INT8", "INT4"))
_CASE_COLUMNS = (
    Column("accelerator"), Column("accelerators", kind="int", min=1, max=100_000),
    Column("model_id"),
    Column("weight_precision", **_PRECISION),  # type: ignore[arg-type]
    Column("kv_precision", **_PRECISION),  # type: ignore[arg-type]
    Column("input_tokens", **_TOKENS), Column("output_tokens", kind="int", min=1, max=10_000_000),  # type: ignore[arg-type]
    Column("batch", kind="int", nullable=True, min=1, max=1_000_000),
)
_CASE_CHECKS = (_known_in("accelerator", "hardware_specs.csv", HARDWARE_SPECS, "accelerator"),
                _known_in("model_id", "model_shapes.csv", MODEL_SHAPES, "model_id"))

THROUGHPUT_CASES = TableSpec(
    name="the setups behind the guide's throughput claims",
    columns=(Column("claim_id"),
             Column("measure", choices=("output_tokens_per_s", "input_tokens_per_s", "requests_per_s")),
             *_CASE_COLUMNS, *_PROVENANCE, Column("notes", nullable=True)),
    key=("claim_id",),
    checks=(*_CASE_CHECKS, _known_in("claim_id", "guide_claims.csv", GUIDE_CLAIMS, "claim_id")),
)

PUBLISHED_THROUGHPUT = TableSpec(
    name="published throughput measurements",
    columns=(Column("measurement_id"), Column("publisher"), Column("software"), *_CASE_COLUMNS,
             Column("output_tokens_per_s", kind="float", min=0.01, max=10_000_000),
             Column("source"), Column("source_url"), Column("as_of", kind="month"), Column("notes", nullable=True)),
    key=("measurement_id",),
    checks=_CASE_CHECKS,
)

TABLES.update({
    "throughput_cases.csv": THROUGHPUT_CASES,
    "published_throughput.csv": PUBLISHED_THROUGHPUT,
})


def load_throughput_cases(path: str | Path = "data/throughput_cases.csv") -> pd.DataFrame:
    """The setup (node, model, precision, request shape, batch) behind each guide throughput claim."""
    return load(path, THROUGHPUT_CASES)


def load_published_throughput(path: str | Path = "data/published_throughput.csv") -> pd.DataFrame:
    """Published tokens/s measurements with their setup and URL, for the roofline cross-check."""
    return load(path, PUBLISHED_THROUGHPUT)


THROUGHPUT_STACK = TableSpec(
    name="the guide's six-step throughput stack",
    columns=(
        Column("step", kind="int", min=0, max=100), Column("step_id"), Column("change"),
        Column("batch", kind="int", min=1, max=1_000_000),
        Column("weight_precision", **_PRECISION),  # type: ignore[arg-type]
        Column("kv_precision", **_PRECISION),  # type: ignore[arg-type]
        Column("prefill_counted", kind="bool"),
        Column("speculative_share", kind="float", nullable=True, min=0.0, max=1.0),
        Column("speculative_speedup", kind="float", nullable=True, min=1.0, max=20.0),
        Column("utilisation", kind="float", min=0.01, max=1.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("step_id",),
    checks=(_together(("speculative_share", "speculative_speedup")),),
)

TABLES["throughput_stack.csv"] = THROUGHPUT_STACK


def load_throughput_stack(path: str | Path = "data/throughput_stack.csv") -> pd.DataFrame:
    """The worked example's steps in order, with the setup each step runs (claims in guide_claims.csv)."""
    return load(path, THROUGHPUT_STACK).sort_values("step").reset_index(drop=True)


# --- Custom silicon and spot (hardware-b) --------------------------------------------------------

CUSTOM_SILICON = TableSpec(
    name="custom-silicon rental examples",
    columns=(
        Column("option_id"), Column("platform"), Column("silicon"),
        Column("hourly_usd", kind="float", min=0.01, max=10_000),
        Column("tokens_per_s", kind="float", nullable=True, min=1, max=10_000_000),
        Column("utilisation", kind="float", min=0.01, max=1.0),
        _price("stated_usd_per_mtok"),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("option_id",),
)

SPOT_MARKET = TableSpec(
    name="spot and preemptible GPU market",
    columns=(
        Column("market_id"), Column("provider"), Column("tier"),
        Column("discount_frac_low", kind="float", min=0.0, max=0.99),
        Column("discount_frac_high", kind="float", min=0.0, max=0.99),
        Column("eviction_per_month_low", kind="float", nullable=True, min=0.0, max=0.99),
        Column("eviction_per_month_high", kind="float", nullable=True, min=0.0, max=0.99),
        Column("eviction_notice_s", kind="float", nullable=True, min=0.0, max=86_400),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("market_id",),
    checks=(_not_above("discount_frac_low", "discount_frac_high", "a range's low end"),
            _not_above("eviction_per_month_low", "eviction_per_month_high", "a range's low end"),
            _together(("eviction_per_month_low", "eviction_per_month_high"))),
)

TABLES.update({"custom_silicon.csv": CUSTOM_SILICON, "spot_market.csv": SPOT_MARKET})


def load_custom_silicon(path: str | Path = "data/custom_silicon.csv") -> pd.DataFrame:
    return load(path, CUSTOM_SILICON)


def load_spot_market(path: str | Path = "data/spot_market.csv") -> pd.DataFrame:
    return load(path, SPOT_MARKET)


BENCH_REALITY = TableSpec(
    name="benchmark against production throughput",
    columns=(
        Column("row_id"), Column("system"), Column("accelerator", nullable=True),
        Column("accelerators", kind="int", nullable=True, min=1, max=100_000),
        Column("bench_tokens_per_s_per_request", kind="float", min=0.1, max=1_000_000),
        Column("real_tokens_per_s_per_request_low", kind="float", min=0.1, max=1_000_000),
        Column("real_tokens_per_s_per_request_high", kind="float", min=0.1, max=1_000_000),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("row_id",),
    checks=(_not_above("real_tokens_per_s_per_request_low", "real_tokens_per_s_per_request_high", "a range's low end"),
            _not_above("real_tokens_per_s_per_request_high", "bench_tokens_per_s_per_request",
                       "production is never faster than the benchmark"),
            _together(("accelerator", "accelerators"))),
)

TABLES["bench_reality.csv"] = BENCH_REALITY


def load_bench_reality(path: str | Path = "data/bench_reality.csv") -> pd.DataFrame:
    return load(path, BENCH_REALITY)


# --- Billing rules and the genai-prices oracle (billing) -----------------------------------------

def _cites_a_page(frame: pd.DataFrame, label: str) -> list[Problem]:
    """A billing rule is the provider's word: its source must link the provider's own page."""
    bad = frame[~frame["source"].astype(str).str.contains("https://", regex=False)]
    return [Problem(label, "source must cite the provider's published page (an https:// address)",
                    int(r["_row"]), "source") for _, r in bad.iterrows()]


def _lists_standard_tier(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = []
    for _, r in frame.iterrows():
        tiers = [t.strip() for t in str(r["service_tiers"]).split(";")]
        if "standard" not in tiers or any(not t for t in tiers):
            problems.append(Problem(label, f"service_tiers '{r['service_tiers']}' must be ';'-separated names "
                                           "including 'standard'", int(r["_row"]), "service_tiers"))
    return problems


def _flex_needs_tier(frame: pd.DataFrame, label: str) -> list[Problem]:
    bad = frame[frame["flex_discount_frac"].notna() & ~frame["service_tiers"].astype(str).str.contains("flex")]
    return [Problem(label, "flex_discount_frac is set but service_tiers lists no flex tier", int(r["_row"]),
                    "flex_discount_frac") for _, r in bad.iterrows()]


def _one_rule_per_provider_model(frame: pd.DataFrame, label: str) -> list[Problem]:
    """One provider row (blank model) and at most one row per model: two would be two stories."""
    seen: dict[tuple[str, str], int] = {}
    problems = []
    for _, r in frame.iterrows():
        key = (r["provider"], "" if pd.isna(r["model"]) else r["model"])
        if key in seen:
            problems.append(Problem(label, f"a second rule row for {key[0]} {key[1] or '(all models)'} "
                                           f"(the first is row {seen[key]})", int(r["_row"]), "model"))
        else:
            seen[key] = int(r["_row"])
    return problems


_FEE = dict(kind="float", nullable=True, min=0.0, max=1000.0, unit_hint="USD per 1,000 calls")

BILLING_RULES = TableSpec(
    name="billing rules",
    columns=(
        Column("rule_id"), Column("provider"), Column("model", nullable=True),
        Column("input_includes_cache_read", kind="bool"), Column("input_includes_cache_write", kind="bool"),
        Column("output_includes_reasoning", kind="bool"), Column("cache_write_billed_as_input", kind="bool"),
        Column("long_context_rule", choices=("whole_request", "above_threshold_only", "none")),
        Column("long_context_counts_cache", kind="bool"),
        Column("batch_discount_applies_to_cache", kind="bool"), Column("batch_discount_applies_to_fees", kind="bool"),
        Column("service_tiers"),
        Column("flex_discount_frac", kind="float", nullable=True, min=0.0, max=0.95),
        Column("web_search_usd_per_k", **_FEE),  # type: ignore[arg-type]
        Column("request_usd_per_k", **_FEE),  # type: ignore[arg-type]
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("provider", "model"),
    checks=(_cites_a_page, _lists_standard_tier, _flex_needs_tier, _one_rule_per_provider_model),
)

GENAI_PRICES_MAP = TableSpec(
    name="genai-prices model map",
    columns=(
        Column("provider"), Column("model"), Column("genai_provider_id"), Column("genai_model_ref"),
        Column("genai_model_id"), *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("provider", "model"),
    checks=(_no_markup(("provider", "model", "genai_provider_id", "genai_model_ref", "genai_model_id")),),
)

BILLING_RULE_DIFFERENCES = TableSpec(
    name="billing rules where the book and genai-prices differ",
    columns=(
        Column("difference_id"), Column("provider"), Column("models"), Column("rule"),
        Column("our_reading"), Column("its_reading"), Column("test"), *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("difference_id",),
    checks=(_cites_a_page,),
)

TABLES.update({"billing_rules.csv": BILLING_RULES, "genai_prices_map.csv": GENAI_PRICES_MAP,
               "billing_rule_differences.csv": BILLING_RULE_DIFFERENCES})


def load_billing_rules(path: str | Path = "data/billing_rules.csv") -> pd.DataFrame:
    """One row per provider (per model where a model differs): how usage is counted and billed."""
    return load(path, BILLING_RULES)


def load_genai_prices_map(path: str | Path = "data/genai_prices_map.csv") -> pd.DataFrame:
    return load(path, GENAI_PRICES_MAP)


def load_billing_rule_differences(path: str | Path = "data/billing_rule_differences.csv") -> pd.DataFrame:
    return load(path, BILLING_RULE_DIFFERENCES)
