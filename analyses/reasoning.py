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
# # Reasoning models
#
# **The question.** A reasoning model's price per token looks like a chat model's. What does a
# request really cost once its hidden thinking tokens are billed, how much does the effort
# setting move it, and how much does routing only the hard queries to it save?
#
# **The answer.** {glue:text}`rs_answer`
#
# Prices are the guide's mid-2026 list prices from `data/api_prices.csv`; thinking-token counts
# are the guide's, from `data/reasoning_effort.csv` (effort tiers) and
# `data/reasoning_examples.csv` (its worked examples).

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
reasoning_effort_csv = "data/reasoning_effort.csv"
reasoning_examples_csv = "data/reasoning_examples.csv"
reasoning_frontier_csv = "data/reasoning_frontier.csv"
reasoning_budget_classes_csv = "data/reasoning_budget_classes.csv"
# The guide's effort-table request: 1,000 tokens in, 500 visible tokens out.
effort_input_tokens = 1_000
effort_visible_tokens = 500
# The guide's "hard query" comparison (key takeaways): a 200-token chat answer.
chat_visible_tokens = 200
# The guide's thinking ratio for o3-high on its hardest tasks ("R = 30").
guide_hardest_r = 30
# The guide's low-volume research assistant: queries a day at a stated cost each.
assistant_queries_per_day, assistant_usd_per_query = 100, 0.50
# Queries a year in the guide's coding example.
queries_per_year = 1_000_000
# Share of a thinking cap a model uses on average (the guide's rule of thumb for Opus on hard math).
mean_fraction_of_cap = 0.75
# The guide's routing example: traffic shares and the per-query cost it assumes for each tier.
routing_mix = {"easy": 0.70, "medium": 0.25, "hard": 0.05}
guide_tier_cost_usd = {"easy": 0.005, "medium": 0.03, "hard": 0.50}
# The book prices each tier with one model on the GPQA example's request (price_id, effort or None).
book_tiers = {"easy": ("anthropic-claude-haiku-4-5", None), "medium": ("deepseek-deepseek-r1", "default"),
              "hard": ("openai-o3", "high")}
tier_request_example = "gpqa-o3-high"  # the request shape (input, visible output) the tiers are priced on
# The guide's ROI example: chat-only and all-high costs and pass rates, and the routed split.
roi_chat_cost_usd, roi_chat_pass = 0.001, 0.70
roi_high_cost_usd, roi_high_pass = 0.10, 0.90
roi_routed_mix = {"chat": 0.80, "medium": 0.20}
# The per-query budget table is "o3-class": priced at o3's book row and at the guide's second o3 price.
budget_price_ids = ["openai-o3", "openai-o3-teardown2"]
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
from lib.costs import api, reasoning
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
claims = tables.load_guide_claims(guide_claims_csv)
effort = tables.load_reasoning_effort(reasoning_effort_csv)
examples = tables.load_reasoning_examples(reasoning_examples_csv).set_index("example_id")
frontier = tables.load_reasoning_frontier(reasoning_frontier_csv)
budget_classes = tables.load_reasoning_budget_classes(reasoning_budget_classes_csv)
ours: dict[str, float] = {}  # claim id -> our figure, compared with the guide at the end


def price(price_id: str) -> pd.DataFrame:
    row = all_prices[all_prices["price_id"] == price_id]
    if len(row) != 1:
        raise KeyError(f"no price row '{price_id}' in {api_prices_csv}")
    return row


def effort_tokens(effort_id: str) -> int:
    return int(effort.set_index("effort_id").loc[effort_id, "avg_thinking_tokens"])


def cost(price_id: str, input_tokens: float, visible: float, thinking: float) -> float:
    """One request, thinking billed as output, through the shared pricing function."""
    r = thinking / visible if visible else 0.0
    if visible:
        return float(reasoning.reasoning_request_cost_usd(price(price_id), input_tokens=input_tokens,
                                                          visible_output_tokens=visible, thinking_ratio=r)[0])
    return float(api.request_cost_usd(price(price_id), input_tokens=input_tokens, thinking_tokens=thinking)[0])


def example_cost(example_id: str, thinking: float | None = None) -> float:
    e = examples.loc[example_id]
    return cost(e["price_id"], e["input_tokens"], e["visible_output_tokens"],
                e["thinking_tokens"] if thinking is None else thinking)


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## Thinking tokens and the ratio R
#
# A reasoning model writes a hidden chain of thought before its answer, and every thinking token
# is billed at the output rate. The guide's shorthand is the ratio of thinking to visible output,
# R; the output bill is the visible output's times (1 + R). The guide's effort table prices a
# request of {glue:text}`rs_effort_in` tokens in and {glue:text}`rs_effort_visible` visible
# tokens out at each model's average thinking count. On o3, moving from low to high effort
# multiplies the request's cost by {glue:text}`rs_o3_low_to_high`; the cheapest reasoning row,
# {glue:text}`rs_cheapest_effort_label`, costs {glue:text}`rs_cheapest_effort_cost`, and the
# dearest, {glue:text}`rs_dearest_effort_label`, {glue:text}`rs_dearest_effort_cost`.

