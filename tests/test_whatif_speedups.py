"""The what-ifs made faster answer exactly what the implementations they replaced answered, on real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.book import whatifs
from lib.costs import capacity
from lib.data import tables
from lib.finops import alerts, attribution, calllog
from tests.conftest import ROOT


def _old_share_of_days_over(load, day, capacity_value) -> float:
    """The pandas implementation share_of_days_over had before it was vectorised."""
    frame = pd.DataFrame({"day": np.asarray(day), "over": np.asarray(load, dtype=float) > capacity_value})
    return float(frame.groupby("day")["over"].any().mean())


def _chapter_traffic() -> pd.DataFrame:
    """The capacity chapter's simulated quarter with both spikes, from its parameters cell."""
    p = whatifs.parameters("capacity_planning", ROOT)
    shapes = tables.load_traffic_shapes(p["traffic_shapes_csv"]).set_index("shape_id")
    point = lambda s: float(shapes.loc[s, "multiple_low"]  # noqa: E731
                            + p["shape_point"] * (shapes.loc[s, "multiple_high"] - shapes.loc[s, "multiple_low"]))
    spikes = [capacity.Spike(start_hour=24 * p["launch_day"] + p["launch_hour"], multiple=point("launch-spike"),
                             lasts_hours=p["launch_lasts_hours"]),
              capacity.Spike(start_hour=24 * p["viral_day"] + p["viral_hour"], multiple=point("viral-incident"),
                             lasts_hours=p["viral_lasts_hours"], decays_over_days=p["viral_decays_over_days"])]
    return capacity.simulate_traffic(
        days=p["days"], step_minutes=p["step_minutes"], mean_requests_per_s=p["mean_requests_per_s"],
        daily_peak_to_trough=point("daily-consumer"), peak_hour=p["peak_hour"],
        weekday_to_weekend=point("weekly-consumer"), spikes=spikes, hourly_noise_sigma=p["hourly_noise_sigma"],
        seed=p["seed"])


def test_days_over_equals_the_pandas_groupby_on_the_chapters_traffic():
    t = _chapter_traffic()
    load, day = t["requests"].to_numpy(), t["day"].to_numpy()
    caps = list(np.quantile(load, np.linspace(0, 1, 41))) + [-1.0, 0.0, float(load.max()), 1e12]
    got = capacity.shares_of_days_over(load, day, caps)
    assert [float(g) for g in got] == [_old_share_of_days_over(load, day, c) for c in caps]
    assert all(capacity.share_of_days_over(load, day, c) == _old_share_of_days_over(load, day, c) for c in caps)
    # unsorted days, NaN loads
    rng = np.random.default_rng(1)
    order = rng.permutation(len(load))
    noisy = load.astype(float)
    noisy[::97] = np.nan
    for c in caps[::5]:
        assert capacity.share_of_days_over(noisy[order], day[order], c) == _old_share_of_days_over(
            noisy[order], day[order], c)


def test_rule_costs_days_over_column_is_unchanged():
    t = _chapter_traffic()
    p = whatifs.parameters("capacity_planning", ROOT)
    rules = tables.load_sizing_rules(p["sizing_rules_csv"])
    out = capacity.rule_costs(t["requests"].to_numpy(), t["day"].to_numpy(), rules, step_s=300,
                              node_requests_per_s=10.0, node_usd_per_hour=98.0, hours_per_month=730)
    per_interval = out["capacity_requests_per_s"].to_numpy() * 300
    assert list(out["days_over_share"]) == [
        _old_share_of_days_over(t["requests"], t["day"], c) for c in per_interval]


@pytest.fixture(scope="module")
def finops_log():
    """The cost-attribution chapter's own seeded call log (cached in .cache/finops, as the chapter does)."""
    p = whatifs.parameters("cost_attribution", ROOT)
    prices = tables.load_api_prices(p["api_prices_csv"])
    log = calllog.ensure_call_log(Path(p["call_log_cache_dir"]), p["n_calls"], seed=p["seed"],
                                  start_date=p["start_date"], days=p["days"], runaway=calllog.Runaway(**p["runaway"]))
    con = attribution.connect(log, prices)
    return (attribution.per_call_costs(con, columns=("ts", "day", "tenant")),
            attribution.attribute(con, ["tenant", "day"]), p)


