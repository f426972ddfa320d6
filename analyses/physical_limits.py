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
# # Physical limits: how many tokens a node can give
#
# **The question.** What is the most decode throughput a GPU node can physically deliver for a
# given model, precision, batch size and context length, and which of the guide's throughput
# figures fit under that ceiling?
#
# **The answer.** {glue:text}`rf_answer`
#
# Every figure here comes from datasheet numbers (`data/hardware_specs.csv`), published model shapes
# (`data/model_shapes.csv`) and the setups behind the guide's claims (`data/throughput_cases.csv`).
# Published measurements (`data/published_throughput.csv`) check the model against reality.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
hardware_specs_csv = "data/hardware_specs.csv"
model_shapes_csv = "data/model_shapes.csv"
throughput_cases_csv = "data/throughput_cases.csv"
published_throughput_csv = "data/published_throughput.csv"
guide_claims_csv = "data/guide_claims.csv"
# Share of accelerator memory held back for activations and the runtime (vLLM's default
# gpu_memory_utilization of 0.9 leaves 10%).
reserved_frac = 0.1
# The reference deployment of the guide's self-hosting sections.
reference_accelerator = "H100 SXM"
reference_accelerators = 8
reference_model = "llama-3-3-70b"
reference_weight_precision = "FP8"
reference_kv_precision = "BF16"
reference_input_tokens = 1_500
reference_output_tokens = 300
# Batch sizes the charts sweep.
batch_grid = [1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096]
# The batch at which the precision claims are compared (the batch of the guide's worked example).
precision_batch = 32
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import math

import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, checks, figures, guide, publish
from lib.book.present import show_table, snapshot_banner
from lib.costs import kv_cache, roofline as rf
from lib.data import tables

charts.use_book_style(for_html_book)
specs = tables.load_hardware_specs(hardware_specs_csv)
shapes = tables.load_model_shapes(model_shapes_csv)
cases = tables.load_throughput_cases(throughput_cases_csv)
published = tables.load_published_throughput(published_throughput_csv)
claims = tables.load_guide_claims(guide_claims_csv)
model = rf.model_from_shapes(shapes, reference_model)
model_name = str(shapes.set_index("model_id").loc[reference_model, "model"])
ours: dict[str, float] = {}  # claim id -> our figure, compared with the guide at the end

# %% tags=["remove-input"]
snapshot_banner(specs, hardware_specs_csv, what="hardware specs")

# %% [markdown]
# ## Two ceilings: memory and compute
#
# Each decode step produces one token for every sequence in the batch. To do it the accelerators
# must read all the weights from memory once, plus each sequence's KV cache, and must do about two
# floating-point operations per active parameter per token. Whichever takes longer sets the pace.
#
# On the reference node ({glue:text}`rf_ref_node` serving {glue:text}`rf_ref_model` with
# {glue:text}`rf_ref_wprec` weights and a {glue:text}`rf_ref_kvprec` KV cache, requests of
# {glue:text}`rf_ref_in` tokens in and {glue:text}`rf_ref_out` out), the weights alone take
# {glue:text}`rf_ref_weights`. One sequence at a time can therefore never exceed
# {glue:text}`rf_ref_b1` tokens a second, however fast the chips compute. Batching shares the
# weight read: the memory bound rises with the batch until, at about {glue:text}`rf_ref_cross`
# sequences, the compute bound of {glue:text}`rf_ref_compute` tokens a second (prompt prefill
# included) takes over. The KV caches of at most {glue:text}`rf_ref_maxb` such requests fit beside
# the weights, so the node's ceiling for this workload is {glue:text}`rf_ref_ceiling` output
# tokens a second.

# %%
reference = rf.what_if(specs, shapes, reference_accelerator, reference_accelerators, reference_model,
                       reference_weight_precision, reference_kv_precision, None, reference_input_tokens,
                       reference_output_tokens, reserved_frac)
