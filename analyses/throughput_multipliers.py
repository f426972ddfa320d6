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
# # Throughput multipliers: the six-step stack
#
# **The question.** How much does each serving optimisation (continuous batching, FP8, an FP8 KV
# cache, prefix caching, speculative decoding, disaggregation) cut the cost of a self-hosted
# output token, does each step stay under the hardware's physical ceiling, and does the end
# result beat the hosted price of the same model?
#
# **The answer.** {glue:text}`tm_answer`
#
# The steps and their setups are in `data/throughput_stack.csv`, the guide's throughput and cost
# figures in `data/guide_claims.csv`; the ceiling is the roofline of the physical-limits chapter.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
# The guide's own price table, which its checks are judged on whatever prices the answers use.
guide_prices_csv = "data/api_prices.csv"
throughput_stack_csv = "data/throughput_stack.csv"
guide_claims_csv = "data/guide_claims.csv"
hardware_specs_csv = "data/hardware_specs.csv"
model_shapes_csv = "data/model_shapes.csv"
selfhost_scenarios_csv = "data/selfhost_scenarios.csv"
# The worked example's node and model (8x H100, Llama 3.3 70B). The guide gives no request shape
# for it; the book uses its reference shape of the self-hosting sections.
accelerator = "H100 SXM"
accelerators = 8
model_id = "llama-3-3-70b"
hosted_model = "Llama 3.3 70B"
# The hosts whose prices the guide names beside its "7–10× more expensive" (Together's, Groq's).
named_hosts = ["Together", "Groq"]
# An outside price feed (imported from LiteLLM) for the hosted prices the guide names.
outside_prices_csv = "data/snapshots/api_prices.litellm.2026-11-23.csv"
# The prefix-caching step's share of traffic whose prefix is already cached (the guide's 70%).
prefix_hit_share = 0.7
input_tokens = 1_500
output_tokens = 300
# Share of accelerator memory held back for activations and the runtime.
reserved_frac = 0.1
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
from lib.costs import roofline as rf, selfhost
from lib.data import tables

charts.use_book_style(for_html_book)
prices = tables.load_api_prices(api_prices_csv, book_rows_only=True)
guide_prices = tables.load_api_prices(guide_prices_csv, book_rows_only=True)
outside_prices = tables.load_api_prices(outside_prices_csv)
steps = tables.load_throughput_stack(throughput_stack_csv)
claims = tables.load_guide_claims(guide_claims_csv)
specs = tables.load_hardware_specs(hardware_specs_csv)
shapes = tables.load_model_shapes(model_shapes_csv)
scenario = tables.load_selfhost_scenarios(selfhost_scenarios_csv).iloc[0]
hourly_usd = float(scenario["hourly_usd"])
claim_rows = claims.set_index("claim_id", drop=False)
ours: dict[str, float | guide.Check] = {}  # claim id -> the book's checks, compared with the guide at the end


def guide_input(claim_id: str) -> float:
    """A figure the guide states that is an input of another of its sums (each step's throughput feeds
    that step's cost): used only for the guide's own arithmetic, never as the book's independent check."""
    return float(checks.figure_of(claim_rows.loc[claim_id]).reference)

# %% tags=["remove-input"]
snapshot_banner(prices, api_prices_csv)

# %% [markdown]
# ## The stack, step by step
#
# The guide starts from a vanilla deployment of {glue:text}`tm_model` on {glue:text}`tm_node`
# rented at {glue:text}`tm_hourly` an hour and turns on one optimisation at a time. The table
# gives, for each step, the throughput the guide states, the roofline ceiling for that step's
# batch and precision, and the cost per million output tokens: the guide's, and ours from the
# same throughput, price and utilisation.
#
# The baseline is already out of reach: at a batch of {glue:text}`tm_base_batch` with FP16 weights,
# every token needs a full
# read of {glue:text}`tm_fp16_weights` of weights, so the node cannot pass
# {glue:text}`tm_base_ceiling` tokens a second; the guide's {glue:text}`tm_base_claim` is
# {glue:text}`tm_base_ratio` that. Every later step is possible, using between
# {glue:text}`tm_share_min` and {glue:text}`tm_share_max` of its ceiling.

# %%
tps = np.array([guide_input(f"tm_tps_{s}") for s in steps["step_id"]], dtype=float)
guide_cost = np.array([guide_input(f"tm_cost_{s}") for s in steps["step_id"]], dtype=float)
ceiling = rf.stack_ceilings(steps, specs, shapes, accelerator, accelerators, model_id, input_tokens,
                            output_tokens, reserved_frac)
share = rf.claim_ratio(tps, ceiling)
our_cost = selfhost.selfhost_usd_per_mtok(hourly_usd, tps, steps["utilisation"].to_numpy(dtype=float))

