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
# # Model routing and the cost of a wrong answer
#
# **The question.** Sending each query to the cheapest model that can answer it is the guide's
# biggest lever after caching. Which router pattern saves what, at what cost in quality, and when
# is the dearer, more accurate model the cheaper one because a wrong answer has a price?
#
# **The answer.** {glue:text}`rt_answer`
#
# Every pattern is a few rows of `data/router_patterns.csv`: where the traffic goes without a
# router, where it goes with one, and what each route is assumed to get right. The rows are priced
# at the book's API prices ({doc}`api_prices`) on the guide's reference request. The reasoning tiers
# of a router (easy / medium / hard reasoning, and what thinking tokens do to each) are the subject
# of {doc}`reasoning`; this chapter does not repeat them.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
router_patterns_csv = "data/router_patterns.csv"
guide_claims_csv = "data/guide_claims.csv"
# The guide's worked example: queries a day, and days in its year.
queries_per_day = 100_000_000
days_per_year = 365
# The guide's cost-per-correct-answer example (Benchmarking your own cost-per-task): accuracies.
dear_model = ("Anthropic", "Claude Sonnet 4.6")
dear_accuracy = 0.95
cheap_model = ("Google", "Gemini 2.5 Flash")
cheap_accuracy = 0.70
# The guide's per-call costs beside those accuracies.
dear_stated_usd_per_call = 0.009
cheap_stated_usd_per_call = 0.0001
# Wrong-answer prices shown in the table (USD): a retry, a support contact, a lost customer (book's examples).
wrong_answer_examples_usd = [0.0, 0.01, 1.0, 50.0]
# A per-task budget: calls one support task makes, and the share of tasks resolved (book assumptions).
calls_per_task = 4
task_success_rate = 0.8
# The guide's spend guardrail: page when a day's spend passes this multiple of the trailing average.
alert_threshold_multiple = 1.5
alert_window_days = 7
runaway_multiples = [1.2, 2.0, 5.0, 10.0, 50.0]
# The guide's quality control: share of production traffic shadow-run on the alternative route.
shadow_share = 0.01
# The guide's host table for one open-weight model (Llama 3.3 70B): the hosts provider arbitrage picks among.
arbitrage_host_ids = ["together-llama-3-3-70b", "fireworks-llama-3-3-70b", "deepinfra-llama-3-3-70b",
                      "bedrock-llama-3-3-70b", "groq-llama-3-3-70b", "cerebras-llama-3-3-70b"]
# "A small (1B-8B) classifier or cheap LLM call": an 8B open model at its host and the guide's cheap API models.
classifier_price_ids = ["deepinfra-llama-3-1-8b", "openai-gpt-5-nano", "google-gemini-2-5-flash",
                        "openai-gpt-4o-mini", "anthropic-claude-haiku-4-5"]
classification_output_tokens = 5  # a one-word label
# The guide's reference request (its typical query): tokens in and out.
reference_input_tokens, reference_output_tokens = 1_500, 300
# Where the what-ifs start: the price of one wrong answer (USD).
whatif_wrong_answer_usd = 0.01
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import math

import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, figures, guide, publish
from lib.book.present import show_table, snapshot_banner
from lib.costs import api, routing
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
patterns = tables.load_router_patterns(router_patterns_csv)
claims = tables.load_guide_claims(guide_claims_csv)
# claim id -> the book's checks of it (a bare number is the one check the registry's truth column implies)
ours: dict[str, guide.Check | float] = {}

# Each row priced at its price_id; a price missing from a refreshed snapshot leaves NaN.
patterns["usd_per_call"] = routing.row_costs_usd(patterns, all_prices)
summary = routing.summarise(patterns, patterns["usd_per_call"]).set_index("pattern")
model_of = all_prices.set_index("price_id")["model"].to_dict()
patterns["model"] = patterns["price_id"].map(model_of).fillna(patterns["price_id"])
unpriced = sorted(patterns.loc[patterns["usd_per_call"].isna(), "price_id"].unique())
# The verdicts are judged on the guide's own price rows (the row each data row names), not on a price
# feed's: after a refresh on today's prices the answers move, the checks of the guide do not.
guide_prices = all_prices.assign(book_uses=False)
patterns["guide_usd_per_call"] = routing.row_costs_usd(patterns, guide_prices)
guide_summary = routing.summarise(patterns, patterns["guide_usd_per_call"]).set_index("pattern")