# %% tags=["hide-input"]
effort_claims = {
    "rs_effort_o3_low": ("o3-low", "openai-o3"), "rs_effort_o3_medium": ("o3-medium", "openai-o3"),
    "rs_effort_o3_high": ("o3-high", "openai-o3"),
    "rs_effort_opus_2000": ("opus-budget-2000", "anthropic-claude-opus-4x"),
    "rs_effort_opus_16000": ("opus-budget-16000", "anthropic-claude-opus-4x"),
    "rs_effort_r1": ("deepseek-r1-default", "deepseek-deepseek-r1"),
    "rs_effort_deep_think": ("gemini-deep-think-default", "google-gemini-2-5-pro"),
}

# %%
effort_rows = []
for claim_id, (effort_id, price_id) in effort_claims.items():
    thinking = effort_tokens(effort_id)
    e = effort.set_index("effort_id").loc[effort_id]
    c = cost(price_id, effort_input_tokens, effort_visible_tokens, thinking)
    ours[claim_id] = c
    r = float(reasoning.thinking_ratio(thinking, effort_visible_tokens))
    effort_rows.append({"model": e["model"], "effort": e["effort"], "thinking tokens": thinking, "R": r,
                        "output bill × visible": float(reasoning.output_multiplier(r)),
                        "priced at": price(price_id)["model"].iloc[0], "per request": c})
effort_table = pd.DataFrame(effort_rows)

# %% tags=["remove-input"]
o3_by_effort = effort_table[effort_table["model"] == "o3"].set_index("effort")["per request"]
ours["rs_r1_o3_gap"] = ours["rs_effort_o3_high"] / ours["rs_effort_r1"]
ours["rs_o3_high_top"] = cost("openai-o3", effort_input_tokens, effort_visible_tokens, 20_000)
ours["rs_opus_16k_worst"] = cost("anthropic-claude-opus-4x", 0, 0, 16_000)
gpt5_effort_shape = cost("openai-gpt-5", effort_input_tokens, effort_visible_tokens, 0)
ours["rs_bill_10_50x"] = ours["rs_effort_o3_medium"] / gpt5_effort_shape
ours["rs_assistant_day"] = assistant_queries_per_day * assistant_usd_per_query
ours["rs_takeaway_25x"] = float(reasoning.output_multiplier(reasoning.thinking_ratio(5_000, chat_visible_tokens)))
cheapest_effort = effort_table.loc[effort_table["per request"].idxmin()]
dearest_effort = effort_table.loc[effort_table["per request"].idxmax()]
figures.record("rs_effort_in", effort_input_tokens, "tokens")
figures.record("rs_effort_visible", effort_visible_tokens, "tokens")
figures.record("rs_o3_low_to_high", o3_by_effort["high"] / o3_by_effort["low"], "ratio")
figures.glue_text("rs_cheapest_effort_label", f"{cheapest_effort['model']} ({cheapest_effort['effort']})")
figures.record("rs_cheapest_effort_cost", cheapest_effort["per request"], "usd_per_request")
figures.glue_text("rs_dearest_effort_label", f"{dearest_effort['model']} ({dearest_effort['effort']})")
figures.record("rs_dearest_effort_cost", dearest_effort["per request"], "usd_per_request")
show_table(effort_table, {"thinking tokens": "tokens", "R": "ratio", "output bill × visible": "ratio",
                          "per request": "usd_per_request"})

# %% [markdown]
# Against GPT-5 on the same request, o3 at medium effort costs {glue:text}`rs_o3_vs_gpt5`:
# the per-token prices are in the same range, the token count is not.

# %% tags=["hide-input"]
figures.record("rs_o3_vs_gpt5", ours["rs_bill_10_50x"], "ratio")

# %% [markdown]
# ## Three worked examples
#
# **A coding question.** A {glue:text}`rs_coding_in`-token refactoring prompt answered in
# {glue:text}`rs_coding_visible` visible tokens costs {glue:text}`rs_coding_sonnet_cost` on
# Sonnet 4.6 without thinking and {glue:text}`rs_coding_o3_cost` on o3 at medium effort with
# {glue:text}`rs_coding_thinking` thinking tokens: {glue:text}`rs_coding_ratio` as much. Over
# {glue:text}`rs_queries_per_year` queries a year that is {glue:text}`rs_coding_sonnet_year`
# against {glue:text}`rs_coding_o3_year`. (The guide's o3-medium figure in its fifteen-model table
# implies a different thinking count from its effort table; that is checked in the API prices
# chapter, claim `ap_query_o3_medium`, and not repeated here.)

# %%
coding_sonnet, coding_o3 = example_cost("coding-sonnet"), example_cost("coding-o3-medium")

