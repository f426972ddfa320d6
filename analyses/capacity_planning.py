# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Capacity planning for variable load
#
# **The question.** Traffic has a daily curve, a weekly curve and the odd launch or viral
# spike. How much self-hosted capacity should you provision for it, what does each of the
# guide's sizing rules cost and turn away, and is it cheaper to own the steady base and send
# the peaks to a hosted API?
#
# **The answer.** {glue:text}`cp_answer`
#
# The traffic is simulated (seeded, so every run gives the same quarter); its shapes come from
# `data/traffic_shapes.csv`, the sizing rules from `data/sizing_rules.csv`, the serving node and
# its hourly price from `data/selfhost_scenarios.csv`, reserve discounts from
# `data/committed_discounts.csv` and the API the overflow goes to from `data/api_prices.csv`.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
sizing_rules_csv = "data/sizing_rules.csv"
traffic_shapes_csv = "data/traffic_shapes.csv"
committed_discounts_csv = "data/committed_discounts.csv"
selfhost_scenarios_csv = "data/selfhost_scenarios.csv"
hardware_platforms_csv = "data/hardware_platforms.csv"
spot_market_csv = "data/spot_market.csv"
model_shapes_csv = "data/model_shapes.csv"
# The simulated traffic: one quarter (the guide's 10x spike comes once a quarter) in 5-minute intervals.
seed = 2026
days = 91
step_minutes = 5
mean_requests_per_s = 200  # the book's example service: about 17 million requests a day
peak_hour = 14  # local afternoon peak (the book's assumption)
hourly_noise_sigma = 0.10  # hour-to-hour wobble around the curve
# Where each range in traffic_shapes.csv is read: 0 = low end, 1 = high end (0.5 = midpoint).
shape_point = 0.5
# When the spikes come and how long they last (the guide says "for hours" and "decaying over days").
launch_day, launch_hour, launch_lasts_hours = 30, 10, 6
viral_day, viral_hour, viral_lasts_hours, viral_decays_over_days = 58, 15, 6, 3
# The serving node: the guide's 8x H100 working example (Llama 3.3 70B FP8) and its request shape.
serving_scenario = "guide-8xh100-working"
request_input_tokens = 1_500
request_output_tokens = 300
hours_per_month = 730
# Overflow goes to the same model on a hosted API (the guide's example of an API-compatible spill).
overflow_api = ("Together", "Llama 3.3 70B")
# Reserves: the guide's 1-year H100 reserve on AWS p5, read at shape_point of its range.
reserve_offer = "aws-p5-reserved-1y"
# Cold start: the 70B model's weights at FP8, read from local NVMe at this rate (the book's assumption).
cold_start_model = "Llama 3.3 70B"
weight_bytes_per_param = 1.0
model_load_gb_per_s = 2.0
# "Idle" for the spike-reserve check: utilisation below this share.
idle_utilisation = 0.10
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, checks, figures, guide, publish
from lib.book.present import show_table, snapshot_banner
from lib.costs import api, capacity, kv_cache
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
claims = tables.load_guide_claims(guide_claims_csv)
rules = tables.load_sizing_rules(sizing_rules_csv)
shapes = tables.load_traffic_shapes(traffic_shapes_csv).set_index("shape_id")
offers = tables.load_committed_discounts(committed_discounts_csv).set_index("offer_id")
scenario = tables.load_selfhost_scenarios(selfhost_scenarios_csv).set_index("scenario_id").loc[serving_scenario]
platforms = tables.load_hardware_platforms(hardware_platforms_csv).set_index("platform_id")
spot = tables.load_spot_market(spot_market_csv).set_index("market_id")
model_shapes = tables.load_model_shapes(model_shapes_csv)
ours: dict[str, guide.Check | float] = {}  # claim id -> the book's checks, compared with the guide at the end
claim_rows = claims.set_index("claim_id", drop=False)
# The guide's traffic shapes are the simulation's inputs: data/ holds no measured traffic to check them by.
NO_TRAFFIC_DATA = "no measured traffic in data/; the simulation is built from this figure"


def stated(claim_id: str) -> float:
    """The guide's figure as the verdict engine reads it: for prose only, never a check."""
    return float(checks.figure_of(claim_rows.loc[claim_id]).reference)


def point(low: float, high: float) -> float:
    """A range read at shape_point (0 = low end, 1 = high end)."""
    return float(low + shape_point * (high - low))


def shape(shape_id: str) -> float:
    return point(shapes.loc[shape_id, "multiple_low"], shapes.loc[shape_id, "multiple_high"])


step_s = step_minutes * 60
node_rps = float(scenario["output_tokens_per_s"]) / request_output_tokens  # requests a node finishes per second
node_usd_per_hour = float(scenario["hourly_usd"])
api_row = prices[(prices["provider"] == overflow_api[0]) & (prices["model"] == overflow_api[1])]
api_usd_per_request = (float(api.request_cost_usd(api_row, input_tokens=request_input_tokens,
                                                  output_tokens=request_output_tokens)[0])
                       if len(api_row) == 1 else float("nan"))
api_priced = bool(np.isfinite(api_usd_per_request))
reserve_discount = point(offers.loc[reserve_offer, "discount_frac_low"], offers.loc[reserve_offer, "discount_frac_high"])