batch_one = rf.what_if(specs, shapes, reference_accelerator, reference_accelerators, reference_model,
                       reference_weight_precision, reference_kv_precision, 1, reference_input_tokens,
                       reference_output_tokens, reserved_frac)

# %% tags=["remove-input"]
figures.glue_text("rf_ref_node", f"{reference_accelerators}× {reference_accelerator}")
figures.glue_text("rf_ref_model", model_name)
figures.glue_text("rf_ref_wprec", reference_weight_precision)
figures.glue_text("rf_ref_kvprec", reference_kv_precision)
figures.record("rf_ref_in", reference_input_tokens, "tokens")
figures.record("rf_ref_out", reference_output_tokens, "tokens")
figures.record("rf_ref_weights", reference["weight_bytes"], "bytes")
figures.record("rf_ref_b1", batch_one["ceiling_tokens_per_s"], "tokens_per_s")
figures.record("rf_ref_cross", round(reference["crossover_batch"]), "count")
ref_case = rf.evaluate_cases(pd.DataFrame([dict(
    accelerator=reference_accelerator, accelerators=reference_accelerators, model_id=reference_model,
    weight_precision=reference_weight_precision, kv_precision=reference_kv_precision,
    input_tokens=reference_input_tokens, output_tokens=reference_output_tokens, batch=None)]),
    specs, shapes, reserved_frac).iloc[0]
figures.record("rf_ref_compute", ref_case["compute_bound_tokens_per_s"], "tokens_per_s")
figures.record("rf_ref_maxb", reference["max_batch"], "count")
figures.record("rf_ref_ceiling", reference["ceiling_tokens_per_s"], "tokens_per_s")
# The sweep behind the chart: one row per batch size, cut where the KV caches stop fitting.
sweep = rf.evaluate_cases(pd.DataFrame([dict(
    accelerator=reference_accelerator, accelerators=reference_accelerators, model_id=reference_model,
    weight_precision=reference_weight_precision, kv_precision=reference_kv_precision,
    input_tokens=reference_input_tokens, output_tokens=reference_output_tokens, batch=b) for b in batch_grid]),
    specs, shapes, reserved_frac)
show_table(sweep[sweep["batch"] <= sweep["max_batch"]][
    ["batch", "memory_bound_tokens_per_s", "compute_bound_tokens_per_s", "ceiling_tokens_per_s", "bound"]
].rename(columns={"memory_bound_tokens_per_s": "memory bound", "compute_bound_tokens_per_s": "compute bound",
                  "ceiling_tokens_per_s": "ceiling"}),
    {"batch": "count", "memory bound": "tokens_per_s", "compute bound": "tokens_per_s", "ceiling": "tokens_per_s"})

# %% [markdown]
# **Try it here.** Pick an accelerator, how many of them form the node, the precision of the weights
# and of the KV cache, and the context each sequence carries. The chart recomputes both bounds in
# the page for {glue:text}`rf_ref_model` (decode only: prompt prefill is left out) and stops where
# the KV caches no longer fit.

# %% tags=["hide-input"]
# One row per (accelerator, batch); everything else is computed in the browser from the controls.
grid = specs[["accelerator", "hbm_gb", "hbm_tb_per_s", "dense_bf16_tflops", "dense_fp8_tflops"]].merge(
    pd.DataFrame({"batch": batch_grid}), how="cross")
grid["dense_fp8_tflops"] = grid["dense_fp8_tflops"].astype(float).fillna(-1.0)  # -1: no FP8 units
accel = alt.param(name="accel", value=reference_accelerator,
                  bind=alt.binding_select(options=sorted(specs["accelerator"]), name="accelerator "))
count = alt.param(name="count", value=reference_accelerators,
                  bind=alt.binding_range(min=1, max=16, step=1, name="accelerators in the node "))
wbytes = alt.param(name="wbytes", value=rf.BYTES_PER_ELEMENT[reference_weight_precision],
                   bind=alt.binding_select(options=[2.0, 1.0, 0.5], labels=["FP16", "FP8", "INT4"],
                                           name="weights "))
