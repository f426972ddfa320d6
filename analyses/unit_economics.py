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
# # Unit economics across fifteen models
#
# **The question.** For the fifteen models the guide puts in its unit-economics table, what
# does a typical query cost, what does a day of such queries cost, and does paying more buy
# a faster answer?
#
# **The answer.** {glue:text}`ue_answer`
#
# Prices, decode speeds and serving hardware are the guide's mid-2026 figures, read from
# `data/api_prices.csv`; reasoning models also bill the guide's average thinking tokens from
# `data/reasoning_effort.csv`.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
# The guide's own price table, which its figures are judged on whatever prices the answers use.
guide_prices_csv = "data/api_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
reasoning_effort_csv = "data/reasoning_effort.csv"
# The guide's typical query and daily volume.
reference_input_tokens = 1_500
reference_output_tokens = 300
requests_per_day = 100_000
days_per_month = 30
# Reasoning models bill thinking tokens as output; the effort level priced for each (data/reasoning_effort.csv).
effort_for_model = {"o3": "medium", "DeepSeek R1": "default"}
# The guide's price-against-speed example: two models as ($ per M tokens, decode tokens per second).
speed_example_slow = (0.10, 50)
speed_example_fast = (0.50, 250)
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, checks, figures, guide, publish
from lib.book.checks import Check
from lib.book.present import show_table, snapshot_banner
from lib.costs import api
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
claims = tables.load_guide_claims(guide_claims_csv)
effort = tables.load_reasoning_effort(reasoning_effort_csv)
# A model sold by several hosts is labelled with its host; a first-party model by its name alone.
hosts_per_model = book_prices.groupby("model")["provider"].transform("nunique")
book_prices["label"] = np.where(hosts_per_model > 1, book_prices["model"] + " (" + book_prices["provider"] + ")",
                                book_prices["model"])
paid = book_prices[book_prices["input_usd_per_mtok"] > 0].reset_index(drop=True)
# claim id -> the book's two checks of the guide's figure (its own arithmetic, independent truth)
ours: dict[str, Check] = {}


def stated(claim_id: str) -> float:
    """A figure the guide states, read through the verdict engine, as the input of the guide's own
    next sum (the claim that sum checks names it in derived_from, so a wrong input shows there)."""
    return float(checks.figure_of(claims[claims["claim_id"] == claim_id].iloc[0]).reference)


def thinking_tokens(model: str) -> int:
    """Average thinking tokens at the effort level the parameters name for this model (0 if none)."""
    if model not in effort_for_model:
        return 0
    row = effort[(effort["model"] == model) & (effort["effort"] == effort_for_model[model])]
    if len(row) != 1:
        raise KeyError(f"no thinking-token figure for {model} at effort '{effort_for_model[model]}' "
                       f"in {reasoning_effort_csv}")
    return int(row["avg_thinking_tokens"].iloc[0])


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## The fifteen models
#
# The guide's table names {glue:text}`ue_n_models` models with a price, a decode speed and the
# hardware they are served on. Decode speed, the rate at which a response streams out, runs
# from {glue:text}`ue_slowest_speed` tokens per second ({glue:text}`ue_slowest_model`) to
# {glue:text}`ue_fastest_speed` ({glue:text}`ue_fastest_model`). For the proprietary APIs
# the hardware is hidden; the guide names it only for Google's TPUs and the open-weight hosts.

# %% tags=["hide-input"]
fifteen = book_prices[book_prices["decode_tokens_per_s"].notna()].copy()
fifteen["thinking"] = fifteen["model"].map(thinking_tokens)
fifteen = fifteen.sort_values(["tier", "input_usd_per_mtok"], kind="stable").reset_index(drop=True)
slowest = fifteen.loc[fifteen["decode_tokens_per_s"].idxmin()]
fastest = fifteen.loc[fifteen["decode_tokens_per_s"].idxmax()]
figures.record("ue_n_models", len(fifteen), "count")
figures.record("ue_slowest_speed", slowest["decode_tokens_per_s"], "tokens_per_s")
figures.record_conclusion("ue_slowest_model", slowest["label"])
figures.record("ue_fastest_speed", fastest["decode_tokens_per_s"], "tokens_per_s")
# Two models tie for fastest in the guide's table; name both.
figures.record_conclusion("ue_fastest_model", " and ".join(
    fifteen.loc[fifteen["decode_tokens_per_s"] == fastest["decode_tokens_per_s"], "label"]))
