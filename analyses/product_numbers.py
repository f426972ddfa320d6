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
# # Putting numbers on your product
#
# **The question.** Does what a user pays cover what their AI use costs? For the guide's example
# products, what does inference cost per request, per user and per month, which
# changes to the product move that margin most, and how far can a free tier stretch it?
#
# **The answer.** {glue:text}`pr_answer`
#
# The products are rows of `data/product_examples.csv`; every token is priced by
# `lib.costs.api` at the prices in the price table, so a price refresh reprices every product.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
# The guide's own price table, which its figures are judged on whatever prices the answers use.
guide_prices_csv = "data/api_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
product_examples_csv = "data/product_examples.csv"
reasoning_effort_csv = "data/reasoning_effort.csv"
# The product the sensitivity and free-tier sections start from.
base_product = "chat_saas"
# The guide's sensitivity rows, as changes to the base product: another model (provider, model),
# a share of input read from the prompt cache, more messages per user, reasoning effort billed.
sensitivity_changes = [
    {"change_id": "haiku", "change": "Sonnet 4.6 → Haiku 4.5", "model": ("Anthropic", "Claude Haiku 4.5")},
    {"change_id": "opus", "change": "Sonnet 4.6 → Opus 4.x", "model": ("Anthropic", "Claude Opus 4.x")},
    {"change_id": "cache", "change": "Prefix caching, 70% of input read from cache", "cached_input_frac": 0.7},
    {"change_id": "double", "change": "Twice the messages (100 a month)", "messages_multiplier": 2},
    {"change_id": "viral", "change": "10× viral month, revenue unchanged", "messages_multiplier": 10},
    {"change_id": "o3", "change": "o3 at medium effort for every message", "model": ("OpenAI", "o3"),
     "effort": "medium"},
]
# Free tier: the guide's conversion rate, how much a free user uses against a paying one (its
# 30–50%), and its rule that the free tier should cost at most 30% of paying users' revenue.
conversion_frac = 0.05
free_usage_frac_low = 0.3
free_usage_frac_high = 0.5
free_budget_share_of_revenue = 0.30
# The guide's rule of thumb: revenue per user should be 3–10× its AI cost.
healthy_revenue_multiple = 3
# A change that takes more than this share of the seat price off the margin "breaks" the product's
# economics in the answer below (the book's threshold; the guide says "robust" and "catastrophic").
breaking_change = 0.10
# The guide's o3 sensitivity row matches its unit-economics o3 query, which has this many input tokens.
guide_o3_query_input_tokens = 1_500
# Redoing the guide's sums means rounding where it rounds: it takes the chat message's cost to one
# significant figure ($0.0069 ≈ $0.007) before it multiplies by the messages.
guide_message_sig_figs = 1
# Where the "your own product" what-if starts: its number of users.
whatif_users = 10_000
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, checks, figures, guide, publish
from lib.book.checks import Check
from lib.book.present import show_table, snapshot_banner
from lib.costs import api, product
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
guide_prices = tables.load_api_prices(guide_prices_csv)
claims = tables.load_guide_claims(guide_claims_csv)
products = tables.load_product_examples(product_examples_csv)
effort = tables.load_reasoning_effort(reasoning_effort_csv)
# claim id -> the book's two checks of the guide's figure (its own arithmetic, independent truth)
ours: dict[str, Check] = {}


def stated(claim_id: str) -> float:
    """A figure the guide states, read through the verdict engine, as the input of the guide's own
    next sum (the claim that sum checks names it in derived_from, so a wrong input shows there)."""
    return float(checks.figure_of(claims[claims["claim_id"] == claim_id].iloc[0]).reference)

# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## The guide's products, costed
#
# Each product is a request shape (LLM calls, tokens in and out), a model, a volume and, where the
# guide gives one, a seat price. The table prices them all on the price table; "× revenue" is
# the seat price over the inference cost of one user, the guide's test of a healthy product.
#
# - **Chat SaaS.** A message of {glue:text}`pr_chat_in` tokens in and {glue:text}`pr_chat_out`
#   out on {glue:text}`pr_chat_model` costs {glue:text}`pr_chat_message`; at
#   {glue:text}`pr_chat_messages` messages a month a user costs {glue:text}`pr_chat_user`, so a
#   {glue:text}`pr_chat_seat` seat keeps a gross margin on inference of {glue:text}`pr_chat_margin`.
# - **Support agent.** A ticket takes {glue:text}`pr_support_calls` model rounds and costs
#   {glue:text}`pr_support_ticket`; {glue:text}`pr_support_volume` tickets a year cost
#   {glue:text}`pr_support_year`.
# - **Research tool.** A query whose {glue:text}`pr_research_out` reasoning tokens bill at
#   {glue:text}`pr_research_model`'s output price costs {glue:text}`pr_research_query`; a user
#   costs {glue:text}`pr_research_user` a month against a {glue:text}`pr_research_seat` seat, a
#   margin of {glue:text}`pr_research_margin`. (The [reasoning chapter](reasoning.ipynb) prices
#   thinking tokens effort by effort.)
# - **Visual search.** A query with one image costs {glue:text}`pr_visual_query` at the rates the
#   guide gives for GPT-4o vision, so a free tier of {glue:text}`pr_visual_volume` queries a month
#   costs {glue:text}`pr_visual_month` with no revenue against it. The
#   [multimodal chapter](multimodal.ipynb) checks those rates against the guide's GPT-4o list
#   price and its image-token rules.
# - **B2B SaaS.** {glue:text}`pr_b2b_users` seats making {glue:text}`pr_b2b_per_user` actions each
#   are {glue:text}`pr_b2b_actions` actions a month at {glue:text}`pr_b2b_action` each:
#   {glue:text}`pr_b2b_month` of inference against {glue:text}`pr_b2b_revenue` of seats, a margin
#   of {glue:text}`pr_b2b_margin`.
#
# The guide wants revenue per user to be at least {glue:text}`pr_healthy_multiple` its AI cost.
# {glue:text}`pr_healthy_verdict`

# %%
econ = product.product_economics(products, all_prices)
by = econ.set_index("product_id")
spec = products.set_index("product_id")
chat, support, research, visual, b2b = (by.loc[k] for k in
                                        ("chat_saas", "support_agent", "research_tool", "visual_search", "b2b_saas"))

# %% tags=["remove-input"]
# Each worked example's first figure is priced from its tokens at the guide's own prices; each later
# figure redoes the guide's sum on the figure it states just before (a slip is caught where it happens).
g_by = product.product_economics(products, guide_prices).set_index("product_id")
chat, support, research, b2b = (g_by.loc[k] for k in ("chat_saas", "support_agent", "research_tool", "b2b_saas"))
chat_messages = float(spec.loc["chat_saas", "requests_per_user_per_month"])
ours.update({cid: Check(arithmetic=float(v)) for cid, v in {
    "pr_chat_message": chat["usd_per_request"],
    "pr_chat_user_month": chat_messages * float(product.round_significant(chat["usd_per_request"], guide_message_sig_figs)),
    "pr_chat_margin": product.gross_margin(chat["seat_usd_per_month"], stated("pr_chat_user_month")),
    "pr_support_round": support["usd_per_call"],
    "pr_support_ticket": spec.loc["support_agent", "calls_per_request"] * stated("pr_support_round"),
    "pr_support_year": spec.loc["support_agent", "requests_per_year"] * stated("pr_support_ticket"),
    "pr_research_query": research["usd_per_request"],
    "pr_research_user_month": spec.loc["research_tool", "requests_per_user_per_month"] * stated("pr_research_query"),
    "pr_research_margin": product.gross_margin(research["seat_usd_per_month"], stated("pr_research_user_month")),
    "pr_b2b_actions": b2b["requests_per_month"],
    "pr_b2b_action": b2b["usd_per_request"],
    "pr_b2b_month": stated("pr_b2b_actions") * stated("pr_b2b_action"),
    "pr_b2b_revenue": b2b["revenue_usd_per_month"],
    "pr_b2b_margin": product.gross_margin(stated("pr_b2b_revenue"), stated("pr_b2b_month")),
}.items()})
chat, support, research, visual, b2b = (by.loc[k] for k in
                                        ("chat_saas", "support_agent", "research_tool", "visual_search", "b2b_saas"))
