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
# # How far to trust the guide
#
# **The question.** The guide types its numbers by hand. When every worked example and computed
# table is recomputed from its stated inputs, from the guide's other sections, and against the
# physics of the hardware, how many of its figures hold?
#
# **The answer.** {glue:text}`gt_answer`
#
# The claims are the registry `data/guide_claims.csv`, the one copy every chapter reads its
# "guide says" figures from. Each chapter recomputes its claims with the same `lib` functions it
# uses for its own figures and records the result; this chapter gathers those records (it runs
# after every other chapter at a refresh), re-derives each verdict by the same rule, and stops if
# any recorded verdict does not follow.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root). The two record files are the ones
# the refresh writes from every other chapter's outputs.
guide_claims_csv = "data/guide_claims.csv"
guide_figures_csv = "data/guide_figures.csv"
figures_csv = "book/figures.csv"
conclusions_csv = "book/conclusions.csv"
api_prices_csv = "data/api_prices.csv"
analyses_dir = "analyses"
toc_yml = "_toc.yml"
# How many of the costliest misses to explain.
worst_n = 12
# The workload at which a price becomes a monthly bill, to rank misses by what acting on them costs:
# a million requests a month (the scale of the guide's batch example), each the guide's reference
# request (1,500 tokens in, 300 out), from users of the guide's chat product (product_examples.csv).
reference_requests_per_month = 1_000_000
reference_tokens_per_request = 1_800
product_examples_csv = "data/product_examples.csv"
reference_product_id = "chat_saas"
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, checks, coverage, figures, findings, guide, reliability
from lib.book.present import show_table, snapshot_banner
from lib.data import tables

charts.use_book_style(for_html_book)
claims = tables.load_guide_claims(guide_claims_csv)
prices = tables.load_api_prices(api_prices_csv)

# %% tags=["remove-input"]
snapshot_banner(prices, api_prices_csv)
snapshot_banner(claims, guide_claims_csv, what="guide claims")

# %%
recorded_figures, recorded_conclusions = reliability.read_records(figures_csv, conclusions_csv)
verdicts = reliability.claim_verdicts(claims, recorded_figures, recorded_conclusions)
titles = reliability.chapter_titles(analyses_dir, toc_yml)
counts = reliability.verdict_counts(verdicts)

# %% [markdown]
# ## How a verdict is given
#
# Each figure is checked twice, both times by computation:
#
# - **its own arithmetic**: the sum redone on the inputs the guide states beside it. A miss is
#   **wrong arithmetic**.
# - **against independent truth**, something the claim does not itself assert: what the guide
#   states in another section (a miss **contradicts another section**, and names it), a
#   datasheet, documentation or published measurement (it **disagrees with outside data**), or,
#   for a throughput, the roofline ceiling of the hardware it names (above it the figure is
#   **physically impossible**, at or under it **physically possible**).
#
# A figure computed from another of the guide's figures that failed **rests on a failed
# premise**, and names it; it cannot agree, however good its own sum.
#
# **Rounding means rounding.** A check **agrees** within {glue:text}`gt_agree_rel` of the guide's
# figure and differs by **rounding** when it still rounds to the figure at the precision the guide
# wrote it with: half a unit in its last significant figure ("{glue:text}`gt_example_a`" accepts
# {glue:text}`gt_example_a_low` to {glue:text}`gt_example_a_high`; "{glue:text}`gt_example_b`" accepts
# {glue:text}`gt_example_b_low` to {glue:text}`gt_example_b_high`), a whole unit and at least {glue:text}`gt_hedged_rel` when
# the guide hedges ("~", "roughly"), and never more than {glue:text}`gt_rounding_rel`. A check
# that would still round with the guide's figure doubled or halved could not fail; the test suite
# scales every figure both ways and finds none.
#
# Where the guide's inputs are ambiguous, the registry's `inputs` column says which reading the
# book took and its `notes` column why; {glue:text}`gt_n_readings` claims carry such a note.
#
# The verdicts depend on the data in use: under an imported price snapshot, a claim recomputed from
# prices can miss because a price moved, not because the guide erred. The banner above names the
# prices these verdicts were computed on.

