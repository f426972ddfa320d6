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
# # Hosted API prices
#
# **The question.** What does one typical request cost on each hosted model the guide prices,
# and how far apart are the cheapest and the dearest?
#
# **The answer.** {glue:text}`ap_answer`
#
# The prices are the guide's, dated mid-2026, read from `data/api_prices.csv`; where the guide
# prices one model two ways, both rows are kept and the table near the end shows them side by
# side.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
api_price_bands_csv = "data/api_price_bands.csv"
guide_claims_csv = "data/guide_claims.csv"
reasoning_effort_csv = "data/reasoning_effort.csv"
# The guide's reference request and volume.
reference_input_tokens = 1_500
reference_output_tokens = 300
requests_per_day = 100_000
days_per_month = 30
# The guide's "1M tokens of mixed traffic" and long-context examples.
mixed_input_tokens = 700_000
mixed_output_tokens = 300_000
mixed_requests = 1_000  # the mixed traffic arrives as this many requests, each far below any long-context tier
long_context_prompt_tokens = 500_000
# The representative model of each tier in the guide's side-by-side table (provider, model).
side_by_side_tiers = [
    ("Google", "Gemini 2.5 Flash"), ("Together", "Llama 3.1 8B"), ("Together", "Llama 3.3 70B"),
    ("Anthropic", "Claude Sonnet 4.6"), ("OpenAI", "GPT-4o"), ("DeepSeek", "DeepSeek R1"),
    ("OpenAI", "o3"), ("Anthropic", "Claude Opus 4.x"),
]
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, figures, guide
from lib.book.present import show_table, snapshot_banner
from lib.costs import api
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
bands = tables.load_api_price_bands(api_price_bands_csv)
claims = tables.load_guide_claims(guide_claims_csv)
effort = tables.load_reasoning_effort(reasoning_effort_csv)
# A model sold by several hosts is labelled with its host; a first-party model by its name alone.
hosts_per_model = book_prices.groupby("model")["provider"].transform("nunique")
book_prices["label"] = np.where(hosts_per_model > 1, book_prices["model"] + " (" + book_prices["provider"] + ")",
                                book_prices["model"])
paid = book_prices[book_prices["input_usd_per_mtok"] > 0].reset_index(drop=True)
ours: dict[str, float] = {}  # claim id -> our figure, compared with the guide at the end


def price_row(provider: str, model: str) -> pd.DataFrame:
    row = book_prices[(book_prices["provider"] == provider) & (book_prices["model"] == model)]
    if len(row) != 1:
        raise KeyError(f"no book price row for {provider} {model} in {api_prices_csv}")
    return row


def thinking_tokens(model: str, effort_name: str) -> int:
    row = effort[(effort["model"] == model) & (effort["effort"] == effort_name)]
    if len(row) != 1:
        raise KeyError(f"no thinking-token figure for {model} at effort '{effort_name}' in {reasoning_effort_csv}")
    return int(row["avg_thinking_tokens"].iloc[0])


def query_cost(provider: str, model: str, effort_name: str | None = None, input_tokens: int = reference_input_tokens,
               output_tokens: int = reference_output_tokens, prices: pd.DataFrame | None = None) -> float:
    row = price_row(provider, model) if prices is None else prices
    thinking = thinking_tokens(model, effort_name) if effort_name else 0
    return float(api.request_cost_usd(row, input_tokens=input_tokens, output_tokens=output_tokens,
                                      thinking_tokens=thinking)[0])


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## The price list
#
# {glue:text}`ap_n_rows` price rows cover {glue:text}`ap_n_models` models from
# {glue:text}`ap_n_providers` providers and hosts. The first table holds the first-party APIs
# with every tier the guide gives: cached input, cache writes (5-minute and 1-hour), the batch
# discount, the long-context tier and off-peak rates. A dash means the guide states no such price.

# %% tags=["hide-input"]
figures.record("ap_n_rows", len(book_prices), "count")
figures.record("ap_n_models", book_prices["model"].nunique(), "count")
figures.record("ap_n_providers", book_prices["provider"].nunique(), "count")
first_party = book_prices[hosts_per_model == 1].sort_values(["provider", "input_usd_per_mtok"], kind="stable")