def guide_call_cost(price_id: str, input_tokens: float, output_tokens: float) -> float:
    """One call on the guide's own price row for ``price_id``; NaN if the data in use lacks it."""
    row = all_prices[all_prices["price_id"] == price_id]
    if len(row) != 1:
        return math.nan
    return float(api.request_cost_usd(row, input_tokens=input_tokens, output_tokens=output_tokens)[0])


def request_cost(provider: str, model: str) -> float:
    """The guide's reference request (1,500 in + 300 out) on a model's book price row; NaN if absent."""
    row = book_prices[(book_prices["provider"] == provider) & (book_prices["model"] == model)]
    if len(row) != 1:
        return math.nan
    return float(api.request_cost_usd(row, input_tokens=reference_input_tokens, output_tokens=reference_output_tokens)[0])


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## Four router patterns
#
# The guide names four ways to route. A **difficulty classifier** labels each query easy, medium
# or hard and sends it to a small, middle or top model; a **cascade** tries the cheap model first
# and escalates only when it is unsure; **provider arbitrage** sends the same model to whichever
# host is cheapest; **skill routing** sends code to a code model, maths to a reasoning model and
# chat to a small chat model. Each is measured against the model that would take every query
# without a router. {glue:text}`rt_unpriced`
#
# The table lists every row: who sees how much of the traffic, and what one call costs.

# %% tags=["hide-input"]
core = ["classifier", "cascade", "arbitrage", "skill"]
rows_shown = patterns[patterns["pattern"].isin(core)]
show_table(
    rows_shown[["pattern", "role", "route", "traffic_share", "model", "thinking_tokens", "usd_per_call", "accuracy"]]
    .rename(columns={"traffic_share": "share of queries", "thinking_tokens": "thinking tokens",
                     "usd_per_call": "per call", "accuracy": "accuracy (placeholder)"}),
    {"share of queries": "fraction", "thinking tokens": "tokens", "per call": "usd_per_request",
     "accuracy (placeholder)": "fraction"},
)
figures.glue_text("rt_unpriced", "Every row has a price in the data in use." if not unpriced else
                  f"The data in use has no price for {', '.join(unpriced)}: patterns using it show n/a.")

# %% [markdown]
# Per query, the four patterns come out as follows. The classifier cuts the bill by
# {glue:text}`rt_save_classifier` against sending everything to the top tier, the cascade by
# {glue:text}`rt_save_cascade`, skill routing by {glue:text}`rt_save_skill`, and moving one
# open-weight model to its cheapest host by {glue:text}`rt_save_arbitrage`. The biggest saving
# comes from {glue:text}`rt_best_pattern`.
#
# Quality is the weak part of this table, and the chart below makes that visible. The guide
# gives no accuracy for any route, only "quality preserved on most workloads"; the accuracies in
# the data are the book's placeholders, anchored on the guide's {glue:text}`rt_dear_acc` for Sonnet 4.6, and they
# exist to show the shape of the trade: each router gives up a point or two of accuracy for most
# of the bill. With them, the routed patterns keep between {glue:text}`rt_quality_low` and
# {glue:text}`rt_quality_high` of answers right. Measure your own before trusting any of it:
# the guide's advice is a held-out eval set and {glue:text}`rt_shadow_share` of production traffic
# shadow-run on the other route.

# %% tags=["hide-input"]
core_summary = summary.loc[core].reset_index()
for p in core:
    figures.record(f"rt_save_{p}", summary.loc[p, "saving_frac"], "fraction")
    ours[f"rt_{p}_saving"] = float(guide_summary.loc[p, "saving_frac"])
# Arbitrage's range: what always picking the cheapest host saves on the traffic at each other host.
host_costs = [guide_call_cost(h, reference_input_tokens, reference_output_tokens) for h in arbitrage_host_ids]
host_savings = routing.cheapest_move_savings(host_costs)
ours["rt_arbitrage_saving"] = (guide.Check(truth=float(host_savings.min()), truth_high=float(host_savings.max()))
                               if host_savings.size else guide.Check(truth=math.nan, missing="fewer than two hosts priced"))