def make_traffic(launch_multiple: float, viral_multiple: float) -> pd.DataFrame:
    spikes = [capacity.Spike(start_hour=24 * launch_day + launch_hour, multiple=launch_multiple,
                             lasts_hours=launch_lasts_hours),
              capacity.Spike(start_hour=24 * viral_day + viral_hour, multiple=viral_multiple,
                             lasts_hours=viral_lasts_hours, decays_over_days=viral_decays_over_days)]
    return capacity.simulate_traffic(
        days=days, step_minutes=step_minutes, mean_requests_per_s=mean_requests_per_s,
        daily_peak_to_trough=shape("daily-consumer"), peak_hour=peak_hour,
        weekday_to_weekend=shape("weekly-consumer"), spikes=spikes, hourly_noise_sigma=hourly_noise_sigma, seed=seed)


launch_multiple, viral_multiple = shape("launch-spike"), shape("viral-incident")
traffic = make_traffic(launch_multiple, viral_multiple)
load = traffic["requests"].to_numpy()
rps = traffic["requests_per_s"].to_numpy()
# What a planner can forecast: the same quarter (same seed, same noise) without its two spikes.
plan = make_traffic(1.0, 1.0)["requests"].to_numpy()
plan_rps = plan / (step_minutes * 60)
months = days * 24 / hours_per_month  # the simulated period in months

# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## A simulated quarter of traffic
#
# The book's example service averages {glue:text}`cp_mean_rps` requests per second. On top of
# that average it lays the guide's shapes: a daily curve of {glue:text}`cp_daily_multiple`
# peak to trough, weekdays {glue:text}`cp_weekly_multiple` busier than weekends, one launch at
# {glue:text}`cp_launch_multiple` the average for {glue:text}`cp_launch_hours` hours, and one
# viral incident at {glue:text}`cp_viral_multiple` that holds for {glue:text}`cp_viral_hours`
# hours and fades over {glue:text}`cp_viral_days` days. Requests arrive at random around that
# curve, in {glue:text}`cp_step_minutes`-minute intervals over {glue:text}`cp_days` days
# ({glue:text}`cp_total_requests` requests).
#
# A planner sizes on what can be forecast: the same quarter without its two spikes. There the
# median interval runs at {glue:text}`cp_p50_rps` requests per second, the 95th percentile at
# {glue:text}`cp_p95_rps` and the 99th at {glue:text}`cp_p99_rps`. The quarter as it came peaks at
# {glue:text}`cp_max_rps`, and the viral incident alone carries {glue:text}`cp_viral_share` of the
# quarter's requests: a viral incident of the guide's size, "for hours, decaying over days", is
# more traffic than a month of ordinary days. Every rule below sizes on the forecast and is judged on the quarter as it came.

