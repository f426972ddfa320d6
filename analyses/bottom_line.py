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
# # The bottom line and the FAQ, computed
#
# **The question.** The guide closes with its key takeaways, a bottom line and two long lists of
# questions and answers, most of them with a number in the answer. Which of those numbers does
# the arithmetic bear out, and what does a reader need to forecast a bill of their own?
#
# **The answer.** {glue:text}`bl_answer`
#
# Every answer below that states or implies a number is recomputed here from the book's data and
# `lib`; an answer already checked in another chapter links there instead. The answers with no
# number to compute are summarised at the end, each with a pointer to the chapter that covers the
# topic. The terms used are defined in the [glossary](glossary.md).

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
selfhost_scenarios_csv = "data/selfhost_scenarios.csv"
used_gpu_prices_csv = "data/used_gpu_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
# The book's typical query (the guide's 1,500 input / 300 output) and its 70/30 mixed traffic.
typical_input_tokens = 1_500
typical_output_tokens = 300
mixed_input_share = 0.70
# Routing: the frontier model and the cheap model of the same provider, the guide's easy share.
routing_pairs = [("OpenAI", "GPT-5", "GPT-5 mini"), ("Anthropic", "Claude Opus 4.x", "Claude Haiku 4.5"),
                 ("Google", "Gemini 2.5 Pro", "Gemini 2.5 Flash")]
easy_query_share = 0.70
# The takeaway's self-hosting figure: the guide's working self-host scenario at this utilisation.
selfhost_scenario = "guide-8xh100-working"
selfhost_utilisation = 0.50
# The takeaway's "lever stack", as the guide lists it (low, high factor per lever).
takeaway_levers = {"quantization": (2.0, 2.0), "continuous batching": (2.0, 2.0),
                   "speculative decoding": (1.5, 2.0), "prefix caching": (5.0, 10.0)}
# The cost forecaster's defaults: a product's assumptions, the guide's safety factor and revenue cover.
forecast_users = 10_000
forecast_requests_per_user_month = 300
forecast_revenue_per_user_month = 20.0
forecast_safety_factor = 2.0
forecast_min_cover = 3.0
forecast_models = [("OpenAI", "GPT-5"), ("OpenAI", "GPT-5 mini"), ("Anthropic", "Claude Opus 4.x"),
                   ("Anthropic", "Claude Sonnet 4.6"), ("Anthropic", "Claude Haiku 4.5"),
                   ("Google", "Gemini 2.5 Pro"), ("Google", "Gemini 2.5 Flash"), ("DeepSeek", "DeepSeek V3")]
# The guide's 12-month forecasting recipe: reserves on top of today's bill.
growth_reserve = 0.25
hidden_cost_reserve = 0.10
# The input/output mix answer: chat reads 3-10x more than it writes; the estimate is off by 2x.
chat_input_per_output_low = 3.0
chat_input_per_output_high = 10.0
mix_error_factor = 2.0
# Price trends the guide states: (low, high, years) for a total fall; per-year statements have years = 1.
price_history = {"cheap tier, 2023-2026": (8.0, 12.0, 3.0), "frontier, 2023-2026": (2.0, 4.0, 3.0),
                 "open-weight hosts, 2023-2026": (6.0, 10.0, 3.0)}
price_statements = {"FAQ: keeps getting cheaper": (5.0, 10.0, 1.0), "forward budget, cheap tier": (3.0, 3.0, 1.0),
                    "forward budget, frontier": (2.0, 2.0, 1.0), "reasoning prices to mid-2027": (5.0, 10.0, 1.0)}
price_drop_statements = {"frontier, 12 months after launch": (0.50, 0.80),
                         "12-month forecast recipe": (0.30, 0.50)}
# Embeddings: the prices the FAQ quotes (USD per million tokens), its chunk size and corpus.
embedding_prices = {"OpenAI text-embedding-3-small": 0.02, "Cohere embed-v3": 0.10, "Voyage AI": 0.12,
                    "DeepInfra bge-large": 0.005}
tokens_per_chunk = 500
corpus_chunks = 1_000_000
l40s_hourly_usd = 6.0
# The OpenAI embedding price the billion-scale answer sets DeepInfra against (USD per million tokens),
# and the guide's own 8x L40S rental elsewhere (one GPU's share is the answer's single L40S).
bge_openai_price_stated = 0.10
l40s_rental_scenario = "guide-prod-8xl40s-rental"
hardware_platforms_csv = "data/hardware_platforms.csv"
provider_terms_csv = "data/provider_terms.csv"
reasoning_effort_csv = "data/reasoning_effort.csv"
l40s_embeddings_per_s = 5_000
# Code review triage: the guide's coding example shapes (tokens), the cheap and the reasoning model.
review_input_tokens = 500
review_output_tokens = 800
review_thinking_tokens = 4_500
triage_cheap = ("Anthropic", "Claude Sonnet 4.6")
triage_strong = ("OpenAI", "o3")
escalated_share_low = 0.05
escalated_share_high = 0.15
# Cost per task for B2B: the guide's ACV, inference share, chat and agent usage.
acv_usd = 5_000
inference_share_of_acv = 0.10
messages_per_day = 50
agent_calls_per_task = 5
agent_tasks_per_day = 10
acv_budget_stated_usd_per_day = 1.40  # the answer's "~$1.40/day", which its per-message figure divides
# Agents: calls per task (the guide's range), and the book's transcript model: each call adds a
# step (tool result + answer) to the history the next call re-reads.
agent_model = ("Anthropic", "Claude Sonnet 4.6")
agent_calls_low = 5
agent_calls_high = 50
agent_base_input_tokens = 1_500
agent_tokens_added_per_call = 1_000
agent_output_tokens = 300
compaction_window_calls = 5
compaction_window_range = (5, 1)  # steps kept, from the most to the fewest: the check's two ends
# RAG: chunks stuffed vs reranked, chunk size, question and answer (tokens).
rag_chunks_stuffed = 20
rag_chunks_reranked = 4
rag_chunks_reranked_range = (3, 5)  # the guide's "reranking down to 3-5", the check's two ends
rag_chunk_tokens = 1_000
rag_question_tokens = 200
rag_answer_tokens = 300
# Fine-tuning break-even, as the guide states it.
finetune_usd = 5_000
finetune_saving_per_call_usd = 0.005
# Self-hosting Llama 3.3 70B: the guide's yearly cost and the host it compares with.
llama_selfhost_usd_per_year = 20_000
llama_gpus = 2
llama_hosted = ("Groq", "Llama 3.3 70B")
llama_threshold_tokens_per_year = 10e9  # the answer's "≥10B tokens/year", where its cost per token is shown
# Reasoning effort on o3 (thinking tokens per tier, as the answer states them).
o3_low_thinking = 500
o3_high_thinking_low = 8_000
o3_high_thinking_high = 20_000
# Voice (USD per minute of audio, as the answer states them) and the share of a minute the user speaks.
realtime_in_per_min = (0.06, 0.15)
realtime_out_per_min = (0.24, 0.40)
voice_user_share = 0.5
voice_agent_usd_per_min = 0.30
cascaded_usd_per_min = 0.10
# Gateways: the guide's hosting fee and call volume, Portkey's fee range, OpenRouter's markup.
litellm_usd_per_month = 200
gateway_calls_per_month = 10_000_000
portkey_usd_per_1k_calls = (0.01, 0.05)
openrouter_markup = 0.05
# A chat subscription against the API.
subscription_usd_per_month = 20.0
# The guide's spend split by feature at a yearly spend.
feature_split = {"chat": 0.40, "summarisation and generation": 0.25, "RAG and search": 0.20,
                 "agent workflows": 0.10, "embeddings": 0.05}
feature_split_spend_usd_per_year = 5_000_000
# The crossover section's conditions for self-hosting (rent below, utilisation above), worked as the
# crossover chapter works them; the utilisation the FAQ credits hosted providers with (low, high);
# and the one model whose serving cost the guide gives (its self-hosting section's cluster).
crossover_max_rent_usd_per_hour = 15.0
crossover_min_utilisation = 0.40
provider_utilisation = (0.60, 0.80)
margin_model = "Llama 3.3 70B"
# Price rows from outside the guide (price databases), by the start of their source.
price_history_csv = "data/price_history.csv"
throughput_stack_csv = "data/throughput_stack.csv"
outside_price_sources = ("LiteLLM", "genai-prices")
# DeepSeek V3's size as the guide's DeepSeek section prints it in its price table (total, active parameters).
deepseek_v3_params_elsewhere = (671e9, 37e9)
# Native GPT-4o voice input as the multimodal section prices it (USD per minute of audio, low and high):
# the FAQ's Realtime rates are the same meter.
native_voice_in_usd_per_min_elsewhere = (0.02, 0.06)
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
from lib.costs import api, faq, ownership, selfhost
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
scenarios = tables.load_selfhost_scenarios(selfhost_scenarios_csv).set_index("scenario_id")
used_gpus = tables.load_used_gpu_prices(used_gpu_prices_csv).set_index("accelerator")
platforms = tables.load_hardware_platforms(hardware_platforms_csv).set_index("platform_id")
terms = tables.load_provider_terms(provider_terms_csv)
effort_table = tables.load_reasoning_effort(reasoning_effort_csv)
terms = terms[terms["book_uses"]] if "book_uses" in terms.columns else terms
claims = tables.load_guide_claims(guide_claims_csv)
price_records = tables.load_price_history(price_history_csv)
stack = tables.load_throughput_stack(throughput_stack_csv)
# claim id -> the book's checks of it (a Check, or a bare number: the one check the registry's
# truth column implies), compared with the guide at the end
ours: dict[str, float | guide.Check] = {}
gclaims = claims.set_index("claim_id")


