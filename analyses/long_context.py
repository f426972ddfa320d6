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
# # Long context and the KV cache
#
# **The question.** How much accelerator memory does one long request hold, how many such
# requests fit beside a model's weights, and what do the long-context price tiers and caching do
# to the bill for a long document?
#
# **The answer.** {glue:text}`lc_answer`
#
# Model shapes come from `data/model_shapes.csv` (the guide's figures where it gives them,
# published model configs otherwise), memory sizes from `data/hardware_specs.csv` (vendor
# datasheets) and prices from `data/api_prices.csv`.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
# An outside price feed (imported from LiteLLM) for the independent check of the Gemini tier.
outside_prices_csv = "data/snapshots/api_prices.litellm.2026-11-23.csv"
outside_gemini_price_id = "google-gemini-2-5-pro-litellm"
provider_terms_csv = "data/provider_terms.csv"
model_shapes_csv = "data/model_shapes.csv"
hardware_specs_csv = "data/hardware_specs.csv"
guide_claims_csv = "data/guide_claims.csv"
# The model the guide's KV arithmetic is about.
guide_model_id = "llama-3-3-70b"
# Context lengths the chapter sizes requests at ("128k" as the guide computes it: 128,000 tokens).
context_tokens = [128_000, 1_000_000]
kv_precisions = ["FP16", "FP8", "INT4"]
# The guide's concurrency example.
concurrent_users = 100
# Serving assumptions for "requests that fit": weight precision, GPUs per server, memory held back.
weight_precision_single_gpu = "FP8"
weight_precision_node = "FP16"
gpus_per_node = 8
# Share of HBM kept for activations and the runtime (0 = all of it for weights and KV).
reserved_frac = 0.0
# The guide's long-document example on Gemini 2.5 Pro.
doc_provider, doc_model = "Google", "Gemini 2.5 Pro"
doc_input_tokens = 500_000
doc_output_tokens = 5_000
doc_queries = 10
doc_cache_hours = 1.0
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import pandas as pd

from lib.book import charts, figures, guide, publish
from lib.book.present import show_table, snapshot_banner
from lib.costs import api
from lib.costs import kv_cache as kv
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
outside_prices = tables.load_api_prices(outside_prices_csv)
terms = tables.load_provider_terms(provider_terms_csv)
shapes = tables.load_model_shapes(model_shapes_csv)
specs = tables.load_hardware_specs(hardware_specs_csv)
claims = tables.load_guide_claims(guide_claims_csv)
ours: dict[str, float | guide.Check] = {}  # claim id -> the book's checks, compared with the guide at the end
BYTES = kv.BYTES_PER_ELEMENT


def shape(model_id: str) -> pd.Series:
    return shapes.set_index("model_id").loc[model_id]


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)
snapshot_banner(shapes, model_shapes_csv, what="model shapes")

# %% [markdown]
# ## Bytes per token
#
# Every layer keeps a key and a value vector for every token of context, one per KV head, so a
# token costs 2 × layers × KV heads × head dimension × bytes per element. The guide writes the
# middle factors as the hidden size, which is right only when every query head has its own KV
# head. For Llama 3.3 70B that reading gives {glue:text}`lc_mha_per_token` per token at FP16; the
# model actually shares each KV head among {glue:text}`lc_group` query heads (grouped-query
# attention, GQA), so a token takes {glue:text}`lc_gqa_per_token`.

# %%
llama = shape(guide_model_id)
mha_per_token = float(kv.kv_bytes_per_token(llama["layers"], llama["attention_heads"], llama["head_dim"], BYTES["FP16"]))
gqa_per_token = float(kv.kv_bytes_per_token(llama["layers"], llama["kv_heads"], llama["head_dim"], BYTES["FP16"]))

