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
# # The cost playbook, lever by lever
#
# **The question.** The guide ranks the levers that cut an inference bill. Pulled one after
# the other on one workload, how much does each save of what the levers before it left, which do
# nothing on a hosted-API workload, and how far does the whole playbook bring the bill down?
#
# **The answer.** {glue:text}`pb_answer`
#
# Each lever's effect is a row of `data/playbook_levers.csv`: the saving the guide states (where
# it states one), the saving the book applies, and the part of the bill it acts on. The reference
# workload is priced by `lib.costs.api` and is set in the parameters cell below.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
playbook_levers_csv = "data/playbook_levers.csv"
reasoning_effort_csv = "data/reasoning_effort.csv"
throughput_stack_csv = "data/throughput_stack.csv"
hardware_specs_csv = "data/hardware_specs.csv"
model_shapes_csv = "data/model_shapes.csv"
hardware_platforms_csv = "data/hardware_platforms.csv"
# The node the self-hosting lever's "$15-25/hour H100" is checked against (the guide's own rental range for it).
selfhost_lever_platform = "8x-h100-sxm"
# The reference workload: one hosted model, the guide's typical request, a monthly volume.
reference_model = ("Anthropic", "Claude Sonnet 4.6")
reference_input_tokens = 1_500
reference_output_tokens = 300
reference_requests_per_month = 50_000_000
# The cheaper model the routing lever sends easy traffic to, and the model pair of the
# "smaller model" check (same host, two sizes).
routing_cheap_model = ("Anthropic", "Claude Haiku 4.5")
small_model, large_model = "Llama 3.1 8B", "Llama 3.1 70B"
# The effort table's request (input, visible output) for the "1/5 the cost" check.
effort_request = (1_000, 500)
# The node, model and batch the quantisation check runs the roofline on (the physical-limits
# chapter's reference setup), with the share of memory kept free of weights and KV.
quantize_node = ("H100 SXM", 8)
quantize_model_id = "llama-3-3-70b"
quantize_batch = 32
reserved_frac = 0.1
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
from lib.costs import api, batching, playbook
from lib.costs import roofline as rf
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
claims = tables.load_guide_claims(guide_claims_csv)
levers = tables.load_playbook_levers(playbook_levers_csv)
effort = tables.load_reasoning_effort(reasoning_effort_csv)
stack = tables.load_throughput_stack(throughput_stack_csv)
specs = tables.load_hardware_specs(hardware_specs_csv)
shapes = tables.load_model_shapes(model_shapes_csv)
platforms = tables.load_hardware_platforms(hardware_platforms_csv).set_index("platform_id")
# claim id -> the book's checks (a Check, or a bare number: the check the registry's truth column
# implies), compared with the guide at the end
ours: dict[str, float | guide.Check] = {}


def price_of(provider: str, model: str) -> pd.DataFrame:
    """The book's price row for a model (one row, as a frame for lib.costs.api)."""
    row = book_prices[(book_prices["provider"] == provider) & (book_prices["model"] == model)]
    if len(row) != 1:
        raise KeyError(f"no price row the book uses for {provider} {model} in {api_prices_csv}")
    return row


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## The reference workload
#
# The levers are pulled on one workload: {glue:text}`pb_requests` requests a month of
# {glue:text}`pb_ref_in` tokens in and {glue:text}`pb_ref_out` out on
# {glue:text}`pb_ref_model`. A request costs {glue:text}`pb_unit_cost`, so the bill starts at
# {glue:text}`pb_baseline` a month; input is {glue:text}`pb_input_share` of it. The levers that act
# on only the input or the output part of the bill use that split.
#
# The table lists the {glue:text}`pb_n_levers` levers in the guide's order with what the guide says, the saving
# the book applies and the part of the bill it touches. Where the guide gives a figure, the book
# takes a value inside the guide's range or checks it against the price data; where it gives
# none, the saving is the book's assumption, said in the data's notes. The routing lever's
# {glue:text}`pb_routing_saving` is what {glue:text}`pb_cheap_model` saves against
# {glue:text}`pb_ref_model` on the reference request (the data applies
# {glue:text}`pb_routing_applied`).

# %% tags=["hide-input"]
basis_words = {"bill": "the bill", "input_cost": "the input part", "output_cost": "the output part",
               "self_hosted": "the self-hosted part"}

# %%
ref_price = price_of(*reference_model)
unit_cost = float(api.request_cost_usd(ref_price, input_tokens=reference_input_tokens,
                                       output_tokens=reference_output_tokens)[0])
