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
# # Prices now against the guide's
#
# **The question.** How far have list prices moved since the guide priced them, and which of the
# guide's headline claims still hold at today's prices?
#
# **The answer.** {glue:text}`pn_answer`
#
# Today's prices come from a public price database imported into `data/snapshots/` (see
# "Refreshing prices" in the README): here, {glue:text}`pn_feed`. The guide's are the book's own
# `data/api_prices.csv`. A model
# the feed does not list, or lists with a price that fails the book's checks, keeps the guide's
# price and is named below.

# %% tags=["parameters"]
# The guide's prices, and the imported snapshot to compare them with (the refresh passes the
# snapshot it imported).
guide_prices_csv = "data/api_prices.csv"
imported_prices_csv = "data/snapshots/api_prices.litellm.2026-11-23.csv"
guide_claims_csv = "data/guide_claims.csv"
# The guide's reference request (tokens in, tokens out) and its "1M tokens of mixed traffic" split.
reference_input_tokens = 1_500
reference_output_tokens = 300
mixed_input_tokens = 700_000
mixed_output_tokens = 300_000
# The models of the guide's mixed-traffic table that it calls frontier-class, where it names
# "cheapest frontier: Gemini Flash" (its Groq Llama row is a hosted open model, left out).
frontier_models = [
    ("OpenAI", "GPT-5"), ("OpenAI", "GPT-5 mini"), ("Anthropic", "Claude Opus 4.x"),
    ("Anthropic", "Claude Sonnet 4.6"), ("Anthropic", "Claude Haiku 4.5"), ("Google", "Gemini 2.5 Pro"),
    ("Google", "Gemini 2.5 Flash"), ("DeepSeek", "DeepSeek V3"),
]
# One flagship per provider in the guide's caching table, to rank how much a cache read saves.
caching_models = [("OpenAI", "GPT-5"), ("Anthropic", "Claude Sonnet 4.6"), ("Google", "Gemini 2.5 Pro"),
                  ("DeepSeek", "DeepSeek V3")]
# The representative model of each tier in the guide's side-by-side table.
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
import pandas as pd

from lib.book import charts, figures, guide
from lib.book.guide import Check
from lib.book.present import show_table, snapshot_banner
from lib.data import tables
from lib.prices import compare, feeds

charts.use_book_style(for_html_book)
guide_book = tables.load_api_prices(guide_prices_csv, book_rows_only=True)
snapshot = tables.load_api_prices(imported_prices_csv)
now_book = snapshot[snapshot["book_uses"]].copy()
issues = tables.load_feed_issues(feeds.issues_path_for(imported_prices_csv))
claims = tables.load_guide_claims(guide_claims_csv)
imported_rows = now_book[~now_book["price_id"].isin(guide_book["price_id"])]
feed_names = sorted({f"{src} (as of {day})" for src, day in zip(imported_rows["source"], imported_rows["as_of"])})
figures.glue_text("pn_feed", "; ".join(feed_names) if feed_names else "no feed (every price is the guide's)")

# %% tags=["remove-input"]
snapshot_banner(now_book, imported_prices_csv, what="prices now")

# %% [markdown]
# ## What the import took, and what it left
#
# {glue:text}`pn_n_imported` of the book's {glue:text}`pn_n_models` models took today's price from
# the feed; {glue:text}`pn_n_kept` kept the guide's, because the book's map names no key for them
# in this feed or the feed's entry did not pass. The import also noted
# {glue:text}`pn_n_issues` price fields it could not take as they stand; each is listed here with
# the reason. A blank field is never filled in with a guess.

# %%
changes = compare.price_changes(guide_book, now_book, input_tokens=reference_input_tokens,
                                output_tokens=reference_output_tokens)

# %% tags=["remove-input"]
figures.record("pn_n_models", len(changes), "count")
figures.record("pn_n_imported", int(changes["imported"].sum()), "count")
figures.record("pn_n_kept", int((~changes["imported"]).sum()), "count")
figures.record("pn_n_issues", len(issues), "count")
kind_text = {"rejected_model": "model rejected, guide price kept", "rejected_field": "field rejected",
             "missing_field": "field missing in feed", "vanished": "key not in feed, guide price kept",
             "duplicate": "listed twice, first listing kept"}
# One line per kind of problem: a field most models lack would otherwise fill a page.
grouped = (issues.fillna({"field": "", "value": ""})
           .assign(what=issues["kind"].map(kind_text).fillna(issues["kind"]),  # a new kind shows, never drops
                   who=issues["model"] + " (" + issues["provider"] + ")"
                   + issues["value"].fillna("").map(lambda v: f": {v}" if v else ""))
           .groupby(["what", "field", "reason"], sort=True)["who"].agg(", ".join).reset_index())
show_table(grouped.rename(columns={"what": "kind", "who": "models (and the feed's value)"})[
    ["kind", "field", "models (and the feed's value)", "reason"]])

