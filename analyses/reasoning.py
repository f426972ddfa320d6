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
# The guide's reasoning request in general: thinking tokens and visible tokens (fewest, most), and the
# reasoning models it names beside it (o3, DeepSeek R1, Claude with extended thinking, Gemini Deep Think).
reasoning_thinking_tokens, reasoning_visible_tokens = (1_000, 10_000), (100, 500)
named_reasoning_price_ids = ["openai-o3", "deepseek-deepseek-r1", "anthropic-claude-opus-4x", "google-gemini-2-5-pro"]
# The guide's "hard query" comparison (key takeaways): a 200-token chat answer.
chat_visible_tokens = 200
# The guide's thinking ratios as it states them beside its multipliers: o3-medium ("R = 10") and
# o3-high on its hardest tasks ("R = 30").
guide_r_medium, guide_hardest_r = 10, 30
# The top of the thinking range the tear-down gives o3 at high effort ("5,000–20,000").
o3_high_thinking_top = 20_000
# The guide's low-volume research assistant: queries a day at a stated cost each.
assistant_queries_per_day, assistant_usd_per_query = 100, 0.50
# Queries a year in the guide's coding example.
queries_per_year = 1_000_000
# Share of a thinking cap a model uses on average (the guide's rule of thumb for Opus on hard math).
mean_fraction_of_cap = 0.75
# The guide's routing example: traffic shares and the per-query cost it assumes for each tier, and
# the all-hard cost its "28×" divides by the blend.
routing_mix = {"easy": 0.70, "medium": 0.25, "hard": 0.05}
guide_tier_cost_usd = {"easy": 0.005, "medium": 0.03, "hard": 0.50}
guide_all_hard_usd = 1.00
# The models the guide names for each tier (its routing list), priced on the GPQA example's request.
tier_models = {"easy": ["anthropic-claude-sonnet-4-6", "google-gemini-2-5-flash", "anthropic-claude-haiku-4-5"],
               "medium": ["gpqa-deepseek-r1", "gpqa-gemini-deep-think"], "hard": ["gpqa-o3-high", "gpqa-opus-16k"]}
# The book prices each tier with one model on the GPQA example's request (price_id, effort or None).
book_tiers = {"easy": ("anthropic-claude-haiku-4-5", None), "medium": ("deepseek-deepseek-r1", "default"),
              "hard": ("openai-o3", "high")}
tier_request_example = "gpqa-o3-high"  # the request shape (input, visible output) the tiers are priced on
# The guide's ROI example: chat-only and all-high costs and pass rates, and the routed split.
roi_chat_cost_usd, roi_chat_pass = 0.001, 0.70
roi_high_cost_usd, roi_high_pass = 0.10, 0.90
roi_routed_mix = {"chat": 0.80, "medium": 0.20}
# What the routed cost needs for a medium query: the budget table's o3-class cost for its medium class
# (multi-step maths), and the routed cost the guide states (to show the medium cost it implies).
roi_medium_usd, guide_roi_routed_usd = 0.02, 0.015
# The frontier table's cost multiples as the guide states them (low, high) per effort, to show what
# chat answer they would imply; the checks compute their own.
frontier_stated_multiples = {"low": (3, 10), "medium": (10, 30), "high": (30, 100)}
# The per-query budget table is "o3-class": priced at o3's book row and at the guide's second o3 price.
budget_price_ids = ["openai-o3", "openai-o3-teardown2"]
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
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
# claim id -> the book's two checks of it (a bare number is the one check the registry's truth column implies)
ours: dict[str, guide.Check | float] = {}


def main_row(price_id: str) -> str:
    """The model's row in the guide's main price tables: a second tear-down price is checked against it."""
    return price_id.removesuffix("-teardown2")


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