# %% tags=["remove-input"]
ours.update(rs_coding_sonnet=coding_sonnet, rs_coding_o3=coding_o3, rs_coding_ratio=coding_o3 / coding_sonnet,
            rs_coding_sonnet_year=coding_sonnet * queries_per_year, rs_coding_o3_year=coding_o3 * queries_per_year)
figures.record("rs_coding_in", examples.loc["coding-o3-medium", "input_tokens"], "tokens")
figures.record("rs_coding_visible", examples.loc["coding-o3-medium", "visible_output_tokens"], "tokens")
figures.record("rs_coding_thinking", examples.loc["coding-o3-medium", "thinking_tokens"], "tokens")
figures.record("rs_coding_sonnet_cost", coding_sonnet, "usd_per_request")
figures.record("rs_coding_o3_cost", coding_o3, "usd_per_request")
figures.record("rs_coding_ratio", coding_o3 / coding_sonnet, "ratio")
figures.record("rs_queries_per_year", queries_per_year, "count")
figures.record("rs_coding_sonnet_year", coding_sonnet * queries_per_year, "usd_per_year")
figures.record("rs_coding_o3_year", coding_o3 * queries_per_year, "usd_per_year")

# %% [markdown]
# **A thinking budget.** Opus with a cap of {glue:text}`rs_cap_tokens` thinking tokens, on a
# {glue:text}`rs_cap_in`-token prompt with a {glue:text}`rs_cap_visible`-token answer, costs at
# most {glue:text}`rs_cap_worst` (the cap fully used) against {glue:text}`rs_cap_off` with
# thinking off, {glue:text}`rs_cap_ratio` as much. The cap bounds the bill, but the expected bill
# depends on how much of the cap is used: at the guide's rule of thumb of
# {glue:text}`rs_cap_fraction` of the cap, a request costs {glue:text}`rs_cap_expected`. The
# guide's wording (that share "× cap as your expected per-query cost") could also be read as
# that share of the whole worst-case bill, {glue:text}`rs_cap_expected_whole`; the cap limits
# thinking tokens only, so the book uses the first reading.

# %%
cap = examples.loc["cap-opus-budget-8000"]
opus = price("anthropic-claude-opus-4x").iloc[0]
cap_worst = example_cost("cap-opus-budget-8000")
cap_off = example_cost("cap-opus-no-thinking")
expected_thinking = float(reasoning.expected_thinking_tokens_under_cap(cap["thinking_cap_tokens"], mean_fraction_of_cap))
cap_expected = example_cost("cap-opus-budget-8000", thinking=expected_thinking)

# %% tags=["remove-input"]
ours.update(rs_cap_thinking=cap["thinking_tokens"] * opus["output_usd_per_mtok"] / 1e6,
            rs_cap_output=cap["visible_output_tokens"] * opus["output_usd_per_mtok"] / 1e6,
            rs_cap_input=cap["input_tokens"] * opus["input_usd_per_mtok"] / 1e6,
            rs_cap_total=cap_worst, rs_cap_no_thinking=cap_off, rs_cap_ratio=cap_worst / cap_off)
figures.record("rs_cap_tokens", cap["thinking_cap_tokens"], "tokens")
figures.record("rs_cap_in", cap["input_tokens"], "tokens")
figures.record("rs_cap_visible", cap["visible_output_tokens"], "tokens")
figures.record("rs_cap_worst", cap_worst, "usd_per_request")
figures.record("rs_cap_off", cap_off, "usd_per_request")
figures.record("rs_cap_ratio", cap_worst / cap_off, "ratio")
figures.record("rs_cap_fraction", mean_fraction_of_cap, "fraction")
figures.record("rs_cap_expected", cap_expected, "usd_per_request")
figures.record("rs_cap_expected_whole", mean_fraction_of_cap * cap_worst, "usd_per_request")

# %% [markdown]
# **A GPQA-style question** of {glue:text}`rs_gpqa_in` tokens, answered in
# {glue:text}`rs_gpqa_visible` visible tokens by six reasoning setups. The two cheap setups beat
# the two dear ones by {glue:text}`rs_gpqa_win_low` to {glue:text}`rs_gpqa_win_high`.

# %% tags=["hide-input"]
gpqa_ids = {"rs_gpqa_o3_high": "gpqa-o3-high", "rs_gpqa_o3_medium": "gpqa-o3-medium", "rs_gpqa_o3_low": "gpqa-o3-low",
            "rs_gpqa_r1": "gpqa-deepseek-r1", "rs_gpqa_opus": "gpqa-opus-16k",
            "rs_gpqa_deep_think": "gpqa-gemini-deep-think"}
gpqa_rows = []
for claim_id, example_id in gpqa_ids.items():
    e = examples.loc[example_id]
    ours[claim_id] = example_cost(example_id)
    gpqa_rows.append({"setup": f"{price(e['price_id'])['model'].iloc[0]} ({e['effort']})",
                      "thinking tokens": e["thinking_tokens"], "visible tokens": e["visible_output_tokens"],
                      "R": float(reasoning.thinking_ratio(e["thinking_tokens"], e["visible_output_tokens"])),
                      "per request": ours[claim_id]})