def test_precomputed_guardrails_equal_guardrail_outcome_on_the_chapters_log(finops_log):
    calls, daily, p = finops_log
    guard = alerts.GuardrailWhatIf(calls, daily, baseline_days=p["cap_baseline_days"],
                                   window_days=p["alert_window_days"])
    for cap in (1.0, 1.1, 1.5, p["cap_multiple"], 3.3, 5.0):
        for alert in (1.05, p["alert_multiple"], 2.25, 3.0):
            assert guard.outcome(cap, alert) == alerts.guardrail_outcome(
                calls, daily, cap_multiple=cap, baseline_days=p["cap_baseline_days"], alert_multiple=alert,
                window_days=p["alert_window_days"]), (cap, alert)


@pytest.mark.filterwarnings("ignore:Constructing a Categorical")  # tenant "c" is unknown on purpose
def test_precomputed_guardrails_on_a_small_log_with_nan_costs_and_an_unknown_tenant():
    calls = pd.DataFrame({"tenant": ["a", "b", "a", "a", "c", "b", "a"],
                          "day": pd.to_datetime(["2026-05-01"] * 3 + ["2026-05-02"] * 4),
                          "cost_usd": [1.0, 2.0, np.nan, 3.0, 0.5, 2.5, 4.0]})
    daily = pd.DataFrame({"tenant": ["a", "b", "a", "b"], "day": pd.to_datetime(["2026-05-01", "2026-05-01",
                                                                                  "2026-05-02", "2026-05-02"]),
                          "cost_usd": [1.0, 2.0, 7.0, 2.5]})
    guard = alerts.GuardrailWhatIf(calls, daily, baseline_days=1, window_days=1)
    for cap in (0.5, 1.0, 2.0, 4.0):
        for alert in (1.0, 1.5, 8.0):
            assert guard.outcome(cap, alert) == alerts.guardrail_outcome(
                calls, daily, cap_multiple=cap, baseline_days=1, alert_multiple=alert, window_days=1)
    with pytest.raises(ValueError):
        guard.outcome(0.0)


def _old_apply_levers(playbook_frame, baseline_usd_per_month, *, input_cost_share, enabled=None,
                      self_host_lever="self_host_steady"):
    """lib.costs.playbook.apply_levers as it was before it dropped iterrows (kept verbatim as the reference)."""
    from lib.costs import levers as lever_math
    from lib.costs.playbook import BASES, _check_fraction

    if baseline_usd_per_month < 0:
        raise ValueError("the baseline bill must be >= 0")
    input_share = _check_fraction("input_cost_share", input_cost_share)
    ordered = playbook_frame.sort_values("rank", kind="stable").reset_index(drop=True)
    bad = sorted(set(ordered["share_basis"]) - set(BASES))
    if bad:
        raise ValueError(f"unknown share_basis {bad}; expected one of {BASES}")
    on = set(ordered["lever_id"]) if enabled is None else set(enabled)
    basis = {"bill": 1.0, "input_cost": input_share, "output_cost": 1.0 - input_share, "self_hosted": 0.0}
    cost = float(baseline_usd_per_month)
    shares, multipliers, applied, reasons = [], [], [], []
    for _, lever in ordered.iterrows():
        share = _check_fraction("share_frac", lever["share_frac"]) * basis[lever["share_basis"]]
        saving = _check_fraction("applied_saving_frac", lever["applied_saving_frac"])
        threshold = lever["min_monthly_usd"]
        if lever["lever_id"] not in on:
            mult, reason = 1.0, "switched off"
        elif pd.notna(threshold) and cost < float(threshold):
            mult, reason = 1.0, "bill below its threshold"
        elif share == 0:
            mult, reason = 1.0, "nothing self-hosted yet" if lever["share_basis"] == "self_hosted" else "touches nothing"
        else:
            mult, reason = 1.0 - share * saving, ""
        if lever["lever_id"] == self_host_lever and mult < 1.0:
            # From here on, this share of the traffic runs on owned GPUs (an approximation:
            # later levers are taken not to change the hosted/self-hosted split).
            basis["self_hosted"] = float(lever["share_frac"])
        cost *= mult
        shares.append(share)
        multipliers.append(mult)
        applied.append(mult < 1.0)
        reasons.append(reason)
    steps = pd.DataFrame({"lever": ordered["lever"], "multiplier": multipliers})
    # lever_waterfall needs a multiplier in (0, 1]; a lever saving everything would be 0.
    if np.any(np.asarray(multipliers) <= 0):
        raise ValueError("a lever cannot remove the whole bill (share x saving must stay below 1)")
    waterfall = lever_math.lever_waterfall(steps, baseline_usd_per_month) if baseline_usd_per_month > 0 else \
        steps.assign(usd_before=0.0, usd_after=0.0, usd_saved=0.0, cumulative_multiplier=np.cumprod(multipliers))
    waterfall.insert(0, "rank", ordered["rank"].to_numpy())
    waterfall.insert(1, "lever_id", ordered["lever_id"].to_numpy())
    waterfall["share_touched"] = shares
    waterfall["saving_frac"] = 1.0 - np.asarray(multipliers)
    waterfall["applied"] = applied
    waterfall["why_not"] = reasons
    return waterfall
    waterfall["why_not"] = reasons
    return waterfall


