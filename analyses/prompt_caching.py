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
# # Prompt caching across providers
#
# **The question.** When every message carries the same long prompt, how much does prompt
# caching save on each provider, how often must the cache be hit for it to pay, and what does
# it cost when the cached prompt changes?
#
# **The answer.** {glue:text}`pc_answer`
#
# Cache mechanics come from `data/cache_terms.csv` (the guide's table of how each provider's
# cache works); the cached-read and cache-write prices of each model from `data/api_prices.csv`.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
cache_terms_csv = "data/cache_terms.csv"
guide_claims_csv = "data/guide_claims.csv"
# The guide's worked example: a customer-service assistant with a long system prompt.
prefix_tokens = 50_000
fresh_input_tokens = 500
output_tokens = 300
messages_per_day = 100_000
days_per_year = 365
example_models = [("Anthropic", "Claude Sonnet 4.6"), ("OpenAI", "GPT-4o"), ("Google", "Gemini 2.5 Pro"),
                  ("DeepSeek", "DeepSeek V3")]
# The guide does not say how often its caches are re-written; one write an hour is the book's
# reading (its Sonnet and DeepSeek figures imply about that many), and Google's explicit cache
# is held all day.
cache_writes_per_day = 24
google_cache_hours_per_day = 24
# Google's storage example: a cache of this size held this long.
storage_example_tokens = 200_000
storage_example_hours = 24
# The Google tear-down's Flash storage example: a cache of this size, held as long.
flash_storage_example_tokens = 100_000
# The caching deep dive's example: Sonnet 4.6, the same prefix, this many calls a day,
# one cache write per this many calls on each tier.
deep_dive_calls = 1_000
deep_dive_calls_per_write_5m = 5
deep_dive_calls_per_write_1h = 50
# The Anthropic tear-down's caching sentence: the same prefix, this many messages a day.
anthropic_example_messages_per_day = 10_000
# Hit rates the guide calls good (80-95%) and bad (under 30%).
good_hit_rate_low = 0.80
good_hit_rate_high = 0.95
bad_hit_rate = 0.30
# Invalidation: tenants with their own cache when a user ID sits in the prefix (an illustration),
# and the guide's "1-2 hours of cache miss penalty" while a new prompt version warms up.
tenants_with_own_cache = 10_000
warmup_hours_low = 1
warmup_hours_high = 2
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, figures, guide, publish
from lib.book.checks import figure_of
from lib.book.guide import Check
from lib.book.present import show_table, snapshot_banner
from lib.costs import api, caching
from lib.costs.api import Rates
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
book_prices = all_prices[all_prices["book_uses"]].reset_index(drop=True)
terms = tables.load_cache_terms(cache_terms_csv)
claims = tables.load_guide_claims(guide_claims_csv)
claim_rows = claims.set_index("claim_id", drop=False)


def printed(claim_id: str) -> float:
    """The guide's printed figure for a premise of the claim being checked: the input its next sum is
    redone on (the daily total on the per-call figures beside it, the year on the day). Never the
    checked claim's own figure."""
    return float(figure_of(claim_rows.loc[claim_id]).reference)


# claim id -> the book's two checks of the guide's figure (its own arithmetic, independent truth), compared at the end
checks: dict[str, Check] = {}


def price_row(provider: str, model: str) -> pd.DataFrame:
    row = book_prices[(book_prices["provider"] == provider) & (book_prices["model"] == model)]
    if len(row) != 1:
        raise KeyError(f"no book price row for {provider} {model} in {api_prices_csv}")
    return row


def cache_term(provider: str, model: str, column: str) -> float:
    """A provider's cache term, the model's own row first (Google's differ by model)."""
    rows = terms[(terms["provider"] == provider) & ((terms["model"] == model) | terms["model"].isna())]
    rows = rows.sort_values("model", na_position="last", kind="stable")
    if len(rows) == 0:
        raise KeyError(f"no cache terms for {provider} in {cache_terms_csv}")
    return float(rows[column].iloc[0])


example = pd.concat([price_row(p, m) for p, m in example_models], ignore_index=True)
example["storage_usd_per_mtok_hour"] = [cache_term(p, m, "storage_usd_per_mtok_hour") for p, m in example_models]
example["storage_hours"] = np.where(example["storage_usd_per_mtok_hour"] > 0, google_cache_hours_per_day, 0)
example_hit_rate = float(caching.hit_rate_from_writes(messages_per_day, cache_writes_per_day))
# Why a cached figure is n/a when the prices in use lack a cache price ("" when they give them all).
cache_prices = ["cached_input_usd_per_mtok", "cache_write_5m_usd_per_mtok"]
no_cache_price = api.missing_reason(example, cache_prices)

# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)

# %% [markdown]
# ## How each provider's cache works
#
# Two designs compete. OpenAI, DeepSeek and Fireworks find a repeated prefix on their own;
# Anthropic and Google make the caller mark or create the cache. The price of a cache read runs
# from {glue:text}`pc_read_low` of the input price to {glue:text}`pc_read_high`, a
# {glue:text}`pc_read_spread` spread between the providers. Only Anthropic charges more than the
# input price to write the cache, and only Google charges for keeping it.
#
# The guide's per-provider price tables put a cache read at {glue:text}`pc_discount_low` to
# {glue:text}`pc_discount_high` off the input price, model by model, and the table above puts
# the providers at {glue:text}`pc_table_discount_low` to {glue:text}`pc_table_discount_high`
# off; the guide's summary line elsewhere, "cache 80–95% off", is set against both ranges, end
# by end, in the comparison at the end. Its OpenAI rows give a median cached read of
# {glue:text}`pc_openai_median_share` of input, the figure the caching deep dive's and the FAQ's
# own percentages for OpenAI are checked against.