dear = [ours["rs_gpqa_o3_high"], ours["rs_gpqa_opus"]]
cheap = [ours["rs_gpqa_r1"], ours["rs_gpqa_deep_think"]]
win = [d / c for d in dear for c in cheap]
ours.update(rs_gpqa_win_low=min(win), rs_gpqa_win_high=max(win))
figures.record("rs_gpqa_in", examples.loc["gpqa-o3-high", "input_tokens"], "tokens")
figures.record("rs_gpqa_visible", examples.loc["gpqa-o3-high", "visible_output_tokens"], "tokens")
figures.record("rs_gpqa_win_low", min(win), "ratio")
figures.record("rs_gpqa_win_high", max(win), "ratio")
show_table(pd.DataFrame(gpqa_rows), {"thinking tokens": "tokens", "visible tokens": "tokens", "R": "ratio",
                                     "per request": "usd_per_request"})

# %% [markdown]
# The R of these examples is what matters for the guide's shorthand. It says o3 at medium effort
# runs at R = {glue:text}`rs_guide_r_medium`, but its own o3-medium examples give
# {glue:text}`rs_r_medium_effort_table` (effort table), {glue:text}`rs_r_medium_coding` (coding
# question) and {glue:text}`rs_r_medium_gpqa` (GPQA question). At R = {glue:text}`rs_guide_r_medium`
# the output bill would be {glue:text}`rs_r10` the visible output's, and at the guide's
# hardest-task R = {glue:text}`rs_guide_r_high`, {glue:text}`rs_r30`.

# %%
guide_r_medium = float(claims.set_index("claim_id").loc["rs_r_o3_medium", "guide_value"])
r_effort_table = float(reasoning.thinking_ratio(effort_tokens("o3-medium"), effort_visible_tokens))

# %% tags=["remove-input"]
ours.update(rs_r_o3_medium=r_effort_table, rs_r10_multiplier=float(reasoning.output_multiplier(guide_r_medium)),
            rs_r30_multiplier=float(reasoning.output_multiplier(guide_hardest_r)))
figures.record("rs_guide_r_medium", guide_r_medium, "count")
figures.record("rs_r_medium_effort_table", r_effort_table, "count")
figures.record("rs_r_medium_coding", reasoning.thinking_ratio(examples.loc["coding-o3-medium", "thinking_tokens"],
                                                              examples.loc["coding-o3-medium", "visible_output_tokens"]),
               "count")
figures.record("rs_r_medium_gpqa", reasoning.thinking_ratio(examples.loc["gpqa-o3-medium", "thinking_tokens"],
                                                            examples.loc["gpqa-o3-medium", "visible_output_tokens"]),
               "count")
figures.record("rs_guide_r_high", guide_hardest_r, "count")
figures.record("rs_r10", reasoning.output_multiplier(guide_r_medium), "ratio")
figures.record("rs_r30", reasoning.output_multiplier(guide_hardest_r), "ratio")

# %% [markdown]
# The guide's second reasoning section prices two more requests on output alone: a hard maths
# problem on o3 at its second price list ({glue:text}`rs_deepmath_cost`, against
# {glue:text}`rs_deepmath_chat` for GPT-5 as chat, {glue:text}`rs_deepmath_premium`) and a deep
# research session on Opus ({glue:text}`rs_research_cost` against {glue:text}`rs_research_chat`,
# {glue:text}`rs_research_premium`). At o3's book price the same maths problem would cost
# {glue:text}`rs_deepmath_book`.

# %%
deepmath, deepmath_chat = example_cost("deep-math-o3"), example_cost("deep-math-gpt5-chat")
research, research_chat = example_cost("research-opus-thinking"), example_cost("research-opus-chat")

# %% tags=["remove-input"]
dm = examples.loc["deep-math-o3"]
ours.update(rs_deepmath_o3=deepmath, rs_deepmath_gpt5=deepmath_chat, rs_deepmath_premium=deepmath / deepmath_chat,
            rs_research_opus=research, rs_research_chat=research_chat, rs_research_premium=research / research_chat)
figures.record("rs_deepmath_cost", deepmath, "usd_per_request")
figures.record("rs_deepmath_chat", deepmath_chat, "usd_per_request")
figures.record("rs_deepmath_premium", deepmath / deepmath_chat, "ratio")
figures.record("rs_research_cost", research, "usd")
figures.record("rs_research_chat", research_chat, "usd")
figures.record("rs_research_premium", research / research_chat, "ratio")
figures.record("rs_deepmath_book", cost("openai-o3", dm["input_tokens"], dm["visible_output_tokens"],
                                        dm["thinking_tokens"]), "usd_per_request")

# %% [markdown]
# **Try it here.** The sliders set R, the request and a scale on every price; the bars recompute
# each reasoning model's cost per request in the page.

