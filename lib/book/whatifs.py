"""Every chapter's in-page what-if, as a call the benchmark can time and a test can run.

A chapter's ipywidgets what-if is a thin callback around a pure lib function; a slider moves and
that function runs again, so it must answer at once (the target is 20 ms). Each entry here builds,
from the chapter's own parameters cell (read from ``analyses/<chapter>.py``, never retyped) and
the data it names, the inputs the callback starts from, and returns a zero-argument call of the
lib function(s) the callback runs on them:

    from lib.book import whatifs
    call = whatifs.prepare("unit_economics")   # loads data: not part of the timing
    value = call()                             # what one slider move costs
    whatifs.median_ms("unit_economics")        # median of 100 calls, in milliseconds
    whatifs.unregistered()                     # chapters in analyses/ with no entry (for the bench)

Register a new chapter with ``@register("chapter")`` on a function ``(params) -> call``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jupytext

from lib.data.paths import project_root

Call = Callable[[], object]
Setup = Callable[[dict[str, Any]], Call]

REGISTRY: dict[str, Setup] = {}
# Chapters that have no what-if to time, and why.
EXCEPTIONS: dict[str, str] = {
    "open_data": "a catalogue of the data files: its widget shows a file's first rows, nothing is recomputed",
}


def register(chapter: str) -> Callable[[Setup], Setup]:
    def add(setup: Setup) -> Setup:
        REGISTRY[chapter] = setup
        return setup
    return add


def parameters(chapter: str, root: Path | None = None) -> dict[str, Any]:
    """The chapter's parameters cell, run on its own: its data paths and assumptions."""
    root = root or project_root()
    nb = jupytext.read(root / "analyses" / f"{chapter}.py")
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"analyses/{chapter}.py has {len(cells)} cells tagged parameters, not one")
    values: dict[str, Any] = {}
    exec(compile(cells[0].source, f"{chapter}:parameters", "exec"), {}, values)  # literals only
    # Data paths are relative to the project root, as the refresh runs the chapter there.
    return {k: str(root / v) if isinstance(v, str) and k.endswith(("_csv", "_yml", "_dir")) else v
            for k, v in values.items()}


def prepare(chapter: str, root: Path | None = None) -> Call:
    if chapter not in REGISTRY:
        raise KeyError(f"no what-if registered for chapter '{chapter}' (lib/book/whatifs.py)")
    return REGISTRY[chapter](parameters(chapter, root))


def median_ms(chapter: str, calls: int = 100, root: Path | None = None) -> float:
    call = prepare(chapter, root)
    call()  # first call outside the timing: lazy imports and caches
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def unregistered(root: Path | None = None) -> list[str]:
    """Chapters in analyses/ with neither a registered what-if nor a listed exception."""
    root = root or project_root()
    chapters = sorted(p.stem for p in (root / "analyses").glob("*.py") if not p.name.startswith("_"))
    return [c for c in chapters if c not in REGISTRY and c not in EXCEPTIONS]


# --- the chapters' what-ifs -------------------------------------------------------------------


def _book_paid(p: dict[str, Any]):
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"])
    book = prices[prices["book_uses"]].reset_index(drop=True)
    return book[book["input_usd_per_mtok"] > 0].reset_index(drop=True)


@register("api_prices")
def _api_prices(p: dict[str, Any]) -> Call:
    from lib.costs import api

    paid = _book_paid(p)
    share = p["mixed_input_tokens"] / (p["mixed_input_tokens"] + p["mixed_output_tokens"])
    per_in = round(share * 1_000_000 / p["mixed_requests"])
    per_out = round((1 - share) * 1_000_000 / p["mixed_requests"])
    return lambda: api.cost_table(paid, input_tokens=per_in, output_tokens=per_out,
                                  requests_per_day=p["mixed_requests"], batch=False)


@register("unit_economics")
def _unit_economics(p: dict[str, Any]) -> Call:
    from lib.costs import api

    paid = _book_paid(p)
    return lambda: api.cost_table(paid, input_tokens=p["reference_input_tokens"],
                                  output_tokens=p["reference_output_tokens"], requests_per_day=p["requests_per_day"],
                                  days_per_month=p["days_per_month"], batch=False)


