"""Call logs: a seeded synthetic generator and a validating reader for a log of the same shape.

A call log has one row per LLM call. Its token and model columns use the OpenTelemetry GenAI
semantic-convention attribute names, so a log exported from an instrumented gateway fits as is:

| column | holds |
|---|---|
| ``timestamp`` | when the call started, UTC, without a time zone |
| ``tenant`` | the customer (or internal cost centre) the call is for |
| ``feature`` | the product feature that made the call |
| ``gen_ai.provider.name`` | who bills the call, as OpenTelemetry names it (``openai``, ``anthropic``, ``gcp.gemini`` ...) |
| ``gen_ai.request.model`` | the model, spelled as in ``data/api_prices.csv`` |
| ``gen_ai.usage.input_tokens`` | prompt tokens, INCLUDING the tokens read from the prompt cache |
| ``gen_ai.usage.cache_read.input_tokens`` | the part of the input served from the prompt cache |
| ``gen_ai.usage.output_tokens`` | completion tokens (thinking tokens included, as providers bill them) |
| ``gen_ai.usage.cache_creation.input_tokens`` | optional: the part of the input written to the prompt cache |
| ``gen_ai.usage.reasoning.output_tokens`` | optional: the part of the output spent on reasoning |

The two optional columns follow the same convention: cache creation is counted INSIDE
``input_tokens`` and reasoning INSIDE ``output_tokens`` (the ``otel-genai`` row of
``data/billing_rules.csv``). A log without them reads as zero cache writes and no reasoning split.

The OpenTelemetry convention (like OpenAI's usage object) counts cached reads inside
``input_tokens``; Anthropic's API reports them apart. A log in the OpenTelemetry shape therefore
bills ``input_tokens - cache_read`` at the input price and ``cache_read`` at the cached price, and
a cached read can never exceed the input it is part of: the validator refuses such a row.

Every token count must be a whole number from 0 to ``MAX_TOKENS_PER_CALL`` (100 million, ten times
the largest context window any model advertises; ``lib.finops.logschema`` says why): a count above
it (an int64 sentinel, a wrapped counter) is refused with its file, row and column, and the totals
are summed in types that cannot wrap. The reader (``lib.finops.logread``) turns every file it
cannot read (not UTF-8, a short row, an empty or truncated Parquet file) into the same kind of
message; the value rules are in ``lib.finops.logrules``.

The generator is vectorised numpy under one seed: the same arguments give the same bytes,
and no wall clock is read (timestamps are the seeded start date plus seeded offsets).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# The schema, the reader and the validator live in their own modules; their names are re-exported
# here, where the rest of the book has always imported them from.
from lib.finops.logread import register_raw_log  # noqa: F401
from lib.finops.logrules import _INTEGER_TYPES, validate_call_log  # noqa: F401
from lib.finops.logschema import (COL_CACHE_READ, COL_CACHE_WRITE, COL_FEATURE, COL_INPUT,  # noqa: F401
                                  COL_MODEL, COL_OUTPUT, COL_PROVIDER, COL_REASONING, COL_TENANT, COL_TIME,
                                  MAX_TOKENS_PER_CALL, OPTIONAL_COLUMNS, OPTIONAL_PLAIN_NAMES, PLAIN_NAMES,
                                  REQUIRED_COLUMNS, TOKEN_COLUMNS, CallLogProblem, _q, _sql_string,
                                  exact_counts)

# Book provider name -> gen_ai.provider.name. The first nine are OpenTelemetry's well-known values;
# the last four are not in its list, and the book uses the lower-case names their SDKs use.
OTEL_PROVIDER = {
    "OpenAI": "openai", "Anthropic": "anthropic", "Google": "gcp.gemini", "Mistral": "mistral_ai",
    "Cohere": "cohere", "xAI": "x_ai", "DeepSeek": "deepseek", "Groq": "groq", "Bedrock": "aws.bedrock",
    "Together": "together_ai", "Fireworks": "fireworks_ai", "DeepInfra": "deepinfra", "Cerebras": "cerebras",
}

DEFAULT_CACHE_DIR = Path(".cache") / "finops"
GENERATOR_VERSION = 2  # bump when the generator's output changes, so cached logs are regenerated


# ---------------------------------------------------------------------------------------------
# The synthetic workload
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feature:
    """One product feature: its token shape, how often its prompts hit the cache, and its model mix."""

    name: str
    input_median_tokens: float
    input_sigma: float  # log-normal spread of the prompt size
    output_median_tokens: float
    output_sigma: float
    cache_hit_rate: float  # share of calls whose prompt starts with a cached prefix
    cached_fraction: float  # share of such a prompt that is served from the cache
    models: tuple[tuple[str, str, float], ...]  # (book provider, model, share of the feature's calls)


@dataclass(frozen=True)
class Tenant:
    """One customer: its share of all calls, its mix of features and the hours it works."""

    name: str
    call_weight: float
    features: dict[str, float] = field(hash=False)
    profile: str = "business"  # "business", "night_batch" or "afternoon_burst" (see HOUR_PROFILES)


@dataclass(frozen=True)
class Runaway:
    """An injected runaway loop: one tenant's feature re-sends a growing conversation for some hours."""

    tenant: str
    feature: str
    day: int  # days after the log's start date
    start_hour: int  # UTC
    hours: int
    calls_per_hour: int
    provider: str = "OpenAI"
    model: str = "GPT-5"
    first_input_tokens: int = 6_000
    growth_tokens_per_turn: int = 1_500  # each turn re-sends the whole history plus this much
    turns_per_episode: int = 40  # after this many turns the agent restarts from a fresh context
    output_tokens: int = 400