figures.record("rt_arb_low", host_savings.min() if host_savings.size else math.nan, "fraction")
figures.record("rt_arb_high", host_savings.max() if host_savings.size else math.nan, "fraction")
best = core_summary.dropna(subset=["saving_frac"]).sort_values("saving_frac", ascending=False, kind="stable")
figures.record_conclusion("rt_best_pattern", f"the {best['pattern'].iloc[0]} pattern" if len(best) else "n/a")
figures.record("rt_shadow_share", shadow_share, "fraction")
figures.record("rt_quality_low", core_summary["routed_accuracy"].min(), "fraction")
figures.record("rt_quality_high", core_summary["routed_accuracy"].max(), "fraction")
show_table(
    core_summary.rename(columns={"baseline_usd": "without router", "routed_usd": "with router",
                                 "saving_frac": "saving", "baseline_accuracy": "accuracy without",
                                 "routed_accuracy": "accuracy with"}),
    {"without router": "usd_per_request", "with router": "usd_per_request", "saving": "fraction",
     "accuracy without": "fraction", "accuracy with": "fraction"},
)
points = pd.concat([
    core_summary.assign(setup="without router", usd=core_summary["baseline_usd"],
                        accuracy=core_summary["baseline_accuracy"]),
    core_summary.assign(setup="with router", usd=core_summary["routed_usd"], accuracy=core_summary["routed_accuracy"]),
])[["pattern", "setup", "usd", "accuracy", "saving_frac"]].dropna(subset=["usd"])
base_chart = alt.Chart(points).encode(
    x=alt.X("usd:Q", scale=alt.Scale(type="log"), title="Cost per query (USD, log scale)"),
    y=alt.Y("accuracy:Q", scale=alt.Scale(zero=False), axis=alt.Axis(format="%"),
            title="Expected accuracy (share of answers right, %)"),
    color=alt.Color("pattern:N", title="Pattern"),
)
(base_chart.mark_line(strokeDash=[4, 3]).encode(detail="pattern:N")
 + base_chart.mark_point(filled=True, size=90).encode(
     shape=alt.Shape("setup:N", title=None),
     tooltip=[alt.Tooltip("pattern:N"), alt.Tooltip("setup:N"),
              alt.Tooltip("usd:Q", title="USD per query", format=".5f"),
              alt.Tooltip("accuracy:Q", title="accuracy", format=".1%"),
              alt.Tooltip("saving_frac:Q", title="saving of the router", format=".0%")])
 ).properties(width=460, height=300, title=alt.Title(
     "What each router trades: cost against quality",
     subtitle="Reference request at the book's prices; accuracies are placeholders, not measurements"))

# %% [markdown]
# ## The guide's worked example: a day of a large SaaS
#
# The guide's worked example routes a SaaS's daily traffic ({glue:text}`rt_ex_queries` queries,
# split {glue:text}`rt_ex_easy` easy, {glue:text}`rt_ex_medium` medium and
# {glue:text}`rt_ex_hard` hard) in two ways. With the per-call costs it states, its arithmetic
# holds: {glue:text}`rt_ex_none` a day on Sonnet 4.6 alone, {glue:text}`rt_ex_routed` routed
# (saving {glue:text}`rt_ex_routed_save`) and {glue:text}`rt_ex_aggr` routed aggressively
# (saving {glue:text}`rt_ex_aggr_save`, or {glue:text}`rt_ex_year` a year).
#
# Its per-call costs, though, are not its own prices. On its typical query a Gemini 2.5 Flash
# call is {glue:text}`rt_flash_share_book` of a Sonnet call at the guide's list prices, against
# {glue:text}`rt_flash_share_guide` in the example, and Opus costs {glue:text}`rt_opus_over_sonnet_book`
# Sonnet rather than {glue:text}`rt_opus_over_sonnet_guide`. Priced from the price list, routing is
# worth far more than the example says: {glue:text}`rt_book_routed_save` for the plain split and
# {glue:text}`rt_book_aggr_save` for the aggressive one, which puts DeepSeek R1 (with its thinking
# tokens) where the guide wrote "reasoning" at the price of Opus.

# %%
worked = patterns[patterns["pattern"].str.startswith("worked_")]
stated = routing.summarise(worked, worked["stated_usd_per_call"]).set_index("pattern")
priced = summary.loc[["worked_routing", "worked_aggressive"]]
none_day = queries_per_day * stated.loc["worked_routing", "baseline_usd"]
routed_day = queries_per_day * stated.loc["worked_routing", "routed_usd"]
aggr_day = queries_per_day * stated.loc["worked_aggressive", "routed_usd"]
shares = worked[(worked["pattern"] == "worked_routing") & (worked["role"] == "route")].set_index("route")["traffic_share"]