# %% tags=["hide-input"]
hosted_terms = terms[~terms["provider"].str.contains("self-host")]
read_low, read_high = hosted_terms["read_frac_of_input"].min(), hosted_terms["read_frac_of_input"].max()
# The same shares as the per-provider tear-down prices them, row by row: another section of the guide.
table_shares = caching.cache_read_shares(book_prices)
table_by_provider = book_prices.loc[table_shares.index, "provider"]
checks["pc_read_spread"] = Check(arithmetic=read_high / read_low, truth=table_shares.max() / table_shares.min())
# "cache 80-95% off": the tear-down's own rows are its inputs; the caching table's providers are the other section.
checks["pc_cache_off"] = Check(arithmetic=1 - table_shares.max(), arithmetic_high=1 - table_shares.min(),
                               truth=1 - read_high, truth_high=1 - read_low)
openai_share = float(table_shares[table_by_provider == "OpenAI"].median())
anthropic_share = float(table_shares[table_by_provider == "Anthropic"].median())
checks["pc_dd_openai_share"] = Check(truth=openai_share)
checks["pc_faq_openai_discount"] = Check(truth=1 - openai_share)
checks["pc_faq_anthropic_discount"] = Check(truth=1 - anthropic_share)
figures.record("pc_discount_low", 1 - table_shares.max(), "fraction")
figures.record("pc_discount_high", 1 - table_shares.min(), "fraction")
figures.record("pc_openai_median_share", openai_share, "fraction")
figures.record("pc_table_discount_low", 1 - read_high, "fraction")
figures.record("pc_table_discount_high", 1 - read_low, "fraction")
figures.record("pc_read_low", read_low, "fraction")
figures.record("pc_read_high", read_high, "fraction")
figures.record("pc_read_spread", read_high / read_low, "ratio")
show_table(
    terms.assign(who=terms["provider"] + np.where(terms["model"].notna(), " " + terms["model"].fillna(""), ""))[
        ["who", "trigger", "trigger_detail", "ttl_text", "read_frac_of_input", "write_5m_multiplier",
         "write_1h_multiplier", "min_prefix_tokens", "storage_usd_per_mtok_hour"]].rename(columns={
        "who": "provider", "trigger_detail": "how", "ttl_text": "lives for", "read_frac_of_input": "read (of input)",
        "write_5m_multiplier": "write (× input)", "write_1h_multiplier": "1-hour write (× input)",
        "min_prefix_tokens": "min prefix tokens", "storage_usd_per_mtok_hour": "storage $/M tokens/hour"}),
    {"read (of input)": "fraction", "write (× input)": "count", "1-hour write (× input)": "count",
     "min prefix tokens": "tokens", "storage $/M tokens/hour": "usd_per_mtok"},
)

# %% [markdown]
# ## The guide's example: a long system prompt on every message
#
# A support assistant sends a {glue:text}`pc_prefix` token system prompt with every message,
# plus {glue:text}`pc_fresh` tokens of user text, and answers in {glue:text}`pc_out` tokens,
# {glue:text}`pc_messages` times a day. The book re-writes each cache
# {glue:text}`pc_writes_per_day` times a day, so only {glue:text}`pc_example_miss_rate` of
# messages miss the cache, and keeps Google's cache for {glue:text}`pc_google_hours` hours a day. Without caching
# the day costs from {glue:text}`pc_nocache_low` to {glue:text}`pc_nocache_high`; with it, from
# {glue:text}`pc_cached_low` to {glue:text}`pc_cached_high`. Over a year caching saves
# {glue:text}`pc_year_saving_low` to {glue:text}`pc_year_saving_high` depending on the provider.

# %%
day_kw = dict(prefix_tokens=prefix_tokens, fresh_input_tokens=fresh_input_tokens, output_tokens=output_tokens,
              messages_per_day=messages_per_day)
example["no_cache_day"] = caching.daily_no_cache_cost_usd(example, **day_kw)
example["cached_day"] = caching.daily_prefix_cost_usd(
    example, hit_rate=example_hit_rate, storage_usd_per_mtok_hour=example["storage_usd_per_mtok_hour"].to_numpy(),
    cache_hours_per_day=example["storage_hours"].to_numpy(), **day_kw)
example["saving_year"] = (example["no_cache_day"] - example["cached_day"]) * days_per_year
example["saving_frac"] = 1 - example["cached_day"] / example["no_cache_day"]

# %% tags=["remove-input"]
keys = {"Claude Sonnet 4.6": "sonnet", "GPT-4o": "gpt4o", "Gemini 2.5 Pro": "gemini_pro", "DeepSeek V3": "deepseek"}
example["key"] = example["model"].map(keys)
figures.record("pc_prefix", prefix_tokens, "tokens")
figures.record("pc_fresh", fresh_input_tokens, "tokens")
figures.record("pc_out", output_tokens, "tokens")
figures.record("pc_messages", messages_per_day, "count")
figures.record("pc_writes_per_day", cache_writes_per_day, "count")
figures.record("pc_example_miss_rate", 1 - example_hit_rate, "fraction")
figures.record("pc_google_hours", google_cache_hours_per_day, "count")
figures.record("pc_nocache_low", example["no_cache_day"].min(), "usd_per_day")
figures.record("pc_nocache_high", example["no_cache_day"].max(), "usd_per_day")
figures.record("pc_cached_low", example["cached_day"].min(skipna=False), "usd_per_day", missing=no_cache_price)
figures.record("pc_cached_high", example["cached_day"].max(skipna=False), "usd_per_day", missing=no_cache_price)
figures.record("pc_year_saving_low", example["saving_year"].min(skipna=False), "usd_per_year", missing=no_cache_price)
figures.record("pc_year_saving_high", example["saving_year"].max(skipna=False), "usd_per_year", missing=no_cache_price)
show_table(
    example[["model", "no_cache_day", "cached_day", "saving_frac", "saving_year"]].rename(columns={
        "no_cache_day": "per day, no cache", "cached_day": "per day, cached", "saving_frac": "saving",
        "saving_year": "saved per year"}),
    {"per day, no cache": "usd_per_day", "per day, cached": "usd_per_day", "saving": "fraction",
     "saved per year": "usd_per_year"},
)