# Hour-of-day weights (UTC), one row per profile.
_business = np.array([0.25, 0.2, 0.2, 0.2, 0.25, 0.35, 0.5, 0.7, 0.9, 1.0, 1.0, 1.0,
                      0.95, 1.0, 1.0, 1.0, 0.95, 0.85, 0.7, 0.6, 0.5, 0.45, 0.35, 0.3])
_night = np.full(24, 0.05)
_night[1:4] = 3.0  # a bulk job that runs between 01:00 and 04:00 UTC
_burst = _business * 0.4
_burst[14:16] = 6.0  # a scheduled report that fires at 14:00-16:00 UTC, on top of the busiest hours
HOUR_PROFILES = {"business": _business, "night_batch": _night, "afternoon_burst": _burst}
WEEKEND_FACTOR = 0.6  # weekend days carry this share of a weekday's calls

DEFAULT_FEATURES = (
    Feature("chat", 1_800, 0.7, 350, 0.8, 0.55, 0.70,
            (("OpenAI", "GPT-5 mini", 0.55), ("Anthropic", "Claude Sonnet 4.6", 0.25), ("Google", "Gemini 2.5 Flash", 0.20))),
    Feature("summarise", 6_000, 0.8, 450, 0.5, 0.20, 0.30,
            (("Google", "Gemini 2.5 Flash", 0.60), ("Anthropic", "Claude Haiku 4.5", 0.40))),
    Feature("search", 2_500, 0.6, 200, 0.6, 0.40, 0.60,
            (("OpenAI", "GPT-5 mini", 0.50), ("DeepSeek", "DeepSeek V3", 0.50))),
    Feature("agent", 9_000, 0.9, 900, 0.7, 0.80, 0.85,
            (("OpenAI", "GPT-5", 0.45), ("Anthropic", "Claude Sonnet 4.6", 0.55))),
    Feature("extract", 4_000, 0.5, 300, 0.4, 0.30, 0.50,
            (("Anthropic", "Claude Haiku 4.5", 0.50), ("DeepSeek", "DeepSeek V3", 0.50))),
)

DEFAULT_TENANTS = (
    Tenant("Acme", 24, {"chat": 5, "summarise": 2, "search": 2, "agent": 1}),
    Tenant("Borealis", 16, {"chat": 3, "search": 4, "extract": 1}),
    Tenant("Cobalt", 13, {"chat": 2, "agent": 3, "summarise": 1}),
    Tenant("Dynamo", 11, {"extract": 6, "summarise": 1}, profile="night_batch"),
    Tenant("Ember", 9, {"chat": 4, "search": 1}),
    Tenant("Fjord", 8, {"summarise": 3, "agent": 1}, profile="afternoon_burst"),
    Tenant("Granite", 7, {"chat": 2, "search": 2, "extract": 1}),
    Tenant("Helix", 5, {"agent": 2, "chat": 1}),
    Tenant("Ion", 4, {"chat": 3, "summarise": 1}),
    Tenant("Juniper", 3, {"search": 2, "extract": 2}),
)