kvbytes = alt.param(name="kvbytes", value=rf.BYTES_PER_ELEMENT[reference_kv_precision],
                    bind=alt.binding_select(options=[2.0, 1.0, 0.5], labels=["FP16", "FP8", "INT4"],
                                            name="KV cache "))
context = alt.param(name="context", value=reference_input_tokens + reference_output_tokens,
                    bind=alt.binding_range(min=256, max=131_072, step=256, name="context (tokens) "))
kv_elements_per_token = 2 * model.layers * model.kv_heads * model.head_dim
weights_expr = f"{model.total_params_billions * 1e9} * wbytes"
tflops_expr = "((wbytes <= 1 && datum.dense_fp8_tflops > 0) ? datum.dense_fp8_tflops : datum.dense_bf16_tflops)"
sweep_chart = alt.Chart(grid).transform_filter("datum.accelerator == accel").transform_calculate(
    weights=weights_expr,
    kv_seq=f"{kv_elements_per_token} * kvbytes * context",
    free=f"count * datum.hbm_gb * 1e9 * {1 - reserved_frac} - datum.weights",
    memory=f"datum.batch * count * datum.hbm_tb_per_s * 1e12 / (datum.weights + datum.batch * datum.kv_seq)",
    compute=f"count * {tflops_expr} * 1e12 / (2 * {model.active_params_billions * 1e9})",
    ceiling="min(datum.memory, datum.compute)",
    bound="datum.memory <= datum.compute ? 'memory' : 'compute'",
).transform_filter("datum.batch * datum.kv_seq <= datum.free").transform_fold(
    ["memory", "compute", "ceiling"], as_=["limit", "tokens_per_s"],
).mark_line(point=True).encode(
    x=alt.X("batch:Q", scale=alt.Scale(type="log"), title="Batch size (sequences)"),
    y=alt.Y("tokens_per_s:Q", scale=alt.Scale(type="log"), title="Decode throughput (tokens per second)"),
    color=alt.Color("limit:N", title="Bound", sort=["ceiling", "memory", "compute"]),
    strokeDash=alt.StrokeDash("limit:N", legend=None),
    tooltip=[alt.Tooltip("accelerator:N"), alt.Tooltip("batch:Q", title="batch"),
             alt.Tooltip("limit:N", title="bound"),
             alt.Tooltip("tokens_per_s:Q", title="tokens per second", format=",.0f"),
             alt.Tooltip("bound:N", title="binding bound")],
).add_params(accel, count, wbytes, kvbytes, context).properties(
    width=520,
    title=alt.Title(f"Decode ceiling for {model_name} as the batch grows",
                    subtitle="Lines stop where the KV caches no longer fit beside the weights"),
)
sweep_chart

# %% [markdown]
# ## How many requests fit, accelerator by accelerator
#
# The same model and request shape on a node of each kind in the specs table, eight accelerators
# each (a single GH200, since the guide rents it singly). Memory capacity decides whether the weights fit at
# all and how large a batch can grow; bandwidth decides the single-stream speed; FLOPS decide the
# top. Halving the KV cache to FP8 roughly doubles the requests that fit. Of the accelerators
# listed, {glue:text}`rf_top_accel` has the highest ceiling for this workload,
# {glue:text}`rf_top_ceiling` output tokens a second.

# %%
nodes = specs[["accelerator"]].assign(accelerators=np.where(specs["accelerator"] == "GH200", 1, 8))
fit_rows = []
for kv_prec in (reference_kv_precision, "FP8"):
    fit_rows.append(rf.evaluate_cases(nodes.assign(
        model_id=reference_model, weight_precision=reference_weight_precision, kv_precision=kv_prec,
        input_tokens=reference_input_tokens, output_tokens=reference_output_tokens, batch=None),
        specs, shapes, reserved_frac))
b1 = rf.evaluate_cases(nodes.assign(
    model_id=reference_model, weight_precision=reference_weight_precision, kv_precision=reference_kv_precision,
    input_tokens=reference_input_tokens, output_tokens=reference_output_tokens, batch=1), specs, shapes, reserved_frac)

