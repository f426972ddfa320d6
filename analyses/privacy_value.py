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
# # Privacy terms and the "value index"
#
# **The question.** Which providers keep your prompts, train on them, or let you run in your
# own network? And does the companion's "value index" hold up when price per unit of model
# capacity is actually computed: that GPT-4.1 is a bargain and Claude 3.5 Sonnet overpriced?
#
# **The answer.** {glue:text}`pv_answer`
#
# The privacy properties are the companion's table, one column per property, in
# `data/provider_privacy.csv`. Parameter counts are in `data/model_params.csv`, each marked
# as stated by its vendor or estimated by a third party.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
provider_privacy_csv = "data/provider_privacy.csv"
model_params_csv = "data/model_params.csv"
guide_claims_csv = "data/guide_claims.csv"
# Traffic mix for a blended price: the guide's "1M tokens of mixed traffic" is 30 % output.
output_share = 0.30
# Bytes per weight for "price per byte of VRAM": 16-bit weights (book's assumption).
bytes_per_param = 2
# The five models the companion ranks in its value index, in its order.
companion_ranked = ["GPT-4.1", "Mistral Large 2", "GPT-3.5-turbo", "Claude 3.5 Haiku", "Claude 3.5 Sonnet"]
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
from lib.costs import value_index as vi
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
privacy = tables.load_provider_privacy(provider_privacy_csv)
params = tables.load_model_params(model_params_csv)
claims = tables.load_guide_claims(guide_claims_csv)
ours: dict[str, float] = {}  # claim id -> our figure, compared with the companion at the end
claim_rows = claims.set_index("claim_id", drop=False)


def stated(claim_id: str) -> float:
    """The companion's figure as the verdict engine reads it: for prose only, never a check."""
    return float(checks.figure_of(claim_rows.loc[claim_id]).reference)
TIER_NAMES = {"full_control": "full control (self-host)", "enterprise": "enterprise privacy",
              "limited": "limited transparency"}

# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## Who keeps your data
#
# The companion compares {glue:text}`pv_n_providers` providers on {glue:text}`pv_n_properties`
# properties: how long prompts are kept, whether they train models, whether a private
# deployment exists, where the data can live, and whether you run the model yourself. It then
# sorts them into tiers: full control, enterprise privacy and limited transparency.
# Applying a plain rule to the table's own columns gives the same tiers for
# {glue:text}`pv_tier_matches` of the {glue:text}`pv_n_providers`. The rule: self-hosted is
# full control; no training on customer data plus a private deployment is enterprise;
# anything else is limited. The longest retention any enterprise-tier provider states is
# {glue:text}`pv_max_days` days. The others in that tier ({glue:text}`pv_unstated_names`) state
# no number of days, only "short-term" or "ephemeral" logs, or none at all.

# %%
privacy["tier"] = vi.privacy_tier(privacy)
matches = int((privacy["tier"] == privacy["companion_tier"]).sum())
enterprise_days = privacy.loc[privacy["companion_tier"] == "enterprise", "retention_days_max"]

# %% tags=["remove-input"]
figures.record("pv_n_providers", len(privacy), "count")
figures.record("pv_tier_matches", matches, "count")
figures.record("pv_max_days", float(enterprise_days.max()), "count")
figures.record("pv_n_properties", len(vi.PRIVACY_PROPERTIES), "count")
unstated = privacy[(privacy["companion_tier"] == "enterprise") & privacy["retention_days_max"].isna()]["provider"]
figures.glue_text("pv_unstated_names", ", ".join(unstated))
ours["pv_retention_enterprise"] = float(enterprise_days.max())
for tier in ("full_control", "enterprise", "limited"):
    ours[f"pv_tier_{'full' if tier == 'full_control' else tier}_count"] = float((privacy["tier"] == tier).sum())