show_table(
    fifteen[["label", "provider", "tier", "input_usd_per_mtok", "output_usd_per_mtok", "decode_tokens_per_s",
             "serving_hardware"]].rename(columns={
        "label": "model", "input_usd_per_mtok": "input $/M", "output_usd_per_mtok": "output $/M",
        "decode_tokens_per_s": "decode tokens/s", "serving_hardware": "hardware"}),
    {"input $/M": "usd_per_mtok", "output $/M": "usd_per_mtok", "decode tokens/s": "tokens_per_s"},
)

# %% [markdown]
# ## A typical query, and a day of them
#
# The guide's typical query is {glue:text}`ue_ref_in` tokens in and {glue:text}`ue_ref_out`
# out; its daily figure is {glue:text}`ue_requests_per_day` such queries. The two reasoning
# models also bill their thinking: o3 at {glue:text}`ue_o3_effort` effort adds
# {glue:text}`ue_o3_thinking` thinking tokens and DeepSeek R1 {glue:text}`ue_r1_thinking`, all
# at the output rate. Across the fifteen, a query costs from {glue:text}`ue_cheapest_cost`
# ({glue:text}`ue_cheapest_model`) to {glue:text}`ue_dearest_cost`
# ({glue:text}`ue_dearest_model`), a factor of {glue:text}`ue_fifteen_spread`; a day of traffic
# runs from {glue:text}`ue_cheapest_day` to {glue:text}`ue_dearest_day`.

# %%
costs = fifteen.assign(usd_per_request=api.request_cost_usd(
    fifteen, input_tokens=reference_input_tokens, output_tokens=reference_output_tokens,
    thinking_tokens=fifteen["thinking"].to_numpy()))
costs["usd_per_day"] = costs["usd_per_request"] * requests_per_day
costs["usd_per_month"] = costs["usd_per_day"] * days_per_month
costs = costs.sort_values(["usd_per_request", "label"], kind="stable").reset_index(drop=True)

# %% tags=["remove-input"]
cheap15, dear15 = costs.iloc[0], costs.iloc[-1]
figures.record("ue_ref_in", reference_input_tokens, "tokens")
figures.record("ue_ref_out", reference_output_tokens, "tokens")
figures.record("ue_requests_per_day", requests_per_day, "count")
figures.glue_text("ue_o3_effort", effort_for_model["o3"])
figures.record("ue_o3_thinking", thinking_tokens("o3"), "tokens")
figures.record("ue_r1_thinking", thinking_tokens("DeepSeek R1"), "tokens")
figures.record("ue_cheapest_cost", cheap15["usd_per_request"], "usd_per_request")
figures.record_conclusion("ue_cheapest_model", cheap15["label"])
figures.record("ue_dearest_cost", dear15["usd_per_request"], "usd_per_request")
figures.record_conclusion("ue_dearest_model", dear15["label"])
figures.record("ue_fifteen_spread", dear15["usd_per_request"] / cheap15["usd_per_request"], "ratio")
figures.record("ue_cheapest_day", cheap15["usd_per_day"], "usd_per_day")
figures.record("ue_dearest_day", dear15["usd_per_day"], "usd_per_day")
show_table(
    costs.assign(thinking=costs["thinking"].where(costs["thinking"] > 0))[
        ["label", "thinking", "usd_per_request", "usd_per_day", "usd_per_month"]].rename(columns={
        "label": "model", "thinking": "thinking tokens", "usd_per_request": "per query",
        "usd_per_day": "per day", "usd_per_month": "per month"}),
    {"thinking tokens": "tokens", "per query": "usd_per_request", "per day": "usd_per_day",
     "per month": "usd_per_month"},
)