b2b_margin = float(product.gross_margin(b2b["revenue_usd_per_month"], b2b["usd_per_month"]))
figures.record("pr_chat_in", spec.loc["chat_saas", "input_tokens_per_call"], "tokens")
figures.record("pr_chat_out", spec.loc["chat_saas", "output_tokens_per_call"], "tokens")
figures.glue_text("pr_chat_model", chat["model"])
figures.record("pr_chat_message", chat["usd_per_request"], "usd_per_request")
figures.record("pr_chat_messages", spec.loc["chat_saas", "requests_per_user_per_month"], "count")
figures.record("pr_chat_user", chat["usd_per_user_month"], "usd_per_user_month")
figures.record("pr_chat_seat", chat["seat_usd_per_month"], "usd_per_user_month")
figures.record("pr_chat_margin", chat["gross_margin"], "fraction")
figures.record("pr_support_calls", spec.loc["support_agent", "calls_per_request"], "count")
figures.record("pr_support_ticket", support["usd_per_request"], "usd_per_request")
figures.record("pr_support_volume", spec.loc["support_agent", "requests_per_year"], "count")
figures.record("pr_support_year", support["usd_per_year"], "usd_per_year")
figures.record("pr_research_out", spec.loc["research_tool", "output_tokens_per_call"], "tokens")
figures.glue_text("pr_research_model", research["model"])
figures.record("pr_research_query", research["usd_per_request"], "usd_per_request")
figures.record("pr_research_user", research["usd_per_user_month"], "usd_per_user_month")
figures.record("pr_research_seat", research["seat_usd_per_month"], "usd_per_user_month")
figures.record("pr_research_margin", research["gross_margin"], "fraction")
figures.record("pr_visual_query", visual["usd_per_request"], "usd_per_request")
figures.record("pr_visual_volume", visual["requests_per_month"], "count")
figures.record("pr_visual_month", visual["usd_per_month"], "usd_per_month")
figures.record("pr_b2b_users", spec.loc["b2b_saas", "users"], "count")
figures.record("pr_b2b_per_user", spec.loc["b2b_saas", "requests_per_user_per_month"], "count")
figures.record("pr_b2b_actions", b2b["requests_per_month"], "count")
figures.record("pr_b2b_action", b2b["usd_per_request"], "usd_per_request")
figures.record("pr_b2b_month", b2b["usd_per_month"], "usd_per_month")
figures.record("pr_b2b_revenue", b2b["revenue_usd_per_month"], "usd_per_month")
figures.record("pr_b2b_margin", b2b_margin, "fraction")
priced = econ[econ["revenue_multiple"].notna()]
healthy = priced[priced["revenue_multiple"] >= healthy_revenue_multiple]
unhealthy = priced[priced["revenue_multiple"] < healthy_revenue_multiple]
figures.record("pr_healthy_multiple", healthy_revenue_multiple, "ratio")
multiples = "; ".join(f"{p.lower()} {figures.fmt_ratio(m)}" for p, m in zip(priced["product"], priced["revenue_multiple"]))
figures.record_conclusion("pr_healthy_verdict", (
    f"Every product with a seat price clears it ({multiples})." if unhealthy.empty else
    f"Not every product with a seat price clears it ({multiples}): "
    + ", ".join(unhealthy["product"].str.lower()) + (" falls" if len(unhealthy) == 1 else " fall") + " short."))
show_table(
    econ.assign(unit=products["request_unit"].to_numpy())[
        ["product", "model", "unit", "usd_per_request", "usd_per_user_month", "usd_per_month", "seat_usd_per_month",
         "gross_margin", "revenue_multiple"]].rename(columns={
        "usd_per_request": "per request", "usd_per_user_month": "per user a month", "usd_per_month": "per month",
        "seat_usd_per_month": "seat price", "gross_margin": "gross margin", "revenue_multiple": "× revenue"}),
    {"per request": "usd_per_request", "per user a month": "usd_per_user_month", "per month": "usd_per_month",
     "seat price": "usd_per_user_month", "gross margin": "fraction", "× revenue": "ratio"},
)

# %% [markdown]
# ## Which inputs move the margin
#
# The guide's sensitivity table starts from the chat product and changes one input at a time.
# Recomputed on the same prices, a switch to Haiku moves the margin by
# {glue:text}`pr_sens_haiku_pp` and a switch to Opus by {glue:text}`pr_sens_opus_pp`.
# {glue:text}`pr_double_factor` the messages costs {glue:text}`pr_sens_double_pp`; a viral month
# with {glue:text}`pr_viral_factor` the messages and no more revenue costs
# {glue:text}`pr_sens_viral_pp`. Sending every message to
# {glue:text}`pr_o3_model` at {glue:text}`pr_o3_effort` effort bills
# {glue:text}`pr_o3_thinking` thinking tokens a message and leaves a margin of
# {glue:text}`pr_sens_o3_margin`. The changes that take more than {glue:text}`pr_breaking_change`
# of the seat price off the margin: {glue:text}`pr_breaking_list`.
#
# Caching is where the book and the guide part most. Output is {glue:text}`pr_output_share` of
# this product's bill and no cache touches it, so even a free cache hit on every input token
# would leave {glue:text}`pr_output_floor` a user; the guide's {glue:text}`pr_guide_cache_cost`
# lies below that floor. At a {glue:text}`pr_cache_hit` hit rate the book gets
# {glue:text}`pr_sens_cache_cost`.

# %% tags=["hide-input"]
base = products[products["product_id"] == base_product].reset_index(drop=True)
base_row = by.loc[base_product]
seat = float(base_row["seat_usd_per_month"])
base_messages = float(base.loc[0, "requests_per_user_per_month"])