show_table(privacy.assign(
    tier=privacy["tier"].map(TIER_NAMES),
    private=np.where(privacy["private_deployment"], "yes: ", "no: ") + privacy["private_deployment_how"],
    training=privacy["trains_on_data"].str.replace("_", " "),
    region=privacy["region_control"].str.replace("_", " "),
)[["provider", "offering", "retention", "training", "private", "region", "tier"]].rename(columns={
    "training": "trains on your data", "private": "private deployment", "region": "region control"}))

# %% [markdown]
# **Try it here.** Pick a tier, or require a private deployment or no training on your data.
# The grid keeps only the providers that qualify. Hover over a cell for the companion's wording.

# %% tags=["hide-input"]
ratings = vi.property_ratings(privacy).merge(
    privacy[["provider", "tier", "private_deployment", "trains_on_data"]].assign(
        tier=lambda f: f["tier"].map(TIER_NAMES),
        private=lambda f: f["private_deployment"].astype(bool),
        no_training=lambda f: f["trains_on_data"].isin(["no", "not_applicable"])).drop(
        columns=["private_deployment", "trains_on_data"]), on="provider")
tier_pick = alt.param(name="tier_pick", value="all", bind=alt.binding_select(
    options=["all", *TIER_NAMES.values()], name="privacy tier "))
need_private = alt.param(name="need_private", value=False,
                         bind=alt.binding_checkbox(name="private deployment available "))
need_no_training = alt.param(name="need_no_training", value=False,
                             bind=alt.binding_checkbox(name="never trains on your data "))
alt.Chart(ratings).mark_rect(stroke="white", strokeWidth=2).encode(
    x=alt.X("property:N", title=None, sort=list(vi.PRIVACY_PROPERTIES), axis=alt.Axis(labelAngle=0, orient="top")),
    y=alt.Y("provider:N", title=None, sort=list(privacy["provider"])),
    color=alt.Color("rating:N", title="Rating", sort=list(vi.RATINGS),
                    scale=alt.Scale(domain=list(vi.RATINGS), range=["#59a14f", "#edc948", "#e15759", "#bab0ac"])),
    tooltip=[alt.Tooltip("provider:N"), alt.Tooltip("property:N"), alt.Tooltip("detail:N", title="the companion says"),
             alt.Tooltip("rating:N"), alt.Tooltip("tier:N")],
).transform_filter(
    "(tier_pick == 'all' || datum.tier == tier_pick) && (!need_private || datum.private)"
    " && (!need_no_training || datum.no_training)"
).add_params(tier_pick, need_private, need_no_training).properties(
    width=520, height=alt.Step(24),
    title=alt.Title("Provider privacy, property by property", subtitle="The companion's table (late 2025)"),
)

# %% [markdown]
# In Jupyter, the same filter is `lib.costs.value_index.filter_providers`:

# %% tags=["hide-input"]
def privacy_filter(tier: str, no_training: bool, private_only: bool, eu_or_own_region: bool) -> None:
    kept = vi.filter_providers(privacy, tier=tier, no_training=no_training, private_only=private_only,
                               eu_or_own_region=eu_or_own_region)
    show_table(kept[["provider", "offering", "retention", "trains_on_data", "private_deployment_how",
                     "region_control"]])


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        privacy_filter,
        tier=widgets.Dropdown(options=["all", "full_control", "enterprise", "limited"], value="all"),
        no_training=widgets.Checkbox(value=False, description="never trains on your data"),
        private_only=widgets.Checkbox(value=False, description="private deployment available"),
        eu_or_own_region=widgets.Checkbox(value=False, description="EU or own region possible"),
    ))