# %% tags=["hide-input"]
figures.record("gt_agree_rel", guide.AGREE_REL, "fraction")
figures.record("gt_rounding_rel", guide.MAX_REL, "fraction")
figures.record("gt_hedged_rel", guide.HEDGED_MIN_REL, "fraction")
# Two of the guide's own figures as examples of the rule: the opening's daily bill and the
# self-hosted $/M of the break-even example, with the band each accepts.
for key, claim_id in (("a", "mm_intro_daily_input_cost"), ("b", "tco_h200_per_m")):
    example = checks.figure_of(claims.set_index("claim_id", drop=False).loc[claim_id])
    figures.glue_text(f"gt_example_{key}", guide.guide_text(claims.set_index("claim_id").loc[claim_id]))
    figures.record(f"gt_example_{key}_low", example.value * (1 - example.tol_low), "usd")
    figures.record(f"gt_example_{key}_high", example.value * (1 + example.tol_high), "usd")
figures.record("gt_n_readings", int(verdicts["notes"].notna().sum()), "count")
for verdict_text, n in counts.items():
    figures.record("gt_n_" + verdict_text.replace(" ", "_").replace(":", ""), n, "count")
n_claims = len(verdicts)
n_misses = int(counts[list(guide.MISSES)].sum())
n_holds = int(counts[list(guide.HOLDS)].sum())
figures.record("gt_n_claims", n_claims, "count")
figures.record("gt_n_misses", n_misses, "count")
figures.record("gt_n_holds", n_holds, "count")
figures.record("gt_share_misses", n_misses / n_claims, "fraction")
figures.record("gt_n_chapters", verdicts["chapter"].nunique(), "count")
show_table(pd.DataFrame({"verdict": counts.index, "claims": counts.to_numpy(),
                         "share": counts.to_numpy() / n_claims}),
           {"claims": "count", "share": "fraction"})

# %% [markdown]
# ## Where the misses are
#
# The {glue:text}`gt_n_claims` claims are checked across {glue:text}`gt_n_chapters` chapters.
# The bars count each chapter's verdicts; the table below links to each chapter, where its claims
# are worked through one by one.

# %% tags=["hide-input"]
order = list(reliability.ALL_VERDICTS)
palette = ["#3a9d5d", "#8fc79f", "#9ecae1", "#e07b39", "#c23b4b", "#7a5195", "#5c0f1f", "#bbbbbb", "#dddddd"]
by_chapter = (verdicts.groupby(["chapter", "verdict"]).size().rename("claims").reset_index()
              .assign(title=lambda f: f["chapter"].map(titles)))
by_chapter["rank"] = by_chapter["verdict"].map({v: i for i, v in enumerate(order)})
chapter_order = (verdicts.assign(miss=verdicts["verdict"].isin(guide.MISSES)).groupby("chapter")["miss"]
                 .mean().sort_values(ascending=False, kind="stable").index.map(titles).tolist())
alt.Chart(by_chapter).mark_bar().encode(
    y=alt.Y("title:N", sort=chapter_order, title=None, axis=alt.Axis(labelLimit=320)),
    x=alt.X("claims:Q", title="Claims checked (count)"),
    color=alt.Color("verdict:N", scale=alt.Scale(domain=order, range=palette), sort=order, title="Verdict"),
    order=alt.Order("rank:Q"),
    tooltip=[alt.Tooltip("title:N", title="chapter"), alt.Tooltip("verdict:N"),
             alt.Tooltip("claims:Q", title="claims (count)")],
).properties(width=420, title=alt.Title("The guide's claims by chapter and verdict",
                                        subtitle="Chapters with the largest share of misses first"))

# %% tags=["hide-input"]
per_chapter = verdicts.pivot_table(index="chapter", columns="verdict", values="claim_id", aggfunc="count",
                                   fill_value=0).reindex(columns=[v for v in order if v in set(verdicts["verdict"])],
                                                         fill_value=0)