# %% tags=["remove-input"]
figures.record("lc_mha_per_token", mha_per_token, "bytes")
figures.record("lc_gqa_per_token", gqa_per_token, "bytes")
figures.record("lc_group", llama["attention_heads"] / llama["kv_heads"], "count")
per_token = kv.kv_bytes_per_token(shapes["layers"], shapes["kv_heads"], shapes["head_dim"], BYTES["FP16"])
show_table(pd.DataFrame({
    "model": shapes["model"], "attention": shapes["attention"].str.upper(), "layers": shapes["layers"],
    "query heads": shapes["attention_heads"], "KV heads": shapes["kv_heads"], "head dim": shapes["head_dim"],
    "params (B)": shapes["total_params_billions"], "active (B)": shapes["active_params_billions"],
    "KV per token, FP16": per_token, "source": shapes["source"],
}), {"KV per token, FP16": "bytes", "params (B)": "count", "active (B)": "count"})

# %% [markdown]
# ## One request at long context
#
# Multiplied by the context, the guide's no-GQA reading gives {glue:text}`lc_mha_128k` at
# {glue:text}`lc_ctx_128k` tokens and {glue:text}`lc_mha_1m` at {glue:text}`lc_ctx_1m`; with GQA
# the same request holds {glue:text}`lc_gqa_128k` and {glue:text}`lc_gqa_1m`. FP8 halves each
# figure and INT4 quarters it. (A size past a model's context window is what the formula gives,
# not a request the model can serve.) The guide's {glue:text}`lc_users` concurrent users at
# {glue:text}`lc_ctx_128k` tokens each would
# need {glue:text}`lc_users_mha` of KV cache without GQA and {glue:text}`lc_users_gqa` with it.

# %% tags=["hide-input"]
def ctx_label(tokens: int) -> str:
    return f"{figures.fmt_number(tokens / 1e6)}M" if tokens >= 1_000_000 else f"{figures.fmt_number(tokens / 1e3)}k"


rows = []
for _, m in shapes.iterrows():
    for gqa in (True, False):
        if not gqa and m["kv_heads"] == m["attention_heads"]:
            continue  # a multi-head model has no GQA saving to undo
        heads = m["kv_heads"] if gqa else m["attention_heads"]
        row = {"model": m["model"], "context window": m["max_context_tokens"], "KV heads": "as published (GQA)" if gqa and m["attention"] != "mha"
               else ("as published (MHA)" if gqa else "one per query head (no GQA)")}
        for ctx in context_tokens:
            for prec in kv_precisions:
                per = kv.kv_bytes_per_token(m["layers"], heads, m["head_dim"], BYTES[prec])
                row[f"{ctx_label(ctx)} {prec}"] = float(kv.kv_bytes_per_request(ctx, per))
        rows.append(row)
memory = pd.DataFrame(rows)
money = [c for c in memory.columns if c.endswith(tuple(kv_precisions))]

# %%
ctx_128k, ctx_1m = context_tokens
mha_128k = float(kv.kv_bytes_per_request(ctx_128k, mha_per_token))
gqa_128k = float(kv.kv_bytes_per_request(ctx_128k, gqa_per_token))

# %% tags=["remove-input"]
# Each KV claim twice: the guide's own sum (its no-GQA formula, its per-token figure rounded to the
# two figures it prints before multiplying, as it does) and the model as published (the KV heads
# of data/model_shapes.csv), which is what the guide says it is describing.
guide_rounded_per_token = float(f"{mha_per_token:.2g}")
guide_128k = float(kv.kv_bytes_per_request(ctx_128k, guide_rounded_per_token))
gqa_1m = float(kv.kv_bytes_per_request(ctx_1m, gqa_per_token))
# The guide's GQA figure: its no-GQA request cut by its own query-to-KV head ratio (64 / 8).
guide_gqa_128k = float(kv.kv_bytes_per_request(ctx_128k, mha_per_token)) / (llama["attention_heads"] / llama["kv_heads"])
ours.update(
    lc_kv_per_token=guide.Check(arithmetic=mha_per_token, truth=gqa_per_token),
    lc_kv_128k=guide.Check(arithmetic=guide_128k, truth=gqa_128k),
    lc_kv_1m=guide.Check(arithmetic=float(kv.kv_bytes_per_request(ctx_1m, guide_rounded_per_token)), truth=gqa_1m),
    lc_kv_100_users=guide.Check(arithmetic=concurrent_users * round(guide_128k, -9), truth=concurrent_users * gqa_128k),
    lc_gqa_factor=guide.Check(arithmetic=mha_per_token / gqa_per_token, truth=llama["attention_heads"] / llama["kv_heads"]),
    lc_gqa_128k=guide.Check(arithmetic=guide_gqa_128k, truth=gqa_128k),
    lc_int8_halves=BYTES["INT8"] / BYTES["FP16"], lc_int4_quarters=BYTES["INT4"] / BYTES["FP16"])