# %% tags=["hide-input"]
by_accel = pd.DataFrame({
    "node": nodes["accelerators"].astype(str) + "× " + nodes["accelerator"],
    f"requests that fit ({reference_kv_precision} KV)": fit_rows[0]["max_batch"].to_numpy(),
    "requests that fit (FP8 KV)": fit_rows[1]["max_batch"].to_numpy(),
    "batch-1 tokens/s": b1["ceiling_tokens_per_s"].to_numpy(),
    "memory stops binding at batch": [("never" if math.isinf(b) else f"{b:,.0f}")
                                      for b in fit_rows[0]["crossover_batch"]],
    "ceiling tokens/s": fit_rows[0]["ceiling_tokens_per_s"].to_numpy(),
    "bound": fit_rows[0]["bound"].to_numpy(),
}).sort_values("ceiling tokens/s", ascending=False)
top = by_accel.iloc[0]
figures.record_conclusion("rf_top_accel", str(top["node"]))
figures.record("rf_top_ceiling", top["ceiling tokens/s"], "tokens_per_s")
show_table(by_accel, {f"requests that fit ({reference_kv_precision} KV)": "count", "requests that fit (FP8 KV)": "count",
                      "batch-1 tokens/s": "tokens_per_s",
                      "ceiling tokens/s": "tokens_per_s"})

# %% [markdown]
# ## The guide's throughput claims against the ceiling
#
# Each throughput figure the guide gives is set beside the ceiling for the setup it describes
# (`data/throughput_cases.csv` records the node, precision, request shape and batch, and what the
# book assumed where the guide is silent). A claim above its ceiling is physically impossible
# on that hardware, whatever the software; one below it is possible, and the ratio says what share
# of the ceiling the claim needs. {glue:text}`rf_ceiling_holds`.
#
# The break-even section's {glue:text}`rf_h200_claim` requests a second on the H200 node is
# {glue:text}`rf_h200_ratio` the ceiling at its stated batch of {glue:text}`rf_h200_batch`, and
# still {glue:text}`rf_h200_any_ratio` the ceiling at the largest batch that fits
# ({glue:text}`rf_h200_any` requests a second). Read as output *tokens* a second, the same number
# would need {glue:text}`rf_h200_as_tokens` of the same ceiling: a plausible figure. The guide's
# yearly token count then multiplies by tokens per request a second time, so the break-even built
# on it inherits the error. The B200 line ({glue:text}`rf_b200_claim` requests a second,
# {glue:text}`rf_b200_ratio` its ceiling) has the same problem.

# %%
evaluated = rf.evaluate_cases(cases, specs, shapes, reserved_frac)
claim_rows = claims.set_index("claim_id", drop=False).loc[evaluated["claim_id"]]
# The guide's stated throughput, read through the verdict engine (the claim, never the book's value).
claimed = np.array([checks.figure_of(r).reference for _, r in claim_rows.iterrows()], dtype=float)
ceiling_in_claim_units = np.select(
    [evaluated["measure"] == "requests_per_s", evaluated["measure"] == "input_tokens_per_s"],
    [evaluated["ceiling_requests_per_s"], evaluated["ceiling_input_tokens_per_s"]],
    evaluated["ceiling_tokens_per_s"])
ratio = rf.claim_ratio(claimed, ceiling_in_claim_units)

# %% tags=["hide-input"]
checked = pd.DataFrame({
    "claim_id": evaluated["claim_id"].to_numpy(),
    "the guide says": claim_rows["quote"].to_numpy(),
    "node": evaluated["accelerators"].astype(str).to_numpy() + "× " + evaluated["accelerator"].to_numpy(),
    "batch": evaluated["batch_used"].to_numpy(),
    "unit": np.where(evaluated["measure"] == "requests_per_s", "requests/s",
                     np.where(evaluated["measure"] == "input_tokens_per_s", "input tokens/s", "output tokens/s")),
    "claimed": claimed,
    "ceiling": ceiling_in_claim_units,
    "claim ÷ ceiling": ratio,
    "physically": rf.possibility(ratio),
    "bound": evaluated["bound"].to_numpy(),
})