per_chapter = per_chapter.loc[[c for c in titles if c in per_chapter.index]]
chapter_table = per_chapter.reset_index().assign(chapter=lambda f: f["chapter"].map(titles))
show_table(chapter_table, {c: "count" for c in per_chapter.columns},
           links={"chapter": pd.Series([f"{c}.html" for c in per_chapter.index])})

# %% [markdown]
# ## How far off the misses are
#
# Each dot is one claim the book could check, placed by how far the guide's figure is from the
# book's as a factor (1 means inside the claim's range, or under the physical ceiling). The dashed
# line is the widest rounding any figure gets. {glue:text}`gt_n_within_2x` of the {glue:text}`gt_n_misses`
# misses are off by less than a factor of two; {glue:text}`gt_n_beyond_10x` are off tenfold or more.
#
# **Try it here.** The slider sets your own tolerance, as the largest gap you would accept (a share
# of the guide's figure; for a throughput, how far it may exceed the ceiling): dots within it turn
# green, and the count above the chart says how many of the guide's figures you would accept. At
# the widest rounding band it accepts at least every figure that agrees or rounds.

# %% tags=["hide-input"]
checked = verdicts.dropna(subset=["off_factor"]).copy()
misses_only = checked[checked["verdict"].isin(guide.MISSES)]
figures.record("gt_n_within_2x", int((misses_only["off_factor"] < 2).sum()), "count")
figures.record("gt_n_beyond_10x", int((misses_only["off_factor"] >= 10).sum()), "count")
# A finite stand-in for "no finite factor" so the log axis can place it at its right edge.
cap = float(max(1000.0, checked.loc[np.isfinite(checked["off_factor"]), "off_factor"].max() * 2))
shown = [guide.compare(claims, cid, o) for cid, o in zip(checked["claim_id"], checked["ours"])]
dots = checked.assign(
    factor=np.minimum(checked["off_factor"], cap),
    miss_share=np.minimum(checked["miss_share"], cap),
    title=checked["chapter"].map(titles),
    guide_text=[c["guide"] for c in shown],
    book_text=[figures.format_value(o, u) for o, u in zip(checked["ours"], checked["unit"])],
)[["claim_id", "quote", "title", "verdict", "factor", "miss_share", "guide_text", "book_text"]]
# Spread the dots of one verdict vertically by a stable hash of the claim id (no randomness).
dots["jitter"] = [(int.from_bytes(c.encode(), "little") % 997) / 997 for c in dots["claim_id"]]
tolerance = alt.param(name="tolerance", value=guide.MAX_REL,
                      bind=alt.binding_range(min=0.0, max=2.0, step=0.01,
                                             name="accept a gap up to (share of the guide's figure) "))
base = alt.Chart(dots)
points = base.mark_circle(size=55, opacity=0.85).encode(
    x=alt.X("factor:Q", scale=alt.Scale(type="log", domainMin=1), title="Guide's figure off by (×, log scale)"),
    y=alt.Y("verdict:N", sort=order, title=None),
    yOffset=alt.YOffset("jitter:Q"),
    color=alt.condition("datum.miss_share <= tolerance", alt.value("#3a9d5d"), alt.value("#c23b4b")),
    tooltip=[alt.Tooltip("quote:N", title="the guide says"), alt.Tooltip("title:N", title="chapter"),
             alt.Tooltip("guide_text:N", title="guide"), alt.Tooltip("book_text:N", title="book"),
             alt.Tooltip("factor:Q", title="off by (×)", format=".2f"), alt.Tooltip("verdict:N")],
).add_params(tolerance)
band = alt.Chart(pd.DataFrame({"x": [1 + guide.MAX_REL]})).mark_rule(strokeDash=[4, 3], color="#555").encode(
    x="x:Q")
accepted = base.transform_calculate(ok="datum.miss_share <= tolerance ? 1 : 0").transform_aggregate(
    accepted="sum(ok)", total="count()").transform_calculate(
    text="'Accepted at your tolerance: ' + datum.accepted + ' of ' + datum.total + ' checked figures'").mark_text(
    align="left", fontSize=13, fontWeight="bold").encode(text="text:N", x=alt.value(0), y=alt.value(-12))