# %% [markdown]
# ### The guide's orders of magnitude
#
# The guide calls the gap between Gemini 2.5 Flash and o3 at medium effort
# {glue:text}`ue_guide_orders` orders of magnitude. From the book's prices and thinking-token count the ratio is
# {glue:text}`ue_flash_o3_ratio`, which is {glue:text}`ue_flash_o3_orders` orders. Even the
# guide's own two per-query figures are only {glue:text}`ue_guide_flash_o3_ratio` apart
# ({glue:text}`ue_guide_flash_o3_orders` orders). The book's figure is lower than the guide's
# because the guide's o3 figure implies more thinking tokens than the medium-effort average;
# the last column of the comparison at the end shows how many. For the full
# {glue:text}`ue_guide_orders` orders, an o3
# query would have to cost {glue:text}`ue_o3_cost_for_guide_orders`, which takes
# {glue:text}`ue_o3_thinking_for_guide_orders` thinking tokens.

# %% tags=["hide-input"]
flash_cost = float(costs.loc[costs["model"] == "Gemini 2.5 Flash", "usd_per_request"].iloc[0])
o3_cost = float(costs.loc[costs["model"] == "o3", "usd_per_request"].iloc[0])
guide_ratio = stated("ue_query_o3_medium") / stated("ue_query_gemini_flash")
# Its own arithmetic: the orders between its two per-query figures; independent: the same two
# queries priced from its price tables and its effort table's thinking tokens.
ours["ue_spread_orders"] = Check(arithmetic=float(np.log10(guide_ratio)))  # its truth joins below, on the guide's prices
figures.record("ue_flash_o3_ratio", o3_cost / flash_cost, "ratio")
figures.record("ue_flash_o3_orders", np.log10(o3_cost / flash_cost), "orders_of_magnitude")
figures.record("ue_guide_flash_o3_ratio", guide_ratio, "ratio")
figures.record("ue_guide_flash_o3_orders", np.log10(guide_ratio), "orders_of_magnitude")
o3_row = fifteen[fifteen["model"] == "o3"].iloc[0]
guide_orders = stated("ue_spread_orders")
figures.record("ue_guide_orders", guide_orders, "orders_of_magnitude")
o3_for_guide_orders = flash_cost * 10**guide_orders
figures.record("ue_o3_cost_for_guide_orders", o3_for_guide_orders, "usd_per_request")
figures.record("ue_o3_thinking_for_guide_orders",
               (o3_for_guide_orders * 1e6 - reference_input_tokens * o3_row["input_usd_per_mtok"])
               / o3_row["output_usd_per_mtok"] - reference_output_tokens, "tokens")

# %% [markdown]
# ## Price against speed
#
# Ranked by output price and by decode speed, the fifteen models have a rank correlation of
# {glue:text}`ue_rank_corr` ({glue:text}`ue_rank_corr_reading`). The guide's own example says
# a model at {glue:text}`ue_slow_price` per million tokens and {glue:text}`ue_slow_speed` tokens
# per second "costs the same per token" as one at {glue:text}`ue_fast_price` and
# {glue:text}`ue_fast_speed`. It does not: the second is {glue:text}`ue_example_price_ratio`
# dearer per token, and {glue:text}`ue_example_speed_ratio` faster. Speed and price are two
# separate things to buy.
#
# **Try it here.** The sliders set the query; each dot's height is what it costs on that model,
# and its tooltip says how long the answer takes to stream at the model's decode speed.

# %% tags=["hide-input"]
rank_corr = float(fifteen["output_usd_per_mtok"].rank().corr(fifteen["decode_tokens_per_s"].rank()))
(slow_price, slow_speed), (fast_price, fast_speed) = speed_example_slow, speed_example_fast
ours.update(ue_speed_5x=Check(arithmetic=fast_speed / slow_speed),
            ue_speed_same_cost=Check(arithmetic=fast_price / slow_price))
figures.record("ue_rank_corr", rank_corr, "correlation")
figures.glue_text("ue_rank_corr_reading", "the dearer models tend to be the slower ones: a higher price does not "
                  "buy a faster stream" if rank_corr < 0 else "the dearer models tend to be the faster ones")