def guide_says(name: str, claim_id: str) -> None:
    """Glue the guide's figure for a claim as lib formats it from the registry, so prose quoting it
    types no number (and the chapter never reads the figure it checks)."""
    figures.glue_text(name, guide.guide_text(gclaims.loc[claim_id]))


def versus(claim_id: str, check: float | guide.Check) -> str:
    """Where the book's figure falls against the guide's, in words for the prose: the verdict the
    comparison table gives the same check (lib's), so prose and table cannot part."""
    row = guide.compare(claims, claim_id, check)
    fig = checks.figure_of(gclaims.loc[claim_id].rename(claim_id))
    what = "the guide's figure" if fig.value is not None else "the guide's range"
    c = guide.as_check(gclaims.loc[claim_id], check)
    ends = [v for v in (c.truth, c.truth_high) if v is not None] or [v for v in (c.arithmetic, c.arithmetic_high)
                                                                     if v is not None]
    if not ends or not all(np.isfinite(ends)):
        return f"not comparable with {what} on the prices in use"
    if row["verdict"] == guide.AGREES:
        return f"within {what}" if fig.value is None else f"in line with {what}"
    if row["verdict"] == guide.ROUNDING:
        return f"close to {what}"
    if len(ends) == 2 and fig.value is None:  # a computed range against the guide's, end by end
        gaps = [(ends[0] - fig.low) / abs(fig.low) if fig.low else ends[0] - fig.low,
                (ends[1] - fig.high) / abs(fig.high) if fig.high else ends[1] - fig.high]
        if gaps[0] > 0 > gaps[1]:
            return f"narrower than {what}"
        if gaps[0] < 0 < gaps[1]:
            return f"wider than {what}"
    else:
        gaps = [checks.signed_gap(v, fig) for v in ends]
    return f"below {what}" if max(gaps) <= 0 else f"above {what}" if min(gaps) >= 0 else f"across {what}"



def price_row(provider: str, model: str) -> pd.DataFrame:
    """The book's price row for a model; an empty frame when the prices in use lack it."""
    return book_prices[(book_prices["provider"] == provider) & (book_prices["model"] == model)]


def query_cost(provider: str, model: str, input_tokens: float = typical_input_tokens,
               output_tokens: float = typical_output_tokens, thinking_tokens: float = 0) -> float:
    """USD for one request; NaN when the model, or its price, is not in the data in use."""
    row = price_row(provider, model)
    if len(row) != 1:
        return float("nan")
    return float(api.request_cost_usd(row, input_tokens=input_tokens, output_tokens=output_tokens,
                                      thinking_tokens=thinking_tokens)[0])


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## The key takeaways
#
# The guide opens with a list of takeaways. Several are checked in the chapters that cover them: the
# crossover band in [the crossover chapter](crossover.ipynb) (and again on its conditions further
# down), the reasoning premium in [reasoning models](reasoning.ipynb), the image-token range in
# [images, video and audio](multimodal.ipynb), and the advice to plan for the busy hours rather
# than the average in [capacity planning](capacity_planning.ipynb), which prices each sizing rule
# against the requests it turns away. The others are checked here.
#
# **Price range.** Among the book's closed-weight models, input prices run from
# {glue:text}`bl_input_low` ({glue:text}`bl_input_low_model`) to {glue:text}`bl_input_high`, and output
# prices from {glue:text}`bl_output_low` to {glue:text}`bl_output_high`
# ({glue:text}`bl_output_high_model`). The cheapest input price is {glue:text}`bl_input_low_pos`, the
# cheapest output price {glue:text}`bl_output_low_pos` and the dearest {glue:text}`bl_output_high_pos`. Open-weight models on third-party hosts start at
# {glue:text}`bl_open_low` ({glue:text}`bl_open_low_model`).
#
# **Self-hosting.** The takeaway puts a self-hosted input token at well under the figure the
# guide's own self-hosting section gives. Running that section's cluster (its rent and its
# input throughput) at {glue:text}`bl_sh_util` utilisation gives {glue:text}`bl_sh_input` per
# million input tokens, before any ops cost. Cost per token does not depend on how many GPUs
# the cluster has when throughput grows with them, so the takeaway's smaller cluster does not
# explain the gap.
#
# **The lever stack.** The takeaway calls it a {glue:text}`bl_g_levers` stack, but the factors it lists
# multiply to between {glue:text}`bl_levers_low` and {glue:text}`bl_levers_high`; even without
# prefix caching, which helps only repeated prompts, they give {glue:text}`bl_levers_no_cache`.
# The label probably names the number of levers; read as a factor it undersells its own list.
# How the levers combine on a real deployment is the subject of
# [the throughput multipliers chapter](throughput_multipliers.ipynb).

# %% tags=["hide-input"]
paid = book_prices[(book_prices["input_usd_per_mtok"] > 0) & book_prices["output_usd_per_mtok"].notna()]
closed, open_w = paid[~paid["open_weight"]], paid[paid["open_weight"]]


def extreme(frame: pd.DataFrame, column: str, low: bool) -> tuple[float, str]:
    if frame[column].notna().sum() == 0:
        return float("nan"), "no model in the data in use"
    i = frame[column].idxmin() if low else frame[column].idxmax()
    return float(frame.loc[i, column]), f"{frame.loc[i, 'provider']} {frame.loc[i, 'model']}"


(in_lo, in_lo_m), (in_hi, _) = extreme(closed, "input_usd_per_mtok", True), extreme(closed, "input_usd_per_mtok", False)
(out_lo, _), (out_hi, out_hi_m) = extreme(closed, "output_usd_per_mtok", True), extreme(closed, "output_usd_per_mtok", False)
open_lo, open_lo_m = extreme(open_w, "input_usd_per_mtok", True)

# %% tags=["remove-input"]
for name, value in (("bl_input_low", in_lo), ("bl_input_high", in_hi), ("bl_output_low", out_lo),
                    ("bl_output_high", out_hi), ("bl_open_low", open_lo)):
    figures.record(name, value, "usd_per_mtok")
figures.record_conclusion("bl_input_low_model", in_lo_m)
figures.record_conclusion("bl_output_high_model", out_hi_m)
figures.record_conclusion("bl_open_low_model", open_lo_m)
figures.glue_text("bl_input_low_pos", versus("bl_kt_input_low", in_lo))
figures.glue_text("bl_output_low_pos", versus("bl_kt_output_low", out_lo))
figures.glue_text("bl_output_high_pos", versus("bl_kt_output_high", out_hi))
ours.update(bl_kt_input_low=in_lo, bl_kt_input_high=in_hi, bl_kt_output_low=out_lo, bl_kt_output_high=out_hi,
            bl_kt_open_low=open_lo)

# %%
sc = scenarios.loc[selfhost_scenario]
sh_input = float(np.ravel(selfhost.selfhost_usd_per_mtok(sc["hourly_usd"], sc["input_tokens_per_s"],
                                                         selfhost_utilisation))[0])

# %% tags=["remove-input"]
figures.record("bl_sh_util", selfhost_utilisation, "fraction")
figures.record("bl_sh_input", sh_input, "usd_per_mtok")
ours["bl_kt_selfhost_input"] = sh_input

lever_lows = np.array([lo for lo, _ in takeaway_levers.values()])
lever_highs = np.array([hi for _, hi in takeaway_levers.values()])
no_cache = np.array([k != "prefix caching" for k in takeaway_levers])
figures.record("bl_levers_low", lever_lows.prod(), "ratio")
figures.record("bl_levers_high", lever_highs.prod(), "ratio")
figures.record("bl_levers_no_cache", lever_lows[no_cache].prod(), "ratio")
# The guide's own arithmetic: the factors it lists beside the label, multiplied at their low ends.
ours["bl_kt_lever_stack"] = guide.Check(arithmetic=float(lever_lows.prod()))
guide_says("bl_g_levers", "bl_kt_lever_stack")

# %% [markdown]
# ## The bottom line
#
# The bottom line repeats three figures checked elsewhere: the crossover band
# ([the crossover](crossover.ipynb)), the reasoning premium ([reasoning models](reasoning.ipynb)) and
# the batch discount ([batch and off-peak](batch_offpeak.ipynb)); the first two are worked again on
# the guide's own inputs further down, and the batch discount is also
# set here against the providers' batch terms, which take {glue:text}`bl_batch_terms` off, {glue:text}`bl_batch_pos`.
# Its own figure is routing: send
# the easy queries to a model {glue:text}`bl_g_route` cheaper than the
# frontier tier. Within one provider's
# family the typical query costs {glue:text}`bl_route_min` to {glue:text}`bl_route_max` less on the
# cheap model, a median of {glue:text}`bl_route_median`, {glue:text}`bl_route_pos`. Crossing providers
# widens it. At that median, routing {glue:text}`bl_easy_share` of
# queries to the cheap model cuts the bill by {glue:text}`bl_route_saving`, more than a batch discount
# takes off, and it applies to traffic that cannot wait.