# %% tags=["remove-input"]
ceiling_comparison = guide.record_ceiling_checks(claims, dict(zip(checked["claim_id"], checked["ceiling"])))
guide.glue_count("rf_ceiling_holds", ceiling_comparison, "against the ceiling")
by_id = checked.set_index("claim_id")
ev_by_id = evaluated.set_index("claim_id")
h200_any = rf.evaluate_cases(cases[cases["claim_id"] == "rf_h200_qps"].assign(batch=None), specs, shapes,
                             reserved_frac).iloc[0]
figures.record("rf_h200_claim", by_id.loc["rf_h200_qps", "claimed"], "requests_per_s")
figures.record("rf_h200_ratio", by_id.loc["rf_h200_qps", "claim ÷ ceiling"], "ratio")
figures.record("rf_h200_batch", by_id.loc["rf_h200_qps", "batch"], "count")
figures.record("rf_h200_any", h200_any["ceiling_requests_per_s"], "requests_per_s")
figures.record("rf_h200_any_ratio", by_id.loc["rf_h200_qps", "claimed"] / h200_any["ceiling_requests_per_s"], "ratio")
figures.record("rf_h200_as_tokens", by_id.loc["rf_h200_qps", "claimed"] / ev_by_id.loc["rf_h200_qps", "ceiling_tokens_per_s"],
               "fraction")
figures.record("rf_b200_claim", by_id.loc["rf_b200_qps", "claimed"], "requests_per_s")
figures.record("rf_b200_ratio", by_id.loc["rf_b200_qps", "claim ÷ ceiling"], "ratio")
show_table(checked.drop(columns="claim_id"), {"batch": "count", "claimed": "count", "ceiling": "count",
                                              "claim ÷ ceiling": "ratio"})

# %% tags=["hide-input"]
dots = checked.assign(
    label=checked["node"] + ", " + checked["claimed"].map(lambda v: f"{v:,.0f}") + " " + checked["unit"],
    ratio=checked["claim ÷ ceiling"], quote=checked["the guide says"])
points = alt.Chart(dots).mark_circle(size=140, opacity=0.9).encode(
    y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
    x=alt.X("ratio:Q", scale=alt.Scale(type="log"), title="Claim ÷ physical ceiling (×, log scale)"),
    color=alt.Color("physically:N", title="Physically", scale=alt.Scale(domain=["possible", "impossible"],
                                                                          range=["#4c78a8", "#e45756"])),
    tooltip=[alt.Tooltip("quote:N", title="the guide says"), alt.Tooltip("node:N"), alt.Tooltip("unit:N"),
             alt.Tooltip("claimed:Q", format=",.0f"), alt.Tooltip("ceiling:Q", format=",.1f"),
             alt.Tooltip("ratio:Q", title="claim ÷ ceiling", format=".2f"), alt.Tooltip("bound:N")],
)
one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#333", strokeDash=[4, 3]).encode(x="x:Q")
(points + one).properties(
    width=380,
    title=alt.Title("Which throughput claims fit under the ceiling",
                    subtitle="Right of the dashed line: more than the hardware can do"),
)

# %% [markdown]
# ## How close real stacks come: published measurements
#
# A ceiling is only useful if it is not absurdly far above reality. Published measurements of
# 70B-class models on H100 nodes, with their setups, sit at {glue:text}`rf_pub_min` to
# {glue:text}`rf_pub_max` of the ceiling this model computes for the same setup (table below; each
# row links its source in `data/published_throughput.csv`). None exceeds its ceiling, and the
# ceiling is never more than {glue:text}`rf_pub_factor` the measurement: the tests hold the model to
# that. The gap is what the roofline leaves out: attention FLOPs, communication between GPUs,
# kernel efficiency below peak, and scheduling.
#
# The possible guide claims need between {glue:text}`rf_possible_min` and
# {glue:text}`rf_possible_max` of their ceilings. Claims asking for a larger share than the best
# published measurement reached: {glue:text}`rf_n_above_published`.