figures.record("lc_ctx_128k", ctx_128k, "tokens")
figures.record("lc_ctx_1m", ctx_1m, "tokens")
figures.record("lc_mha_128k", mha_128k, "bytes")
figures.record("lc_mha_1m", float(kv.kv_bytes_per_request(ctx_1m, mha_per_token)), "bytes")
figures.record("lc_gqa_128k", gqa_128k, "bytes")
figures.record("lc_gqa_1m", gqa_1m, "bytes")
figures.record("lc_users", concurrent_users, "count")
figures.record("lc_users_mha", concurrent_users * mha_128k, "bytes")
figures.record("lc_users_gqa", concurrent_users * gqa_128k, "bytes")
show_table(memory, {"context window": "tokens", **{c: "bytes" for c in money}})

# %% [markdown]
# ## Requests that fit in memory
#
# The guide says one such request fills an H100 ({glue:text}`lc_h100_hbm`) with KV cache.
# Without GQA it would not fit at all: {glue:text}`lc_mha_128k` is {glue:text}`lc_mha_over_h100` the card,
# and the guide's own per-token figure would fill it at {glue:text}`lc_h100_fill_ctx_mha` tokens.
# With the model's published KV heads one request's KV cache fills the card only at
# {glue:text}`lc_h100_fill_ctx_gqa` tokens, so at {glue:text}`lc_ctx_128k` it takes {glue:text}`lc_gqa_share_h100` of it.
# With GQA the KV cache of one request is {glue:text}`lc_gqa_128k`, but the weights come first:
# at {glue:text}`lc_single_prec` they take {glue:text}`lc_weights_single`, which leaves an H100
# room for a context of only {glue:text}`lc_h100_max_ctx` tokens. The table counts whole
# {glue:text}`lc_ctx_128k`-token requests that fit beside the weights on each accelerator in `data/hardware_specs.csv`, on one
# GPU with {glue:text}`lc_single_prec` weights and on a server of {glue:text}`lc_node_gpus` GPUs
# with {glue:text}`lc_node_prec` weights (tensor-parallel, so weights and KV are spread across
# the GPUs); {glue:text}`lc_reserved` of memory is held back for activations.

# %%
weights_single = float(kv.weight_bytes(llama["total_params_billions"], BYTES[weight_precision_single_gpu]))
weights_node = float(kv.weight_bytes(llama["total_params_billions"], BYTES[weight_precision_node]))
hbm = specs["hbm_gb"].to_numpy(dtype=float) * kv.GB
fit = pd.DataFrame({"accelerator": specs["accelerator"], "HBM per GPU": hbm})
for prec in kv_precisions:
    each = float(kv.kv_bytes_per_request(ctx_128k, kv.kv_bytes_per_token(llama["layers"], llama["kv_heads"],
                                                                       llama["head_dim"], BYTES[prec])))
    fit[f"1 GPU, {prec} KV"] = kv.requests_fitting_in_hbm(hbm, weights_single, each, reserved_frac)
    fit[f"{gpus_per_node} GPUs, {prec} KV"] = kv.requests_fitting_in_hbm(gpus_per_node * hbm, weights_node, each,
                                                                       reserved_frac)