# %% [markdown]
# Each of the guide's figures in this example is checked twice. **On its own inputs**: the sum
# redone on what the guide prints beside it (the example's own prices, the per-call figures
# beside each day, the day beside each year). **Independently**: the same figure at the prices
# of the guide's per-provider tables, with every token the example states billed. The two part
# company in three places:
#
# - **Output is left out.** The guide's per-call cost with caching counts the prefix and the
#   user's text but not the {glue:text}`pc_out` output tokens it bills in the no-cache case.
#   On Sonnet that is {glue:text}`pc_output_per_day_sonnet` a day. The guide's daily sums are
#   right on its per-call figures; the days, and the years built on them, leave out a cost the
#   same example states.
# - **GPT-4o is priced twice.** The example reads the cache at {glue:text}`pc_gpt4o_example_read`
#   per million tokens, a quarter of input, and its sums on that price are right; the guide's
#   OpenAI price table says {glue:text}`pc_gpt4o_book_read`. That contradicts another section:
#   the GPT-4o read call, its day, year and saving all miss on the table's price. Both rows are
#   in the data.
# - **Google's storage is charged per cache, not per token.** The example adds a flat
#   {glue:text}`pc_gemini_storage_guide` a day; at the guide's stated rate per million cached
#   tokens a {glue:text}`pc_prefix`-token cache costs {glue:text}`pc_gemini_storage_day` a day.
#
# Counted the guide's way (no output, the example's own GPT-4o row, a flat storage fee) the
# book reproduces the guide's with-cache days, which also confirms the reading of about one
# cache write an hour.

# %% tags=["hide-input"]
as_guide = example.copy()
gpt4o_example = all_prices[all_prices["price_id"] == "openai-gpt-4o-caching-example"]
as_guide.loc[as_guide["model"] == "GPT-4o", "cached_input_usd_per_mtok"] = float(
    gpt4o_example["cached_input_usd_per_mtok"].iloc[0])
no_output = dict(prefix_tokens=prefix_tokens, fresh_input_tokens=fresh_input_tokens, output_tokens=0)
guide_calls = caching.prefix_message_costs_usd(as_guide, **no_output)
book_calls = caching.prefix_message_costs_usd(example, **no_output)
# The guide's flat fee: its $/M-tokens/hour rate charged once per cache per hour.
flat_storage = example["storage_usd_per_mtok_hour"] * example["storage_hours"]
as_guide_day = (messages_per_day * (example_hit_rate * guide_calls.hit + (1 - example_hit_rate) * guide_calls.miss)
                + flat_storage)
as_guide_no_cache = caching.daily_no_cache_cost_usd(as_guide, **day_kw)
gemini = example["model"] == "Gemini 2.5 Pro"
gemini_storage_day = float(caching.storage_usd(prefix_tokens, example.loc[gemini, "storage_usd_per_mtok_hour"].iloc[0],
                                               google_cache_hours_per_day))
checks["pc_gemini_storage_day"] = Check(arithmetic=float(flat_storage[gemini].iloc[0]), truth=gemini_storage_day)


def own_sum(exact: float, on_printed: float) -> Check:
    """The guide's next sum redone two ways: on its inputs' exact values and on the rounded figures it
    prints beside it; either is the guide's own arithmetic, so the check is the range between them."""
    if abs(exact - on_printed) <= 1e-9 * max(abs(exact), 1.0):  # the same sum: one figure, not a range
        return Check(arithmetic=exact)
    return Check(arithmetic=min(exact, on_printed), arithmetic_high=max(exact, on_printed))


for i, r in example.iterrows():
    k = r["key"]
    checks[f"pc_write_{k}"] = Check(arithmetic=float(guide_calls.miss[i]), truth=float(book_calls.miss[i]))
    checks[f"pc_read_{k}"] = Check(arithmetic=float(guide_calls.hit[i]), truth=float(book_calls.hit[i]))
    checks[f"pc_nocache_{k}"] = Check(arithmetic=float(as_guide_no_cache[i]), truth=float(r["no_cache_day"]))
    # The day on the per-call figures printed beside it, at the book's write count.
    day_on_printed = (messages_per_day * (example_hit_rate * printed(f"pc_read_{k}")
                                          + (1 - example_hit_rate) * printed(f"pc_write_{k}"))
                      + (printed("pc_gemini_storage_day") if k == "gemini_pro" else 0.0))
    # Each year on the day printed beside it; the saving on the two years printed beside it.
    year_sums = {
        "pc_cached_day": (float(as_guide_day[i]), day_on_printed, float(r["cached_day"])),
        "pc_year_nocache": (float(as_guide_no_cache[i]) * days_per_year, printed(f"pc_nocache_{k}") * days_per_year,
                            float(r["no_cache_day"]) * days_per_year),
        "pc_year_cached": (float(as_guide_day[i]) * days_per_year, printed(f"pc_cached_day_{k}") * days_per_year,
                           float(r["cached_day"]) * days_per_year),
        "pc_year_saving": (float(as_guide_no_cache[i] - as_guide_day[i]) * days_per_year,
                           printed(f"pc_year_nocache_{k}") - printed(f"pc_year_cached_{k}"), float(r["saving_year"])),
    }
    for prefix, (exact, on_printed, truth) in year_sums.items():
        own = own_sum(exact, on_printed)
        checks[f"{prefix}_{k}"] = Check(arithmetic=own.arithmetic, arithmetic_high=own.arithmetic_high, truth=truth)