# %% [markdown]
# ## Every model, then and now
#
# For the guide's reference request ({glue:text}`pn_ref_in` tokens in, {glue:text}`pn_ref_out`
# out) the median change among imported models is {glue:text}`pn_median_change`;
# {glue:text}`pn_n_cheaper` got cheaper, {glue:text}`pn_n_dearer` dearer and
# {glue:text}`pn_n_same` stayed the same. The largest cut is {glue:text}`pn_biggest_cut_model`
# ({glue:text}`pn_biggest_cut`).

# %% tags=["hide-input"]
imported = changes[changes["imported"]]
figures.record("pn_ref_in", reference_input_tokens, "tokens")
figures.record("pn_ref_out", reference_output_tokens, "tokens")
figures.record("pn_median_change", float(imported["request_change"].median()), "signed_fraction")
figures.record("pn_n_cheaper", int((imported["request_change"] < -1e-9).sum()), "count")
figures.record("pn_n_dearer", int((imported["request_change"] > 1e-9).sum()), "count")
figures.record("pn_n_same", int((imported["request_change"].abs() <= 1e-9).sum()), "count")
biggest_cut = imported.iloc[0]
figures.record_conclusion("pn_biggest_cut_model", f"{biggest_cut['model']} ({biggest_cut['provider']})")
figures.record("pn_biggest_cut", float(biggest_cut["request_change"]), "signed_fraction")
show_table(
    changes.assign(label=changes["model"] + " (" + changes["provider"] + ")",
                   source=changes["imported"].map({True: "feed", False: "guide (not imported)"}))[
        ["label", "input_guide", "output_guide", "input_now", "output_now", "request_guide", "request_now",
         "request_change", "source"]].rename(columns={
            "label": "model", "input_guide": "guide in $/M", "output_guide": "guide out $/M", "input_now": "now in $/M",
            "output_now": "now out $/M", "request_guide": "request, guide", "request_now": "request, now",
            "request_change": "change"}),
    {"guide in $/M": "usd_per_mtok", "guide out $/M": "usd_per_mtok", "now in $/M": "usd_per_mtok",
     "now out $/M": "usd_per_mtok", "request, guide": "usd_per_request", "request, now": "usd_per_request",
     "change": "signed_fraction"},
)

# %% [markdown]
# **Try it here.** Change the request: each line runs from the guide's cost to today's, and the
# chart recomputes both in the page (log scale).

# %% tags=["hide-input"]
chart_data = imported.assign(label=imported["model"] + " (" + imported["provider"] + ")")[
    ["label", "provider", "input_guide", "output_guide", "input_now", "output_now"]]
in_tokens = alt.param(name="in_tokens", value=reference_input_tokens,
                      bind=alt.binding_range(min=100, max=100_000, step=100, name="input tokens per request "))
out_tokens = alt.param(name="out_tokens", value=reference_output_tokens,
                       bind=alt.binding_range(min=10, max=20_000, step=10, name="output tokens per request "))
base = alt.Chart(chart_data).transform_calculate(
    guide_usd="(in_tokens * datum.input_guide + out_tokens * datum.output_guide) / 1000000",
    now_usd="(in_tokens * datum.input_now + out_tokens * datum.output_now) / 1000000",
).encode(y=alt.Y("label:N", sort=alt.EncodingSortField("now_usd", order="ascending"), title=None))
tooltip = [alt.Tooltip("label:N", title="model"), alt.Tooltip("guide_usd:Q", title="guide's price, USD", format=".6f"),
           alt.Tooltip("now_usd:Q", title="today's price, USD", format=".6f")]
x_scale = alt.Scale(type="log")
(
    base.mark_rule(color="#999").encode(x=alt.X("guide_usd:Q", scale=x_scale, title="USD per request (log scale)"),
                                        x2="now_usd:Q", tooltip=tooltip)
    + base.mark_point(shape="circle", filled=False, size=60, color="#888").encode(x="guide_usd:Q", tooltip=tooltip)
    + base.mark_point(shape="circle", filled=True, size=60).encode(
        x="now_usd:Q", color=alt.Color("provider:N", title="Provider", scale=alt.Scale(scheme="tableau20")),
        tooltip=tooltip)
).add_params(in_tokens, out_tokens).properties(
    height=alt.Step(13), width=380,
    title=alt.Title("One request at the guide's price and today's",
                    subtitle="Hollow: the guide's price; filled: the imported price"),
)

# %% [markdown]
# In Jupyter, `lib.prices.compare.price_changes` answers the same question for any request:

# %% tags=["hide-input"]
def changes_for(input_tokens: int, output_tokens: int) -> None:
    table = compare.price_changes(guide_book, now_book, input_tokens=input_tokens, output_tokens=output_tokens)
    show_table(table[["provider", "model", "request_guide", "request_now", "request_change", "imported"]],
               {"request_guide": "usd_per_request", "request_now": "usd_per_request",
                "request_change": "signed_fraction"})


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        changes_for,
        input_tokens=widgets.IntSlider(value=reference_input_tokens, min=0, max=200_000, step=100),
        output_tokens=widgets.IntSlider(value=reference_output_tokens, min=0, max=20_000, step=10),
    ))