# %% [markdown]
# ## The value index, computed
#
# The companion ranks models by "quality per cost" and sorts them into under-charged,
# fair and over-charged "per VRAM", but it shows no numbers. The book makes the idea
# concrete. It takes a blended price per million tokens ({glue:text}`pv_output_share` output)
# and divides it by the model's size in billions of parameters: the lower the figure, the more
# model the money buys. Only {glue:text}`pv_n_stated` of the {glue:text}`pv_n_models` models
# have a size stated by their vendor. For {glue:text}`pv_n_estimated` more, the size is a
# third-party **estimate** (OpenAI and Anthropic disclose none), and
# {glue:text}`pv_n_unknown` have no estimate at all, so they cannot be placed. An estimate
# that varies between sources is kept as a range; ranks use its geometric middle.
#
# On this measure, GPT-4o mini costs {glue:text}`pv_mini_vs_41` as much per parameter as
# GPT-4.1 ({glue:text}`pv_mini_reading`). The cheapest per parameter is
# **{glue:text}`pv_best_model`** and the dearest **{glue:text}`pv_worst_model`**. The
# companion's under-, fair- and over-charged labels match the book's thirds for
# {glue:text}`pv_class_matches` of the {glue:text}`pv_n_classed` models that both sides
# classify.

# %%
priced = vi.attach_prices(params, book_prices)
index = vi.value_index(priced, output_share, bytes_per_param)

# %% tags=["hide-input"]
index["count basis"] = index["params_basis"].map(vi.basis_label)
index["$/M per B params (range)"] = [
    "—" if pd.isna(lo) else (f"{lo:.3g}" if abs(hi - lo) < 5e-4 * hi else f"{lo:.3g}–{hi:.3g}")
    for lo, hi in zip(index["index_low"], index["index_high"])]
index["parameters (billions)"] = [
    "—" if pd.isna(lo) else (f"{lo:,.0f}" if lo == hi else f"{lo:,.0f}–{hi:,.0f}") + (" (est.)" if b == "estimated"
                                                                                        else "")
    for lo, hi, b in zip(index["total_params_billions_low"], index["total_params_billions_high"],
                         index["params_basis"])]
ranked = index[index["rank"].notna()].sort_values("rank")
by_model = index.set_index("model")
mini_vs_41 = float(by_model.loc["GPT-4o mini", "index_central"] / by_model.loc["GPT-4.1", "index_central"])
classed = index[index["value_class"].notna() & index["companion_value_class"].notna()]
figures.record("pv_output_share", output_share, "fraction")
figures.record("pv_n_models", len(index), "count")
figures.record("pv_n_stated", int((index["params_basis"] == "stated").sum()), "count")
figures.record("pv_n_estimated", int((index["params_basis"] == "estimated").sum()), "count")
figures.record("pv_n_unknown", int((index["params_basis"] == "unknown").sum()), "count")
figures.record("pv_mini_vs_41", mini_vs_41, "ratio")
figures.record_conclusion("pv_mini_reading", "as the companion says" if mini_vs_41 > 1
                          else "the companion says the opposite")
figures.record_conclusion("pv_best_model", ranked.iloc[0]["model"] + (
    " (size estimated)" if ranked.iloc[0]["params_basis"] == "estimated" else ""))
figures.record_conclusion("pv_worst_model", ranked.iloc[-1]["model"] + (
    " (size estimated)" if ranked.iloc[-1]["params_basis"] == "estimated" else ""))
figures.record("pv_class_matches", int((classed["value_class"] == classed["companion_value_class"]).sum()), "count")
figures.record("pv_n_classed", len(classed), "count")
show_table(
    index.assign(rank=index["rank"].astype(float)).sort_values(["rank", "model"], na_position="last")[[
        "model", "parameters (billions)", "count basis", "blended_usd_per_mtok", "index_central",
        "$/M per B params (range)", "usd_per_mtok_per_weight_gb", "rank", "value_class", "companion_value_class"]
    ].rename(columns={
        "blended_usd_per_mtok": "blended $/M", "index_central": "$/M per B params (middle)",
        "usd_per_mtok_per_weight_gb": "$/M per GB of weights", "value_class": "book's class",
        "companion_value_class": "companion's class"}),
    {"blended $/M": "usd_per_mtok", "$/M per B params (middle)": "usd_per_mtok",
     "$/M per GB of weights": "usd_per_mtok", "rank": "count"},
)
# Where each price comes from (the price table the chapter was given, or the model's own list price).
show_table(index[["model", "input_usd_per_mtok", "output_usd_per_mtok", "price_from", "source"]].rename(columns={
    "input_usd_per_mtok": "input $/M", "output_usd_per_mtok": "output $/M", "price_from": "price from",
    "source": "parameter count from"}),
    {"input $/M": "usd_per_mtok", "output $/M": "usd_per_mtok"},
)

