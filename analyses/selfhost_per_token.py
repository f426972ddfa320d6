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
# # What a self-hosted token costs
#
# **The question.** If you rent a GPU cluster and serve an open-weight model yourself, what does
# a million tokens cost once idle hours and the people who run it are paid for?
#
# **The answer.** {glue:text}`sh_answer`
#
# Every figure on this page is computed from the CSV files in `data/` when the book is
# refreshed; the guide's own figures sit beside ours at the end, each with a verdict.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
selfhost_scenarios_csv = "data/selfhost_scenarios.csv"
hardware_specs_csv = "data/hardware_specs.csv"
model_shapes_csv = "data/model_shapes.csv"
throughput_cases_csv = "data/throughput_cases.csv"
# The example's throughputs are claims the physical-limits chapter sets against the roofline, with
# the same share of memory held back (vLLM's 10%); the per-token figures rest on them.
throughput_claims = ["rf_h100_selfhost_output", "rf_h100_selfhost_input"]
reserved_frac = 0.1
# The guide's worked example (8x H100, Llama-3.3 70B, FP8, vLLM) and the hosted model it is set against.
scenario_id = "guide-8xh100-working"
hosted_model = "Llama 3.3 70B"
# The guide's hourly rental bands for the same node (managed cloud, specialists, decentralised), USD an hour.
rental_bands_usd_per_hour = {"managed cloud": (25, 40), "specialist": (15, 25), "decentralised": (5, 15)}
# The request shape behind the example's throughput: tokens in and out per request.
request_input_tokens = 1_500
request_output_tokens = 300
# Utilisation levels the guide walks through.
utilisations = [1.0, 0.5, 0.3, 0.2]
# The guide's ops team, USD a year: ML platform engineer, part of a backend engineer, monitoring and on-call.
ops_lines_usd_per_year = {"ML platform engineer": 300_000, "Backend engineer (partial)": 150_000,
                          "Monitoring, logs, on-call": 50_000}
# The guide's "ten clusters" share one ops team; and the ops share of rent we call "close to raw GPU cost".
clusters_sharing_ops = 10
max_ops_share_of_rent = 0.10
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
from functools import partial

import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, figures, guide, publish
from lib.book.checks import Check
from lib.book.present import show_table, snapshot_banner
from lib.costs import api, ownership, roofline as rf, selfhost
from lib.data import tables

charts.use_book_style(for_html_book)

# A break-even that is never reached reads as "never"; a price the data lacks as n/a.
record = partial(figures.record, infinite_text="never")

prices = tables.load_api_prices(api_prices_csv, book_rows_only=True)
claims = tables.load_guide_claims(guide_claims_csv)
scenarios = tables.load_selfhost_scenarios(selfhost_scenarios_csv).set_index("scenario_id")
sc = scenarios.loc[scenario_id]
hourly, tps_out, tps_in = float(sc["hourly_usd"]), float(sc["output_tokens_per_s"]), float(sc["input_tokens_per_s"])
ops_per_year = float(sc["ops_usd_per_year"])
ours: dict[str, float | Check] = {}  # claim id -> the book's checks of it, compared with the guide at the end

# %% tags=["remove-input"]
snapshot_banner(prices, api_prices_csv)

# %% [markdown]
# ## The guide's cluster at full load
#
# The guide prices renting the node around the clock in three markets (the table below); the
# example rents it at {glue:text}`sh_hourly` an hour, around the clock: {glue:text}`sh_rent_year` a year, or {glue:text}`sh_rent_second` every second. Serving a
# 70B model in FP8 to requests of {glue:text}`sh_req_in` tokens in and {glue:text}`sh_req_out`
# out, it sustains {glue:text}`sh_tps_out` output tokens a second and {glue:text}`sh_tps_in` input
# tokens a second. Those two rates are one stream of requests seen twice
# ({glue:text}`sh_requests_per_s` requests a second), so the same second of rent pays for both.
#
# The guide charges the whole cluster to each kind of token in turn: {glue:text}`sh_out_full` per
# million output tokens, or {glue:text}`sh_in_full` per million input tokens. Spread over all the
# tokens the cluster actually moves, a million tokens cost {glue:text}`sh_blended_full`: that is the
# figure to set against a hosted API, which bills both.

# %%
full = ownership.selfhost_what_if(hourly, tps_out, tps_in, 1.0, 0.0, 1.0)
bands = pd.DataFrame([{"market": m, "per hour, low": lo, "per hour, high": hi,
                       "a year, low": float(ownership.rental_usd(lo, 1)), "a year, high": float(ownership.rental_usd(hi, 1))}
                      for m, (lo, hi) in rental_bands_usd_per_hour.items()])
