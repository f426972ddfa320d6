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
# # Buying the hardware
#
# **The question.** Is it cheaper to buy GPU servers and rack them in a data centre than to rent
# the same servers by the hour, and what would have to change for the answer to flip?
#
# **The answer.** {glue:text}`tco_answer`
#
# Every figure on this page is computed from the CSV files in `data/` when the book is
# refreshed; the guide's own figures sit beside ours at the end, each with a verdict.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
guide_claims_csv = "data/guide_claims.csv"
hardware_platforms_csv = "data/hardware_platforms.csv"
hardware_specs_csv = "data/hardware_specs.csv"
used_gpu_prices_csv = "data/used_gpu_prices.csv"
selfhost_scenarios_csv = "data/selfhost_scenarios.csv"
tco_scenarios_csv = "data/tco_scenarios.csv"
electricity_prices_csv = "data/electricity_prices.csv"
cooling_overheads_csv = "data/cooling_overheads.csv"
colo_prices_csv = "data/colo_prices.csv"
model_shapes_csv = "data/model_shapes.csv"
throughput_cases_csv = "data/throughput_cases.csv"
# The guide's owned-box baseline and its 5-year H200 and B200 nodes (rows of tco_scenarios.csv).
baseline_id = "guide-3yr-8xh100"
h200_id, b200_id = "guide-5yr-8xh200", "guide-5yr-8xb200"
# The production-utilisation table's rows (selfhost_scenarios.csv) and the utilisation its heading states.
production_prefix = "guide-prod-"
production_utilisation = 0.6
# The hosted model the guide sets the H200 node against.
hosted_model = "Claude Sonnet 4.6"
# The guide's purchase price for the 8x H100 node in its "Power, cooling" paragraph, USD.
h100_purchase_usd = 300_000
# The guide's loaded cost of one platform engineer (B200-vs-H200 example), USD a year, and the
# "10+ boxes" one engineer can run in its break-even list.
engineer_usd_per_year = 250_000
boxes_per_engineer = 10
# GH200's CPU-attached memory (LPDDR5X), GB, from the guide's platform table.
gh200_lpddr_gb = 480
# Context lengths at which to set GH200 against B200, tokens, and the guide's rule: B200 below the
# first threshold, GH200 above the second.
contexts = [32_768, 65_536, 131_072, 262_144, 1_048_576]
gh200_rule_contexts = (64_000, 256_000)
# The hardware-choice table's rows (claim, platform, production-table row) and the utilisation its heading states.
choice_rows = [("tco_choice_b200", "8x-b200-sxm", "8xb200-rental"), ("tco_choice_h200", "8x-h200-sxm", "8xh200-rental"),
               ("tco_choice_h100", "8x-h100-sxm", "8xh100-rental"), ("tco_choice_l40s", "8x-l40s", "8xl40s-rental"),
               ("tco_choice_mi300x", "8x-mi300x", "8xmi300x-rental")]
choice_utilisation = 0.5
# The guide's "realistic" utilisation for the H200 and B200 example.
realistic_utilisation = 0.25
# Years of use shown in the what-if chart.
max_years = 7
# The rent the guide says "swings the math" ("rental at $30+/hour"), USD an hour: one of its levers.
rent_swing_usd_per_hour = 30
# The H200 and B200 example's request counts are throughput claims that physical_limits checks
# against the roofline; the same share of memory held back there (vLLM's 10%) is used here.
reserved_frac = 0.1
h200_qps_claim, b200_qps_claim = "rf_h200_qps", "rf_b200_qps"
# The "Power, cooling" section's own cooling and colo bands (share of power; USD per kW-month),
# set against the opex section's (data/cooling_overheads.csv, data/colo_prices.csv), and its
# yearly power and colo for the racked H100 box, USD.
power_section_cooling_frac = (0.30, 0.50)
power_section_colo_usd_per_kw_month = (300, 1000)
power_colo_usd_per_year = 25_000
# The average utilisations the per-token section calls typical and poor for self-hosting.
per_token_utilisations = (0.30, 0.20)
# The guide's prices with no second source in data/ (street prices of single platforms, the used
# market, liquid cooling, InfiniBand): registered, and shown as not checkable.
unsourced_claims = ["tco_capex_gh200", "tco_capex_mi300x", "tco_capex_mi325x", "tco_capex_gaudi3", "tco_capex_l40s",
                    "tco_used_h100", "tco_used_h100_peak", "tco_used_h200", "tco_used_a100", "tco_used_l40s",
                    "tco_cooling_liquid", "tco_infiniband_pod"]
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
from functools import partial

import altair as alt
import ipywidgets as widgets
from IPython.display import display
import numpy as np
import pandas as pd

from lib.book import charts, checks, figures, guide, publish
from lib.book.present import show_table, snapshot_banner
from lib.book.checks import Check
from lib.costs import kv_cache, ownership, roofline as rf, selfhost
from lib.data import tables

charts.use_book_style(for_html_book)

# A break-even that is never reached reads as "never"; a price the data lacks as n/a.
record = partial(figures.record, infinite_text="never")

prices = tables.load_api_prices(api_prices_csv, book_rows_only=True)
claims = tables.load_guide_claims(guide_claims_csv)
platforms = tables.load_hardware_platforms(hardware_platforms_csv, hardware_specs_csv).set_index("platform_id")
spec_rows = tables.load_hardware_specs(hardware_specs_csv)
specs = spec_rows.set_index("accelerator")
used = tables.load_used_gpu_prices(used_gpu_prices_csv)
production = tables.load_selfhost_scenarios(selfhost_scenarios_csv)
production = production[production["scenario_id"].str.startswith(production_prefix)].reset_index(drop=True)
tco = tables.load_tco_scenarios(tco_scenarios_csv).set_index("scenario_id")
power_prices = tables.load_electricity_prices(electricity_prices_csv)
cooling = tables.load_cooling_overheads(cooling_overheads_csv).set_index("cooling")
colo = tables.load_colo_prices(colo_prices_csv).iloc[0]
shape_rows = tables.load_model_shapes(model_shapes_csv)
shapes = shape_rows.set_index("model")
cases = tables.load_throughput_cases(throughput_cases_csv)
base = tco.loc[baseline_id]
ours: dict[str, float | Check] = {}  # claim id -> the book's checks of it, compared with the guide at the end

# %% tags=["remove-input"]
snapshot_banner(prices, api_prices_csv)

# %% [markdown]
# ## An owned box, year by year
#
# Renting by the hour pays for power, cooling, floor space and the vendor's staff inside the
# price. Owning splits them out. The guide's baseline buys an H100 node for
# {glue:text}`tco_capex` and keeps it {glue:text}`tco_years` years. We price power at the guide's
# working {glue:text}`tco_kwh` per kWh for {glue:text}`tco_kw` kW, cooling at
# {glue:text}`tco_cooling` of the power bill (the low end of the guide's band for air cooling),
# colocation at {glue:text}`tco_colo_rate` per kW-month, and the guide's own maintenance and ops
# lines, with running costs rising {glue:text}`tco_escalation` a year as in its table. Over the
# years of use the box costs {glue:text}`tco_owned_total`; renting it around the clock at
# {glue:text}`tco_rent_rate` an hour costs {glue:text}`tco_rented_total`. Owning is
# {glue:text}`tco_premium` dearer. The rent at which the two are equal is
# {glue:text}`tco_breakeven_rate` an hour.
#
# Two lines dominate: floor space and the engineer. Hardware, the line people argue about, is
# {glue:text}`tco_hw_share` of the total; power and cooling together only
# {glue:text}`tco_power_share`.