figures.record("ue_slow_price", slow_price, "usd_per_mtok")
figures.record("ue_slow_speed", slow_speed, "tokens_per_s")
figures.record("ue_fast_price", fast_price, "usd_per_mtok")
figures.record("ue_fast_speed", fast_speed, "tokens_per_s")
figures.record("ue_example_price_ratio", fast_price / slow_price, "ratio")
figures.record("ue_example_speed_ratio", fast_speed / slow_speed, "ratio")

speed_data = fifteen[["label", "provider", "serving_hardware", "input_usd_per_mtok", "output_usd_per_mtok",
                      "decode_tokens_per_s"]]
q_in = alt.param(name="q_in", value=reference_input_tokens,
                 bind=alt.binding_range(min=100, max=50_000, step=100, name="input tokens per query "))
q_out = alt.param(name="q_out", value=reference_output_tokens,
                  bind=alt.binding_range(min=10, max=5_000, step=10, name="output tokens per query "))
alt.Chart(speed_data).mark_circle(size=90, opacity=0.9).encode(
    x=alt.X("decode_tokens_per_s:Q", title="Decode speed (output tokens per second)",
            scale=alt.Scale(domain=[0, float(speed_data["decode_tokens_per_s"].max()) * 1.08])),
    y=alt.Y("query_usd:Q", scale=alt.Scale(type="log"), title="Cost per query (USD, log scale)"),
    color=alt.Color("serving_hardware:N", title="Hardware", scale=alt.Scale(scheme="tableau10")),
    tooltip=[alt.Tooltip("label:N", title="model"), alt.Tooltip("provider:N"),
             alt.Tooltip("serving_hardware:N", title="hardware"),
             alt.Tooltip("decode_tokens_per_s:Q", title="decode tokens/s"),
             alt.Tooltip("query_usd:Q", title="USD per query", format=".6f"),
             alt.Tooltip("stream_s:Q", title="seconds to stream the answer", format=".1f")],
).transform_calculate(
    query_usd="(q_in * datum.input_usd_per_mtok + q_out * datum.output_usd_per_mtok) / 1000000",
    stream_s="q_out / datum.decode_tokens_per_s",
).add_params(q_in, q_out).properties(
    width=520, height=320,
    title=alt.Title("Price against speed, fifteen models", subtitle="Guide's mid-2026 prices and decode speeds; "
                    "thinking tokens not included"),
)

# %% [markdown]
# ## One request on every model
#
# Beyond the fifteen, the book prices the same query on all {glue:text}`ue_n_paid` paid models
# it has. It costs {glue:text}`ue_all_cheapest_cost` on the cheapest, {glue:text}`ue_all_cheapest_model`,
# and {glue:text}`ue_all_dearest_cost` on the dearest, {glue:text}`ue_all_dearest_model`: a
# spread of {glue:text}`ue_spread`, or {glue:text}`ue_spread_orders_all` orders of magnitude,
# before any thinking tokens. At {glue:text}`ue_requests_per_day` queries a day that is the
# difference between {glue:text}`ue_all_cheapest_month` and {glue:text}`ue_all_dearest_month` a
# month.
#
# **Try it here.** The sliders change the query and the volume; the chart recomputes every
# model's monthly bill in the page (log scale: each grid line is ten times the last).

# %%
per_query = api.cost_table(paid, input_tokens=reference_input_tokens, output_tokens=reference_output_tokens,
                           requests_per_day=requests_per_day, days_per_month=days_per_month)
cheapest, dearest = per_query.iloc[0], per_query.iloc[-1]
label_of = paid.set_index(["provider", "model"])["label"]
spread = dearest["usd_per_request"] / cheapest["usd_per_request"]

# %% tags=["remove-input"]
figures.record("ue_n_paid", len(paid), "count")
figures.record("ue_all_cheapest_cost", cheapest["usd_per_request"], "usd_per_request")
figures.record_conclusion("ue_all_cheapest_model", label_of[(cheapest["provider"], cheapest["model"])])
figures.record("ue_all_dearest_cost", dearest["usd_per_request"], "usd_per_request")
figures.record_conclusion("ue_all_dearest_model", label_of[(dearest["provider"], dearest["model"])])
figures.record("ue_spread", spread, "ratio")
figures.record("ue_spread_orders_all", np.log10(spread), "orders_of_magnitude")
figures.record("ue_all_cheapest_month", cheapest["usd_per_month"], "usd_per_month")
figures.record("ue_all_dearest_month", dearest["usd_per_month"], "usd_per_month")

