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
# # Benchmarks against production: derating a capacity plan
#
# **The question.** How far below a benchmark's tokens per second does production serving run,
# and how many nodes does a capacity plan need once benchmark figures are derated?
#
# **The answer.** {glue:text}`br_answer`
#
# The guide's benchmark-against-production rows are in `data/bench_reality.csv`; the node and its
# price are the self-hosting scenario of `data/selfhost_scenarios.csv`.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
bench_reality_csv = "data/bench_reality.csv"
selfhost_scenarios_csv = "data/selfhost_scenarios.csv"
hardware_specs_csv = "data/hardware_specs.csv"
model_shapes_csv = "data/model_shapes.csv"
guide_claims_csv = "data/guide_claims.csv"
# The model behind the guide's benchmark rows, at the precision the book checks them at.
model_id = "llama-3-3-70b"
weight_precision = "FP8"
kv_precision = "BF16"
# An example workload to plan for: requests a day, output tokens each, and peak ÷ average traffic.
requests_per_day = 2_000_000
output_tokens_per_request = 300
peak_to_average = 3.0
# Spare capacity kept above the peak.
headroom = 0.2
# Prompt lengths: a typical benchmark's and a typical production request's (tokens), and the batch
# both are served at, to see what prompt length alone does to the ceiling.
bench_prompt_tokens = 512
production_prompt_tokens = 5_000
compare_batch = 64
compare_accelerator = "H100 SXM"
compare_accelerators = 8
days_per_month = 30
# The guide's rule beside its rows ("divide benchmark throughput by 1.5-3x"), the derates the plan tries.
guide_rule_divisor = (1.5, 3.0)
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

from lib.book import charts, figures, guide, publish
from lib.book.present import show_table, snapshot_banner
from lib.costs import fleet, roofline as rf
from lib.data import tables

charts.use_book_style(for_html_book)
bench = tables.load_bench_reality(bench_reality_csv)
scenario = tables.load_selfhost_scenarios(selfhost_scenarios_csv).iloc[0]
specs = tables.load_hardware_specs(hardware_specs_csv)
shapes = tables.load_model_shapes(model_shapes_csv)
claims = tables.load_guide_claims(guide_claims_csv)
# claim id -> the book's checks (a Check, or a bare number: the check the registry's truth column
# implies), compared with the guide at the end
ours: dict[str, float | guide.Check] = {}

# %% tags=["remove-input"]
snapshot_banner(bench, bench_reality_csv, what="benchmark rows")

# %% [markdown]
# ## How far production falls below the benchmark
#
# For each of the guide's rows, the divisor is the benchmark figure over the middle of the
# production range. They run from {glue:text}`br_div_min` to {glue:text}`br_div_max`, median
# {glue:text}`br_div_median`. The benchmark figures themselves are physically possible: each sits
# under the single-stream ceiling of a node of that accelerator (the size in the data; where the
# specs table has a row for it), at {glue:text}`br_share_min` to {glue:text}`br_share_max` of it.
#
# Prompt length alone explains part of the gap. At a batch of {glue:text}`br_batch`, the reference node's
# ceiling with {glue:text}`br_prod_prompt`-token production prompts is {glue:text}`br_prompt_ratio`
# of its ceiling with {glue:text}`br_bench_prompt`-token benchmark prompts: longer prompts mean
# more prefill compute per output token and more KV cache to read at every step.

# %%
mid = (bench["real_tokens_per_s_per_request_low"] + bench["real_tokens_per_s_per_request_high"]) / 2
divisor = bench["bench_tokens_per_s_per_request"] / mid
checked = bench[bench["accelerator"].notna()]
single = rf.evaluate_cases(checked.assign(
    model_id=model_id, weight_precision=weight_precision, kv_precision=kv_precision,
    input_tokens=bench_prompt_tokens, output_tokens=output_tokens_per_request, batch=1), specs, shapes, reserved_frac)
share = single["bench_tokens_per_s_per_request"].to_numpy(float) / single["ceiling_tokens_per_s"].to_numpy(float)

# %% tags=["remove-input"]
for row_id, label in zip(checked["row_id"], rf.possibility(share)):
    figures.record_conclusion(f"br_bench_{row_id.replace('-', '_')}_physically", label)