(points + band + accepted).properties(
    width=520, height=300,
    title=alt.Title("How far each of the guide's figures is from the book's",
                    subtitle="Each dot is one claim; hover for the quote and both figures"))

# %% [markdown]
# **What if**, in Jupyter: `lib.book.reliability.counts_within` counts the figures within any
# tolerance you choose.

# %% tags=["hide-input"]
def accepted_at(tolerance_share: float) -> None:
    c = reliability.counts_within(verdicts, tolerance_share)
    print(f"{c['within']} of {c['checked']} checked figures miss by at most {tolerance_share:.0%}; "
          f"{c['outside']} by more")


# Widgets need a live kernel; the static book offers the in-page slider instead.
if not for_html_book:
    display(widgets.interactive(accepted_at, tolerance_share=widgets.FloatSlider(
        value=guide.MAX_REL, min=0.0, max=2.0, step=0.01)))

# %% [markdown]
# ## The costliest misses, explained
#
# Ranked by consequence, not by ratio: what a reader who acted on the guide's figure would be off
# by, in dollars a month, at a reference workload of {glue:text}`gt_ref_users` users sending
# {glue:text}`gt_ref_requests_month` requests a month of {glue:text}`gt_ref_tokens` tokens each (a
# price per token, request or user becomes a bill there; a bill a day or a year is converted).
# Figures that are not money (a throughput, a share) are not ranked here; the chart above shows
# how far off they are. The costliest: {glue:text}`gt_worst_1`
#
# The next: {glue:text}`gt_worst_2`
#
# And: {glue:text}`gt_worst_3`

# %%
per_user = float(tables.load_product_examples(product_examples_csv).set_index("product_id")
                 .loc[reference_product_id, "requests_per_user_per_month"])
workload = findings.Workload(requests_per_month=reference_requests_per_month,
                             tokens_per_request=reference_tokens_per_request,
                             users=reference_requests_per_month / per_user)
worst = findings.costliest_misses(verdicts, worst_n, workload)

# %% tags=["remove-input"]
figures.record("gt_worst_n", len(worst), "count")
figures.record("gt_ref_users", workload.users, "count")
figures.record("gt_ref_requests_month", workload.requests_per_month, "count")
figures.record("gt_ref_tokens", reference_tokens_per_request, "count")


def explain(row: pd.Series) -> str:
    why = row["why"] if isinstance(row["why"], str) and row["why"] else row["verdict"]
    reading = row["inputs"] if isinstance(row["inputs"], str) else "the guide's own figures"
    return (f"in “{titles[row['chapter']]}”, the guide says “{row['quote']}” ({guide.guide_text(row)}); the book gets "
            f"{figures.format_value(row['ours'], row['unit'])}, {figures.fmt_usd(row['usd_per_month_off'])} a month "
            f"off at the reference workload ({row['verdict']}: {why}), reading: {reading}.")


for i in range(3):
    figures.glue_text(f"gt_worst_{i + 1}", explain(worst.iloc[i]) if i < len(worst) else "no further miss.")
worst_table = pd.DataFrame({
    "chapter": worst["chapter"].map(titles).to_numpy(),
    "the guide says": worst["quote"].to_numpy(),
    "guide": [guide.guide_text(r) for _, r in worst.iterrows()],
    "book": [figures.format_value(o, u) for o, u in zip(worst["ours"], worst["unit"])],
    "off by, a month": worst["usd_per_month_off"].to_numpy(),
    "verdict": worst["verdict"].to_numpy(),
    "why": worst["why"].replace("", "—").to_numpy(),
})
show_table(worst_table, {"off by, a month": "usd"},
           links={"chapter": pd.Series([f"{c}.html" for c in worst["chapter"]])})

# %% [markdown]
# ## Chains: figures that rest on a failed premise
#
# {glue:text}`gt_n_chained` figures are computed from another of the guide's figures that fails
# its own check, so they fail with it however good their own sums. Each row follows one back to
# the failure it rests on.