# %% tags=["remove-input"]
h100_hbm = float(specs.set_index("accelerator").loc["H100 SXM", "hbm_gb"]) * kv.GB
# "A 70B model at 128k context fills an H100 80GB entirely with KV cache": the context at which one
# request's KV cache alone fills the card, on the model's published KV heads (the independent check).
h100_fill_ctx_gqa = int(kv.max_context_tokens_in_hbm(h100_hbm, 0.0, gqa_per_token))
ours["lc_h100_fill"] = guide.Check(truth=float(h100_fill_ctx_gqa))
figures.record("lc_h100_fill_ctx_gqa", h100_fill_ctx_gqa, "tokens")
figures.record("lc_gqa_share_h100", gqa_128k / h100_hbm, "fraction")
figures.record("lc_h100_fill_ctx_mha", kv.max_context_tokens_in_hbm(h100_hbm, 0.0, mha_per_token), "tokens")
figures.record("lc_mha_over_h100", mha_128k / h100_hbm, "ratio")
figures.record("lc_h100_hbm", h100_hbm, "bytes")
figures.glue_text("lc_single_prec", weight_precision_single_gpu)
figures.glue_text("lc_node_prec", weight_precision_node)
figures.record("lc_weights_single", weights_single, "bytes")
figures.record("lc_h100_max_ctx", kv.max_context_tokens_in_hbm(h100_hbm, weights_single, gqa_per_token), "tokens")
figures.record("lc_node_gpus", gpus_per_node, "count")
figures.record("lc_reserved", reserved_frac, "fraction")
count_cols = [c for c in fit.columns if "KV" in c]
show_table(fit, {"HBM per GPU": "bytes", **{c: "count" for c in count_cols}})

# %% [markdown]
# **Try it here.** Pick the context length, the KV precision and whether the models use their
# published KV heads or one per query head; the bars recompute each model's KV cache per request,
# and the tooltip counts requests that fit on a server of {glue:text}`lc_node_gpus` H200 GPUs beside
# {glue:text}`lc_node_prec` weights.

# %% tags=["hide-input"]
h200_hbm = float(specs.set_index("accelerator").loc["H200 SXM", "hbm_gb"]) * kv.GB
chart_data = pd.DataFrame({
    "model": shapes["model"], "layers": shapes["layers"], "kv_heads": shapes["kv_heads"],
    "attention_heads": shapes["attention_heads"], "head_dim": shapes["head_dim"],
    "free_bytes": gpus_per_node * h200_hbm * (1 - reserved_frac)
    - kv.weight_bytes(shapes["total_params_billions"], BYTES[weight_precision_node]),
})
ctx_param = alt.param(name="ctx", value=ctx_128k,
                      bind=alt.binding_range(min=1_000, max=1_000_000, step=1_000, name="context tokens "))
prec_param = alt.param(name="bytes_per_el", value=BYTES["FP16"],
                       bind=alt.binding_select(options=[BYTES[p] for p in kv_precisions], labels=kv_precisions,
                                               name="KV precision "))
gqa_param = alt.param(name="use_gqa", value=True, bind=alt.binding_checkbox(name="published KV heads (GQA) "))
alt.Chart(chart_data).transform_calculate(
    heads="use_gqa ? datum.kv_heads : datum.attention_heads",
).transform_calculate(
    kv_gb="2 * datum.layers * datum.heads * datum.head_dim * bytes_per_el * ctx / 1e9",
).transform_calculate(
    fits="datum.free_bytes > 0 ? floor(datum.free_bytes / (datum.kv_gb * 1e9)) : 0",
).mark_bar().encode(
    x=alt.X("kv_gb:Q", title="KV cache per request (GB)"),
    y=alt.Y("model:N", sort="-x", title=None),
    tooltip=[alt.Tooltip("model:N"), alt.Tooltip("heads:Q", title="KV heads"),
             alt.Tooltip("kv_gb:Q", title="KV GB per request", format=",.1f"),
             alt.Tooltip("fits:Q", title=f"requests on {gpus_per_node}× H200", format=",")],
).add_params(ctx_param, prec_param, gqa_param).properties(
    width=480, height=alt.Step(26),
    title=alt.Title("KV cache per request", subtitle="2 × layers × KV heads × head dim × bytes × context"),
)

