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
from lib.data.validation import Column, DataValidationError, Problem, TableSpec, load_table, not_above

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


_not_above = not_above


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
        Column("kind", choices=("rejected_model", "rejected_field", "missing_field", "vanished", "duplicate")),
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
    return load_table(resolve(path), FEED_ISSUES, header_only_ok=True)

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
from lib.data.unit_tables import UNIT_PRICES, load_unit_prices  # noqa: E402,F401  (per-unit prices)
TABLES["unit_prices.csv"] = UNIT_PRICES
from lib.data.guide_tables import (GUIDE_CLAIMS, GUIDE_FIGURES, TRUTH_KINDS,  # noqa: E402,F401  (the guide's figures)
                                   load_guide_figures)
TABLES["guide_figures.csv"] = GUIDE_FIGURES
TABLES["guide_claims.csv"] = GUIDE_CLAIMS


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


# --- Hidden costs, privacy and the value index (ch-hidden) -----------------------------------

HIDDEN_RATE_UNITS = ("usd_per_gb", "usd_per_span", "usd_per_request", "usd_per_mtok", "usd_per_call",
                     "fraction_of_api_bill", "calls_per_failure", "usd_per_prompt", "engineer_weeks",
                     "usd_per_year", "unpriced")


def _hidden_rates_fit_unit(frame: pd.DataFrame, label: str) -> list[Problem]:
    """An unpriced row has no rate; every other row has both ends; a share is at most 1."""
    problems: list[Problem] = []
    for _, r in frame.iterrows():
        unpriced = r["rate_unit"] == "unpriced"
        for end in ("rate_low", "rate_high"):
            if unpriced and pd.notna(r[end]):
                problems.append(Problem(label, f"{end} is set but rate_unit is 'unpriced'", int(r["_row"]), end))
            elif not unpriced and pd.isna(r[end]):
                problems.append(Problem(label, f"{end} is blank but rate_unit is '{r['rate_unit']}': "
                                               "a priced row needs both ends", int(r["_row"]), end))
            elif r["rate_unit"] == "fraction_of_api_bill" and pd.notna(r[end]) and float(r[end]) > 1:
                problems.append(Problem(label, f"{r[end]} is above 1 for a share of the API bill "
                                               "(is it a percentage?)", int(r["_row"]), end))
    return problems