def example_cost(example_id: str, thinking: float | None = None, at_main_price: bool = False) -> float:
    """A worked example at the price the guide states beside it (or at the model's main price-table row)."""
    e = examples.loc[example_id]
    pid = main_row(e["price_id"]) if at_main_price else e["price_id"]
    return cost(pid, e["input_tokens"], e["visible_output_tokens"], e["thinking_tokens"] if thinking is None else thinking)


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
# The gap the guide quotes, on the same two requests at the price table (the effort rows are its premises).
ours["rs_r1_o3_gap"] = ours["rs_effort_o3_high"] / ours["rs_effort_r1"]
# "$1.20+": the top of the stated thinking range at the stated $60/M; the "+" is the rest of the request.
ours["rs_o3_high_top"] = cost("openai-o3", 0, 0, o3_high_thinking_top)
ours["rs_opus_16k_worst"] = cost("anthropic-claude-opus-4x", 0, 0, 16_000)
# "10–50× GPT-5": o3's span over its effort tiers against GPT-5 on the same request.
gpt5_effort_shape = cost("openai-gpt-5", effort_input_tokens, effort_visible_tokens, 0)
ours["rs_bill_10_50x"] = guide.Check(truth=ours["rs_effort_o3_low"] / gpt5_effort_shape,
                                     truth_high=ours["rs_effort_o3_high"] / gpt5_effort_shape)
ours["rs_assistant_day"] = assistant_queries_per_day * assistant_usd_per_query
# The key takeaway divides the tokens the two emit: 5,000 thinking against a 200-token chat answer.
ours["rs_takeaway_25x"] = float(reasoning.thinking_ratio(5_000, chat_visible_tokens))
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

#
# Thinking takes time as well as money: every thinking token is decoded one after another like a
# visible one. At the decode speeds of the guide's own model table, the request it describes
# ({glue:text}`rs_think_low` to {glue:text}`rs_think_high` thinking tokens, then
# {glue:text}`rs_visible_low` to {glue:text}`rs_visible_high` visible) takes
# {glue:text}`rs_decode_low` to {glue:text}`rs_decode_high` seconds of decoding alone on the four reasoning
# models it names, before any prefill or queueing: slower at the top than the guide's latency range.
# The same request costs {glue:text}`rs_request_low` on the cheapest of those models at the fewest
# tokens and {glue:text}`rs_request_high` on the dearest at the most (with the effort table's prompt),
# a wider span than the guide's per-request range on both ends. Its chat request (the same visible
# tokens, no thinking) costs {glue:text}`rs_chat_low` to {glue:text}`rs_chat_high` on the chat models
# its routing list names for easy queries.

# %% tags=["hide-input"]
figures.record("rs_o3_vs_gpt5", ours["rs_effort_o3_medium"] / gpt5_effort_shape, "ratio")
speeds = pd.concat([price(p) for p in named_reasoning_price_ids])["decode_tokens_per_s"].astype(float)
decode_low = float(reasoning.decode_seconds(reasoning_thinking_tokens[0], reasoning_visible_tokens[0], speeds.max()))
decode_high = float(reasoning.decode_seconds(reasoning_thinking_tokens[1], reasoning_visible_tokens[1], speeds.min()))
ours["rs_latency_reasoning"] = (guide.Check(truth=decode_low, truth_high=decode_high) if speeds.notna().all()
                                else guide.Check(truth=float("nan"), missing="a named model has no decode speed"))
for end, k in (("low", 0), ("high", 1)):
    figures.record(f"rs_think_{end}", reasoning_thinking_tokens[k], "tokens")
    figures.record(f"rs_visible_{end}", reasoning_visible_tokens[k], "tokens")
figures.record("rs_decode_low", decode_low, "seconds")
request_ends = [[cost(p, effort_input_tokens, reasoning_visible_tokens[k], reasoning_thinking_tokens[k])
                 for p in named_reasoning_price_ids] for k in (0, 1)]
ours["rs_reasoning_request_range"] = guide.Check(arithmetic=min(request_ends[0]), arithmetic_high=max(request_ends[1]))
figures.record("rs_request_low", min(request_ends[0]), "usd_per_request")
figures.record("rs_request_high", max(request_ends[1]), "usd_per_request")
# The chat request beside it (the same visible tokens, no thinking) on the chat models the routing list
# names for easy queries; the budget table's trivial row is the cheapest of them at the fewest tokens.
chat_ends = [[cost(p, effort_input_tokens, reasoning_visible_tokens[k], 0) for p in tier_models["easy"]] for k in (0, 1)]
ours["rs_chat_request_range"] = guide.Check(truth=min(chat_ends[0]), truth_high=max(chat_ends[1]))
ours["rs_budget_trivial"] = guide.Check(truth=min(chat_ends[0]))
ours["rs_wrong_answer_cheap"] = guide.Check(truth=ours["rs_effort_r1"])  # the cheap reasoning answer it contrasts
figures.record("rs_chat_low", min(chat_ends[0]), "usd_per_request")
figures.record("rs_chat_high", max(chat_ends[1]), "usd_per_request")
figures.record("rs_decode_high", decode_high, "seconds")

