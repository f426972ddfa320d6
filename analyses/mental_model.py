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
cost_levers_csv = "data/cost_levers.csv"
guide_claims_csv = "data/guide_claims.csv"
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
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, figures, guide, publish
from lib.book.present import show_table, snapshot_banner
from lib.costs import api, levers, selfhost
from lib.data import tables

charts.use_book_style(for_html_book)
book_prices = tables.load_api_prices(api_prices_csv, book_rows_only=True)
claims = tables.load_guide_claims(guide_claims_csv)
cost_levers = tables.load_cost_levers(cost_levers_csv)
scenario = tables.load_selfhost_scenarios(selfhost_scenarios_csv).iloc[0]
# Free on-device models have no price ratio; they are left out of the ratios below.
paid = book_prices[book_prices["input_usd_per_mtok"] > 0].reset_index(drop=True)
ours: dict[str, float] = {}  # claim id -> our figure, compared with the guide at the end

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
# {glue:text}`mm_ratio_max`). For the guide's reference request of {glue:text}`mm_ref_in`
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

# %% tags=["remove-input"]
ours["mm_output_input_ratio"] = median_ratio
figures.record("mm_models_priced", len(ratios), "count")
figures.record("mm_ratio_median", median_ratio, "ratio")
figures.record("mm_ratio_min", ratios["output_to_input"].min(), "ratio")
figures.record("mm_ratio_max", ratios["output_to_input"].max(), "ratio")
figures.record("mm_output_share", ratios["output_share_of_reference_request"].median(), "fraction")
figures.record("mm_ref_in", reference_input_tokens, "tokens")
figures.record("mm_ref_out", reference_output_tokens, "tokens")
figures.record("mm_ref_out_share", reference_output_tokens / (reference_input_tokens + reference_output_tokens),
               "fraction")

# %% tags=["hide-input"]

guide_band = claims.set_index("claim_id").loc["mm_output_input_ratio"]
band = pd.DataFrame({"low": [guide_band["guide_low"]], "high": [guide_band["guide_high"]]})
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
ours["mm_intro_daily_input_cost"] = daily
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
# in and {glue:text}`mm_short_out` out. On the reference model,
# {glue:text}`mm_long_model`, it costs {glue:text}`mm_long_ratio`; over all paid models, from
# {glue:text}`mm_long_min` to {glue:text}`mm_long_max`. The guide's figure would need output
# to cost {glue:text}`mm_long_needed_k` input; the dearest output-to-input ratio in the table is
# {glue:text}`mm_ratio_max`.

# %%
reference_model = "Claude Sonnet 4.6"
long_ratio = levers.request_cost_ratio(*long_shape, *short_shape, ratios["output_to_input"].to_numpy())
sonnet_ratio = float(long_ratio[ratios["model"].to_numpy() == reference_model][0])
long_claim = claims.set_index("claim_id").loc["mm_long_query_ratio"]

# %% tags=["remove-input"]
ours["mm_long_query_ratio"] = sonnet_ratio
figures.record("mm_long_guide", long_claim["guide_value"], "ratio")
figures.record("mm_long_in", long_shape[0], "tokens")
figures.record("mm_long_out", long_shape[1], "tokens")
figures.record("mm_short_in", short_shape[0], "tokens")
figures.record("mm_short_out", short_shape[1], "tokens")
figures.glue_text("mm_long_model", reference_model)
figures.record("mm_long_ratio", sonnet_ratio, "ratio")
figures.record("mm_long_min", long_ratio.min(), "ratio")
figures.record("mm_long_max", long_ratio.max(), "ratio")
figures.record("mm_long_needed_k", levers.price_ratio_for_request_cost_ratio(
    *long_shape, *short_shape, float(long_claim["guide_value"])), "ratio")

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
ours.update(mm_lever_product=product, mm_lever_factor=1 / product, mm_all_five_right=1 / product,
            mm_vllm_spread=1 / product)
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

# %%
hosted_out = paid["output_usd_per_mtok"]
util = np.array(utilisations)
selfhost_out = selfhost.selfhost_usd_per_mtok(scenario["hourly_usd"], scenario["output_tokens_per_s"], util)

# %% tags=["remove-input"]
ours.update(mm_hosted_output_low=float(hosted_out.min()), mm_hosted_output_high=float(hosted_out.max()),
            mm_selfhost_output_low=float(selfhost_out.min()), mm_selfhost_output_high=float(selfhost_out.max()))
figures.record("mm_hosted_low", hosted_out.min(), "usd_per_mtok")
figures.record("mm_hosted_high", hosted_out.max(), "usd_per_mtok")
figures.record("mm_sh_hourly", scenario["hourly_usd"], "usd")
figures.record("mm_sh_tps", scenario["output_tokens_per_s"], "tokens_per_s")
figures.record("mm_sh_full", selfhost_out[util.argmax()], "usd_per_mtok")
figures.record("mm_sh_low_util", selfhost_out[util.argmin()], "usd_per_mtok")
figures.record("mm_sh_min_util", util.min(), "fraction")
show_table(pd.DataFrame({"utilisation": util, "self-hosted $ per M output tokens": selfhost_out}),
           {"utilisation": "fraction", "self-hosted $ per M output tokens": "usd_per_mtok"})

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`mm_verdicts` A figure "agrees" within {glue:text}`mm_agree_rel`, is "rounding"
# within {glue:text}`mm_rounding_rel`; a range agrees when our figure falls inside it. A miss beyond
# that is named by what the book recomputed the figure from: wrong arithmetic (the inputs stated
# beside it), a contradiction (figures from another section) or outside data; see
# [how far to trust the guide](guide_trust.ipynb).

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
figures.record("mm_agree_rel", guide.AGREE_REL, "fraction")
figures.record("mm_rounding_rel", guide.MAX_REL, "fraction")

# %% tags=["remove-input"]
publish.verdicts("mm_verdicts", comparison)

# %% [markdown]
# How to read the mismatches: the lever product is plain arithmetic, so a gap there is in how the
# guide rounds its reciprocal (it gives it two ways); the long-request ratio depends on the
# output-to-input price ratio, which the guide's figure leaves out; and the hosted output band is
# checked against the cheapest and dearest output prices the guide itself lists.

# %% tags=["remove-input"]
figures.glue_text("mm_answer", (
    f"Output tokens cost a median {figures.fmt_ratio(median_ratio)} as much as input tokens across the "
    f"{len(ratios)} paid price listings in the book, so answer length and hidden reasoning drive the bill; the "
    f"guide's five lever multipliers, stacked, leave {figures.fmt_ratio(product)} of the baseline, "
    f"{figures.fmt_ratio(1 / product)} cheaper."
))