# %% tags=["remove-input"]
figures.record("rt_ex_queries", queries_per_day, "count")
figures.record("rt_ex_easy", shares.iloc[0], "fraction")
figures.record("rt_ex_medium", shares.iloc[1], "fraction")
figures.record("rt_ex_hard", shares.iloc[2], "fraction")
figures.record("rt_ex_none", none_day, "usd_per_day")
figures.record("rt_ex_routed", routed_day, "usd_per_day")
figures.record("rt_ex_routed_save", stated.loc["worked_routing", "saving_frac"], "fraction")
figures.record("rt_ex_aggr", aggr_day, "usd_per_day")
figures.record("rt_ex_aggr_save", stated.loc["worked_aggressive", "saving_frac"], "fraction")
figures.record("rt_ex_year", (none_day - aggr_day) * days_per_year, "usd_per_year")
ours.update(rt_ex_none_day=none_day, rt_ex_routed_day=routed_day, rt_ex_routed_saving=none_day - routed_day,
            rt_ex_routed_saving_frac=stated.loc["worked_routing", "saving_frac"], rt_ex_aggressive_day=aggr_day,
            rt_ex_aggressive_saving=none_day - aggr_day,
            rt_ex_aggressive_saving_frac=stated.loc["worked_aggressive", "saving_frac"],
            rt_ex_year=(none_day - aggr_day) * days_per_year)
per_call = worked.set_index("row_id")["usd_per_call"]
guide_call = worked.set_index("row_id")["guide_usd_per_call"]
ours.update(rt_ex_sonnet_call=guide_call["wr_base"], rt_ex_flash_call=guide_call["wr_easy"],
            rt_ex_haiku_call=guide_call["wa_medium"], rt_ex_opus_call=guide_call["wr_hard"],
            rt_ex_reasoning_call=guide_call["wa_hard"])
stated_call = worked.set_index("row_id")["stated_usd_per_call"]
share_of = worked.set_index("row_id")["traffic_share"]
# Each term of the example's sums: its own per-call cost, and the same calls at the guide's price table.
for cid, row_id in {"rt_ex_flash_day": "wr_easy", "rt_ex_sonnet_day": "wr_medium", "rt_ex_opus_day": "wr_hard",
                    "rt_ex_haiku_day": "wa_medium", "rt_ex_reasoning_day": "wa_hard"}.items():
    calls = queries_per_day * share_of[row_id]
    ours[cid] = guide.Check(arithmetic=float(calls * stated_call[row_id]), truth=float(calls * guide_call[row_id]))
figures.record("rt_flash_share_book", per_call["wr_easy"] / per_call["wr_base"], "fraction")
figures.record("rt_flash_share_guide", stated_call["wr_easy"] / stated_call["wr_base"], "fraction")
figures.record("rt_opus_over_sonnet_book", per_call["wr_hard"] / per_call["wr_base"], "ratio")
figures.record("rt_flash_day_book", queries_per_day * share_of["wr_easy"] * guide_call["wr_easy"], "usd_per_day")
figures.record("rt_flash_day_guide", queries_per_day * share_of["wr_easy"] * stated_call["wr_easy"], "usd_per_day")
figures.record("rt_opus_over_sonnet_guide", stated_call["wr_hard"] / stated_call["wr_base"], "ratio")
figures.record("rt_book_routed_save", priced.loc["worked_routing", "saving_frac"], "fraction")
figures.record("rt_book_aggr_save", priced.loc["worked_aggressive", "saving_frac"], "fraction")
show_table(
    worked[["pattern", "route", "traffic_share", "model", "stated_usd_per_call", "usd_per_call"]].assign(
        guide_day=queries_per_day * worked["traffic_share"] * worked["stated_usd_per_call"],
        book_day=queries_per_day * worked["traffic_share"] * worked["usd_per_call"],
    ).rename(columns={"traffic_share": "share", "stated_usd_per_call": "guide per call", "usd_per_call": "book per call",
                      "guide_day": "guide per day", "book_day": "book per day"}),
    {"share": "fraction", "guide per call": "usd_per_request", "book per call": "usd_per_request",
     "guide per day": "usd_per_day", "book per day": "usd_per_day"},
)