# %% [markdown]
# ## Three worked examples
#
# **A coding question.** A {glue:text}`rs_coding_in`-token refactoring prompt answered in
# {glue:text}`rs_coding_visible` visible tokens costs {glue:text}`rs_coding_sonnet_cost` on
# Sonnet 4.6 without thinking and {glue:text}`rs_coding_o3_cost` on o3 at medium effort with
# {glue:text}`rs_coding_thinking` thinking tokens: {glue:text}`rs_coding_ratio` as much. Over
# {glue:text}`rs_queries_per_year` queries a year that is {glue:text}`rs_coding_sonnet_year`
# against {glue:text}`rs_coding_o3_year`. (The guide's o3-medium figure in its fifteen-model table
# implies a different thinking count from its effort table; that is checked in {doc}`unit_economics`,
# claim `ue_query_o3_medium`, and not repeated here.)

# %%
coding_sonnet, coding_o3 = example_cost("coding-sonnet"), example_cost("coding-o3-medium")

# %% tags=["remove-input"]
ours.update(rs_coding_sonnet=coding_sonnet, rs_coding_o3=coding_o3, rs_coding_ratio=coding_o3 / coding_sonnet,
            rs_coding_sonnet_year=coding_sonnet * queries_per_year, rs_coding_o3_year=coding_o3 * queries_per_year)
# The four terms of the two sums, each tokens × the rate it states (the price table's).
for model, eid in (("sonnet", "coding-sonnet"), ("o3", "coding-o3-medium")):
    e = examples.loc[eid]
    ours[f"rs_coding_{model}_input"] = cost(e["price_id"], e["input_tokens"], 0, 0)
    ours[f"rs_coding_{model}_output"] = cost(e["price_id"], 0, 0, e["visible_output_tokens"] + e["thinking_tokens"])
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
# thinking tokens only, so the book uses the first reading. For comparison, the guide's own capped
# Opus rows (two in its effort table, one in Example 3) use {glue:text}`rs_cap_share_low` to
# {glue:text}`rs_cap_share_high` of their caps.

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
opus_capped = effort[effort["model"] == "Claude Opus 4.x"]
cap_shares = [*reasoning.share_of_cap(opus_capped["avg_thinking_tokens"], opus_capped["effort"].map(reasoning.cap_from_label)),
              float(reasoning.share_of_cap(examples.loc["gpqa-opus-16k", "thinking_tokens"],
                                           examples.loc["gpqa-opus-16k", "thinking_cap_tokens"]))]
ours["rs_cap_mean_share"] = guide.Check(truth=float(min(cap_shares)), truth_high=float(max(cap_shares)))
figures.record("rs_cap_share_low", min(cap_shares), "fraction")
figures.record("rs_cap_share_high", max(cap_shares), "fraction")
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
# the two dear ones by {glue:text}`rs_gpqa_win_low` to {glue:text}`rs_gpqa_win_high`. It is also the
# guide's one task run on four providers: the largest R over the smallest is
# {glue:text}`rs_r_spread_low` to {glue:text}`rs_r_spread_high`, depending on which o3 effort
# stands for OpenAI. The rates the example writes beside its cheap setups' sums are checked against
# the guide's price tables.

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
# "R differs by 3–10× across providers for the same task": Example 3 is one task on four providers;
# the spread (largest R over smallest) depends on which o3 effort stands for OpenAI.
r_of = {eid: float(reasoning.thinking_ratio(examples.loc[eid, "thinking_tokens"], examples.loc[eid, "visible_output_tokens"]))
        for eid in gpqa_ids.values()}