# %% tags=["hide-input"]
stack = pd.DataFrame({
    "step": steps["step"], "change": steps["change"], "batch": steps["batch"],
    "guide tokens/s": tps, "ceiling tokens/s": ceiling, "claim ÷ ceiling": share,
    "physically": rf.possibility(share), "utilisation": steps["utilisation"],
    "guide $/M output": guide_cost, "book $/M output": our_cost,
})

# %% tags=["remove-input"]
# Each step's throughput against its roofline ceiling (the registry's truth for these claims).
ours.update({f"tm_tps_{s}": guide.Check(truth=float(c)) for s, c in zip(steps["step_id"], ceiling)})
for step_id, cost in zip(steps["step_id"], our_cost):
    ours[f"tm_cost_{step_id}"] = float(cost)
ours["tm_cost_baseline_full"] = float(selfhost.selfhost_usd_per_mtok(hourly_usd, tps[0], 1.0))
figures.glue_text("tm_model", hosted_model)
figures.glue_text("tm_node", f"{accelerators}× {accelerator}")
figures.record("tm_hourly", hourly_usd, "usd")
fp16 = rf.model_from_shapes(shapes, model_id).total_params_billions * 1e9 * rf.BYTES_PER_ELEMENT["FP16"]
figures.record("tm_fp16_weights", fp16, "bytes")
figures.record("tm_base_batch", steps["batch"].iloc[0], "count")
figures.record("tm_base_ceiling", ceiling[0], "tokens_per_s")
figures.record("tm_base_claim", tps[0], "tokens_per_s")
figures.record("tm_base_ratio", share[0], "ratio")
figures.record("tm_share_min", share[1:].min(), "fraction")
figures.record("tm_share_max", share[1:].max(), "fraction")
show_table(stack, {"step": "count", "batch": "count", "guide tokens/s": "tokens_per_s", "ceiling tokens/s": "tokens_per_s",
                   "claim ÷ ceiling": "ratio", "utilisation": "fraction", "guide $/M output": "usd_per_mtok",
                   "book $/M output": "usd_per_mtok"})

# %% [markdown]
# ## The cost waterfall, and the guide's arithmetic
#
# Each bar is the cost per million output tokens after that step, computed from the guide's own
# throughput and utilisation; the diamonds are the guide's stated costs. They differ by the same
# factor at every step, {glue:text}`tm_cost_factor`: the guide's costs are what the arithmetic gives
# with {glue:text}`tm_implied_seconds` seconds in an hour instead of {glue:text}`tm_seconds`. The
# stack still cuts cost {glue:text}`tm_end_factor` from the baseline at the same utilisation
# (the guide states {glue:text}`tm_end_guide`, although its own first and last costs differ by
# {glue:text}`tm_end_guide_own`), but it ends at
# {glue:text}`tm_final_cost` per million output tokens, not {glue:text}`tm_final_guide`.
#
# **Try it here.** The sliders set the hourly price of the node and its utilisation; the bars
# recompute in the page from the guide's throughput at each step.

# %% tags=["hide-input"]
factor = guide_cost / our_cost
implied_seconds = selfhost.SECONDS_PER_HOUR / float(np.median(factor))
ours["tm_end_factor"] = float(our_cost[0] / our_cost[-1])
ours["tm_spec_effective"] = float(tps[steps.index[steps["step_id"] == "prefix_caching"][0]]
                                  * rf.speculative_speedup(
                                      steps.set_index("step_id").loc["speculative_decoding", "speculative_share"],
                                      steps.set_index("step_id").loc["speculative_decoding", "speculative_speedup"]))
figures.record("tm_cost_factor", float(np.median(factor)), "ratio")
figures.record("tm_implied_seconds", round(implied_seconds), "count")
figures.record("tm_seconds", selfhost.SECONDS_PER_HOUR, "count")
figures.record("tm_end_factor", ours["tm_end_factor"], "ratio")
figures.glue_text("tm_end_guide", guide.guide_text(claim_rows.loc["tm_end_factor"]))
figures.record("tm_end_guide_own", guide_cost[0] / guide_cost[-1], "ratio")
figures.record("tm_final_cost", our_cost[-1], "usd_per_mtok")
figures.record("tm_final_guide", guide_cost[-1], "usd_per_mtok")
chart_data = stack.assign(label=stack["step"].astype(str) + ". " + stack["change"].str.slice(0, 34),
                          tokens_per_s=tps, guide_cost=guide_cost)
hourly_param = alt.param(name="hourly", value=hourly_usd,
                         bind=alt.binding_range(min=1, max=60, step=1, name="node price (USD per hour) "))
