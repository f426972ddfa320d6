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
# # Batch APIs and off-peak pricing
#
# **The question.** How much is it worth to let some traffic wait, either for a batch API's
# discount or for DeepSeek's cheaper off-peak hours, and how do those discounts combine with
# prompt caching?
#
# **The answer.** {glue:text}`bo_answer`
#
# Prices and off-peak windows come from `data/api_prices.csv`; batch terms and limits from
# `data/provider_terms.csv`.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
provider_terms_csv = "data/provider_terms.csv"
guide_claims_csv = "data/guide_claims.csv"
# The guide's batch example: its typical query on Sonnet, a million of them a month.
reference_input_tokens = 1_500
reference_output_tokens = 300
batch_example = ("Anthropic", "Claude Sonnet 4.6")
queries_per_month = 1_000_000
# What the guide states beside its batch figures, for redoing its own arithmetic: the synchronous
# query's cost, the section's "pay 50% of the synchronous price", and the off-peak window's clock.
guide_sync_query_usd = 0.009
guide_batch_price_share = 0.5
guide_offpeak_window_utc = ("16:30", "00:30")
# The guide's hybrid pattern: this share of calls can wait, and (implicitly) they cost what an average call costs.
batchable_call_share = 0.30
batch_call_cost_ratio = 1.0
# Two illustrations either side of it: bulky background jobs (whole documents) and small classification calls.
bulky_call_cost_ratio = 2.0
small_call_cost_ratio = 0.5
# Caching and batch together: the prompt-caching chapter's example (prefix, fresh input, output, volume, writes a day).
prefix_tokens = 50_000
fresh_input_tokens = 500
output_tokens = 300
messages_per_day = 100_000
cache_writes_per_day = 24
stack_models = [("Anthropic", "Claude Sonnet 4.6"), ("OpenAI", "GPT-4o"), ("Google", "Gemini 2.5 Pro")]
google_cache_hours_per_day = 24
# Off-peak: DeepSeek's models, and where the users are (hours from UTC).
offpeak_models = [("DeepSeek", "DeepSeek V3"), ("DeepSeek", "DeepSeek R1")]
user_locations = {"US Pacific": -8, "US Eastern": -5, "London": 0, "Central Europe": 1, "India": 5.5,
                  "China": 8, "Japan": 9}
# A daily traffic curve: the guide's "4x peak-to-trough is typical for consumer products",
# peaking in the afternoon (the peak hour is the book's assumption).
peak_to_trough = 4.0
peak_hour_local = 14
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
from lib.costs import api, batching, caching
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
terms = tables.load_provider_terms(provider_terms_csv)
used_terms = terms[terms["book_uses"]]
claims = tables.load_guide_claims(guide_claims_csv)
# claim id -> the book's checks (a Check, or a bare number: the check the registry's truth column
# implies), compared with the guide at the end
ours: dict[str, float | guide.Check] = {}


def price_row(provider: str, model: str) -> pd.DataFrame:
    row = book_prices[(book_prices["provider"] == provider) & (book_prices["model"] == model)]
    if len(row) != 1:
        raise KeyError(f"no book price row for {provider} {model} in {api_prices_csv}")
    return row


def offpeak_row(provider: str, model: str) -> tuple[pd.DataFrame, bool]:
    """The model's row with an off-peak window: the book's, or, when the prices in use (an imported
    feed) carry none, the guide's own row, which every snapshot keeps. (row, is_fallback)"""
    row = price_row(provider, model)
    if row["offpeak_input_usd_per_mtok"].notna().all():
        return row, False
    rows = all_prices[(all_prices["provider"] == provider) & (all_prices["model"] == model)
                      & all_prices["offpeak_input_usd_per_mtok"].notna()]
    if len(rows) == 0:
        raise KeyError(f"no off-peak prices for {provider} {model} in {api_prices_csv}")
    return rows.iloc[[0]], True