# %%
years = int(base["years"])
table = ownership.tco_by_year(base["capex_usd"], years, base["power_kw"], base["usd_per_kwh"],
                              base["cooling_overhead_frac"], base["colo_usd_per_year"],
                              base["maintenance_usd_per_year"], base["ops_usd_per_year"],
                              base["yearly_escalation_frac"])
total_col = f"{years}-year total"
owned_total = float(table.loc["Total", total_col])
rented_total = float(ownership.rental_usd(base["rental_usd_per_hour"], years))
breakeven_rate = owned_total / (years * selfhost.HOURS_PER_YEAR)
colo_rate = base["colo_usd_per_year"] / (base["power_kw"] * ownership.MONTHS_PER_YEAR)

# %% tags=["remove-input"]
record("tco_capex", base["capex_usd"], "usd")
record("tco_years", years, "count")
record("tco_kwh", base["usd_per_kwh"], "usd")
record("tco_kw", base["power_kw"], "count")
record("tco_cooling", base["cooling_overhead_frac"], "fraction")
record("tco_colo_rate", colo_rate, "usd")
record("tco_escalation", base["yearly_escalation_frac"], "fraction")
record("tco_owned_total", owned_total, "usd")
record("tco_rent_rate", base["rental_usd_per_hour"], "usd")
record("tco_rented_total", rented_total, "usd")
record("tco_premium", owned_total / rented_total - 1, "fraction")
record("tco_breakeven_rate", breakeven_rate, "usd")
record("tco_hw_share", table.loc["Hardware (amortised)", total_col] / owned_total, "fraction")
record("tco_power_share", (table.loc["Power", total_col] + table.loc["Cooling", total_col]) / owned_total,
               "fraction")
figures.record_conclusion("tco_baseline_winner", "renting" if rented_total < owned_total else "owning")
ours.update(tco_table_power_3yr=table.loc["Power", total_col], tco_table_cooling_3yr=table.loc["Cooling", total_col],
            tco_table_colo_3yr=table.loc["Colo space", total_col],
            tco_table_ops_3yr=table.loc["Ops engineer (allocated)", total_col],
            tco_rental_3yr=rented_total, tco_rent_swing=breakeven_rate,
            # Totals against the table with power at the rate the guide's power section uses.
            tco_table_year1=Check(truth=float(table.loc["Total", "Year 1"])), tco_table_total=Check(truth=owned_total),
            tco_table_year2=Check(truth=float(table.loc["Total", "Year 2"])),
            tco_table_year3=Check(truth=float(table.loc["Total", "Year 3"])),
            tco_table_maint_3yr=float(table.loc["Maintenance + support", total_col]),
            # The amortised hardware on its own inputs, and against the capex table's street price for the node.
            tco_table_hw_3yr=Check(arithmetic=float(table.loc["Hardware (amortised)", total_col]),
                                   truth=float(platforms.loc["8x-h100-sxm", "capex_usd_low"]),
                                   truth_high=float(platforms.loc["8x-h100-sxm", "capex_usd_high"])),
            tco_owned_premium=Check(truth=owned_total / rented_total - 1),
            tco_prod_h100_owned_hourly=Check(truth=breakeven_rate))
show_table(table.rename_axis("line item").reset_index(), {c: "usd" for c in table.columns})

# %% [markdown]
# ## Power is the small line
#
# One year of power for the H100 node at {glue:text}`tco_kwh` per kWh is
# {glue:text}`tco_power_year` ({glue:text}`tco_power_day` a day), {glue:text}`tco_power_vs_capex`
# of the guide's {glue:text}`tco_purchase` purchase price. Where the box stands matters more than
# that suggests, because electricity prices differ several-fold between regions. The table gives
# a year of power, with air cooling at both ends of the guide's band, for the H100 node and the
# B200 node at each region's cheapest and dearest rate.

# %%
h100_kw = float(platforms.loc["8x-h100-sxm", "power_kw"])
b200_kw = float(platforms.loc["8x-b200-sxm", "power_kw"])
power_year = float(ownership.power_usd_per_year(h100_kw, base["usd_per_kwh"]))

# %% tags=["remove-input"]
record("tco_power_year", power_year, "usd_per_year")
record("tco_power_day", power_year / 365, "usd_per_day")
record("tco_purchase", h100_purchase_usd, "usd")
record("tco_power_vs_capex", power_year / h100_purchase_usd, "fraction")

# %% tags=["hide-input"]
air = cooling.loc["air"]
regional = pd.DataFrame([
    {"region": r["region"], "USD per kWh": float(r[f"usd_per_kwh_{end}"]),
     "8× H100 power a year": float(ownership.power_usd_per_year(h100_kw, r[f"usd_per_kwh_{end}"])),
     "8× B200 power a year": float(ownership.power_usd_per_year(b200_kw, r[f"usd_per_kwh_{end}"]))}
    for _, r in power_prices.iterrows() for end in ("low", "high")
]).drop_duplicates(ignore_index=True)
for node in ("8× H100", "8× B200"):
    p = regional[f"{node} power a year"]
    regional[f"{node} with air cooling"] = [
        f"{figures.fmt_usd(x * (1 + air['overhead_frac_low']))}–{figures.fmt_usd(x * (1 + air['overhead_frac_high']))}"
        for x in p]
show_table(regional, {"USD per kWh": "usd", "8× H100 power a year": "usd_per_year",
                      "8× B200 power a year": "usd_per_year"})
by_region = power_prices.set_index("region_id")
us_low, eu_high = by_region.loc["us", "usd_per_kwh_low"], by_region.loc["europe", "usd_per_kwh_high"]
cheapest = by_region.loc["texas-iceland", "usd_per_kwh_low"]
colo_low, colo_high = float(colo["usd_per_kw_month_low"]), float(colo["usd_per_kw_month_high"])
ours.update(
    tco_power_per_day=power_year / 365, tco_power_per_year=power_year,
    tco_power_share_capex=power_year / h100_purchase_usd,
    # On its own inputs (the cheapest colo it quotes), and against its own TCO table's colo line.
    tco_power_colo_year=Check(
        arithmetic=power_year * (1 + air["overhead_frac_low"]) + float(ownership.colo_usd_per_year(h100_kw, colo_low)),
        truth=power_year * (1 + air["overhead_frac_low"]) + float(base["colo_usd_per_year"])),
    tco_power_h100_low=float(ownership.power_usd_per_year(h100_kw, us_low)),
    tco_power_h100_high=float(ownership.power_usd_per_year(h100_kw, eu_high)),
    tco_power_b200_low=float(ownership.power_usd_per_year(b200_kw, us_low)),
    tco_power_b200_high=float(ownership.power_usd_per_year(b200_kw, eu_high)),
    tco_colo_h100_low=float(ownership.colo_usd_per_year(h100_kw, colo_low)) / 12,
    tco_colo_h100_high=float(ownership.colo_usd_per_year(h100_kw, colo_high)) / 12,
    tco_colo_b200_low=float(ownership.colo_usd_per_year(b200_kw, colo_low)) / 12,
    tco_colo_b200_high=float(ownership.colo_usd_per_year(b200_kw, colo_high)) / 12,
    tco_cheap_power=float(ownership.power_usd_per_year(h100_kw, cheapest)) * (1 + air["overhead_frac_high"]),
    tco_ops_ten_boxes=engineer_usd_per_year / boxes_per_engineer,
)
record("tco_colo_low_year", float(ownership.colo_usd_per_year(h100_kw, colo_low)), "usd_per_year")

# %% [markdown]
# Colocation, by contrast, is priced per kW: even at the guide's cheapest
# {glue:text}`tco_colo_low` per kW-month the H100 node's floor space costs
# {glue:text}`tco_colo_low_year` a year, several times its electricity.