# %% tags=["hide-input"]
chart_data = paid[["label", "provider", "input_usd_per_mtok", "output_usd_per_mtok"]]
in_tokens = alt.param(name="in_tokens", value=reference_input_tokens,
                      bind=alt.binding_range(min=100, max=100_000, step=100, name="input tokens per request "))
out_tokens = alt.param(name="out_tokens", value=reference_output_tokens,
                       bind=alt.binding_range(min=10, max=20_000, step=10, name="output tokens per request "))
per_day = alt.param(name="per_day", value=requests_per_day,
                    bind=alt.binding_range(min=1_000, max=1_000_000, step=1_000, name="requests per day "))
# Dots, not bars: a bar on a log axis has no zero to start from.
alt.Chart(chart_data).mark_circle(size=70, opacity=0.9).encode(
    x=alt.X("monthly_usd:Q", scale=alt.Scale(type="log"), title="Cost per month (USD, log scale)"),
    y=alt.Y("label:N", sort="x", title=None),
    color=alt.Color("provider:N", title="Provider", scale=alt.Scale(scheme="tableau20")),
    tooltip=[alt.Tooltip("label:N", title="model"), alt.Tooltip("provider:N"),
             alt.Tooltip("request_usd:Q", title="USD per request", format=".6f"),
             alt.Tooltip("monthly_usd:Q", title="USD per month", format=",.0f")],
).transform_calculate(
    request_usd="(in_tokens * datum.input_usd_per_mtok + out_tokens * datum.output_usd_per_mtok) / 1000000",
).transform_calculate(
    monthly_usd=f"datum.request_usd * per_day * {days_per_month}",
).add_params(in_tokens, out_tokens, per_day).properties(
    height=alt.Step(14), width=380,
    title=alt.Title("Monthly bill by model", subtitle="Guide's mid-2026 prices; no caching, batch or thinking"),
)

# %% [markdown]
# In Jupyter, the same question runs through `lib.costs.api.cost_table`, which also knows the
# cache, batch and long-context tiers:

# %% tags=["hide-input"]
def monthly_bills(input_tokens: int, output_tokens: int, requests: int, batch: bool) -> None:
    table = api.cost_table(paid, input_tokens=input_tokens, output_tokens=output_tokens, requests_per_day=requests,
                           days_per_month=days_per_month, batch=batch).dropna(subset=["usd_per_request"])
    show_table(table, {"usd_per_request": "usd_per_request", "usd_per_day": "usd_per_day",
                       "usd_per_month": "usd_per_month"})


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        monthly_bills,
        input_tokens=widgets.IntSlider(value=reference_input_tokens, min=0, max=200_000, step=100),
        output_tokens=widgets.IntSlider(value=reference_output_tokens, min=0, max=20_000, step=10),
        requests=widgets.IntSlider(value=requests_per_day, min=1_000, max=10_000_000, step=1_000),
        batch=widgets.Checkbox(value=False, description="batch API (models without one drop out)"),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`ue_verdicts` The guide's cost table covers {glue:text}`ue_n_guide_rows` of the
# {glue:text}`ue_n_models` models; the book prices all of them above. A plain query is checked as
# the guide's arithmetic on the prices its table lists; a reasoning query, whose thinking tokens
# the guide does not state, against the average of its effort table. Its daily figures are its
# per-query figures times {glue:text}`ue_requests_per_day`: that arithmetic is checked on its own,
# and a day built on a query that misses rests on a failed premise. The two reasoning rows miss
# because the guide bills more thinking than its own effort table's average; the last column
# shows the thinking-token count the guide's own figure implies. Gemini 2.5 Pro is an arithmetic
# slip in the guide: at the very prices its table lists, the query costs
# {glue:text}`ue_gemini_pro_cost`, not the guide's {glue:text}`ue_gemini_pro_guide`. A figure
# holds when it rounds to the guide's at the precision the guide wrote it with.