def term(provider: str, name: str, model: str | None = None) -> float:
    rows = used_terms[(used_terms["provider"] == provider) & (used_terms["term"] == name)
                      & ((used_terms["model"] == model) | used_terms["model"].isna())]
    if len(rows) == 0:
        raise KeyError(f"no '{name}' term for {provider} in {provider_terms_csv}")
    return float(rows.sort_values("model", na_position="last", kind="stable")["value"].iloc[0])


def one_query(prices: pd.DataFrame, **kw) -> np.ndarray:
    return api.request_cost_usd(prices, input_tokens=reference_input_tokens, output_tokens=reference_output_tokens,
                                **kw)


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## The batch discount
#
# OpenAI, Anthropic and Google take {glue:text}`bo_discount` off input and output alike for
# requests sent as a batch file and answered within a day. {glue:text}`bo_n_batch_models` of the
# book's models have a batch tier; the table lists each provider's terms. On the guide's
# example, Sonnet's typical query drops from {glue:text}`bo_sonnet_sync` to
# {glue:text}`bo_sonnet_batch`, and {glue:text}`bo_queries_month` queries a month save
# {glue:text}`bo_sonnet_month_saving`.

# %% tags=["hide-input"]
batch_terms = (used_terms[used_terms["term"].isin(["batch_discount_frac", "batch_max_requests", "batch_max_file_mb"])]
               .pivot(index="provider", columns="term", values="value").reset_index().rename_axis(columns=None))
show_table(batch_terms.rename(columns={"batch_discount_frac": "discount", "batch_max_requests": "max requests per batch",
                                       "batch_max_file_mb": "max file (MB)"}),
           {"discount": "fraction", "max requests per batch": "count", "max file (MB)": "count"})

# %%
sonnet = price_row(*batch_example)
sonnet_sync, sonnet_batch = float(one_query(sonnet)[0]), float(one_query(sonnet, batch=True)[0])
no_batch = api.missing_reason(sonnet, ["batch_discount_frac"])  # "" when the prices in use give a batch tier

# %% tags=["remove-input"]
# Two checks each: the guide's own sum on the figures it states beside them, and the same figure
# from its price table and the providers' batch terms.
guide_batch_query = guide_sync_query_usd * guide_batch_price_share
ours.update(bo_sonnet_sync_query=sonnet_sync,
            bo_sonnet_batch_query=guide.Check(arithmetic=guide_batch_query, truth=sonnet_batch),
            bo_sonnet_batch_month=guide.Check(arithmetic=(guide_sync_query_usd - guide_batch_query) * queries_per_month,
                                              truth=(sonnet_sync - sonnet_batch) * queries_per_month))
figures.record("bo_discount", batch_terms["batch_discount_frac"].median(), "fraction")
figures.record("bo_n_batch_models", int(book_prices["batch_discount_frac"].notna().sum()), "count")
figures.record("bo_sonnet_sync", sonnet_sync, "usd_per_request")
figures.record("bo_sonnet_batch", sonnet_batch, "usd_per_request", missing=no_batch)
figures.record("bo_queries_month", queries_per_month, "count")
figures.record("bo_sonnet_month_saving", (sonnet_sync - sonnet_batch) * queries_per_month, "usd_per_month",
               missing=no_batch)

# %% [markdown]
# ## Batch on top of caching
#
# The guide says the batch discount stacks with everything else, and Anthropic's terms say
# cache hits keep it. So the discount applies to the cached bill, cache reads and writes
# included; only Google's storage fee, a charge for time rather than tokens, stays whole.
# On the prompt-caching chapter's example the two together cut Sonnet's day from
# {glue:text}`bo_stack_sonnet_none` to {glue:text}`bo_stack_sonnet_both`, a
# {glue:text}`bo_stack_sonnet_saving` saving, where caching alone gets {glue:text}`bo_stack_sonnet_cache_only`.
# The discounts multiply, they do not add: the batch discount applies to what caching leaves.

# %% tags=["hide-input"]
stack = pd.concat([price_row(p, m) for p, m in stack_models], ignore_index=True)
storage_rate = np.array([term(p, "cache_storage_usd_per_mtok_hour", m) if p == "Google" else 0.0
                         for p, m in stack_models])