@register("batch_offpeak")
def _batch_offpeak(p: dict[str, Any]) -> Call:
    from lib.costs import batching
    from lib.data import tables

    terms = tables.load_provider_terms(p["provider_terms_csv"])
    terms = terms[terms["book_uses"]]
    discount = float(terms.loc[terms["term"] == "batch_discount_frac", "value"].astype(float).median())
    prices = tables.load_api_prices(p["api_prices_csv"])
    provider, model = p["offpeak_models"][0]
    window = prices[(prices["provider"] == provider) & (prices["model"] == model)].dropna(
        subset=["offpeak_start_utc"]).iloc[0]
    start, end = window["offpeak_start_utc"], window["offpeak_end_utc"]

    def call() -> tuple[float, float]:
        saving = float(batching.hybrid_saving_frac(p["batchable_call_share"], discount, p["batch_call_cost_ratio"]))
        profile = batching.daily_traffic_profile(p["peak_to_trough"], p["peak_hour_local"])
        natural = float(batching.window_share(profile, start_utc=start, end_utc=end, utc_offset_hours=0.0))
        return saving, float(batching.shifted_window_share(natural, p["batchable_call_share"]))
    return call


@register("bench_reality")
def _bench_reality(p: dict[str, Any]) -> Call:
    from lib.costs import fleet
    from lib.data import tables

    scenario = tables.load_selfhost_scenarios(p["selfhost_scenarios_csv"]).iloc[0]
    peak = p["requests_per_day"] * p["output_tokens_per_request"] / 86_400 * p["peak_to_average"]
    return lambda: int(fleet.nodes_needed(peak, scenario["output_tokens_per_s"], 2.0, p["headroom"]))


def _scenario(p: dict[str, Any]):
    from lib.data import tables

    return tables.load_selfhost_scenarios(p["selfhost_scenarios_csv"]).set_index("scenario_id").loc[p["scenario_id"]]


@register("crossover")
def _crossover(p: dict[str, Any]) -> Call:
    import numpy as np

    from lib.costs import api, ownership, selfhost
    from lib.data import tables

    sc = _scenario(p)
    tps = float(sc["output_tokens_per_s"] + sc["input_tokens_per_s"])
    ops = float(sc["ops_usd_per_year"])
    prices = tables.load_api_prices(p["api_prices_csv"])
    rows = prices[prices["model"] == p["open_model"]].dropna(subset=["input_usd_per_mtok", "output_usd_per_mtok"])
    tokens = p["request_input_tokens"] + p["request_output_tokens"]
    hosted = float(np.median(api.request_cost_usd(rows, input_tokens=p["request_input_tokens"],
                                                  output_tokens=p["request_output_tokens"])) / tokens * 1e6)

    def call() -> tuple[float, float]:
        c = float(selfhost.selfhost_usd_per_mtok(p["guide_max_rent_usd_per_hour"], tps, p["guide_min_utilisation"]))
        return (float(ownership.breakeven_spend_usd_per_year(hosted, c, ops)),
                float(ownership.breakeven_tokens_per_year(hosted, c, ops)))
    return call


@register("custom_silicon")
def _custom_silicon(p: dict[str, Any]) -> Call:
    from lib.costs import fleet
    from lib.data import tables

    aws = tables.load_spot_market(p["spot_market_csv"]).set_index("market_id").loc["aws-spot-p5"]
    d, e = float(aws["discount_frac_low"]), float(aws["eviction_per_month_high"])
    return lambda: (float(fleet.spot_batch_saving(d, e, p["checkpoint_every_hours"], p["restart_hours"])),
                    float(fleet.spot_serving_hourly_usd(1.0, d, e, p["fallback_hours_per_eviction"])))


@register("guide_trust")
def _guide_trust(p: dict[str, Any]) -> Call:
    from lib.book import guide, reliability
    from lib.data import tables

    claims = tables.load_guide_claims(p["guide_claims_csv"])
    verdicts = reliability.claim_verdicts(claims, *reliability.read_records(p["figures_csv"], p["conclusions_csv"]))
    return lambda: reliability.counts_within(verdicts, guide.MAX_REL)