sonnet = example["model"] == "Claude Sonnet 4.6"
no_sonnet_price = api.missing_reason(example[sonnet], cache_prices)
figures.record("pc_output_per_day_sonnet", messages_per_day * output_tokens
               * example.loc[sonnet, "output_usd_per_mtok"].iloc[0] / 1e6, "usd_per_day")
figures.record("pc_gpt4o_example_read", gpt4o_example["cached_input_usd_per_mtok"].iloc[0], "usd_per_mtok")
gpt4o = example[example["model"] == "GPT-4o"]
figures.record("pc_gpt4o_book_read", gpt4o["cached_input_usd_per_mtok"].iloc[0], "usd_per_mtok",
               missing=api.missing_reason(gpt4o, ["cached_input_usd_per_mtok"]))
figures.record("pc_gemini_storage_guide", float(flat_storage[gemini].iloc[0]), "usd_per_day")
figures.record("pc_gemini_storage_day", gemini_storage_day, "usd_per_day")
show_table(pd.DataFrame({
    "model": example["model"], "guide's way: read call": guide_calls.hit, "book: read call": book_calls.hit,
    "guide's way: day cached": as_guide_day, "book: day cached": example["cached_day"],
}), {"guide's way: read call": "usd_per_request", "book: read call": "usd_per_request",
     "guide's way: day cached": "usd_per_day", "book: day cached": "usd_per_day"})

# %% [markdown]
# **Try it here.** Change the prompt, the traffic, the hit rate and Anthropic's cache tier; the
# chart recomputes each provider's day with and without caching in the page. (Only Anthropic
# sells two tiers; the others have one write price, used for both settings.)

# %% tags=["hide-input"]
# One write price per tier; a provider with a single tier uses it for both.
chart_frame = example.assign(
    write_1h=example["cache_write_1h_usd_per_mtok"].fillna(example["cache_write_5m_usd_per_mtok"]))[
    ["model", "provider", "input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok",
     "cache_write_5m_usd_per_mtok", "write_1h", "storage_usd_per_mtok_hour", "storage_hours"]]
p_prefix = alt.param(name="p_prefix", value=prefix_tokens,
                     bind=alt.binding_range(min=1_000, max=190_000, step=1_000, name="prefix tokens "))
p_messages = alt.param(name="p_messages", value=messages_per_day,
                       bind=alt.binding_range(min=1_000, max=1_000_000, step=1_000, name="messages per day "))
p_hit = alt.param(name="p_hit", value=round(example_hit_rate, 3),
                  bind=alt.binding_range(min=0, max=1, step=0.01, name="cache hit rate "))
p_tier = alt.param(name="p_tier", value="5m", bind=alt.binding_select(options=["5m", "1h"],
                                                                      name="Anthropic cache tier "))
per_call = f"({fresh_input_tokens} * datum.input_usd_per_mtok + {output_tokens} * datum.output_usd_per_mtok)"
alt.Chart(chart_frame).transform_calculate(
    write_rate="p_tier == '1h' ? datum.write_1h : datum.cache_write_5m_usd_per_mtok",
).transform_calculate(
    no_cache=f"p_messages * (p_prefix * datum.input_usd_per_mtok + {per_call}) / 1000000",
    cached=(f"p_messages * (p_hit * p_prefix * datum.cached_input_usd_per_mtok + (1 - p_hit) * p_prefix * "
            f"datum.write_rate + {per_call}) / 1000000 + p_prefix / 1000000 * datum.storage_usd_per_mtok_hour "
            "* datum.storage_hours"),
).transform_fold(["no_cache", "cached"], as_=["case", "usd_per_day"]).transform_calculate(
    case_label="datum.case == 'cached' ? 'with caching' : 'no caching'",
).mark_bar().encode(
    x=alt.X("usd_per_day:Q", title="Cost per day (USD)"),
    y=alt.Y("model:N", title=None),
    yOffset=alt.YOffset("case_label:N", sort=["no caching", "with caching"]),
    color=alt.Color("case_label:N", title=None, sort=["no caching", "with caching"]),
    tooltip=[alt.Tooltip("model:N"), alt.Tooltip("case_label:N", title="case"),
             alt.Tooltip("usd_per_day:Q", title="USD per day", format=",.0f")],
).add_params(p_prefix, p_messages, p_hit, p_tier).properties(
    width=460, height=alt.Step(16),
    title=alt.Title("A day of messages with a long system prompt",
                    subtitle=f"{fresh_input_tokens} fresh input + {output_tokens} output tokens per message; "
                             "guide's mid-2026 prices"),
)

# %% [markdown]
# In Jupyter, the same what-if runs through `lib.costs.caching.daily_prefix_cost_usd`:

# %% tags=["hide-input"]
def caching_what_if(prefix: int, messages: int, hit_rate: float, one_hour_tier: bool) -> None:
    tiers = example.assign(cache_write_1h_usd_per_mtok=example["cache_write_1h_usd_per_mtok"].fillna(
        example["cache_write_5m_usd_per_mtok"]))
    kw = dict(prefix_tokens=prefix, fresh_input_tokens=fresh_input_tokens, output_tokens=output_tokens,
              messages_per_day=messages)
    base = caching.daily_no_cache_cost_usd(tiers, **kw)
    cached = caching.daily_prefix_cost_usd(
        tiers, hit_rate=hit_rate, write_tier="1h" if one_hour_tier else "5m",
        storage_usd_per_mtok_hour=tiers["storage_usd_per_mtok_hour"].to_numpy(),
        cache_hours_per_day=tiers["storage_hours"].to_numpy(), **kw)
    show_table(pd.DataFrame({"model": tiers["model"], "no cache / day": base, "cached / day": cached,
                             "saved / year": (base - cached) * days_per_year}),
               {"no cache / day": "usd_per_day", "cached / day": "usd_per_day", "saved / year": "usd_per_year"})


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        caching_what_if,
        prefix=widgets.IntSlider(value=prefix_tokens, min=1_000, max=190_000, step=1_000),
        messages=widgets.IntSlider(value=messages_per_day, min=1_000, max=1_000_000, step=1_000),
        hit_rate=widgets.FloatSlider(value=round(example_hit_rate, 3), min=0.0, max=1.0, step=0.01),
        one_hour_tier=widgets.Checkbox(value=False, description="Anthropic 1-hour tier"),
    ))