# %% tags=["hide-input"]
model_ids = ["openai-o3", "anthropic-claude-opus-4x", "google-gemini-2-5-pro", "deepseek-deepseek-r1", "openai-o3-mini"]
what_if_data = pd.concat([price(p) for p in model_ids])[["model", "input_usd_per_mtok", "output_usd_per_mtok"]]
r_param = alt.param(name="r", value=4, bind=alt.binding_range(min=0, max=60, step=1, name="thinking ratio R "))
visible_param = alt.param(name="visible", value=effort_visible_tokens,
                          bind=alt.binding_range(min=50, max=3_000, step=50, name="visible output tokens "))
input_param = alt.param(name="prompt", value=effort_input_tokens,
                        bind=alt.binding_range(min=100, max=50_000, step=100, name="input tokens "))
scale_param = alt.param(name="price_scale", value=1.0,
                        bind=alt.binding_range(min=0.1, max=2.0, step=0.05, name="price scale (1 = list) "))
alt.Chart(what_if_data).mark_bar().encode(
    x=alt.X("request_usd:Q", title="Cost per request (USD)"),
    y=alt.Y("model:N", sort="-x", title=None),
    tooltip=[alt.Tooltip("model:N"), alt.Tooltip("input_usd_per_mtok:Q", title="input $/M (list)"),
             alt.Tooltip("output_usd_per_mtok:Q", title="output $/M (list)"),
             alt.Tooltip("request_usd:Q", title="USD per request", format=".4f")],
).transform_calculate(
    request_usd="price_scale * (prompt * datum.input_usd_per_mtok"
                " + visible * (1 + r) * datum.output_usd_per_mtok) / 1000000",
).add_params(r_param, visible_param, input_param, scale_param).properties(
    width=480, height=alt.Step(24),
    title=alt.Title("Cost per reasoning request", subtitle="Thinking tokens = R × visible output, billed as output"),
)

# %% [markdown]
# ## The quality–cost frontier
#
# The guide's frontier table pairs each effort level with a range of thinking tokens and a range
# of quality gain on hard tasks. Read as output tokens against a
# {glue:text}`rs_chat_visible`-token chat answer, the thinking ranges give the cost multiples in
# the chart; the boxes climb steeply to the right: the high-effort box spans
# {glue:text}`rs_frontier_high_span` in cost for a quality gain at most
# {glue:text}`rs_frontier_high_gain_extra` above the medium box's best.

# %%
fr = frontier.copy()
fr["amp_low"] = reasoning.output_multiplier(reasoning.thinking_ratio(fr["thinking_tokens_low"].astype(float),
                                                                     chat_visible_tokens))
fr["amp_high"] = reasoning.output_multiplier(reasoning.thinking_ratio(fr["thinking_tokens_high"].astype(float),
                                                                      chat_visible_tokens))

# %% tags=["remove-input"]
amp = fr.set_index("effort")
ours.update(rs_frontier_low_lo=amp.loc["low", "amp_low"], rs_frontier_low_hi=amp.loc["low", "amp_high"],
            rs_frontier_medium_lo=amp.loc["medium", "amp_low"], rs_frontier_medium_hi=amp.loc["medium", "amp_high"],
            rs_frontier_high_lo=amp.loc["high", "amp_low"], rs_frontier_high_hi=amp.loc["high", "amp_high"])
figures.record("rs_chat_visible", chat_visible_tokens, "tokens")
figures.record("rs_frontier_high_span", amp.loc["high", "amp_high"] / amp.loc["high", "amp_low"], "ratio")
figures.record("rs_frontier_high_gain_extra",
               amp.loc["high", "quality_gain_frac_high"] - amp.loc["medium", "quality_gain_frac_high"], "fraction")

# %% tags=["hide-input"]
fr["gain_low_pct"] = 100 * fr["quality_gain_frac_low"]
fr["gain_high_pct"] = 100 * fr["quality_gain_frac_high"]
base = alt.Chart(fr[fr["effort"] != "none"])
boxes = base.mark_rect(opacity=0.35).encode(
    x=alt.X("amp_low:Q", scale=alt.Scale(type="log"), title="Output tokens billed, × a chat answer (log scale)"),
    x2="amp_high:Q",
    y=alt.Y("gain_low_pct:Q", title="Quality gain on hard tasks (percentage points)"), y2="gain_high_pct:Q",
    color=alt.Color("effort:N", title="Effort", sort=["low", "medium", "high"]),
    tooltip=[alt.Tooltip("effort:N"), alt.Tooltip("thinking_tokens_low:Q", title="thinking tokens from", format=","),
             alt.Tooltip("thinking_tokens_high:Q", title="thinking tokens to", format=","),
             alt.Tooltip("amp_low:Q", title="× chat from", format=".1f"),
             alt.Tooltip("amp_high:Q", title="× chat to", format=".1f"),
             alt.Tooltip("gain_low_pct:Q", title="gain from (pts)"), alt.Tooltip("gain_high_pct:Q", title="gain to (pts)")],
)
labels = base.mark_text(align="left", dx=4, dy=-6, fontSize=12).encode(
    x="amp_low:Q", y="gain_high_pct:Q", text="effort:N")