def thinking_for(model: str, level: str | None) -> float:
    """Average thinking tokens of ``model`` at effort ``level`` (0 without one)."""
    if level is None:
        return 0.0
    row = effort[(effort["model"] == model) & (effort["effort"] == level)]
    if len(row) != 1:
        raise KeyError(f"no thinking-token figure for {model} at effort '{level}' in {reasoning_effort_csv}")
    return float(row["avg_thinking_tokens"].iloc[0])


def apply_change(change: dict, prices: pd.DataFrame | None = None, base_user_usd: float | None = None) -> dict:
    """The base product with one change: its per-user cost, margin and margin change (on the answers'
    prices unless ``prices`` and the base product's ``base_user_usd`` on them are given)."""
    prices = all_prices if prices is None else prices
    base_user_usd = float(base_row["usd_per_user_month"]) if base_user_usd is None else base_user_usd
    variant = base.copy()
    if "model" in change:
        variant["provider"], variant["model"] = change["model"]
        variant["price_id"] = np.nan
    rows = product.price_rows(variant, prices)
    thinking = thinking_for(rows.loc[0, "model"], change.get("effort"))
    per_message = product.request_cost_usd(
        rows, calls_per_request=variant["calls_per_request"].to_numpy(),
        input_tokens_per_call=variant["input_tokens_per_call"].to_numpy(),
        output_tokens_per_call=variant["output_tokens_per_call"].to_numpy(),
        cached_input_frac=change.get("cached_input_frac", 0.0), thinking_tokens_per_call=thinking)[0]
    per_user = per_message * base_messages * change.get("messages_multiplier", 1)
    # Why the change is n/a when the prices in use lack the cached rate it needs ("" when they have it).
    why = api.missing_reason(rows, ["cached_input_usd_per_mtok"]) if change.get("cached_input_frac") else ""
    return {"change_id": change["change_id"], "change": change["change"], "usd_per_user_month": per_user, "why_na": why,
            "gross_margin": float(product.gross_margin(seat, per_user)),
            "margin_change": float(product.margin_change(base_user_usd, per_user, seat)),
            "thinking": thinking}

# %%
sensitivity = pd.DataFrame([apply_change(c) for c in sensitivity_changes])

# %% tags=["remove-input"]
sens = sensitivity.set_index("change_id")
claim_ids = set(claims["claim_id"])
# The guide's table starts from its own $0.35 a user; a row that only scales the messages is its
# arithmetic on that base, a row that changes the model or the cache is checked against the list
# prices of the guide's tear-down (no arithmetic: the row states no inputs), and each margin change
# is redone on the guide's base and that row's cost, then checked on the list prices.
guide_base = stated("pr_chat_user_month")
g_sens = pd.DataFrame([apply_change(c, guide_prices, float(g_by.loc[base_product, "usd_per_user_month"]))
                       for c in sensitivity_changes]).set_index("change_id")
# The table restates the worked example's per-user cost: checked against that section's figure.
ours["pr_sens_base_cost"] = Check(truth=guide_base)
for cid in ("haiku", "opus", "cache", "double", "viral", "o3"):
    change = next(c for c in sensitivity_changes if c["change_id"] == cid)
    cost = float(sens.loc[cid, "usd_per_user_month"])
    if "messages_multiplier" in change:
        ours[f"pr_sens_{cid}_cost"] = Check(arithmetic=guide_base * change["messages_multiplier"])
    else:
        ours[f"pr_sens_{cid}_cost"] = Check(truth=float(g_sens.loc[cid, "usd_per_user_month"]))
    figures.record(f"pr_sens_{cid}_cost", cost, "usd_per_user_month", missing=sens.loc[cid, "why_na"])
    figures.record(f"pr_sens_{cid}_pp", sens.loc[cid, "margin_change"], "signed_pp", missing=sens.loc[cid, "why_na"])
    if f"pr_sens_{cid}_margin" in claim_ids:
        redone = float(product.margin_change(guide_base, stated(f"pr_sens_{cid}_cost"), seat))
        ours[f"pr_sens_{cid}_margin"] = (Check(arithmetic=redone) if "messages_multiplier" in change else
                                         Check(arithmetic=redone, truth=float(g_sens.loc[cid, "margin_change"])))
for cid, name in (("double", "pr_double_factor"), ("viral", "pr_viral_factor")):
    figures.record(name, next(c for c in sensitivity_changes if c["change_id"] == cid)["messages_multiplier"], "ratio")