hit_rate = float(caching.hit_rate_from_writes(messages_per_day, cache_writes_per_day))
kw = dict(prefix_tokens=prefix_tokens, fresh_input_tokens=fresh_input_tokens, output_tokens=output_tokens,
          messages_per_day=messages_per_day)
cache_kw = dict(hit_rate=hit_rate, storage_usd_per_mtok_hour=storage_rate,
                cache_hours_per_day=np.where(storage_rate > 0, google_cache_hours_per_day, 0))

# %%
stacked = pd.DataFrame({
    "model": stack["model"],
    "neither": caching.daily_no_cache_cost_usd(stack, **kw),
    "batch only": caching.daily_no_cache_cost_usd(stack, batch=True, **kw),
    "caching only": caching.daily_prefix_cost_usd(stack, **kw, **cache_kw),
    "both": caching.daily_prefix_cost_usd(stack, batch=True, **kw, **cache_kw),
})
stacked["saving, both"] = 1 - stacked["both"] / stacked["neither"]

# %% tags=["remove-input"]
s_row = stacked[stacked["model"] == batch_example[1]].iloc[0]
cache_prices = ["cached_input_usd_per_mtok", "cache_write_5m_usd_per_mtok"]
no_cache = api.missing_reason(stack[stack["model"] == batch_example[1]], cache_prices)
no_cache_or_batch = api.missing_reason(stack[stack["model"] == batch_example[1]], [*cache_prices, "batch_discount_frac"])
figures.record("bo_stack_sonnet_none", s_row["neither"], "usd_per_day")
figures.record("bo_stack_sonnet_both", s_row["both"], "usd_per_day", missing=no_cache_or_batch)
figures.record("bo_stack_sonnet_saving", s_row["saving, both"], "fraction", missing=no_cache_or_batch)
figures.record("bo_stack_sonnet_cache_only", 1 - s_row["caching only"] / s_row["neither"], "fraction", missing=no_cache)
show_table(stacked, {"neither": "usd_per_day", "batch only": "usd_per_day", "caching only": "usd_per_day",
                     "both": "usd_per_day", "saving, both": "fraction"})

# %% [markdown]
# ## How much traffic can wait?
#
# The guide's hybrid pattern sends the calls nobody waits for (background analytics,
# enrichment) to batch: {glue:text}`bo_share` of calls in a typical product, it says, saving
# "a hard" {glue:text}`bo_guide_hybrid` of spend. That is simply {glue:text}`bo_share` × {glue:text}`bo_discount` =
# {glue:text}`bo_hybrid`, and it holds only if the calls that wait cost what the average call
# costs. Background work is often the bulky kind (whole documents, long logs): if those calls
# are {glue:text}`bo_bulky_ratio` the average size, the same share of calls saves
# {glue:text}`bo_hybrid_bulky`; if they are small classification calls at
# {glue:text}`bo_small_ratio` the size, {glue:text}`bo_hybrid_small`. And a provider with no
# batch tier, such as DeepSeek, saves nothing this way.
#
# **Try it here.** The sliders set how big the waiting calls are and the discount; the chart
# shows the share of the bill saved for every share of calls that can wait.

# %%
discount = float(batch_terms["batch_discount_frac"].median())
bulky_ratio, small_ratio = bulky_call_cost_ratio, small_call_cost_ratio
hybrid = float(batching.hybrid_saving_frac(batchable_call_share, discount, batch_call_cost_ratio))
ours["bo_hybrid_saving"] = hybrid

# %% tags=["remove-input"]
figures.record("bo_share", batchable_call_share, "fraction")
figures.record("bo_hybrid", hybrid, "fraction")
figures.glue_text("bo_guide_hybrid", guide.guide_text(claims.set_index("claim_id").loc["bo_hybrid_saving"]))
figures.record("bo_bulky_ratio", bulky_ratio, "ratio")
figures.record("bo_small_ratio", small_ratio, "ratio")
figures.record("bo_hybrid_bulky", batching.hybrid_saving_frac(batchable_call_share, discount, bulky_ratio), "fraction")
figures.record("bo_hybrid_small", batching.hybrid_saving_frac(batchable_call_share, discount, small_ratio), "fraction")