(boxes + labels).properties(
    width=520, height=300,
    title=alt.Title("Quality–cost frontier for reasoning effort",
                    subtitle=f"Guide's ranges; cost read as output tokens against a {chat_visible_tokens}-token chat answer"),
)

# %% [markdown]
# ## A thinking budget per query class
#
# The guide's budget table gives an effort level, a range of thinking tokens and an "o3-class"
# cost per query class. Thinking tokens alone at the midpoint of each range, on o3's book price,
# cost far more than the table says; on the guide's second o3 price list (output
# {glue:text}`rs_o3_second_out` per million instead of {glue:text}`rs_o3_book_out`) they come
# within {glue:text}`rs_budget_second_gap` of it. The table was evidently priced at something
# like that second list. (The trivial row names no
# model, so it is not checked.)

# %% tags=["hide-input"]
bc = budget_classes.copy()
bc["midpoint"] = (bc["thinking_tokens_low"] + bc["thinking_tokens_high"]) / 2
for pid in budget_price_ids:
    out_rate = float(price(pid)["output_usd_per_mtok"].iloc[0])
    bc[f"at ${out_rate:g}/M output"] = bc["midpoint"] * out_rate / 1e6
budget_claims = {"Standard coding question": "rs_budget_coding", "Multi-step math": "rs_budget_math",
                 "Complex debugging": "rs_budget_debugging", "Multi-document research": "rs_budget_research",
                 "Proof or hard planning": "rs_budget_proof"}
book_col = [c for c in bc.columns if c.startswith("at $")][0]
for query_class, claim_id in budget_claims.items():
    ours[claim_id] = float(bc.loc[bc["query_class"] == query_class, book_col].iloc[0])
claim_values = claims.set_index("claim_id")["guide_value"]
bc["guide"] = bc["query_class"].map(budget_claims).map(claim_values)
second_col = [c for c in bc.columns if c.startswith("at $")][1]
checked = bc["guide"].notna()
gap_second = np.maximum(bc.loc[checked, second_col] / bc.loc[checked, "guide"],
                        bc.loc[checked, "guide"] / bc.loc[checked, second_col]).max()
figures.record("rs_budget_second_gap", gap_second, "ratio")
figures.record("rs_o3_second_out", price("openai-o3-teardown2")["output_usd_per_mtok"].iloc[0], "usd_per_mtok")
figures.record("rs_o3_book_out", price("openai-o3")["output_usd_per_mtok"].iloc[0], "usd_per_mtok")
money_cols = [c for c in bc.columns if c.startswith("at $")]
show_table(bc[["query_class", "effort", "thinking_tokens_low", "thinking_tokens_high", "midpoint", *money_cols, "guide"]]
           .rename(columns={"query_class": "query class", "thinking_tokens_low": "thinking from",
                            "thinking_tokens_high": "thinking to", "midpoint": "midpoint"}),
           {"thinking from": "tokens", "thinking to": "tokens", "midpoint": "tokens", "guide": "usd_per_request",
            **{c: "usd_per_request" for c in money_cols}})

# %% [markdown]
# ## Routing: a blend against the top tier
#
# The guide's customer-support mix sends {glue:text}`rs_mix_easy` of queries to a chat model,
# {glue:text}`rs_mix_medium` to cheap reasoning and {glue:text}`rs_mix_hard` to the top tier. At
# the guide's own per-tier costs the blend is {glue:text}`rs_blend_guide` per query and sending
# everything to the hard tier costs {glue:text}`rs_all_hard_guide`, {glue:text}`rs_blend_ratio_guide`
# as much. The guide instead says {glue:text}`rs_all_hard_claim`, the top of its hard-tier range,
# while its blend priced that same tier at {glue:text}`rs_all_hard_guide`. Pricing each tier with a real model
# on the GPQA request ({glue:text}`rs_tier_models`) gives {glue:text}`rs_blend_book` blended
# against {glue:text}`rs_all_hard_book`: routing still cuts the bill by {glue:text}`rs_blend_ratio_book`.

# %%
shape = examples.loc[tier_request_example]
book_tier_cost = {}
for tier, (pid, effort_name) in book_tiers.items():
    model = price(pid)["model"].iloc[0]
    thinking = 0 if effort_name is None else int(effort[(effort["model"] == model)
                                                         & (effort["effort"] == effort_name)]["avg_thinking_tokens"].iloc[0])
    book_tier_cost[tier] = cost(pid, shape["input_tokens"], shape["visible_output_tokens"], thinking)
blend_guide = reasoning.blended_cost_usd(routing_mix, guide_tier_cost_usd)
blend_book = reasoning.blended_cost_usd(routing_mix, book_tier_cost)