requests_per_s = tps_out / request_output_tokens
# The guide's own chain, redone as it writes it: the year's rent rounded to the thousand dollars,
# divided down to a second and rounded to two figures, then divided by each throughput.
seconds_per_year = selfhost.SECONDS_PER_HOUR * selfhost.HOURS_PER_YEAR
guide_rent_year = round(full["usd_per_year"], -3)
guide_per_second = float(f"{guide_rent_year / seconds_per_year:.2g}")
guide_out_full = guide_per_second / tps_out * selfhost.TOKENS_PER_MTOK
guide_in_full = guide_per_second / tps_in * selfhost.TOKENS_PER_MTOK

# %% tags=["remove-input"]
record("sh_hourly", hourly, "usd")
record("sh_rent_year", full["usd_per_year"], "usd_per_year")
record("sh_rent_second", hourly / selfhost.SECONDS_PER_HOUR, "usd")
record("sh_req_in", request_input_tokens, "tokens")
record("sh_req_out", request_output_tokens, "tokens")
record("sh_tps_out", tps_out, "tokens_per_s")
record("sh_tps_in", tps_in, "tokens_per_s")
record("sh_requests_per_s", requests_per_s, "count")
record("sh_out_full", full["usd_per_mtok_output"], "usd_per_mtok")
record("sh_in_full", full["usd_per_mtok_input"], "usd_per_mtok")
record("sh_blended_full", full["usd_per_mtok_blended"], "usd_per_mtok")
show_table(bands, {"per hour, low": "usd", "per hour, high": "usd", "a year, low": "usd_per_year",
                   "a year, high": "usd_per_year"})
for claim_id, market in (("sh_rent_managed_year", "managed cloud"), ("sh_rent_specialist_year", "specialist"),
                         ("sh_rent_decentral_year", "decentralised")):
    b = bands.set_index("market").loc[market]
    ours[claim_id] = Check(arithmetic=float(b["a year, low"]), arithmetic_high=float(b["a year, high"]))
ours.update(sh_rent_per_year=full["usd_per_year"], sh_rent_per_second=guide_rent_year / seconds_per_year,
            sh_output_full=guide_out_full, sh_input_full=guide_in_full,
            sh_output_per_token=guide_per_second / tps_out, sh_input_per_token=guide_per_second / tps_in)

# %% [markdown]
# ## Against the hosted price of the same model
#
# The book lists {glue:text}`sh_hosts` hosts selling {glue:text}`sh_hosted_model` with both prices
# stated. For the example's request shape their blended price runs from {glue:text}`sh_hosted_low`
# to {glue:text}`sh_hosted_high` per million tokens, a median of {glue:text}`sh_hosted_median`.
# At full load the rented cluster serves the same request for {glue:text}`sh_vs_hosted` of that
# median. It stops being cheaper below {glue:text}`sh_breakeven_util` utilisation: the busy share
# of hours at which idle time eats the whole saving. {glue:text}`sh_hosted_note`

# %%
llama = prices[prices["model"] == hosted_model]
llama_priced = llama.dropna(subset=["input_usd_per_mtok", "output_usd_per_mtok"])
tokens_per_request = request_input_tokens + request_output_tokens
hosted_blended = pd.Series(
    api.request_cost_usd(llama_priced, input_tokens=request_input_tokens, output_tokens=request_output_tokens)
    / tokens_per_request * selfhost.TOKENS_PER_MTOK, index=llama_priced["provider"].to_numpy(), dtype=float)
hosted_median = float(hosted_blended.median()) if len(hosted_blended) else float("nan")
breakeven_util = (float(ownership.breakeven_utilisation(hourly, tps_out + tps_in, hosted_median))
                  if len(hosted_blended) else float("nan"))