# %%
route = pd.DataFrame([{"provider": p, "frontier model": f, "cheap model": c,
                       "frontier query": query_cost(p, f), "cheap query": query_cost(p, c)}
                      for p, f, c in routing_pairs])
route["cheaper by"] = route["frontier query"] / route["cheap query"]
route_median = float(route["cheaper by"].median())
route_saving = float(faq.routing_saving_frac(easy_query_share, route_median))

# %% tags=["remove-input"]
figures.record("bl_route_min", route["cheaper by"].min(), "ratio")
figures.record("bl_route_max", route["cheaper by"].max(), "ratio")
figures.record("bl_route_median", route_median, "ratio")
figures.record("bl_easy_share", easy_query_share, "fraction")
figures.record("bl_route_saving", route_saving, "fraction")
# A range is checked end by end: the least and the most the guide's own price rows give within a family.
ours["bl_routing_cheaper"] = guide.Check(truth=float(route["cheaper by"].min()),
                                         truth_high=float(route["cheaper by"].max()))
figures.glue_text("bl_route_pos", versus("bl_routing_cheaper", ours["bl_routing_cheaper"]))
guide_says("bl_g_route", "bl_routing_cheaper")
# "Batch APIs give an unconditional 50% discount": against the batch terms of the providers the
# guide names (the median of their stated discounts).
batch_terms = terms[terms["term"] == "batch_discount_frac"]
ours["bl_batch_discount"] = float(batch_terms["value"].median()) if len(batch_terms) else float("nan")
figures.record("bl_batch_terms", ours["bl_batch_discount"], "fraction")
figures.glue_text("bl_batch_pos", versus("bl_batch_discount", ours["bl_batch_discount"]))
show_table(route, {"frontier query": "usd_per_request", "cheap query": "usd_per_request", "cheaper by": "ratio"})

# %% [markdown]
# ## Forecasting a bill at design time
#
# The guide's forecasting answer is one line: average tokens per request × requests per user ×
# users × price, doubled for safety, then compared with revenue per user; below a
# {glue:text}`bl_min_cover` cover, it says, the product's economics are shaky. With the book's
# default product ({glue:text}`bl_fc_users` users, {glue:text}`bl_fc_requests` requests each a
# month of the typical query, {glue:text}`bl_fc_revenue` of revenue per user a month), the doubled
# bill runs from {glue:text}`bl_fc_cheapest` a month ({glue:text}`bl_fc_cheapest_model`) to
# {glue:text}`bl_fc_dearest` ({glue:text}`bl_fc_dearest_model`), and
# {glue:text}`bl_fc_n_sound` of the {glue:text}`bl_fc_n_models` models keep the cover.
#
# The guide's longer answer, forecasting twelve months out, contradicts the doubling: it assumes
# frontier prices fall by a share over the year and adds reserves for growth and hidden costs,
# which puts the year-ahead bill at {glue:text}`bl_12m_low` to {glue:text}`bl_12m_high` of
# today's, not twice it. The two answers serve different purposes (a margin of error at design
# time, a budget a year ahead), but a reader should not apply both.
#
# **Try it here.** The sliders set the product; the chart recomputes each model's monthly bill
# in the page and colours it by whether revenue covers it by the guide's margin.

# %%
fc = pd.concat([price_row(p, m) for p, m in forecast_models], ignore_index=True)
fc = fc[fc["input_usd_per_mtok"].notna() & fc["output_usd_per_mtok"].notna()].reset_index(drop=True)
fc["label"] = fc["provider"] + " " + fc["model"]
fc["monthly"] = faq.forecast_monthly_usd(forecast_users, forecast_requests_per_user_month, typical_input_tokens,
                                         typical_output_tokens, fc["input_usd_per_mtok"], fc["output_usd_per_mtok"],
                                         forecast_safety_factor)
fc["cover"] = faq.revenue_cover(forecast_revenue_per_user_month, fc["monthly"] / forecast_users)
cheapest, dearest = fc.loc[fc["monthly"].idxmin()], fc.loc[fc["monthly"].idxmax()]

# %% tags=["remove-input"]
figures.record("bl_min_cover", forecast_min_cover, "ratio")
figures.record("bl_fc_users", forecast_users, "count")
figures.record("bl_fc_requests", forecast_requests_per_user_month, "count")
figures.record("bl_fc_revenue", forecast_revenue_per_user_month, "usd_per_user_month")
figures.record("bl_fc_cheapest", cheapest["monthly"], "usd_per_month")
figures.record_conclusion("bl_fc_cheapest_model", cheapest["label"])
figures.record("bl_fc_dearest", dearest["monthly"], "usd_per_month")
figures.record_conclusion("bl_fc_dearest_model", dearest["label"])
figures.record("bl_fc_n_sound", int((fc["cover"] >= forecast_min_cover).sum()), "count")
figures.record("bl_fc_n_models", len(fc), "count")
drop_lo, drop_hi = price_drop_statements["12-month forecast recipe"]
reserve = 1 + growth_reserve + hidden_cost_reserve
figures.record("bl_12m_low", (1 - drop_hi) * reserve, "fraction")
figures.record("bl_12m_high", (1 - drop_lo) * reserve, "fraction")

# %% tags=["hide-input"]
p_users = alt.param(name="p_users", value=forecast_users,
                    bind=alt.binding_range(min=1_000, max=1_000_000, step=1_000, name="users "))
p_req = alt.param(name="p_req", value=forecast_requests_per_user_month,
                  bind=alt.binding_range(min=10, max=3_000, step=10, name="requests per user a month "))
p_in = alt.param(name="p_in", value=typical_input_tokens,
                 bind=alt.binding_range(min=100, max=20_000, step=100, name="input tokens per request "))
p_out = alt.param(name="p_out", value=typical_output_tokens,
                  bind=alt.binding_range(min=50, max=5_000, step=50, name="output tokens per request "))
p_rev = alt.param(name="p_rev", value=forecast_revenue_per_user_month,
                  bind=alt.binding_range(min=0, max=200, step=1, name="revenue per user a month (USD) "))
(alt.Chart(fc[["label", "input_usd_per_mtok", "output_usd_per_mtok"]]).transform_calculate(
    monthly=f"p_users * p_req * (p_in * datum.input_usd_per_mtok + p_out * datum.output_usd_per_mtok) / 1e6"
            f" * {forecast_safety_factor}",
).transform_calculate(
    cover="p_rev * p_users / datum.monthly",
).transform_calculate(
    verdict=f"datum.cover >= {forecast_min_cover} ? 'revenue covers it' : 'shaky'",
).mark_circle(size=140, opacity=0.9).encode(
    x=alt.X("monthly:Q", scale=alt.Scale(type="log"), title="Forecast bill, doubled for safety (USD per month, log)"),
    y=alt.Y("label:N", sort="x", title=None),
    color=alt.Color("verdict:N", title="Revenue cover", legend=alt.Legend(orient="bottom"),
                    scale=alt.Scale(domain=["revenue covers it", "shaky"], range=["#4c78a8", "#e45756"])),
    tooltip=[alt.Tooltip("label:N", title="model"),
             alt.Tooltip("monthly:Q", title="monthly bill (USD)", format=",.0f"),
             alt.Tooltip("cover:Q", title="revenue / cost", format=".1f"), alt.Tooltip("verdict:N")],
).add_params(p_users, p_req, p_in, p_out, p_rev).properties(
    width=360, height=alt.Step(22),
    title=alt.Title("A design-time cost forecast, by model",
                    subtitle=f"users × requests × tokens × price × {forecast_safety_factor:g}; "
                             f"red where revenue covers cost less than {forecast_min_cover:g}×")))

# %% [markdown]
# In Jupyter, `lib.costs.faq.forecast_what_if` is the same forecaster for any price:

# %% tags=["hide-input"]
def forecaster(users: int, requests_per_user_month: int, input_tokens: int, output_tokens: int,
               model: str, revenue_per_user_month: float, safety_factor: float) -> None:
    row = fc[fc["label"] == model].iloc[0]
    out = faq.forecast_what_if(users, requests_per_user_month, input_tokens, output_tokens,
                               row["input_usd_per_mtok"], row["output_usd_per_mtok"], revenue_per_user_month,
                               safety_factor, forecast_min_cover)
    show_table(pd.DataFrame([out]), {"monthly_usd": "usd_per_month", "per_user_usd": "usd_per_user_month",
                                     "cover": "ratio"})


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        forecaster,
        users=widgets.IntSlider(value=forecast_users, min=100, max=1_000_000, step=100),
        requests_per_user_month=widgets.IntSlider(value=forecast_requests_per_user_month, min=1, max=3_000),
        input_tokens=widgets.IntSlider(value=typical_input_tokens, min=50, max=50_000, step=50),
        output_tokens=widgets.IntSlider(value=typical_output_tokens, min=10, max=10_000, step=10),
        model=widgets.Dropdown(options=list(fc["label"]), value=fc["label"].iloc[0]),
        revenue_per_user_month=widgets.FloatSlider(value=forecast_revenue_per_user_month, min=0, max=200, step=1),
        safety_factor=widgets.FloatSlider(value=forecast_safety_factor, min=1, max=4, step=0.1),
    ))