util_param = alt.param(name="util_scale", value=1.0,
                       bind=alt.binding_range(min=0.2, max=2.0, step=0.05,
                                              name="utilisation × the guide's "))
bars = alt.Chart(chart_data).transform_calculate(
    util="min(1, datum.utilisation * util_scale)",
    cost="hourly / (datum.tokens_per_s * 3600 * datum.util) * 1e6",
).mark_bar(color="#4c78a8").encode(
    x=alt.X("label:N", sort=None, title="After step", axis=alt.Axis(labelAngle=-25, labelLimit=220)),
    y=alt.Y("cost:Q", title="Self-hosted cost (USD per million output tokens)"),
    tooltip=[alt.Tooltip("change:N"), alt.Tooltip("tokens_per_s:Q", title="guide tokens/s", format=",.0f"),
             alt.Tooltip("util:Q", title="utilisation", format=".0%"),
             alt.Tooltip("cost:Q", title="book USD per M", format="$,.2f"),
             alt.Tooltip("guide_cost:Q", title="guide USD per M", format="$,.0f")],
).add_params(hourly_param, util_param)
diamonds = alt.Chart(chart_data).mark_point(shape="diamond", size=90, filled=True, color="#e45756").encode(
    x=alt.X("label:N", sort=None), y=alt.Y("guide_cost:Q"),
    tooltip=[alt.Tooltip("change:N"), alt.Tooltip("guide_cost:Q", title="guide USD per M", format="$,.0f")],
)
(bars + diamonds).properties(
    width=520,
    title=alt.Title("Cost per million output tokens after each step",
                    subtitle="Bars: the book's arithmetic from the guide's throughput; diamonds: the guide's figures"),
)

# %% [markdown]
# ## Against the hosted price of the same model
#
# The cheapest hosted output price for {glue:text}`tm_model` in the book's price table is
# {glue:text}`tm_hosted_cheapest` ({glue:text}`tm_hosted_provider`). With the arithmetic
# corrected, the fully stacked self-hosted node costs {glue:text}`tm_vs_hosted` that, at the
# guide's utilisation: {glue:text}`tm_breakeven_sentence` The guide's broader point survives: stacking the multipliers is necessary, and the
# hosts that sell this model have stacked them too, at higher utilisation.
#
# **What if**, in Jupyter: the sliders below recompute every step's cost with
# `lib.costs.selfhost.selfhost_usd_per_mtok` for any hourly price and utilisation.

# %% tags=["hide-input"]
# Its own arithmetic: its final $/M over the hosted prices it names beside it (Together's, and
# Groq's input and output), end by end. Independently: the final step's cost on the guide's own
# throughput and hour, over every hosted output price for the model in the guide's price table.
guide_hosted = guide_prices[guide_prices["model"] == hosted_model].dropna(subset=["output_usd_per_mtok"])
named = guide_hosted[guide_hosted["provider"].isin(named_hosts)]
named_prices = np.concatenate([named["input_usd_per_mtok"].to_numpy(float), named["output_usd_per_mtok"].to_numpy(float)])
own_final = guide_cost[-1]
ours["tm_vs_hosted"] = guide.Check(
    arithmetic=float(own_final / named_prices[named_prices > 0].max()) if len(named) else float("nan"),
    arithmetic_high=float(own_final / named_prices[named_prices > 0].min()) if len(named) else float("nan"),
    truth=float(our_cost[-1] / guide_hosted["output_usd_per_mtok"].max()),
    truth_high=float(our_cost[-1] / guide_hosted["output_usd_per_mtok"].min()))
hosted = prices[(prices["model"] == hosted_model)].dropna(subset=["output_usd_per_mtok"])
if len(hosted):
    cheapest = hosted.sort_values("output_usd_per_mtok").iloc[0]
    hosted_price = float(cheapest["output_usd_per_mtok"])
    vs_hosted_point = float(our_cost[-1] / hosted_price)
    # Utilisation at which the final step's cost equals the hosted price (capped at 100%).
    breakeven = hourly_usd / (tps[-1] * selfhost.SECONDS_PER_HOUR * hosted_price) * selfhost.TOKENS_PER_MTOK
    figures.record("tm_hosted_cheapest", hosted_price, "usd_per_mtok")
    figures.glue_text("tm_hosted_provider", str(cheapest["provider"]))
    figures.record("tm_vs_hosted", vs_hosted_point, "ratio")
    figures.record("tm_breakeven_util", breakeven, "fraction")
    full_util = float(selfhost.selfhost_usd_per_mtok(hourly_usd, tps[-1], 1.0))
    figures.glue_text("tm_breakeven_sentence", (
        f"it would draw level at {figures.fmt_pct(breakeven)} utilisation." if breakeven <= 1 else
        f"even busy every hour it would cost {figures.fmt_usd(full_util)} per million, "
        f"{figures.fmt_ratio(full_util / hosted_price)} the hosted price."))
    figures.record_conclusion("tm_selfhost_vs_hosted", "hosted cheaper" if our_cost[-1] > hosted_price
                              else "self-hosted cheaper")
