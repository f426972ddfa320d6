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
# # AI Inference Cost Economics
#
# What does AI inference really cost, and which choices move the bill? This book takes a long
# public guide to inference cost and turns its tables and worked examples into code that runs on
# data: every figure here was computed from the CSV files in the repository's `data/` folder at
# the last refresh, and each chapter sets the guide's own figures beside the book's with a verdict.
#
# ## What the book found
#
# The findings first, each from the chapter it links to; every figure in them moves with a refresh.

# %% tags=["parameters", "remove-cell"]
# The records every other chapter wrote at the refresh (the refresh points these at its fresh
# copies), the guide's claims, and the prices: the guide's own, the file the chapters ran on (the
# refresh passes the snapshot in use, else the guide's), and the newest imported snapshot.
figures_csv = "book/figures.csv"
conclusions_csv = "book/conclusions.csv"
guide_claims_csv = "data/guide_claims.csv"
guide_prices_csv = "data/api_prices.csv"
api_prices_csv = "data/api_prices.csv"
imported_prices_csv = "data/snapshots/api_prices.litellm.2026-11-23.csv"
analyses_dir = "analyses"
toc_yml = "_toc.yml"
# The guide's reference request (tokens in, tokens out), as the prices chapters use it.
reference_input_tokens = 1_500
reference_output_tokens = 300
# How many of the guide's money errors to name.
n_errors = 3
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["remove-cell"]
import html

import altair as alt
import ipywidgets as widgets
from IPython.display import HTML, display
import pandas as pd

from lib.book import charts, figures, findings, guide, reliability
from lib.book.present import show_table, snapshot_banner
from lib.data import tables

charts.use_book_style(for_html_book)
claims = tables.load_guide_claims(guide_claims_csv)
recorded_figures, recorded_conclusions = reliability.read_records(figures_csv, conclusions_csv)
# The verdicts are re-judged here from the chapters' own records, as the trust chapter does; the
# refresh runs the two side by side, so this page never waits on that chapter's records.
verdicts = reliability.claim_verdicts(claims, recorded_figures, recorded_conclusions)
titles = reliability.chapter_titles(analyses_dir, toc_yml)
guide_book = tables.load_api_prices(guide_prices_csv, book_rows_only=True)
snapshot = tables.load_api_prices(imported_prices_csv)
now_book = snapshot[snapshot["book_uses"]].copy()


def link(chapter: str) -> str:
    return f'<a href="{html.escape(chapter)}.html">{html.escape(titles[chapter])}</a>'


# %% tags=["remove-input"]
snapshot_banner(now_book, imported_prices_csv, what="prices now")

# %% tags=["remove-input"]
counts = reliability.verdict_counts(verdicts)
n_claims = len(verdicts)
n_misses = int(counts[list(guide.MISSES)].sum())
figures.record("in_n_claims", n_claims, "count")
figures.record("in_n_misses", n_misses, "count")
worst = findings.costliest_misses(verdicts, n_errors)
cheapest = findings.cheapest_per_tier(now_book, input_tokens=reference_input_tokens,
                                      output_tokens=reference_output_tokens)
for row in cheapest.itertuples():
    figures.record_conclusion("in_cheapest_" + "".join(ch if ch.isalnum() else "_" for ch in row.tier.lower()),
                              f"{row.model} ({row.provider})")
distance = findings.price_distance(guide_book, now_book, input_tokens=reference_input_tokens,
                                   output_tokens=reference_output_tokens)
figures.record("in_median_abs_change", distance["median_abs_change"], "fraction")
xo = {name: findings.recorded_text(recorded_figures, "crossover", name)
      for name in ("xo_spend_open", "xo_open_price", "xo_spend_frontier", "xo_frontier_price", "xo_vs_hosted",
                   "xo_spend_open_now", "xo_open_price_now", "xo_spend_frontier_now", "xo_frontier_price_now")}
ran_on_text = findings.prices_named(api_prices_csv, imported_prices_csv)

items = [
    ("The guide's costliest errors.",
     f"Of the guide's figures in dollars a day, a month or a year (a bill, a spend, a threshold), the "
     f"{len(worst)} a reader acting on them would be furthest off by, in dollars a month:"
     + "<ol>" + "".join(f"<li>{html.escape(findings.error_sentence(claims, r))} "
                        f"See {link(r['chapter'])}.</li>" for _, r in worst.iterrows()) + "</ol>"),
    ("How far to trust it overall.",
     html.escape(f"{n_misses} of the {n_claims} figures the book recomputes do not hold "
                 f"({figures.fmt_pct(n_misses / n_claims)}): use the guide's structure, and recompute "
                 "any figure you will spend money on.") + f" See {link('guide_trust')}."),
    ("The cheapest model in each tier today.",
     html.escape(f"For the guide's reference request ({figures.fmt_tokens(reference_input_tokens)} tokens in, "
                 f"{figures.fmt_tokens(reference_output_tokens)} out) at today's list prices: "
                 f"{findings.tier_sentence(cheapest)}. The {findings.untiered(now_book)} priced models "
                 "the guide places in no tier are left out.") + f" See {link('prices_now')}."),
    ("How far the guide's prices are from today's.",
     html.escape(findings.distance_sentence(distance)) + f" See {link('prices_now')}."),
    ("When self-hosting pays.",
     html.escape(f"Computed on {ran_on_text}: with the guide's ops team, renting GPUs for an open model beats its "
                 f"hosts' median price ({xo['xo_open_price']} per million tokens) above about "
                 f"{xo['xo_spend_open']} a year of API spend, and beats a frontier model at "
                 f"{xo['xo_frontier_price']} per million above {xo['xo_spend_frontier']}; owning the base "
                 f"load and bursting to the API costs {xo['xo_vs_hosted']} of an all-API bill. On today's "
                 f"prices ({imported_prices_csv}) the same cluster beats the open model's hosts "
                 f"({xo['xo_open_price_now']} per million) above {xo['xo_spend_open_now']} a year and the "
                 f"frontier model ({xo['xo_frontier_price_now']}) above {xo['xo_spend_frontier_now']}.")
 + f" See {link('crossover')}."),
]
display(HTML('<ol class="book-findings">' + "".join(f"<li><strong>{html.escape(h)}</strong> {body}</li>"
                                                     for h, body in items) + "</ol>"))