# %% tags=["remove-input"]
record("tco_colo_low", colo_low, "usd")
record("tco_colo_vs_power", float(ownership.colo_usd_per_year(h100_kw, colo_low)) / power_year, "ratio")

# %% [markdown]
# ## Buy or rent, platform by platform
#
# The same arithmetic applied to every platform the guide prices: the purchase at the middle of
# its street-price band spread over {glue:text}`tco_years` years, power and cooling as above,
# colocation at {glue:text}`tco_colo_rate` per kW-month, maintenance at
# {glue:text}`tco_maint_frac` of the purchase price a year (the baseline's ratio) and the
# baseline's ops allocation per box, without yearly escalation. The result is the hourly rent at
# which owning breaks even; set against the rental band the guide quotes, owning wins only where
# the whole band lies above it. {glue:text}`tco_platform_verdict`

# %%
maint_frac = base["maintenance_usd_per_year"] / base["capex_usd"]
plat = platforms.reset_index()
plat["capex_mid"] = (plat["capex_usd_low"] + plat["capex_usd_high"]) / 2
plat["owned_usd_per_year"] = ownership.owned_usd_per_year(
    plat["capex_mid"], years, plat["power_kw"], base["usd_per_kwh"], base["cooling_overhead_frac"], colo_rate,
    maint_frac, base["ops_usd_per_year"])
plat["breakeven_usd_per_hour"] = ownership.owned_usd_per_hour(plat["owned_usd_per_year"])

# %% tags=["hide-input"]
def _verdict(r: pd.Series) -> str:
    if pd.isna(r["rental_usd_per_hour_low"]):
        return "no rental price stated"
    if r["rental_usd_per_hour_high"] < r["breakeven_usd_per_hour"]:
        return "rent"
    if r["rental_usd_per_hour_low"] > r["breakeven_usd_per_hour"]:
        return "own"
    return "depends on the rental price"


plat["verdict"] = plat.apply(_verdict, axis=1)
record("tco_maint_frac", maint_frac, "fraction")
for _, r in plat.iterrows():
    figures.record_conclusion("tco_buy_or_rent_" + r["platform_id"].replace("-", "_"), r["verdict"])
counts = plat["verdict"].value_counts()
figures.glue_text("tco_platform_verdict", (
    f"Of the {len(plat)} platforms, renting wins outright on {int(counts.get('rent', 0))}, owning on "
    f"{int(counts.get('own', 0))}, and {int(counts.get('depends on the rental price', 0))} fall inside their "
    f"rental band; {int(counts.get('no rental price stated', 0))} have no rental price in the guide."))
show_table(plat[["platform", "capex_mid", "power_kw", "owned_usd_per_year", "breakeven_usd_per_hour",
                 "rental_usd_per_hour_low", "rental_usd_per_hour_high", "verdict"]].rename(columns={
    "capex_mid": "purchase (mid)", "power_kw": "kW", "owned_usd_per_year": "owned, a year",
    "breakeven_usd_per_hour": "owning = renting at (per hour)", "rental_usd_per_hour_low": "rent low (per hour)",
    "rental_usd_per_hour_high": "rent high (per hour)"}),
    {"purchase (mid)": "usd", "kW": "count", "owned, a year": "usd_per_year", "owning = renting at (per hour)": "usd",
     "rent low (per hour)": "usd", "rent high (per hour)": "usd"})

# %% tags=["hide-input"]
rented = plat.dropna(subset=["rental_usd_per_hour_low"])
band = alt.Chart(rented).mark_bar(opacity=0.5, height=14).encode(
    y=alt.Y("platform:N", sort=None, title=None),
    x=alt.X("rental_usd_per_hour_low:Q", title="Price (USD per hour)", scale=alt.Scale(type="log")),
    x2="rental_usd_per_hour_high:Q",
    tooltip=[alt.Tooltip("platform:N"), alt.Tooltip("rental_usd_per_hour_low:Q", title="rent low", format="$.2f"),
             alt.Tooltip("rental_usd_per_hour_high:Q", title="rent high", format="$.2f")],
)
tick = alt.Chart(rented).mark_point(color="#c0392b", shape="diamond", size=140, filled=True, opacity=1).encode(
    y=alt.Y("platform:N", sort=None), x="breakeven_usd_per_hour:Q",
    tooltip=[alt.Tooltip("platform:N"), alt.Tooltip("breakeven_usd_per_hour:Q", title="owning = renting at",
                                                    format="$.2f"), alt.Tooltip("verdict:N")],
)
(band + tick).properties(width=520, title=alt.Title(
    "Where owning breaks even against the guide's rental band",
    subtitle="Bars: the rental band; red diamond: the hourly rent at which owning costs the same"))

# %% [markdown]
# **Try it here.** The chart follows the H100 node year by year: owning (the purchase plus
# running costs) against renting. Move the sliders to change the electricity price, the colo
# price, how many boxes one ops engineer runs, and the rent; where the lines cross, owning has
# paid for itself. The baseline's ops line is {glue:text}`tco_baseline_boxes_share` of a
# {glue:text}`tco_engineer` engineer, so that slider starts at {glue:text}`tco_baseline_boxes`
# boxes. The chart computes in the page, so it works without Jupyter.

# %% tags=["hide-input"]
yr = pd.DataFrame({"years": np.arange(0, max_years + 1)})
p_kwh = alt.param(name="kwh", value=float(base["usd_per_kwh"]),
                  bind=alt.binding_range(min=0.02, max=0.40, step=0.01, name="Electricity (USD per kWh) "))
p_colo = alt.param(name="colo", value=float(colo_rate),
                   bind=alt.binding_range(min=0, max=1_200, step=50, name="Colo (USD per kW-month) "))
# The baseline's ops allocation, read as a share of one engineer: boxes per engineer = engineer ÷ allocation.
baseline_boxes = engineer_usd_per_year / float(base["ops_usd_per_year"])
p_boxes = alt.param(name="boxes", value=baseline_boxes, bind=alt.binding_range(min=1, max=20, step=0.125,
                                                                              name="Boxes per ops engineer "))
p_rent = alt.param(name="rent", value=float(base["rental_usd_per_hour"]),
                   bind=alt.binding_range(min=5, max=50, step=1, name="Rent (USD per hour) "))
kw, hpy = float(base["power_kw"]), selfhost.HOURS_PER_YEAR
record("tco_baseline_boxes_share", 1 / baseline_boxes, "fraction")
record("tco_engineer", engineer_usd_per_year, "usd_per_year")
record("tco_baseline_boxes", baseline_boxes, "count")
# Each box carries its share of one engineer's loaded cost.
opex = (f"({kw} * {hpy} * kwh * (1 + {base['cooling_overhead_frac']}) + {kw} * colo * 12 + "
        f"{base['maintenance_usd_per_year']} + {engineer_usd_per_year} / boxes)")
years_chart = alt.Chart(yr).transform_calculate(
    owning=f"{base['capex_usd']} + datum.years * {opex}", renting=f"datum.years * rent * {hpy}",
).transform_fold(["owning", "renting"], as_=["option", "usd"]).mark_line(point=True).encode(
    x=alt.X("years:Q", title="Years of use (years)"),
    y=alt.Y("usd:Q", title="Cumulative cost (USD)"),
    color=alt.Color("option:N", title=None),
    tooltip=[alt.Tooltip("option:N"), alt.Tooltip("years:Q"), alt.Tooltip("usd:Q", title="USD", format="$,.0f")],
).add_params(p_kwh, p_colo, p_boxes, p_rent).properties(
    width=520, title=alt.Title("Owning against renting one H100 node, year by year",
                               subtitle="Sliders start at the guide's baseline; no resale value"))