# %% [markdown]
# **Try it here.** The slider sets how much of the traffic is output. Each dot is a model's
# middle estimate and the line through it spans the published estimates. Diamonds are
# **estimated** sizes.
#
# GPT-3.5-turbo shows how fragile the ranking is. Its estimates run from
# {glue:text}`pv_gpt35_low` to {glue:text}`pv_gpt35_high` billion parameters, and across that
# range its place among the ranked models moves from {glue:text}`pv_gpt35_rank_best` to
# {glue:text}`pv_gpt35_rank_worst`. A value index built on undisclosed sizes is a guess about
# a guess. Its other flaw is that it divides by *total* parameters: a mixture-of-experts model,
# which the companion suspects GPT-4.1 is, runs only part of them per token, and no provider
# says how large that part is.

# %% tags=["hide-input"]
g35 = by_model.loc["GPT-3.5-turbo"]
others = ranked[ranked["model"] != "GPT-3.5-turbo"]["index_central"]
rank_best = int((others < g35["index_low"]).sum()) + 1
rank_worst = int((others < g35["index_high"]).sum()) + 1
figures.record("pv_gpt35_low", g35["total_params_billions_low"], "count")
figures.record("pv_gpt35_high", g35["total_params_billions_high"], "count")
figures.record("pv_gpt35_rank_best", rank_best, "count")
figures.record("pv_gpt35_rank_worst", rank_worst, "count")

chart_data = ranked[["model", "provider", "input_usd_per_mtok", "output_usd_per_mtok", "total_params_billions_low",
                     "total_params_billions_high", "params_central_billions", "count basis"]].copy()
out_share = alt.param(name="out_share", value=output_share,
                      bind=alt.binding_range(min=0.0, max=1.0, step=0.05, name="output share of tokens "))
base = alt.Chart(chart_data).transform_calculate(
    blended="(1 - out_share) * datum.input_usd_per_mtok + out_share * datum.output_usd_per_mtok",
).transform_calculate(
    idx_mid="datum.blended / datum.params_central_billions",
    idx_low="datum.blended / datum.total_params_billions_high",
    idx_high="datum.blended / datum.total_params_billions_low",
)
y = alt.Y("model:N", sort=alt.EncodingSortField("idx_mid", order="ascending"), title=None)
tooltip = [alt.Tooltip("model:N"), alt.Tooltip("count basis:N", title="parameter count"),
           alt.Tooltip("params_central_billions:Q", title="parameters, middle (billions)", format=",.0f"),
           alt.Tooltip("blended:Q", title="blended USD per M tokens", format="$.3f"),
           alt.Tooltip("idx_mid:Q", title="USD per M tokens per B params", format=".4f")]
span = base.mark_rule(strokeWidth=2).encode(
    x=alt.X("idx_low:Q", scale=alt.Scale(type="log"), title="Price per capacity (USD per M tokens per B parameters, log)"),
    x2="idx_high:Q", y=y, color=alt.Color("count basis:N", title="Parameter count", legend=alt.Legend(labelLimit=260)),
    tooltip=tooltip,
)
dots = base.mark_point(size=120, filled=True, opacity=1).encode(
    x=alt.X("idx_mid:Q", scale=alt.Scale(type="log"), title="Price per capacity (USD per M tokens per B parameters, log)"),
    y=y, color=alt.Color("count basis:N", title="Parameter count", legend=alt.Legend(labelLimit=260)),
    shape=alt.Shape("count basis:N", title="Parameter count", scale=alt.Scale(range=["diamond", "circle"]),
                    legend=alt.Legend(labelLimit=260)),
    tooltip=tooltip,
).add_params(out_share)
alt.layer(span, dots).properties(
    width=460, height=alt.Step(28),
    title=alt.Title("Value index: price per billion parameters",
                    subtitle="Lower is more model per dollar; diamonds = ESTIMATED size (not disclosed)"),
)