# %% [markdown]
# **Getting the mix wrong.** The guide says chat reads {glue:text}`bl_mix_lo` to {glue:text}`bl_mix_hi`
# more input than it writes output, and that misjudging the mix by {glue:text}`bl_mix_err` moves the bill
# by {glue:text}`bl_g_mix_lo` to {glue:text}`bl_g_mix_hi`. If the output turns out twice the estimate, the bill moves by the output's
# share of it: with the median closed-weight model charging {glue:text}`bl_price_ratio` as much per output
# token, that is {glue:text}`bl_mix_change_lo` at the input-heavy end and {glue:text}`bl_mix_change_hi` at
# the other. {glue:text}`bl_mix_verdict` Open-weight hosts, which often charge the same for both, move far
# less.

# %%
price_ratio = float((closed["output_usd_per_mtok"] / closed["input_usd_per_mtok"]).median())
mix_lo = float(faq.output_error_cost_change(chat_input_per_output_high, price_ratio, mix_error_factor))
mix_hi = float(faq.output_error_cost_change(chat_input_per_output_low, price_ratio, mix_error_factor))

# %% tags=["remove-input"]
figures.record("bl_mix_lo", chat_input_per_output_low, "ratio")
figures.record("bl_mix_hi", chat_input_per_output_high, "ratio")
figures.record("bl_mix_err", mix_error_factor, "ratio")
figures.record("bl_price_ratio", price_ratio, "ratio")
figures.record("bl_mix_change_lo", mix_lo, "fraction")
figures.record("bl_mix_change_hi", mix_hi, "fraction")
ours.update(bl_faq_mix_error_low=mix_lo, bl_faq_mix_error_high=mix_hi)
mix_v = guide.count_verdicts(guide.comparison_table(claims, {"bl_faq_mix_error_low": mix_lo,
                                                            "bl_faq_mix_error_high": mix_hi}))
figures.glue_text("bl_mix_verdict", "Both ends match the guide's range at the precision it wrote them with."
                  if not mix_v["misses"] else "The guide's range does not cover both ends of its own mix.")
guide_says("bl_g_mix_lo", "bl_faq_mix_error_low")
guide_says("bl_g_mix_hi", "bl_faq_mix_error_high")

# %% [markdown]
# ## Will it keep getting cheaper?
#
# The guide answers "yes" in several places and with several rates, and they do not agree. Its
# own history, cheap-tier input prices falling by a stated factor from 2023 to 2026, compounds to
# {glue:text}`bl_hist_cheap_lo` to {glue:text}`bl_hist_cheap_hi` a year; frontier prices to
# {glue:text}`bl_hist_frontier_lo` to {glue:text}`bl_hist_frontier_hi` a year. The short FAQ's
# {glue:text}`bl_g_trend` a year is several times faster than either, and so is its forecast for reasoning prices. Its
# forward budgets (a fixed fall a year for each tier) sit above the top of its own history too.
# The book's reading: plan on the history, which is the only one of these with a stated basis, and
# treat a faster fall as upside. [Prices now against the guide's](prices_now.ipynb) measures how far
# list prices have actually moved since the guide.

# %%
trend_rows = []
for name, (lo, hi, years) in {**price_history, **price_statements}.items():
    trend_rows.append({"statement": name, "low": float(faq.annual_factor(lo, years)),
                       "high": float(faq.annual_factor(hi, years)), "kind": "history" if years > 1 else "statement"})
for name, (lo, hi) in price_drop_statements.items():
    trend_rows.append({"statement": name, "low": float(faq.drop_to_factor(lo)), "high": float(faq.drop_to_factor(hi)),
                       "kind": "statement"})
trends = pd.DataFrame(trend_rows)

# %% tags=["remove-input"]
cheap_hist = trends[trends["statement"] == "cheap tier, 2023-2026"].iloc[0]
frontier_hist = trends[trends["statement"] == "frontier, 2023-2026"].iloc[0]
figures.record("bl_hist_cheap_lo", cheap_hist["low"], "ratio")
figures.record("bl_hist_cheap_hi", cheap_hist["high"], "ratio")
figures.record("bl_hist_frontier_lo", frontier_hist["low"], "ratio")
figures.record("bl_hist_frontier_hi", frontier_hist["high"], "ratio")
guide_says("bl_g_trend", "bl_faq_trend")
# Each rate against the guide's own history, the history's low and high ends compounded to a year: a
# range claim is judged end by end, so the history's whole spread has to match the guide's.
frontier_drop = (float(1 - 1 / frontier_hist["low"]), float(1 - 1 / frontier_hist["high"]))
cheap_years = guide.Check(truth=float(cheap_hist["low"]), truth_high=float(cheap_hist["high"]))
frontier_years = guide.Check(truth=float(frontier_hist["low"]), truth_high=float(frontier_hist["high"]))
ours.update(bl_faq_trend=cheap_years, bl_xfaq_forward_cheap=float(cheap_hist["high"]),
            bl_xfaq_forward_frontier=float(frontier_hist["high"]),
            bl_xfaq_launch_drop=guide.Check(truth=frontier_drop[0], truth_high=frontier_drop[1]),
            bl_xfaq_12m_drop=guide.Check(truth=frontier_drop[0], truth_high=frontier_drop[1]),
            bl_xfaq_reasoning_drop=frontier_years)

# %% tags=["hide-input"]
(alt.Chart(trends).mark_rule(strokeWidth=6).encode(
    x=alt.X("low:Q", scale=alt.Scale(type="log"), title="Price fall (× cheaper per year, log)"),
    x2="high:Q",
    y=alt.Y("statement:N", sort=None, title=None),
    color=alt.Color("kind:N", title="What it is", legend=alt.Legend(orient="bottom")),
    tooltip=[alt.Tooltip("statement:N"), alt.Tooltip("low:Q", title="low (× a year)", format=".2f"),
             alt.Tooltip("high:Q", title="high (× a year)", format=".2f")],
) + alt.Chart(trends).mark_point(filled=True, size=50).encode(
    x="low:Q", y=alt.Y("statement:N", sort=None),
    tooltip=[alt.Tooltip("statement:N"), alt.Tooltip("low:Q", title="low (× a year)", format=".2f")],
)).properties(width=360, height=alt.Step(24), title=alt.Title(
    "The guide's price-trend statements, as a fall per year",
    subtitle="History over three years compounded to one; drops stated as shares turned into factors"))

# %% [markdown]
# ## Agents, RAG and routing inside a task
#
# **Agents.** An agent re-reads its transcript on every call, so its cost grows with the square of
# the number of calls. In the book's model of a task on {glue:text}`bl_agent_model` (its base prompt,
# and the step each call adds, are in the parameters), {glue:text}`bl_agent_calls_lo` calls cost
# {glue:text}`bl_agent_lo` and {glue:text}`bl_agent_calls_hi` calls {glue:text}`bl_agent_hi`. Keeping only the
# last {glue:text}`bl_window` steps cuts the long task's cost {glue:text}`bl_compaction`; keeping anything
# from the last step alone to the last {glue:text}`bl_window` cuts it {glue:text}`bl_compaction_lo` to
# {glue:text}`bl_compaction_hi`, {glue:text}`bl_compaction_pos` for compaction.
#
# **RAG.** Stuffing {glue:text}`bl_rag_stuffed` retrieved chunks into the prompt instead of reranking
# down to {glue:text}`bl_rag_reranked` costs {glue:text}`bl_rag_ratio` as much per question; against the
# guide's whole span of reranked chunks it costs {glue:text}`bl_rag_ratio_lo` to
# {glue:text}`bl_rag_ratio_hi` as much, {glue:text}`bl_rag_pos`.
#
# **Code review triage.** Running {glue:text}`bl_triage_cheap` on every review and escalating a share
# to {glue:text}`bl_triage_strong` (on the guide's coding example, where the reasoning model costs
# {glue:text}`bl_triage_ratio` as much) saves {glue:text}`bl_triage_hi` of the always-reasoning bill at
# the low escalation share ({glue:text}`bl_triage_hi_pos`) and {glue:text}`bl_triage_lo` at the high one
# ({glue:text}`bl_triage_lo_pos`). The cheap first pass costs little beside the reasoning call.
#
# **Cost per customer.** Holding inference to {glue:text}`bl_acv_share` of a customer's
# {glue:text}`bl_acv` ACV leaves {glue:text}`bl_acv_day` a day: {glue:text}`bl_acv_message` a message
# at the guide's chat usage, where {glue:text}`bl_acv_fit` of the forecast models' typical query
# fits. For the agent usage the day's budget is {glue:text}`bl_acv_task` per task; the guide's figure
# is the budget per call.
#
# **Fine-tuning.** Training at {glue:text}`bl_ft_cost` that saves {glue:text}`bl_ft_saving` a call pays
# back after {glue:text}`bl_ft_calls` calls, as the guide says. The saving itself is bounded by what a
# call costs today: GPT-4o's typical query is {glue:text}`bl_gpt4o_query`.

# %%
arow = price_row(*agent_model)


def agent_cost(calls: float, window: float = np.inf) -> float:
    tokens_in = faq.agent_input_tokens(calls, agent_base_input_tokens, agent_tokens_added_per_call, window)
    return float(api.request_cost_usd(arow, input_tokens=tokens_in, output_tokens=calls * agent_output_tokens)[0]) \
        if len(arow) == 1 else float("nan")


agent_lo, agent_hi = agent_cost(agent_calls_low), agent_cost(agent_calls_high)
compaction = agent_hi / agent_cost(agent_calls_high, compaction_window_calls)