# %% [markdown]
# ## Hit rate is the number to watch
#
# The guide's dashboard metric is the cache hit rate, cached input tokens over all input tokens.
# It calls {glue:text}`pc_good_low` to {glue:text}`pc_good_high` good and under
# {glue:text}`pc_bad` bad. On Sonnet, the example's day costs {glue:text}`pc_sonnet_good` at
# {glue:text}`pc_good_high`, {glue:text}`pc_sonnet_bad` at {glue:text}`pc_bad` and
# {glue:text}`pc_sonnet_none` with caching switched off. Because Anthropic charges a premium to
# write, a cache hit less often than {glue:text}`pc_sonnet_break_even_hit` of the time costs
# more than no cache at all; providers whose write costs the input price never lose by caching.
# A timestamp in the prefix, one of the guide's anti-patterns, makes every message a miss:
# {glue:text}`pc_sonnet_zero` a day on Sonnet.

# %% tags=["hide-input"]
hit_grid = np.round(np.linspace(0, 1, 101), 2)
grid_cost = caching.daily_prefix_cost_usd(
    Rates.from_frame(example, as_column=True), hit_rate=hit_grid[None, :],
    storage_usd_per_mtok_hour=example["storage_usd_per_mtok_hour"].to_numpy()[:, None],
    cache_hours_per_day=example["storage_hours"].to_numpy()[:, None], **day_kw)
by_hit = pd.DataFrame(grid_cost, index=example["model"], columns=hit_grid).rename_axis(columns="hit_rate").stack()
by_hit = by_hit.rename("usd_per_day").reset_index()
sonnet_row = example[sonnet]


def sonnet_day(hit_rate: float) -> float:
    return float(caching.daily_prefix_cost_usd(sonnet_row, hit_rate=hit_rate, **day_kw)[0])

# %%
sonnet_reads = float(caching.break_even_reads_per_write(
    sonnet_row["input_usd_per_mtok"], sonnet_row["cached_input_usd_per_mtok"],
    sonnet_row["cache_write_5m_usd_per_mtok"])[0])

# %% tags=["remove-input"]
figures.record("pc_good_low", good_hit_rate_low, "fraction")
figures.record("pc_good_high", good_hit_rate_high, "fraction")
figures.record("pc_bad", bad_hit_rate, "fraction")
figures.record("pc_sonnet_good", sonnet_day(good_hit_rate_high), "usd_per_day", missing=no_sonnet_price)
figures.record("pc_sonnet_bad", sonnet_day(bad_hit_rate), "usd_per_day", missing=no_sonnet_price)
figures.record("pc_sonnet_none", float(example.loc[sonnet, "no_cache_day"].iloc[0]), "usd_per_day")
figures.record("pc_sonnet_zero", sonnet_day(0.0), "usd_per_day", missing=no_sonnet_price)
# n reads per write is a hit rate of n / (n + 1).
figures.record("pc_sonnet_break_even_hit", sonnet_reads / (sonnet_reads + 1), "fraction", missing=no_sonnet_price)
base_lines = example[["model", "no_cache_day"]]
band = pd.DataFrame({"low": [good_hit_rate_low], "high": [good_hit_rate_high]})
(alt.Chart(band).mark_rect(opacity=0.12, color="green").encode(x="low:Q", x2="high:Q")
 + alt.Chart(by_hit).mark_line().encode(
     x=alt.X("hit_rate:Q", title="Cache hit rate (share of messages)", axis=alt.Axis(format="%")),
     y=alt.Y("usd_per_day:Q", scale=alt.Scale(type="log"), title="Cost per day with caching (USD, log scale)"),
     color=alt.Color("model:N", title="Model"),
     tooltip=[alt.Tooltip("model:N"), alt.Tooltip("hit_rate:Q", title="hit rate", format=".0%"),
              alt.Tooltip("usd_per_day:Q", title="USD per day", format=",.0f")])
 + alt.Chart(base_lines).mark_rule(strokeDash=[4, 3]).encode(
     y="no_cache_day:Q", color=alt.Color("model:N"),
     tooltip=[alt.Tooltip("model:N"), alt.Tooltip("no_cache_day:Q", title="USD per day, no cache", format=",.0f")])
 ).properties(width=480, height=300, title=alt.Title(
     "What the hit rate does to the day's bill",
     subtitle="Dashed: the same day without caching. Shaded: the hit rates the guide calls good"))

# %% [markdown]
# ## When a cache pays for itself
#
# A written prefix has to be read some number of times before it beats sending the prompt
# uncached. Where the write costs the input price that number is zero: the first read is pure
# saving. Anthropic's 5-minute write pays back on the first read
# ({glue:text}`pc_anthropic_reads_5m` reads' worth of saving covers the premium) and the 1-hour
# write after {glue:text}`pc_anthropic_reads_1h`. In the guide's example the first read comes
# {glue:text}`pc_payback_seconds` seconds after the write, so the guide's "pays for itself in the
# first hour" holds with room to spare.
#
# Google's storage fee changes the sum. A {glue:text}`pc_storage_tokens`-token Gemini 2.5 Pro
# cache held {glue:text}`pc_storage_hours` hours costs {glue:text}`pc_storage_example` in storage,
# as the guide says, and its Flash example, a {glue:text}`pc_flash_storage_tokens`-token cache
# for the same time, costs {glue:text}`pc_flash_storage_example`. Held for Google's default
# {glue:text}`pc_google_ttl_hours`-hour lifetime a Pro cache needs {glue:text}`pc_google_reads`
# reads to pay; the guide's rule of thumb asks for at least {glue:text}`pc_google_reads_guide`
# reads per write, which its own prices do not bear out at that lifetime.

