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
# # The mental model and the five levers
#
# **The question.** What sets the size of an inference bill, and how far do the guide's five
# cost levers bring it down when they are pulled together?
#
# **The answer.** {glue:text}`mm_answer`
#
# Every figure on this page is computed from the CSV files in `data/` when the book is
# refreshed; the guide's own figures sit beside ours at the end, each with a verdict.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
# The guide's own price table, which its figures are judged on whatever prices the answers use.
guide_prices_csv = "data/api_prices.csv"
cost_levers_csv = "data/cost_levers.csv"
guide_claims_csv = "data/guide_claims.csv"
model_shapes_csv = "data/model_shapes.csv"
selfhost_scenarios_csv = "data/selfhost_scenarios.csv"
# The guide's opening example: daily users, messages per user per day, tokens per message.
example_users = 100_000
example_messages_per_user_per_day = 20
example_tokens_per_message = 1_500
example_model = "GPT-5"
days_per_month = 30
# Retry factors to show: none, one retry on 5% of calls, the guide's cap of 2 retries on every
# call, and the runaway loop that retried 10 times.
retry_factors = [1.0, 1.05, 3.0, 10.0]
# The guide's reference request shape (tokens in, tokens out).
reference_input_tokens = 1_500
reference_output_tokens = 300
# The two request shapes of the guide's "longer requests" claim: (input, output) tokens.
long_shape = (16_000, 500)
short_shape = (1_000, 200)
# Utilisation levels the guide walks through for a self-hosted cluster.
utilisations = [1.0, 0.5, 0.3, 0.2]
# The guide's "405B costs ~10–20× a 7B per token of compute": the 405B model and the dense 7–8B
# models of the shapes table it is set against (compute per token is twice the active parameters).
large_model_id = "llama-3-1-405b"
small_model_ids = ["llama-2-7b", "mistral-7b", "llama-3-1-8b"]
# The summary table's break-even and utilisation rows are set against the open model the guide
# self-hosts, its median host, at the guide's own conditions for self-hosting (rent under this an
# hour, utilisation above this), as the crossover chapter does.
open_model = "Llama 3.3 70B"
guide_max_rent_usd_per_hour = 15.0
guide_min_utilisation = 0.40
# The "sticky benchmark" names this model's price band.
sticky_model = "GPT-5"
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
from lib.costs import api, levers, ownership, selfhost
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
claims = tables.load_guide_claims(guide_claims_csv)
cost_levers = tables.load_cost_levers(cost_levers_csv)
scenario = tables.load_selfhost_scenarios(selfhost_scenarios_csv).iloc[0]
shapes = tables.load_model_shapes(model_shapes_csv)
# Free on-device models have no price ratio; they are left out of the ratios below.
paid = book_prices[book_prices["input_usd_per_mtok"] > 0].reset_index(drop=True)
# The checks of the guide's figures read its own tables, whatever feed the answers run on.
guide_all = tables.load_api_prices(guide_prices_csv)
guide_book = guide_all[guide_all["book_uses"]].reset_index(drop=True)
guide_paid = guide_book[guide_book["input_usd_per_mtok"] > 0].reset_index(drop=True)
guide_k = guide_paid["output_usd_per_mtok"] / guide_paid["input_usd_per_mtok"]
# claim id -> the book's two checks of the guide's figure (its own arithmetic, independent truth)
ours: dict[str, Check] = {}


def stated(claim_id: str) -> checks.Figure:
    """A figure the guide states, read through the verdict engine: a band to draw, or the input of
    the guide's own next sum (the claim that sum checks names it in derived_from)."""
    return checks.figure_of(claims[claims["claim_id"] == claim_id].iloc[0])

# %% tags=["remove-input"]
snapshot_banner(book_prices, api_prices_csv)