@register("hardware_tco")
def _hardware_tco(p: dict[str, Any]) -> Call:
    from lib.costs import ownership
    from lib.data import tables

    base = tables.load_tco_scenarios(p["tco_scenarios_csv"]).set_index("scenario_id").loc[p["baseline_id"]]
    args = dict(capex_usd=base["capex_usd"], years=int(base["years"]), power_kw=base["power_kw"],
                usd_per_kwh=base["usd_per_kwh"], cooling_overhead_frac=base["cooling_overhead_frac"],
                colo_usd_per_kw_month=base["colo_usd_per_year"] / (base["power_kw"] * ownership.MONTHS_PER_YEAR),
                maintenance_frac_of_capex=base["maintenance_usd_per_year"] / base["capex_usd"],
                ops_engineer_usd_per_year=p["engineer_usd_per_year"],
                boxes_per_engineer=p["engineer_usd_per_year"] / float(base["ops_usd_per_year"]),
                rental_usd_per_hour=base["rental_usd_per_hour"])
    return lambda: ownership.owned_vs_rented(**args)


@register("long_context")
def _long_context(p: dict[str, Any]) -> Call:
    from lib.costs import kv_cache as kv
    from lib.data import tables

    shapes = tables.load_model_shapes(p["model_shapes_csv"])
    specs = tables.load_hardware_specs(p["hardware_specs_csv"])
    m = shapes[shapes["model_id"] == p["guide_model_id"]].iloc[0]
    hbm_gb = float(specs.set_index("accelerator").loc["H200 SXM", "hbm_gb"])
    precision = p["kv_precisions"][0]

    def call() -> int:
        per = kv.kv_bytes_per_token(m["layers"], m["kv_heads"], m["head_dim"], kv.BYTES_PER_ELEMENT[precision])
        each = kv.kv_bytes_per_request(p["context_tokens"][0], per)
        memory = p["gpus_per_node"] * hbm_gb * kv.GB
        weights = kv.weight_bytes(m["total_params_billions"], kv.BYTES_PER_ELEMENT[precision])
        return int(kv.requests_fitting_in_hbm(memory, weights, each, p["reserved_frac"]))
    return call


@register("mental_model")
def _mental_model(p: dict[str, Any]) -> Call:
    from lib.costs import levers
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    row = prices[prices["model"] == p["example_model"]].iloc[0]
    multipliers = list(tables.load_cost_levers(p["cost_levers_csv"])["multiplier"])
    return lambda: (float(levers.monthly_cost_usd(p["example_users"], 50, 800, 300, row["input_usd_per_mtok"],
                                                  row["output_usd_per_mtok"], 1.0)),
                    levers.lever_stack(multipliers))


@register("multimodal")
def _multimodal(p: dict[str, Any]) -> Call:
    from lib.costs import multimodal as mm
    from lib.data import tables

    rule = tables.load_image_token_rules(p["image_token_rules_csv"]).iloc[0].to_dict()
    text_in, _, out = p["request_shapes"]["one image"]

    def call() -> dict:
        per_image = float(mm.image_tokens(rule, 1024, 1024))
        return mm.multimodal_request_cost_usd(text_input_tokens=text_in, media_tokens=per_image, output_tokens=out,
                                              input_usd_per_mtok=p["example_input_usd_per_mtok"],
                                              output_usd_per_mtok=p["example_output_usd_per_mtok"])
    return call


@register("physical_limits")
def _physical_limits(p: dict[str, Any]) -> Call:
    from lib.costs import roofline as rf
    from lib.data import tables

    specs = tables.load_hardware_specs(p["hardware_specs_csv"])
    shapes = tables.load_model_shapes(p["model_shapes_csv"])
    return lambda: rf.what_if(specs, shapes, p["reference_accelerator"], p["reference_accelerators"],
                              p["reference_model"], p["reference_weight_precision"], p["reference_kv_precision"], 64,
                              p["reference_input_tokens"], p["reference_output_tokens"], p["reserved_frac"])


@register("intro")
def _intro(p: dict[str, Any]) -> Call:
    from lib.book import findings
    from lib.data import tables

    snapshot = tables.load_api_prices(p["imported_prices_csv"])
    now = snapshot[snapshot["book_uses"]].copy()
    return lambda: findings.cheapest_per_tier(now, input_tokens=p["reference_input_tokens"],
                                              output_tokens=p["reference_output_tokens"])