input_cost = float(api.request_cost_usd(ref_price, input_tokens=reference_input_tokens)[0])
input_share = input_cost / unit_cost
baseline = unit_cost * reference_requests_per_month
cheap_cost = float(api.request_cost_usd(price_of(*routing_cheap_model), input_tokens=reference_input_tokens,
                                        output_tokens=reference_output_tokens)[0])

# %% tags=["remove-input"]
figures.record("pb_requests", reference_requests_per_month, "count")
figures.record("pb_n_levers", len(levers), "count")
figures.record("pb_ref_in", reference_input_tokens, "tokens")
figures.record("pb_ref_out", reference_output_tokens, "tokens")
figures.glue_text("pb_ref_model", reference_model[1])
figures.record("pb_unit_cost", unit_cost, "usd_per_request")
figures.record("pb_baseline", baseline, "usd_per_month")
figures.record("pb_input_share", input_share, "fraction")
figures.glue_text("pb_cheap_model", routing_cheap_model[1])
figures.record("pb_routing_saving", 1 - cheap_cost / unit_cost, "fraction")
figures.record("pb_routing_applied",
               levers.set_index("lever_id").loc["route_by_difficulty", "applied_saving_frac"], "fraction")
show_table(
    levers.assign(share_basis=levers["share_basis"].map(basis_words))[["rank", "lever", "guide_says", "guide_saving_frac_low", "guide_saving_frac_high", "applied_saving_frac",
            "share_frac", "share_basis", "min_monthly_usd"]].rename(columns={
        "guide_says": "the guide says", "guide_saving_frac_low": "guide: saving from",
        "guide_saving_frac_high": "guide: to", "applied_saving_frac": "book applies",
        "share_frac": "on this share", "share_basis": "of", "min_monthly_usd": "only above (a month)"}),
    {"rank": "count", "guide: saving from": "fraction", "guide: to": "fraction", "book applies": "fraction",
     "on this share": "fraction", "only above (a month)": "usd_per_month"},
)

# %% [markdown]
# ## The levers in turn
#
# Each lever acts on the bill the levers before it left, so its saving in dollars shrinks as the
# list goes on, and the savings multiply rather than add. Pulled in the guide's order, the
# {glue:text}`pb_n_levers` levers take the bill from {glue:text}`pb_baseline` to {glue:text}`pb_final`, a
# reduction of {glue:text}`pb_total_reduction` ({glue:text}`pb_total_factor` cheaper). Adding the
# levers' savings instead would claim {glue:text}`pb_added`, which is why savings cannot be added.
#
# The biggest single step is {glue:text}`pb_biggest_lever` ({glue:text}`pb_biggest_saving` a
# month). {glue:text}`pb_n_idle` levers save nothing here: {glue:text}`pb_idle_list`. Quantising
# and speculative decoding speed up GPUs you run yourself, and in the guide's order they come
# before the lever that moves traffic onto your own GPUs, so on a hosted workload they have
# nothing to act on. The two levers with a spend threshold switch on only for a large enough
# bill: enterprise pricing from about {glue:text}`pb_enterprise_volume` requests a month and
# self-hosting from about {glue:text}`pb_selfhost_volume`, each counted on the bill left when the lever's
# turn comes.

# %%
waterfall = playbook.apply_levers(levers, baseline, input_cost_share=input_share)
final = float(waterfall["usd_after"].iloc[-1])
reduction = playbook.total_reduction(waterfall)
idle = waterfall[~waterfall["applied"]]
biggest = waterfall.loc[waterfall["usd_saved"].idxmax()]

# %% tags=["remove-input"]
figures.record("pb_final", final, "usd_per_month")
figures.record("pb_total_reduction", reduction, "fraction")
figures.record("pb_total_factor", 1 / (1 - reduction), "ratio")
figures.record("pb_added", playbook.added_savings(waterfall), "fraction")
figures.record_conclusion("pb_biggest_lever", biggest["lever"].lower())
figures.record("pb_biggest_saving", biggest["usd_saved"], "usd_per_month")
figures.record("pb_n_idle", len(idle), "count")
figures.record_conclusion("pb_idle_list", "; ".join(f"{l.lower()} ({w})" for l, w in zip(idle["lever"], idle["why_not"]))
                          if len(idle) else "none")