# %% [markdown]
# ## Input is cheap, output is dear
#
# An input token is read in parallel during prefill; an output token is generated one at a time
# during decode, each step reading the whole model from memory. Price lists reflect that: across
# the {glue:text}`mm_models_priced` paid price listings in the book (a model sold by several hosts
# counts once per host), output costs a median
# {glue:text}`mm_ratio_median` as much as input (from {glue:text}`mm_ratio_min` to
# {glue:text}`mm_ratio_max`; the middle half of the guide's own listings runs from
# {glue:text}`mm_ratio_q1` to {glue:text}`mm_ratio_q3`). For the guide's reference request of {glue:text}`mm_ref_in`
# tokens in and {glue:text}`mm_ref_out` out, that makes output a median
# {glue:text}`mm_output_share` of the bill, although it is only {glue:text}`mm_ref_out_share`
# of the tokens.

# %%
ratios = paid.assign(
    output_to_input=paid["output_usd_per_mtok"] / paid["input_usd_per_mtok"],
    output_share_of_reference_request=levers.output_share_of_cost(
        reference_input_tokens, reference_output_tokens, paid["input_usd_per_mtok"], paid["output_usd_per_mtok"]),
)[["provider", "model", "input_usd_per_mtok", "output_usd_per_mtok", "output_to_input",
   "output_share_of_reference_request"]]
median_ratio = float(ratios["output_to_input"].median())
# The guide's "3–5×" is a band, so it is checked end by end against the middle half of the listings.
ratio_q1, ratio_q3 = (float(q) for q in guide_k.quantile([0.25, 0.75]))

# %% tags=["remove-input"]
ours["mm_output_input_ratio"] = Check(truth=ratio_q1, truth_high=ratio_q3)
figures.record("mm_ratio_q1", ratio_q1, "ratio")
figures.record("mm_ratio_q3", ratio_q3, "ratio")
figures.record("mm_models_priced", len(ratios), "count")
figures.record("mm_ratio_median", median_ratio, "ratio")
figures.record("mm_ratio_min", ratios["output_to_input"].min(), "ratio")
figures.record("mm_ratio_max", ratios["output_to_input"].max(), "ratio")
figures.record("mm_output_share", ratios["output_share_of_reference_request"].median(), "fraction")
figures.record("mm_ref_in", reference_input_tokens, "tokens")
figures.record("mm_ref_out", reference_output_tokens, "tokens")
figures.record("mm_ref_out_share", reference_output_tokens / (reference_input_tokens + reference_output_tokens),
               "fraction")

# %% [markdown]
# The guide's "sticky benchmark" puts {glue:text}`mm_sticky_model` at {glue:text}`mm_sticky_in_guide`
# per million input tokens and {glue:text}`mm_sticky_out_guide` per million output. Its own price
# tables list {glue:text}`mm_sticky_model` at {glue:text}`mm_sticky_in_low` to
# {glue:text}`mm_sticky_in_high` input and {glue:text}`mm_sticky_out_low` to
# {glue:text}`mm_sticky_out_high` output (every listing of it, standard requests); the wider band
# is its table row for GPT-5 and o3 together. The Gemini Flash prices it quotes beside them are
# its tear-down's ({glue:text}`mm_flash_in_book` and {glue:text}`mm_flash_out_book`).

# %%
sticky = guide_all[guide_all["model"] == sticky_model]
flash = guide_book[guide_book["model"] == "Gemini 2.5 Flash"].iloc[0]

# %% tags=["remove-input"]
ours.update(
    mm_gpt5_input_band=Check(truth=float(sticky["input_usd_per_mtok"].min()),
                             truth_high=float(sticky["input_usd_per_mtok"].max())),
    mm_gpt5_output_band=Check(truth=float(sticky["output_usd_per_mtok"].min()),
                              truth_high=float(sticky["output_usd_per_mtok"].max())),
)
ours.update(mm_flash_input=Check(truth=float(flash["input_usd_per_mtok"])),
            mm_flash_output=Check(truth=float(flash["output_usd_per_mtok"])))
figures.record("mm_flash_in_book", flash["input_usd_per_mtok"], "usd_per_mtok")
figures.record("mm_flash_out_book", flash["output_usd_per_mtok"], "usd_per_mtok")
figures.glue_text("mm_sticky_model", sticky_model)
for name, cid in (("mm_sticky_in_guide", "mm_gpt5_input_band"), ("mm_sticky_out_guide", "mm_gpt5_output_band")):
    figures.glue_text(name, guide.guide_text(claims[claims["claim_id"] == cid].iloc[0]))