# %% tags=["remove-input"]
figures.glue_text("sh_hosted_model", hosted_model)
record("sh_hosts", len(hosted_blended), "count")
record("sh_hosted_low", hosted_blended.min() if len(hosted_blended) else float("nan"), "usd_per_mtok")
record("sh_hosted_high", hosted_blended.max() if len(hosted_blended) else float("nan"), "usd_per_mtok")
record("sh_hosted_median", hosted_median, "usd_per_mtok")
record("sh_vs_hosted", full["usd_per_mtok_blended"] / hosted_median, "fraction")
record("sh_breakeven_util", breakeven_util, "fraction")
missing = len(llama) - len(llama_priced)
figures.glue_text("sh_hosted_note", (
    f"{missing} host listing(s) of the model in this price snapshot carry no price and are left out."
    if missing else "Every host listing of the model in this price snapshot carries both prices."
) if len(llama) else "This price snapshot lists no host for the model, so the comparison is not available.")
if len(hosted_blended):
    # The guide's band and share against the hosts' median price (outside data).
    ours.update(sh_hosted_llama=hosted_median, sh_vs_hosted=full["usd_per_mtok_blended"] / hosted_median)
    figures.record_conclusion("sh_cheaper_than_hosted_at_full_load",
                              "cheaper" if full["usd_per_mtok_blended"] < hosted_median else "dearer")

# %% tags=["hide-input"]
if len(hosted_blended):
    col = f"blended $ per M tokens ({request_input_tokens:,} in + {request_output_tokens:,} out)"
    show_table(hosted_blended.rename(col).rename_axis("host").reset_index(), {col: "usd_per_mtok"})

# %% [markdown]
# ## Idle hours are paid for
#
# The rent is due whether or not requests arrive. At utilisation *u* the cluster produces *u* of
# its tokens for the whole rent, so every per-token figure is multiplied by 1/*u*: at
# {glue:text}`sh_u30` that is {glue:text}`sh_u30_factor`. The table walks the guide's
# utilisation levels.

# %%
util = np.array(utilisations)
per_util = pd.DataFrame({
    "utilisation": util,
    "cost multiplier": 1 / util,
    "$ per M output": selfhost.selfhost_usd_per_mtok(hourly, tps_out, util),
    "$ per M input": selfhost.selfhost_usd_per_mtok(hourly, tps_in, util),
    "$ per M tokens, blended": selfhost.selfhost_usd_per_mtok(hourly, tps_out + tps_in, util),
})
per_util["vs hosted median"] = per_util["$ per M tokens, blended"] / hosted_median

# %% tags=["remove-input"]
show_table(per_util, {"utilisation": "fraction", "cost multiplier": "ratio", "$ per M output": "usd_per_mtok",
                      "$ per M input": "usd_per_mtok", "$ per M tokens, blended": "usd_per_mtok",
                      "vs hosted median": "ratio"})
by_u = per_util.set_index("utilisation")
record("sh_u30", 0.3, "fraction")
record("sh_u30_factor", 1 / 0.3, "ratio")
# The guide scales its full-load figures by 1/u rounded to two figures ("3.3×").
for u, tag in ((0.5, "50"), (0.3, "30"), (0.2, "20")):
    factor = float(f"{1 / u:.2g}")
    ours[f"sh_util{tag}_output"] = factor * guide_out_full
    ours[f"sh_util{tag}_input"] = factor * guide_in_full
ours["sh_util30_factor"] = 1 / 0.3
if len(hosted_blended) and 0.3 in by_u.index:
    figures.record_conclusion("sh_at_30pct_vs_hosted",
                              "dearer than hosted" if by_u.loc[0.3, "vs hosted median"] > 1 else "cheaper than hosted")

# %% [markdown]
# ## The people who run it
#
# The guide's smallest workable team costs {glue:text}`sh_ops` a year, {glue:text}`sh_ops_vs_rent` the rent.
# On one cluster the year's bill becomes {glue:text}`sh_one_cluster_year`, and a million output
# tokens cost {glue:text}`sh_ops_full` at full load and {glue:text}`sh_ops_30` at
# {glue:text}`sh_u30` utilisation. That is why the guide says nobody self-hosts one cluster: the
# team's cost must be shared. Across {glue:text}`sh_clusters` clusters the team adds
# {glue:text}`sh_ops_share_10` to each cluster's rent, and a million output tokens at full load
# cost {glue:text}`sh_ten_full`, {glue:text}`sh_ten_vs_raw` the raw rental figure. To bring the
# team's share down to {glue:text}`sh_max_ops_share` of the rent takes
# {glue:text}`sh_clusters_needed` clusters.

# %% tags=["hide-input"]
ops_total = float(sum(ops_lines_usd_per_year.values()))
show_table(pd.DataFrame({"line": list(ops_lines_usd_per_year) + ["Total"],
                         "USD a year": list(ops_lines_usd_per_year.values()) + [ops_total]}),
           {"USD a year": "usd_per_year"})