# %% tags=["remove-input"]
figures.glue_text("bl_agent_model", " ".join(agent_model[1:]))
figures.record("bl_agent_calls_lo", agent_calls_low, "count")
figures.record("bl_agent_calls_hi", agent_calls_high, "count")
figures.record("bl_agent_lo", agent_lo, "usd_per_request")
figures.record("bl_agent_hi", agent_hi, "usd_per_request")
figures.record("bl_window", compaction_window_calls, "count")
figures.record("bl_compaction", compaction, "ratio")
# "Can reduce per-task cost by 3-10x", end by end: the long task with a window of the most steps
# kept and of the fewest.
compaction_ends = [agent_hi / agent_cost(agent_calls_high, w) for w in compaction_window_range]
figures.record("bl_compaction_lo", compaction_ends[0], "ratio")
figures.record("bl_compaction_hi", compaction_ends[1], "ratio")
ours["bl_faq_compaction"] = guide.Check(truth=compaction_ends[0], truth_high=compaction_ends[1])
figures.glue_text("bl_compaction_pos", versus("bl_faq_compaction", ours["bl_faq_compaction"]))

# %%
rag = [query_cost(*agent_model, n * rag_chunk_tokens + rag_question_tokens, rag_answer_tokens)
       for n in (rag_chunks_stuffed, rag_chunks_reranked)]

# %% tags=["remove-input"]
figures.record("bl_rag_stuffed", rag_chunks_stuffed, "count")
figures.record("bl_rag_reranked", rag_chunks_reranked, "count")
figures.record("bl_rag_ratio", rag[0] / rag[1], "ratio")
# The guide's multiplier end by end: stuffed against reranking to the most (5) and the fewest (3) chunks.
rag_ends = [rag[0] / query_cost(*agent_model, n * rag_chunk_tokens + rag_question_tokens, rag_answer_tokens)
            for n in sorted(rag_chunks_reranked_range, reverse=True)]
figures.record("bl_rag_ratio_lo", rag_ends[0], "ratio")
figures.record("bl_rag_ratio_hi", rag_ends[1], "ratio")
ours["bl_xfaq_rag_rerank"] = guide.Check(truth=rag_ends[0], truth_high=rag_ends[1])
figures.glue_text("bl_rag_pos", versus("bl_xfaq_rag_rerank", ours["bl_xfaq_rag_rerank"]))

# %%
cheap_review = query_cost(*triage_cheap, review_input_tokens, review_output_tokens)
strong_review = query_cost(*triage_strong, review_input_tokens, review_output_tokens, review_thinking_tokens)
triage_lo = float(faq.triage_saving_frac(escalated_share_high, cheap_review / strong_review))
triage_hi = float(faq.triage_saving_frac(escalated_share_low, cheap_review / strong_review))

# %% tags=["remove-input"]
figures.glue_text("bl_triage_cheap", triage_cheap[1])
figures.glue_text("bl_triage_strong", triage_strong[1])
figures.record("bl_triage_ratio", strong_review / cheap_review, "ratio")
figures.record("bl_triage_lo", triage_lo, "fraction")
figures.record("bl_triage_hi", triage_hi, "fraction")
figures.glue_text("bl_triage_lo_pos", versus("bl_xfaq_triage_low", triage_lo))
figures.glue_text("bl_triage_hi_pos", versus("bl_xfaq_triage_high", triage_hi))

# %%
acv_day = float(faq.inference_budget_per_day(acv_usd, inference_share_of_acv))
per_message = acv_day / messages_per_day
per_task = acv_day / agent_tasks_per_day
# The guide's own arithmetic divides the daily budget as it states it, rounded.
per_message_stated = acv_budget_stated_usd_per_day / messages_per_day
per_task_stated = acv_budget_stated_usd_per_day / agent_tasks_per_day
fc["typical query"] = [query_cost(p, m) for p, m in zip(fc["provider"], fc["model"])]

# %% tags=["remove-input"]
figures.record("bl_acv_share", inference_share_of_acv, "fraction")
figures.record("bl_acv", acv_usd, "usd")
figures.record("bl_acv_day", acv_day, "usd_per_day")
figures.record("bl_acv_message", per_message, "usd_per_request")
figures.record("bl_acv_fit", int((fc["typical query"] <= per_message).sum()), "count")
figures.record("bl_acv_task", per_task, "usd_per_request")

# %%
ft_calls = float(faq.breakeven_units(finetune_usd, finetune_saving_per_call_usd))

# %% tags=["remove-input"]
figures.record("bl_ft_cost", finetune_usd, "usd")
figures.record("bl_ft_saving", finetune_saving_per_call_usd, "usd_per_request")
figures.record("bl_ft_calls", ft_calls, "count")
figures.record("bl_gpt4o_query", query_cost("OpenAI", "GPT-4o"), "usd_per_request")
ours.update(bl_xfaq_agent_low=agent_lo, bl_xfaq_agent_high=agent_hi, bl_xfaq_triage_low=triage_lo, bl_xfaq_triage_high=triage_hi,
            bl_xfaq_acv_day=acv_day, bl_xfaq_acv_message=per_message_stated, bl_xfaq_acv_task=per_task_stated,
            bl_xfaq_finetune=ft_calls)
show_table(pd.DataFrame({"task": [f"agent, {agent_calls_low} calls", f"agent, {agent_calls_high} calls",
                                  f"agent, {agent_calls_high} calls, last {compaction_window_calls} steps kept",
                                  f"RAG, {rag_chunks_stuffed} chunks", f"RAG, {rag_chunks_reranked} chunks",
                                  f"review on {triage_cheap[1]}", f"review on {triage_strong[1]} (with thinking)"],
                         "cost": [agent_lo, agent_hi, agent_cost(agent_calls_high, compaction_window_calls),
                                  rag[0], rag[1], cheap_review, strong_review]}),
           {"cost": "usd_per_request"})

# %% [markdown]
# ## Embeddings
#
# The FAQ quotes embedding prices from {glue:text}`bl_emb_lo` to {glue:text}`bl_emb_hi` per million
# tokens. Embedding a corpus of {glue:text}`bl_corpus` chunks of {glue:text}`bl_chunk` tokens once costs
# {glue:text}`bl_corpus_lo` to {glue:text}`bl_corpus_hi`, as the guide says. One chunk costs at most
# {glue:text}`bl_emb_call` and, at OpenAI's small model, {glue:text}`bl_emb_call_first`: below the guide's
# per-embedding figure at every price it quotes. The median embedding price is
# {glue:text}`bl_emb_vs_chat` below the median chat input price; against the dearest and the cheapest
# embedding price of the same answer the median chat price is {glue:text}`bl_emb_vs_chat_lo` to
# {glue:text}`bl_emb_vs_chat_hi` as dear, {glue:text}`bl_emb_vs_chat_pos`; against the frontier models
# the gap is far wider.
#
# The billion-scale answer sets DeepInfra's price against OpenAI's at a price the other FAQ answer
# does not give: at OpenAI's stated small-model price DeepInfra is {glue:text}`bl_bge_ratio` cheaper,
# not the guide's {glue:text}`bl_g_bge`. Its self-hosted L40S arithmetic holds ({glue:text}`bl_l40s_emb` million embeddings
# and {glue:text}`bl_l40s_day` a day), though elsewhere the guide rents a whole multi-GPU L40S node at
# that hourly price, which makes one L40S {glue:text}`bl_l40s_gpu_day` a day. At the answer's day's cost
# hosted embeddings stop being cheaper at {glue:text}`bl_emb_breakeven` million a day, below the guide's
# threshold, and at one GPU's share of the node at {glue:text}`bl_emb_breakeven_elsewhere` million.

# %% tags=["hide-input"]
emb = pd.Series(embedding_prices, dtype=float)
corpus_tokens = corpus_chunks * tokens_per_chunk
l40s_day = l40s_hourly_usd * 24
figures.record("bl_emb_lo", emb.min(), "usd_per_mtok")
figures.record("bl_emb_hi", emb.max(), "usd_per_mtok")
figures.record("bl_corpus", corpus_chunks, "count")
figures.record("bl_chunk", tokens_per_chunk, "tokens")
corpus_lo = corpus_tokens * emb[emb.index != "DeepInfra bge-large"].min() / 1e6
corpus_hi = corpus_tokens * emb.max() / 1e6
figures.record("bl_corpus_lo", corpus_lo, "usd")
figures.record("bl_corpus_hi", corpus_hi, "usd")
emb_call = tokens_per_chunk * emb.max() / 1e6
figures.record("bl_emb_call", emb_call, "usd_per_request")
# The check: one chunk at the price the same answer names first, OpenAI's small model (the cheapest
# of its three). At the dearest it quotes a chunk is still below the guide's figure (prose above).
emb_call_first = tokens_per_chunk * emb["OpenAI text-embedding-3-small"] / 1e6
figures.record("bl_emb_call_first", emb_call_first, "usd_per_request")
emb_vs_chat = float(paid["input_usd_per_mtok"].median() / emb.median())
figures.record("bl_emb_vs_chat", emb_vs_chat, "ratio")
# The range end by end: the median chat input price over the dearest and the cheapest embedding
# price the same answer quotes (DeepInfra's is another answer's).
faq_emb = emb[emb.index != "DeepInfra bge-large"]
chat_median = float(paid["input_usd_per_mtok"].median())
emb_vs_chat_check = guide.Check(truth=chat_median / float(faq_emb.max()), truth_high=chat_median / float(faq_emb.min()))
figures.record("bl_emb_vs_chat_lo", emb_vs_chat_check.truth, "ratio")
figures.record("bl_emb_vs_chat_hi", emb_vs_chat_check.truth_high, "ratio")
figures.glue_text("bl_emb_vs_chat_pos", versus("bl_faq_embed_vs_chat", emb_vs_chat_check))
bge_ratio = emb["OpenAI text-embedding-3-small"] / emb["DeepInfra bge-large"]
figures.record("bl_bge_ratio", bge_ratio, "ratio")
guide_says("bl_g_bge", "bl_xfaq_bge_vs_openai")
l40s_emb = l40s_embeddings_per_s * faq.SECONDS_PER_DAY
figures.record("bl_l40s_emb", l40s_emb / 1e6, "count")
figures.record("bl_l40s_day", l40s_day, "usd_per_day")
# Independent of the answer: one L40S's share of the guide's own 8x L40S rental elsewhere.
l40s_sc = scenarios.loc[l40s_rental_scenario]
l40s_gpu_day = float(l40s_sc["hourly_usd"]) / int(platforms.loc[l40s_sc["platform_id"], "accelerators_per_node"]) * 24
figures.record("bl_l40s_gpu_day", l40s_gpu_day, "usd_per_day")
emb_breakeven = float(faq.hosted_embedding_breakeven_per_day(l40s_day, tokens_per_chunk, emb["DeepInfra bge-large"]))
emb_breakeven_elsewhere = float(faq.hosted_embedding_breakeven_per_day(l40s_gpu_day, tokens_per_chunk,
                                                                       emb["DeepInfra bge-large"]))