# %% tags=["remove-input"]
ours.update(rs_routing_blended=blend_guide, rs_routing_all_hard=guide_tier_cost_usd["hard"],
            rs_routing_ratio=guide_tier_cost_usd["hard"] / blend_guide, rs_tier_easy=book_tier_cost["easy"],
            rs_tier_medium=book_tier_cost["medium"], rs_tier_hard=book_tier_cost["hard"])
for tier in routing_mix:
    figures.record(f"rs_mix_{tier}", routing_mix[tier], "fraction")
figures.record("rs_blend_guide", blend_guide, "usd_per_request")
figures.record("rs_all_hard_guide", guide_tier_cost_usd["hard"], "usd_per_request")
figures.record("rs_blend_ratio_guide", guide_tier_cost_usd["hard"] / blend_guide, "ratio")
figures.record("rs_all_hard_claim", claims.set_index("claim_id").loc["rs_routing_all_hard", "guide_value"],
               "usd_per_request")
figures.glue_text("rs_tier_models", "; ".join(
    f"{tier}: {price(pid)['model'].iloc[0]}" + (f" at {e} effort" if e else "") for tier, (pid, e) in book_tiers.items()))
figures.record("rs_blend_book", blend_book, "usd_per_request")
figures.record("rs_all_hard_book", book_tier_cost["hard"], "usd_per_request")
figures.record("rs_blend_ratio_book", book_tier_cost["hard"] / blend_book, "ratio")
show_table(pd.DataFrame({"tier": list(routing_mix), "share of traffic": list(routing_mix.values()),
                         "guide's cost": [guide_tier_cost_usd[t] for t in routing_mix],
                         "book's model": [price(book_tiers[t][0])["model"].iloc[0] for t in routing_mix],
                         "book's cost": [book_tier_cost[t] for t in routing_mix]}),
           {"share of traffic": "fraction", "guide's cost": "usd_per_request", "book's cost": "usd_per_request"})

# %% [markdown]
# **Try it here.** Move the shares of easy and hard traffic (the rest is medium); the bars compare
# the blended cost per query with sending everything to the hard tier, at the book's tier costs.

# %% tags=["hide-input"]
easy_param = alt.param(name="easy_share", value=routing_mix["easy"],
                       bind=alt.binding_range(min=0, max=1, step=0.05, name="easy share "))
hard_param = alt.param(name="hard_share", value=routing_mix["hard"],
                       bind=alt.binding_range(min=0, max=1, step=0.01, name="hard share "))
mix_data = pd.DataFrame([{"easy_usd": book_tier_cost["easy"], "medium_usd": book_tier_cost["medium"],
                          "hard_usd": book_tier_cost["hard"]}])
alt.Chart(mix_data).transform_calculate(
    e="min(easy_share, 1)", h="min(hard_share, 1 - min(easy_share, 1))",
).transform_calculate(
    blended="datum.e * datum.easy_usd + (1 - datum.e - datum.h) * datum.medium_usd + datum.h * datum.hard_usd",
    everything_hard="datum.hard_usd",
).transform_fold(["blended", "everything_hard"], as_=["policy", "usd"]).mark_bar().encode(
    x=alt.X("usd:Q", title="Cost per query (USD)"),
    y=alt.Y("policy:N", title=None),
    tooltip=[alt.Tooltip("policy:N"), alt.Tooltip("usd:Q", title="USD per query", format=".4f"),
             alt.Tooltip("e:Q", title="easy share", format=".0%"), alt.Tooltip("h:Q", title="hard share", format=".0%")],
).add_params(easy_param, hard_param).properties(
    width=480, height=alt.Step(30),
    title=alt.Title("Routed blend vs everything on the hard tier", subtitle="Book tier costs on the GPQA request"),
)

# %% [markdown]
# The guide's ROI example makes a stronger claim: routing {glue:text}`rs_roi_chat_share` of a
# coding assistant's queries to chat and the rest to medium effort keeps most of the quality lift.
# Its cost does not follow from its own numbers: at its budget table's medium cost the routed
# query costs {glue:text}`rs_roi_routed_book`; its figure needs medium queries at
# {glue:text}`rs_roi_implied_medium` each. Nor does its pass rate: if a query's chance of passing
# depends only on the model, the best the mix can reach, even granting medium effort the
# high-effort pass rate, is {glue:text}`rs_roi_pass_bound`. The guide's figure assumes the
# queries it routes to reasoning gain far more from it than the average, which it does not say.

# %%
budget_medium = float(claims.set_index("claim_id").loc["rs_budget_math", "guide_value"])
routed_cost = reasoning.blended_cost_usd(roi_routed_mix, {"chat": roi_chat_cost_usd, "medium": budget_medium})
routed_pass = reasoning.blended_cost_usd(roi_routed_mix, {"chat": roi_chat_pass, "medium": roi_high_pass})

# %% tags=["remove-input"]
guide_routed_cost = float(claims.set_index("claim_id").loc["rs_roi_routed_cost", "guide_value"])
ours.update(rs_roi_routed_cost=routed_cost, rs_roi_routed_pass=routed_pass)
figures.record("rs_roi_chat_share", roi_routed_mix["chat"], "fraction")
figures.record("rs_roi_routed_book", routed_cost, "usd_per_request")
figures.record("rs_roi_implied_medium",
               (guide_routed_cost - roi_routed_mix["chat"] * roi_chat_cost_usd) / roi_routed_mix["medium"],
               "usd_per_request")