# %%
pay = pd.DataFrame([
    {"model": r["model"], "tier": tier, "reads per write to pay": float(caching.break_even_reads_per_write(
        r["input_usd_per_mtok"], r["cached_input_usd_per_mtok"], r[column]))}
    for _, r in example.iterrows()
    for tier, column in (("default", "cache_write_5m_usd_per_mtok"), ("1 hour", "cache_write_1h_usd_per_mtok"))
    if not pd.isna(r[column])
], columns=["model", "tier", "reads per write to pay"])

# %% tags=["hide-input"]
sonnet_1h = pay.loc[(pay["model"] == "Claude Sonnet 4.6") & (pay["tier"] == "1 hour"), "reads per write to pay"]
anthropic_1h = float(sonnet_1h.iloc[0]) if len(sonnet_1h) else np.nan
no_sonnet_1h_price = api.missing_reason(example[sonnet], [*cache_prices, "cache_write_1h_usd_per_mtok"])
figures.record("pc_anthropic_reads_5m", sonnet_reads, "count", missing=no_sonnet_price)
figures.record("pc_anthropic_reads_1h", anthropic_1h, "count", missing=no_sonnet_1h_price)
# Reads needed, rounded up, arrive one message apart.
payback_seconds = float(np.ceil(np.maximum(sonnet_reads, 1e-9)) * 86_400 / messages_per_day)
checks["pc_payback_hours"] = Check(arithmetic=payback_seconds / 3600)
figures.record("pc_payback_seconds", payback_seconds, "count", missing=no_sonnet_price)

pro_row = price_row("Google", "Gemini 2.5 Pro")
pro_rates, no_pro_price = pro_row.iloc[0], api.missing_reason(pro_row, cache_prices)
pro_storage = cache_term("Google", "Gemini 2.5 Pro", "storage_usd_per_mtok_hour")
google_ttl_hours = cache_term("Google", "Gemini 2.5 Pro", "ttl_minutes_low") / 60
storage_example = float(caching.storage_usd(storage_example_tokens, pro_storage, storage_example_hours))
google_reads = float(caching.break_even_reads_per_write(
    pro_rates["input_usd_per_mtok"], pro_rates["cached_input_usd_per_mtok"], pro_rates["cache_write_5m_usd_per_mtok"],
    pro_storage, google_ttl_hours))
flash_storage = cache_term("Google", "Gemini 2.5 Flash", "storage_usd_per_mtok_hour")
flash_storage_example = float(caching.storage_usd(flash_storage_example_tokens, flash_storage, storage_example_hours))
# The caching section's 200k sum uses the Pro rate the Google tear-down states: both checks read that rate.
checks["pc_storage_200k_day"] = Check(arithmetic=storage_example, truth=storage_example)
checks["pc_flash_storage_100k"] = Check(arithmetic=flash_storage_example)
checks["pc_google_min_reads"] = Check(truth=google_reads)
figures.record("pc_flash_storage_tokens", flash_storage_example_tokens, "tokens")
figures.record("pc_flash_storage_example", flash_storage_example, "usd")
figures.record("pc_storage_tokens", storage_example_tokens, "tokens")
figures.record("pc_storage_hours", storage_example_hours, "count")
figures.record("pc_storage_example", storage_example, "usd")
figures.record("pc_google_ttl_hours", google_ttl_hours, "count")
figures.record("pc_google_reads", google_reads, "count", missing=no_pro_price)
show_table(pay, {"reads per write to pay": "count"})

# %% [markdown]
# ## Five minutes or an hour?
#
# Anthropic sells two cache lifetimes: the 5-minute write at {glue:text}`pc_write_5m_mult` times
# the input price and the 1-hour write at {glue:text}`pc_write_1h_mult` times, both refreshed each time
# the cache is read. Which is cheaper depends on how far apart the reads come. If they come
# more often than every {glue:text}`pc_short_ttl` minutes, the 5-minute cache never expires and the dearer 1-hour
# write buys nothing. If they are further apart, every read finds the 5-minute cache gone and
# writes it again, and the 1-hour tier wins from {glue:text}`pc_tier_break_even` accesses an
# hour. So the 1-hour tier pays from {glue:text}`pc_tier_break_even_whole` accesses an hour up
# to, but not including, {glue:text}`pc_tier_upper` (one every {glue:text}`pc_short_ttl` minutes), the opposite of the guide's advice that it pays
# for prefixes read more than about {glue:text}`pc_guide_1h_reads` times in the hour.
#
# The guide's deep-dive example (Sonnet, {glue:text}`pc_dd_calls` calls a day) assumes one
# write every {glue:text}`pc_dd_per_write_5m` calls on the 5-minute tier and every
# {glue:text}`pc_dd_per_write_1h` on the 1-hour tier; with those assumptions the book gets the
# guide's figures: {glue:text}`pc_dd_5m_day` and {glue:text}`pc_dd_1h_day` a day against
# {glue:text}`pc_dd_none_day` uncached. The guide sums this up as caching cutting cost
# {glue:text}`pc_guide_factor`; its own two cases cut it {glue:text}`pc_dd_5m_factor` (5-minute
# tier) and {glue:text}`pc_dd_1h_factor` (1-hour tier), and the comparison at the end sets the
# range's two ends against the smaller and the larger of those.
#
# The guide's Anthropic tear-down adds that for a {glue:text}`pc_prefix`-token prompt reused
# across {glue:text}`pc_anthropic_messages` messages a day, caching cuts the input bill by about
# {glue:text}`pc_anthropic_cut_guide`. At its own Anthropic prices, with the chapter's one cache
# write an hour, the cut is {glue:text}`pc_anthropic_cut`: close to the ceiling of a read at a
# tenth of input, because at that traffic almost every message is a read.