for side in ("in", "out"):
    column = sticky[f"{side}put_usd_per_mtok"]
    figures.record(f"mm_sticky_{side}_low", column.min(), "usd_per_mtok")
    figures.record(f"mm_sticky_{side}_high", column.max(), "usd_per_mtok")

# %% tags=["hide-input"]

guide_band = stated("mm_output_input_ratio")
band = pd.DataFrame({"low": [guide_band.low], "high": [guide_band.high]})
counts = ratios.assign(ratio=ratios["output_to_input"].round(2))
bars = alt.Chart(counts).mark_bar().encode(
    x=alt.X("ratio:Q", bin=alt.Bin(step=0.5), title="Output price ÷ input price (×)"),
    y=alt.Y("count():Q", title="Models (count)"),
    tooltip=[alt.Tooltip("count():Q", title="models")],
)
guide_rule = alt.Chart(band).mark_rect(opacity=0.15, color="#e07b39").encode(x="low:Q", x2="high:Q")
(guide_rule + bars).properties(
    title=alt.Title("Output tokens cost several times input tokens",
                    subtitle="Models the book prices; shaded: the guide's 3–5× band for serving cost"),
)

# %% [markdown]
# ## The bill in one line
#
# The guide's calculator is a single product:
# *monthly cost = users × messages per user × (input tokens × input price + output tokens ×
# output price) × retry factor*. Its opening example bills {glue:text}`mm_example_users` daily
# users sending {glue:text}`mm_example_messages` messages of {glue:text}`mm_example_tokens`
# tokens each at {glue:text}`mm_example_model`'s input price of {glue:text}`mm_example_price`
# per million tokens: {glue:text}`mm_example_daily` a day, {glue:text}`mm_example_monthly` a
# month. The retry factor multiplies everything: the table shows the same month at each retry
# factor in the parameters cell, up to the runaway retry loop the guide warns about.

# %%
example = book_prices[book_prices["model"] == example_model].iloc[0]
daily = float(levers.monthly_cost_usd(example_users, example_messages_per_user_per_day, example_tokens_per_message,
                                      0, example["input_usd_per_mtok"], example["output_usd_per_mtok"]))

# %% tags=["remove-input"]
# Checked at the guide's own GPT-5 input price, whatever feed the month above is priced on.
guide_example = guide_book[guide_book["model"] == example_model].iloc[0]
ours["mm_intro_daily_input_cost"] = Check(arithmetic=float(levers.monthly_cost_usd(
    example_users, example_messages_per_user_per_day, example_tokens_per_message, 0,
    guide_example["input_usd_per_mtok"], guide_example["output_usd_per_mtok"])))
figures.record("mm_example_users", example_users, "count")
figures.record("mm_example_messages", example_messages_per_user_per_day, "count")
figures.record("mm_example_tokens", example_tokens_per_message, "tokens")
figures.glue_text("mm_example_model", example_model)
figures.record("mm_example_price", example["input_usd_per_mtok"], "usd_per_mtok")
figures.record("mm_example_daily", daily, "usd_per_day")
figures.record("mm_example_monthly", daily * days_per_month, "usd_per_month")

# %% tags=["hide-input"]
retry_table = pd.DataFrame({
    "retry factor": retry_factors,
    "monthly cost": levers.monthly_cost_usd(
        example_users, example_messages_per_user_per_day * days_per_month, example_tokens_per_message, 0,
        example["input_usd_per_mtok"], example["output_usd_per_mtok"], np.array(retry_factors)),
})
show_table(retry_table, {"retry factor": "count", "monthly cost": "usd_per_month"})

# %% [markdown]
# **What if** your product is different? In Jupyter, the sliders below recompute the month with
# `lib.costs.levers.monthly_cost_usd` for any model in the price table. (In this HTML page there
# is no Python kernel; the lever chart further down has controls that work here.)