# %% tags=["hide-input"]
shares = pd.DataFrame({"share": np.round(np.linspace(0, 1, 41), 3)})
p_ratio = alt.param(name="p_ratio", value=batch_call_cost_ratio,
                    bind=alt.binding_range(min=0.25, max=4, step=0.25, name="cost of a waiting call vs average "))
p_discount = alt.param(name="p_discount", value=discount,
                       bind=alt.binding_range(min=0, max=0.9, step=0.05, name="batch discount "))
guide_point = pd.DataFrame({"share": [batchable_call_share], "saving": [hybrid], "label": ["the guide's 30% / 15%"]})
(alt.Chart(shares).transform_calculate(
    saving="p_discount * datum.share * p_ratio / (datum.share * p_ratio + 1 - datum.share)",
).mark_line().encode(
    x=alt.X("share:Q", title="Share of calls that can wait (% of calls)", axis=alt.Axis(format="%")),
    y=alt.Y("saving:Q", title="Share of spend saved (% of the bill)", axis=alt.Axis(format="%")),
    tooltip=[alt.Tooltip("share:Q", title="calls that wait", format=".0%"),
             alt.Tooltip("saving:Q", title="spend saved", format=".1%")],
).add_params(p_ratio, p_discount)
 + alt.Chart(guide_point).mark_point(size=80, filled=True, color="black").encode(
    x="share:Q", y="saving:Q", tooltip=[alt.Tooltip("label:N", title="point"),
                                        alt.Tooltip("saving:Q", title="spend saved", format=".0%")])
 ).properties(width=460, height=280, title=alt.Title("Sending the calls that can wait to a batch API",
                                                      subtitle="Dot: the guide's hybrid pattern at its own assumptions"))

# %% [markdown]
# In Jupyter, `lib.costs.batching.hybrid_saving_frac` answers the same question for a monthly bill:

# %% tags=["hide-input"]
def batch_what_if(share: float, cost_ratio: float, monthly_spend_usd: float) -> None:
    saving = float(batching.hybrid_saving_frac(share, discount, cost_ratio))
    show_table(pd.DataFrame({"share of spend saved": [saving], "saved per month": [saving * monthly_spend_usd]}),
               {"share of spend saved": "fraction", "saved per month": "usd_per_month"})


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        batch_what_if,
        share=widgets.FloatSlider(value=batchable_call_share, min=0.0, max=1.0, step=0.05),
        cost_ratio=widgets.FloatSlider(value=batch_call_cost_ratio, min=0.25, max=4.0, step=0.25),
        monthly_spend_usd=widgets.FloatLogSlider(value=sonnet_sync * queries_per_month, base=10, min=3, max=7),
    ))

# %% [markdown]
# ## DeepSeek's off-peak hours
#
# DeepSeek has no batch API; instead it bills every request in a fixed window, {glue:text}`bo_window`
# UTC ({glue:text}`bo_window_hours` hours), at about half price: its typical query is
# {glue:text}`bo_v3_discount` cheaper on V3 and {glue:text}`bo_r1_discount` on R1. Nothing needs
# to change but the clock, so what the window is worth depends on when the users are awake. With
# traffic {glue:text}`bo_peak_to_trough` busier at its afternoon peak than at night, the window
# catches {glue:text}`bo_share_high` of the day's traffic for users in {glue:text}`bo_share_high_where`
# but only {glue:text}`bo_share_low` for users in {glue:text}`bo_share_low_where`; the table
# shows where the window falls on each place's clock. Flat traffic would put
# {glue:text}`bo_flat_share` of it in the window anywhere. {glue:text}`bo_offpeak_rows`
#
# **Try it here.** The slider moves the traffic that can wait into the window; the chart shows
# the share of the day billed off-peak, and what that takes off the bill, for users at each UTC
# offset.