# %% [markdown]
# ## When the dearer model is cheaper: cost per correct answer
#
# The guide's benchmarking advice is to price the outcome, not the call: Sonnet 4.6 at
# {glue:text}`rt_dear_call` a call and {glue:text}`rt_dear_acc` accuracy may beat Gemini Flash at
# {glue:text}`rt_cheap_call_guide` and {glue:text}`rt_cheap_acc` "if a wrong answer costs you a
# customer". (On the guide's typical query, Flash costs {glue:text}`rt_cheap_call_book` at its list
# price, not {glue:text}`rt_cheap_call_guide`; the conclusion does not change.)
#
# Count the attempts until one is right: on average 1/accuracy of them, of which (1 − accuracy) /
# accuracy are wrong, and each wrong one costs W. Then
#
# cost per correct answer = cost per attempt / accuracy + (1 − accuracy) / accuracy × W.
#
# With no price on a wrong answer, Flash costs {glue:text}`rt_cpc_cheap_free` per correct answer and
# Sonnet {glue:text}`rt_cpc_dear_free`. The two meet at a wrong-answer price of
# {glue:text}`rt_breakeven_w` ({glue:text}`rt_breakeven_w_book` at the book's Flash price): any
# wrong answer that costs more than a few cents, a support contact, a refund, let alone a customer,
# makes the more accurate model the cheaper one. At the guide's example of a lost customer, taken here as
# {glue:text}`rt_w_customer`, Flash costs {glue:text}`rt_cpc_cheap_customer` per correct answer against
# Sonnet's {glue:text}`rt_cpc_dear_customer`.
#
# **Try it here.** The slider sets the price of a wrong answer; the bars recompute each model's
# cost per correct answer in the page.

# %%
dear_book = request_cost(*dear_model)
cheap_book = request_cost(*cheap_model)
w_star = routing.wrong_answer_breakeven_usd(dear_stated_usd_per_call, dear_accuracy, cheap_stated_usd_per_call,
                                            cheap_accuracy)
w_star_book = (routing.wrong_answer_breakeven_usd(dear_book, dear_accuracy, cheap_book, cheap_accuracy)
               if not (math.isnan(dear_book) or math.isnan(cheap_book)) else math.nan)

# %% tags=["remove-input"]
w_customer = wrong_answer_examples_usd[-1]
figures.record("rt_dear_call", dear_stated_usd_per_call, "usd_per_request")
figures.record("rt_dear_acc", dear_accuracy, "fraction")
figures.record("rt_cheap_call_guide", cheap_stated_usd_per_call, "usd_per_request")
figures.record("rt_cheap_call_book", cheap_book, "usd_per_request")
figures.record("rt_cheap_acc", cheap_accuracy, "fraction")
cpc = lambda c, a, w: float(routing.cost_per_correct_usd(c, a, w)[()])  # noqa: E731
figures.record("rt_cpc_cheap_free", cpc(cheap_stated_usd_per_call, cheap_accuracy, 0), "usd")
figures.record("rt_cpc_dear_free", cpc(dear_stated_usd_per_call, dear_accuracy, 0), "usd")
figures.record("rt_breakeven_w", w_star, "usd")
figures.record("rt_breakeven_w_book", w_star_book, "usd")
figures.record("rt_w_customer", w_customer, "usd")
figures.record("rt_cpc_cheap_customer", cpc(cheap_stated_usd_per_call, cheap_accuracy, w_customer), "usd")
figures.record("rt_cpc_dear_customer", cpc(dear_stated_usd_per_call, dear_accuracy, w_customer), "usd")
ours["rt_flash_call"] = guide_call_cost("google-gemini-2-5-flash", reference_input_tokens, reference_output_tokens)
two_models = pd.DataFrame({
    "model": [dear_model[1], cheap_model[1]],
    "usd_per_call": [dear_stated_usd_per_call, cheap_stated_usd_per_call],
    "accuracy": [dear_accuracy, cheap_accuracy],
})
show_table(pd.DataFrame([{"wrong answer costs": w, **{m: cpc(c, a, w) for m, c, a in two_models.itertuples(index=False)},
                          "cheaper per correct answer": (dear_model[1] if cpc(dear_stated_usd_per_call, dear_accuracy, w)
                                                         < cpc(cheap_stated_usd_per_call, cheap_accuracy, w)
                                                         else cheap_model[1])}
                         for w in wrong_answer_examples_usd]),
           {"wrong answer costs": "usd", dear_model[1]: "usd", cheap_model[1]: "usd"})