# %% tags=["hide-input"]
def monthly_for(model: str, users: int, messages_per_user_per_month: int, input_tokens: int,
                output_tokens: int, retry_factor: float) -> None:
    row = book_prices[book_prices["model"] == model].iloc[0]
    cost = float(levers.monthly_cost_usd(users, messages_per_user_per_month, input_tokens, output_tokens,
                                         row["input_usd_per_mtok"], row["output_usd_per_mtok"], retry_factor))
    print(f"{model}: {figures.fmt_usd(cost)} a month")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        monthly_for,
        model=widgets.Dropdown(options=sorted(book_prices["model"].unique()), value=example_model),
        users=widgets.IntSlider(value=example_users, min=1_000, max=1_000_000, step=1_000),
        messages_per_user_per_month=widgets.IntSlider(value=50, min=1, max=1_000),
        input_tokens=widgets.IntSlider(value=800, min=0, max=50_000, step=100),
        output_tokens=widgets.IntSlider(value=300, min=0, max=10_000, step=50),
        retry_factor=widgets.FloatSlider(value=1.0, min=1.0, max=10.0, step=0.05),
    ))

# %% [markdown]
# ## Longer prompts, longer answers
#
# Cost is linear in both token counts, so how much a longer request costs depends on the
# model's output-to-input price ratio. The guide says a request of {glue:text}`mm_long_in` in and
# {glue:text}`mm_long_out` out costs {glue:text}`mm_long_guide` one of {glue:text}`mm_short_in`
# in and {glue:text}`mm_short_out` out. At the 3–5× output-to-input ratio the guide gives a few
# lines earlier, its own two shapes cost {glue:text}`mm_long_guide_k_low` to
# {glue:text}`mm_long_guide_k_high` as much. On the reference model, {glue:text}`mm_long_model`,
# it costs {glue:text}`mm_long_ratio`; over all paid models, from {glue:text}`mm_long_min` to
# {glue:text}`mm_long_max` (median {glue:text}`mm_long_median` on the guide's own prices). The guide's figure would need
# output to cost {glue:text}`mm_long_needed_k` input; the dearest output-to-input ratio in the
# table is {glue:text}`mm_ratio_max`.

# %%
reference_model = "Claude Sonnet 4.6"
long_ratio = levers.request_cost_ratio(*long_shape, *short_shape, ratios["output_to_input"].to_numpy())
sonnet_ratio = float(long_ratio[ratios["model"].to_numpy() == reference_model][0])
long_claim = stated("mm_long_query_ratio")
# The guide's own arithmetic: the two shapes at the output-to-input ratio it states in the same
# breath (3–5×); the independent check: the median model of its price tables (it names none).
stated_k = stated("mm_output_input_ratio")
long_at_guide_k = levers.request_cost_ratio(*long_shape, *short_shape, np.array([stated_k.high, stated_k.low]))
long_median = float(np.median(levers.request_cost_ratio(*long_shape, *short_shape, guide_k.to_numpy())))

# %% tags=["remove-input"]
ours["mm_long_query_ratio"] = Check(arithmetic=float(long_at_guide_k[0]), arithmetic_high=float(long_at_guide_k[1]),
                                    truth=long_median)
figures.record("mm_long_guide", long_claim.reference, "ratio")
figures.record("mm_long_median", long_median, "ratio")
figures.record("mm_long_guide_k_low", long_at_guide_k[0], "ratio")
figures.record("mm_long_guide_k_high", long_at_guide_k[1], "ratio")
figures.record("mm_long_in", long_shape[0], "tokens")
figures.record("mm_long_out", long_shape[1], "tokens")
figures.record("mm_short_in", short_shape[0], "tokens")
figures.record("mm_short_out", short_shape[1], "tokens")
figures.glue_text("mm_long_model", reference_model)
figures.record("mm_long_ratio", sonnet_ratio, "ratio")
figures.record("mm_long_min", long_ratio.min(), "ratio")
figures.record("mm_long_max", long_ratio.max(), "ratio")
figures.record("mm_long_needed_k", levers.price_ratio_for_request_cost_ratio(
    *long_shape, *short_shape, long_claim.reference), "ratio")

# %% [markdown]
# ## Five levers that multiply
#
# The guide names five levers (model size, precision, context and output length, batching and
# utilisation, hardware) and stacks one example multiplier for each. Because each acts on what
# the previous ones left, they multiply: the stack leaves {glue:text}`mm_lever_product` of the
# baseline, {glue:text}`mm_lever_factor` cheaper. Taking each lever at the strong end of the
# range the guide gives for it (where it gives one) leaves {glue:text}`mm_lever_product_low`,
# {glue:text}`mm_lever_factor_low` cheaper: the conclusion depends a lot on which end of those
# ranges a team can reach.