o3_change = next(c for c in sensitivity_changes if c["change_id"] == "o3")
figures.glue_text("pr_o3_model", o3_change["model"][1])
figures.glue_text("pr_o3_effort", o3_change["effort"])
figures.record("pr_o3_thinking", sens.loc["o3", "thinking"], "tokens")
figures.record("pr_sens_o3_margin", sens.loc["o3", "gross_margin"], "fraction")
breaking = sensitivity[sensitivity["margin_change"] <= -breaking_change]
breaking_text = "; ".join(f"{c} ({figures.fmt_signed_pp(m)})"
                          for c, m in zip(breaking["change"], breaking["margin_change"]))
figures.record("pr_breaking_change", breaking_change, "fraction")
figures.record_conclusion("pr_breaking_list", breaking_text if len(breaking) else "none of them")
base_prices = product.price_rows(base, all_prices)
in_tok, out_tok = float(base.loc[0, "input_tokens_per_call"]), float(base.loc[0, "output_tokens_per_call"])
output_part = float(api.request_cost_usd(base_prices, input_tokens=0, output_tokens=out_tok)[0])
figures.record("pr_output_share", output_part / base_row["usd_per_request"], "fraction")
figures.record("pr_output_floor", output_part * base_messages, "usd_per_user_month")
figures.record("pr_guide_cache_cost", stated("pr_sens_cache_cost"), "usd_per_user_month")
figures.record("pr_cache_hit", next(c for c in sensitivity_changes if c["change_id"] == "cache")["cached_input_frac"],
               "fraction")
guide_cost = {cid: stated(f"pr_sens_{cid}_cost") if f"pr_sens_{cid}_cost" in claim_ids else np.nan for cid in sens.index}
guide_pp = {cid: stated(f"pr_sens_{cid}_margin") if f"pr_sens_{cid}_margin" in claim_ids else np.nan
            for cid in sens.index}
sens_table = pd.concat([
    pd.DataFrame({"change": ["The chat product as it is"], "usd_per_user_month": [base_row["usd_per_user_month"]],
                  "gross_margin": [base_row["gross_margin"]], "margin_change": [0.0]}),
    sensitivity.assign(guide_cost=sensitivity["change_id"].map(guide_cost),
                       guide_pp=sensitivity["change_id"].map(guide_pp)),
], ignore_index=True)
show_table(
    sens_table[["change", "usd_per_user_month", "gross_margin", "margin_change", "guide_cost", "guide_pp"]].rename(
        columns={"usd_per_user_month": "per user a month", "gross_margin": "gross margin",
                 "margin_change": "margin change", "guide_cost": "guide: per user", "guide_pp": "guide: change"}),
    {"per user a month": "usd_per_user_month", "gross margin": "fraction", "margin change": "signed_pp",
     "guide: per user": "usd_per_user_month", "guide: change": "signed_pp"},
)