@register("prices_now")
def _prices_now(p: dict[str, Any]) -> Call:
    from lib.data import tables
    from lib.prices import compare

    then = tables.load_api_prices(p["guide_prices_csv"], book_rows_only=True)
    snapshot = tables.load_api_prices(p["imported_prices_csv"])
    now = snapshot[snapshot["book_uses"]].copy()
    return lambda: compare.price_changes(then, now, input_tokens=p["reference_input_tokens"],
                                         output_tokens=p["reference_output_tokens"])


@register("prompt_caching")
def _prompt_caching(p: dict[str, Any]) -> Call:
    import pandas as pd

    from lib.costs import caching
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    example = pd.concat([prices[(prices["provider"] == pr) & (prices["model"] == m)].head(1)
                         for pr, m in p["example_models"]], ignore_index=True)
    example = example.assign(cache_write_1h_usd_per_mtok=example["cache_write_1h_usd_per_mtok"].fillna(
        example["cache_write_5m_usd_per_mtok"]))
    kw = dict(prefix_tokens=p["prefix_tokens"], fresh_input_tokens=p["fresh_input_tokens"],
              output_tokens=p["output_tokens"], messages_per_day=p["messages_per_day"])
    zeros = [0.0] * len(example)

    def call() -> tuple:
        base = caching.daily_no_cache_cost_usd(example, **kw)
        cached = caching.daily_prefix_cost_usd(example, hit_rate=0.9, write_tier="5m",
                                               storage_usd_per_mtok_hour=zeros, cache_hours_per_day=zeros, **kw)
        return base, cached
    return call


@register("reasoning")
def _reasoning(p: dict[str, Any]) -> Call:
    from lib.costs import reasoning
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"])
    row = prices[prices["price_id"] == "openai-o3"]

    def call() -> tuple:
        one = reasoning.reasoning_request_cost_usd(row, input_tokens=p["effort_input_tokens"],
                                                   visible_output_tokens=p["effort_visible_tokens"], thinking_ratio=4)
        mix = reasoning.normalise_mix(p["routing_mix"])
        return float(one[0]), reasoning.blended_cost_usd(mix, p["guide_tier_cost_usd"])
    return call


@register("selfhost_per_token")
def _selfhost_per_token(p: dict[str, Any]) -> Call:
    from lib.costs import ownership

    sc = _scenario(p)
    return lambda: ownership.selfhost_what_if(float(sc["hourly_usd"]), float(sc["output_tokens_per_s"]),
                                              float(sc["input_tokens_per_s"]), p["utilisations"][1],
                                              float(sc["ops_usd_per_year"]), p["clusters_sharing_ops"])


@register("throughput_multipliers")
def _throughput_multipliers(p: dict[str, Any]) -> Call:
    import numpy as np

    from lib.book import checks
    from lib.costs import selfhost
    from lib.data import tables

    steps = tables.load_throughput_stack(p["throughput_stack_csv"])
    stated = tables.load_guide_claims(p["guide_claims_csv"]).set_index("claim_id", drop=False)
    # The guide's stated throughputs are this what-if's inputs (the chapter's sums), never a check.
    tps = np.array([checks.figure_of(stated.loc[f"tm_tps_{s}"]).reference for s in steps["step_id"]], dtype=float)
    hourly = float(tables.load_selfhost_scenarios(p["selfhost_scenarios_csv"]).iloc[0]["hourly_usd"])
    return lambda: selfhost.selfhost_usd_per_mtok(hourly, tps, 0.5)


@register("bottom_line")
def _bottom_line(p: dict[str, Any]) -> Call:
    import pandas as pd

    from lib.costs import faq
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    fc = pd.concat([prices[(prices["provider"] == pr) & (prices["model"] == m)] for pr, m in p["forecast_models"]],
                   ignore_index=True).dropna(subset=["input_usd_per_mtok", "output_usd_per_mtok"])
    row = fc.iloc[0]  # the dropdown's default: the first forecast model with both prices
    return lambda: faq.forecast_what_if(p["forecast_users"], p["forecast_requests_per_user_month"],
                                        p["typical_input_tokens"], p["typical_output_tokens"],
                                        row["input_usd_per_mtok"], row["output_usd_per_mtok"],
                                        p["forecast_revenue_per_user_month"], p["forecast_safety_factor"],
                                        p["forecast_min_cover"])