# %% [markdown]
# ## The companion's figures beside ours
#
# {glue:text}`pv_verdicts` {glue:text}`pv_order_reading` The companion also ranks
# {glue:text}`pv_unranked`, which has no published size, so that rank cannot be checked; the
# ranks below it are compared as places among the models that can be ranked, which is why
# Claude 3.5 Sonnet's last place shows as one place higher than the companion's number. Two
# figures are not the companion's arithmetic:
#
# - The companion's {glue:text}`pv_gpt41_guide` parameters for GPT-4.1 is the figure circulated
#   for GPT-4. OpenAI has published no size for GPT-4.1.
# - Claude 3.5 Sonnet's context window is {glue:text}`pv_sonnet_context` tokens, not the
#   companion's {glue:text}`pv_sonnet_context_guide`. Its price cannot be explained by a long context it
#   does not have.

# %%
four = [m for m in companion_ranked if by_model.loc[m, "params_basis"] != "unknown"]
ranks = vi.rank_among(index, four)
for claim_id, model in (("pv_rank_gpt41", "GPT-4.1"), ("pv_rank_mistral_large2", "Mistral Large 2"),
                        ("pv_rank_gpt35", "GPT-3.5-turbo"), ("pv_rank_sonnet", "Claude 3.5 Sonnet")):
    ours[claim_id] = float(ranks.get(model, np.nan))

# %% tags=["remove-input"]
ours["pv_gpt41_params"] = float(by_model.loc["GPT-4.1", "total_params_billions_low"]) * 1e9
ours["pv_sonnet_context"] = float(by_model.loc["Claude 3.5 Sonnet", "context_tokens"])
figures.record("pv_sonnet_context", ours["pv_sonnet_context"], "tokens")
figures.record("pv_sonnet_context_guide", stated("pv_sonnet_context"), "tokens")
stated_order = [m for m in companion_ranked if m in ranks]
our_order = sorted(ranks, key=ranks.get)
moved = [m for m, a, b in zip(stated_order, stated_order, our_order) if a != b]
figures.glue_text("pv_order_reading", "On the models it ranks that have a size, the book's order is the "
                  "companion's." if not moved else "On the models it ranks that have a size, the book's order is "
                  + " > ".join(our_order) + "; the companion's is " + " > ".join(stated_order) + ".")
figures.glue_text("pv_unranked", " and ".join(m for m in companion_ranked if m not in ranks))
figures.record("pv_gpt41_guide", stated("pv_gpt41_params"), "count")

# %%
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("pv_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("pv_answer", (
    f"The companion's privacy tiers follow from its own table: a plain rule reproduces {matches} of "
    f"{len(privacy)}. Only self-hosting keeps data entirely in-house, and "
    + " and ".join(privacy.loc[~privacy["private_deployment"].astype(bool), "provider"])
    + " alone offer" + ("s" if (~privacy["private_deployment"].astype(bool)).sum() == 1 else "")
    + " no private option. "
    f"Priced per billion parameters, {ranked.iloc[0]['model']} (size {ranked.iloc[0]['params_basis']}) is the best "
    f"deal and {ranked.iloc[-1]['model']} (size {ranked.iloc[-1]['params_basis']}) the dearest, and GPT-4o mini costs {figures.fmt_ratio(mini_vs_41)} what GPT-4.1 "
    "does per parameter. These index values rest on sizes that OpenAI and Anthropic never disclosed; the "
    "estimates behind them are labelled as such, and one of them (GPT-3.5-turbo) spans a factor of "
    f"{figures.fmt_number(g35['total_params_billions_high'] / g35['total_params_billions_low'], 2)}."
))