others = [r_of[e] for e in ("gpqa-deepseek-r1", "gpqa-opus-16k", "gpqa-gemini-deep-think")]
r_spreads = [max(others + [r_of[o3]]) / min(others + [r_of[o3]]) for o3 in ("gpqa-o3-low", "gpqa-o3-medium", "gpqa-o3-high")]
ours["rs_r_spread"] = guide.Check(arithmetic=min(r_spreads), arithmetic_high=max(r_spreads))
figures.record("rs_r_spread_low", min(r_spreads), "ratio")
figures.record("rs_r_spread_high", max(r_spreads), "ratio")
# The rates Example 3 writes beside its sums, against every price the guide's other tables state for the model.
for cid, (eid, col) in {"rs_gpqa_r1_in_rate": ("gpqa-deepseek-r1", "input_usd_per_mtok"),
                        "rs_gpqa_r1_out_rate": ("gpqa-deepseek-r1", "output_usd_per_mtok"),
                        "rs_gpqa_deep_think_in_rate": ("gpqa-gemini-deep-think", "input_usd_per_mtok"),
                        "rs_gpqa_deep_think_out_rate": ("gpqa-gemini-deep-think", "output_usd_per_mtok")}.items():
    e = examples.loc[eid]
    lo, hi = reasoning.stated_price_span(all_prices, price(e["price_id"])["model"].iloc[0], col, e["source"])
    ours[cid] = guide.Check(truth=lo, truth_high=hi)
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
r_effort_table = float(reasoning.thinking_ratio(effort_tokens("o3-medium"), effort_visible_tokens))
r_examples = [r_effort_table] + [float(reasoning.thinking_ratio(examples.loc[e, "thinking_tokens"],
                                                                examples.loc[e, "visible_output_tokens"]))
                                 for e in ("coding-o3-medium", "gpqa-o3-medium")]