# %% tags=["hide-input"]
(v3, v3_fallback), (r1, r1_fallback) = (offpeak_row(p, m) for p, m in offpeak_models)
figures.glue_text("bo_offpeak_rows", (
    f"The prices in use carry no off-peak window, so this section uses the guide's DeepSeek rows "
    f"(as of {v3['as_of'].iloc[0]}), which the same price file keeps."
    if v3_fallback or r1_fallback else "The window and its prices come from the book's DeepSeek rows."))

# %%
start, end = v3["offpeak_start_utc"].iloc[0], v3["offpeak_end_utc"].iloc[0]
start_h, end_h = (int(t[:2]) + int(t[3:]) / 60 for t in (start, end))
window_hours = (end_h - start_h) % 24
v3_discount = 1 - float(one_query(v3, offpeak=True)[0] / one_query(v3)[0])
r1_discount = 1 - float(one_query(r1, offpeak=True)[0] / one_query(r1)[0])
g_start_h, g_end_h = (int(t[:2]) + int(t[3:]) / 60 for t in guide_offpeak_window_utc)
# The discounts against the guide's DeepSeek price rows; the window both from the clock times the
# guide writes beside it (its own arithmetic) and from the price rows.
ours.update(bo_offpeak_v3=v3_discount, bo_offpeak_r1=r1_discount,
            bo_offpeak_hours=guide.Check(arithmetic=(g_end_h - g_start_h) % 24, truth=window_hours))
profile = batching.daily_traffic_profile(peak_to_trough, peak_hour_local)
by_place = pd.DataFrame({"where": list(user_locations), "utc_offset": list(user_locations.values())})
by_place["share"] = batching.window_share(profile, start_utc=start, end_utc=end,
                                          utc_offset_hours=by_place["utc_offset"].to_numpy())
by_place["v3_saving"] = by_place["share"] * v3_discount
high, low = by_place.loc[by_place["share"].idxmax()], by_place.loc[by_place["share"].idxmin()]

# %% tags=["remove-input"]
figures.glue_text("bo_window", f"{start}–{end}")
figures.record("bo_window_hours", window_hours, "count")
figures.record("bo_v3_discount", v3_discount, "fraction")
figures.record("bo_r1_discount", r1_discount, "fraction")
figures.record("bo_peak_to_trough", peak_to_trough, "ratio")
figures.record("bo_share_high", high["share"], "fraction")
figures.glue_text("bo_share_high_where", high["where"])
figures.record("bo_share_low", low["share"], "fraction")
figures.glue_text("bo_share_low_where", low["where"])
figures.record("bo_flat_share", window_hours / 24, "fraction")


def local_clock(utc_hours: float, offset: float) -> str:
    minutes = round(((utc_hours + offset) % 24) * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


by_place["window"] = [f"{local_clock(start_h, o)}–{local_clock(end_h, o)}" for o in by_place["utc_offset"]]

# %% tags=["hide-input"]
offsets = np.arange(-12, 14.5, 0.5)
curve = pd.DataFrame({"utc_offset": offsets,
                      "natural": batching.window_share(profile, start_utc=start, end_utc=end, utc_offset_hours=offsets)})
p_wait = alt.param(name="p_wait", value=0.0,
                   bind=alt.binding_range(min=0, max=1, step=0.05, name="share of traffic that can wait "))
base = alt.Chart(curve).transform_calculate(
    offpeak_share="datum.natural + p_wait * (1 - datum.natural)",
).transform_calculate(
    bill_saved=f"datum.offpeak_share * {v3_discount}",
)
(base.mark_line().encode(
    x=alt.X("utc_offset:Q", title="Users' time zone (hours from UTC)"),
    y=alt.Y("offpeak_share:Q", title="Share of the day's traffic billed off-peak (% of calls)", axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1])),
    tooltip=[alt.Tooltip("utc_offset:Q", title="UTC offset"),
             alt.Tooltip("natural:Q", title="in the window as it comes", format=".0%"),
             alt.Tooltip("offpeak_share:Q", title="off-peak with waiting traffic moved", format=".0%"),
             alt.Tooltip("bill_saved:Q", title="DeepSeek V3 bill saved", format=".0%")],
).add_params(p_wait)
 + alt.Chart(by_place).mark_text(align="left", dx=4, dy=-6, fontSize=10).encode(
    x="utc_offset:Q", y="share:Q", text="where:N")
 + alt.Chart(by_place).mark_point(filled=True, size=40).encode(
    x="utc_offset:Q", y="share:Q",
    tooltip=[alt.Tooltip("where:N"), alt.Tooltip("share:Q", title="in the window as it comes", format=".0%")])
 ).properties(width=480, height=280, title=alt.Title(
    f"DeepSeek's off-peak window ({start}–{end} UTC) by where the users are",
    subtitle=f"Daily traffic curve {peak_to_trough:g}× peak to trough, peak at {peak_hour_local}:00 local; "
             "labelled points: traffic as it comes"))