def test_apply_levers_equals_the_iterrows_version_on_the_playbook_data():
    from lib.costs import playbook

    levers = tables.load_playbook_levers(ROOT / "data" / "playbook_levers.csv")
    ids = list(levers["lever_id"])
    subsets = [None, ids, ids[::2], ids[1::3], [], ["self_host_steady"], [i for i in ids if i != "self_host_steady"]]
    for bill in (0.0, 1_000.0, 50_000.0, 1.3e6, 2.5e7):
        for share in (0.0, 0.42, 0.8, 1.0):
            for on in subsets:
                pd.testing.assert_frame_equal(
                    playbook.apply_levers(levers, bill, input_cost_share=share, enabled=on),
                    _old_apply_levers(levers, bill, input_cost_share=share, enabled=on))


def test_hidden_what_if_equals_the_frame_version_on_the_chapters_workload():
    from dataclasses import replace

    from lib.costs import hidden

    setup = whatifs.REGISTRY["hidden_costs"]
    call = setup(whatifs.parameters("hidden_costs", ROOT))
    rates, workload = call.__closure__[[c for c in call.__code__.co_freevars].index("rates")].cell_contents, \
        call.__closure__[[c for c in call.__code__.co_freevars].index("workload")].cell_contents
    rng = np.random.default_rng(3)
    for _ in range(40):
        changes = dict(api_usd_per_month=float(10 ** rng.uniform(5, 8)) / 12, failure_rate=float(rng.uniform(0, .3)),
                       logged_share=float(rng.uniform(0, 1)), egress_share=float(rng.uniform(0, 1)),
                       judged_share=float(rng.uniform(0, .2)), fallback_rate=float(rng.uniform(0, .1)))
        old = hidden.by_vector(hidden.monthly_costs(hidden.book_rows(rates), replace(
            workload, **changes, requests_per_month=workload.requests_per_month * changes["api_usd_per_month"]
            / workload.api_usd_per_month)))
        pd.testing.assert_frame_equal(hidden.what_if(rates, workload, **changes), old, check_exact=True)
    # a zero bill: every share NaN, summed to zero as pandas does
    zero = replace(workload, api_usd_per_month=0.0)
    pd.testing.assert_frame_equal(hidden.what_if(rates, zero, failure_rate=0.1),
                                  hidden.by_vector(hidden.monthly_costs(hidden.book_rows(rates),
                                                                        replace(zero, failure_rate=0.1))),
                                  check_exact=True)