for lever_id, name in (("enterprise_pricing", "pb_enterprise_volume"), ("self_host_steady", "pb_selfhost_volume")):
    # Rounded up to a hundred thousand requests: the thresholds themselves are round figures.
    figures.record(name, np.ceil(playbook.volume_to_trigger(levers, lever_id, unit_cost, input_cost_share=input_share)
                                 / 1e5) * 1e5, "count", infinite_text="no volume")
show_table(
    waterfall[["rank", "lever", "share_touched", "saving_frac", "usd_before", "usd_saved", "usd_after",
               "cumulative_multiplier", "why_not"]].rename(columns={
        "share_touched": "share of bill touched", "saving_frac": "saves of the bill", "usd_before": "bill before",
        "usd_saved": "saved", "usd_after": "bill after", "cumulative_multiplier": "left of the start",
        "why_not": "why it saved nothing"}),
    {"rank": "count", "share of bill touched": "fraction", "saves of the bill": "fraction",
     "bill before": "usd_per_month", "saved": "usd_per_month", "bill after": "usd_per_month",
     "left of the start": "fraction"},
)

# %% [markdown]
# **Try it here.** Tick a lever off to see the bill without it, or move the volume to see the two
# spend thresholds switch on. Each bar runs from the bill before the lever to the bill after it;
# the first and last bars are the whole bill. The chart computes in the page, so it works
# without Jupyter.

# %% tags=["hide-input"]
vol = alt.param(name="vol", value=reference_requests_per_month,
                bind=alt.binding_range(min=1_000_000, max=1_000_000_000, step=1_000_000,
                                       name="requests a month "))
switches = [alt.param(name=f"on{int(r)}", value=True, bind=alt.binding_checkbox(name=f"{int(r)}. {name} "))
            for r, name in zip(levers["rank"], levers["lever"])]
basis_js = {"bill": "1", "input_cost": f"{input_share!r}", "output_cost": f"{1 - input_share!r}",
            "self_hosted": "datum.sh{prev}"}
chart_data = pd.DataFrame({
    "idx": range(len(levers) + 2),
    "step": ["Start"] + [f"{int(r)}. {name}" for r, name in zip(levers["rank"], levers["lever"])] + ["End"],
    "kind": ["bill"] + ["lever"] * len(levers) + ["bill"],
})
chart = alt.Chart(chart_data).transform_calculate(c0=f"vol * {unit_cost!r}", sh0="0")
# The same chain as lib.costs.playbook.apply_levers, step by step in the browser: the bill after
# lever i (c_i) and the self-hosted share of traffic so far (sh_i).
for i, lever in enumerate(levers.itertuples(), start=1):
    share = f"({basis_js[lever.share_basis].format(prev=i - 1)}) * {float(lever.share_frac)!r}"
    threshold = "true" if pd.isna(lever.min_monthly_usd) else f"datum.c{i - 1} >= {float(lever.min_monthly_usd)!r}"
    chart = chart.transform_calculate(**{
        f"m{i}": f"(on{int(lever.rank)} && {threshold}) ? 1 - {share} * {float(lever.applied_saving_frac)!r} : 1"})
    chart = chart.transform_calculate(**{f"c{i}": f"datum.c{i - 1} * datum.m{i}"})
    moves = lever.lever_id == playbook.SELF_HOST_LEVER
    chart = chart.transform_calculate(**{
        f"sh{i}": f"datum.m{i} < 1 ? {float(lever.share_frac)!r} : datum.sh{i - 1}" if moves else f"datum.sh{i - 1}"})
n = len(levers)
bill_list = "[" + ", ".join(f"datum.c{i}" for i in range(n + 1)) + "]"
chart = chart.transform_calculate(
    top=f"datum.idx == 0 ? datum.c0 : datum.idx == {n + 1} ? datum.c{n} : {bill_list}[datum.idx - 1]",
    bottom=f"datum.idx == 0 || datum.idx == {n + 1} ? 0 : {bill_list}[datum.idx]",
).transform_calculate(saved="datum.kind == 'lever' ? datum.top - datum.bottom : 0")
chart.mark_bar().encode(
    x=alt.X("step:N", sort=alt.SortField("idx"), title=None, axis=alt.Axis(labelAngle=-40, labelLimit=220)),
    y=alt.Y("top:Q", title="Monthly bill (USD)"),
    y2="bottom:Q",
    color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["bill", "lever"], range=["#4c72b0", "#dd8452"]),
                    legend=alt.Legend(labelExpr="datum.label == 'bill' ? 'whole bill' : 'saved by the lever'")),
    tooltip=[alt.Tooltip("step:N"), alt.Tooltip("top:Q", title="bill before (USD a month)", format=",.0f"),
             alt.Tooltip("bottom:Q", title="bill after (USD a month)", format=",.0f"),
             alt.Tooltip("saved:Q", title="saved (USD a month)", format=",.0f")],
).add_params(vol, *switches).properties(
    width=560, height=320,
    title=alt.Title("The monthly bill, lever by lever", subtitle="Guide's order; book's savings from "
                    "data/playbook_levers.csv; reference request on the book's prices"),
)