wrong_price = alt.param(name="wrong_usd", value=whatif_wrong_answer_usd,
                        bind=alt.binding_range(min=0, max=0.1, step=0.001, name="price of a wrong answer (USD) "))
alt.Chart(two_models).transform_calculate(
    per_correct="datum.usd_per_call / datum.accuracy + (1 - datum.accuracy) / datum.accuracy * wrong_usd",
).mark_bar().encode(
    x=alt.X("per_correct:Q", title="Cost per correct answer (USD)"),
    y=alt.Y("model:N", title=None),
    color=alt.Color("model:N", legend=None),
    tooltip=[alt.Tooltip("model:N"), alt.Tooltip("usd_per_call:Q", title="USD per call", format=".4f"),
             alt.Tooltip("accuracy:Q", format=".0%"),
             alt.Tooltip("per_correct:Q", title="USD per correct answer", format=".4f")],
).add_params(wrong_price).properties(width=420, height=90, title=alt.Title(
    "Cost per correct answer when a wrong one has a price",
    subtitle="The guide's per-call costs and accuracies; the bars cross near the break-even price"))

# %% [markdown]
# In Jupyter, the same question runs through `lib.costs.routing` with every input free:

# %% tags=["hide-input"]
def per_correct_whatif(wrong_answer_usd: float, dear_usd: float, dear_acc: float, cheap_usd: float,
                       cheap_acc: float) -> None:
    w = routing.wrong_answer_breakeven_usd(dear_usd, dear_acc, cheap_usd, cheap_acc)
    show_table(pd.DataFrame({
        "model": ["dear", "cheap"],
        "per correct answer": routing.cost_per_correct_usd([dear_usd, cheap_usd], [dear_acc, cheap_acc],
                                                           wrong_answer_usd),
        "break-even wrong-answer price": [w, w],
    }), {"per correct answer": "usd", "break-even wrong-answer price": "usd"})


# Widgets need a live kernel; the static book offers the in-page chart control instead.
if not for_html_book:
    display(widgets.interactive(
        per_correct_whatif,
        wrong_answer_usd=widgets.FloatLogSlider(value=whatif_wrong_answer_usd, base=10, min=-4, max=2, description="wrong answer $"),
        dear_usd=widgets.FloatSlider(value=dear_stated_usd_per_call, min=0.0001, max=0.1, step=0.0001, readout_format=".4f"),
        dear_acc=widgets.FloatSlider(value=dear_accuracy, min=0.05, max=1.0, step=0.01),
        cheap_usd=widgets.FloatSlider(value=cheap_stated_usd_per_call, min=0.0, max=0.1, step=0.0001, readout_format=".4f"),
        cheap_acc=widgets.FloatSlider(value=cheap_accuracy, min=0.05, max=1.0, step=0.01),
    ))

# %% [markdown]
# ## A budget per task, and a guardrail on the day
#
# The unit to budget is the task, not the call. A support task that makes
# {glue:text}`rt_task_calls` calls and is resolved {glue:text}`rt_task_success` of the time costs
# {glue:text}`rt_task_unrouted` per resolved task with every call on Sonnet 4.6, and
# {glue:text}`rt_task_routed` with its calls split as the difficulty classifier splits them (failed
# tasks are paid for too, so the bill is spread over the resolved ones). That is the figure to log
# per task (model, tokens, cost, success) and to watch weekly.
#
# The guide's guardrail pages when a day's spend passes {glue:text}`rt_alert_threshold` the trailing
# {glue:text}`rt_alert_window`-day average. A runaway loop that multiplies the spend rate by
# {glue:text}`rt_alert_example_multiple` from midnight trips it after {glue:text}`rt_alert_example_hours`
# hours; a slow leak below the threshold is never caught by it at all, which is why the guide adds an
# alert on an unusual model mix.

# %%
classifier_routed = summary.loc["classifier", "routed_usd"]
task_unrouted = float(routing.cost_per_task_usd(request_cost(*dear_model), calls_per_task, task_success_rate)[()])
task_routed = float(routing.cost_per_task_usd(classifier_routed, calls_per_task, task_success_rate)[()])