figures.record("bl_emb_breakeven", emb_breakeven / 1e6, "count")
figures.record("bl_emb_breakeven_elsewhere", emb_breakeven_elsewhere / 1e6, "count")
ours.update(bl_faq_corpus_low=corpus_lo, bl_faq_corpus_high=corpus_hi, bl_faq_embed_call=emb_call_first,
            bl_faq_embed_vs_chat=emb_vs_chat_check,
            bl_xfaq_bge_vs_openai=guide.Check(arithmetic=bge_openai_price_stated / emb["DeepInfra bge-large"],
                                              truth=float(bge_ratio)),
            bl_xfaq_l40s_embeddings=l40s_emb,
            bl_xfaq_l40s_day=guide.Check(arithmetic=l40s_day, truth=l40s_gpu_day),
            bl_xfaq_embed_breakeven=guide.Check(arithmetic=emb_breakeven, truth=emb_breakeven_elsewhere))

# %% [markdown]
# ## Prices, hardware and voice
#
# **Direct or through a cloud.** The guide says buying direct is usually a little cheaper than
# through Bedrock or Azure. On its own price rows, buying Claude Sonnet 4.6 direct rather than on
# Bedrock saves {glue:text}`bl_direct_saving`, {glue:text}`bl_direct_pos`. Open-weight models on Bedrock sit among the
# third-party hosts' prices rather than above them in the same data.
#
# **Reasoning.** On o3, the high effort tier's thinking budget is {glue:text}`bl_o3_effort` the low
# tier's at its midpoint, near the guide's figure; the guide's own effort table, with one figure per
# tier, makes it {glue:text}`bl_o3_effort_table`. DeepSeek R1 is {glue:text}`bl_r1_o3` cheaper than o3 on
# the typical query at the book's o3 price, and between {glue:text}`bl_r1_o3_min` and
# {glue:text}`bl_r1_o3_max` at any mix of input and output: nothing near the top of the guide's range. At the second tear-down's much lower o3 price it would be
# only {glue:text}`bl_r1_o3_alt`. The [reasoning chapter](reasoning.ipynb) covers o3's pricing in depth.
#
# **Self-hosting Llama 3.3 70B.** A pair of H100s at the bottom of the guide's used-H100 price cost
# {glue:text}`bl_llama_capex`, not the guide's figure. And a self-hosted year at the guide's cost breaks
# even with {glue:text}`bl_llama_host` only at {glue:text}`bl_llama_volume` billion tokens a year,
# {glue:text}`bl_llama_pos`; at the guide's threshold each self-hosted million tokens costs
# {glue:text}`bl_llama_at_threshold` against {glue:text}`bl_llama_hosted` hosted.
#
# **Voice.** Half a minute of audio in and half a minute out at the guide's realtime rates costs
# {glue:text}`bl_voice_lo` to {glue:text}`bl_voice_hi` a minute, below both ends of its range for the
# same exchange. Its always-on agent arithmetic holds: {glue:text}`bl_voice_day` a day,
# {glue:text}`bl_voice_year` a year, against {glue:text}`bl_cascaded_year` for a cascaded pipeline at
# the guide's cheaper rate.

# %% tags=["hide-input"]
sonnet_direct, sonnet_bedrock = query_cost("Anthropic", "Claude Sonnet 4.6"), query_cost("Bedrock", "Claude Sonnet 4.6")
direct_saving = 1 - sonnet_direct / sonnet_bedrock
figures.record("bl_direct_saving", direct_saving, "fraction")
figures.glue_text("bl_direct_pos", versus("bl_faq_direct_cheaper", direct_saving))
o3_effort = (o3_high_thinking_low + o3_high_thinking_high) / 2 / o3_low_thinking
# Independent of the answer: the guide's own effort table (one figure per tier) for the same two tiers.
o3_tiers = effort_table[effort_table["model"] == "o3"].set_index("effort")["avg_thinking_tokens"]
o3_effort_table = float(o3_tiers["high"] / o3_tiers["low"]) if {"high", "low"} <= set(o3_tiers.index) else float("nan")
figures.record("bl_o3_effort_table", o3_effort_table, "ratio")
figures.record("bl_o3_effort", o3_effort, "ratio")
r1_o3 = query_cost("OpenAI", "o3") / query_cost("DeepSeek", "DeepSeek R1")
o3_alt = all_prices[(all_prices["model"] == "o3") & ~all_prices["book_uses"]]
r1_o3_alt = (float(api.request_cost_usd(o3_alt.iloc[[0]], input_tokens=typical_input_tokens,
                                        output_tokens=typical_output_tokens)[0]) / query_cost("DeepSeek", "DeepSeek R1")
             if len(o3_alt) else float("nan"))
figures.record("bl_r1_o3", r1_o3, "ratio")
# The guide's range end by end: the ratio of any query mix lies between its input-only and its
# output-only ratio, so those are the least and the most R1 can be cheaper on the book's prices.
r1_o3_mix = [query_cost("OpenAI", "o3", i, o) / query_cost("DeepSeek", "DeepSeek R1", i, o)
             for i, o in ((1_000_000, 0), (0, 1_000_000))]
figures.record("bl_r1_o3_min", min(r1_o3_mix), "ratio")
figures.record("bl_r1_o3_max", max(r1_o3_mix), "ratio")
figures.record("bl_r1_o3_alt", r1_o3_alt, "ratio")

llama_capex = llama_gpus * float(used_gpus.loc["H100 SXM", "used_usd_per_gpu_low"])
hrow = price_row(*llama_hosted)
llama_hosted_mtok = (float(mixed_input_share * hrow["input_usd_per_mtok"].iloc[0]
                           + (1 - mixed_input_share) * hrow["output_usd_per_mtok"].iloc[0])
                     if len(hrow) == 1 else float("nan"))
llama_volume = float(faq.breakeven_units(llama_selfhost_usd_per_year, llama_hosted_mtok / 1e6))
guide_threshold = llama_threshold_tokens_per_year
figures.record("bl_llama_capex", llama_capex, "usd")
figures.glue_text("bl_llama_host", " ".join(llama_hosted))
figures.record("bl_llama_volume", llama_volume / 1e9, "count")
figures.glue_text("bl_llama_pos", versus("bl_xfaq_llama_volume", llama_volume))
figures.record("bl_llama_at_threshold", llama_selfhost_usd_per_year / guide_threshold * 1e6, "usd_per_mtok")
figures.record("bl_llama_hosted", llama_hosted_mtok, "usd_per_mtok")

voice_lo = float(faq.blended_minute_usd(voice_user_share, realtime_in_per_min[0], realtime_out_per_min[0]))
voice_hi = float(faq.blended_minute_usd(voice_user_share, realtime_in_per_min[1], realtime_out_per_min[1]))
voice_day = float(faq.per_minute_to_daily(voice_agent_usd_per_min))
figures.record("bl_voice_lo", voice_lo, "usd")
figures.record("bl_voice_hi", voice_hi, "usd")
figures.record("bl_voice_day", voice_day, "usd_per_day")
figures.record("bl_voice_year", voice_day * faq.DAYS_PER_YEAR, "usd_per_year")
figures.record("bl_cascaded_year", float(faq.per_minute_to_daily(cascaded_usd_per_min)) * faq.DAYS_PER_YEAR,
               "usd_per_year")
ours.update(bl_faq_direct_cheaper=direct_saving, bl_xfaq_o3_effort=guide.Check(arithmetic=o3_effort, truth=o3_effort_table), bl_xfaq_r1_vs_o3=guide.Check(truth=min(r1_o3_mix), truth_high=max(r1_o3_mix)),
            bl_xfaq_llama_capex=llama_capex, bl_xfaq_llama_volume=llama_volume, bl_xfaq_voice_minute=guide.Check(arithmetic=voice_lo, arithmetic_high=voice_hi),
            bl_xfaq_voice_day=voice_day,
            bl_xfaq_voice_year=voice_day * faq.DAYS_PER_YEAR)