# %% tags=["hide-input"]
write_5m_mult = cache_term("Anthropic", "Claude Sonnet 4.6", "write_5m_multiplier")
write_1h_mult = cache_term("Anthropic", "Claude Sonnet 4.6", "write_1h_multiplier")
short_ttl = cache_term("Anthropic", "Claude Sonnet 4.6", "ttl_minutes_low")
long_ttl = cache_term("Anthropic", "Claude Sonnet 4.6", "ttl_minutes_high")
s_in, s_read = float(sonnet_row["input_usd_per_mtok"].iloc[0]), float(sonnet_row["cached_input_usd_per_mtok"].iloc[0])
s_w5, s_w1 = float(sonnet_row["cache_write_5m_usd_per_mtok"].iloc[0]), float(sonnet_row["cache_write_1h_usd_per_mtok"].iloc[0])

# %%
tier_break_even = float(caching.longer_ttl_break_even_accesses(s_w5, s_w1, s_read))

# %% tags=["remove-input"]
read_frac = cache_term("Anthropic", "Claude Sonnet 4.6", "read_frac_of_input")
# The FAQ's own terms (writes 1.25x and 2x input, reads ~10%) against the break-even at Sonnet's prices.
checks["pc_1h_break_even"] = Check(
    arithmetic=float(caching.longer_ttl_break_even_accesses(write_5m_mult, write_1h_mult, read_frac)),
    truth=tier_break_even)
# The tear-down's Anthropic prices are the sentence's inputs; the caching table's Anthropic terms the other section.
anthropic_hit = float(caching.hit_rate_from_writes(anthropic_example_messages_per_day, cache_writes_per_day))
anthropic_cut = float(caching.input_cost_cut(s_read / s_in, s_w5 / s_in, anthropic_hit))
checks["pc_anthropic_85"] = Check(arithmetic=anthropic_cut,
                                  truth=float(caching.input_cost_cut(read_frac, write_5m_mult, anthropic_hit)))
figures.record("pc_anthropic_messages", anthropic_example_messages_per_day, "count")
figures.record("pc_anthropic_cut", anthropic_cut, "fraction", missing=no_sonnet_price)
figures.record("pc_write_5m_mult", write_5m_mult, "count")
figures.record("pc_write_1h_mult", write_1h_mult, "count")
figures.record("pc_tier_break_even", tier_break_even, "count", missing=no_sonnet_1h_price)
figures.record("pc_tier_break_even_whole", np.ceil(tier_break_even), "count", missing=no_sonnet_1h_price)
figures.record("pc_tier_upper", 60 / short_ttl, "count")
figures.record("pc_short_ttl", short_ttl, "count")

accesses = np.arange(0, 31)
hour = pd.concat([
    pd.DataFrame({"accesses per hour": accesses, "tier": label, "usd": caching.hour_of_accesses_usd(
        accesses, ttl_minutes=ttl, write_usd_per_mtok=w, read_usd_per_mtok=s_read, prefix_tokens=prefix_tokens)})
    for label, ttl, w in (("5-minute", short_ttl, s_w5), ("1-hour", long_ttl, s_w1))], ignore_index=True)
alt.Chart(hour).mark_line(point=True).encode(
    x=alt.X("accesses per hour:Q", title="Accesses to the cached prefix per hour (evenly spaced)"),
    y=alt.Y("usd:Q", title="Prefix cost for the hour (USD)"),
    color=alt.Color("tier:N", title="Anthropic tier"),
    tooltip=[alt.Tooltip("tier:N"), alt.Tooltip("accesses per hour:Q"), alt.Tooltip("usd:Q", title="USD", format=".3f")],
).properties(width=480, height=280, title=alt.Title(
    f"One hour of a {prefix_tokens:,}-token prefix on Claude Sonnet 4.6",
    subtitle="Starting cold; each read refreshes the cache's lifetime"))

# %%
dd = sonnet_row
dd_kw = dict(prefix_tokens=prefix_tokens, messages_per_day=deep_dive_calls)
dd_none = float(caching.daily_no_cache_cost_usd(dd, **dd_kw)[0])
dd_5m = float(caching.daily_prefix_cost_usd(dd, hit_rate=1 - 1 / deep_dive_calls_per_write_5m, **dd_kw)[0])
dd_1h = float(caching.daily_prefix_cost_usd(dd, hit_rate=1 - 1 / deep_dive_calls_per_write_1h, write_tier="1h",
                                            **dd_kw)[0])

# %% tags=["remove-input"]
# The deep dive prints Sonnet's tear-down prices beside its sums, so both checks run on that row.
for cid, value in dict(pc_dd_nocache=dd_none, pc_dd_5m=dd_5m, pc_dd_5m_saving=1 - dd_5m / dd_none, pc_dd_1h=dd_1h,
                       pc_dd_1h_saving=1 - dd_1h / dd_none).items():
    checks[cid] = Check(arithmetic=value, truth=value)
# "4-10x" is a range: its ends against the least and the most the example's two cases cut.
dd_factors = sorted([dd_none / dd_5m, dd_none / dd_1h])
checks["pc_dd_factor"] = Check(arithmetic=dd_factors[0], arithmetic_high=dd_factors[1],
                               truth=dd_factors[0], truth_high=dd_factors[1])