# %% [markdown]
# ## The cheapest model in each tier, then and now
#
# **Try it here.** Each dot is the cheapest paid model of a tier for one request: on the guide's
# prices and on today's. Change the request with the sliders; the chart recomputes the costs and
# picks the cheapest again in the page (log scale).

# %% tags=["remove-input"]
paid = pd.concat([findings.paid_book_rows(guide_book).assign(prices="the guide's"),
                  findings.paid_book_rows(now_book).assign(prices="today's")], ignore_index=True).dropna(subset=["tier"])
chart_rows = paid[["prices", "tier", "provider", "model", "input_usd_per_mtok", "output_usd_per_mtok"]]
tok_in = alt.param(name="tok_in", value=reference_input_tokens,
                   bind=alt.binding_range(min=100, max=100_000, step=100, name="input tokens per request "))
tok_out = alt.param(name="tok_out", value=reference_output_tokens,
                    bind=alt.binding_range(min=10, max=10_000, step=10, name="output tokens per request "))
alt.Chart(chart_rows).transform_calculate(
    # The formula of lib.costs.api.request_cost_usd at flat list prices (findings.cheapest_per_tier).
    request_usd="(datum.input_usd_per_mtok * tok_in + datum.output_usd_per_mtok * tok_out) / 1000000",
    label="datum.model + ' (' + datum.provider + ')'",
).transform_window(
    rank="row_number()", sort=[alt.SortField("request_usd"), alt.SortField("provider"), alt.SortField("model")],
    groupby=["prices", "tier"],
).transform_filter("datum.rank == 1").mark_point(filled=True, size=110).encode(
    y=alt.Y("tier:N", title=None, sort=alt.EncodingSortField("request_usd", op="min")),
    x=alt.X("request_usd:Q", scale=alt.Scale(type="log"), title="Cheapest request in the tier (USD, log scale)"),
    color=alt.Color("prices:N", title="Prices"),
    shape=alt.Shape("prices:N", title="Prices"),
    tooltip=[alt.Tooltip("tier:N"), alt.Tooltip("prices:N"), alt.Tooltip("label:N", title="cheapest model"),
             alt.Tooltip("request_usd:Q", title="request (USD)", format="$.5f")],
).add_params(tok_in, tok_out).properties(
    width=520, height=220,
    title=alt.Title("The cheapest request in each tier, on the guide's prices and today's",
                    subtitle="Hover a dot for the model; the sliders set the request"))

# %% tags=["remove-input"]
show_table(cheapest.rename(columns={"input_usd_per_mtok": "input price", "output_usd_per_mtok": "output price",
                                    "request_usd": "reference request"}),
           {"input price": "usd_per_mtok", "output price": "usd_per_mtok", "reference request": "usd_per_request"},
           name="cheapest-per-tier-today")


# %% [markdown]
# **What if**, in Jupyter: `lib.book.findings.cheapest_per_tier` picks the cheapest model of each
# tier for any request shape.

# %% tags=["hide-input"]
def cheapest_for(input_tokens: int, output_tokens: int) -> None:
    print(findings.tier_sentence(findings.cheapest_per_tier(now_book, input_tokens=input_tokens,
                                                            output_tokens=output_tokens)))


# Widgets need a live kernel; the static book offers the in-page sliders instead.
if not for_html_book:
    display(widgets.interactive(
        cheapest_for,
        input_tokens=widgets.IntSlider(value=reference_input_tokens, min=100, max=100_000, step=100),
        output_tokens=widgets.IntSlider(value=reference_output_tokens, min=10, max=10_000, step=10)))

# %% [markdown]
# ## What the chapters answer
#
# Every chapter asks one question a reader would ask and answers it at its top; the pages in order:

# %% tags=["remove-input"]
display(HTML('<ul class="book-chapter-list">' + "".join(
    f'<li><a href="{html.escape(page.rsplit(".", 1)[0])}.html">{html.escape(title)}</a></li>'
    for title, page in findings.guide_pages(analyses_dir, toc_yml)) + "</ul>"))

# %% [markdown]
# ## Three ways to use it
#
# 1. **Read it here.** Tables and charts are static except where a chart has sliders under it:
#    those recompute in the page, with no server and no network. Every table has a link under it
#    that downloads it as CSV, and [the book's data](open_data.ipynb) lists every input file.
# 2. **Run it in Jupyter.** Each chapter is a Jupytext notebook in `analyses/`. Run `make lab`
#    in the repository and open a chapter: it opens as a notebook. Run all cells and turn the
#    ipywidgets sliders, which call the same tested functions in `lib/` that the chapter uses.
# 3. **Refresh it when prices change.** Edit or replace the CSV files in `data/` and run
#    `make book`: every chapter is re-executed, the book is rebuilt only if all chapters ran, and
#    the refresh prints every figure that moved, old and new. `make test` then proves that the
#    stored notebooks are exactly what the code produces from the data.
#
# ## Where the numbers come from
#
# The guide dates its prices "mid-2026". Each row of the data says which section of the guide it
# comes from (`source`) and when (`as_of`); accelerator specifications come from the vendors'
# datasheets. `data/README.md` describes every column and its unit, and lists every place where
# the guide contradicts itself together with the value the book uses and why.