else:
    # A price snapshot may carry no price for this model: say so rather than compare with nothing.
    for name in ("tm_hosted_cheapest", "tm_vs_hosted", "tm_breakeven_util", "tm_breakeven_sentence"):
        figures.glue_text(name, "n/a (no hosted price in this snapshot)")
    figures.glue_text("tm_hosted_provider", "none")
    figures.record_conclusion("tm_selfhost_vs_hosted", "no hosted price")
show_table(hosted[["provider", "input_usd_per_mtok", "output_usd_per_mtok"]].sort_values("output_usd_per_mtok"),
           {"input_usd_per_mtok": "usd_per_mtok", "output_usd_per_mtok": "usd_per_mtok"})


# The hosted prices the guide names, against the same hosts in an outside feed where it has them.
for host, side, claim_id in (("Together", "output", "tm_hosted_together"), ("Groq", "input", "tm_hosted_groq_input"),
                             ("Groq", "output", "tm_hosted_groq_output")):
    feed = outside_prices[(outside_prices["model"] == hosted_model) & (outside_prices["provider"] == host)
                          & outside_prices["source"].str.contains("LiteLLM", na=False)]
    ours[claim_id] = guide.Check(truth=float(feed[f"{side}_usd_per_mtok"].iloc[0]) if len(feed) else float("nan"),
                                 missing="" if len(feed) else f"the outside feed has no {host} row for {hosted_model}")
# "For 70% prefix-hit traffic, effective input cost drops ~3×": if a cached prefix costs no prefill,
# only the missed share is paid for, so input cost falls by 1 / (1 - hit share).
ours["tm_prefix_input_drop"] = 1 / (1 - prefix_hit_share)


def stack_costs(hourly: float, utilisation: float) -> None:
    costs = selfhost.selfhost_usd_per_mtok(hourly, tps, utilisation)
    for change, cost in zip(steps["change"], costs):
        print(f"{figures.fmt_usd(cost):>8} per M output  {change}")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        stack_costs,
        hourly=widgets.FloatSlider(value=hourly_usd, min=1, max=60, step=0.5),
        utilisation=widgets.FloatSlider(value=0.5, min=0.05, max=1.0, step=0.05),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# The throughput figures are judged against their ceilings, possible or impossible, as in the
# first table. The cost figures, the speculative-decoding step and the end-to-end ratios are computed
# here from the guide's own inputs. {glue:text}`tm_verdicts` The costs disagree by the single
# factor explained above. The guide's speculative-decoding step would give
# {glue:text}`tm_spec_ours` from its own speed-up and share (time-weighted), more than the
# {glue:text}`tm_spec_guide` it states. Its comparison with hosted prices is checked both ways: on
# its own final cost over the prices it names beside it, where it holds, and with the final cost
# its own throughput gives over every hosted price for the model in its price table, where it
# does not; it also rests on that final cost, which is wrong arithmetic. Each cost rests on its
# step's throughput, and the baseline's is physically impossible. Of the hosted prices it names,
# Together's disagrees with an outside feed read months later and the feed has no Groq row.

# %% tags=["remove-input"]
figures.record("tm_spec_ours", ours["tm_spec_effective"], "tokens_per_s")
figures.glue_text("tm_spec_guide", guide.guide_text(claim_rows.loc["tm_spec_effective"]))

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("tm_verdicts", comparison)

# %% tags=["remove-input"]
n_impossible = int((stack["physically"] == "impossible").sum())
figures.glue_text("tm_answer", (
    f"Computed from the guide's own throughput and a {figures.fmt_usd(hourly_usd)}-an-hour node, the six steps take "
    f"the cost of an output token from {figures.fmt_usd(our_cost[0])} to {figures.fmt_usd(our_cost[-1])} per million, "
    f"{figures.fmt_ratio(ours['tm_end_factor'])} cheaper; the guide's dollar figures are all "
    f"{figures.fmt_ratio(float(np.median(factor)))} too high. "
    + (f"{n_impossible} step of the stack (the vanilla single-stream baseline) claims more than the hardware can do; "
       if n_impossible == 1 else f"{n_impossible} steps claim more than the hardware can do; ")
    + "the rest stay well under the roofline ceiling. "
    + (f"Even fully stacked, the node costs {figures.fmt_ratio(vs_hosted_point)} the cheapest hosted price "
       f"for {hosted_model}." if len(hosted) else
       f"This price snapshot has no hosted price for {hosted_model} to compare with.")
))