def long_tier_text(r: pd.Series) -> str | None:
    if pd.isna(r["long_context_threshold_tokens"]):
        return None
    return (f"above {figures.fmt_number(float(r['long_context_threshold_tokens']))} tokens: "
            f"{figures.fmt_usd(r['long_input_usd_per_mtok'])} / {figures.fmt_usd(r['long_output_usd_per_mtok'])}")


def offpeak_text(r: pd.Series) -> str | None:
    if pd.isna(r["offpeak_input_usd_per_mtok"]):
        return None
    return (f"{figures.fmt_usd(r['offpeak_input_usd_per_mtok'])} / {figures.fmt_usd(r['offpeak_output_usd_per_mtok'])}"
            f" ({r['offpeak_start_utc']}–{r['offpeak_end_utc']} UTC)")


long_tier = first_party.apply(long_tier_text, axis=1)
offpeak = first_party.apply(offpeak_text, axis=1)
show_table(
    pd.DataFrame({
        "provider": first_party["provider"], "model": first_party["model"],
        "input $/M": first_party["input_usd_per_mtok"], "output $/M": first_party["output_usd_per_mtok"],
        "cached input $/M": first_party["cached_input_usd_per_mtok"],
        "cache write 5 min $/M": first_party["cache_write_5m_usd_per_mtok"],
        "cache write 1 h $/M": first_party["cache_write_1h_usd_per_mtok"],
        "batch discount": first_party["batch_discount_frac"],
        "long context (in / out $/M)": long_tier, "off-peak (in / out $/M)": offpeak,
    }),
    {"input $/M": "usd_per_mtok", "output $/M": "usd_per_mtok", "cached input $/M": "usd_per_mtok",
     "cache write 5 min $/M": "usd_per_mtok", "cache write 1 h $/M": "usd_per_mtok", "batch discount": "fraction"},
)

# %% [markdown]
# Open-weight models are sold by several hosts at different prices; the guide's host table,
# one cell per host, as input / output $ per million tokens:

# %% tags=["hide-input"]
hosted = book_prices[hosts_per_model > 1]
cells = hosted.assign(cell=hosted["input_usd_per_mtok"].map(figures.fmt_usd) + " / "
                      + hosted["output_usd_per_mtok"].map(figures.fmt_usd))
host_matrix = cells.pivot(index="model", columns="provider", values="cell").reset_index()
show_table(host_matrix.rename_axis(columns=None))

# %% [markdown]
# The guide also gives ranges rather than single prices in its headline tables; they are kept as
# ranges:

# %% tags=["hide-input"]
show_table(
    bands[["scope", "input_usd_per_mtok_low", "input_usd_per_mtok_high", "output_usd_per_mtok_low",
           "output_usd_per_mtok_high", "source"]].rename(columns={
        "input_usd_per_mtok_low": "input low $/M", "input_usd_per_mtok_high": "input high $/M",
        "output_usd_per_mtok_low": "output low $/M", "output_usd_per_mtok_high": "output high $/M"}),
    {"input low $/M": "usd_per_mtok", "input high $/M": "usd_per_mtok", "output low $/M": "usd_per_mtok",
     "output high $/M": "usd_per_mtok"},
)

# %% [markdown]
# ## One request on every model
#
# The guide's reference request is {glue:text}`ap_ref_in` tokens in and {glue:text}`ap_ref_out`
# out. It costs {glue:text}`ap_cheapest_cost` on the cheapest paid model,
# {glue:text}`ap_cheapest_model`, and {glue:text}`ap_dearest_cost` on the dearest,
# {glue:text}`ap_dearest_model`: a spread of {glue:text}`ap_spread`, or
# {glue:text}`ap_spread_orders` orders of magnitude. At {glue:text}`ap_requests_per_day`
# requests a day that is the difference between {glue:text}`ap_cheapest_month` and
# {glue:text}`ap_dearest_month` a month. Reasoning models cost more than their prices suggest:
# the two rows marked with an effort level add the guide's average thinking tokens, billed as
# output.

# %%
per_query = api.cost_table(paid, input_tokens=reference_input_tokens, output_tokens=reference_output_tokens,
                           requests_per_day=requests_per_day, days_per_month=days_per_month)
per_query["label"] = paid.set_index(["provider", "model"]).loc[
    list(zip(per_query["provider"], per_query["model"])), "label"].to_numpy()