# %% [markdown]
# In Jupyter, `lib.costs.kv_cache` answers the same question for any model, accelerator and
# server size:

# %% tags=["hide-input"]
def fit_what_if(model: str, accelerator: str, gpus: int, context: int, kv_precision: str,
                weight_precision: str) -> None:
    m = shapes[shapes["model"] == model].iloc[0]
    per = kv.kv_bytes_per_token(m["layers"], m["kv_heads"], m["head_dim"], BYTES[kv_precision])
    each = kv.kv_bytes_per_request(context, per)
    memory_total = gpus * float(specs.set_index("accelerator").loc[accelerator, "hbm_gb"]) * kv.GB
    weights = kv.weight_bytes(m["total_params_billions"], BYTES[weight_precision])
    show_table(pd.DataFrame([{"KV per request": float(each), "weights": float(weights), "memory": memory_total,
                              "requests that fit": int(kv.requests_fitting_in_hbm(memory_total, weights, each,
                                                                                  reserved_frac))}]),
               {"KV per request": "bytes", "weights": "bytes", "memory": "bytes", "requests that fit": "count"})


# Widgets need a live kernel; the static book offers the in-page chart control instead.
if not for_html_book:
    display(widgets.interactive(
        fit_what_if, model=widgets.Dropdown(options=list(shapes["model"])),
        accelerator=widgets.Dropdown(options=list(specs["accelerator"]), value="H200 SXM"),
        gpus=widgets.IntSlider(value=gpus_per_node, min=1, max=16),
        context=widgets.IntSlider(value=ctx_128k, min=1_000, max=1_000_000, step=1_000),
        kv_precision=widgets.Dropdown(options=kv_precisions), weight_precision=widgets.Dropdown(options=kv_precisions),
    ))

# %% [markdown]
# ## The long-context price tier
#
# Providers charge more past a context threshold. Gemini 2.5 Pro's input price doubles above
# {glue:text}`lc_gemini_threshold` tokens ({glue:text}`lc_gemini_ratio`); GPT-5's second price
# list doubles above {glue:text}`lc_gpt5_threshold` ({glue:text}`lc_gpt5_ratio`), while the
# book's GPT-5 row, from the first tear-down, has no surcharge (see the API prices chapter). The
# KV arithmetic above is why: a request past the threshold holds memory that could serve several
# shorter ones.

# %% tags=["hide-input"]
gemini = all_prices[all_prices["price_id"] == "google-gemini-2-5-pro"].iloc[0]
gpt5_long = all_prices[all_prices["price_id"] == "openai-gpt-5-teardown2"].iloc[0]
gpt5_first = all_prices[all_prices["price_id"] == "openai-gpt-5"].iloc[0]
outside_gemini = outside_prices[outside_prices["price_id"] == outside_gemini_price_id].iloc[0]


def tier_ratio(row: pd.Series) -> float:
    """Long-context input price over the base price; 1 for a price list with no long-context tier."""
    if pd.isna(row["long_context_threshold_tokens"]):
        return 1.0
    return float(row["long_input_usd_per_mtok"] / row["input_usd_per_mtok"])


# Gemini: the guide's price table, then the same model in an outside price feed. GPT-5: the second
# tear-down's list the sentence quotes, then the first tear-down, which gives GPT-5 no tier at all.
ours.update(lc_tier_gemini=guide.Check(arithmetic=tier_ratio(gemini), truth=tier_ratio(outside_gemini)),
            lc_tier_gpt5=guide.Check(arithmetic=tier_ratio(gpt5_long), truth=tier_ratio(gpt5_first)))
figures.record("lc_gemini_threshold", gemini["long_context_threshold_tokens"], "tokens")
figures.record("lc_gemini_ratio", tier_ratio(gemini), "ratio")
figures.record("lc_gpt5_threshold", gpt5_long["long_context_threshold_tokens"], "tokens")
figures.record("lc_gpt5_ratio", tier_ratio(gpt5_long), "ratio")
figures.record("lc_outside_gemini_ratio", tier_ratio(outside_gemini), "ratio")