HIDDEN_COSTS = TableSpec(
    name="hidden costs on top of the API bill",
    columns=(
        Column("cost_id"), Column("vector"), Column("section", choices=("vectors", "catalogue")),
        Column("what"), Column("rate_unit", choices=HIDDEN_RATE_UNITS),
        Column("rate_low", kind="float", nullable=True, min=0.0, max=1e7),
        Column("rate_high", kind="float", nullable=True, min=0.0, max=1e7),
        Column("book_uses", kind="bool"), Column("choice_note", nullable=True),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("cost_id",),
    checks=(_not_above("rate_low", "rate_high", "a range's low end"), _hidden_rates_fit_unit,
            _one_book_row(("vector",))),
)

PROVIDER_PRIVACY = TableSpec(
    name="provider privacy properties",
    columns=(
        Column("provider_id"), Column("provider"), Column("offering"), Column("retention"),
        Column("retention_days_max", kind="float", nullable=True, min=0.0, max=3650),
        Column("trains_on_data", choices=("no", "no_paid_tiers", "not_applicable", "unknown")),
        Column("private_deployment", kind="bool"), Column("private_deployment_how"),
        Column("region_control", choices=("full_control", "configurable", "us_eu", "eu_available", "us_only")),
        Column("self_hosted", kind="bool"),
        Column("companion_tier", choices=("full_control", "enterprise", "limited")),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("provider_id",),
)


def _params_fit_basis(frame: pd.DataFrame, label: str) -> list[Problem]:
    """A stated or estimated count has both ends (stated: equal); an unknown one has none."""
    problems: list[Problem] = []
    for _, r in frame.iterrows():
        lo, hi = r["total_params_billions_low"], r["total_params_billions_high"]
        if r["params_basis"] == "unknown":
            if pd.notna(lo) or pd.notna(hi):
                problems.append(Problem(label, "a parameter count is given but params_basis is 'unknown'",
                                        int(r["_row"]), "params_basis"))
        elif pd.isna(lo) or pd.isna(hi):
            problems.append(Problem(label, f"params_basis is '{r['params_basis']}' but the count is blank",
                                    int(r["_row"]), "total_params_billions_low" if pd.isna(lo)
                                    else "total_params_billions_high"))
        elif r["params_basis"] == "stated" and float(lo) != float(hi):
            problems.append(Problem(label, "a stated count is one number: low and high must be equal",
                                    int(r["_row"]), "total_params_billions_high"))
    return problems


def _one_price_source(frame: pd.DataFrame, label: str) -> list[Problem]:
    """A model is priced either from the book's price table (price_model) or here, never both."""
    problems: list[Problem] = []
    for _, r in frame.iterrows():
        own = pd.notna(r["input_usd_per_mtok"]) or pd.notna(r["output_usd_per_mtok"])
        if pd.notna(r["price_model"]) and own:
            problems.append(Problem(label, "priced twice: price_model names a row of the price table and a "
                                           "price is given here too", int(r["_row"]), "input_usd_per_mtok"))
        if own and pd.isna(r["price_source"]):
            problems.append(Problem(label, "a price without a price_source", int(r["_row"]), "price_source"))
    return problems


MODEL_PARAMS = TableSpec(
    name="parameter counts (stated or estimated) and prices for the value index",
    columns=(
        Column("model_id"), Column("model"), Column("provider"), Column("price_model", nullable=True),
        _price("input_usd_per_mtok"), _price("output_usd_per_mtok"), Column("price_source", nullable=True),
        Column("params_basis", choices=("stated", "estimated", "unknown")),
        Column("total_params_billions_low", kind="float", nullable=True, min=0.01, max=100_000),
        Column("total_params_billions_high", kind="float", nullable=True, min=0.01, max=100_000),
        Column("architecture", choices=("dense", "moe", "unknown")),
        Column("context_tokens", kind="int", nullable=True, min=1000, max=100_000_000),
        Column("companion_rank", kind="int", nullable=True, min=1, max=100),
        Column("companion_value_class", nullable=True, choices=("under", "fair", "over")),
        *_PROVENANCE, Column("source_url", nullable=True), Column("notes", nullable=True),
    ),
    key=("model_id",),
    checks=(_not_above("total_params_billions_low", "total_params_billions_high", "a range's low end"),
            _params_fit_basis, _one_price_source,
            _together(("input_usd_per_mtok", "output_usd_per_mtok"))),
)

TABLES.update({
    "hidden_costs.csv": HIDDEN_COSTS,
    "provider_privacy.csv": PROVIDER_PRIVACY,
    "model_params.csv": MODEL_PARAMS,
})


def load_hidden_costs(path: str | Path = "data/hidden_costs.csv") -> pd.DataFrame:
    """Rates of the costs on top of the API bill, one row per vector and way the guide states it."""
    return load(path, HIDDEN_COSTS)


def load_provider_privacy(path: str | Path = "data/provider_privacy.csv") -> pd.DataFrame:
    return load(path, PROVIDER_PRIVACY)


def load_model_params(path: str | Path = "data/model_params.csv") -> pd.DataFrame:
    """Parameter counts with their basis (stated / estimated / unknown), for the value index."""
    return load(path, MODEL_PARAMS)

RATE_LIMITS = TableSpec(
    name="provider rate limits",
    columns=(
        Column("limit_id"), Column("provider"), Column("model"), Column("tier"),
        # Per-minute caps; a per-second or per-day figure typed here lands out of these bounds rarely,
        # so the README names the unit and the chapter shows each cap beside its demand.
        Column("requests_per_min", kind="float", nullable=True, min=1, max=10_000_000),
        Column("tokens_per_min", kind="float", nullable=True, min=100, max=1e10),
        Column("input_tokens_per_min", kind="float", nullable=True, min=100, max=1e10),
        Column("output_tokens_per_min", kind="float", nullable=True, min=100, max=1e10),
        Column("qualify_spend_usd", kind="float", nullable=True, min=0, max=1e9),
        Column("qualify_days", kind="float", nullable=True, min=0, max=3650),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("limit_id",),
)

TABLES["rate_limits.csv"] = RATE_LIMITS


def load_rate_limits(path: str | Path = "data/rate_limits.csv") -> pd.DataFrame:
    """The guide's default per-minute caps and what it says qualifies for higher tiers."""
    return load(path, RATE_LIMITS)
# --- Routing and adaptation (ch-routing) ---------------------------------------------------------

ROUTER_ROLES = ("baseline", "classifier", "route", "first_try", "escalation")


def _one_baseline_per_pattern(frame: pd.DataFrame, label: str) -> list[Problem]:
    """A pattern's saving is measured against exactly one baseline row."""
    problems = []
    for pattern, g in frame.groupby("pattern", sort=False):
        n = int((g["role"] == "baseline").sum())
        if n != 1:
            problems.append(Problem(label, f"pattern '{pattern}' has {n} baseline rows: give exactly one",
                                    int(g["_row"].iloc[0]), "role"))
    return problems


def _route_shares_add_to_one(frame: pd.DataFrame, label: str) -> list[Problem]:
    """A split router sends every query somewhere: its route shares add up to 1."""
    problems = []
    routes = frame[frame["role"] == "route"]
    for pattern, g in routes.groupby("pattern", sort=False):
        total = float(g["traffic_share"].sum())
        if abs(total - 1.0) > 1e-6:
            problems.append(Problem(label, f"route shares of pattern '{pattern}' add up to {total:g}, not 1",
                                    int(g["_row"].iloc[-1]), "traffic_share"))
    return problems


def _escalation_needs_first_try(frame: pd.DataFrame, label: str) -> list[Problem]:
    """An escalated share is a share of queries first tried on a cheaper model, tried on every query."""
    problems = []
    for pattern, g in frame[frame["role"] == "escalation"].groupby("pattern", sort=False):
        first = frame[(frame["pattern"] == pattern) & (frame["role"] == "first_try")]
        if len(first) != 1 or float(first["traffic_share"].iloc[0]) != 1.0:
            problems.append(Problem(label, f"escalation in pattern '{pattern}' needs one first_try row with traffic_share 1",
                                    int(g["_row"].iloc[0]), "role"))
    return problems


ROUTER_PATTERNS = TableSpec(
    name="router patterns",
    columns=(
        Column("row_id"), Column("pattern"), Column("role", choices=ROUTER_ROLES), Column("route"),
        # A share of queries; 70% typed as 70 is above the maximum.
        Column("traffic_share", kind="float", min=0.0, max=1.0, min_nonzero=0.0001),
        Column("price_id"),
        Column("input_tokens", **_TOKENS), Column("output_tokens", **_TOKENS),  # type: ignore[arg-type]
        Column("thinking_tokens", **_TOKENS),  # type: ignore[arg-type]
        Column("accuracy", kind="float", nullable=True, min=0.01, max=1.0),
        Column("stated_usd_per_call", kind="float", nullable=True, min=0.0, max=100.0),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("row_id",),
    checks=(_price_id_known("price_id"), _one_baseline_per_pattern, _route_shares_add_to_one,
            _escalation_needs_first_try),
)

ADAPTATION_COSTS = TableSpec(
    name="prompting, RAG and fine-tuning costs",
    columns=(
        Column("approach_id"), Column("scenario"), Column("approach"), Column("price_id"),
        Column("input_tokens", **_TOKENS), Column("output_tokens", **_TOKENS),  # type: ignore[arg-type]
        Column("extra_input_tokens_low", **_TOKENS), Column("extra_input_tokens_high", **_TOKENS),  # type: ignore[arg-type]
        _price("stated_usd_per_mtok"),
        Column("data_prep_usd_low", kind="float", min=0.0, max=100_000_000),
        Column("data_prep_usd_high", kind="float", min=0.0, max=100_000_000),
        Column("training_usd_low", kind="float", min=0.0, max=100_000_000),
        Column("training_usd_high", kind="float", min=0.0, max=100_000_000),
        # Per chunk, not per million: $100 per million typed here lands above the maximum.
        Column("embed_usd_per_chunk", kind="float", min=0.0, max=0.1),
        Column("corpus_chunks", kind="int", min=0, max=100_000_000_000),
        Column("monthly_fixed_usd", kind="float", min=0.0, max=100_000_000),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("approach_id",),
    checks=(_price_id_known("price_id"),
            _not_above("extra_input_tokens_low", "extra_input_tokens_high", "a range's low end"),
            _not_above("data_prep_usd_low", "data_prep_usd_high", "a range's low end"),
            _not_above("training_usd_low", "training_usd_high", "a range's low end")),
)

TABLES.update({"router_patterns.csv": ROUTER_PATTERNS, "adaptation_costs.csv": ADAPTATION_COSTS})


def load_router_patterns(path: str | Path = "data/router_patterns.csv") -> pd.DataFrame:
    """Router patterns, one row per route; each names the api_prices row it is priced at."""
    return load(path, ROUTER_PATTERNS)


def load_adaptation_costs(path: str | Path = "data/adaptation_costs.csv") -> pd.DataFrame:
    """Setup and per-call inputs of prompting, RAG and fine-tuning, and the guide's 10M-ticket example."""
    return load(path, ADAPTATION_COSTS)
# --- Product unit economics and the cost playbook (ch-product) -----------------------------------

def _has_volume(frame: pd.DataFrame, label: str) -> list[Problem]:
    """A product needs requests per user (for per-user figures) or a yearly volume."""
    missing = frame[frame["requests_per_user_per_month"].isna() & frame["requests_per_year"].isna()]
    return [Problem(label, "give requests_per_user_per_month or requests_per_year: the product has no volume",
                    int(r["_row"]), "requests_per_user_per_month") for _, r in missing.iterrows()]


PRODUCT_EXAMPLES = TableSpec(
    name="the guide's worked product examples",
    columns=(
        Column("product_id"), Column("product"), Column("request_unit"),
        Column("provider"), Column("model"), Column("price_id", nullable=True),
        Column("users", kind="int", nullable=True, min=1, max=10_000_000_000),
        Column("requests_per_user_per_month", kind="float", nullable=True, min=0.0, max=1_000_000),
        Column("requests_per_year", kind="float", nullable=True, min=0.0, max=1e13),
        Column("calls_per_request", kind="int", min=1, max=1_000),
        Column("input_tokens_per_call", **_TOKENS),  # type: ignore[arg-type]
        Column("output_tokens_per_call", **_TOKENS),  # type: ignore[arg-type]
        # A seat price in cents (999 for $9.99) would still pass; per-seat prices above $10k a month do not.
        Column("seat_usd_per_month", kind="float", nullable=True, min=0.0, max=10_000),
        Column("related_chapter", nullable=True),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("product_id",),
    checks=(_has_volume,),
)

PLAYBOOK_LEVERS = TableSpec(
    name="the cost-optimisation playbook's levers",
    columns=(
        Column("rank", kind="int", min=1, max=100), Column("lever_id"), Column("lever"), Column("guide_says"),
        # Savings are fractions of the part of the bill a lever touches: 30% typed as 30 is refused.
        Column("guide_saving_frac_low", kind="float", nullable=True, min=0.0, max=1.0),
        Column("guide_saving_frac_high", kind="float", nullable=True, min=0.0, max=1.0),
        Column("applied_saving_frac", kind="float", min=0.0, max=1.0),
        Column("share_frac", kind="float", min=0.0, max=1.0),
        Column("share_basis", choices=("bill", "input_cost", "output_cost", "self_hosted")),
        Column("min_monthly_usd", kind="float", nullable=True, min=0.0, max=1e12),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("lever_id",),
    checks=(_not_above("guide_saving_frac_low", "guide_saving_frac_high", "a range's low end"),
            _together(("guide_saving_frac_low", "guide_saving_frac_high"))),
)

TABLES.update({"product_examples.csv": PRODUCT_EXAMPLES, "playbook_levers.csv": PLAYBOOK_LEVERS})


def load_product_examples(path: str | Path = "data/product_examples.csv") -> pd.DataFrame:
    return load(path, PRODUCT_EXAMPLES)


def load_playbook_levers(path: str | Path = "data/playbook_levers.csv") -> pd.DataFrame:
    """The fifteen levers in the guide's rank order."""
    return load(path, PLAYBOOK_LEVERS).sort_values("rank").reset_index(drop=True)
# --- Capacity planning and procurement (ch-capacity) -----------------------------------------------

def _one_of(columns: tuple[str, str]):
    """Exactly one of two columns is given (a threshold per month or per year, never both)."""
    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        given = frame[list(columns)].notna().sum(axis=1)
        return [Problem(label, f"give exactly one of {columns[0]} and {columns[1]}", int(r["_row"]), columns[0])
                for _, r in frame[given > 1].iterrows()]
    return check


SIZING_RULES = TableSpec(
    name="capacity sizing rules",
    columns=(
        Column("rule_id"), Column("kind", choices=("strategy", "table")), Column("workload_shape"),
        # Blank = size to the mean load; a share (0.95) typed for a percentile (95) is below the minimum.
        Column("percentile", kind="float", nullable=True, min=1.0, max=100.0),
        Column("headroom_frac", kind="float", min=0.0, max=5.0),
        Column("spike_reserve_multiple", kind="float", nullable=True, min=1.0, max=1000.0),
        Column("why"), *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("rule_id",),
)

TRAFFIC_SHAPES = TableSpec(
    name="traffic shapes",
    columns=(
        Column("shape_id"), Column("shape"), Column("audience"),
        Column("multiple_low", kind="float", min=1.0, max=10_000),
        Column("multiple_high", kind="float", min=1.0, max=10_000),
        Column("times_per_year", kind="float", nullable=True, min=0.0, max=10_000),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("shape_id",),
    checks=(_not_above("multiple_low", "multiple_high", "a range's low end"),),
)

COMMITTED_DISCOUNTS = TableSpec(
    name="committed-use and reserved discounts",
    columns=(
        Column("offer_id"), Column("buys", choices=("gpu_hours", "api_tokens")), Column("provider"),
        # A discount of 30% typed as 30 is above the maximum.
        Column("discount_frac_low", kind="float", min=0.0, max=0.95),
        Column("discount_frac_high", kind="float", min=0.0, max=0.95),
        Column("min_spend_usd_per_month", kind="float", nullable=True, min=0.0, max=1e10),
        Column("min_spend_usd_per_year", kind="float", nullable=True, min=0.0, max=1e11),
        Column("term_months_low", kind="float", nullable=True, min=1.0, max=120.0),
        Column("term_months_high", kind="float", nullable=True, min=1.0, max=120.0),
        Column("schedule", nullable=True), *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("offer_id",),
    checks=(_not_above("discount_frac_low", "discount_frac_high", "a range's low end"),
            _not_above("term_months_low", "term_months_high", "a range's low end"),
            _one_of(("min_spend_usd_per_month", "min_spend_usd_per_year"))),
)

PROCUREMENT_CHANNELS = TableSpec(
    name="procurement channels",
    columns=(
        Column("channel_id"), Column("channel"), Column("kind", choices=("direct", "cloud_bundle", "gateway")),
        Column("covers"),
        # Premium over the direct list price; a discount channel would be negative.
        Column("premium_frac_low", kind="float", min=-0.9, max=2.0),
        Column("premium_frac_high", kind="float", min=-0.9, max=2.0),
        # Blank = a fee the guide mentions without a figure; 0 = no fee.
        Column("fee_usd_per_kcall_low", kind="float", nullable=True, min=0.0, max=100.0),
        Column("fee_usd_per_kcall_high", kind="float", nullable=True, min=0.0, max=100.0),
        Column("hosting_usd_per_month", kind="float", nullable=True, min=0.0, max=1e8),
        Column("hosting_at_calls_per_month", kind="float", nullable=True, min=1.0, max=1e13),
        Column("added_latency_ms_low", kind="float", nullable=True, min=0.0, max=10_000),
        Column("added_latency_ms_high", kind="float", nullable=True, min=0.0, max=10_000),
        Column("negotiated_discount_frac_low", kind="float", nullable=True, min=0.0, max=0.95),
        Column("negotiated_discount_frac_high", kind="float", nullable=True, min=0.0, max=0.95),
        Column("commit_ladder_applies", kind="bool"),
        Column("model_lag_weeks_low", kind="float", nullable=True, min=0.0, max=104),
        Column("model_lag_weeks_high", kind="float", nullable=True, min=0.0, max=104),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("channel_id",),
    checks=(_not_above("premium_frac_low", "premium_frac_high", "a range's low end"),
            _not_above("fee_usd_per_kcall_low", "fee_usd_per_kcall_high", "a range's low end"),
            _not_above("added_latency_ms_low", "added_latency_ms_high", "a range's low end"),
            _not_above("negotiated_discount_frac_low", "negotiated_discount_frac_high", "a range's low end"),
            _not_above("model_lag_weeks_low", "model_lag_weeks_high", "a range's low end"),
            _together(("fee_usd_per_kcall_low", "fee_usd_per_kcall_high")),
            _together(("hosting_usd_per_month", "hosting_at_calls_per_month")),
            _together(("added_latency_ms_low", "added_latency_ms_high")),
            _together(("negotiated_discount_frac_low", "negotiated_discount_frac_high"))),
)

TABLES.update({
    "sizing_rules.csv": SIZING_RULES,
    "traffic_shapes.csv": TRAFFIC_SHAPES,
    "committed_discounts.csv": COMMITTED_DISCOUNTS,
    "procurement_channels.csv": PROCUREMENT_CHANNELS,
})


def load_sizing_rules(path: str | Path = "data/sizing_rules.csv") -> pd.DataFrame:
    return load(path, SIZING_RULES)


def load_traffic_shapes(path: str | Path = "data/traffic_shapes.csv") -> pd.DataFrame:
    return load(path, TRAFFIC_SHAPES)


def load_committed_discounts(path: str | Path = "data/committed_discounts.csv") -> pd.DataFrame:
    return load(path, COMMITTED_DISCOUNTS)


def load_procurement_channels(path: str | Path = "data/procurement_channels.csv") -> pd.DataFrame:
    return load(path, PROCUREMENT_CHANNELS)


def _channel_ids_known(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Every id in the semicolon-separated ``channel_ids`` names a row of procurement_channels.csv."""
    other = Path(label).parent / "procurement_channels.csv"
    try:
        known = set(load_table(other, PROCUREMENT_CHANNELS)["channel_id"])
    except DataValidationError:
        return []  # that file reports its own problems
    problems = []
    for _, r in frame.iterrows():
        unknown = [c for c in str(r["channel_ids"]).split(";") if c.strip() not in known]
        if unknown:
            problems.append(Problem(label, f"channel_ids {', '.join(unknown)} have no row in {other}",
                                    int(r["_row"]), "channel_ids"))
    return problems


PROCUREMENT_PICKS = TableSpec(
    name="which procurement channel for which scenario",
    columns=(Column("pick_id"), Column("scenario"), Column("pick"), Column("channel_ids"),
             *_PROVENANCE, Column("notes", nullable=True)),
    key=("pick_id",),
    checks=(_channel_ids_known,),
)

TABLES["procurement_picks.csv"] = PROCUREMENT_PICKS


def load_procurement_picks(path: str | Path = "data/procurement_picks.csv") -> pd.DataFrame:
    return load(path, PROCUREMENT_PICKS)
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


# --- where price lists disagree (price_sources chapter) ------------------------------------------

PRICE_RATIO_FIELDS = ("cache_read", "cache_write_5m", "cache_write_1h", "batch_input", "batch_output")


def _ratio_list(frame: pd.DataFrame, label: str) -> list[Problem]:
    """expected_ratios is a ';'-separated list of positive numbers (a price as a multiple of its base)."""
    problems = []
    for _, r in frame.iterrows():
        parts = [p.strip() for p in str(r["expected_ratios"]).split(";")]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            problems.append(Problem(label, f"'{r['expected_ratios']}' is not a ';'-separated list of numbers",
                                    int(r["_row"]), "expected_ratios"))
            continue
        if any(not (0 < v <= 10) for v in values):
            problems.append(Problem(label, f"'{r['expected_ratios']}': every ratio must lie in (0, 10]",
                                    int(r["_row"]), "expected_ratios"))
    return problems


PRICE_RATIO_NORMS = TableSpec(
    name="usual price ratios",
    columns=(
        Column("field", choices=PRICE_RATIO_FIELDS), Column("base_field", choices=("input", "output")),
        Column("expected_ratios"), Column("tolerance_frac", kind="float", min=0, max=0.5),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("field",),
    checks=(_ratio_list, _cites_a_page),
)

TABLES.update({"price_ratio_norms.csv": PRICE_RATIO_NORMS})


def load_price_ratio_norms(path: str | Path = "data/price_ratio_norms.csv") -> pd.DataFrame:
    """The usual ratio of each derived price (cache, batch) to its base price; a price matching none is flagged."""
    return load(path, PRICE_RATIO_NORMS)
# --- price history (issue 11, item 4) ------------------------------------------------------------

def _valid_from_is_a_day(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = []
    for _, r in frame.iterrows():
        text = str(r["valid_from"])
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or pd.isna(pd.to_datetime(text, errors="coerce")):
            problems.append(Problem(label, f"'{text}' is not a day as YYYY-MM-DD: a price holds from a day",
                                    int(r["_row"]), "valid_from"))
    return problems


PRICE_HISTORY = TableSpec(
    name="price history",
    columns=(
        Column("provider"), Column("model"), Column("valid_from", kind="month"),
        _price("input_usd_per_mtok", nullable=False), _price("output_usd_per_mtok", nullable=False),
        _price("cached_input_usd_per_mtok"), _price("cache_write_5m_usd_per_mtok"),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("provider", "model", "valid_from"),
    checks=(_valid_from_is_a_day, _cache_read_not_dearer),
)

TABLES["price_history.csv"] = PRICE_HISTORY


def load_price_history(path: str | Path = "data/price_history.csv") -> pd.DataFrame:
    """One row per (provider, model, day a price started to hold); see ``lib.prices.history``."""
    return load(path, PRICE_HISTORY)