figures.record("pc_dd_calls", deep_dive_calls, "count")
figures.record("pc_dd_per_write_5m", deep_dive_calls_per_write_5m, "count")
figures.record("pc_dd_per_write_1h", deep_dive_calls_per_write_1h, "count")
figures.record("pc_dd_5m_day", dd_5m, "usd_per_day", missing=no_sonnet_price)
figures.record("pc_dd_1h_day", dd_1h, "usd_per_day", missing=no_sonnet_1h_price)
figures.record("pc_dd_none_day", dd_none, "usd_per_day")
figures.record("pc_dd_5m_factor", dd_none / dd_5m, "ratio", missing=no_sonnet_price)
figures.record("pc_dd_1h_factor", dd_none / dd_1h, "ratio", missing=no_sonnet_1h_price)

# %% [markdown]
# ## The cost of changing the prompt
#
# Editing the cached prefix throws every live copy away: the next message to each one pays the
# write price instead of the read price. For one {glue:text}`pc_prefix`-token cache that is
# {glue:text}`pc_inval_one_low` to {glue:text}`pc_inval_one_high` depending on the provider, too
# little to notice. Two of the guide's anti-patterns multiply it. A user ID in the prefix gives
# every user a cache of their own: with {glue:text}`pc_tenants` of them, one prompt edit costs
# {glue:text}`pc_inval_tenants_sonnet` on Sonnet. And a new prompt version warms across regions
# for {glue:text}`pc_warm_low` to {glue:text}`pc_warm_high` hours, during which the example's
# traffic keeps missing: {glue:text}`pc_inval_warm_low` to {glue:text}`pc_inval_warm_high` per
# edit on Sonnet.

# %%
one = caching.invalidation_cost_usd(example, prefix_tokens=prefix_tokens)
per_tenant = caching.invalidation_cost_usd(example, prefix_tokens=prefix_tokens, live_caches=tenants_with_own_cache)
messages_per_hour = messages_per_day / 24
warm = {h: caching.invalidation_cost_usd(example, prefix_tokens=prefix_tokens,
                                         warmup_misses_per_cache=h * messages_per_hour)
        for h in (warmup_hours_low, warmup_hours_high)}

# %% tags=["remove-input"]
figures.record("pc_inval_one_low", one.min(), "usd", missing=no_cache_price)
figures.record("pc_inval_one_high", one.max(), "usd", missing=no_cache_price)
figures.record("pc_tenants", tenants_with_own_cache, "count")
figures.record("pc_inval_tenants_sonnet", per_tenant[sonnet.to_numpy()][0], "usd", missing=no_sonnet_price)
figures.record("pc_warm_low", warmup_hours_low, "count")
figures.record("pc_warm_high", warmup_hours_high, "count")
figures.record("pc_inval_warm_low", warm[warmup_hours_low][sonnet.to_numpy()][0], "usd", missing=no_sonnet_price)
figures.record("pc_inval_warm_high", warm[warmup_hours_high][sonnet.to_numpy()][0], "usd", missing=no_sonnet_price)
show_table(pd.DataFrame({
    "model": example["model"], "one cache": one, f"{tenants_with_own_cache:,} per-user caches": per_tenant,
    f"{warmup_hours_low} h warm-up": warm[warmup_hours_low], f"{warmup_hours_high} h warm-up": warm[warmup_hours_high],
}), {"one cache": "usd", f"{tenants_with_own_cache:,} per-user caches": "usd",
     f"{warmup_hours_low} h warm-up": "usd", f"{warmup_hours_high} h warm-up": "usd"})

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`pc_verdicts` {glue:text}`pc_holds`.
#
# Each row carries both checks. "On its own inputs" redoes the guide's sum on what it prints
# beside the figure; "independent check" is the same figure from another section of the guide:
# its per-provider price tables, its caching table, or the tokens its own no-cache baseline
# bills. Where the guide's sums are right but its inputs contradict its tables (the GPT-4o read
# price, Google's storage charged per cache, the output left out of the cached days), the row
# reads "contradicts another section" and gives the figure the other section implies. A check
# rounds to the guide's figure when it rounds to it at the precision the guide wrote it with
# (half a unit in its last written digit, a whole unit where the guide hedges, never more than a
# quarter of the figure). A figure derived from one that failed cannot agree: it rests on that
# failed premise.

# %%
comparison = guide.comparison_table(claims, checks, missing=no_cache_price)

# %% tags=["remove-input"]
publish.verdicts("pc_verdicts", comparison)
figures.glue_text("pc_holds", guide.holds_sentence(comparison))
guide_says = comparison.set_index("claim_id")["guide"]
for name, claim_id in (("pc_guide_factor", "pc_dd_factor"), ("pc_guide_1h_reads", "pc_1h_break_even"),
                       ("pc_google_reads_guide", "pc_google_min_reads"), ("pc_anthropic_cut_guide", "pc_anthropic_85")):
    figures.glue_text(name, str(guide_says[claim_id]))

# %% tags=["remove-input"]
saving, example_text = example["saving_frac"], f"{prefix_tokens:,}-token prompt, {messages_per_day:,} messages a day"
best = example.loc[saving.idxmax()] if saving.notna().all() else None
saving_text = (f"caching cuts the day's bill by {figures.fmt_pct(saving.min())} to {figures.fmt_pct(saving.max())} (most "
               f"on {best['model']}), worth {figures.fmt_usd(example['saving_year'].min())} to "
               f"{figures.fmt_usd(example['saving_year'].max())} a year" if best is not None
               else f"what caching saves is {figures.missing_text(no_cache_price)}")
break_even_hit = sonnet_reads / (sonnet_reads + 1)
figures.glue_text("pc_answer", (
    f"In the guide's example ({example_text}) {saving_text}. A cache that charges only the input price to write pays "
    f"from its first read; Anthropic's premium write needs a hit rate above "
    f"{figures.fmt_pct(break_even_hit) if np.isfinite(break_even_hit) else figures.missing_text(no_sonnet_price)}. "
    f"A prompt edit costs little per cache, but per-user caches and slow warm-ups multiply it."
))