# %%
pub = rf.evaluate_cases(published, specs, shapes, reserved_frac)
pub_share = pub["output_tokens_per_s"] / pub["ceiling_tokens_per_s"]

# %% tags=["remove-input"]
figures.record("rf_pub_min", pub_share.min(), "fraction")
figures.record("rf_pub_max", pub_share.max(), "fraction")
figures.record("rf_pub_factor", (1 / pub_share).max(), "ratio")
possible = checked[checked["physically"] == "possible"]
figures.record("rf_possible_min", possible["claim ÷ ceiling"].min(), "fraction")
figures.record("rf_possible_max", possible["claim ÷ ceiling"].max(), "fraction")
figures.record("rf_n_above_published", int((possible["claim ÷ ceiling"] > pub_share.max()).sum()), "count")
show_table(pd.DataFrame({
    "measurement": pub["publisher"] + " " + pub["software"],
    "node": pub["accelerators"].astype(str) + "× " + pub["accelerator"],
    "model": shapes.set_index("model_id").loc[pub["model_id"], "model"].to_numpy(),
    "in / out tokens": pub["input_tokens"].astype(str) + " / " + pub["output_tokens"].astype(str),
    "batch": pub["batch_used"],
    "measured tokens/s": pub["output_tokens_per_s"],
    "ceiling tokens/s": pub["ceiling_tokens_per_s"],
    "share of ceiling": pub_share,
    "bound": pub["bound"],
}), {"batch": "count", "measured tokens/s": "tokens_per_s", "ceiling tokens/s": "tokens_per_s",
     "share of ceiling": "fraction"})

# %% [markdown]
# ## Precision: what halving the bytes buys
#
# While decode is memory-bound, throughput follows the bytes read per step. At a batch of
# {glue:text}`rf_prec_batch` on the reference node (decode only, {glue:text}`rf_prec_context`
# tokens of context each), moving weights and KV cache from FP16 to FP8 raises the ceiling
# {glue:text}`rf_fp8_ratio`; INT4 weights with an FP8 KV cache raise it
# {glue:text}`rf_int4_ratio` over FP16 everywhere. An FP8 KV cache fits
# {glue:text}`rf_kv_users_ratio` as many requests as a {glue:text}`rf_ref_kvprec` one beside
# {glue:text}`rf_ref_wprec` weights. The larger the batch, the more of each step is KV reads, and the
# more the KV precision matters relative to the weights'.

# %%
precision_setups = pd.DataFrame([
    dict(setup="FP16 weights, FP16 KV", weight_precision="FP16", kv_precision="FP16"),
    dict(setup="FP8 weights, FP16 KV", weight_precision="FP8", kv_precision="FP16"),
    dict(setup="FP8 weights, FP8 KV", weight_precision="FP8", kv_precision="FP8"),
    dict(setup="INT4 weights, FP8 KV", weight_precision="INT4", kv_precision="FP8"),
])
prec = rf.evaluate_cases(precision_setups.assign(
    accelerator=reference_accelerator, accelerators=reference_accelerators, model_id=reference_model,
    input_tokens=reference_input_tokens, output_tokens=reference_output_tokens, batch=precision_batch),
    specs, shapes, reserved_frac, count_prefill=False).set_index("setup")
base = prec.loc["FP16 weights, FP16 KV", "ceiling_tokens_per_s"]