def _spec_key(**spec: object) -> str:
    """A short stable hash of the generator's arguments, for the cache file name."""
    text = json.dumps(spec, sort_keys=True, default=lambda o: asdict(o) if hasattr(o, "__dataclass_fields__") else str(o))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _lognormal_tokens(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return np.maximum(1, np.rint(median * np.exp(sigma * rng.standard_normal(n)))).astype(np.int64)


def _runaway_calls(rw: Runaway, start: np.datetime64, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The loop's calls: evenly spread over its hours, each turn re-sending the whole history.

    Turn k of an episode sends first + k * growth tokens, and the previous turn's prompt comes back
    from the prompt cache, so only the new part is billed at the full input rate.
    """
    n = rw.calls_per_hour * rw.hours
    turn = np.arange(n) % rw.turns_per_episode
    inp = rw.first_input_tokens + turn * rw.growth_tokens_per_turn
    cached = np.where(turn > 0, inp - rw.growth_tokens_per_turn, 0)
    t0 = start + np.timedelta64(rw.day, "D") + np.timedelta64(rw.start_hour, "h")
    offsets_us = np.sort(rng.integers(0, rw.hours * 3_600_000_000, n))
    return {"ts": t0 + offsets_us.astype("timedelta64[us]"), "input": inp.astype(np.int64),
            "cached": cached.astype(np.int64), "output": np.full(n, rw.output_tokens, dtype=np.int64)}


def generate_call_log(
    n_calls: int = 1_000_000,
    *,
    seed: int = 2026,
    start_date: str = "2026-05-01",
    days: int = 30,
    runaway: Runaway | None = None,
    tenants: tuple[Tenant, ...] = DEFAULT_TENANTS,
    features: tuple[Feature, ...] = DEFAULT_FEATURES,
) -> pa.Table:
    """A seeded synthetic call log of ``n_calls`` ordinary calls (plus the runaway's, if given), sorted by time.

    Vectorised: each (tenant, feature) group draws its calls in a handful of numpy calls.
    """
    if n_calls < 1 or days < 1:
        raise ValueError("a call log needs at least one call and one day")
    rng = np.random.default_rng(seed)
    start = np.datetime64(start_date, "D")
    feature_by_name = {f.name: f for f in features}
    # Calls per tenant, then per feature within the tenant: multinomial, so the total is exact.
    tenant_w = np.array([t.call_weight for t in tenants], dtype=float)
    per_tenant = rng.multinomial(n_calls, tenant_w / tenant_w.sum())
    day_idx = np.arange(days)
    weekday = (start + day_idx).astype("datetime64[D]").view("int64")
    is_weekend = ((weekday + 3) % 7) >= 5  # 1970-01-01 was a Thursday: +3 makes Monday 0
    day_w = np.where(is_weekend, WEEKEND_FACTOR, 1.0)
    day_p = day_w / day_w.sum()

    models = sorted({(p, m) for f in features for p, m, _ in f.models})
    model_code = {pm: i for i, pm in enumerate(models)}
    tenant_names = [t.name for t in tenants]
    feature_names = [f.name for f in features]
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("ts", "tenant", "feature", "model", "input", "cached", "output")}
    for ti, (tenant, count) in enumerate(zip(tenants, per_tenant)):
        unknown = set(tenant.features) - set(feature_by_name)
        if unknown:
            raise ValueError(f"tenant {tenant.name} uses features that are not defined: {sorted(unknown)}")
        names = list(tenant.features)
        fw = np.array([tenant.features[n] for n in names], dtype=float)
        per_feature = rng.multinomial(count, fw / fw.sum())
        hour_w = HOUR_PROFILES[tenant.profile]
        for fname, k in zip(names, per_feature):
            if k == 0:
                continue
            f = feature_by_name[fname]
            d = rng.choice(days, size=k, p=day_p)
            h = rng.choice(24, size=k, p=hour_w / hour_w.sum())
            us = rng.integers(0, 3_600_000_000, size=k)
            ts = (start + d.astype("timedelta64[D]")).astype("datetime64[us]") + (h * 3_600_000_000 + us).astype("timedelta64[us]")
            inp = _lognormal_tokens(rng, f.input_median_tokens, f.input_sigma, k)
            out = _lognormal_tokens(rng, f.output_median_tokens, f.output_sigma, k)
            hit = rng.random(k) < f.cache_hit_rate
            # Providers cache whole 128-token blocks of a prompt of at least 1,024 tokens.
            cached = np.where(hit & (inp >= 1_024), (inp * f.cached_fraction).astype(np.int64) // 128 * 128, 0)
            mp = np.array([s for _, _, s in f.models], dtype=float)
            pick = rng.choice(len(f.models), size=k, p=mp / mp.sum())
            codes = np.array([model_code[(p, m)] for p, m, _ in f.models])[pick]
            parts["ts"].append(ts)
            parts["tenant"].append(np.full(k, ti))
            parts["feature"].append(np.full(k, feature_names.index(fname)))
            parts["model"].append(codes)
            parts["input"].append(inp)
            parts["cached"].append(cached)
            parts["output"].append(out)
    if runaway is not None:
        if runaway.tenant not in tenant_names or runaway.feature not in feature_names:
            raise ValueError(f"the runaway names an unknown tenant or feature: {runaway.tenant}/{runaway.feature}")
        if not 0 <= runaway.day < days:
            raise ValueError(f"the runaway's day {runaway.day} is outside the log's {days} days")
        if (runaway.provider, runaway.model) not in model_code:
            model_code[(runaway.provider, runaway.model)] = len(models)
            models.append((runaway.provider, runaway.model))
        rc = _runaway_calls(runaway, start, rng)
        k = len(rc["ts"])
        parts["ts"].append(rc["ts"])
        parts["tenant"].append(np.full(k, tenant_names.index(runaway.tenant)))
        parts["feature"].append(np.full(k, feature_names.index(runaway.feature)))
        parts["model"].append(np.full(k, model_code[(runaway.provider, runaway.model)]))
        parts["input"].append(rc["input"])
        parts["cached"].append(rc["cached"])
        parts["output"].append(rc["output"])

    cols = {k: np.concatenate(v) for k, v in parts.items()}
    order = np.lexsort((cols["tenant"], cols["ts"]))  # by time; ties broken by tenant, stably
    cols = {k: v[order] for k, v in cols.items()}

    def dictionary(codes: np.ndarray, values: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(values, pa.string()))

    # A dictionary's values must be unique (pandas refuses duplicate categories): providers get their own.
    providers = sorted({OTEL_PROVIDER[p] for p, _ in models})
    return pa.table({
        COL_TIME: pa.array(cols["ts"], pa.timestamp("us")),
        COL_TENANT: dictionary(cols["tenant"], tenant_names),
        COL_FEATURE: dictionary(cols["feature"], feature_names),
        COL_PROVIDER: dictionary(np.array([providers.index(OTEL_PROVIDER[p]) for p, _ in models])[cols["model"]], providers),
        COL_MODEL: dictionary(cols["model"], [m for _, m in models]),
        COL_INPUT: pa.array(cols["input"], pa.int64()),
        COL_CACHE_READ: pa.array(cols["cached"], pa.int64()),
        COL_OUTPUT: pa.array(cols["output"], pa.int64()),
    })


def ensure_call_log(
    cache_dir: str | Path = DEFAULT_CACHE_DIR,
    n_calls: int = 1_000_000,
    *,
    seed: int = 2026,
    start_date: str = "2026-05-01",
    days: int = 30,
    runaway: Runaway | None = None,
) -> Path:
    """The seeded log as a Parquet file under ``cache_dir``, written only when it is missing.

    The file name carries a hash of the arguments, so a changed argument writes a new file and
    a stale one is never read. The write goes to a temporary name first: a crash leaves no half file.
    """
    key = _spec_key(version=GENERATOR_VERSION, n_calls=n_calls, seed=seed, start_date=start_date, days=days, runaway=runaway)
    path = Path(cache_dir) / f"call_log_{n_calls}_{seed}_{key}.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        table = generate_call_log(n_calls, seed=seed, start_date=start_date, days=days, runaway=runaway)
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp, compression="zstd")
        tmp.replace(path)
    return path