reasoning_rows = []
for provider, model, effort_name in [("OpenAI", "o3", "medium"), ("DeepSeek", "DeepSeek R1", "default")]:
    cost = query_cost(provider, model, effort_name)
    reasoning_rows.append({"provider": provider, "model": model, "usd_per_request": cost,
                           "usd_per_day": cost * requests_per_day,
                           "usd_per_month": cost * requests_per_day * days_per_month,
                           "label": f"{model} ({effort_name} effort, {thinking_tokens(model, effort_name):,} thinking)"})
with_reasoning = pd.concat([per_query, pd.DataFrame(reasoning_rows)], ignore_index=True).sort_values(
    ["usd_per_request", "label"], kind="stable").reset_index(drop=True)
cheapest, dearest = per_query.iloc[0], per_query.iloc[-1]
spread = dearest["usd_per_request"] / cheapest["usd_per_request"]
figures.record("ap_ref_in", reference_input_tokens, "tokens")
figures.record("ap_ref_out", reference_output_tokens, "tokens")
figures.record("ap_requests_per_day", requests_per_day, "count")
figures.record("ap_cheapest_cost", cheapest["usd_per_request"], "usd_per_request")
figures.glue_text("ap_cheapest_model", cheapest["label"])
figures.record("ap_dearest_cost", dearest["usd_per_request"], "usd_per_request")
figures.glue_text("ap_dearest_model", dearest["label"])
figures.record("ap_spread", spread, "ratio")
figures.record("ap_spread_orders", np.log10(spread), "orders_of_magnitude")
figures.record("ap_cheapest_month", cheapest["usd_per_month"], "usd_per_month")
figures.record("ap_dearest_month", dearest["usd_per_month"], "usd_per_month")
show_table(
    with_reasoning[["label", "provider", "usd_per_request", "usd_per_day", "usd_per_month"]].rename(columns={
        "label": "model", "usd_per_request": "per request", "usd_per_day": "per day", "usd_per_month": "per month"}),
    {"per request": "usd_per_request", "per day": "usd_per_day", "per month": "usd_per_month"},
)

# %% [markdown]
# **Try it here.** The sliders change the request and the volume; the chart recomputes every
# model's monthly bill in the page (log scale: each grid line is ten times the last).

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

# %%
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
# ## Tiers, not models
#
# The guide's side-by-side table picks one model per tier. Across those
# {glue:text}`ap_tier_count` tiers the reference request runs from {glue:text}`ap_tier_cheapest`
# to {glue:text}`ap_tier_dearest`, a spread of {glue:text}`ap_tier_spread`. Gemini 2.5 Flash
# against o3 at medium effort, thinking included, is {glue:text}`ap_flash_o3_orders` orders of
# magnitude. GPT-5's list price is {glue:text}`ap_gpt5_over_flash` Gemini 2.5 Flash's, input and
# output alike.

# %%
tier_costs = pd.DataFrame([{"provider": p, "model": m, "usd_per_request": query_cost(p, m)}
                           for p, m in side_by_side_tiers])
tier_spread = tier_costs["usd_per_request"].max() / tier_costs["usd_per_request"].min()
flash = query_cost("Google", "Gemini 2.5 Flash")
o3_medium = query_cost("OpenAI", "o3", "medium")
gpt5, flash_row, opus = (price_row("OpenAI", "GPT-5"), price_row("Google", "Gemini 2.5 Flash"),
                         price_row("Anthropic", "Claude Opus 4.x"))
gpt5_over_flash = float(gpt5["input_usd_per_mtok"].iloc[0] / flash_row["input_usd_per_mtok"].iloc[0])
ours.update(ap_spread_tiers=tier_spread, ap_spread_orders=float(np.log10(o3_medium / flash)),
            ap_flash_vs_gpt5=gpt5_over_flash, ap_faq_flash_vs_gpt5=gpt5_over_flash,
            ap_faq_flash_vs_opus=float(opus["input_usd_per_mtok"].iloc[0] / flash_row["input_usd_per_mtok"].iloc[0]))
figures.record("ap_tier_count", len(tier_costs), "count")
figures.record("ap_tier_cheapest", tier_costs["usd_per_request"].min(), "usd_per_request")
figures.record("ap_tier_dearest", tier_costs["usd_per_request"].max(), "usd_per_request")
figures.record("ap_tier_spread", tier_spread, "ratio")
figures.record("ap_flash_o3_orders", np.log10(o3_medium / flash), "orders_of_magnitude")
figures.record("ap_gpt5_over_flash", gpt5_over_flash, "ratio")