# %% tags=["remove-input"]
ours["rf_fp8_doubles"] = prec.loc["FP8 weights, FP8 KV", "ceiling_tokens_per_s"] / base
ours["rf_int4_3to4x"] = ours["rf_int4_2x"] = prec.loc["INT4 weights, FP8 KV", "ceiling_tokens_per_s"] / base
fits = [f.set_index("accelerator").loc[reference_accelerator, "max_batch"] for f in fit_rows]
ours["rf_kv_fp8_users"] = float(fits[1] / fits[0])
figures.record("rf_prec_batch", precision_batch, "count")
figures.record("rf_prec_context", reference_input_tokens + reference_output_tokens / 2, "tokens")
figures.record("rf_fp8_ratio", ours["rf_fp8_doubles"], "ratio")
figures.record("rf_int4_ratio", ours["rf_int4_3to4x"], "ratio")
figures.record("rf_kv_users_ratio", ours["rf_kv_fp8_users"], "ratio")
show_table(prec.reset_index()[["setup", "weight_bytes", "max_batch", "ceiling_tokens_per_s", "bound"]].assign(
    vs_fp16=lambda f: f["ceiling_tokens_per_s"] / base).rename(columns={
        "weight_bytes": "weights", "max_batch": "requests that fit", "ceiling_tokens_per_s": "ceiling tokens/s",
        "vs_fp16": "× FP16 everywhere"}),
    {"weights": "bytes", "requests that fit": "count", "ceiling tokens/s": "tokens_per_s", "× FP16 everywhere": "ratio"})

# %% [markdown]
# **What if**, in Jupyter: the sliders below run `lib.costs.roofline.what_if` for any accelerator,
# model and request shape in the data. (This HTML page has no Python kernel; the chart above has
# controls that work here.)

# %% tags=["hide-input"]
def ceiling_for(accelerator: str, accelerators: int, model_id: str, weights: str, kv: str, batch: int,
                input_tokens: int, output_tokens: int) -> None:
    r = rf.what_if(specs, shapes, accelerator, accelerators, model_id, weights, kv, batch, input_tokens,
                   output_tokens, reserved_frac)
    if r["max_batch"] == 0:
        print("the weights (and one request's KV cache) do not fit on this node")
        return
    cross = "never" if math.isinf(r["crossover_batch"]) else f"at batch {r['crossover_batch']:,.0f}"
    print(f"{r['max_batch']:,} requests fit; at batch {r['batch_used']:,} the ceiling is "
          f"{r['ceiling_tokens_per_s']:,.0f} output tokens/s ({r['ceiling_requests_per_s']:,.1f} requests/s), "
          f"{r['bound']}-bound; memory stops binding {cross}")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        ceiling_for,
        accelerator=widgets.Dropdown(options=sorted(specs["accelerator"]), value=reference_accelerator),
        accelerators=widgets.IntSlider(value=reference_accelerators, min=1, max=72),
        model_id=widgets.Dropdown(options=list(shapes["model_id"]), value=reference_model),
        weights=widgets.Dropdown(options=list(rf.PRECISIONS), value=reference_weight_precision),
        kv=widgets.Dropdown(options=list(rf.PRECISIONS), value=reference_kv_precision),
        batch=widgets.IntSlider(value=64, min=1, max=4096),
        input_tokens=widgets.IntSlider(value=reference_input_tokens, min=0, max=131_072, step=100),
        output_tokens=widgets.IntSlider(value=reference_output_tokens, min=1, max=32_768, step=50),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# The throughput claims are judged above, possible or impossible, by their ratio to the ceiling; a
# throughput claim is an operating point, not an estimate of the ceiling, so it is not scored as
# agreeing or disagreeing with it. The other physical figures the guide states are computed here
# directly, and set against datasheets and the roofline (outside data): a check agrees within
# {glue:text}`rf_agree_rel` and is "rounding" when it rounds to the figure at the precision the
# guide wrote it with (a hedge such as "~" widens that, never past {glue:text}`rf_rounding_rel`).
# {glue:text}`rf_verdicts`
#
# The guide gives two figures for the same quantisation step: INT4 weights with an FP8 KV cache give
# {glue:text}`rf_int4_guide_range` the throughput of a FP16 baseline in its five-levers section and
# {glue:text}`rf_int4_guide_2x` in its throughput-multipliers list.
# The roofline sides with the first ({glue:text}`rf_int4_ratio` at the reference batch), and the
# book uses it; the second would hold only if decode were compute-bound or the KV cache dominated
# the bytes read. For the B200 the guide uses {glue:text}`rf_b200_guide_gpu_hbm` per GPU where
# NVIDIA's DGX B200 datasheet gives {glue:text}`rf_b200_gpu_hbm` ({glue:text}`rf_b200_node_hbm` per
# node). A GH200's HBM alone holds the 16-bit weights of a model of up to
# {glue:text}`rf_gh200_max_params_billions` billion parameters.