figures.record("rs_roi_pass_bound", routed_pass, "fraction")

# %% [markdown]
# In Jupyter, the same questions run through `lib.costs.reasoning`: pick a model, R and a routing
# mix.

# %% tags=["hide-input"]
def reasoning_what_if(model: str, thinking_ratio: float, input_tokens: int, visible_tokens: int,
                      easy_pct: int, hard_pct: int) -> None:
    pid = {price(p)["model"].iloc[0]: p for p in model_ids}[model]
    one = reasoning.reasoning_request_cost_usd(price(pid), input_tokens=input_tokens,
                                               visible_output_tokens=visible_tokens, thinking_ratio=thinking_ratio)[0]
    mix = reasoning.normalise_mix({"easy": easy_pct, "medium": max(0, 100 - easy_pct - hard_pct), "hard": hard_pct})
    show_table(pd.DataFrame([{"model": model, "per request": one,
                              "routed blend (book tiers)": reasoning.blended_cost_usd(mix, book_tier_cost),
                              "everything hard": book_tier_cost["hard"]}]),
               {"per request": "usd_per_request", "routed blend (book tiers)": "usd_per_request",
                "everything hard": "usd_per_request"})


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        reasoning_what_if,
        model=widgets.Dropdown(options=[price(p)["model"].iloc[0] for p in model_ids]),
        thinking_ratio=widgets.FloatSlider(value=4, min=0, max=60, step=0.5),
        input_tokens=widgets.IntSlider(value=effort_input_tokens, min=0, max=50_000, step=100),
        visible_tokens=widgets.IntSlider(value=effort_visible_tokens, min=1, max=5_000, step=50),
        easy_pct=widgets.IntSlider(value=70, min=0, max=100), hard_pct=widgets.IntSlider(value=5, min=0, max=100),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`rs_verdicts` Where they disagree, the guide's arithmetic points to the assumption
# behind it. Its effort-table row for Opus at the smaller thinking budget is exactly o3's cost
# for the same tokens ({glue:text}`rs_opus2000_at_o3`): it was priced at o3's rates, not Opus's
# ({glue:text}`rs_opus2000_book`). Its frontier table's cost multiples fit a chat answer of
# {glue:text}`rs_frontier_visible_low` to {glue:text}`rs_frontier_visible_high` tokens rather than
# the {glue:text}`rs_chat_visible` it uses elsewhere; the book keeps that figure and shows the
# gap. The budget table and the deep-maths example use o3's second price list, and the routing
# and ROI examples are discussed above. Not checked, because the guide gives no request shape or
# model for them: its per-request ranges for chat and reasoning requests in general, its cost of a
# routing classifier, and the share of reasoning cost it says routing saves in mixed workloads.

# %% tags=["remove-input"]
opus2000 = effort.set_index("effort_id").loc["opus-budget-2000"]
figures.record("rs_opus2000_at_o3", cost("openai-o3", effort_input_tokens, effort_visible_tokens,
                                         opus2000["avg_thinking_tokens"]), "usd_per_request")
figures.record("rs_opus2000_book", ours["rs_effort_opus_2000"], "usd_per_request")
# The visible output that would make each stated multiple exact: thinking / (multiple - 1).
stated = claims.set_index("claim_id")["guide_value"]
implied_visible = [fr.set_index("effort").loc[e, f"thinking_tokens_{end}"] / (stated[f"rs_frontier_{e}_{tag}"] - 1)
                   for e in ("low", "medium", "high") for end, tag in (("low", "lo"), ("high", "hi"))]
figures.record("rs_frontier_visible_low", min(implied_visible), "tokens")
figures.record("rs_frontier_visible_high", max(implied_visible), "tokens")

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("rs_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("rs_answer", (
    f"Thinking tokens, billed as output, set the bill: on the guide's effort-table request o3 costs "
    f"{figures.fmt_usd(o3_by_effort['low'])} at low effort and {figures.fmt_usd(o3_by_effort['high'])} at high, "
    f"{figures.fmt_ratio(o3_by_effort['high'] / o3_by_effort['low'])} as much, while DeepSeek R1 does the same for "
    f"{figures.fmt_usd(ours['rs_effort_r1'])}. Routing the guide's "
    f"{figures.fmt_pct(routing_mix['easy'])} / {figures.fmt_pct(routing_mix['medium'])} / "
    f"{figures.fmt_pct(routing_mix['hard'])} mix costs {figures.fmt_usd(blend_book)} a query at the book's tier "
    f"prices against {figures.fmt_usd(book_tier_cost['hard'])} for sending everything to o3 at high effort, "
    f"{figures.fmt_ratio(book_tier_cost['hard'] / blend_book)} less."
))