# %% tags=["remove-input"]
figures.record("rt_task_calls", calls_per_task, "count")
figures.record("rt_task_success", task_success_rate, "fraction")
figures.record("rt_task_unrouted", task_unrouted, "usd")
figures.record("rt_task_routed", task_routed, "usd")
figures.record("rt_alert_threshold", alert_threshold_multiple, "ratio")
figures.record("rt_alert_window", alert_window_days, "count")
hours = routing.hours_to_alert(runaway_multiples, alert_threshold_multiple)
example_i = runaway_multiples.index(10.0) if 10.0 in runaway_multiples else len(runaway_multiples) - 1
figures.record("rt_alert_example_multiple", runaway_multiples[example_i], "ratio")
figures.record("rt_alert_example_hours", hours[example_i], "hours", infinite_text="never")
show_table(pd.DataFrame({"spend rate (× usual)": runaway_multiples,
                         "hours until the alert": [figures.fmt_number(h) if np.isfinite(h) else "never" for h in hours]}),
           {"spend rate (× usual)": "ratio"})

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`rt_verdicts` Each figure is redone on the inputs the guide states beside it where it
# states any ("on its own inputs") and set against the guide's own price tables, which it does not
# itself assert ("independent check"); a figure holds only if it matches at the precision the guide
# wrote it with, and the "why" column names the check that failed. The worked example's sums hold on
# its own per-call costs, but those costs are not its price list's (Flash at
# {glue:text}`rt_flash_share_guide` of a Sonnet call, where the price list puts it at
# {glue:text}`rt_flash_share_book`; the example's Flash term is {glue:text}`rt_flash_day_guide` a day
# where the price list gives {glue:text}`rt_flash_day_book`). Every figure of the example is built on
# those per-call costs, so where its own check holds it rests on a failed premise. The pattern savings
# are checked with the pattern rows above, so their verdicts depend on the shares and baselines in the
# data. Against an all-Opus baseline the classifier saves more than the guide's range allows; against
# an all-Sonnet one it would save {glue:text}`rt_classifier_vs_sonnet`, so the guide's range sits
# between the two. A router that always picks the cheapest host of Llama 3.3 70B in the guide's host
# table saves {glue:text}`rt_arb_low` to {glue:text}`rt_arb_high` of what each other host charges,
# far more than the arbitrage range: that range fits hosts priced close together, not the whole table.
# A classification (the reference request read, a one-word label written) costs
# {glue:text}`rt_classify_low` to {glue:text}`rt_classify_high` across an 8B open model and the guide's
# cheap API models. The guide's Gemini Flash call in its cost-per-correct-answer example is about half
# what its own price list gives for the typical query; its Sonnet call is checked in
# {doc}`unit_economics`.

# %% tags=["remove-input"]
figures.record("rt_classifier_vs_sonnet", routing.saving_frac(request_cost(*dear_model), classifier_routed), "fraction")
# A classification: the reference request read, a one-word label written, on each cheap option.
classify_costs = [guide_call_cost(p, reference_input_tokens, classification_output_tokens) for p in classifier_price_ids]
classify_costs = [c for c in classify_costs if not math.isnan(c)]
ours["rt_classification_cost"] = (guide.Check(truth=min(classify_costs), truth_high=max(classify_costs)) if classify_costs
                                  else guide.Check(truth=math.nan, missing="no classifier model is priced"))
figures.record("rt_classify_low", min(classify_costs) if classify_costs else math.nan, "usd_per_request")
figures.record("rt_classify_high", max(classify_costs) if classify_costs else math.nan, "usd_per_request")

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("rt_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("rt_answer", (
    f"On the guide's typical query at its list prices, the four router patterns cut the bill by "
    f"{figures.fmt_pct(core_summary['saving_frac'].min())} to {figures.fmt_pct(core_summary['saving_frac'].max())}, "
    f"most with {best['pattern'].iloc[0] if len(best) else 'n/a'} routing; how much quality each gives up is a "
    f"placeholder until measured. The guide's example of {figures.fmt_number(queries_per_day)} queries a day adds up "
    f"on its own per-call costs ({figures.fmt_pct(stated.loc['worked_aggressive', 'saving_frac'])} saved), but those "
    f"costs are not its price list's, so every figure built on them rests on a failed premise; the price list says "
    f"{figures.fmt_pct(priced.loc['worked_aggressive', 'saving_frac'])}. Per correct answer, the "
    f"{figures.fmt_pct(dear_accuracy)}-accurate Sonnet beats the {figures.fmt_pct(cheap_accuracy)}-accurate Flash "
    f"once a wrong answer costs more than {figures.fmt_usd(w_star)}."
))