# %% [markdown]
# In Jupyter, the same question runs through `lib.costs.playbook.apply_levers`:

# %% tags=["hide-input"]
def bill_with(requests_per_month: int, levers_on: tuple[str, ...]) -> None:
    w = playbook.apply_levers(levers, unit_cost * requests_per_month, input_cost_share=input_share,
                              enabled=levers_on)
    print(f"{figures.fmt_usd(w['usd_before'].iloc[0])} a month before, {figures.fmt_usd(w['usd_after'].iloc[-1])} "
          f"after: {figures.fmt_pct(playbook.total_reduction(w))} less")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        bill_with,
        requests_per_month=widgets.IntSlider(value=reference_requests_per_month, min=1_000_000,
                                             max=1_000_000_000, step=1_000_000),
        levers_on=widgets.SelectMultiple(options=list(levers["lever_id"]), value=list(levers["lever_id"]), rows=15),
    ))

# %% [markdown]
# ## Against the guide's other totals
#
# The guide gives no total for its playbook. Its mental-model section stacks five levers to
# {glue:text}`pb_mm_factor` cheaper (checked in [the mental model chapter](mental_model.ipynb)),
# several of them on self-hosted serving; the {glue:text}`pb_n_levers` levers here, on a hosted workload, reach
# {glue:text}`pb_total_factor`. The batch lever is the guide's hybrid-batch saving:
# `lib.costs.batching.hybrid_saving_frac` gives {glue:text}`pb_batch_hybrid` of the bill for its
# share and discount, the saving the lever's row applies.

# %% tags=["hide-input"]
figures.glue_text("pb_mm_factor", guide.guide_text(claims.set_index("claim_id").loc["mm_lever_factor"]))
batch_row = levers.set_index("lever_id").loc["batch_api"]
figures.record("pb_batch_hybrid", batching.hybrid_saving_frac(batch_row["share_frac"],
                                                              batch_row["applied_saving_frac"]), "fraction")

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`pb_verdicts` The playbook's stated effects are checked against the guide's own
# price tables and examples elsewhere. The "smaller model" lever promises more than the hosts'
# prices show: {glue:text}`pb_large` costs a median {glue:text}`pb_size_ratio` as much as
# {glue:text}`pb_small` at the same host ({glue:text}`pb_size_ratio_min` to {glue:text}`pb_size_ratio_max`
# across hosts), since list prices narrow the gap that the two models' sizes suggest. The guide states the cache lever as a speed-up on a self-hosted stack; the
# closest figure in the data is what a hosted cache charges for a read, which runs from {glue:text}`pb_cache_min` to
# {glue:text}`pb_cache_max` cheaper than fresh input across providers (median
# {glue:text}`pb_cache_median`); judged end by end, the guide's range fits neither the least nor the
# most generous cache. Reasoning depth: at the effort table's token counts,
# o3 at high effort costs {glue:text}`pb_effort_ratio` as much as at low, not the guide's
# {glue:text}`pb_guide_effort`. The
# speculative-decoding range holds against the guide's own stacking example. The quantisation
# range is checked against the decode ceiling of the [physical-limits chapter](physical_limits.ipynb)
# on {glue:text}`pb_quant_node`: FP8 weights and KV raise it {glue:text}`pb_quant_fp8`, INT4 weights
# with an FP8 KV cache {glue:text}`pb_quant_int4`. The self-hosting lever's hourly H100 price is the
# guide's own rental range for an 8-GPU H100 node. The other stated
# figures (the share of easy traffic, the enterprise discount, the spend thresholds) are
# assumptions with nothing to recompute them from; the book uses them as inputs.

# %% tags=["hide-input"]
small_rows = book_prices[book_prices["model"] == small_model].set_index("provider")
large_rows = book_prices[book_prices["model"] == large_model].set_index("provider")
both = small_rows.index.intersection(large_rows.index)
size_ratios = (api.request_cost_usd(large_rows.loc[both].reset_index(), input_tokens=reference_input_tokens,
                                   output_tokens=reference_output_tokens)
               / api.request_cost_usd(small_rows.loc[both].reset_index(), input_tokens=reference_input_tokens,
                                      output_tokens=reference_output_tokens))