# %% [markdown]
# ## The guide's headline claims at today's prices
#
# Three of the guide's headline ratios, and the two per-query costs the spread divides, computed once at the guide's own price tables and once
# at today's prices. Neither reading is the verdict on the guide: that is given, with the
# guide's own arithmetic beside it, in {doc}`api_prices`. The first column says whether the
# figure follows from the guide's tables; the "today" column says only whether it still
# describes the market, since prices move after a guide is written. {glue:text}`pn_claims_summary`
#
# - Cheapest frontier-class model for the guide's mixed traffic: at the guide's prices
#   {glue:text}`pn_cheapest_frontier_guide`; today {glue:text}`pn_cheapest_frontier_now`.
# - How much a cache read saves against the input price, by provider: at the guide's prices
#   {glue:text}`pn_cache_ranking_guide`; today {glue:text}`pn_cache_ranking_now`.

# %% tags=["hide-input"]
flash, gpt5, opus = ("Google", "Gemini 2.5 Flash"), ("OpenAI", "GPT-5"), ("Anthropic", "Claude Opus 4.x")


def headline_figures(prices: pd.DataFrame) -> dict[str, Check]:
    """The three ratios (and the spread's two per-query premises) at one price list, as the independent value of each claim (the guide's own
    arithmetic is api_prices' to check). "100-200x cheaper" is about the whole price list: input
    and output ratios both."""
    low, high = compare.price_ratio_range(prices, gpt5, flash)
    query = dict(input_tokens=reference_input_tokens, output_tokens=reference_output_tokens)
    return {
        # The per-query costs the spread divides: its premises, read at the same prices.
        "ap_prose_flash": Check(truth=compare.cheapest(prices, [flash], **query)[1]),
        "ap_prose_opus": Check(truth=compare.cheapest(prices, [opus], **query)[1]),
        "ap_flash_vs_gpt5": Check(truth=low, truth_high=high),
        "ap_faq_flash_vs_opus": Check(truth=compare.price_ratio(prices, opus, flash)),
        "ap_spread_tiers": Check(truth=compare.spread(prices, side_by_side_tiers, input_tokens=reference_input_tokens,
                                                      output_tokens=reference_output_tokens)),
    }

# %%
then_figures, now_figures = headline_figures(guide_book), headline_figures(now_book)
# At the guide's own tables: the independent check api_prices makes too (another section of the guide).
then_table = guide.comparison_table(claims, then_figures, truth="guide_elsewhere")
# Today's prices are data from outside the guide, labelled "today" and never recorded as the claim's
# verdict (no record_verdicts here): a miss there is a price that moved, not an error of the guide.
now_table = guide.comparison_table(claims, now_figures, truth="outside_data")
holds_then, holds_now = (guide.count_verdicts(t)["holds"] for t in (then_table, now_table))

# %% tags=["remove-input"]
for claim_id, verdict in zip(now_table["claim_id"], now_table["verdict"]):
    figures.record_conclusion(f"pn_now_{claim_id}", verdict)
figures.glue_text("pn_claims_summary", (
    f"Of these {len(now_table)} figures, {holds_then} follow from the guide's own price tables and "
    f"{holds_now} still describe today's prices."))
show_table(pd.DataFrame({
    "the guide says": then_table["the guide says"], "guide": then_table["guide"],
    "at the guide's price tables": then_table["independent check"], "reading there": then_table["verdict"],
    "at today's prices": now_table["independent check"], "reading today": now_table["verdict"],
}))

# %%
mixed = {"input_tokens": mixed_input_tokens, "output_tokens": mixed_output_tokens}
(then_cheapest, _), (now_cheapest, _) = (compare.cheapest(p, frontier_models, **mixed) for p in (guide_book, now_book))

# %% tags=["remove-input"]
figures.record_conclusion("pn_cheapest_frontier_guide", then_cheapest[1])
figures.record_conclusion("pn_cheapest_frontier_now", now_cheapest[1])
figures.record_conclusion("pn_cache_ranking_guide",
                          compare.ranking_text(compare.cache_discount_ranking(guide_book, caching_models)))
figures.record_conclusion("pn_cache_ranking_now",
                          compare.ranking_text(compare.cache_discount_ranking(now_book, caching_models)))

# %% tags=["remove-input"]
figures.glue_text("pn_answer", (
    f"Of {len(changes)} models, {int(changes['imported'].sum())} have a price in the imported snapshot; for the "
    f"reference request the median moved {figures.format_value(float(imported['request_change'].median()), 'signed_fraction')}. "
    f"{holds_now} of the {len(now_table)} headline figures checked still describe today's prices, and the cheapest "
    f"frontier-class model is {'still ' if now_cheapest == then_cheapest else ''}{now_cheapest[1]}"
    + ("." if now_cheapest == then_cheapest else f", no longer {then_cheapest[1]}.")
))