figures.record("br_div_min", divisor.min(), "ratio")
figures.record("br_div_max", divisor.max(), "ratio")
figures.record("br_div_median", divisor.median(), "ratio")
figures.record("br_share_min", share.min(), "fraction")
figures.record("br_share_max", share.max(), "fraction")
# Each row against the rule, end by end: the benchmark over the top and over the bottom of the row's
# own production range is the least and the most that row divides by.
least = bench["bench_tokens_per_s_per_request"] / bench["real_tokens_per_s_per_request_high"]
most = bench["bench_tokens_per_s_per_request"] / bench["real_tokens_per_s_per_request_low"]
row_claims = {"llama70b-h100": "br_factor_h100", "b200": "br_factor_b200", "groq-lpu": "br_factor_groq"}
for row_id, lo, hi in zip(bench["row_id"], least, most):
    if row_id in row_claims:
        ours[row_claims[row_id]] = guide.Check(arithmetic=float(lo), arithmetic_high=float(hi))
ours["br_plan_divide_2"] = float(divisor.median())
# The benchmark figures themselves against the physical ceiling of one stream on that node.
bench_claims = {"llama70b-h100": "br_bench_h100", "b200": "br_bench_b200"}
ceilings = {bench_claims[r]: float(c) for r, c in zip(checked["row_id"], single["ceiling_tokens_per_s"])
            if r in bench_claims}

# %%
prompt_cases = pd.DataFrame([dict(accelerator=compare_accelerator, accelerators=compare_accelerators,
                                  model_id=model_id, weight_precision=weight_precision, kv_precision=kv_precision,
                                  input_tokens=p, output_tokens=output_tokens_per_request, batch=compare_batch)
                             for p in (bench_prompt_tokens, production_prompt_tokens)])
prompt_ceilings = rf.evaluate_cases(prompt_cases, specs, shapes, reserved_frac)["ceiling_tokens_per_s"].to_numpy()

# %% tags=["remove-input"]
figures.record("br_batch", compare_batch, "count")
figures.record("br_bench_prompt", bench_prompt_tokens, "tokens")
figures.record("br_prod_prompt", production_prompt_tokens, "tokens")
figures.record("br_prompt_ratio", prompt_ceilings[1] / prompt_ceilings[0], "fraction")
table = bench[["system", "bench_tokens_per_s_per_request", "real_tokens_per_s_per_request_low",
               "real_tokens_per_s_per_request_high"]].assign(divisor=divisor.to_numpy())
ceil_by_row = dict(zip(checked["row_id"], single["ceiling_tokens_per_s"]))
table["single-stream ceiling"] = [ceil_by_row.get(r, np.nan) for r in bench["row_id"]]
show_table(table.rename(columns={"bench_tokens_per_s_per_request": "benchmark tokens/s per request",
                                 "real_tokens_per_s_per_request_low": "production low",
                                 "real_tokens_per_s_per_request_high": "production high",
                                 "divisor": "benchmark ÷ production (middle)"}),
           {"benchmark tokens/s per request": "tokens_per_s", "production low": "tokens_per_s",
            "production high": "tokens_per_s", "benchmark ÷ production (middle)": "ratio",
            "single-stream ceiling": "tokens_per_s"})

# %% [markdown]
# ## A capacity plan, derated
#
# An example workload of {glue:text}`br_requests` requests a day, {glue:text}`br_out_tokens`
# output tokens each, peaks at {glue:text}`br_peak_factor` the average: {glue:text}`br_peak_tps`
# output tokens a second at the peak. With {glue:text}`br_headroom` headroom, on nodes that
# benchmark at {glue:text}`br_node_tps` output tokens a second and rent at
# {glue:text}`br_node_hourly` an hour, the plan needs {glue:text}`br_nodes_bench` nodes if the
# benchmark held in production, {glue:text}`br_nodes_median` at the median divisor above, and
# {glue:text}`br_nodes_worst` at the worst end of the guide's rule: from
# {glue:text}`br_month_bench` to {glue:text}`br_month_worst` a month. Planning on the benchmark
# would leave the fleet short at the peak by a factor of up to {glue:text}`br_short`.

# %%
rule_low, rule_high = guide_rule_divisor
peak_tps = requests_per_day * output_tokens_per_request / 86_400 * peak_to_average
derates = np.array([1.0, rule_low, float(divisor.median()), 2.0, rule_high])
nodes = fleet.nodes_needed(peak_tps, scenario["output_tokens_per_s"], derates, headroom)
monthly = nodes * scenario["hourly_usd"] * 24 * days_per_month
plan = pd.DataFrame({"derate (÷ benchmark)": derates, "nodes": nodes, "monthly rent": monthly})