# %%
product = levers.lever_stack(cost_levers["multiplier"])
strong_end = cost_levers["multiplier_low"].fillna(cost_levers["multiplier"])
product_low = levers.lever_stack(strong_end)

# %% tags=["remove-input"]
ours.update(
    mm_lever_product=Check(arithmetic=product),
    # "about 24×" is the reciprocal of the guide's own 0.042×.
    mm_lever_factor=Check(arithmetic=1 / stated("mm_lever_product").reference),
    # "1/20th" comes a paragraph before the stack; the stack's own reciprocal is the other section's figure.
    mm_all_five_right=Check(truth=stated("mm_lever_factor").reference),
    # A benchmark spread the book has no benchmark for: the lever stack is the guide's example, not a measurement.
    mm_vllm_spread=Check(arithmetic=float("nan"), missing="no vLLM benchmark of these two set-ups in data/"),
)
figures.record("mm_lever_product", product, "ratio")
figures.record("mm_lever_factor", 1 / product, "ratio")
figures.record("mm_lever_product_low", product_low, "ratio")
figures.record("mm_lever_factor_low", 1 / product_low, "ratio")

# %%
waterfall = levers.lever_waterfall(cost_levers, baseline_usd=100.0)

# %% tags=["remove-input"]
show_table(
    waterfall.assign(example=cost_levers["example"].to_numpy())[
        ["lever", "example", "multiplier", "usd_after", "cumulative_multiplier"]
    ].rename(columns={"usd_after": "cost after (baseline = 100)", "cumulative_multiplier": "share of baseline"}),
    {"multiplier": "ratio", "cost after (baseline = 100)": "count", "share of baseline": "fraction"},
)

# %% [markdown]
# The first lever, model size, comes with its own figure: the guide puts a 405B model at
# {glue:text}`mm_size_guide` a 7B model per token of compute. Compute per generated token is
# about twice the active parameters, so by the models' published shapes a 405B model costs
# {glue:text}`mm_size_low` to {glue:text}`mm_size_high` a dense 7–8B one
# ({glue:text}`mm_size_small_models`): several times the guide's band. (What a host *charges* for
# the two sizes is another matter; the [playbook](playbook.ipynb) checks prices.)

# %%
large = shapes.set_index("model_id").loc[large_model_id]
small = shapes.set_index("model_id").loc[small_model_ids]
size_ratios = float(large["active_params_billions"]) / small["active_params_billions"].astype(float)

# %% tags=["remove-input"]
ours["mm_405b_vs_7b"] = Check(truth=float(size_ratios.min()), truth_high=float(size_ratios.max()))
figures.glue_text("mm_size_guide", guide.guide_text(claims[claims["claim_id"] == "mm_405b_vs_7b"].iloc[0]))
figures.record("mm_size_low", size_ratios.min(), "ratio")
figures.record("mm_size_high", size_ratios.max(), "ratio")
figures.glue_text("mm_size_small_models", ", ".join(small["model"]))

# %% [markdown]
# **Try it here.** Each slider sets one lever's multiplier (1 = lever not pulled); the bars show
# what is left of a baseline bill of 100 after each lever in turn. The chart computes in the
# page, so it works without Jupyter.

# %% tags=["hide-input"]
lever_params = [
    alt.param(name=f"m{i}", value=float(m),
              bind=alt.binding_range(min=0.05, max=1.0, step=0.05, name=f"{name} × "))
    for i, (name, m) in enumerate(zip(cost_levers["lever"], cost_levers["multiplier"]))
]
steps = pd.DataFrame({"step": range(len(cost_levers)), "lever": cost_levers["lever"].to_numpy()})
# Cost left after step i = 100 × product of the first i+1 multipliers, evaluated in the browser.
remaining = " * ".join(f"(datum.step >= {i} ? m{i} : 1)" for i in range(len(cost_levers)))
lever_chart = alt.Chart(steps).mark_bar().encode(
    x=alt.X("lever:N", sort=None, title="After lever", axis=alt.Axis(labelAngle=-20, labelLimit=200)),
    y=alt.Y("left:Q", title="Cost left (baseline = 100)", scale=alt.Scale(domain=[0, 100])),
    tooltip=[alt.Tooltip("lever:N"), alt.Tooltip("left:Q", title="cost left", format=".1f")],
).transform_calculate(left=f"100 * {remaining}").add_params(*lever_params).properties(
    width=480,
    title=alt.Title("What is left of the bill after each lever",
                    subtitle="Sliders start at the guide's example multipliers"),
)
lever_chart