# %% tags=["hide-input"]
sens_chart = sens_table.assign(
    margin_pct=sens_table["gross_margin"] * 100,
    pp=sens_table["margin_change"] * 100,
)[["change", "usd_per_user_month", "margin_pct", "pp"]]
alt.Chart(sens_chart).mark_bar().encode(
    x=alt.X("margin_pct:Q", title="Gross margin on inference (% of the seat price)"),
    y=alt.Y("change:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
    color=alt.condition(alt.datum.margin_pct < 0, alt.value("#c44e52"), alt.value("#4c72b0")),
    tooltip=[alt.Tooltip("change:N"), alt.Tooltip("usd_per_user_month:Q", title="USD per user a month", format=".3f"),
             alt.Tooltip("margin_pct:Q", title="gross margin (%)", format=".1f"),
             alt.Tooltip("pp:Q", title="change (percentage points)", format="+.1f")],
).properties(width=460, title=alt.Title("What each change leaves of the chat product's margin",
                                        subtitle="One change at a time to the guide's chat example; book prices"))

# %% [markdown]
# ## The free tier
#
# At a conversion rate of {glue:text}`pr_conversion`, each paying user carries
# {glue:text}`pr_free_per_paid` free users. The guide bills each of them a paying user's full
# cost and gets {glue:text}`pr_free_guide_full` per paying user: right arithmetic on its own
# {glue:text}`pr_free_guide_user` a user, but the same paragraph says a free user uses only
# {glue:text}`pr_free_usage_low` to {glue:text}`pr_free_usage_high` of a paying user's volume,
# and on that reading its own figures give {glue:text}`pr_free_guide_low` to
# {glue:text}`pr_free_guide_high`. The paragraph contradicts itself, and the comparison at the end
# says so. Priced on the price table (a user at {glue:text}`pr_chat_user`), the free tier costs
# {glue:text}`pr_free_cost_low` to {glue:text}`pr_free_cost_high` per paying user, and
# {glue:text}`pr_free_cost_full` if free users used as much as paying ones.
#
# The guide's own rule caps the free tier at {glue:text}`pr_free_budget_share` of a paying
# user's revenue, {glue:text}`pr_free_budget` here. Its full-cost figure breaks that rule
# ({glue:text}`pr_rule_verdict`). The conversion rate at which the free tier fits the budget is
# {glue:text}`pr_break_even_full` with free users at full use and {glue:text}`pr_break_even_low`
# to {glue:text}`pr_break_even_high` at the guide's usage shares. Below it, the margin problem is
# the free tier, not the paying users.

# %%
free_full = float(product.free_cost_per_paid_user(conversion_frac, base_row["usd_per_user_month"]))
free_low, free_high = (float(product.free_cost_per_paid_user(conversion_frac, base_row["usd_per_user_month"] * s))
                       for s in (free_usage_frac_low, free_usage_frac_high))
budget = free_budget_share_of_revenue * seat
# The guide's own figures (19 free users at its $0.35) at full use and at its 30–50% usage shares.
guide_free_full = stated("pr_free_per_paid") * stated("pr_chat_user_month")
guide_free_low, guide_free_high = (guide_free_full * s for s in (free_usage_frac_low, free_usage_frac_high))

# %% tags=["remove-input"]
ours.update(
    pr_free_per_paid=Check(arithmetic=float(product.free_users_per_paid(conversion_frac))),
    # Arithmetic on the inputs stated beside the figure; truth from the usage share the paragraph states.
    pr_free_cost_per_paid=Check(arithmetic=guide_free_full, truth=guide_free_low, truth_high=guide_free_high),
    # An assumption about users: nothing in the data measures it.
    pr_free_usage_share=Check(arithmetic=float("nan"), missing="no data on how much free users use"),
    # Rules of thumb for a budget: the chapter sets the examples against them, nothing measures them.
    pr_free_budget_rule=Check(arithmetic=float("nan"), missing="a rule of thumb, not a measurement"),
    pr_revenue_multiple_rule=Check(arithmetic=float("nan"), missing="a rule of thumb, not a measurement"),
)
figures.record("pr_free_guide_full", guide_free_full, "usd_per_user_month")
figures.record("pr_free_guide_user", stated("pr_chat_user_month"), "usd_per_user_month")
figures.record("pr_free_guide_low", guide_free_low, "usd_per_user_month")
figures.record("pr_free_guide_high", guide_free_high, "usd_per_user_month")
figures.record("pr_conversion", conversion_frac, "fraction")
figures.record("pr_free_per_paid", float(product.free_users_per_paid(conversion_frac)), "count")
figures.record("pr_free_cost_full", free_full, "usd_per_user_month")
figures.record("pr_free_usage_low", free_usage_frac_low, "fraction")
figures.record("pr_free_usage_high", free_usage_frac_high, "fraction")
figures.record("pr_free_cost_low", free_low, "usd_per_user_month")
figures.record("pr_free_cost_high", free_high, "usd_per_user_month")
figures.record("pr_free_budget_share", free_budget_share_of_revenue, "fraction")
figures.record("pr_free_budget", budget, "usd_per_user_month")
figures.record_conclusion("pr_rule_verdict", f"{figures.fmt_usd(free_full)} is "
                          + ("above" if free_full > budget else "within") + f" {figures.fmt_usd(budget)}")
for name, share in (("full", 1.0), ("low", free_usage_frac_low), ("high", free_usage_frac_high)):
    figures.record(f"pr_break_even_{name}",
                   product.break_even_conversion(base_row["usd_per_user_month"] * share, budget), "fraction")
conversions = np.round(np.arange(0.01, 0.201, 0.005), 3)
free_curve = pd.DataFrame([
    {"conversion_pct": c * 100, "usage": label,
     "usd": float(product.free_cost_per_paid_user(c, base_row["usd_per_user_month"] * share))}
    for label, share in ((f"free user uses {figures.fmt_pct(free_usage_frac_low)}", free_usage_frac_low),
                         (f"free user uses {figures.fmt_pct(free_usage_frac_high)}", free_usage_frac_high),
                         ("free user uses as much as a paying one", 1.0))
    for c in conversions
])
lines = alt.Chart(free_curve).mark_line(point=True).encode(
    x=alt.X("conversion_pct:Q", title="Free-to-paid conversion (%)"),
    y=alt.Y("usd:Q", title="Free-tier cost per paying user (USD per month)", scale=alt.Scale(type="log")),
    color=alt.Color("usage:N", title=None, legend=alt.Legend(orient="bottom", columns=1)),
    tooltip=[alt.Tooltip("usage:N"), alt.Tooltip("conversion_pct:Q", title="conversion (%)", format=".1f"),
             alt.Tooltip("usd:Q", title="USD per paying user a month", format=".2f")],
)
budget_rule = alt.Chart(pd.DataFrame({"budget": [budget]})).mark_rule(strokeDash=[4, 3], color="#555").encode(
    y="budget:Q", tooltip=[alt.Tooltip("budget:Q", title="the guide's budget (USD)", format=".2f")])
(lines + budget_rule).properties(width=460, title=alt.Title(
    "What the free tier costs each paying user",
    subtitle=f"Chat example; dashed: {figures.fmt_pct(free_budget_share_of_revenue)} of the seat price, the guide's cap"))

# %% [markdown]
# ## Your own product
#
# **Try it here.** Set your product's volume, request shape and seat price; each dot is the
# gross margin it would keep on one model of the price table (hover for the cost per user). The
# chart computes in the page, so it works without Jupyter. Output tokens include any reasoning
# tokens a reasoning model bills.

# %% tags=["hide-input"]
paid = all_prices[all_prices["book_uses"] & (all_prices["input_usd_per_mtok"] > 0)]
paid = paid.dropna(subset=["input_usd_per_mtok", "output_usd_per_mtok"])
hosts = paid.groupby("model")["provider"].transform("nunique")
what_if_data = paid.assign(label=np.where(hosts > 1, paid["model"] + " (" + paid["provider"] + ")", paid["model"]))[
    ["label", "provider", "input_usd_per_mtok", "output_usd_per_mtok"]]
# The base product's model, as the what-if labels it (with its host where several sell it).
base_label = what_if_data.loc[(paid["provider"] == base_prices.loc[0, "provider"])
                              & (paid["model"] == base_prices.loc[0, "model"]), "label"].iloc[0]
msgs = alt.param(name="msgs", value=base_messages,
                 bind=alt.binding_range(min=1, max=2_000, step=1, name="requests per user a month "))
w_in = alt.param(name="w_in", value=in_tok, bind=alt.binding_range(min=0, max=50_000, step=50, name="input tokens "))
w_out = alt.param(name="w_out", value=out_tok,
                  bind=alt.binding_range(min=0, max=20_000, step=50, name="output tokens "))
w_seat = alt.param(name="w_seat", value=seat, bind=alt.binding_range(min=1, max=200, step=0.5, name="seat price (USD) "))
alt.Chart(what_if_data).mark_circle(size=70, opacity=0.9).encode(
    x=alt.X("margin_pct:Q", title="Gross margin on inference (% of the seat price)",
            scale=alt.Scale(domain=[-100, 100], clamp=True)),
    y=alt.Y("label:N", sort="-x", title=None),
    color=alt.Color("provider:N", title="Provider", scale=alt.Scale(scheme="tableau20")),
    tooltip=[alt.Tooltip("label:N", title="model"),
             alt.Tooltip("user_usd:Q", title="inference USD per user a month", format=",.3f"),
             alt.Tooltip("margin_pct:Q", title="gross margin (%)", format=".1f")],
).transform_calculate(
    user_usd="msgs * (w_in * datum.input_usd_per_mtok + w_out * datum.output_usd_per_mtok) / 1000000",
).transform_calculate(
    margin_pct="100 * (1 - datum.user_usd / w_seat)",
).add_params(msgs, w_in, w_out, w_seat).properties(
    height=alt.Step(13), width=380,
    title=alt.Title("Your product's margin on every model",
                    subtitle="Starts at the guide's chat example; margins below −100% are drawn at the edge"),
)

# %% [markdown]
# In Jupyter the same what-if, with a free tier, runs through `lib.costs.product.your_product`:

# %% tags=["hide-input"]
def your_product(model: str, users: int, requests_per_user: int, input_tokens: int, output_tokens: int,
                 seat_usd: float, paying_share: float, free_usage: float) -> None:
    row = what_if_data[what_if_data["label"] == model].iloc[0]
    r = product.your_product(users=users, requests_per_user_per_month=requests_per_user, input_tokens=input_tokens,
                             output_tokens=output_tokens, input_usd_per_mtok=row["input_usd_per_mtok"],
                             output_usd_per_mtok=row["output_usd_per_mtok"], seat_usd_per_month=seat_usd,
                             paying_frac=paying_share, free_usage_frac=free_usage)
    print(f"{figures.fmt_usd(r['usd_per_user_month'])} per active user a month; {figures.fmt_usd(r['usd_per_month'])} "
          f"a month for everyone against {figures.fmt_usd(r['revenue_usd_per_month'])} of seats: "
          f"gross margin {figures.fmt_pct(r['gross_margin'])}")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        your_product,
        model=widgets.Dropdown(options=sorted(what_if_data["label"]), value=base_label),
        users=widgets.IntSlider(value=whatif_users, min=100, max=1_000_000, step=100),
        requests_per_user=widgets.IntSlider(value=int(base_messages), min=1, max=2_000),
        input_tokens=widgets.IntSlider(value=int(in_tok), min=0, max=50_000, step=50),
        output_tokens=widgets.IntSlider(value=int(out_tok), min=0, max=20_000, step=50),
        seat_usd=widgets.FloatSlider(value=seat, min=1, max=200, step=0.5),
        paying_share=widgets.FloatSlider(value=conversion_frac, min=0.01, max=1.0, step=0.01),
        free_usage=widgets.FloatSlider(value=free_usage_frac_low, min=0.0, max=1.0, step=0.05),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`pr_verdicts` Each figure is checked twice where the data allow: "on its own inputs"
# redoes the guide's sum on the figures it states beside it (rounded where it rounds), and the
# "independent check" prices the same thing from the guide's price tables or, for the free tier,
# from the usage share the same paragraph gives. A figure agrees or rounds when it rounds to the
# guide's at the precision the guide wrote it with (never looser than {glue:text}`pr_max_rel`);
# a figure computed from one that misses "rests on a failed premise".
#
# For the {glue:text}`pr_n_products` products, {glue:text}`pr_worked_holds`.
# {glue:text}`pr_sens_holds`. The Opus row implies
# {glue:text}`pr_opus_implied` a message, more than the {glue:text}`pr_opus_book` that the guide's
# own Opus price gives. The caching row is below what any input cache can reach, as shown above.
# The o3 row is {glue:text}`pr_o3_guide_query` a message times {glue:text}`pr_chat_messages`:
# that is the guide's unit-economics figure for a {glue:text}`pr_o3_ue_in`-token query at medium
# effort, not the chat message, which costs {glue:text}`pr_o3_book_message`. The free-tier figure
# is right arithmetic and contradicts the usage share beside it.

# %% tags=["remove-input"]
figures.record("pr_opus_implied", stated("pr_sens_opus_cost") / base_messages, "usd_per_request")
figures.record("pr_opus_book", sens.loc["opus", "usd_per_user_month"] / base_messages, "usd_per_request")
figures.record("pr_o3_guide_query", stated("pr_sens_o3_cost") / base_messages, "usd_per_request")
figures.record("pr_o3_ue_in", guide_o3_query_input_tokens, "tokens")
figures.record("pr_o3_book_message", sens.loc["o3", "usd_per_user_month"] / base_messages, "usd_per_request")
figures.record("pr_n_products", len(products), "count")
sens_missing = {f"pr_sens_{c}_{k}": why for c, why in g_sens["why_na"].items() for k in ("cost", "margin")}

# %%
comparison = guide.comparison_table(claims, ours, missing=sens_missing)

# %% tags=["remove-input"]
publish.verdicts("pr_verdicts", comparison)
figures.record("pr_max_rel", guide.MAX_REL, "fraction")
worked = comparison["claim_id"].str.match(r"pr_(chat|support|research|b2b)_")
sens_rows = comparison["claim_id"].str.startswith("pr_sens_")
guide.glue_count("pr_worked_holds", comparison[worked], "in the worked examples")
guide.glue_count("pr_sens_holds", comparison[sens_rows], "in the sensitivity table")

# %% tags=["remove-input"]
figures.glue_text("pr_answer", (
    f"On the guide's chat example a user costs {figures.fmt_usd(chat['usd_per_user_month'])} a month, a "
    f"{figures.fmt_pct(chat['gross_margin'])} margin on {figures.fmt_usd(seat)}; the B2B product keeps "
    f"{figures.fmt_pct(b2b_margin)} and the o3 research tool {figures.fmt_pct(research['gross_margin'])}. "
    + (f"Of the guide's one-at-a-time changes to the chat product, only {breaking_text} "
       f"{'takes' if len(breaking) == 1 else 'take'} more than "
       f"{figures.fmt_pct(breaking_change)} of the seat price off its margin; "
       if len(breaking) else "None of the guide's one-at-a-time changes to the chat product takes more than "
       f"{figures.fmt_pct(breaking_change)} of the seat price off its margin; ")
    + f"at a {figures.fmt_pct(conversion_frac)} conversion rate the free tier costs each paying user "
    f"{figures.fmt_usd(free_low)}–{figures.fmt_usd(free_full)}, up to "
    f"{figures.fmt_ratio(free_full / chat['usd_per_user_month'])} what the paying user costs."
))