def _old_simulate_traffic(*, days, step_minutes, mean_requests_per_s, daily_peak_to_trough, peak_hour,
                          weekday_to_weekend, spikes=(), hourly_noise_sigma=0.0, seed=0) -> pd.DataFrame:
    """capacity.simulate_traffic before its spike-free curve was cached (verbatim, as the reference)."""
    H = capacity.HOURS_PER_DAY
    rng = np.random.default_rng(seed)
    steps_per_hour = 60 // step_minutes
    n = days * H * steps_per_hour
    hour = np.arange(n) / steps_per_hour
    day = (hour // H).astype(np.int64)
    rate = mean_requests_per_s * capacity.daily_factor(hour % H, daily_peak_to_trough, peak_hour) \
        * capacity.weekly_factor(day, weekday_to_weekend)
    n_hours = days * H
    wobble = rng.lognormal(-0.5 * hourly_noise_sigma**2, hourly_noise_sigma, n_hours) if hourly_noise_sigma else \
        np.ones(n_hours)
    rate = rate * np.repeat(wobble, steps_per_hour)
    for s in spikes:
        rate = rate + (s.multiple - 1.0) * mean_requests_per_s * capacity.spike_envelope(hour, s)
    step_s = step_minutes * 60
    requests = rng.poisson(rate * step_s)
    return pd.DataFrame({"hour": hour, "day": day, "requests": requests, "requests_per_s": requests / step_s})


def test_simulate_traffic_with_its_cached_curve_draws_the_same_numbers():
    rng = np.random.default_rng(0)
    for _ in range(8):
        kw = dict(days=int(rng.integers(1, 40)), step_minutes=int(rng.choice([5, 10, 15, 60])),
                  mean_requests_per_s=float(rng.uniform(1, 500)), daily_peak_to_trough=float(rng.uniform(1, 5)),
                  peak_hour=float(rng.uniform(0, 24)), weekday_to_weekend=float(rng.uniform(.5, 3)),
                  hourly_noise_sigma=float(rng.choice([0, .1, .3])), seed=int(rng.integers(0, 99)))
        for spikes in ([], [capacity.Spike(30, 5.0, 3)], [capacity.Spike(10, 20.0, 6, 2.0), capacity.Spike(100, 3, 1)]):
            ref = _old_simulate_traffic(spikes=spikes, **kw)
            for _ in range(2):  # the second call hits the cache
                pd.testing.assert_frame_equal(capacity.simulate_traffic(spikes=spikes, **kw), ref, check_exact=True)
    p = whatifs.parameters("capacity_planning", ROOT)
    t = _chapter_traffic()
    assert len(t) == p["days"] * 24 * 60 // p["step_minutes"]


def _old_rule_costs(load_requests, day, rules, *, step_s, node_requests_per_s, node_usd_per_hour, hours_per_month,
                    sizing_requests=None) -> pd.DataFrame:
    """capacity.rule_costs before it sorted the load once (verbatim, with the old days-over groupby)."""
    x = np.asarray(load_requests, dtype=float)
    rps = (x if sizing_requests is None else np.asarray(sizing_requests, dtype=float)) / step_s
    asked = capacity.sized_capacity(rps, percentile=rules["percentile"].to_numpy(float),
                                    headroom_frac=rules["headroom_frac"].to_numpy(float),
                                    spike_reserve_multiple=rules["spike_reserve_multiple"].to_numpy(float))
    nodes = capacity.whole_nodes(asked, node_requests_per_s)
    provided = nodes * node_requests_per_s
    per_interval = provided * step_s
    return pd.DataFrame({
        "asked_requests_per_s": asked, "nodes": nodes, "capacity_requests_per_s": provided,
        "usd_per_month": nodes * node_usd_per_hour * hours_per_month,
        "unserved_share": capacity.unserved_share(x, per_interval),
        "intervals_over_share": capacity.share_of_intervals_over(x, per_interval),
        "days_over_share": [_old_share_of_days_over(x, day, c) for c in per_interval],
        "mean_utilisation": np.where(provided > 0, (x.sum() - capacity.overflow_total(x, per_interval)) / len(x)
                                     / np.where(per_interval > 0, per_interval, 1.0), np.nan),
    }, index=rules.index)


def test_rule_costs_equals_the_old_implementation_on_the_chapters_traffic_and_rules():
    t = _chapter_traffic()
    rules = tables.load_sizing_rules(ROOT / "data" / "sizing_rules.csv")
    x, d = t["requests"].to_numpy(), t["day"].to_numpy()
    for node_rps in (1.0, 7.3, 10.0, 55.0):
        for plan in (None, x * 0.9):
            kw = dict(step_s=300, node_requests_per_s=node_rps, node_usd_per_hour=98.0, hours_per_month=730,
                      sizing_requests=plan)
            pd.testing.assert_frame_equal(capacity.rule_costs(x, d, rules, **kw), _old_rule_costs(x, d, rules, **kw),
                                          check_exact=True)