# %%
one = ownership.selfhost_what_if(hourly, tps_out, tps_in, 1.0, ops_per_year, 1.0)
one30 = ownership.selfhost_what_if(hourly, tps_out, tps_in, 0.3, ops_per_year, 1.0)
ten = ownership.selfhost_what_if(hourly, tps_out, tps_in, 1.0, ops_per_year, clusters_sharing_ops)
needed = float(ownership.clusters_for_ops_share(hourly, ops_per_year, max_ops_share_of_rent))

# %% tags=["remove-input"]
record("sh_ops", ops_per_year, "usd_per_year")
record("sh_ops_vs_rent", ops_per_year / full["usd_per_year"], "ratio")
record("sh_one_cluster_year", one["usd_per_year"], "usd_per_year")
record("sh_ops_full", one["usd_per_mtok_output"], "usd_per_mtok")
record("sh_ops_30", one30["usd_per_mtok_output"], "usd_per_mtok")
record("sh_clusters", clusters_sharing_ops, "count")
record("sh_ops_share_10", ops_per_year / clusters_sharing_ops / full["usd_per_year"], "fraction")
record("sh_ten_full", ten["usd_per_mtok_output"], "usd_per_mtok")
record("sh_ten_vs_raw", ten["usd_per_mtok_output"] / full["usd_per_mtok_output"], "ratio")
record("sh_max_ops_share", max_ops_share_of_rent, "fraction")
record("sh_clusters_needed", needed, "count")
# The guide divides its rounded full-load figure ("$7") by the utilisation.
guide_ops_full = float(f"{one['usd_per_mtok_output']:.1g}")
ours.update(sh_ops_total=ops_total, sh_single_cluster_year=one["usd_per_year"],
            sh_ops_output_full=one["usd_per_mtok_output"], sh_ops_output_30=guide_ops_full / 0.3)

# %% [markdown]
# **Try it here.** The curves show what a million tokens cost (input and output together) as
# utilisation falls, for one cluster carrying the whole ops team and for the team shared across
# clusters; the flat line is the median hosted price. Move the sliders to change the rental
# price, the throughput, the ops team and how many clusters share it. The chart computes in the
# page, so it works without Jupyter.

# %% tags=["hide-input"]
grid = pd.DataFrame({"utilisation": np.round(np.arange(0.05, 1.0001, 0.01), 2)})
p_hourly = alt.param(name="hourly", value=hourly, bind=alt.binding_range(min=2, max=80, step=1,
                                                                         name="Rental (USD per hour) "))
p_tps = alt.param(name="tps", value=tps_out + tps_in, bind=alt.binding_range(
    min=2_000, max=60_000, step=1_000, name="Tokens per second, in + out "))
p_ops = alt.param(name="ops", value=ops_per_year, bind=alt.binding_range(
    min=0, max=1_500_000, step=50_000, name="Ops team (USD per year) "))
p_clusters = alt.param(name="clusters", value=clusters_sharing_ops, bind=alt.binding_range(
    min=1, max=50, step=1, name="Clusters sharing the team "))