@register("capacity_planning")
def _capacity_planning(p: dict[str, Any]) -> Call:
    import numpy as np

    from lib.costs import api, capacity
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    rules = tables.load_sizing_rules(p["sizing_rules_csv"])
    shapes = tables.load_traffic_shapes(p["traffic_shapes_csv"]).set_index("shape_id")
    sc = tables.load_selfhost_scenarios(p["selfhost_scenarios_csv"]).set_index("scenario_id").loc[
        p["serving_scenario"]]

    def shape(shape_id: str) -> float:
        low, high = shapes.loc[shape_id, "multiple_low"], shapes.loc[shape_id, "multiple_high"]
        return float(low + p["shape_point"] * (high - low))

    def make_traffic(launch: float, viral: float):
        spikes = [capacity.Spike(start_hour=24 * p["launch_day"] + p["launch_hour"], multiple=launch,
                                 lasts_hours=p["launch_lasts_hours"]),
                  capacity.Spike(start_hour=24 * p["viral_day"] + p["viral_hour"], multiple=viral,
                                 lasts_hours=p["viral_lasts_hours"], decays_over_days=p["viral_decays_over_days"])]
        return capacity.simulate_traffic(
            days=p["days"], step_minutes=p["step_minutes"], mean_requests_per_s=p["mean_requests_per_s"],
            daily_peak_to_trough=shape("daily-consumer"), peak_hour=p["peak_hour"],
            weekday_to_weekend=shape("weekly-consumer"), spikes=spikes, hourly_noise_sigma=p["hourly_noise_sigma"],
            seed=p["seed"])

    step_s = p["step_minutes"] * 60
    node_rps = float(sc["output_tokens_per_s"]) / p["request_output_tokens"]
    node_usd = float(sc["hourly_usd"])
    api_row = prices[(prices["provider"] == p["overflow_api"][0]) & (prices["model"] == p["overflow_api"][1])]
    api_usd = (float(api.request_cost_usd(api_row, input_tokens=p["request_input_tokens"],
                                          output_tokens=p["request_output_tokens"])[0])
               if len(api_row) == 1 else float("nan"))
    launch, viral = shape("launch-spike"), shape("viral-incident")
    plan = make_traffic(1.0, 1.0)["requests"].to_numpy()
    hours = p["days"] * 24
    kw = dict(step_s=step_s, node_requests_per_s=node_rps, node_usd_per_hour=node_usd)
    # The percentile slider starts at the cheapest hybrid (or 90 when the overflow API is unpriced).
    pct = 90.0
    if np.isfinite(api_usd):
        sweep = capacity.hybrid_cost(make_traffic(launch, viral)["requests"].to_numpy(),
                                     percentile=np.arange(0, 100.5, 0.5), api_usd_per_request=api_usd, hours=hours,
                                     sizing_requests=plan, **kw)
        pct = float(capacity.cheapest(sweep)["percentile"])

    def call() -> tuple:
        t = make_traffic(launch, viral)
        load = t["requests"].to_numpy()
        table = capacity.rule_costs(load, t["day"].to_numpy(), rules, hours_per_month=p["hours_per_month"],
                                    sizing_requests=plan, **kw)
        hybrid = capacity.hybrid_cost(load, percentile=pct, api_usd_per_request=api_usd, hours=hours,
                                      sizing_requests=plan, **kw)
        return table, hybrid
    return call