# %% tags=["hide-input"]
claim_models = {
    "gpt5": ("OpenAI", "GPT-5"), "gpt4o": ("OpenAI", "GPT-4o"), "gpt4o_mini": ("OpenAI", "GPT-4o mini"),
    "o3_medium": ("OpenAI", "o3"), "opus": ("Anthropic", "Claude Opus 4.x"),
    "sonnet": ("Anthropic", "Claude Sonnet 4.6"), "haiku": ("Anthropic", "Claude Haiku 4.5"),
    "gemini_pro": ("Google", "Gemini 2.5 Pro"), "gemini_flash": ("Google", "Gemini 2.5 Flash"),
    "deepseek_v3": ("DeepSeek", "DeepSeek V3"), "deepseek_r1": ("DeepSeek", "DeepSeek R1"),
    "llama33_together": ("Together", "Llama 3.3 70B"),
}

# %%
# Judged on the guide's own prices (its table), whatever feed the answers above run on.
guide_book = tables.load_api_prices(guide_prices_csv, book_rows_only=True)
guide_book = guide_book.assign(thinking=guide_book["model"].map(thinking_tokens))
guide_book["usd_per_request"] = api.request_cost_usd(
    guide_book, input_tokens=reference_input_tokens, output_tokens=reference_output_tokens,
    thinking_tokens=guide_book["thinking"].to_numpy())
by_model = guide_book.set_index(["provider", "model"])

# %%
implied_thinking = {}
for key, (provider, model) in claim_models.items():
    row = by_model.loc[(provider, model)]
    # A plain query is the guide's arithmetic on its table's prices; a reasoning query states no
    # thinking-token count, so it is checked against the guide's effort table instead.
    per_query = float(row["usd_per_request"])
    ours[f"ue_query_{key}"] = Check(truth=per_query) if row["thinking"] > 0 else Check(arithmetic=per_query)
    # A day is the guide's per-query figure times its volume (derived_from that figure).
    ours[f"ue_daily_{key}"] = Check(arithmetic=requests_per_day * stated(f"ue_query_{key}"))
    if row["thinking"] > 0:
        guide_query = stated(f"ue_query_{key}")
        billed_out = (guide_query * 1e6 - reference_input_tokens * row["input_usd_per_mtok"]) / row["output_usd_per_mtok"]
        implied_thinking[f"ue_query_{key}"] = f"{billed_out - reference_output_tokens:,.0f} thinking tokens"

guide_o3, guide_flash = (float(by_model.loc[claim_models[k], "usd_per_request"]) for k in ("o3_medium", "gemini_flash"))
ours["ue_spread_orders"] = Check(arithmetic=ours["ue_spread_orders"].arithmetic,
                                 truth=float(np.log10(guide_o3 / guide_flash)))

# %% tags=["remove-input"]
figures.record("ue_n_guide_rows", len(claim_models), "count")
figures.record("ue_gemini_pro_cost", by_model.loc[claim_models["gemini_pro"], "usd_per_request"], "usd_per_request")
figures.record("ue_gemini_pro_guide", stated("ue_query_gemini_pro"), "usd_per_request")

# %%
comparison = guide.comparison_table(claims, ours)
comparison["guide's implied input"] = comparison["claim_id"].map(implied_thinking)

# %% tags=["remove-input"]
publish.verdicts("ue_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("ue_answer", (
    f"On the guide's fifteen models a {reference_input_tokens:,}-in / {reference_output_tokens:,}-out query costs "
    f"from {figures.fmt_usd(cheap15['usd_per_request'])} ({cheap15['label']}) to "
    f"{figures.fmt_usd(dear15['usd_per_request'])} ({dear15['label']}, thinking included), so "
    f"{requests_per_day:,} queries a day cost {figures.fmt_usd(cheap15['usd_per_day'])} to "
    f"{figures.fmt_usd(dear15['usd_per_day'])}. Gemini 2.5 Flash to o3 is "
    f"{figures.fmt_number(np.log10(o3_cost / flash_cost), 2)} orders of magnitude, not the guide's {figures.fmt_number(guide_orders)}"
    + ("; and paying more does not buy a faster stream." if rank_corr < 0 else ".")
))