seconds = selfhost.SECONDS_PER_HOUR * selfhost.HOURS_PER_YEAR
curves = alt.Chart(grid).transform_calculate(
    **{"one cluster, whole team": f"(hourly * {selfhost.HOURS_PER_YEAR} + ops) / (tps * {seconds} * datum.utilisation) * 1e6",
       "team shared across clusters": f"(hourly * {selfhost.HOURS_PER_YEAR} + ops / clusters) / (tps * {seconds} * datum.utilisation) * 1e6",
       "hosted median": f"{hosted_median if np.isfinite(hosted_median) else 0}"}
).transform_fold(["one cluster, whole team", "team shared across clusters", "hosted median"], as_=["case", "usd"]
).mark_line().encode(
    x=alt.X("utilisation:Q", title="Utilisation (share of hours busy)", axis=alt.Axis(format="%")),
    y=alt.Y("usd:Q", title="Cost (USD per million tokens)", scale=alt.Scale(type="log")),
    color=alt.Color("case:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=260)),
    tooltip=[alt.Tooltip("case:N"), alt.Tooltip("utilisation:Q", format=".0%"),
             alt.Tooltip("usd:Q", title="USD per M tokens", format="$.2f")],
).add_params(p_hourly, p_tps, p_ops, p_clusters).properties(
    width=460, title=alt.Title("A self-hosted million tokens as utilisation falls",
                               subtitle="Input and output tokens together; sliders start at the guide's example"))
curves

# %% [markdown]
# In Jupyter the same question runs through `lib.costs.ownership.selfhost_what_if`:

# %% tags=["hide-input"]
def what_if(hourly_usd: float, output_tokens_per_s: float, input_tokens_per_s: float, utilisation: float,
            ops_usd_per_year: float, clusters: int) -> None:
    r = ownership.selfhost_what_if(hourly_usd, output_tokens_per_s, input_tokens_per_s, utilisation,
                                   ops_usd_per_year, clusters)
    print(f"{figures.fmt_usd(r['usd_per_year'])} a year per cluster; per million tokens: "
          f"{figures.fmt_usd(r['usd_per_mtok_output'])} output, {figures.fmt_usd(r['usd_per_mtok_input'])} input, "
          f"{figures.fmt_usd(r['usd_per_mtok_blended'])} blended (hosted median {figures.fmt_usd(hosted_median)})")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        what_if,
        hourly_usd=widgets.FloatSlider(value=hourly, min=2, max=80, step=1),
        output_tokens_per_s=widgets.FloatSlider(value=tps_out, min=300, max=20_000, step=100),
        input_tokens_per_s=widgets.FloatSlider(value=tps_in, min=1_000, max=100_000, step=500),
        utilisation=widgets.FloatSlider(value=0.5, min=0.05, max=1.0, step=0.05),
        ops_usd_per_year=widgets.FloatSlider(value=ops_per_year, min=0, max=2_000_000, step=50_000),
        clusters=widgets.IntSlider(value=1, min=1, max=50),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# The guide's arithmetic is redone on the inputs it states beside each figure ("on its own
# inputs"), its rounded intermediates included; its hosted comparison is set against the hosts'
# prices in the book's data ("independent check"). A check agrees within
# {glue:text}`sh_agree_rel` and is "rounding" when it rounds to the figure at the precision the
# guide wrote it with (a hedge such as "~" widens that, never past {glue:text}`sh_rounding_rel`); a
# range holds when the check lies inside it, or end by end against a range the book computes too.
# {glue:text}`sh_verdicts` See [how far to trust the guide](guide_trust.ipynb).

# %%
# The throughput premises, judged as physical_limits judges them (ceiling in each claim's unit).
cases = tables.load_throughput_cases(throughput_cases_csv)
evaluated = rf.evaluate_cases(cases[cases["claim_id"].isin(throughput_claims)], tables.load_hardware_specs(hardware_specs_csv),
                              tables.load_model_shapes(model_shapes_csv), reserved_frac)
ceilings = np.where(evaluated["measure"] == "input_tokens_per_s", evaluated["ceiling_input_tokens_per_s"],
                    evaluated["ceiling_tokens_per_s"])
premise_checks = guide.comparison_table(claims, {c: Check(truth=float(v)) for c, v in zip(evaluated["claim_id"], ceilings)},
                                        truth=guide.CEILING_CHECK)
comparison = guide.comparison_table(claims, ours, premises=dict(zip(premise_checks["claim_id"], premise_checks["verdict"])))

# %% tags=["remove-input"]
record("sh_agree_rel", guide.AGREE_REL, "fraction")
record("sh_rounding_rel", guide.MAX_REL, "fraction")

# %% tags=["remove-input"]
publish.verdicts("sh_verdicts", comparison)

# %% [markdown]
# How to read the gaps. The guide rounds the rent to {glue:text}`sh_guide_second` a second before
# dividing, and scales that rounded figure by rounded multipliers: its arithmetic on those rounded
# inputs holds, but its full-load output figure is {glue:text}`sh_round_gap` below what the
# unrounded rent gives ({glue:text}`sh_out_full`), and the gap carries into every figure computed
# from it. Its comparison with hosted prices does not say how it splits a request between input and
# output; counting both kinds of token that one stream of requests produces, the cluster costs
# {glue:text}`sh_vs_hosted` of the median host.

# %% tags=["remove-input"]
record("sh_guide_second", guide_per_second, "usd")
record("sh_round_gap", 1 - guide_out_full / full["usd_per_mtok_output"], "fraction")
figures.glue_text("sh_answer", (
    f"Rented at {figures.fmt_usd(hourly)} an hour and busy all the time, the guide's H100 node serves a "
    f"million tokens (input and output together) for {figures.fmt_usd(full['usd_per_mtok_blended'])}, "
    f"{figures.fmt_pct(full['usd_per_mtok_blended'] / hosted_median)} of the median hosted price of the same model; "
    f"idle hours multiply that by 1/utilisation, so it loses to the hosted API below "
    f"{figures.fmt_pct(breakeven_util)} utilisation, and a {figures.fmt_usd(ops_per_year)}-a-year ops team only "
    f"fades into the rent when about {int(needed)} clusters share it."
))