# %% [markdown]
# ## A long document, cached
#
# The guide's example reads a {glue:text}`lc_doc_in`-token document on Gemini 2.5 Pro and asks
# {glue:text}`lc_doc_queries` questions of it, each answered in {glue:text}`lc_doc_out` tokens.
# Every query is past the threshold, so the whole request bills at the long rates:
# {glue:text}`lc_doc_query` a query, {glue:text}`lc_doc_uncached` for all of them. With the
# document cached after the first query, each later query costs {glue:text}`lc_doc_cached` and
# the set {glue:text}`lc_doc_cached_total`, a saving of {glue:text}`lc_doc_saving_frac`.
#
# The guide leaves out one charge: Google bills cache storage by the hour,
# {glue:text}`lc_storage_rate` per million tokens for Gemini 2.5 Pro. Holding the document for
# {glue:text}`lc_doc_hours` hour costs {glue:text}`lc_storage_cost`, which brings the cached total
# to {glue:text}`lc_doc_cached_with_storage` and the saving down to
# {glue:text}`lc_doc_saving_with_storage`.

# %%
doc_row = book_prices[(book_prices["provider"] == doc_provider) & (book_prices["model"] == doc_model)]
first = float(api.over_threshold_cost_usd(doc_row, input_tokens=doc_input_tokens, output_tokens=doc_output_tokens)[0])
cached = float(api.over_threshold_cost_usd(doc_row, input_tokens=0, cached_read_tokens=doc_input_tokens,
                                           output_tokens=doc_output_tokens)[0])

# %% tags=["hide-input"]
# Why a figure is n/a when the prices in use give no long-context tier or cached long rate ("" when they do).
no_tier = api.missing_reason(doc_row, ["long_context_threshold_tokens"])
no_cached_tier = api.missing_reason(doc_row, ["long_context_threshold_tokens", "long_cached_input_usd_per_mtok"])
total_cached = first + (doc_queries - 1) * cached
total_uncached = doc_queries * first
storage_rate = float(terms[(terms["provider"] == doc_provider) & (terms["term"] == "cache_storage_usd_per_mtok_hour")
                           & (terms["model"] == doc_model) & terms["book_uses"]]["value"].iloc[0])
storage = storage_rate * doc_input_tokens / 1e6 * doc_cache_hours
# The sums on the guide's prices are its arithmetic. The cached total and the saving are also set
# against the guide's own price table, which bills Gemini cache storage by the hour: the example
# leaves that charge out, so its cached figures contradict that section.
ours.update(lc_doc_output=doc_output_tokens * gemini["long_output_usd_per_mtok"] / 1e6, lc_doc_total=first,
            lc_doc_cached_query=cached, lc_doc_total_uncached=total_uncached,
            lc_doc_total_cached=guide.Check(arithmetic=total_cached, truth=total_cached + storage),
            lc_doc_saving=guide.Check(arithmetic=total_uncached - total_cached,
                                      truth=total_uncached - total_cached - storage),
            lc_doc_saving_frac=guide.Check(arithmetic=1 - total_cached / total_uncached,
                                           truth=1 - (total_cached + storage) / total_uncached))
figures.record("lc_doc_in", doc_input_tokens, "tokens")
figures.record("lc_doc_queries", doc_queries, "count")
figures.record("lc_doc_out", doc_output_tokens, "tokens")
figures.record("lc_doc_query", first, "usd_per_request", missing=no_tier)
figures.record("lc_doc_uncached", total_uncached, "usd", missing=no_tier)
figures.record("lc_doc_cached", cached, "usd_per_request", missing=no_cached_tier)
figures.record("lc_doc_cached_total", total_cached, "usd", missing=no_cached_tier)
figures.record("lc_doc_saving_frac", 1 - total_cached / total_uncached, "fraction", missing=no_cached_tier)
figures.record("lc_storage_rate", storage_rate, "usd_per_mtok")
figures.record("lc_doc_hours", doc_cache_hours, "count")
figures.record("lc_storage_cost", storage, "usd")
figures.record("lc_doc_cached_with_storage", total_cached + storage, "usd", missing=no_cached_tier)
figures.record("lc_doc_saving_with_storage", 1 - (total_cached + storage) / total_uncached, "fraction",
               missing=no_cached_tier)