# %% tags=["remove-input"]
# R = 10 against the largest R of the guide's own o3-medium examples: the reading most generous to it.
ours.update(rs_r_o3_medium=guide.Check(truth=max(r_examples)),
            rs_r10_multiplier=float(reasoning.output_multiplier(guide_r_medium)),
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
# ## Two prices for o3
#
# The guide prices o3 twice. Its price tables, its effort table and Examples 1 and 3 use
# {glue:text}`rs_o3_book_in` in and {glue:text}`rs_o3_book_out` out per million tokens (the tear-down
# says every thinking token bills at that output rate); its second tear-down says "about"
# {glue:text}`rs_o3_second_in` and {glue:text}`rs_o3_second_out`, and its deep-maths example is priced
# at that second output rate. One of the two is wrong for mid-2026, and the guide never says which: the
# book registers the second price as contradicting the first. (The price list the book runs on gives
# o3 {glue:text}`rs_o3_today_in` in and {glue:text}`rs_o3_today_out` out: {glue:text}`rs_o3_today_note`)
#
# That example, a hard maths problem, costs {glue:text}`rs_deepmath_cost` at the second price,
# against {glue:text}`rs_deepmath_chat` for GPT-5 as chat (also at the second tear-down's GPT-5
# price), {glue:text}`rs_deepmath_premium`. Its arithmetic holds on those prices; at the guide's
# main prices the same two requests cost {glue:text}`rs_deepmath_book` and
# {glue:text}`rs_deepmath_chat_book`, a premium of {glue:text}`rs_deepmath_premium_book`, so its
# independent check fails. The deep research session on Opus ({glue:text}`rs_research_cost`
# against {glue:text}`rs_research_chat`, {glue:text}`rs_research_premium`) has one price and holds.

# %%
deepmath, deepmath_chat = example_cost("deep-math-o3"), example_cost("deep-math-gpt5-chat")
deepmath_main = example_cost("deep-math-o3", at_main_price=True)
deepmath_chat_main = example_cost("deep-math-gpt5-chat", at_main_price=True)
research, research_chat = example_cost("research-opus-thinking"), example_cost("research-opus-chat")

# %% tags=["remove-input"]
o3_main, o3_second = price("openai-o3").iloc[0], price("openai-o3-teardown2").iloc[0]
ours.update(rs_o3_out_teardown=float(o3_main["output_usd_per_mtok"]),
            rs_o3_in_second=float(o3_main["input_usd_per_mtok"]), rs_o3_out_second=float(o3_main["output_usd_per_mtok"]),
            rs_deepmath_o3=guide.Check(arithmetic=deepmath, truth=deepmath_main),
            rs_deepmath_gpt5=guide.Check(arithmetic=deepmath_chat, truth=deepmath_chat_main),
            rs_deepmath_premium=guide.Check(arithmetic=deepmath / deepmath_chat, truth=deepmath_main / deepmath_chat_main),
            rs_research_opus=research, rs_research_chat=research_chat, rs_research_premium=research / research_chat)
# The output tokens each example says it bills: thinking plus visible, added up again.
ours.update({cid: float(examples.loc[eid, "thinking_tokens"] + examples.loc[eid, "visible_output_tokens"])
             for cid, eid in {"rs_coding_o3_billed": "coding-o3-medium", "rs_deepmath_billed": "deep-math-o3",
                              "rs_research_billed": "research-opus-thinking"}.items()})
figures.record("rs_o3_book_in", o3_main["input_usd_per_mtok"], "usd_per_mtok")
figures.record("rs_o3_second_in", o3_second["input_usd_per_mtok"], "usd_per_mtok")
# "Today": the o3 row the book prices with on the data in use (a price feed's row after a refresh on one).
today = all_prices[(all_prices["model"] == "o3") & all_prices["book_uses"]]
if len(today) == 1:
    t_in, t_out = float(today["input_usd_per_mtok"].iloc[0]), float(today["output_usd_per_mtok"].iloc[0])
    figures.record("rs_o3_today_in", t_in, "usd_per_mtok")
    figures.record("rs_o3_today_out", t_out, "usd_per_mtok")
    same_as = ("the second tear-down's price" if (t_in, t_out) == (o3_second["input_usd_per_mtok"], o3_second["output_usd_per_mtok"])
               else "the main tables' price" if (t_in, t_out) == (o3_main["input_usd_per_mtok"], o3_main["output_usd_per_mtok"])
               else "neither of the guide's")
    figures.glue_text("rs_o3_today_note", "that is the guide's own main price, since no price feed is in use."
                      if today["price_id"].iloc[0] == "openai-o3"
                      else f"that is {same_as}, from {today['source'].iloc[0]} ({today['as_of'].iloc[0]}).")
else:
    figures.record("rs_o3_today_in", float("nan"), "usd_per_mtok", missing="no o3 row is in use")
    figures.record("rs_o3_today_out", float("nan"), "usd_per_mtok", missing="no o3 row is in use")
    figures.glue_text("rs_o3_today_note", "the data in use has no o3 row the book prices with.")
figures.record("rs_deepmath_chat_book", deepmath_chat_main, "usd_per_request")
figures.record("rs_deepmath_premium_book", deepmath_main / deepmath_chat_main, "ratio")
figures.record("rs_deepmath_cost", deepmath, "usd_per_request")
figures.record("rs_deepmath_chat", deepmath_chat, "usd_per_request")
figures.record("rs_deepmath_premium", deepmath / deepmath_chat, "ratio")
figures.record("rs_research_cost", research, "usd")
figures.record("rs_research_chat", research_chat, "usd")
figures.record("rs_research_premium", research / research_chat, "ratio")
figures.record("rs_deepmath_book", deepmath_main, "usd_per_request")

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
# {glue:text}`rs_frontier_high_gain_extra` above the medium box's best. The guide's later rule, that
# past 8k thinking tokens more thinking buys a few points of quality at three times the cost, does not
# match this table: read the same way, its high row costs {glue:text}`rs_past8k_cost_low` to
# {glue:text}`rs_past8k_cost_high` what the medium row does, end for end, for
# {glue:text}`rs_past8k_gain_low` to {glue:text}`rs_past8k_gain_high` more quality. Of the quality
# gains, only the high row's meets a figure elsewhere in the guide: its ROI example's pass rates, all
# queries on high effort against the chat model, differ by {glue:text}`rs_roi_gain_high`.

# %%
fr = frontier.copy()
fr["amp_low"] = reasoning.output_multiplier(reasoning.thinking_ratio(fr["thinking_tokens_low"].astype(float),
                                                                     chat_visible_tokens))
fr["amp_high"] = reasoning.output_multiplier(reasoning.thinking_ratio(fr["thinking_tokens_high"].astype(float),
                                                                      chat_visible_tokens))

# %% tags=["remove-input"]
amp = fr.set_index("effort")
for e in ("low", "medium", "high"):  # each row's range end for end
    ours[f"rs_frontier_{e}"] = guide.Check(truth=float(amp.loc[e, "amp_low"]), truth_high=float(amp.loc[e, "amp_high"]))
# "Past 8k thinking tokens ... 2–5% incremental quality at 3× cost": the high row against the medium row.
ours["rs_past8k_cost"] = guide.Check(truth=float(amp.loc["high", "amp_low"] / amp.loc["medium", "amp_low"]),
                                     truth_high=float(amp.loc["high", "amp_high"] / amp.loc["medium", "amp_high"]))
ours["rs_past8k_quality"] = guide.Check(
    truth=float(amp.loc["high", "quality_gain_frac_low"] - amp.loc["medium", "quality_gain_frac_low"]),
    truth_high=float(amp.loc["high", "quality_gain_frac_high"] - amp.loc["medium", "quality_gain_frac_high"]))
# "Low caps at ~512–2k thinking tokens": the fewest and most the guide gives o3 at low effort elsewhere.
o3_low_tokens = [effort_tokens("o3-low"), examples.loc["gpqa-o3-low", "thinking_tokens"],
                 amp.loc["low", "thinking_tokens_low"], amp.loc["low", "thinking_tokens_high"]]
ours["rs_guardrail_low_cap"] = guide.Check(truth=float(min(o3_low_tokens)), truth_high=float(max(o3_low_tokens)))
# "high allows 10k+": the thinking tokens the guide gives o3 at high effort elsewhere.
o3_high_tokens = [effort_tokens("o3-high"), examples.loc["gpqa-o3-high", "thinking_tokens"]]
ours["rs_guardrail_high_cap"] = guide.Check(truth=float(min(o3_high_tokens)), truth_high=float(max(o3_high_tokens)))
# Quality gains: only the high row meets a pass rate elsewhere in the guide (its ROI example, all on high vs chat).
ours["rs_frontier_gain_high"] = guide.Check(truth=roi_high_pass - roi_chat_pass)
no_quality = "the book has no quality or benchmark data, and the guide states none elsewhere for this"
ours.update({cid: guide.Check(arithmetic=float("nan"), missing=no_quality)
             for cid in ("rs_frontier_gain_low", "rs_frontier_gain_medium", "rs_r1_benchmark_gap")})
figures.record("rs_roi_gain_high", roi_high_pass - roi_chat_pass, "fraction")
figures.record("rs_past8k_cost_low", ours["rs_past8k_cost"].truth, "ratio")
figures.record("rs_past8k_cost_high", ours["rs_past8k_cost"].truth_high, "ratio")
figures.record("rs_past8k_gain_low", ours["rs_past8k_quality"].truth, "fraction")
figures.record("rs_past8k_gain_high", ours["rs_past8k_quality"].truth_high, "fraction")
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
# cost per query class. The thinking tokens alone, anywhere in each range, cost far more at o3's main
# output price than the table says: each class is checked against its range at that price. At the
# second tear-down's price (output {glue:text}`rs_o3_second_out` per million instead of
# {glue:text}`rs_o3_book_out`), the same check gives: {glue:text}`rs_budget_second_holds`. The table was
# evidently priced at something like that second list, the one the book registers as contradicting the rest. The
# trivial row goes to a chat model; it is checked against the cheapest chat model the routing list names, on
# the guide's smallest chat request ({glue:text}`rs_chat_low`).

# %% tags=["hide-input"]
bc = budget_classes.copy()
budget_claims = {"Standard coding question": "rs_budget_coding", "Multi-step math": "rs_budget_math",
                 "Complex debugging": "rs_budget_debugging", "Multi-document research": "rs_budget_research",
                 "Proof or hard planning": "rs_budget_proof"}
money_cols = []
at_price: dict[str, dict[str, guide.Check]] = {}
for pid in budget_price_ids:
    out_rate = float(price(pid)["output_usd_per_mtok"].iloc[0])
    lo, hi = f"from, at ${out_rate:g}/M", f"to, at ${out_rate:g}/M"
    bc[lo], bc[hi] = bc["thinking_tokens_low"] * out_rate / 1e6, bc["thinking_tokens_high"] * out_rate / 1e6
    money_cols += [lo, hi]
    at_price[pid] = {cid: guide.Check(truth=float(bc.loc[bc["query_class"] == q, lo].iloc[0]),
                                      truth_high=float(bc.loc[bc["query_class"] == q, hi].iloc[0]))
                     for q, cid in budget_claims.items()}
ours.update(at_price[budget_price_ids[0]])
# The same table judged at the second price, only to say how many classes it would fit (not recorded).
second_table = guide.comparison_table(claims, at_price[budget_price_ids[1]])
second_fit = guide.count_verdicts(second_table)
figures.glue_text("rs_budget_second_holds", f"{second_fit['holds']} of the {len(second_table)} classes would hold "
                                            "at that price")
guide_cost_text = {q: guide.guide_text(claims[claims["claim_id"] == cid].iloc[0]) for q, cid in budget_claims.items()}
bc["guide"] = bc["query_class"].map(guide_cost_text).fillna("—")
figures.record("rs_o3_second_out", price("openai-o3-teardown2")["output_usd_per_mtok"].iloc[0], "usd_per_mtok")
figures.record("rs_o3_book_out", price("openai-o3")["output_usd_per_mtok"].iloc[0], "usd_per_mtok")
show_table(bc[["query_class", "effort", "thinking_tokens_low", "thinking_tokens_high", *money_cols, "guide"]]
           .rename(columns={"query_class": "query class", "thinking_tokens_low": "thinking from",
                            "thinking_tokens_high": "thinking to"}),
           {"thinking from": "tokens", "thinking to": "tokens", **{c: "usd_per_request" for c in money_cols}})

# %% [markdown]
# ## Routing: a blend against the top tier
#
# The guide's customer-support mix sends {glue:text}`rs_mix_easy` of queries to a chat model,
# {glue:text}`rs_mix_medium` to cheap reasoning and {glue:text}`rs_mix_hard` to the top tier. At
# the guide's own per-tier costs the blend is {glue:text}`rs_blend_guide` per query and sending
# everything to the hard tier costs {glue:text}`rs_all_hard_guide`, {glue:text}`rs_blend_ratio_guide`
# as much. The guide instead says {glue:text}`rs_all_hard_claim`, the top of its hard-tier range,
# while its blend priced that same tier at {glue:text}`rs_all_hard_guide`; its own Example 3 puts o3 at
# high effort at {glue:text}`rs_all_hard_example`, so both the figure and the "28×" built on it miss.
# The tier ranges themselves are checked against the models the guide names for each tier, priced on
# the GPQA request: the easy tier's models span {glue:text}`rs_tier_easy_span`, the medium tier's
# {glue:text}`rs_tier_medium_span` and the hard tier's {glue:text}`rs_tier_hard_span`. Pricing each
# tier with one of those models ({glue:text}`rs_tier_models`) gives {glue:text}`rs_blend_book` blended
# against {glue:text}`rs_all_hard_book`: routing still cuts the bill by {glue:text}`rs_blend_ratio_book`,
# a saving of {glue:text}`rs_saving_book` of the all-hard cost (the guide says "80%+" in mixed workloads).

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
# Each tier's range against the cheapest and dearest of the models the guide names for it: a chat model
# priced on the GPQA request without thinking, a reasoning setup as Example 3 priced it.
tier_span = {tier: [example_cost(m) if m in examples.index else cost(m, shape["input_tokens"], shape["visible_output_tokens"], 0)
                    for m in ms] for tier, ms in tier_models.items()}

# %% tags=["remove-input"]
all_hard_example = example_cost("gpqa-o3-high")
ours.update(rs_routing_blended=blend_guide,
            rs_routing_all_hard=guide.Check(arithmetic=guide_tier_cost_usd["hard"], truth=all_hard_example),
            rs_routing_ratio=guide.Check(arithmetic=guide_all_hard_usd / blend_guide, truth=all_hard_example / blend_guide),
            **{f"rs_tier_{t}": guide.Check(truth=min(v), truth_high=max(v)) for t, v in tier_span.items()})
figures.record("rs_all_hard_example", all_hard_example, "usd_per_request")
for t, v in tier_span.items():
    figures.glue_text(f"rs_tier_{t}_span", f"{figures.fmt_usd(min(v))} to {figures.fmt_usd(max(v))}")
for tier in routing_mix:
    figures.record(f"rs_mix_{tier}", routing_mix[tier], "fraction")
figures.record("rs_blend_guide", blend_guide, "usd_per_request")
figures.record("rs_all_hard_guide", guide_tier_cost_usd["hard"], "usd_per_request")
figures.record("rs_blend_ratio_guide", guide_tier_cost_usd["hard"] / blend_guide, "ratio")
figures.record("rs_all_hard_claim", guide_all_hard_usd, "usd_per_request")
figures.glue_text("rs_tier_models", "; ".join(
    f"{tier}: {price(pid)['model'].iloc[0]}" + (f" at {e} effort" if e else "") for tier, (pid, e) in book_tiers.items()))
figures.record("rs_blend_book", blend_book, "usd_per_request")
figures.record("rs_all_hard_book", book_tier_cost["hard"], "usd_per_request")
figures.record("rs_blend_ratio_book", book_tier_cost["hard"] / blend_book, "ratio")
ours["rs_routing_saves_80"] = guide.Check(truth=reasoning.saving_share(blend_book, book_tier_cost["hard"]))
figures.record("rs_saving_book", ours["rs_routing_saves_80"].truth, "fraction")
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
# queries it routes to reasoning gain far more from it than the average, which it does not say. Its
# all-high cost of {glue:text}`rs_roi_high_guide` a query is also far below what its own coding question
# costs on o3 at high effort, {glue:text}`rs_roi_high_book`.

# %%
routed_cost = reasoning.blended_cost_usd(roi_routed_mix, {"chat": roi_chat_cost_usd, "medium": roi_medium_usd})
routed_pass = reasoning.blended_cost_usd(roi_routed_mix, {"chat": roi_chat_pass, "medium": roi_high_pass})

# %% tags=["remove-input"]
guide_routed_cost = guide_roi_routed_usd
# "All on high: $0.10 a query": o3 at high effort on the guide's own coding question.
roi_high_book = cost("openai-o3", examples.loc["coding-o3-medium", "input_tokens"],
                     examples.loc["coding-o3-medium", "visible_output_tokens"], effort_tokens("o3-high"))
ours.update(rs_roi_routed_cost=routed_cost, rs_roi_routed_pass=routed_pass, rs_roi_high_cost=roi_high_book)
figures.record("rs_roi_high_book", roi_high_book, "usd_per_request")
figures.record("rs_roi_high_guide", roi_high_cost_usd, "usd_per_request")
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
# {glue:text}`rs_verdicts` Each figure is checked twice where the data allow: redone on the inputs
# the guide states beside it ("on its own inputs"), and against something the figure does not itself
# assert ("independent check"): here almost always what the guide states in another section, its price
# tables above all. A figure agrees when it matches at the precision the guide wrote it with; the "why"
# column names the check that failed. Most misses come from the guide's prices, not its sums. The
# worked examples (coding, the thinking cap, GPQA, the research session) hold on the prices they state,
# which are the price table's. The effort table states no prices: at the price table, its row for Opus
# at the smaller thinking budget is exactly o3's cost for the same tokens
# ({glue:text}`rs_opus2000_at_o3`), not Opus's ({glue:text}`rs_opus2000_book`), and its rows for
# DeepSeek R1, Deep Think and Opus at the larger budget miss by more than their last written digit. The second o3 price, the deep-maths example priced at
# it and the budget table (priced like it) contradict the price used everywhere else. Its frontier
# table's cost multiples fit a chat answer of {glue:text}`rs_frontier_visible_low` to
# {glue:text}`rs_frontier_visible_high` tokens rather than the {glue:text}`rs_chat_visible` it uses
# elsewhere, so each row's range is checked end for end against that figure. The tier ranges of the
# routing list are wider than the spread of the very models the guide names for them. Not checked:
# the quality gains of the frontier table's low and medium rows and DeepSeek R1's benchmark gap to o3
# (the book has no quality data), and the latency of chat requests (the guide names no model for
# it); the classifier's cost is checked in {doc}`routing`.

# %% tags=["remove-input"]
opus2000 = effort.set_index("effort_id").loc["opus-budget-2000"]
figures.record("rs_opus2000_at_o3", cost("openai-o3", effort_input_tokens, effort_visible_tokens,
                                         opus2000["avg_thinking_tokens"]), "usd_per_request")
figures.record("rs_opus2000_book", ours["rs_effort_opus_2000"], "usd_per_request")
# The visible output that would make each stated multiple exact: thinking / (multiple - 1).
implied_visible = [fr.set_index("effort").loc[e, f"thinking_tokens_{end}"] / (frontier_stated_multiples[e][k] - 1)
                   for e in ("low", "medium", "high") for k, end in enumerate(("low", "high"))]
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
    f"{figures.fmt_ratio(book_tier_cost['hard'] / blend_book)} less. The guide prices o3 twice: "
    f"{figures.fmt_usd(o3_main['output_usd_per_mtok'])} per million output tokens in its tables and examples, "
    f"{figures.fmt_usd(o3_second['output_usd_per_mtok'])} in its second tear-down, and the figures built on the "
    f"second price (a maths example, the per-class budget table) contradict the rest."
))