# %% tags=["remove-input"]
figures.record("br_requests", requests_per_day, "count")
figures.record("br_out_tokens", output_tokens_per_request, "tokens")
figures.record("br_peak_factor", peak_to_average, "ratio")
figures.record("br_peak_tps", peak_tps, "tokens_per_s")
figures.record("br_headroom", headroom, "fraction")
figures.record("br_node_tps", scenario["output_tokens_per_s"], "tokens_per_s")
figures.record("br_node_hourly", scenario["hourly_usd"], "usd")
figures.record("br_nodes_bench", nodes[0], "count")
figures.record("br_nodes_median", nodes[2], "count")
figures.record("br_nodes_worst", nodes[-1], "count")
figures.record("br_month_bench", monthly[0], "usd_per_month")
figures.record("br_month_worst", monthly[-1], "usd_per_month")
figures.record("br_short", nodes[-1] / nodes[0], "ratio")
show_table(plan, {"derate (÷ benchmark)": "ratio", "nodes": "count", "monthly rent": "usd_per_month"})

# %% [markdown]
# **Try it here.** The sliders set the peak demand and the headroom; the bars show the nodes needed
# at each derate, computed in the page.

# %% tags=["hide-input"]
plan_data = pd.DataFrame({"derate": derates, "label": [f"÷ {figures.fmt_number(d, 3)}" for d in derates]})
peak_param = alt.param(name="peak", value=round(peak_tps),
                       bind=alt.binding_range(min=1_000, max=200_000, step=1_000, name="peak (output tokens/s) "))
head_param = alt.param(name="head", value=headroom,
                       bind=alt.binding_range(min=0, max=1, step=0.05, name="headroom "))
node_tps = float(scenario["output_tokens_per_s"])
alt.Chart(plan_data).transform_calculate(
    nodes=f"ceil(peak * (1 + head) * datum.derate / {node_tps} * (1 - 1e-12))",
).mark_bar(color="#4c78a8").encode(
    x=alt.X("label:N", sort=None, title="Benchmark throughput divided by"),
    y=alt.Y("nodes:Q", title="Nodes needed (count)"),
    tooltip=[alt.Tooltip("derate:Q", title="divided by", format=".2f"), alt.Tooltip("nodes:Q", title="nodes")],
).add_params(peak_param, head_param).properties(
    width=420,
    title=alt.Title("Nodes a capacity plan needs as the benchmark is derated",
                    subtitle="Each node benchmarks at the self-hosting scenario's throughput"),
)

# %% [markdown]
# **What if**, in Jupyter: `lib.costs.fleet.nodes_needed` for any peak, derate and headroom.

# %% tags=["hide-input"]
def plan_for(peak_tokens_per_s: float, derate: float, spare: float) -> None:
    n = int(fleet.nodes_needed(peak_tokens_per_s, scenario["output_tokens_per_s"], derate, spare))
    print(f"{n} nodes, {figures.fmt_usd(n * scenario['hourly_usd'] * 24 * days_per_month)} a month")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        plan_for,
        peak_tokens_per_s=widgets.FloatSlider(value=round(peak_tps), min=1_000, max=200_000, step=1_000),
        derate=widgets.FloatSlider(value=2.0, min=1.0, max=4.0, step=0.1),
        spare=widgets.FloatSlider(value=headroom, min=0.0, max=1.0, step=0.05),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`br_verdicts` Each row's own numbers are set against the guide's rule end by end: the
# benchmark over the top of the row's production range is the least that row divides by, over the
# bottom the most, and both ends must round to the rule's. The Groq row divides by less than the
# rule's low end, which the guide itself flags as a cleaner divergence. The benchmark figures are
# checked against the single-stream ceiling of their node.

# %%
comparison = guide.comparison_table(claims, {**ours, **{c: guide.Check(truth=v) for c, v in ceilings.items()}})

# %% tags=["remove-input"]
publish.verdicts("br_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("br_answer", (
    f"The guide's own rows put production at the benchmark divided by {figures.fmt_ratio(divisor.min())} to "
    f"{figures.fmt_ratio(divisor.max())} (median {figures.fmt_ratio(divisor.median())}), and longer production "
    f"prompts alone cut a node's ceiling to {figures.fmt_pct(prompt_ceilings[1] / prompt_ceilings[0])} of the "
    f"benchmark's. For an example peak of {figures.fmt_number(peak_tps, 3)} output tokens a second, a plan built on "
    f"benchmark figures buys {int(nodes[0])} nodes where the guide's worst derate needs {int(nodes[-1])}."
))