# %% [markdown]
# ## One guide, two price lists
#
# The guide prices {glue:text}`ap_n_conflicts` models in two or more ways, usually once in its
# first per-provider tear-down and again in the second. The book uses the first tear-down's row
# throughout, because the guide's fifteen-model table and most of its worked examples are computed
# from it; every other row stays in the data, and the reference request is priced under each:

# %%
groups = all_prices.groupby(["provider", "model"])["price_id"].transform("count")
conflicts = all_prices[groups > 1].copy()
conflicts["book_uses"] = conflicts["book_uses"].map({True: "yes", False: "no"})
conflicts["reference request"] = api.request_cost_usd(conflicts, input_tokens=reference_input_tokens,
                                                      output_tokens=reference_output_tokens)
figures.record("ap_n_conflicts", conflicts[["provider", "model"]].drop_duplicates().shape[0], "count")
show_table(
    conflicts.sort_values(["provider", "model", "book_uses"], ascending=[True, True, False], kind="stable")[
        ["provider", "model", "book_uses", "input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok",
         "reference request", "choice_note"]].rename(columns={
        "book_uses": "book uses", "input_usd_per_mtok": "input $/M", "output_usd_per_mtok": "output $/M",
        "cached_input_usd_per_mtok": "cached $/M", "choice_note": "why"}),
    {"input $/M": "usd_per_mtok", "output $/M": "usd_per_mtok", "cached $/M": "usd_per_mtok",
     "reference request": "usd_per_request"},
)

# %% [markdown]
# The clash shows in the guide's own arithmetic. Its "1M tokens of mixed traffic" table
# ({glue:text}`ap_mixed_in` in, {glue:text}`ap_mixed_out` out, here spread over
# {glue:text}`ap_mixed_requests` requests so that no single request reaches a long-context tier) is
# computed from the second
# tear-down's prices, so it matches those rows and not the book's. Both are shown; the
# comparison at the end uses the book's prices.