# %% [markdown]
# ## Smaller sums
#
# **Gateways.** At the guide's volume of {glue:text}`bl_gw_calls` calls a month, a self-hosted LiteLLM
# costs {glue:text}`bl_gw_litellm` per thousand calls and Portkey {glue:text}`bl_gw_portkey_lo` to
# {glue:text}`bl_gw_portkey_hi`; OpenRouter's markup on Sonnet's typical query is
# {glue:text}`bl_gw_openrouter` per thousand, more than either. A markup scales with the bill, a fee
# with the calls.
#
# **Subscription or API.** A chat subscription at {glue:text}`bl_sub` a month buys as much as
# {glue:text}`bl_sub_queries` of Sonnet's typical API queries: below that a month, the API is cheaper.
#
# **Spend by feature.** The guide's split of a {glue:text}`bl_split_spend` yearly bill sums to
# {glue:text}`bl_split_sum`; the table shows it in dollars.

# %% tags=["hide-input"]
figures.record("bl_gw_calls", gateway_calls_per_month, "count")
figures.record("bl_gw_litellm", litellm_usd_per_month / gateway_calls_per_month * 1_000, "usd")
figures.record("bl_gw_portkey_lo", portkey_usd_per_1k_calls[0], "usd")
figures.record("bl_gw_portkey_hi", portkey_usd_per_1k_calls[1], "usd")
figures.record("bl_gw_openrouter", openrouter_markup * sonnet_direct * 1_000, "usd")
figures.record("bl_sub", subscription_usd_per_month, "usd_per_month")
figures.record("bl_sub_queries", subscription_usd_per_month / sonnet_direct, "count")
split = pd.DataFrame({"feature": list(feature_split), "share": list(feature_split.values())})
split["spend"] = split["share"] * feature_split_spend_usd_per_year
figures.record("bl_split_spend", feature_split_spend_usd_per_year, "usd_per_year")
figures.record("bl_split_sum", split["share"].sum(), "fraction")
show_table(split, {"share": "fraction", "spend": "usd_per_year"})

# %% [markdown]
# ## Figures the lists repeat: the crossover, margins, reasoning, prices
#
# **The crossover band, three times.** The takeaways, the bottom line and the FAQ each repeat the
# crossover section's band of yearly spend. Worked as [the crossover](crossover.ipynb) works it (the
# self-hosting section's cluster and ops at that section's own conditions, rent under
# {glue:text}`bl_xo_rent` an hour and {glue:text}`bl_xo_util` utilisation, against the median
# {glue:text}`bl_margin_model` host), the break-even spend is {glue:text}`bl_xo_spend` a year,
# {glue:text}`bl_xo_pos`.
#
# **Providers' margins.** {glue:text}`bl_margin_model` is the only model whose serving cost the guide
# gives. On its self-hosting cluster run at the {glue:text}`bl_prov_util_lo` to
# {glue:text}`bl_prov_util_hi` utilisation the FAQ credits providers with, a million tokens of the
# reference request cost {glue:text}`bl_fleet_lo` (the busier end) to {glue:text}`bl_fleet_hi`. The
# hosts' prices leave a gross margin between {glue:text}`bl_margin_lo` and {glue:text}`bl_margin_hi`,
# {glue:text}`bl_margin_pos`{glue:text}`bl_margin_below`. The margins of closed models, whose costs
# the guide does not give, stay unchecked.
#
# **The reasoning premium.** The guide frames it as the same per-token price with many more tokens.
# Billing each tier of its effort table as output on the reference request, at that model's own
# prices, multiplies the request's cost by {glue:text}`bl_reason_lo` to {glue:text}`bl_reason_hi`,
# {glue:text}`bl_reason_pos`. The [reasoning chapter](reasoning.ipynb) checks the takeaway's own
# per-request multiple.
#
# **Prices quoted again.** o3's output, where its thinking is billed, is {glue:text}`bl_o3_out` a
# million in the book's price rows, {glue:text}`bl_o3_out_pos`, though the guide's second tear-down
# lists {glue:text}`bl_o3_out_alt`. Groq's {glue:text}`bl_margin_model` row reads
# {glue:text}`bl_groq_in` in ({glue:text}`bl_groq_in_pos`) and {glue:text}`bl_groq_out` out
# ({glue:text}`bl_groq_out_pos`). In the price databases, Anthropic's five-minute cache write costs
# {glue:text}`bl_cache_write` of its input rate, {glue:text}`bl_cache_write_pos`.
# The DeepSeek section's price table gives DeepSeek V3 {glue:text}`bl_ds_total` billion parameters,
# {glue:text}`bl_ds_active` billion active; set against the FAQ's MoE answer, the total is
# {glue:text}`bl_ds_total_pos` and the active count {glue:text}`bl_ds_active_pos`.
# The multimodal section prices native GPT-4o voice input at {glue:text}`bl_native_in_lo` to
# {glue:text}`bl_native_in_hi` a minute, {glue:text}`bl_native_in_pos` for the same meter in the
# Realtime answer.
#
# **Speculative decoding.** The takeaways' lever, {glue:text}`bl_specdec_kt_lo` to
# {glue:text}`bl_specdec_kt_hi` cheaper, is {glue:text}`bl_specdec_pos` for the speed-up in this answer,
# though per-token cost is said to fall in line with it; the guide's stacking example uses
# {glue:text}`bl_specdec_stack`.

# %%
llama = book_prices[book_prices["model"] == margin_model].dropna(subset=["input_usd_per_mtok", "output_usd_per_mtok"])
request_mtok = (typical_input_tokens + typical_output_tokens) / 1e6
llama_mtok = np.asarray(api.request_cost_usd(llama, input_tokens=typical_input_tokens,
                                             output_tokens=typical_output_tokens)) / request_mtok
# One stream of requests, as the crossover chapter counts it: input and output tokens together.
stream_tps = float(sc["input_tokens_per_s"] + sc["output_tokens_per_s"])
xo_cost = float(selfhost.selfhost_usd_per_mtok(crossover_max_rent_usd_per_hour, stream_tps, crossover_min_utilisation))
xo_spend = (float(ownership.breakeven_spend_usd_per_year(np.median(llama_mtok), xo_cost, float(sc["ops_usd_per_year"])))
            if len(llama) else float("nan"))
fleet_mtok = np.asarray(selfhost.selfhost_usd_per_mtok(float(sc["hourly_usd"]), stream_tps,
                                                       np.asarray(provider_utilisation)))
margins = faq.gross_margin_frac(llama_mtok[:, None], fleet_mtok[None, :])
margin_ends = (float(margins.min()), float(margins.max())) if len(llama) else (float("nan"), float("nan"))

# %% tags=["remove-input"]
figures.record("bl_xo_rent", crossover_max_rent_usd_per_hour, "usd")
figures.record("bl_xo_util", crossover_min_utilisation, "fraction")
figures.record("bl_xo_spend", xo_spend, "usd_per_year")
figures.glue_text("bl_margin_model", margin_model)
ours.update(bl_kt_crossover=xo_spend, bl_bl_crossover=xo_spend, bl_faq_crossover=xo_spend)
figures.glue_text("bl_xo_pos", versus("bl_kt_crossover", xo_spend))
for name, value in (("bl_prov_util_lo", provider_utilisation[0]), ("bl_prov_util_hi", provider_utilisation[1]),
                    ("bl_margin_lo", margin_ends[0]), ("bl_margin_hi", margin_ends[1])):
    figures.record(name, value, "fraction")
figures.record("bl_fleet_lo", float(fleet_mtok.min()), "usd_per_mtok")
figures.record("bl_fleet_hi", float(fleet_mtok.max()), "usd_per_mtok")
margin_check = guide.Check(truth=margin_ends[0], truth_high=margin_ends[1])
ours.update(bl_kt_margin=margin_check, bl_xfaq_margin=margin_check)
figures.glue_text("bl_margin_pos", versus("bl_kt_margin", margin_check))
figures.glue_text("bl_margin_below", ": on the guide's own cost, the cheapest host sells below that cost" if margin_ends[0] < 0 else "")
margin_table = pd.DataFrame({"host": llama["provider"].to_numpy(), "reference request per million": llama_mtok,
                             "margin, low utilisation": margins[:, 0], "margin, high utilisation": margins[:, 1]})
show_table(margin_table, {"reference request per million": "usd_per_mtok", "margin, low utilisation": "fraction",
                          "margin, high utilisation": "fraction"})

# %%
effort = effort_table.merge(book_prices[["provider", "model", "input_usd_per_mtok", "output_usd_per_mtok"]], on="model")
effort["premium"] = faq.reasoning_premium(effort["input_usd_per_mtok"], effort["output_usd_per_mtok"],
                                          typical_input_tokens, typical_output_tokens, effort["avg_thinking_tokens"])
reason_check = guide.Check(truth=float(effort["premium"].min()), truth_high=float(effort["premium"].max()))


def only(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].iloc[0]) if len(frame) == 1 else float("nan")