years_chart

# %% [markdown]
# With the baseline's numbers the running costs alone ({glue:text}`tco_opex_year` a year) are
# {glue:text}`tco_opex_vs_rent` of the rent, so the purchase never pays back. The guide lists what
# would tip it: cheaper power, dearer rent, free floor space, an engineer shared across many
# boxes, a longer life. The table applies each to the baseline, one at a time and then together.

# %%
opex_year = float(ownership.owned_usd_per_year(0.0, 1, kw, base["usd_per_kwh"], base["cooling_overhead_frac"],
                                               colo_rate, 0.0, base["ops_usd_per_year"])) \
    + base["maintenance_usd_per_year"]
rent_year = float(ownership.rental_usd(base["rental_usd_per_hour"], 1))

# %% tags=["remove-input"]
record("tco_opex_year", opex_year, "usd_per_year")
record("tco_opex_vs_rent", opex_year / rent_year, "fraction")

# %% tags=["hide-input"]
swing = float(rent_swing_usd_per_hour)
long_life = float(tco.loc[h200_id, "years"])  # the life the guide's second example assumes
levers_args = dict(capex_usd=base["capex_usd"], years=years, power_kw=kw, usd_per_kwh=base["usd_per_kwh"],
                   cooling_overhead_frac=base["cooling_overhead_frac"], colo_usd_per_kw_month=colo_rate,
                   maintenance_frac_of_capex=maint_frac, ops_engineer_usd_per_year=base["ops_usd_per_year"],
                   boxes_per_engineer=1, rental_usd_per_hour=base["rental_usd_per_hour"])
changes = {
    "the baseline (no escalation)": {},
    f"electricity at {figures.fmt_usd(cheapest)} per kWh": {"usd_per_kwh": cheapest},
    f"rent at {figures.fmt_usd(swing)} an hour": {"rental_usd_per_hour": swing},
    "own data-centre space (no colo)": {"colo_usd_per_kw_month": 0.0},
    f"one engineer across {boxes_per_engineer} boxes": {
        "ops_engineer_usd_per_year": engineer_usd_per_year, "boxes_per_engineer": boxes_per_engineer},
    f"kept {int(long_life)} years": {"years": long_life},
}
changes["all of these together"] = {k: v for d in list(changes.values())[1:] if "rental_usd_per_hour" not in d
                                    for k, v in d.items()}

# %%
lever_rows = []
for label, change in changes.items():
    r = ownership.owned_vs_rented(**{**levers_args, **change})
    lever_rows.append({"change": label, "owned": r["owned_usd"], "rented": r["rented_usd"],
                       "owned ÷ rented": r["owned_over_rented"], "owning = renting at (per hour)":
                           r["breakeven_usd_per_hour"]})
lever_table = pd.DataFrame(lever_rows)

# %% tags=["remove-input"]
show_table(lever_table, {"owned": "usd", "rented": "usd", "owned ÷ rented": "ratio",
                         "owning = renting at (per hour)": "usd"})
together = lever_table.iloc[-1]
figures.record_conclusion("tco_all_levers_winner", "owning" if together["owned ÷ rented"] < 1 else "renting")

# %% [markdown]
# In Jupyter the same question runs through `lib.costs.ownership.owned_vs_rented`:

# %% tags=["hide-input"]
def tco_what_if(usd_per_kwh: float, colo_usd_per_kw_month: float, years_of_use: int, boxes: float,
                rent_usd_per_hour: float) -> None:
    r = ownership.owned_vs_rented(**{**levers_args, "usd_per_kwh": usd_per_kwh,
                                     "colo_usd_per_kw_month": colo_usd_per_kw_month, "years": years_of_use,
                                     "ops_engineer_usd_per_year": engineer_usd_per_year, "boxes_per_engineer": boxes,
                                     "rental_usd_per_hour": rent_usd_per_hour})
    print(f"owned {figures.fmt_usd(r['owned_usd'])}, rented {figures.fmt_usd(r['rented_usd'])} "
          f"({figures.fmt_ratio(r['owned_over_rented'])}); owning equals renting at "
          f"{figures.fmt_usd(r['breakeven_usd_per_hour'])} an hour")


# Widgets need a live kernel; the static book offers the in-page chart controls instead.
if not for_html_book:
    display(widgets.interactive(
        tco_what_if,
        usd_per_kwh=widgets.FloatSlider(value=float(base["usd_per_kwh"]), min=0.02, max=0.40, step=0.01),
        colo_usd_per_kw_month=widgets.FloatSlider(value=float(colo_rate), min=0, max=1_200, step=50),
        years_of_use=widgets.IntSlider(value=years, min=1, max=8),
        boxes=widgets.FloatSlider(value=baseline_boxes, min=1, max=20, step=0.125),
        rent_usd_per_hour=widgets.FloatSlider(value=float(base["rental_usd_per_hour"]), min=5, max=50, step=1),
    ))

# %% [markdown]
# ## Per token, on each platform
#
# The guide's production-utilisation table prices a million output tokens on each platform. Its
# heading says {glue:text}`tco_prod_util` utilisation, but every figure in it is the hourly price
# divided by the full-load throughput: at {glue:text}`tco_prod_util` each one is
# {glue:text}`tco_prod_factor` higher. The owned H100 row's hourly cost is the guide's own
# {glue:text}`tco_years`-year total spread over the hours; ours is {glue:text}`tco_breakeven_rate`.

# %%
production["platform"] = production["platform_id"].map(platforms["platform"])
production["at stated utilisation"] = selfhost.selfhost_usd_per_mtok(
    production["hourly_usd"], production["output_tokens_per_s"], production_utilisation)
production["at full load"] = selfhost.selfhost_usd_per_mtok(production["hourly_usd"], production["output_tokens_per_s"])

# %% tags=["remove-input"]
record("tco_prod_util", production_utilisation, "fraction")
record("tco_prod_factor", 1 / production_utilisation, "ratio")
prod_claims = {"8xh100-rental": "tco_prod_h100_rental", "8xh100-owned": "tco_prod_h100_owned",
               "8xh200-rental": "tco_prod_h200_rental", "8xb200-rental": "tco_prod_b200_rental",
               "8xmi300x-rental": "tco_prod_mi300x_rental", "1xgh200-rental": "tco_prod_gh200_rental",
               "8xl40s-rental": "tco_prod_l40s_rental"}
for _, r in production.iterrows():
    key = r["scenario_id"].removeprefix(production_prefix)
    if key in prod_claims:
        ours[prod_claims[key]] = float(r["at stated utilisation"])
rental_rows = production[production["scenario_id"].str.endswith("-rental")]
# The guide's "converges" is read off its own table's rental figures, which are full-load figures.
ours["tco_prod_converge"] = float(rental_rows["at full load"].median())
show_table(production[["scenario_id", "platform", "hourly_usd", "output_tokens_per_s", "at stated utilisation",
                       "at full load"]].rename(columns={"scenario_id": "row", "hourly_usd": "per hour",
                                                        "output_tokens_per_s": "output tokens/s",
                                                        "at stated utilisation": "$ per M output, stated util.",
                                                        "at full load": "$ per M output, full load"}),
           {"per hour": "usd", "output tokens/s": "tokens_per_s", "$ per M output, stated util.": "usd_per_mtok",
            "$ per M output, full load": "usd_per_mtok"})