# %% tags=["hide-input"]
b200_gb = float(specs.set_index("accelerator").loc["B200 SXM", "hbm_gb"])
ours["rf_405b_fp8_weights"] = float(kv_cache.weight_bytes(
    float(shapes.set_index("model_id").loc["llama-3-1-405b", "total_params_billions"]), 1.0))
ours["rf_b200_node_hbm"] = 8 * b200_gb * kv_cache.GB
# "Fits an 8B-13B model in HBM": the ceiling is the most parameters whose 16-bit weights fit there.
gh200_hbm = float(specs.set_index("accelerator").loc["GH200", "hbm_gb"]) * kv_cache.GB
ours["rf_gh200_fits_8b_13b"] = checks.Check(truth=float(rf.max_params_fitting(gh200_hbm, "BF16")))
figures.record("rf_b200_gpu_hbm", b200_gb * kv_cache.GB, "bytes")
stated = claims.set_index("claim_id", drop=False)
figures.record("rf_b200_guide_gpu_hbm", checks.figure_of(stated.loc["rf_b200_node_hbm"]).value / 8, "bytes")
figures.glue_text("rf_int4_guide_range", guide.guide_text(stated.loc["rf_int4_3to4x"]))
figures.glue_text("rf_int4_guide_2x", guide.guide_text(stated.loc["rf_int4_2x"]))
figures.record("rf_b200_node_hbm", ours["rf_b200_node_hbm"], "bytes")
figures.record("rf_gh200_max_params_billions", ours["rf_gh200_fits_8b_13b"].truth / 1e9, "count")

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("rf_verdicts", comparison, where="in this section")
figures.record("rf_agree_rel", guide.AGREE_REL, "fraction")
figures.record("rf_rounding_rel", guide.MAX_REL, "fraction")

# %% tags=["remove-input"]
# The worst miss by ratio; the counts come from the ceiling comparison's verdicts.
ceiling_counts = guide.count_verdicts(ceiling_comparison)
impossible = checked[checked["claim_id"].isin(
    ceiling_comparison.loc[ceiling_comparison["verdict"] == guide.IMPOSSIBLE, "claim_id"])]
worst = impossible.sort_values("claim ÷ ceiling").iloc[-1] if len(impossible) else None
figures.glue_text("rf_answer", (
    f"Decode is bound by memory bandwidth until the batch is large: on {reference_accelerators}× "
    f"{reference_accelerator} a single {model_name} stream at {reference_weight_precision} can never pass "
    f"{figures.fmt_number(batch_one['ceiling_tokens_per_s'], 3)} tokens a second, and the node as a whole tops out "
    f"near {figures.fmt_number(reference['ceiling_tokens_per_s'], 3)} output tokens a second for "
    f"{reference_input_tokens:,}-in, {reference_output_tokens:,}-out requests, once about "
    f"{reference['crossover_batch']:,.0f} sequences share each step. Published measurements reach "
    f"{figures.fmt_pct(pub_share.min())} to {figures.fmt_pct(pub_share.max())} of that kind of ceiling. "
    f"Of the guide's {len(ceiling_comparison)} throughput figures, "
    f"{guide.verdict_phrase(guide.POSSIBLE, ceiling_counts[guide.POSSIBLE])} and "
    f"{guide.verdict_phrase(guide.IMPOSSIBLE, ceiling_counts[guide.IMPOSSIBLE])}"
    + (f", the worst being {worst['the guide says']!r} at {figures.fmt_ratio(worst['claim ÷ ceiling'])} its ceiling."
       if worst is not None else ".")
))