o3_row, groq_row = price_row("OpenAI", "o3"), price_row(*llama_hosted)
outside = price_records[price_records["source"].str.startswith(outside_price_sources)]
anthropic = outside[outside["provider"] == "Anthropic"]
cache_write = float((anthropic["cache_write_5m_usd_per_mtok"] / anthropic["input_usd_per_mtok"]).median())

# %% tags=["remove-input"]
specdec_kt = takeaway_levers["speculative decoding"]
ours.update(bl_bl_reasoning=reason_check, bl_xfaq_o3_output=only(o3_row, "output_usd_per_mtok"),
            bl_xfaq_groq_input=only(groq_row, "input_usd_per_mtok"), bl_xfaq_groq_output=only(groq_row, "output_usd_per_mtok"),
            bl_xfaq_cache_write=cache_write, bl_xfaq_specdec=guide.Check(truth=specdec_kt[0], truth_high=specdec_kt[1]))
figures.record("bl_reason_lo", reason_check.truth, "ratio")
figures.record("bl_reason_hi", reason_check.truth_high, "ratio")
figures.glue_text("bl_reason_pos", versus("bl_bl_reasoning", reason_check))
for name, value, cid in (("bl_o3_out", ours["bl_xfaq_o3_output"], "bl_xfaq_o3_output"),
                         ("bl_groq_in", ours["bl_xfaq_groq_input"], "bl_xfaq_groq_input"),
                         ("bl_groq_out", ours["bl_xfaq_groq_output"], "bl_xfaq_groq_output")):
    figures.record(name, value, "usd_per_mtok")
    figures.glue_text(f"{name}_pos", versus(cid, value))
figures.record("bl_o3_out_alt", only(o3_alt.iloc[:1], "output_usd_per_mtok"), "usd_per_mtok")
figures.record("bl_cache_write", cache_write, "fraction")
figures.glue_text("bl_cache_write_pos", versus("bl_xfaq_cache_write", cache_write))
ours.update(bl_faq_moe_total=deepseek_v3_params_elsewhere[0], bl_faq_moe_active=deepseek_v3_params_elsewhere[1])
for name, cid in (("bl_ds_total", "bl_faq_moe_total"), ("bl_ds_active", "bl_faq_moe_active")):
    figures.record(name, ours[cid] / 1e9, "count")
    figures.glue_text(f"{name}_pos", versus(cid, ours[cid]))
native_in = guide.Check(truth=native_voice_in_usd_per_min_elsewhere[0], truth_high=native_voice_in_usd_per_min_elsewhere[1])
ours["bl_xfaq_realtime_in"] = native_in
figures.record("bl_native_in_lo", native_in.truth, "usd")
figures.record("bl_native_in_hi", native_in.truth_high, "usd")
figures.glue_text("bl_native_in_pos", versus("bl_xfaq_realtime_in", native_in))
figures.record("bl_specdec_kt_lo", specdec_kt[0], "ratio")
figures.record("bl_specdec_kt_hi", specdec_kt[1], "ratio")
figures.glue_text("bl_specdec_pos", versus("bl_xfaq_specdec", ours["bl_xfaq_specdec"]))
figures.record("bl_specdec_stack", float(stack.set_index("step_id").loc["speculative_decoding", "speculative_speedup"]), "ratio")

# %% [markdown]
# ## Answers with no number to compute
#
# These answers give advice rather than a figure, or a figure the book has no data to check
# (policy thresholds, discount tiers, team sizes, margins the providers do not publish). In brief:
#
# - **Which provider?** Mix them: cheap models for easy traffic, a frontier model for the hard part;
#   an all-open-weight stack needs the operational maturity to run it. See
#   [hosted API prices](api_prices.ipynb) and [unit economics](unit_economics.ipynb).
# - **Testing ideas cheaply, free tiers, "free" models.** Free tiers and subscriptions suit prototypes;
#   rate limits, terms of use and data-use policies keep them out of production.
# - **How do API providers make money?** By running a large fleet busier than any one customer can,
#   which is the utilisation argument of [what a self-hosted token costs](selfhost_per_token.ipynb) and
#   [the crossover](crossover.ipynb); the margins the guide cites are set against
#   its own serving cost above.
# - **Are caches safe for sensitive data?** Only when cache entries are keyed by tenant (and adapter),
#   so one customer's prefix can never serve another's; see [prompt caching](prompt_caching.ipynb).
# - **Budgeting for spikes.** Keep a steady-state line and a separate spike reserve sized on the high
#   percentiles of load, alert on daily spend against normal, and cap spend per day and per tenant.
#   Owned hardware for the floor with hosted APIs for the bursts is the pattern sized in
#   [capacity planning](capacity_planning.ipynb) and [the crossover](crossover.ipynb).
# - **Runaway tenants.** Per-tenant caps in the gateway, a warning before the hard stop, and a page
#   when one tenant jumps well above its own recent trend.
# - **LLM share of infrastructure, enterprise discounts, FinOps team size, PTU utilisation.** Rules
#   of thumb with no data behind them in the guide; the PTU answer is the same break-even
#   utilisation as self-hosting, worked in [the crossover](crossover.ipynb).
# - **Reducing agent tokens.** Compaction, a sliding window, structured memory and parallel tool
#   calls; the compaction arithmetic is in the agents section above.
# - **Temperature.** No direct effect on cost; more deterministic outputs make an application-level
#   response cache hit more often.
# - **Telemetry.** The OpenTelemetry GenAI attributes carry input, output and cached token counts, which
#   is all a cost report across providers needs.
# - **Resellers, Bedrock or direct, SOC 2.** Buying direct is usually as cheap or cheaper; a cloud
#   marketplace is worth it for billing, identity, residency or committed cloud spend.
# - **Splitting costs across products.** Tag every call with product, feature and user at the gateway
#   and roll up by tag. The guide swaps the usual terms: showback reports costs to a team without
#   billing it, chargeback bills them (see the [glossary](glossary.md)).
# - **Cheaper models: margin or price?** Under a fixed price per customer the saving is margin; under
#   usage pricing it can be passed on. Most teams do some of each.
# - **Caching with structured outputs.** Independent: caching discounts the stable input prefix,
#   schema enforcement shapes the output.
# - **Multimodal output, MoE pricing, speculative decoding, semantic caching.** Image and speech output
#   have their own meters, which the book has no rows for; MoE cost follows the active parameters
#   ([physical limits](physical_limits.ipynb)); speculative decoding is checked in
#   [throughput multipliers](throughput_multipliers.ipynb); a semantic cache saves whatever share of
#   queries are near-duplicates.
# - **How often prices change; multi-year contracts.** Prices fall after launch and are re-anchored
#   by new models, so short contracts capture the falls; the rates are compared in the price-trend
#   section above.
#
# The remaining figures in these lists are checked in other chapters: Gemini Flash against Opus
# and GPT-5 in [hosted API prices](api_prices.ipynb), the one-hour cache break-even and the
# prefix-caching discounts in [prompt caching](prompt_caching.ipynb), the batch discount in
# [batch and off-peak](batch_offpeak.ipynb), and the self-hosting threshold in
# [the crossover](crossover.ipynb).

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`bl_verdicts` {glue:text}`bl_missing` Where the guide disagrees with itself the sections
# above say which reading the book takes. Each figure is checked on the guide's own inputs where it
# states them beside the figure, and against what its other sections, its price tables or the book's
# models give; the "why" column says which check failed and on what number. The misses fall into four
# kinds: ranges that do not match the guide's own price tables end by end (the takeaway's price band,
# the routing factor, the embedding gap, R1 against o3, the reasoning premium on the effort table),
# arithmetic on the wrong unit or inputs (the agent budget per task, the voice minute, the self-hosted
# Llama threshold), figures another section contradicts (the single L40S at a whole node's rent, the
# used-H100 pair, the crossover band the lists repeat, providers' margins on the guide's own serving
# cost, the speculative-decoding range), and rates of price decline that its own history does not
# support.

# %%
checked = {k: v for k, v in ours.items() if np.isfinite(guide.headline(guide.as_check(gclaims.loc[k], v)))}

# %% tags=["remove-input"]
figures.glue_text("bl_missing", "" if len(checked) == len(ours) else (
    f"{len(ours) - len(checked)} figure(s) could not be computed from the prices in use and are left out: "
    + ", ".join(sorted(set(ours) - set(checked))) + "."))

# %%
comparison = guide.comparison_table(claims, checked)

# %% tags=["remove-input"]
publish.verdicts("bl_verdicts", comparison)

# %% tags=["remove-input"]
waste_v = guide.count_verdicts(comparison[comparison["claim_id"].isin(["bl_faq_compaction", "bl_xfaq_rag_rerank"])])
waste = ("as costly as the guide says" if not waste_v["misses"]
         else "costly, though not always by the guide's factor")
figures.glue_text("bl_answer", (
    f"{guide.holds_sentence(comparison)}. The forecasting recipe holds up and is "
    f"below as a forecaster; routing easy queries to a cheap model saves {figures.fmt_pct(route_saving)} of the "
    f"bill at the prices in use; agent and RAG waste is {waste}. What does not hold is "
    f"the guide's optimism about falling prices (its own history compounds to "
    f"{figures.fmt_ratio(cheap_hist['high'])} a year at best for cheap models, not "
    f"{guide.guide_text(gclaims.loc['bl_faq_trend'])}), ranges its own price tables do not bear out end "
    f"by end, figures its other sections contradict, and slips of unit."
))