# %% [markdown]
# An earlier section of the guide prices the same platforms per million output tokens of a 70B
# model at {glue:text}`tco_choice_util` utilisation, from each platform's hourly band, but states
# no throughput beside them. Spreading each band over the tokens a second the production table
# gives the same node, at that utilisation, prices a million output tokens as below; the
# comparison at the end sets each band beside the guide's.

# %%
choice = pd.DataFrame([{"claim_id": cid, "platform_id": pid, "scenario_id": production_prefix + key}
                       for cid, pid, key in choice_rows])
choice = choice.merge(production[["scenario_id", "output_tokens_per_s"]], on="scenario_id").merge(
    platforms[["platform", "rental_usd_per_hour_low", "rental_usd_per_hour_high"]], left_on="platform_id",
    right_index=True)
choice["low"] = selfhost.selfhost_usd_per_mtok(choice["rental_usd_per_hour_low"], choice["output_tokens_per_s"],
                                               choice_utilisation)
choice["high"] = selfhost.selfhost_usd_per_mtok(choice["rental_usd_per_hour_high"], choice["output_tokens_per_s"],
                                                choice_utilisation)
for r in choice.itertuples():
    ours[r.claim_id] = Check(truth=float(r.low), truth_high=float(r.high))

# %% tags=["remove-input"]
record("tco_choice_util", choice_utilisation, "fraction")
show_table(choice[["platform", "rental_usd_per_hour_low", "rental_usd_per_hour_high", "output_tokens_per_s", "low",
                   "high"]].rename(columns={"rental_usd_per_hour_low": "rent low (per hour)",
                                            "rental_usd_per_hour_high": "rent high (per hour)",
                                            "output_tokens_per_s": "output tokens/s", "low": "$ per M output, low",
                                            "high": "$ per M output, high"}),
           {"rent low (per hour)": "usd", "rent high (per hour)": "usd", "output tokens/s": "tokens_per_s",
            "$ per M output, low": "usd_per_mtok", "$ per M output, high": "usd_per_mtok"})

# %% [markdown]
# ## H200 against B200: the guide's second example
#
# The guide's second worked example buys one H200 node for {glue:text}`tco_h200_capex` and one
# B200 node for {glue:text}`tco_b200_capex`, depreciates each over {glue:text}`tco_long_years`
# years, and adds power, colo and a share of an engineer: {glue:text}`tco_h200_year` and
# {glue:text}`tco_b200_year` a year. Two of those inputs differ from what the guide says
# elsewhere: its capex table prices the nodes at {glue:text}`tco_h200_table_capex` and
# {glue:text}`tco_b200_table_capex`, and gives the H200 node {glue:text}`tco_h200_table_kw` kW
# where the example bills {glue:text}`tco_example_kw` kW for both; and the example's
# {glue:text}`tco_example_colo_year` a year of colo is well below the {glue:text}`tco_example_colo_band`
# a year that the colo rates the guide quotes charge for a node of that power.
#
# It then counts tokens as requests a second × tokens per request × seconds × utilisation,
# {glue:text}`tco_h200_tokens` a year for the H200 node, which gives {glue:text}`tco_h200_mtok` per
# million tokens, {glue:text}`tco_vs_sonnet` below {glue:text}`tco_hosted_model`'s input price
# (the guide calls it over {glue:text}`tco_vs_sonnet_guide`).
# That count rests on the node's {glue:text}`tco_h200_qps` requests a second, which
# [the physical-limits chapter](physical_limits.ipynb) finds {glue:text}`tco_h200_qps_verdict`:
# even at the largest batch whose KV caches fit, the roofline allows at most
# {glue:text}`tco_h200_qps_ceiling` such requests a second, so at most
# {glue:text}`tco_h200_tokens_ceiling` tokens a year at the example's utilisation, and every
# figure computed from the count (tokens a year, cost per token, the comparison with an API) falls
# with it.
#
# The guide's own production table gives the H200 node {glue:text}`tco_h200_tps` output tokens a
# second, which at the example's {glue:text}`tco_long_util` utilisation is
# {glue:text}`tco_h200_tokens_tps` a year: inside the {glue:text}`tco_capacity_band` the same
# section names as the node's capacity, and {glue:text}`tco_qps_gap` fewer than the example's
# count. Counted that way a million output tokens cost {glue:text}`tco_h200_mtok_tps` on H200 and
# {glue:text}`tco_b200_mtok_tps` on B200: still below {glue:text}`tco_hosted_model`'s output
# price, but by a factor of {glue:text}`tco_vs_sonnet_tps`, not thousands.

# %%
def production_tps(platform_id: str) -> float:
    rows = production[(production["platform_id"] == platform_id) & production["scenario_id"].str.endswith("-rental")]
    return float(rows["output_tokens_per_s"].iloc[0])


long = {sid: ownership.example_year(tco.loc[sid], production_tps(tco.loc[sid, "platform_id"]), realistic_utilisation)
        for sid in (h200_id, b200_id)}
h2, b2 = long[h200_id], long[b200_id]

# %% [markdown]
# The request counts are throughput claims: the roofline (`lib.costs.roofline`, as in the
# physical-limits chapter) gives each node's ceiling for the example's requests, at its stated
# batch (the verdict that chapter records) and at the largest batch that fits (the most any
# software could get out of the node, which bounds the tokens a year).

# %%
qps_cases = cases.set_index("claim_id").loc[[h200_qps_claim, b200_qps_claim]].reset_index()
at_stated = rf.evaluate_cases(qps_cases, spec_rows, shape_rows, reserved_frac).set_index("claim_id")
at_most = rf.evaluate_cases(qps_cases.assign(batch=None), spec_rows, shape_rows, reserved_frac).set_index("claim_id")
qps_checks = guide.comparison_table(claims, {c: Check(truth=float(at_stated.loc[c, "ceiling_requests_per_s"]))
                                             for c in (h200_qps_claim, b200_qps_claim)}, truth=guide.CEILING_CHECK)
qps_verdict = dict(zip(qps_checks["claim_id"], qps_checks["verdict"]))
# The production table's tokens a second are throughput claims too (physical_limits checks them):
# its costs per token rest on them.
prod_cases = cases[cases["claim_id"].str.startswith("rf_prod_")]
prod_ceilings = rf.evaluate_cases(prod_cases, spec_rows, shape_rows, reserved_frac)
prod_checks = guide.comparison_table(claims, {c: Check(truth=float(v)) for c, v in
                                              zip(prod_ceilings["claim_id"], prod_ceilings["ceiling_tokens_per_s"])},
                                     truth=guide.CEILING_CHECK)
throughput_verdicts = {**qps_verdict, **dict(zip(prod_checks["claim_id"], prod_checks["verdict"]))}
tokens_ceiling = {sid: float(ownership.tokens_per_year(
    at_most.loc[c, "ceiling_requests_per_s"] * tco.loc[sid, "tokens_per_request"], tco.loc[sid, "utilisation"]))
    for sid, c in ((h200_id, h200_qps_claim), (b200_id, b200_qps_claim))}

# %% tags=["remove-input"]
hs, bs = tco.loc[h200_id], tco.loc[b200_id]
hosted_row = prices[prices["model"] == hosted_model]
sonnet_in = float(hosted_row["input_usd_per_mtok"].dropna().iloc[0]) if hosted_row["input_usd_per_mtok"].notna().any() \
    else float("nan")
sonnet_out = float(hosted_row["output_usd_per_mtok"].dropna().iloc[0]) if hosted_row["output_usd_per_mtok"].notna().any() \
    else float("nan")