show_table(pd.DataFrame([
    {"case": "no cache", "first query": first, "each later query": first, "cache storage": 0.0, "total": total_uncached},
    {"case": "cached (guide)", "first query": first, "each later query": cached, "cache storage": 0.0,
     "total": total_cached},
    {"case": "cached, storage billed", "first query": first, "each later query": cached, "cache storage": storage,
     "total": total_cached + storage},
]), {"first query": "usd", "each later query": "usd", "cache storage": "usd", "total": "usd"})

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`lc_verdicts` Each KV figure is checked twice: on the guide's own sum, and against
# Llama 3.3 70B as published (its KV heads in `data/model_shapes.csv`). The guide's
# {glue:text}`lc_guide_per_token` per token and {glue:text}`lc_guide_128k` per request are its
# arithmetic done right: the layer count and hidden size at FP16 with a K and V for every query
# head, "128k" read as {glue:text}`lc_ctx_128k` tokens and the per-token figure rounded before
# multiplying (at {glue:text}`lc_ctx_128k_binary` tokens the request would hold
# {glue:text}`lc_mha_128k_binary`). They are not the model, which shares each KV head among
# {glue:text}`lc_group` query heads: against its published shape they, the million-token and
# hundred-user figures built on them, and "fills an H100" all fail the independent check. The
# guide's next paragraph applies GQA, and its {glue:text}`lc_gqa_128k` per request is the figure
# that describes Llama 3.3 70B. Gemini's doubled long-context rate is in an outside price feed too
# ({glue:text}`lc_outside_gemini_ratio`); GPT-5's appears in one of the guide's two price lists
# only. The cached-document totals hold on the guide's arithmetic and fail against its own price
# table, which bills Gemini's cache storage by the hour.

# %%
comparison = guide.comparison_table(claims, ours, missing=no_cached_tier)

# %% tags=["remove-input"]
# The guide's figures as the comparison prints them (the registry's, formatted by lib).
guide_column = comparison.set_index("claim_id")["guide"]
figures.glue_text("lc_guide_per_token", guide_column["lc_kv_per_token"])
figures.glue_text("lc_guide_128k", guide_column["lc_kv_128k"])
figures.record("lc_ctx_128k_binary", 128 * 1024, "tokens")
figures.record("lc_mha_128k_binary", kv.kv_bytes_per_request(128 * 1024, mha_per_token), "bytes")

# %% tags=["remove-input"]
publish.verdicts("lc_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("lc_answer", (
    f"Llama 3.3 70B holds {figures.fmt_bytes(gqa_per_token)} of KV cache per token at FP16 "
    f"({figures.fmt_bytes(gqa_128k)} for a {ctx_128k:,}-token request); the guide's reading, "
    f"{figures.fmt_bytes(mha_per_token)} per token, assumes no grouped-query attention. A server of "
    f"{gpus_per_node} H200 GPUs with {weight_precision_node} weights fits "
    f"{int(fit.set_index('accelerator').loc['H200 SXM', f'{gpus_per_node} GPUs, FP16 KV'])} such requests at FP16 KV "
    f"and {int(fit.set_index('accelerator').loc['H200 SXM', f'{gpus_per_node} GPUs, INT4 KV'])} at INT4. Caching a "
    f"{doc_input_tokens:,}-token document on Gemini 2.5 Pro for {doc_queries} questions saves "
    f"{figures.fmt_pct(1 - total_cached / total_uncached)} as the guide computes it, "
    f"{figures.fmt_pct(1 - (total_cached + storage) / total_uncached)} once an hour of cache storage is billed."
))