# %% tags=["hide-input"]
# Percentages formatted here to one decimal (lib's two-significant-figure formatter drops a
# trailing zero from values such as 19.8%, showing "2%").
show_table(by_place[["where", "utc_offset", "window"]].assign(
    share=by_place["share"].map("{:.1%}".format), v3_saving=by_place["v3_saving"].map("{:.1%}".format)).rename(
    columns={"where": "users in", "utc_offset": "hours from UTC", "window": "window, local time",
             "share": "traffic in the window", "v3_saving": "DeepSeek V3 bill saved"}),
    {"hours from UTC": "count"})

# %% [markdown]
# In Jupyter, `lib.costs.batching.window_share` answers it for any place and traffic curve:

# %% tags=["hide-input"]
def offpeak_what_if(utc_offset: float, curve_peak_to_trough: float, peak_hour: int, can_wait: float) -> None:
    curve_profile = batching.daily_traffic_profile(curve_peak_to_trough, peak_hour)
    natural = float(batching.window_share(curve_profile, start_utc=start, end_utc=end, utc_offset_hours=utc_offset))
    moved = float(batching.shifted_window_share(natural, can_wait))
    rows = pd.DataFrame({"model": [m for _, m in offpeak_models], "traffic off-peak": moved,
                         "bill saved": [moved * v3_discount, moved * r1_discount]})
    show_table(rows, {"traffic off-peak": "fraction", "bill saved": "fraction"})


# Widgets need a live kernel; the static book offers the in-page chart control instead.
if not for_html_book:
    display(widgets.interactive(
        offpeak_what_if,
        utc_offset=widgets.FloatSlider(value=0.0, min=-12, max=14, step=0.5),
        curve_peak_to_trough=widgets.FloatSlider(value=peak_to_trough, min=1, max=10, step=0.5),
        peak_hour=widgets.IntSlider(value=peak_hour_local, min=0, max=23),
        can_wait=widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05),
    ))

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`bo_verdicts` The guide's hybrid-pattern saving is exact arithmetic on its two assumptions;
# the sections above show how far it moves when the waiting calls are bigger or smaller than
# average. The off-peak discount is a touch under half on the typical query, because DeepSeek's
# off-peak prices are rounded to the cent.

# %%
comparison = guide.comparison_table(claims, ours, missing=no_batch)

# %% tags=["remove-input"]
publish.verdicts("bo_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("bo_answer", (
    f"A batch API takes {figures.fmt_pct(discount)} off whatever can wait a day, and it stacks with caching: "
    f"Sonnet's cached system-prompt example falls to {figures.fmt_pct(1 - s_row['saving, both'])} of the uncached "
    f"bill. Sending {figures.fmt_pct(batchable_call_share)} of calls to batch saves {figures.fmt_pct(hybrid)} of spend "
    f"only if those calls are of average size. DeepSeek's off-peak window is worth "
    f"{figures.fmt_pct(high['v3_saving'])} of the bill for users in {high['where']} but "
    f"{figures.fmt_pct(low['v3_saving'])} for users in {low['where']}, unless traffic is moved into it."
))