figures.glue_text("tco_hosted_model", hosted_model)
record("tco_h200_capex", hs["capex_usd"], "usd")
record("tco_b200_capex", bs["capex_usd"], "usd")
for name, pid in (("tco_h200_table_capex", "8x-h200-sxm"), ("tco_b200_table_capex", "8x-b200-sxm")):
    figures.glue_text(name, f"{figures.fmt_usd(platforms.loc[pid, 'capex_usd_low'])}–"
                            f"{figures.fmt_usd(platforms.loc[pid, 'capex_usd_high'])}")
record("tco_h200_table_kw", platforms.loc["8x-h200-sxm", "power_kw"], "count")
record("tco_example_kw", hs["power_kw"], "count")
record("tco_example_colo_year", hs["colo_usd_per_year"], "usd_per_year")
figures.glue_text("tco_example_colo_band", f"{figures.fmt_usd(float(ownership.colo_usd_per_year(hs['power_kw'], colo_low)))}–"
                                           f"{figures.fmt_usd(float(ownership.colo_usd_per_year(hs['power_kw'], colo_high)))}")
record("tco_long_years", hs["years"], "count")
record("tco_h200_year", h2["per_year"], "usd_per_year")
record("tco_b200_year", b2["per_year"], "usd_per_year")
record("tco_h200_tokens", h2["tokens_qps"], "tokens")
record("tco_h200_mtok", h2["mtok_qps"], "usd_per_mtok")
record("tco_vs_sonnet", sonnet_in / h2["mtok_qps"], "ratio")
figures.glue_text("tco_vs_sonnet_guide", guide.guide_text(claims.set_index("claim_id", drop=False).loc["tco_h200_vs_sonnet"]))
record("tco_h200_qps", hs["requests_per_s"], "count")
figures.glue_text("tco_h200_qps_verdict", qps_verdict[h200_qps_claim])
record("tco_h200_qps_ceiling", at_most.loc[h200_qps_claim, "ceiling_requests_per_s"], "requests_per_s")
record("tco_h200_tokens_ceiling", tokens_ceiling[h200_id], "tokens")
record("tco_h200_tps", h2["tps"], "tokens_per_s")
record("tco_long_util", hs["utilisation"], "fraction")
record("tco_h200_tokens_tps", h2["tokens_tps"], "tokens")
figures.glue_text("tco_capacity_band", guide.guide_text(claims.set_index("claim_id", drop=False).loc["tco_h200_capacity"])
                  + " tokens a year")
record("tco_qps_gap", h2["tokens_qps"] / h2["tokens_tps"], "ratio")
record("tco_h200_mtok_tps", h2["mtok_tps"], "usd_per_mtok")
record("tco_b200_mtok_tps", b2["mtok_tps"], "usd_per_mtok")
record("tco_vs_sonnet_tps", sonnet_out / h2["mtok_tps"], "ratio")
figures.record_conclusion("tco_h200_vs_b200_cheaper_per_token", "B200" if b2["mtok_tps"] < h2["mtok_tps"] else "H200")
# Each figure of the example twice: on the example's own inputs, and against what the guide says
# elsewhere (the capex table, the production table's tokens a second) or the physical ceiling.
ours.update(
    tco_h200_capex_example=Check(truth=float(platforms.loc["8x-h200-sxm", "capex_usd_low"]),
                                 truth_high=float(platforms.loc["8x-h200-sxm", "capex_usd_high"])),
    tco_b200_capex_example=Check(truth=float(platforms.loc["8x-b200-sxm", "capex_usd_low"]),
                                 truth_high=float(platforms.loc["8x-b200-sxm", "capex_usd_high"])),
    tco_capex_h200_table=Check(truth=float(hs["capex_usd"])), tco_capex_b200_table=Check(truth=float(bs["capex_usd"])),
    tco_capex_h200_kw=Check(truth=float(hs["power_kw"])),
    tco_h100_purchase=Check(truth=float(platforms.loc["8x-h100-sxm", "capex_usd_low"]),
                            truth_high=float(platforms.loc["8x-h100-sxm", "capex_usd_high"])),
    tco_capex_h100_table=Check(truth=float(h100_purchase_usd)),
    # The example's colo against the colo band the guide quotes, for a node of the example's power.
    tco_example_colo=Check(truth=float(ownership.colo_usd_per_year(hs["power_kw"], colo_low)),
                           truth_high=float(ownership.colo_usd_per_year(hs["power_kw"], colo_high))),
    tco_example_h200_kw=Check(truth=float(platforms.loc["8x-h200-sxm", "power_kw"])),
    tco_h200_depreciation=float(h2["table"].loc["Hardware (amortised)", "Year 1"]),
    tco_b200_depreciation=float(b2["table"].loc["Hardware (amortised)", "Year 1"]),
    tco_power_14kw=float(h2["table"].loc["Power", "Year 1"]), tco_ops_fraction=float(hs["ops_usd_per_year"]),
    tco_h200_annual=h2["per_year"], tco_b200_annual=b2["per_year"],
    tco_h200_tokens=Check(arithmetic=h2["tokens_qps"], truth=tokens_ceiling[h200_id]),
    tco_b200_tokens=Check(arithmetic=b2["tokens_qps"], truth=tokens_ceiling[b200_id]),
    tco_h200_per_m=Check(arithmetic=h2["mtok_qps"], truth=h2["mtok_tps"]),
    tco_b200_per_m=Check(arithmetic=b2["mtok_qps"], truth=b2["mtok_tps"]),
    tco_h200_per_m_25=Check(arithmetic=h2["mtok_qps"] * hs["utilisation"] / realistic_utilisation,
                            truth=h2["mtok_tps_25"]),
    tco_b200_per_m_25=Check(arithmetic=b2["mtok_qps"] * bs["utilisation"] / realistic_utilisation,
                            truth=b2["mtok_tps_25"]),
    # The node's capacity by the production table's tokens a second, between the guide's
    # "realistic" and its production utilisation.
    tco_h200_capacity=Check(truth=float(ownership.tokens_per_year(h2["tps"], realistic_utilisation)),
                            truth_high=float(ownership.tokens_per_year(h2["tps"], production_utilisation))),
)
if np.isfinite(sonnet_in):
    ours["tco_h200_vs_sonnet"] = Check(arithmetic=sonnet_in / h2["mtok_qps"], truth=sonnet_in / h2["mtok_tps"])
show_table(pd.DataFrame({
    "node": ["8× H200", "8× B200"], "a year": [h2["per_year"], b2["per_year"]],
    "tokens a year (guide's count)": [h2["tokens_qps"], b2["tokens_qps"]],
    "most tokens a year (roofline)": [tokens_ceiling[h200_id], tokens_ceiling[b200_id]],
    "$ per M (guide's count)": [h2["mtok_qps"], b2["mtok_qps"]],
    "output tokens a year (from tokens/s)": [h2["tokens_tps"], b2["tokens_tps"]],
    "$ per M output (from tokens/s)": [h2["mtok_tps"], b2["mtok_tps"]],
}), {"a year": "usd_per_year", "tokens a year (guide's count)": "tokens", "most tokens a year (roofline)": "tokens",
     "$ per M (guide's count)": "usd_per_mtok", "output tokens a year (from tokens/s)": "tokens",
     "$ per M output (from tokens/s)": "usd_per_mtok"})