@register("cost_attribution")
def _cost_attribution(p: dict[str, Any]) -> Call:
    from lib.data import tables
    from lib.data.paths import resolve
    from lib.finops import alerts, attribution, calllog

    prices = tables.load_api_prices(p["api_prices_csv"])
    if p["call_log_parquet"]:
        log_path = resolve(p["call_log_parquet"])
    else:
        log_path = calllog.ensure_call_log(Path(p["call_log_cache_dir"]), p["n_calls"], seed=p["seed"],
                                           start_date=p["start_date"], days=p["days"],
                                           runaway=calllog.Runaway(**p["runaway"]))
    con = attribution.connect(log_path, prices)
    daily = attribution.attribute(con, ["tenant", "day"])
    calls = attribution.per_call_costs(con, columns=("ts", "day", "tenant"))
    # The chapter's widget builds this once; a slider move runs only outcome().
    guard = alerts.GuardrailWhatIf(calls, daily, baseline_days=p["cap_baseline_days"],
                                   window_days=p["alert_window_days"])
    return lambda: guard.outcome(p["cap_multiple"], p["alert_multiple"])


@register("finetune_rag")
def _finetune_rag(p: dict[str, Any]) -> Call:
    import itertools

    from lib.costs import adaptation as ad
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"])
    rows = tables.load_adaptation_costs(p["adaptation_costs_csv"])
    rows["setup_low"] = ad.setup_usd(rows, "low")
    rows["per_call"] = ad.per_call_usd(rows, prices)
    general = rows[rows["scenario"] == "per_call"].set_index("approach_id", drop=False)
    volume, months = p["calls_per_month"], p["payback_months"]

    def call() -> list:
        # The chapter's payback_table at the widget's defaults (end "low"): the lib calls per pair.
        out = []
        for a, b in itertools.combinations(general.index, 2):
            if general.loc[a, "setup_low"] > general.loc[b, "setup_low"]:
                a, b = b, a
            pa, pb = general.loc[a], general.loc[b]
            all_in_a = float(ad.all_in_per_call_usd(pa["per_call"], pa["monthly_fixed_usd"], volume))
            all_in_b = float(ad.all_in_per_call_usd(pb["per_call"], pb["monthly_fixed_usd"], volume))
            out.append((ad.breakeven_calls(pa["setup_low"], all_in_a, pb["setup_low"], all_in_b),
                        ad.breakeven_calls_per_month(pa["setup_low"], pa["per_call"], pa["monthly_fixed_usd"],
                                                     pb["setup_low"], pb["per_call"], pb["monthly_fixed_usd"],
                                                     months)))
        return out
    return call


@register("hidden_costs")
def _hidden_costs(p: dict[str, Any]) -> Call:
    from lib.costs import api, hidden
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    rates = tables.load_hidden_costs(p["hidden_costs_csv"])
    row = prices[(prices["provider"] == p["request_model"][0]) & (prices["model"] == p["request_model"][1])]
    request_usd = float(api.request_cost_usd(row, input_tokens=p["input_tokens_per_request"],
                                             output_tokens=p["output_tokens_per_request"])[0])
    monthly = p["yearly_api_usd"] / 12
    names = ("payload_bytes_per_request", "egress_share", "logged_share", "log_bytes_per_request",
             "suite_calls_per_year", "judge_calls_per_year", "judged_share", "guardrail_calls_per_request",
             "guardrail_tokens_per_call", "failure_rate", "fallback_rate", "prompts", "migrations_per_year",
             "engineer_week_usd")
    workload = hidden.Workload(api_usd_per_month=monthly, requests_per_month=monthly / request_usd,
                               **{k: p[k] for k in names})
    return lambda: hidden.what_if(rates, workload, api_usd_per_month=monthly, failure_rate=p["failure_rate"],
                                  logged_share=p["logged_share"], egress_share=p["egress_share"],
                                  judged_share=p["judged_share"], fallback_rate=p["fallback_rate"])


@register("playbook")
def _playbook(p: dict[str, Any]) -> Call:
    from lib.costs import api, playbook
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    levers = tables.load_playbook_levers(p["playbook_levers_csv"])
    ref = prices[(prices["provider"] == p["reference_model"][0]) & (prices["model"] == p["reference_model"][1])]
    unit = float(api.request_cost_usd(ref, input_tokens=p["reference_input_tokens"],
                                      output_tokens=p["reference_output_tokens"])[0])
    share = float(api.request_cost_usd(ref, input_tokens=p["reference_input_tokens"])[0]) / unit
    on = tuple(levers["lever_id"])

    def call() -> float:
        w = playbook.apply_levers(levers, unit * p["reference_requests_per_month"], input_cost_share=share,
                                  enabled=on)
        return float(playbook.total_reduction(w))
    return call