size_ratio = float(np.median(size_ratios))
cached = book_prices.dropna(subset=["cached_input_usd_per_mtok"])
cached = cached[cached["cached_input_usd_per_mtok"] > 0]
batch_rows = book_prices[book_prices["provider"].isin(["OpenAI", "Anthropic"])]
o3 = price_of("OpenAI", "o3")
thinking = effort[effort["model"] == "o3"].set_index("effort")["avg_thinking_tokens"]
o3_cost = {level: float(api.request_cost_usd(o3, input_tokens=effort_request[0], output_tokens=effort_request[1],
                                             thinking_tokens=thinking[level])[0]) for level in ("low", "high")}
quant = rf.evaluate_cases(pd.DataFrame([
    dict(setup=setup, weight_precision=w, kv_precision=k) for setup, w, k in
    (("base", "FP16", "FP16"), ("fp8", "FP8", "FP8"), ("int4", "INT4", "FP8"))]).assign(
    accelerator=quantize_node[0], accelerators=quantize_node[1], model_id=quantize_model_id,
    input_tokens=reference_input_tokens, output_tokens=reference_output_tokens, batch=quantize_batch),
    specs, shapes, reserved_frac, count_prefill=False).set_index("setup")["ceiling_tokens_per_s"]
cache_ratio = cached["input_usd_per_mtok"] / cached["cached_input_usd_per_mtok"]
lever_node = platforms.loc[selfhost_lever_platform]
ours.update(
    pb_quantize_fp8=float(quant["fp8"] / quant["base"]), pb_quantize_int4=float(quant["int4"] / quant["base"]),
    # The ranges end by end: the least and the most over the hosts (models) the guide prices both at.
    pb_smaller_model=guide.Check(truth=float(np.min(size_ratios)), truth_high=float(np.max(size_ratios))),
    pb_prefix_cache=guide.Check(truth=float(cache_ratio.min()), truth_high=float(cache_ratio.max())),
    pb_selfhost_h100_hour=guide.Check(truth=float(lever_node["rental_usd_per_hour_low"]),
                                      truth_high=float(lever_node["rental_usd_per_hour_high"])),
    pb_specdec=float(stack.set_index("step_id").loc["speculative_decoding", "speculative_speedup"]),
    pb_batch_discount=float(batch_rows["batch_discount_frac"].median()),
    pb_effort_fifth=o3_cost["high"] / o3_cost["low"],
)
figures.glue_text("pb_small", small_model)
figures.glue_text("pb_large", large_model)
figures.record("pb_size_ratio", size_ratio, "ratio")
figures.record("pb_size_ratio_min", float(np.min(size_ratios)), "ratio")
figures.record("pb_size_ratio_max", float(np.max(size_ratios)), "ratio")
figures.record("pb_cache_min", cache_ratio.min(), "ratio")
figures.record("pb_cache_max", cache_ratio.max(), "ratio")
figures.record("pb_cache_median", cache_ratio.median(), "ratio")
figures.glue_text("pb_quant_node", f"{quantize_node[1]}× {quantize_node[0]}, "
                  f"{shapes.set_index('model_id').loc[quantize_model_id, 'model']}, batch {quantize_batch}")
figures.record("pb_quant_fp8", ours["pb_quantize_fp8"], "ratio")
figures.record("pb_quant_int4", ours["pb_quantize_int4"], "ratio")
figures.record("pb_effort_ratio", ours["pb_effort_fifth"], "ratio")
figures.glue_text("pb_guide_effort", guide.guide_text(claims.set_index("claim_id").loc["pb_effort_fifth"]))

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("pb_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("pb_answer", (
    f"On {reference_requests_per_month:,} requests a month on {reference_model[1]} "
    f"({figures.fmt_usd(baseline)} a month), the {len(levers)} levers in the guide's order cut the bill to "
    f"{figures.fmt_usd(final)}, {figures.fmt_pct(reduction)} less ({figures.fmt_ratio(1 / (1 - reduction))} "
    f"cheaper), not the {figures.fmt_pct(playbook.added_savings(waterfall))} that adding their savings suggests. "
    f"{biggest['lever']} saves the most; {len(idle)} levers save nothing on this hosted workload."
))