# %% [markdown]
# ## GH200 or B200: memory against bandwidth
#
# The guide's rule of thumb is B200 below {glue:text}`tco_rule_low` tokens of context and GH200
# above {glue:text}`tco_rule_high`. The reason is memory: a GH200 pairs {glue:text}`tco_gh200_hbm`
# of HBM with {glue:text}`tco_gh200_lpddr` of slower CPU memory ({glue:text}`tco_gh200_total` in
# all), while a B200 node has {glue:text}`tco_b200_node` of HBM. The table counts how many
# requests' KV caches fit beside the weights of {glue:text}`tco_ctx_model` (16-bit KV, FP8
# weights) at each context length, and how many per dollar-hour of rent at the production table's
# prices. At every length the GH200 holds {glue:text}`tco_ctx_ratio_long` as many per dollar:
# memory per dollar is where it wins, and bandwidth (its CPU memory is far slower than HBM) is
# where it loses; where one outweighs the other needs a throughput model, so the thresholds stay
# the guide's judgment. What its own numbers do not support is the claim that B200 wins by
# {glue:text}`tco_b200_win_band` per token on a 70B model: its production table prices a GH200
# output token at {glue:text}`tco_gh200_vs_b200` of a B200 one.

# %%
gh200_hbm_gb = float(specs.loc["GH200", "hbm_gb"])
b200_node_gb = float(specs.loc["B200 SXM", "hbm_gb"]) * int(platforms.loc["8x-b200-sxm", "accelerators_per_node"])
ctx_model = "Llama 3.1 8B"
m = shapes.loc[ctx_model]
kv_tok = float(kv_cache.kv_bytes_per_token(m["layers"], m["kv_heads"], m["head_dim"]))
w = float(kv_cache.weight_bytes(m["total_params_billions"], 1.0))
rent = production.set_index("platform_id")
gh_rent = float(rent.loc["1x-gh200", "hourly_usd"])
b2_rent = float(rent[rent["scenario_id"].str.endswith("-rental")].loc["8x-b200-sxm", "hourly_usd"])
ctx = np.array(contexts, dtype=float)
kv_req = kv_cache.kv_bytes_per_request(ctx, kv_tok)
fit_gh = kv_cache.requests_fitting_in_hbm((gh200_hbm_gb + gh200_lpddr_gb) * 1e9, w, kv_req)
fit_b2 = kv_cache.requests_fitting_in_hbm(b200_node_gb * 1e9, w, kv_req)

# %% tags=["hide-input"]
ctx_table = pd.DataFrame({"context (tokens)": ctx, "KV per request": kv_req, "fit on GH200 (HBM + LPDDR)": fit_gh,
                          "fit on 8× B200": fit_b2, "GH200 per $/hour": fit_gh / gh_rent,
                          "8× B200 per $/hour": fit_b2 / b2_rent})
show_table(ctx_table, {"context (tokens)": "tokens", "KV per request": "bytes", "fit on GH200 (HBM + LPDDR)": "count",
                       "fit on 8× B200": "count", "GH200 per $/hour": "count", "8× B200 per $/hour": "count"})
gh_prod = float(production.loc[production["platform_id"] == "1x-gh200", "at full load"].iloc[0])
b2_prod = float(production.loc[production["scenario_id"] == production_prefix + "8xb200-rental", "at full load"].iloc[0])
record("tco_gh200_hbm", gh200_hbm_gb * 1e9, "bytes")
record("tco_gh200_lpddr", gh200_lpddr_gb * 1e9, "bytes")
record("tco_gh200_total", (gh200_hbm_gb + gh200_lpddr_gb) * 1e9, "bytes")
record("tco_b200_node", b200_node_gb * 1e9, "bytes")
figures.glue_text("tco_ctx_model", ctx_model)
record("tco_rule_low", gh200_rule_contexts[0], "tokens")
record("tco_rule_high", gh200_rule_contexts[1], "tokens")
figures.glue_text("tco_b200_win_band", guide.guide_text(claims.set_index("claim_id", drop=False).loc["tco_b200_vs_gh200_70b"]))
record("tco_ctx_ratio_long", (fit_gh[-1] / gh_rent) / (fit_b2[-1] / b2_rent), "ratio")
record("tco_gh200_vs_b200", gh_prod / b2_prod, "fraction")
ours.update(tco_gh200_memory=(gh200_hbm_gb + gh200_lpddr_gb) * 1e9, tco_b200_node_memory=b200_node_gb * 1e9,
            tco_b200_bandwidth=Check(truth=float(specs.loc["B200 SXM", "hbm_tb_per_s"])),
            tco_b200_vs_gh200_70b=gh_prod / b2_prod)

# %% [markdown]
# ## The used market
#
# Used accelerators sell well below new ones. The table sets a node's worth of used GPUs against the middle
# of the guide's street price for a new node of the same kind, where the guide prices
# one; the used price covers the GPUs only, so a used node costs more than this once a chassis is
# added. For the H100 the used GPUs alone cost {glue:text}`tco_used_h100_share` of a new node.

# %%
used_rows = []
for _, u in used.iterrows():
    match = plat[(plat["accelerator"] == u["accelerator"]) & (plat["accelerators_per_node"] == 8)]
    new_mid = float(match["capex_mid"].iloc[0]) if len(match) else float("nan")
    mid = (u["used_usd_per_gpu_low"] + u["used_usd_per_gpu_high"]) / 2
    used_rows.append({"accelerator": u["accelerator"], "used per GPU (low)": u["used_usd_per_gpu_low"],
                      "used per GPU (high)": u["used_usd_per_gpu_high"], "8 used GPUs (mid)": 8 * mid,
                      "new 8-GPU node (mid)": new_mid, "used ÷ new": 8 * mid / new_mid})
used_table = pd.DataFrame(used_rows)

# %% tags=["remove-input"]
show_table(used_table, {"used per GPU (low)": "usd", "used per GPU (high)": "usd", "8 used GPUs (mid)": "usd",
                        "new 8-GPU node (mid)": "usd", "used ÷ new": "fraction"})
record("tco_used_h100_share", float(used_table.set_index("accelerator").loc["H100 SXM", "used ÷ new"]),
               "fraction")

# %% [markdown]
# ## The rest of the price list
#
# Some of the guide's capex rows are built from others. A GB200 NVL2 board is two B200s and a
# Grace CPU: priced from the table's own rows (two B200s at the B200 node's price per GPU, and a
# Grace at what a GH200 costs beyond one H100 at the H100 node's price per GPU) it comes to
# {glue:text}`tco_nvl2_implied_low` to {glue:text}`tco_nvl2_implied_high`, against the row's
# {glue:text}`tco_nvl2_band`. An NVL72 rack holds the chips of {glue:text}`tco_nvl72_boards` such
# boards: {glue:text}`tco_nvl72_implied_low` to {glue:text}`tco_nvl72_implied_high` at the table's
# NVL2 price before its switches are counted, against the rack's {glue:text}`tco_nvl72_band`. The
# worked example's per-GPU prices fit inside its own node prices, while the capex table's H200
# node costs {glue:text}`tco_h200_gpu_band_low` to {glue:text}`tco_h200_gpu_band_high` a GPU. Left
# out of the guide's own TCO table, power, cooling and colo would understate it by
# {glue:text}`tco_missing_share`, against the {glue:text}`tco_missing_band` the guide says. Groq's
# 70B output price in the guide's own price tables is at most {glue:text}`tco_groq_price`, against
# the {glue:text}`tco_groq_band` its hardware-choice table gives. Underused hours make the worked
# example's tokens {glue:text}`tco_underuse_band` dearer, it says; at the average utilisations its
# per-token section calls typical and poor they make them {glue:text}`tco_underuse_low` to
# {glue:text}`tco_underuse_high` dearer. The single platforms' street prices, the used market,
# liquid cooling and InfiniBand have no second source in `data/`: they are listed below as not
# checkable.

# %%
nvl2 = ownership.board_capex_usd(platforms.loc["8x-b200-sxm"], platforms.loc["1x-gh200"],
                                 platforms.loc["8x-h100-sxm"], gpus=2)