# %% [markdown]
# In Jupyter the same question runs through `lib.costs.levers.lever_stack`:

# %% tags=["hide-input"]
def stack(**multipliers: float) -> None:
    p = levers.lever_stack(list(multipliers.values()))
    print(f"the stack leaves {figures.fmt_ratio(p)} of the baseline: {figures.fmt_ratio(1 / p)} cheaper")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(stack, **{
        lever_id: widgets.FloatSlider(value=float(m), min=0.05, max=1.0, step=0.05, description=lever_id)
        for lever_id, m in zip(cost_levers["lever_id"], cost_levers["multiplier"])
    }))

# %% [markdown]
# ## Hosted or self-hosted, per output token
#
# The guide's summary table puts hosted output prices and self-hosted output cost side by side.
# Hosted output runs from {glue:text}`mm_hosted_low` to {glue:text}`mm_hosted_high` per million
# tokens across the models priced here. The guide's self-hosting example (a cluster rented at
# {glue:text}`mm_sh_hourly` an hour giving {glue:text}`mm_sh_tps` output tokens a second) costs
# {glue:text}`mm_sh_full` per million output tokens when busy all the time and
# {glue:text}`mm_sh_low_util` at {glue:text}`mm_sh_min_util` utilisation, before any ops team.
# The same table prices that team at {glue:text}`mm_ops_guide` a year; the guide's self-hosting
# example adds its lines up to {glue:text}`mm_ops_example`.

# %%
hosted_out = paid["output_usd_per_mtok"]
util = np.array(utilisations)
selfhost_out = selfhost.selfhost_usd_per_mtok(scenario["hourly_usd"], scenario["output_tokens_per_s"], util)

# %% tags=["remove-input"]
# The summary table states no inputs: each end is checked against the guide's price tables and its
# self-hosting example (rent and throughput of data/selfhost_scenarios.csv, fully busy and at 20%).
guide_out = guide_paid["output_usd_per_mtok"]
ours.update({cid: Check(truth=float(v)) for cid, v in {
    "mm_hosted_output_low": guide_out.min(), "mm_hosted_output_high": guide_out.max(),
    "mm_selfhost_output_low": selfhost_out.min(), "mm_selfhost_output_high": selfhost_out.max()}.items()})
figures.record("mm_hosted_low", hosted_out.min(), "usd_per_mtok")
figures.record("mm_hosted_high", hosted_out.max(), "usd_per_mtok")
figures.record("mm_sh_hourly", scenario["hourly_usd"], "usd")
figures.record("mm_sh_tps", scenario["output_tokens_per_s"], "tokens_per_s")
figures.record("mm_sh_full", selfhost_out[util.argmax()], "usd_per_mtok")
figures.record("mm_sh_low_util", selfhost_out[util.argmin()], "usd_per_mtok")
figures.record("mm_sh_min_util", util.min(), "fraction")
ours["mm_ops_loaded"] = Check(truth=float(scenario["ops_usd_per_year"]))
figures.glue_text("mm_ops_guide", guide.guide_text(claims[claims["claim_id"] == "mm_ops_loaded"].iloc[0]))
figures.record("mm_ops_example", scenario["ops_usd_per_year"], "usd_per_year")

# %% [markdown]
# The same table's break-even spend ({glue:text}`mm_be_guide_low` and {glue:text}`mm_be_guide_high`)
# and its ">40% busy" can be set against the guide's own self-hosting example and its conditions
# for self-hosting (rent under {glue:text}`mm_max_rent` an hour, over
# {glue:text}`mm_min_util` busy, its ops team). Against the median host of
# {glue:text}`mm_open_model` ({glue:text}`mm_open_price` per million tokens for the reference
# request), self-hosting at the edge of those conditions already pays from
# {glue:text}`mm_be_spend` a year, and the cluster matches the hosted price at
# {glue:text}`mm_be_util` busy before ops (the levers section's "under 40% is throwing money
# away" is checked on the same figure). The [crossover chapter](crossover.ipynb) works the
# break-even through.