# %% tags=["hide-input"]
hourly = traffic.assign(hour_index=(traffic["hour"] // 1).astype(int)).groupby("hour_index").agg(
    day=("day", "first"), peak_rps=("requests_per_s", "max"), mean_rps=("requests_per_s", "mean")).reset_index()
hourly["day_number"] = hourly["hour_index"] / 24
p50, p95, p99 = np.percentile(plan_rps, [50, 95, 99])
no_viral = make_traffic(launch_multiple, 1.0)["requests"].to_numpy()
figures.record("cp_mean_rps", mean_requests_per_s, "requests_per_s")
figures.record("cp_daily_multiple", shape("daily-consumer"), "ratio")
figures.record("cp_weekly_multiple", shape("weekly-consumer"), "ratio")
figures.record("cp_launch_multiple", launch_multiple, "ratio")
figures.record("cp_launch_hours", launch_lasts_hours, "count")
figures.record("cp_viral_multiple", viral_multiple, "ratio")
figures.record("cp_viral_hours", viral_lasts_hours, "count")
figures.record("cp_viral_days", viral_decays_over_days, "count")
figures.record("cp_step_minutes", step_minutes, "count")
figures.record("cp_days", days, "count")
figures.record("cp_total_requests", load.sum(), "count")
figures.record("cp_p50_rps", p50, "requests_per_s")
figures.record("cp_p95_rps", p95, "requests_per_s")
figures.record("cp_p99_rps", p99, "requests_per_s")
figures.record("cp_max_rps", rps.max(), "requests_per_s")
figures.record("cp_viral_share", 1 - no_viral.sum() / load.sum(), "fraction")

# How the simulated shapes read back, measured on spike-free days.
spike_days = set(range(launch_day, launch_day + 1)) | set(range(viral_day, viral_day + viral_decays_over_days + 1))
calm = hourly[~hourly["day"].isin(spike_days)]
day_peaks = calm.groupby("day")["mean_rps"].agg(["max", "min"])
daily_volume = traffic[~traffic["day"].isin(spike_days)].groupby("day")["requests"].sum()
is_weekday = daily_volume.index.to_series() % 7 < 5
calm_mean = float(calm["mean_rps"].mean())
launch_window = hourly[(hourly["hour_index"] >= 24 * launch_day + launch_hour)
                       & (hourly["hour_index"] < 24 * launch_day + launch_hour + launch_lasts_hours + 1)]
viral_window = hourly[(hourly["hour_index"] >= 24 * viral_day + viral_hour)
                      & (hourly["hour_index"] < 24 * viral_day + viral_hour + viral_lasts_hours + 1)]
# Read back from the simulation: a test of the simulation (noise and the weekly curve should not blur the
# shapes it was given), not of the guide, whose shapes went into it. The claims stay unchecked.
readback = {"daily": float((day_peaks["max"] / day_peaks["min"]).median()),
            "weekly": float(daily_volume[is_weekday].mean() / daily_volume[~is_weekday].mean()),
            "launch": float(launch_window["mean_rps"].max() / calm_mean),
            "viral": float(viral_window["mean_rps"].max() / calm_mean)}
for claim_id in ("cp_daily_peak_trough", "cp_weekly_ratio", "cp_launch_multiple", "cp_viral_multiple"):
    ours[claim_id] = guide.Check(arithmetic=float("nan"), missing=NO_TRAFFIC_DATA)
for name, value in readback.items():
    figures.record(f"cp_readback_{name}", value, "ratio")

alt.Chart(hourly).mark_line(strokeWidth=1).encode(
    x=alt.X("day_number:Q", title="Day of the quarter (days)"),
    y=alt.Y("peak_rps:Q", scale=alt.Scale(type="log"), title="Peak load (requests per second, log scale)"),
    tooltip=[alt.Tooltip("day_number:Q", title="day", format=".2f"),
             alt.Tooltip("peak_rps:Q", title="peak requests/s", format=",.0f"),
             alt.Tooltip("mean_rps:Q", title="mean requests/s", format=",.0f")],
).properties(width=620, height=260, title=alt.Title(
    "A simulated quarter of traffic",
    subtitle="Busiest 5 minutes of each hour: daily and weekly curves, a launch spike, a viral incident (seeded)"))

# %% [markdown]
# ## The guide's sizing rules, applied
#
# Each rule sizes capacity to a percentile of the forecast load plus headroom; the consumer-chat
# row adds a spike reserve of {glue:text}`cp_spike_reserve` the median load. Capacity comes in
# whole serving nodes: the guide's {glue:text}`cp_node` running Llama 3.3 70B finishes
# {glue:text}`cp_node_rps` requests of {glue:text}`cp_req_in` in and {glue:text}`cp_req_out` out
# per second and rents for {glue:text}`cp_node_hourly` an hour, {glue:text}`cp_node_month` a
# month. Requests above capacity in an interval have to queue or fail.
#
# Sizing to the average costs {glue:text}`cp_avg_cost` a month and turns away
# {glue:text}`cp_avg_unserved` of requests. It overflows on {glue:text}`cp_avg_weekdays_over` of
# weekdays, as the guide says, but not on every day: weekend peaks stay under the week's average,
# so it overflows on {glue:text}`cp_avg_days_over` of all days. The guide's default
# ({glue:text}`cp_default_rule`) costs {glue:text}`cp_p95_cost` and
# still turns away {glue:text}`cp_p95_unserved`, nearly all of it during the two spikes. The
# healthcare rule ({glue:text}`cp_health_rule`) costs {glue:text}`cp_health_cost`, and its fleet averages
# {glue:text}`cp_health_util` utilisation.

# %%
applied = pd.concat([rules, capacity.rule_costs(load, traffic["day"].to_numpy(), rules, step_s=step_s,
                                                node_requests_per_s=node_rps, node_usd_per_hour=node_usd_per_hour,
                                                hours_per_month=hours_per_month, sizing_requests=plan)], axis=1)
by_rule = applied.set_index("rule_id")
node_name = platforms.loc[scenario["platform_id"], "platform"]

# %% tags=["remove-input"]
figures.record("cp_spike_reserve", float(rules["spike_reserve_multiple"].max()), "ratio")


def rule_text(rule_id: str) -> str:
    """A rule as it reads: "P95 + 30%"."""
    r = by_rule.loc[rule_id]
    head = "the mean" if pd.isna(r["percentile"]) else f"P{figures.fmt_number(r['percentile'])}"
    return head + (f" + {figures.fmt_pct(r['headroom_frac'])}" if r["headroom_frac"] > 0 else "")


figures.glue_text("cp_default_rule", rule_text("p95-plus-30"))
figures.glue_text("cp_health_rule", rule_text("healthcare-financial"))
figures.glue_text("cp_node", node_name)
figures.record("cp_node_rps", node_rps, "requests_per_s")
figures.record("cp_req_in", request_input_tokens, "tokens")
figures.record("cp_req_out", request_output_tokens, "tokens")
figures.record("cp_node_hourly", node_usd_per_hour, "usd")
figures.record("cp_node_month", node_usd_per_hour * hours_per_month, "usd_per_month")
figures.record("cp_avg_cost", by_rule.loc["size-to-average", "usd_per_month"], "usd_per_month")
figures.record("cp_avg_unserved", by_rule.loc["size-to-average", "unserved_share"], "fraction")
figures.record("cp_avg_days_over", by_rule.loc["size-to-average", "days_over_share"], "fraction")
weekdays = traffic["day"].to_numpy() % 7 < 5
figures.record("cp_avg_weekdays_over", capacity.share_of_days_over(
    load[weekdays], traffic["day"].to_numpy()[weekdays],
    by_rule.loc["size-to-average", "capacity_requests_per_s"] * step_s), "fraction")
figures.record("cp_p95_cost", by_rule.loc["p95-plus-30", "usd_per_month"], "usd_per_month")
figures.record("cp_p95_unserved", by_rule.loc["p95-plus-30", "unserved_share"], "fraction")
figures.record("cp_health_cost", by_rule.loc["healthcare-financial", "usd_per_month"], "usd_per_month")
figures.record("cp_health_util", by_rule.loc["healthcare-financial", "mean_utilisation"], "fraction")
ours["cp_average_every_peak"] = float(by_rule.loc["size-to-average", "days_over_share"])
serves_all = applied[applied["unserved_share"] == 0].sort_values("usd_per_month")
figures.record_conclusion("cp_cheapest_rule_serving_all", (
    f"{serves_all.iloc[0]['workload_shape']} is the cheapest rule that turns nobody away" if len(serves_all)
    else "No rule turns nobody away: every one drops part of the viral incident"))
show_table(
    applied[["workload_shape", "percentile", "headroom_frac", "spike_reserve_multiple", "nodes", "usd_per_month",
             "mean_utilisation", "unserved_share", "intervals_over_share"]].rename(columns={
        "workload_shape": "rule", "headroom_frac": "headroom", "spike_reserve_multiple": "spike reserve",
        "usd_per_month": "per month", "mean_utilisation": "mean utilisation", "unserved_share": "requests turned away",
        "intervals_over_share": "intervals over capacity"}),
    {"percentile": "count", "headroom": "fraction", "spike reserve": "ratio", "nodes": "count",
     "per month": "usd_per_month", "mean utilisation": "fraction", "requests turned away": "fraction",
     "intervals over capacity": "fraction"},
)

# %% [markdown]
# Every rule trades money against requests turned away. The chart puts each rule at its monthly
# cost and the share of the quarter's requests that arrive above its capacity.
# {glue:text}`cp_cheapest_rule_serving_all`.

# %% tags=["hide-input"]
rule_points = alt.Chart(applied[["workload_shape", "kind", "nodes", "usd_per_month", "unserved_share",
                                 "mean_utilisation"]])
rule_dots = rule_points.mark_point(size=110, opacity=0.9, filled=True).encode(
    x=alt.X("usd_per_month:Q", title="Provisioned capacity (USD per month)"),
    y=alt.Y("unserved_share:Q", title="Requests above capacity (share of all requests)", axis=alt.Axis(format="%")),
    color=alt.Color("workload_shape:N", title="Rule", sort=None, scale=alt.Scale(scheme="tableau10")),
    shape=alt.Shape("kind:N", title="Kind of rule"),
    tooltip=[alt.Tooltip("workload_shape:N", title="rule"), alt.Tooltip("nodes:Q", title="nodes"),
             alt.Tooltip("usd_per_month:Q", title="USD per month", format=",.0f"),
             alt.Tooltip("unserved_share:Q", title="requests turned away", format=".2%"),
             alt.Tooltip("mean_utilisation:Q", title="mean utilisation", format=".0%")],
)
rule_dots.properties(width=440, height=300, title=alt.Title(
    "What each sizing rule costs and turns away", subtitle="One simulated quarter; whole 8x H100 nodes at the rental price"))

# %% [markdown]
# ### The spike reserve sits idle
#
# The guide says a reserve kept for spikes idles below {glue:text}`cp_idle_threshold` utilisation
# {glue:text}`cp_claim_idle_share` of the time. Read as the reserve slice alone (the nodes above
# what the consumer-chat rule's percentile and headroom ask for), it is below
# {glue:text}`cp_idle_threshold` utilisation in {glue:text}`cp_reserve_slice_idle` of intervals.
# Read as the whole consumer-chat fleet of {glue:text}`cp_chat_nodes` nodes, it is below that
# level only {glue:text}`cp_fleet_idle` of the time: the fleet is {glue:text}`cp_spike_reserve` the
# median load, so every interval busier than the median fills more than a tenth of it.
# For the whole fleet to idle that much, it would have to be {glue:text}`cp_fleet_for_claim` the
# median load, against {glue:text}`cp_max_over_median` for the busiest interval of the quarter: a
# fleet bigger than the viral incident itself.

# %%
chat = by_rule.loc["consumer-chat"]
base_cap = float(capacity.whole_nodes(capacity.sized_capacity(plan_rps, percentile=chat["percentile"],
                                                              headroom_frac=chat["headroom_frac"]), node_rps)) * node_rps
slice_cap = float(chat["capacity_requests_per_s"]) - base_cap
slice_use = np.clip(rps - base_cap, 0, slice_cap)
ours["cp_spike_reserve_idle_slice"] = float(np.mean(slice_use / slice_cap < idle_utilisation)) if slice_cap > 0 else 1.0
ours["cp_spike_reserve_idle_fleet"] = capacity.idle_share(rps, float(chat["capacity_requests_per_s"]), idle_utilisation)
# "... and at 100% during a viral incident": the fleet's busiest interval of the incident, capped at full.
in_viral = ((traffic["hour"] >= 24 * viral_day + viral_hour)
            & (traffic["hour"] < 24 * viral_day + viral_hour + viral_lasts_hours)).to_numpy()
ours["cp_spike_reserve_full_viral"] = float(np.minimum(rps[in_viral] / float(chat["capacity_requests_per_s"]), 1).max())

# %% tags=["remove-input"]
figures.record("cp_idle_threshold", idle_utilisation, "fraction")
figures.record("cp_reserve_slice_idle", ours["cp_spike_reserve_idle_slice"], "fraction")
figures.record("cp_chat_nodes", chat["nodes"], "count")
figures.record("cp_fleet_idle", ours["cp_spike_reserve_idle_fleet"], "fraction")
claimed_idle = stated("cp_spike_reserve_idle_fleet")
figures.record("cp_claim_idle_share", claimed_idle, "fraction")
fleet_for_claim = np.percentile(rps, 100 * claimed_idle) / idle_utilisation
figures.record("cp_fleet_for_claim", fleet_for_claim / p50, "ratio")
figures.record("cp_max_over_median", rps.max() / p50, "ratio")

# %% [markdown]
# ## Own the steady base, send the peaks to an API
#
# The hybrid pattern owns nodes up to a percentile of the load and sends every request above
# them to {glue:text}`cp_api_model` on {glue:text}`cp_api_host`, the same model behind an API, at
# {glue:text}`cp_api_request` a request. A fully used node serves a request for
# {glue:text}`cp_node_request`, so the API costs {glue:text}`cp_api_vs_node` as much: a node
# pays for itself only when it is busy more than {glue:text}`cp_breakeven_util` of the time.
#
# Sweeping the owned percentile from nothing (everything to the API, {glue:text}`cp_all_api`
# a month) to the peak, the cheapest point is {glue:text}`cp_best_hybrid_pct`:
# {glue:text}`cp_best_hybrid_nodes` nodes and {glue:text}`cp_best_hybrid_share` of requests
# overflowing, for {glue:text}`cp_best_hybrid_cost` a month, with nothing turned away. The guide's
# default fleet is cheaper ({glue:text}`cp_p95_cost`) only because it drops the spikes; a
# self-hosted fleet that serves them all, sized for the busiest interval, would cost
# {glue:text}`cp_peak_fleet_cost` a month, {glue:text}`cp_peak_vs_hybrid` the hybrid. Most of
# the hybrid's API bill is the viral incident. The crossover chapter prices the same pattern on
# hourly load with no spikes and the ops team included.
#
# **Try it here.** The sliders set the node's hourly rent and the API's price; the menu picks the
# viral incident's size. The line is the monthly bill at each owned percentile, computed in the page;
# red marks the cheapest (several percentiles tie when they own the same whole nodes).

# %%
percentiles = np.arange(0, 100.5, 0.5)
hybrid = capacity.hybrid_cost(load, percentile=percentiles, step_s=step_s, node_requests_per_s=node_rps,
                              node_usd_per_hour=node_usd_per_hour, api_usd_per_request=api_usd_per_request,
                              hours=days * 24, sizing_requests=plan)
monthly = hybrid.assign(**{c: hybrid[c] / months for c in ("owned_usd", "api_usd", "total_usd", "overflow_requests")})
node_request_usd = node_usd_per_hour / 3600 / node_rps

# %% tags=["remove-input"]
figures.record("cp_node_request", node_request_usd, "usd_per_request")
figures.glue_text("cp_api_model", overflow_api[1])
figures.glue_text("cp_api_host", overflow_api[0])
figures.record("cp_api_request", api_usd_per_request, "usd_per_request")
figures.record("cp_api_vs_node", api_usd_per_request / node_request_usd, "ratio")
figures.record("cp_breakeven_util", node_request_usd / api_usd_per_request, "fraction")
figures.record("cp_all_api", monthly.loc[monthly["percentile"] == 0, "total_usd"].iloc[0], "usd_per_month")
if api_priced:
    best = capacity.cheapest(monthly)
    hybrid_covers = 100 * float(np.mean(plan_rps <= best["nodes"] * node_rps))
    figures.record_conclusion("cp_best_hybrid_pct", f"P{figures.fmt_number(round(hybrid_covers))}")
    best_share = best["overflow_requests"] * months / load.sum()
    best_cost, best_pct = float(best["total_usd"]), float(best["percentile"])
else:
    best = pd.Series({"nodes": np.nan})
    figures.record_conclusion("cp_best_hybrid_pct", f"not computable: the price data has no {overflow_api[1]} "
                                                    f"price at {overflow_api[0]}")
    best_share = best_cost = best_pct = hybrid_covers = float("nan")
figures.record("cp_best_hybrid_nodes", best["nodes"], "count")
figures.record("cp_best_hybrid_share", best_share, "fraction")
figures.record("cp_best_hybrid_cost", best_cost, "usd_per_month")
peak_fleet_cost = float(capacity.whole_nodes(rps.max(), node_rps)) * node_usd_per_hour * hours_per_month
figures.record("cp_peak_fleet_cost", peak_fleet_cost, "usd_per_month")
figures.record("cp_peak_vs_hybrid", peak_fleet_cost / best_cost, "ratio")

# %% tags=["hide-input"]
# The in-page what-if: owned nodes and overflow per percentile, for a few viral-incident sizes.
viral_options = sorted({1.0, float(shapes.loc["viral-incident", "multiple_low"]), viral_multiple,
                        float(shapes.loc["viral-incident", "multiple_high"]), 200.0})
sweeps = []
for v in viral_options:
    t = make_traffic(launch_multiple, v)["requests"].to_numpy()
    s = capacity.hybrid_cost(t, percentile=np.arange(0, 100.5, 1.0), step_s=step_s, node_requests_per_s=node_rps,
                             node_usd_per_hour=node_usd_per_hour, api_usd_per_request=0.0, hours=days * 24,
                             sizing_requests=plan)
    sweeps.append(s[["percentile", "nodes", "overflow_requests"]].assign(
        viral=v, overflow_per_month=s["overflow_requests"] / months))
sweep_data = pd.concat(sweeps, ignore_index=True).drop(columns="overflow_requests")
platform_row = platforms.loc[scenario["platform_id"]]
api_blended = (api_usd_per_request * 1e6 / (request_input_tokens + request_output_tokens)) if api_priced else 1.0
hourly_param = alt.param(name="node_hourly", value=node_usd_per_hour, bind=alt.binding_range(
    min=float(platform_row["rental_usd_per_hour_low"]) / 2, max=float(platform_row["rental_usd_per_hour_high"]) * 2,
    step=0.5, name="node rent (USD per hour) "))
api_param = alt.param(name="api_mtok", value=round(api_blended, 2), bind=alt.binding_range(
    min=0.1, max=5.0, step=0.01, name="API price (USD per million tokens, in and out) "))
viral_param = alt.param(name="viral", value=viral_multiple, bind=alt.binding_select(
    options=viral_options, name="viral incident (x average load) "))
base = alt.Chart(sweep_data).transform_filter("datum.viral == viral").transform_calculate(
    owned_usd=f"datum.nodes * node_hourly * {hours_per_month}",
    api_usd=f"datum.overflow_per_month * api_mtok * {request_input_tokens + request_output_tokens} / 1000000",
).transform_calculate(total_usd="datum.owned_usd + datum.api_usd")
line = base.mark_line().encode(
    x=alt.X("percentile:Q", title="Load percentile owned (percent)"),
    y=alt.Y("total_usd:Q", title="Monthly bill, owned plus API (USD per month)"),
    tooltip=[alt.Tooltip("percentile:Q", title="owned percentile"), alt.Tooltip("nodes:Q", title="owned nodes"),
             alt.Tooltip("owned_usd:Q", title="owned USD/month", format=",.0f"),
             alt.Tooltip("api_usd:Q", title="API USD/month", format=",.0f"),
             alt.Tooltip("total_usd:Q", title="total USD/month", format=",.0f")],
)
best_dot = base.transform_joinaggregate(lowest="min(total_usd)").transform_filter(
    "datum.total_usd == datum.lowest").mark_circle(size=120, color="#d62728").encode(
    x="percentile:Q", y="total_usd:Q",
    tooltip=[alt.Tooltip("percentile:Q", title="cheapest owned percentile"), alt.Tooltip("nodes:Q", title="owned nodes"),
             alt.Tooltip("total_usd:Q", title="total USD/month", format=",.0f")])
alt.layer(line, best_dot).add_params(hourly_param, api_param, viral_param).properties(
    width=480, height=300, title=alt.Title(
        "Own up to a percentile, send the rest to the API",
        subtitle=f"Monthly bill; owned nodes serve {node_rps:g} requests/s each; the dot is the cheapest point"))

# %% [markdown]
# ## Reserve the base, rent the burst
#
# Without an API to spill to, the guide's reservation advice is to cover the median load with
# reserves and rent everything above it on demand. The guide's one-year reserve on
# {glue:text}`cp_reserve_provider` is {glue:text}`cp_reserve_discount` off on-demand (the midpoint
# of its range). If on-demand nodes can be rented hour by
# hour for that hour's busiest interval (each start loses {glue:text}`cp_cold_load_s` seconds
# loading the model), the cheapest reserve is {glue:text}`cp_best_reserve_nodes` nodes, enough for
# {glue:text}`cp_best_reserve_pct` of the forecast load, for {glue:text}`cp_best_reserve_cost` a
# month, against {glue:text}`cp_all_on_demand_cost` with no reserve at all. Reserving for the
# median instead costs {glue:text}`cp_p50_reserve_cost`, only {glue:text}`cp_p50_over_best` more: the
# bill is flat around the optimum, so the guide's rule of thumb gives away little.
#
# The reason is simple arithmetic: a reserved node costs {glue:text}`cp_reserve_pays` of an
# on-demand one every hour, so the last node worth reserving is one that is busy
# {glue:text}`cp_reserve_pays` of the hours or more: with perfect scaling, the load at the
# percentile equal to the discount (P{glue:text}`cp_rule_pct` here). Renting on-demand nodes by
# the whole hour, for the hour's busiest five minutes, makes on-demand dearer and pushes the
# optimum up, to {glue:text}`cp_best_reserve_pct` in the simulation. The slider shows the optimum
# following the discount. The guide's cold-start section says production keeps one replica warm; at
# this load the reserve is never smaller than that.
#
# The guide's FAQ budgets the same split as two line items: a steady floor for the median load,
# here {glue:text}`cp_floor_nodes` nodes or {glue:text}`cp_floor_cost` a month, and a spike reserve
# sized between the 95th and 99th percentiles, another {glue:text}`cp_spike_line_low` to
# {glue:text}`cp_spike_line_high`. Both percentiles are of the forecast: neither line item
# covers the launch or the viral incident, which is why the FAQ also asks for a daily spend cap.
#
# **Try it here.** The slider sets the reserve discount; the chart recomputes the bill at each
# reserve level in the page, and red marks the cheapest (percentiles that reserve the same whole
# nodes tie).

# %%
llama = model_shapes[model_shapes["model"] == cold_start_model].iloc[0]
cold_load_s = float(kv_cache.weight_bytes(llama["total_params_billions"], weight_bytes_per_param)) / (model_load_gb_per_s * 1e9)
ours["cp_cold_load_70b"] = cold_load_s
reserve = capacity.reserve_plus_on_demand_cost(load, percentile=percentiles, step_s=step_s,
                                               node_requests_per_s=node_rps, on_demand_usd_per_hour=node_usd_per_hour,
                                               reserve_discount_frac=reserve_discount,
                                               warm_up_hours_per_start=cold_load_s / 3600, sizing_requests=plan)
reserve_month = reserve.assign(**{c: reserve[c] / months for c in ("reserved_usd", "on_demand_usd", "total_usd",
                                                                    "on_demand_node_hours", "node_starts")})
best_reserve = capacity.cheapest(reserve_month)
# Whole nodes: the percentile of the forecast load the cheapest reserve actually covers.
reserve_covers = 100 * float(np.mean(plan_rps <= best_reserve["reserved_nodes"] * node_rps))
ours["cp_reserve_p50"] = reserve_covers

# %% tags=["remove-input"]
figures.glue_text("cp_reserve_provider", offers.loc[reserve_offer, "provider"])
figures.record("cp_reserve_discount", reserve_discount, "fraction")
figures.record("cp_cold_load_s", cold_load_s, "count")
figures.record_conclusion("cp_best_reserve_pct", f"P{figures.fmt_number(round(reserve_covers))}")
figures.record("cp_best_reserve_nodes", best_reserve["reserved_nodes"], "count")
p50_total = float(reserve_month.loc[reserve_month["percentile"] == 50, "total_usd"].iloc[0])
figures.record("cp_p50_over_best", p50_total / best_reserve["total_usd"] - 1, "fraction")
figures.record("cp_best_reserve_cost", best_reserve["total_usd"], "usd_per_month")
figures.record("cp_p50_reserve_cost", reserve_month.loc[reserve_month["percentile"] == 50, "total_usd"].iloc[0],
               "usd_per_month")
figures.record("cp_all_on_demand_cost", reserve_month.loc[reserve_month["percentile"] == 0, "total_usd"].iloc[0],
               "usd_per_month")
figures.record("cp_reserve_pays", 1 - reserve_discount, "fraction")
figures.record("cp_rule_pct", float(capacity.optimal_reserve_percentile(reserve_discount)), "count")

floor_nodes, p95_nodes, p99_nodes = capacity.whole_nodes(capacity.load_at(plan_rps, [50, 95, 99]), node_rps)
figures.record("cp_floor_nodes", floor_nodes, "count")
figures.record("cp_floor_cost", floor_nodes * node_usd_per_hour * hours_per_month, "usd_per_month")
figures.record("cp_spike_line_low", (p95_nodes - floor_nodes) * node_usd_per_hour * hours_per_month, "usd_per_month")
figures.record("cp_spike_line_high", (p99_nodes - floor_nodes) * node_usd_per_hour * hours_per_month, "usd_per_month")

# %% tags=["hide-input"]
reserve_data = reserve_month[["percentile", "reserved_nodes", "on_demand_node_hours", "node_starts"]].copy()
discount_param = alt.param(name="reserve_discount", value=reserve_discount, bind=alt.binding_range(
    min=0.0, max=0.7, step=0.01, name="reserve discount (share off on-demand) "))
rbase = alt.Chart(reserve_data).transform_calculate(
    reserved_usd=f"datum.reserved_nodes * {node_usd_per_hour} * (1 - reserve_discount) * {hours_per_month}",
    on_demand_usd=f"(datum.on_demand_node_hours + datum.node_starts * {cold_load_s / 3600}) * {node_usd_per_hour}",
).transform_calculate(total_usd="datum.reserved_usd + datum.on_demand_usd")
rline = rbase.mark_line().encode(
    x=alt.X("percentile:Q", title="Load percentile reserved (percent)"),
    y=alt.Y("total_usd:Q", title="Monthly bill, reserved plus on-demand (USD per month)"),
    tooltip=[alt.Tooltip("percentile:Q", title="reserved percentile"),
             alt.Tooltip("reserved_nodes:Q", title="reserved nodes"),
             alt.Tooltip("on_demand_node_hours:Q", title="on-demand node-hours/month", format=",.0f"),
             alt.Tooltip("total_usd:Q", title="total USD/month", format=",.0f")])
rdot = rbase.transform_joinaggregate(lowest="min(total_usd)").transform_filter(
    "datum.total_usd == datum.lowest").mark_circle(size=120, color="#d62728").encode(
    x="percentile:Q", y="total_usd:Q",
    tooltip=[alt.Tooltip("percentile:Q", title="cheapest reserved percentile"),
             alt.Tooltip("total_usd:Q", title="total USD/month", format=",.0f")])
alt.layer(rline, rdot).add_params(discount_param).properties(width=480, height=300, title=alt.Title(
    "Reserve up to a percentile, rent the rest on demand",
    subtitle=f"Monthly bill at ${node_usd_per_hour:g}/hour on demand; on-demand nodes rented by the hour"))

# %% [markdown]
# In Jupyter, the widgets below re-simulate the quarter with other spike sizes and price the
# guide's rules and the hybrid at any owned percentile, through `lib.costs.capacity`:

# %% tags=["hide-input"]
def what_if(launch: float, viral: float, owned_percentile: float) -> None:
    t = make_traffic(launch, viral)
    table = capacity.rule_costs(t["requests"].to_numpy(), t["day"].to_numpy(), rules, step_s=step_s,
                                node_requests_per_s=node_rps, node_usd_per_hour=node_usd_per_hour,
                                hours_per_month=hours_per_month, sizing_requests=plan)
    show_table(pd.concat([rules[["workload_shape"]], table[["nodes", "usd_per_month", "unserved_share"]]], axis=1),
               {"nodes": "count", "usd_per_month": "usd_per_month", "unserved_share": "fraction"})
    h = capacity.hybrid_cost(t["requests"].to_numpy(), percentile=owned_percentile, step_s=step_s,
                             node_requests_per_s=node_rps, node_usd_per_hour=node_usd_per_hour,
                             api_usd_per_request=api_usd_per_request, hours=days * 24,
                             sizing_requests=plan).iloc[0]
    print(f"Hybrid at P{owned_percentile:g}: {int(h['nodes'])} owned nodes, "
          f"{figures.fmt_usd(h['total_usd'] / months)} a month in all.")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        what_if,
        launch=widgets.FloatSlider(value=launch_multiple, min=1, max=50, step=1),
        viral=widgets.FloatSlider(value=viral_multiple, min=1, max=300, step=5),
        owned_percentile=widgets.FloatSlider(value=best_pct if api_priced else 90, min=0, max=100, step=0.5),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`cp_verdicts` The four traffic shapes cannot be checked here: `data/` holds no
# measured traffic, and the simulated quarter is built from the guide's own shapes, so reading
# them back would only test the simulation. (It passes that test: the daily swing reads back as
# {glue:text}`cp_readback_daily`, a little wider than it went in because of the noise, weekdays as
# {glue:text}`cp_readback_weekly` busier than weekends, the launch at {glue:text}`cp_readback_launch`
# and the viral incident at {glue:text}`cp_readback_viral` the calm average.) The other figures are
# the guide's arithmetic redone on its own inputs, its shapes and sizing rules run through that
# simulation; none of them meets independent truth, for the same lack of traffic data. On those
# inputs, sizing to average fails at every peak on weekdays, not on weekends, whose peaks sit under
# the week's average. The spike reserve's idleness depends on what "reserved capacity" means: the
# reserve slice alone idles {glue:text}`cp_reserve_slice_idle` of the time, close to the guide's
# figure but short of it at the precision the guide wrote it with; the whole fleet idles far less
# ({glue:text}`cp_fleet_idle`); either way it runs full in the viral incident. The best reservation level follows the discount, so the guide's median rule
# is a fair one, a little off at AWS's mid discount and at almost no cost. Lambda's reserve
# discount is stated twice: the reserve section's low end is below the spot-market section's, the
# high ends match, and the book uses neither (its example is AWS). The cold-load time matches
# weights read at {glue:text}`cp_load_rate` GB per second, a single NVMe drive; a faster store
# loads sooner.

# %% tags=["remove-input"]
ours["cp_lambda_reserve_low"] = float(spot.loc["lambda-reserved", "discount_frac_low"])
ours["cp_lambda_reserve_high"] = float(spot.loc["lambda-reserved", "discount_frac_high"])
figures.record("cp_load_rate", model_load_gb_per_s, "count")

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("cp_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("cp_answer", (
    f"On a simulated quarter averaging {figures.fmt_number(mean_requests_per_s)} requests per second, the guide's "
    f"default rule ({rule_text('p95-plus-30')}) rents {int(by_rule.loc['p95-plus-30', 'nodes'])} nodes for "
    f"{figures.fmt_usd(by_rule.loc['p95-plus-30', 'usd_per_month'])} a month and still turns away "
    f"{figures.fmt_pct(by_rule.loc['p95-plus-30', 'unserved_share'])} of requests in the spikes. "
    + (f"Owning the load up to P{figures.fmt_number(round(hybrid_covers))} and sending the rest to the API costs "
       f"{figures.fmt_usd(best_cost)} a month and turns nobody away. " if api_priced else
       "The hybrid cannot be priced: the price data has no price for the overflow API. ")
    + f"Reserving the base at {figures.fmt_pct(reserve_discount)} off and renting the rest by the hour, the cheapest "
    f"reserve covers P{figures.fmt_number(round(reserve_covers))} of the forecast; the guide's rule of reserving for the "
    f"median costs only "
    f"{figures.fmt_pct(p50_total / best_reserve['total_usd'] - 1)} more."
))