nvl72 = ownership.rack_from_boards_usd(platforms.loc["1x-gb200-nvl2"], platforms.loc["gb200-nvl72"])
h200_gpu, b200_gpu = (ownership.per_gpu_range_usd(platforms.loc[p]) for p in ("8x-h200-sxm", "8x-b200-sxm"))
example_gpu = {n: tco.loc[n, "capex_usd"] / platforms.loc[tco.loc[n, "platform_id"], "accelerators_per_node"]
               for n in (h200_id, b200_id)}
missing_share = ownership.line_item_share(table, ["Power", "Cooling", "Colo space"], total_col)
paragraph_share = power_colo_usd_per_year / (h100_purchase_usd / years + power_colo_usd_per_year)
groq_70b = prices.loc[(prices["provider"] == "Groq") & prices["model"].str.contains("70B"), "output_usd_per_mtok"]
underuse = ownership.cost_multiple(tco.loc[h200_id, "utilisation"], np.array(per_token_utilisations))
underuse_example = float(ownership.cost_multiple(tco.loc[h200_id, "utilisation"], realistic_utilisation))

# %%
air = cooling.loc["air"]
ours.update(
    tco_capex_gb200_nvl2=Check(truth=nvl2[0], truth_high=nvl2[1]),
    tco_capex_nvl72=Check(truth=nvl72[0], truth_high=nvl72[1]),
    tco_h200_per_gpu=Check(arithmetic=example_gpu[h200_id], truth=h200_gpu[0], truth_high=h200_gpu[1]),
    tco_b200_per_gpu=Check(arithmetic=example_gpu[b200_id], truth=b200_gpu[0], truth_high=b200_gpu[1]),
    tco_cooling_air=Check(truth=power_section_cooling_frac[0], truth_high=power_section_cooling_frac[1]),
    tco_cooling_power_section=Check(truth=air["overhead_frac_low"], truth_high=air["overhead_frac_high"]),
    tco_colo_band=Check(truth=power_section_colo_usd_per_kw_month[0], truth_high=power_section_colo_usd_per_kw_month[1]),
    tco_colo_band_power_section=Check(truth=colo["usd_per_kw_month_low"], truth_high=colo["usd_per_kw_month_high"]),
    tco_missing_items_share=Check(arithmetic=paragraph_share, truth=missing_share),
    tco_choice_groq=Check(truth=groq_70b.min(), truth_high=groq_70b.max()),
    tco_underuse_multiple=Check(arithmetic=underuse_example, truth=underuse.min(), truth_high=underuse.max()),
)
ours.update({cid: Check(arithmetic=np.nan, missing="no second source for it in data/") for cid in unsourced_claims})

# %% tags=["remove-input"]
claim_rows = claims.set_index("claim_id", drop=False)
for key, cid in [("tco_nvl2_band", "tco_capex_gb200_nvl2"), ("tco_nvl72_band", "tco_capex_nvl72"),
                 ("tco_missing_band", "tco_missing_items_share"), ("tco_groq_band", "tco_choice_groq"),
                 ("tco_underuse_band", "tco_underuse_multiple")]:
    figures.glue_text(key, guide.guide_text(claim_rows.loc[cid]))
for key, (lo, hi), unit in [("tco_nvl2_implied", nvl2, "usd"), ("tco_nvl72_implied", nvl72, "usd"),
                            ("tco_h200_gpu_band", h200_gpu, "usd")]:
    record(key + "_low", lo, unit)
    record(key + "_high", hi, unit)
record("tco_nvl72_boards", platforms.loc["gb200-nvl72", "accelerators_per_node"]
       / platforms.loc["1x-gb200-nvl2", "accelerators_per_node"], "count")
record("tco_missing_share", missing_share, "fraction")
record("tco_groq_price", groq_70b.max(), "usd_per_mtok")
record("tco_underuse_low", underuse.min(), "ratio")
record("tco_underuse_high", underuse.max(), "ratio")

# %% [markdown]
# ## The guide's figures beside ours
#
# Each figure is checked twice where the data allows: on the inputs the guide states beside it
# ("on its own inputs"), and against something the figure does not itself assert ("independent
# check"): what the guide says in another section, the physical ceiling, or outside data. A check
# agrees within {glue:text}`tco_agree_rel`, and is "rounding" when it rounds to the figure at the
# precision the guide wrote it with (a hedge such as "~" widens that, never past
# {glue:text}`tco_rounding_rel`); a range holds when the check lies inside it, or, for a range the
# book computes too, end by end. A figure computed from another of the guide's figures that failed
# "rests on a failed premise", whatever its own arithmetic. {glue:text}`tco_verdicts` The table's
# last column says which check failed and on what number; see
# [how far to trust the guide](guide_trust.ipynb).

# %%
comparison = guide.comparison_table(claims, ours, premises=throughput_verdicts)

# %% tags=["remove-input"]
record("tco_agree_rel", guide.AGREE_REL, "fraction")
record("tco_rounding_rel", guide.MAX_REL, "fraction")

# %% tags=["remove-input"]
publish.verdicts("tco_verdicts", comparison)
choice_ids = [c for c, _, _ in choice_rows]
guide.glue_count("tco_choice_holds", comparison[comparison["claim_id"].isin(choice_ids)], "in the hardware-choice table")


# %% [markdown]
# How to read the disagreements. The guide's TCO table prices power at about
# {glue:text}`tco_implied_kwh` per kWh, not the {glue:text}`tco_kwh` it uses elsewhere, which is
# why its power and cooling lines are larger than ours. Its "power and colo" figure for a racked
# box is below even the cheapest colocation it quotes, and far below its own table's colo line.
# Its European power range stops short of its own top rate, and its cheap-power figure is more
# than the power and cooling the cheap rate buys. The production table's figures are full-load
# figures under a utilisation heading. Of the hardware-choice table's bands, set against the
# production table's throughput at the utilisation the table states,
# {glue:text}`tco_choice_holds`.
#
# The H200-against-B200 example is where the guide goes furthest wrong, and the chain is visible
# in the table: the {glue:text}`tco_h200_qps` requests a second are physically impossible, so the
# tokens a year computed from them are too, and the cost per million tokens and the "thousand
# times cheaper than an API" are computed from those. Its arithmetic on those inputs is mostly
# right (the "thousand times" is not: its own figures give {glue:text}`tco_vs_sonnet`); what fails
# is the independent check: spread over the tokens the guide's own
# production table says the node serves, a million tokens cost {glue:text}`tco_h200_mtok_tps`,
# {glue:text}`tco_qps_gap` the example's figure. The capacity the same section names for the node
# ({glue:text}`tco_capacity_band`) holds against that throughput.

# %% tags=["remove-input"]
# The guide's table line, read through the verdict engine (the stated figure, not ours).
guide_power_3yr = checks.figure_of(claims.set_index("claim_id", drop=False).loc["tco_table_power_3yr"]).value
record("tco_implied_kwh", guide_power_3yr / years / float(ownership.power_usd_per_year(kw, 1.0)), "usd")
figures.glue_text("tco_answer", (
    f"Not at the guide's prices: over {years} years an owned H100 node costs {figures.fmt_usd(owned_total)} "
    f"against {figures.fmt_usd(rented_total)} to rent it, because colocation and an engineer's time cost more than "
    f"the hardware; owning pays only when rent tops {figures.fmt_usd(breakeven_rate)} an hour, or when floor space, "
    f"power, a shared ops team and a longer life are all in hand (together they bring owning to "
    f"{figures.fmt_ratio(together['owned ÷ rented'])} of renting)."
))