# %%
mixed_claims = {
    "ap_mixed_gpt5": ("OpenAI", "GPT-5"), "ap_mixed_gpt5_mini": ("OpenAI", "GPT-5 mini"),
    "ap_mixed_opus": ("Anthropic", "Claude Opus 4.x"), "ap_mixed_sonnet": ("Anthropic", "Claude Sonnet 4.6"),
    "ap_mixed_haiku": ("Anthropic", "Claude Haiku 4.5"), "ap_mixed_gemini_pro": ("Google", "Gemini 2.5 Pro"),
    "ap_mixed_gemini_flash": ("Google", "Gemini 2.5 Flash"), "ap_mixed_deepseek": ("DeepSeek", "DeepSeek V3"),
    "ap_mixed_llama33_groq": ("Groq", "Llama 3.3 70B"),
}
second_teardown = "Per-provider 2026 pricing tear-down: every model, every tier"
mixed_rows = []
for claim_id, (provider, model) in mixed_claims.items():
    rows = all_prices[(all_prices["provider"] == provider) & (all_prices["model"] == model)]
    section_rows = rows[rows["source"].str.contains(second_teardown, regex=False)]
    section_row = section_rows.iloc[[0]] if len(section_rows) else rows[rows["book_uses"]]
    per_request = dict(input_tokens=mixed_input_tokens // mixed_requests,
                       output_tokens=mixed_output_tokens // mixed_requests)
    book_cost = mixed_requests * query_cost(provider, model, **per_request)
    section_cost = mixed_requests * query_cost(provider, model, prices=section_row, **per_request)
    ours[claim_id] = book_cost
    check = guide.compare(claims, claim_id, section_cost)
    mixed_rows.append({"model": model, "guide": check["guide"], "book prices": book_cost,
                       "second tear-down prices": section_cost, "guide vs its own section": check["verdict"]})
figures.record("ap_mixed_in", mixed_input_tokens, "tokens")
figures.record("ap_mixed_out", mixed_output_tokens, "tokens")
figures.record("ap_mixed_requests", mixed_requests, "count")
show_table(pd.DataFrame(mixed_rows), {"book prices": "usd", "second tear-down prices": "usd"})

# %% [markdown]
# ## Long context: which tokens pay the higher rate?
#
# Gemini 2.5 Pro charges more above {glue:text}`ap_long_threshold` prompt tokens, and the guide
# applies that two ways. Its Google tear-down bills only the tokens past the threshold at the
# higher rate ({glue:text}`ap_long_graduated` for a {glue:text}`ap_long_tokens`-token prompt);
# its long-context section bills the whole request at the higher rate
# ({glue:text}`ap_long_whole`). The book's data follows the second reading, the whole request,
# which is the rule LiteLLM's price database encodes for its `_above_200k_tokens` prices.

# %%
gemini_pro = price_row("Google", "Gemini 2.5 Pro")
whole = query_cost("Google", "Gemini 2.5 Pro", input_tokens=long_context_prompt_tokens, output_tokens=0,
                   prices=gemini_pro.assign(long_context_rule="whole_request"))
graduated = query_cost("Google", "Gemini 2.5 Pro", input_tokens=long_context_prompt_tokens, output_tokens=0,
                       prices=gemini_pro.assign(long_context_rule="above_threshold_only"))
ours.update(ap_gemini_pro_500k_whole=whole, ap_gemini_pro_500k_graduated=graduated)
figures.record("ap_long_threshold", gemini_pro["long_context_threshold_tokens"].iloc[0], "tokens")
figures.record("ap_long_tokens", long_context_prompt_tokens, "tokens")
figures.record("ap_long_whole", whole, "usd")
figures.record("ap_long_graduated", graduated, "usd")

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`ap_verdicts` Reasoning rows use the guide's average thinking tokens for that
# effort level from `data/reasoning_effort.csv`; the guide does not say which count its own
# per-query figures assumed, so the implied count is shown in the last column where it differs.

# %%
per_model_claims = {
    "ap_query_gpt5": ("OpenAI", "GPT-5", None), "ap_query_gpt4o": ("OpenAI", "GPT-4o", None),
    "ap_query_gpt4o_mini": ("OpenAI", "GPT-4o mini", None), "ap_query_o3_medium": ("OpenAI", "o3", "medium"),
    "ap_query_opus": ("Anthropic", "Claude Opus 4.x", None), "ap_query_sonnet": ("Anthropic", "Claude Sonnet 4.6", None),
    "ap_query_haiku": ("Anthropic", "Claude Haiku 4.5", None), "ap_query_gemini_pro": ("Google", "Gemini 2.5 Pro", None),
    "ap_query_gemini_flash": ("Google", "Gemini 2.5 Flash", None),
    "ap_query_deepseek_v3": ("DeepSeek", "DeepSeek V3", None),
    "ap_query_deepseek_r1": ("DeepSeek", "DeepSeek R1", "default"),
    "ap_query_llama33_together": ("Together", "Llama 3.3 70B", None),
    "ap_prose_flash": ("Google", "Gemini 2.5 Flash", None), "ap_prose_sonnet": ("Anthropic", "Claude Sonnet 4.6", None),
    "ap_prose_opus": ("Anthropic", "Claude Opus 4.x", None), "ap_prose_o3": ("OpenAI", "o3", None),
}
implied_thinking = {}
for claim_id, (provider, model, effort_name) in per_model_claims.items():
    ours[claim_id] = query_cost(provider, model, effort_name)
    if effort_name:
        row = price_row(provider, model).iloc[0]
        stated = float(claims.set_index("claim_id").loc[claim_id, "guide_value"])
        billed_out = (stated * 1e6 - reference_input_tokens * row["input_usd_per_mtok"]) / row["output_usd_per_mtok"]
        implied_thinking[claim_id] = f"{billed_out - reference_output_tokens:,.0f} thinking tokens"
comparison = guide.comparison_table(claims, ours)
comparison["guide's implied input"] = comparison["claim_id"].map(implied_thinking)
figures.glue_text("ap_verdicts", guide.verdict_summary(comparison))
show_table(comparison.drop(columns="claim_id"))

# %% tags=["remove-input"]
figures.glue_text("ap_answer", (
    f"The reference request of {reference_input_tokens:,} tokens in and {reference_output_tokens:,} out costs from "
    f"{figures.fmt_usd(cheapest['usd_per_request'])} ({cheapest['label']}) to "
    f"{figures.fmt_usd(dearest['usd_per_request'])} ({dearest['label']}), a {figures.fmt_ratio(spread)} spread; "
    f"with reasoning tokens billed as output, o3 at medium effort costs {figures.fmt_usd(o3_medium)}."
))