# %% tags=["hide-input"]
chains = reliability.premise_chains(verdicts)
figures.record("gt_n_chained", chains["claim_id"].nunique(), "count")
show_table(chains.assign(chapter=chains["claim_id"].map(verdicts.set_index("claim_id")["chapter"]).map(titles))
           [["chapter", "claim_id", "chain"]].rename(columns={"claim_id": "figure", "chain": "rests on"}))

# %% [markdown]
# ## What the registry does not check yet
#
# The guide states {glue:text}`gt_n_numbered` numbered figures (a money amount, a share, a multiple,
# a scaled count) under {glue:text}`gt_n_sections` headings; {glue:text}`gt_n_numbered_registered`
# of them ({glue:text}`gt_share_numbered_registered`) are quoted by a claim of their section. The
# rest are not checked anywhere yet, and every verdict count above is a count of what is checked,
# not of the guide. Many unregistered figures are the guide's price tables, which the book uses as
# its inputs (`data/api_prices.csv`) rather than checks. The sections with the most figures left:

# %% tags=["hide-input"]
numbered = coverage.coverage(tables.load_guide_figures(guide_figures_csv), claims)
per_section = coverage.by_section(numbered)
figures.record("gt_n_numbered", len(numbered), "count")
figures.record("gt_n_sections", len(per_section), "count")
figures.record("gt_n_numbered_registered", int(numbered["registered"].sum()), "count")
figures.record("gt_share_numbered_registered", float(numbered["registered"].mean()), "fraction")
left = (numbered[~numbered["registered"]].groupby("section", sort=False)["figure"]
        .agg(lambda f: ", ".join(f)))
gaps = per_section.assign(unregistered=per_section["figures"] - per_section["registered"],
                          left=per_section["section"].map(left).fillna(""))
gaps = gaps.sort_values("unregistered", ascending=False, kind="stable").head(15)
show_table(gaps[["section", "figures", "registered", "share_registered", "left"]]
           .rename(columns={"left": "not yet registered"}),
           {"figures": "count", "registered": "count", "share_registered": "fraction"})

# %% [markdown]
# ## Every claim
#
# The whole registry with its verdicts, in the order of the chapters (open the cell's output to see
# it). Each row links to the chapter that recomputes it.

# %% tags=["hide-output", "hide-input"]
ordered = verdicts.assign(chapter_rank=verdicts["chapter"].map({c: i for i, c in enumerate(titles)}))
ordered = ordered.sort_values(["chapter_rank"], kind="stable")
full = pd.DataFrame({
    "chapter": ordered["chapter"].map(titles).to_numpy(),
    "the guide says": ordered["quote"].to_numpy(),
    "guide": [guide.guide_text(r) for _, r in ordered.iterrows()],
    "book": ["—" if pd.isna(o) else figures.format_value(o, u) for o, u in zip(ordered["ours"], ordered["unit"])],
    "independent truth": ordered["truth"].str.replace("_", " ").to_numpy(),
    "verdict": ordered["verdict"].to_numpy(),
    "why": ordered["why"].replace("", "—").to_numpy(),
})
show_table(full, links={"chapter": pd.Series([f"{c}.html" for c in ordered["chapter"]])})

# %% tags=["remove-input"]
for verdict_text in guide.MISSES:
    figures.record_conclusion("gt_count_" + verdict_text.replace(" ", "_"), str(int(counts[verdict_text])))
parts = [guide.verdict_phrase(v, int(counts[v])) for v in guide.VERDICTS
         if counts[v] or v not in (guide.UNCHECKED,)]
if counts[reliability.NOT_RECOMPUTED]:
    parts.append(f"{int(counts[reliability.NOT_RECOMPUTED])} are not yet recomputed by any chapter")
figures.glue_text("gt_answer", (
    f"Of the guide's {n_claims} figures the book recomputes, {', '.join(parts[:-1])} and {parts[-1]}. "
    f"So {figures.fmt_pct(n_misses / n_claims)} of them do not hold: use the guide's structure and "
    f"its rules of thumb, but recompute any figure you will spend money on."
))