@register("privacy_value")
def _privacy_value(p: dict[str, Any]) -> Call:
    from lib.costs import value_index as vi
    from lib.data import tables

    privacy = tables.load_provider_privacy(p["provider_privacy_csv"])
    privacy["tier"] = vi.privacy_tier(privacy)
    return lambda: vi.filter_providers(privacy, tier="all", no_training=False, private_only=False,
                                       eu_or_own_region=False)


@register("procurement")
def _procurement(p: dict[str, Any]) -> Call:
    import numpy as np

    from lib.costs import api, procurement
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    channels = tables.load_procurement_channels(p["procurement_channels_csv"])
    offers = tables.load_committed_discounts(p["committed_discounts_csv"])
    ref = prices[(prices["provider"] == p["reference_model"][0]) & (prices["model"] == p["reference_model"][1])]
    per_call = (float(api.request_cost_usd(ref, input_tokens=p["request_input_tokens"],
                                           output_tokens=p["request_output_tokens"])[0])
                if len(ref) == 1 else float("nan"))
    spend = per_call * p["requests_per_day"] * p["days_per_month"]
    spend, per_call = (spend, per_call) if np.isfinite(spend) else (50_000.0, 0.01)  # the chapter's fallbacks

    def call():
        steps = offers[offers["schedule"] == p["commit_schedule"]].copy()
        steps["min_spend_usd_per_month"] = steps["min_spend_usd_per_month"].fillna(
            steps["min_spend_usd_per_year"] / 12)
        return procurement.channel_bills(channels, steps, list_usd_per_month=spend, calls_per_month=spend / per_call)
    return call


@register("product_numbers")
def _product_numbers(p: dict[str, Any]) -> Call:
    from lib.costs import product
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"])
    products = tables.load_product_examples(p["product_examples_csv"])
    base = products[products["product_id"] == p["base_product"]].reset_index(drop=True)
    row = product.price_rows(base, prices).iloc[0]
    b = base.iloc[0]
    # users=10,000 is the widget's own default in the chapter (not a parameter).
    return lambda: product.your_product(
        users=p["whatif_users"], requests_per_user_per_month=float(b["requests_per_user_per_month"]),
        input_tokens=float(b["input_tokens_per_call"]), output_tokens=float(b["output_tokens_per_call"]),
        input_usd_per_mtok=row["input_usd_per_mtok"], output_usd_per_mtok=row["output_usd_per_mtok"],
        seat_usd_per_month=float(b["seat_usd_per_month"]), paying_frac=p["conversion_frac"],
        free_usage_frac=p["free_usage_frac_low"])


@register("routing")
def _routing(p: dict[str, Any]) -> Call:
    from lib.costs import routing

    dear, cheap = p["dear_stated_usd_per_call"], p["cheap_stated_usd_per_call"]
    dear_acc, cheap_acc = p["dear_accuracy"], p["cheap_accuracy"]
    wrong = p["whatif_wrong_answer_usd"]
    return lambda: (routing.wrong_answer_breakeven_usd(dear, dear_acc, cheap, cheap_acc),
                    routing.cost_per_correct_usd([dear, cheap], [dear_acc, cheap_acc], wrong))


@register("price_sources")
def _price_sources(p: dict[str, Any]) -> Call:
    # The chapter's three default sources (OpenRouter only when a saved listing is passed), then
    # what one move of its threshold slider runs.
    from lib.data import tables
    from lib.prices import disagreements as dis

    guide_all = tables.load_api_prices(p["guide_prices_csv"])
    guide_book = guide_all[guide_all["book_uses"]].copy()
    litellm_rows = dis.imported_rows(tables.load_api_prices(p["imported_prices_csv"]), guide_all)
    longs = [dis.from_price_table(guide_book, "guide")[0], dis.from_price_table(litellm_rows, "LiteLLM")[0],
             dis.from_genai_prices(tables.load_genai_prices_map(p["genai_prices_map_csv"]), p["genai_prices_date"])[0]]
    cells = dis.spreads(dis.combine(longs, dis.LONG_COLUMNS))
    return lambda: dis.beyond(cells, p["disagreement_threshold"])