# %%
open_rows = guide_book[guide_book["model"] == open_model]
open_per_request = api.request_cost_usd(open_rows, input_tokens=reference_input_tokens,
                                        output_tokens=reference_output_tokens)
open_price = float(np.median(open_per_request) / (reference_input_tokens + reference_output_tokens) * 1e6)
cluster_tps = float(scenario["output_tokens_per_s"] + scenario["input_tokens_per_s"])  # both kinds of token
c_at_conditions = float(selfhost.selfhost_usd_per_mtok(guide_max_rent_usd_per_hour, cluster_tps, guide_min_utilisation))
be_spend = float(ownership.breakeven_spend_usd_per_year(open_price, c_at_conditions, scenario["ops_usd_per_year"]))
be_util = float(ownership.breakeven_utilisation(guide_max_rent_usd_per_hour, cluster_tps, open_price))

# %% tags=["remove-input"]
ours.update(mm_breakeven_below=Check(truth=be_spend), mm_breakeven_above=Check(truth=be_spend),
            mm_util_floor=Check(truth=be_util), mm_lever_util_floor=Check(truth=be_util))
for name, cid in (("mm_be_guide_low", "mm_breakeven_below"), ("mm_be_guide_high", "mm_breakeven_above")):
    figures.glue_text(name, guide.guide_text(claims[claims["claim_id"] == cid].iloc[0]))
figures.record("mm_max_rent", guide_max_rent_usd_per_hour, "usd")
figures.record("mm_min_util", guide_min_utilisation, "fraction")
figures.glue_text("mm_open_model", open_model)
figures.record("mm_open_price", open_price, "usd_per_mtok")
figures.record("mm_be_spend", be_spend, "usd_per_year", infinite_text="never")
figures.record("mm_be_util", be_util, "fraction")
show_table(pd.DataFrame({"utilisation": util, "self-hosted $ per M output tokens": selfhost_out}),
           {"utilisation": "fraction", "self-hosted $ per M output tokens": "usd_per_mtok"})

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`mm_verdicts` Each figure is checked twice where the data allow: "on its own inputs"
# redoes the guide's sum on what it states beside the figure, and the "independent check" sets it
# against what the guide's other sections imply (its price tables, its self-hosting example) or
# against outside data (the models' published shapes). A figure agrees when it matches to within
# {glue:text}`mm_agree_rel`, and rounds when it rounds to the guide's at the precision the guide
# wrote it with (a hedge such as "roughly" widens that, never past {glue:text}`mm_rounding_rel`);
# a band is judged end by end; a figure computed from one that misses "rests on a failed
# premise". See [how far to trust the guide](guide_trust.ipynb).

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
figures.record("mm_agree_rel", guide.AGREE_REL, "fraction")
figures.record("mm_rounding_rel", guide.MAX_REL, "fraction")

# %% tags=["remove-input"]
publish.verdicts("mm_verdicts", comparison)

# %% [markdown]
# How to read the mismatches: the lever product is plain arithmetic, and its reciprocal is given
# two ways ("about 24×" and "1/20th"); the long-request ratio fails on the guide's own
# output-to-input ratio as well as on the price lists; the 3–5× band sits above the middle half of
# the listed price ratios; the model-size band is a fraction of what the parameter counts give;
# and the hosted output band is checked against the cheapest and dearest output prices the guide
# itself lists.

# %% tags=["remove-input"]
figures.glue_text("mm_answer", (
    f"Output tokens cost a median {figures.fmt_ratio(median_ratio)} as much as input tokens across the "
    f"{len(ratios)} paid price listings in the book, so answer length and hidden reasoning drive the bill; the "
    f"guide's five lever multipliers, stacked, leave {figures.fmt_ratio(product)} of the baseline, "
    f"{figures.fmt_ratio(1 / product)} cheaper."
))
