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
# # Multimodal requests
#
# **The question.** An image, a video clip or a minute of audio is billed as input tokens. How
# many tokens does an image cost under each provider's rule, and how does media shift a
# request's cost from output to input?
#
# **The answer.** {glue:text}`mmod_answer`
#
# Image token rules are in `data/image_token_rules.csv`: the providers' documented rules, and
# the guide's own statement kept beside them. Prices come from `data/api_prices.csv`.

# %% tags=["parameters"]
# Data this chapter reads (paths relative to the project root).
api_prices_csv = "data/api_prices.csv"
image_token_rules_csv = "data/image_token_rules.csv"
unit_prices_csv = "data/unit_prices.csv"
billing_rules_csv = "data/billing_rules.csv"
# The outside price list the guide's per-unit prices are checked against (a price_list of unit_prices.csv).
outside_unit_price_list = "litellm-1.110.2"
guide_claims_csv = "data/guide_claims.csv"
# The guide's illustrative prices for its request shapes (USD per million tokens).
example_input_usd_per_mtok = 1.0
example_output_usd_per_mtok = 5.0
# The guide's request shapes: (text input tokens, media tokens, output tokens).
request_shapes = {
    "text only": (200, 0, 500),
    "one image": (30, 1_000, 200),
    "5-minute video": (30, 5_000, 500),
}
# The guide's audio path: transcription per minute, then an LLM call on the transcript.
whisper_usd_per_minute = 0.006
llm_on_transcript_usd = 0.003
# Image sizes to tabulate (width, height in pixels).
image_sizes = [(512, 512), (1024, 1024), (1568, 1568), (1920, 1080), (2048, 2048), (4032, 3024)]
# The providers' documented image rules (data/image_token_rules.csv) that independent checks use:
# those at high detail (what the guide's 1024×1024 figures are about), and every documented one.
high_detail_rule_ids = ["anthropic-docs", "openai-high-detail"]
documented_rule_ids = ["anthropic-docs", "openai-high-detail", "openai-low-detail"]
# The guide's takeaway range of tokens for a 1024×1024 high-detail image (the inputs beside its 3–10×).
takeaway_image_tokens = (700, 1_500)
# The model each provider's rule is priced with.
rule_price_ids = {"Anthropic": "anthropic-claude-sonnet-4-6", "OpenAI": "openai-gpt-4o"}
# The guide's visual-search example: one image, a short prompt, a short answer, a month of queries.
visual_search_price_id = "openai-gpt-4o-vision-example"
visual_search_queries_per_month = 1_000_000
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
from lib.costs import api
from lib.costs import multimodal as mm
from lib.data import tables

charts.use_book_style(for_html_book)
all_prices = tables.load_api_prices(api_prices_csv)
rules = tables.load_image_token_rules(image_token_rules_csv)
claims = tables.load_guide_claims(guide_claims_csv)
ours: dict[str, float | guide.Check] = {}  # claim id -> the book's checks, compared with the guide at the end
rule_by_id = {r["rule_id"]: r.to_dict() for _, r in rules.iterrows()}
book_rules = rules[rules["book_uses"]]


def price(price_id: str) -> pd.Series:
    row = all_prices[all_prices["price_id"] == price_id]
    if len(row) != 1:
        raise KeyError(f"no price row '{price_id}' in {api_prices_csv}")
    return row.iloc[0]


def guide_says(claim_id: str) -> str:
    """The guide's figure for a claim as lib formats it (for prose; the checks never read it)."""
    return guide.guide_text(claims.set_index("claim_id", drop=False).loc[claim_id])


def tokens(rule_id: str, width: float, height: float) -> float:
    return float(mm.image_tokens(rule_by_id[rule_id], width, height))


# %% tags=["remove-input"]
snapshot_banner(all_prices, api_prices_csv)
snapshot_banner(rules, image_token_rules_csv, what="image token rules")

# %% [markdown]
# ## Four request shapes
#
# The guide prices a text question, an image question, a video question and a minute of audio at
# illustrative rates of {glue:text}`mmod_in_rate` in and {glue:text}`mmod_out_rate` out per
# million tokens. Text alone is output-heavy: input is {glue:text}`mmod_text_share` of the bill.
# Add an image and input becomes {glue:text}`mmod_vision_share`; a video clip,
# {glue:text}`mmod_video_share`. The audio path, transcription then a text call, costs
# {glue:text}`mmod_audio` a minute.

# %%
shape_rows = []
for name, (text_in, media, out) in request_shapes.items():
    split = mm.multimodal_request_cost_usd(text_input_tokens=text_in, media_tokens=media, output_tokens=out,
                                           input_usd_per_mtok=example_input_usd_per_mtok,
                                           output_usd_per_mtok=example_output_usd_per_mtok)
    shape_rows.append({"request": name, "text in": text_in, "media in": media, "output": out,
                       "input USD": float(split["input_usd"]), "output USD": float(split["output_usd"]),
                       "total": float(split["total_usd"]), "input share": float(split["input_share"])})
shapes_table = pd.DataFrame(shape_rows).set_index("request")

# %% tags=["remove-input"]
in_rate, out_rate = example_input_usd_per_mtok / 1e6, example_output_usd_per_mtok / 1e6
text, vision, video = (shapes_table.loc[k] for k in request_shapes)
vision_no_image = vision["text in"] * in_rate + vision["output"] * out_rate
audio = whisper_usd_per_minute + llm_on_transcript_usd


def image_multiplier(media_tokens: object) -> np.ndarray:
    """The section's vision query (its text prompt and answer) with these image tokens, over the same without."""
    return mm.media_cost_multiplier(media_tokens=media_tokens, text_input_tokens=vision["text in"],
                                    output_tokens=vision["output"], input_usd_per_mtok=example_input_usd_per_mtok,
                                    output_usd_per_mtok=example_output_usd_per_mtok)


# Independent truth for the image figures: the providers' documented rules at 1024×1024, high
# detail (the section's "~1000 tokens" is its round figure for them), as a range over the rules.
side = 1024
hd_tokens = np.array([tokens(r, side, side) for r in high_detail_rule_ids])
hd_lo, hd_hi = float(hd_tokens.min()), float(hd_tokens.max())
hd_cost = lambda t: float(t * in_rate + vision["text in"] * in_rate + vision["output"] * out_rate)  # noqa: E731
# "Image tokens are a 5–50× multiplier on per-request cost": every documented rule at every
# tabulated size, on the section's vision query; the range's ends are the least and the most.
all_multipliers = np.array([image_multiplier(tokens(r, w, h)) for r in documented_rule_ids for w, h in image_sizes])
ours.update(
    mmod_text_input=text["text in"] * in_rate, mmod_text_output=text["output USD"], mmod_text_total=text["total"],
    mmod_vision_image=guide.Check(arithmetic=vision["media in"] * in_rate, truth=hd_lo * in_rate,
                                  truth_high=hd_hi * in_rate),
    mmod_vision_text=vision["text in"] * in_rate, mmod_vision_output=vision["output USD"],
    mmod_vision_total=guide.Check(arithmetic=vision["total"], truth=hd_cost(hd_lo), truth_high=hd_cost(hd_hi)),
    mmod_image_doubles=guide.Check(arithmetic=vision["total"] / vision_no_image,
                                   truth=float(image_multiplier(hd_lo)), truth_high=float(image_multiplier(hd_hi))),
    # The takeaway's 3–10× on the tokens it states beside it (700–1500), then the section's own query.
    mmod_image_3_10x=guide.Check(arithmetic=float(image_multiplier(takeaway_image_tokens[0])),
                                 arithmetic_high=float(image_multiplier(takeaway_image_tokens[1])),
                                 truth=vision["total"] / vision_no_image),
    mmod_image_5_50x=guide.Check(truth=float(all_multipliers.min()), truth_high=float(all_multipliers.max())),
    mmod_video_input=video["media in"] * in_rate, mmod_video_output=video["output USD"], mmod_video_total=video["total"],
    mmod_audio_total=audio,
)
figures.record("mmod_multiplier_low", float(all_multipliers.min()), "ratio")
figures.record("mmod_multiplier_high", float(all_multipliers.max()), "ratio")
figures.record("mmod_takeaway_low", float(image_multiplier(takeaway_image_tokens[0])), "ratio")
figures.record("mmod_takeaway_high", float(image_multiplier(takeaway_image_tokens[1])), "ratio")
figures.record("mmod_in_rate", example_input_usd_per_mtok, "usd_per_mtok")
figures.record("mmod_out_rate", example_output_usd_per_mtok, "usd_per_mtok")
figures.record("mmod_text_share", text["input share"], "fraction")
figures.record("mmod_vision_share", vision["input share"], "fraction")
figures.record("mmod_video_share", video["input share"], "fraction")
figures.record("mmod_audio", audio, "usd")
show_table(shapes_table.reset_index(), {"text in": "tokens", "media in": "tokens", "output": "tokens", "input USD": "usd",
                                        "output USD": "usd", "total": "usd_per_request", "input share": "fraction"})

# %% tags=["hide-input"]
stack = shapes_table.reset_index().melt(id_vars="request", value_vars=["input USD", "output USD"],
                                        var_name="part", value_name="usd")
stack["part"] = stack["part"].str.replace(" USD", "", regex=False)
alt.Chart(stack).mark_bar().encode(
    x=alt.X("usd:Q", title="Cost per request (USD)", axis=alt.Axis(format="$.4f")),
    y=alt.Y("request:N", title=None, sort=list(request_shapes)),
    color=alt.Color("part:N", title="Billed as"),
    tooltip=[alt.Tooltip("request:N"), alt.Tooltip("part:N"), alt.Tooltip("usd:Q", title="USD", format=".5f")],
).properties(width=480, height=alt.Step(30),
             title=alt.Title("Where a request's cost goes",
                             subtitle=f"Guide's shapes at ${example_input_usd_per_mtok:g} / ${example_output_usd_per_mtok:g} per million tokens"))

# %% [markdown]
# Against the same question without the image, the image query costs
# {glue:text}`mmod_image_multiple` as much. That matches the guide's "roughly doubles" in this
# section but not its summary elsewhere, which says an image makes a query
# {glue:text}`mmod_guide_multiple` dearer: on the section's question, the summary's own
# {glue:text}`mmod_guide_1024` image tokens make it {glue:text}`mmod_takeaway_low` to {glue:text}`mmod_takeaway_high`
# as dear, and reaching its figure would need an answer far shorter than the section's. The
# guide's opening goes further still, calling image tokens a {glue:text}`mmod_guide_5_50x`
# multiplier on a request's cost; across every documented rule in `data/image_token_rules.csv` and
# every image size tabulated below, one image multiplies the section's question by
# {glue:text}`mmod_multiplier_low` to {glue:text}`mmod_multiplier_high`.

# %% tags=["hide-input"]
figures.record("mmod_image_multiple", vision["total"] / vision_no_image, "ratio")
# The guide's figures as lib formats them (the registry's own copy; the chapter never reads it itself).
figures.glue_text("mmod_guide_multiple", guide_says("mmod_image_3_10x"))
figures.glue_text("mmod_guide_5_50x", guide_says("mmod_image_5_50x"))
figures.glue_text("mmod_guide_1024", guide_says("mmod_1024_tokens"))

# %% [markdown]
# ## Tokens per image
#
# Anthropic counts pixels: an image costs its area divided by {glue:text}`mmod_anthropic_ppt`
# pixels per token, after it is scaled down to a long edge of at most
# {glue:text}`mmod_anthropic_edge` pixels and about {glue:text}`mmod_anthropic_cap` tokens.
# OpenAI counts tiles: at high detail an image is fitted into a {glue:text}`mmod_openai_box`-pixel
# square, shrunk until its short side is at most {glue:text}`mmod_openai_short` pixels, and
# charged {glue:text}`mmod_openai_base` tokens plus {glue:text}`mmod_openai_tile` per
# {glue:text}`mmod_openai_tile_px`-pixel tile; at low detail every image is
# {glue:text}`mmod_openai_low` tokens. Neither rule is in the guide: it says only that OpenAI
# adds "tile-based input tokens", and for Anthropic it states a rule its own example does not
# follow (below). The constants come from the providers' documentation.
#
# A {glue:text}`mmod_side`-pixel square costs {glue:text}`mmod_1024_anthropic_tokens` tokens on
# Anthropic's rule and {glue:text}`mmod_1024_openai_tokens` on OpenAI's. Both lie inside the
# guide's bracket for that size, but as a range the bracket's ends are not where the two rules
# land, so the range is checked end by end against theirs (below).

# %% tags=["hide-input"]
a, o, lo = rule_by_id["anthropic-docs"], rule_by_id["openai-high-detail"], rule_by_id["openai-low-detail"]
figures.record("mmod_anthropic_ppt", a["pixels_per_token"], "count")
figures.record("mmod_anthropic_edge", a["max_long_edge_px"], "count")
figures.record("mmod_anthropic_cap", a["max_tokens_per_image"], "tokens")
figures.record("mmod_openai_box", o["fit_box_px"], "count")
figures.record("mmod_openai_short", o["short_side_px"], "count")
figures.record("mmod_openai_base", o["base_tokens"], "tokens")
figures.record("mmod_openai_tile", o["tokens_per_tile"], "tokens")
figures.record("mmod_openai_tile_px", o["tile_px"], "count")
figures.record("mmod_openai_low", lo["base_tokens"], "tokens")

# %%
tokens_1024 = {r: round(tokens(r, side, side)) for r in high_detail_rule_ids}  # billed tokens are whole
# The guide's 700–1500 is one range over providers: its ends against the fewest and most tokens.
ours["mmod_1024_tokens"] = guide.Check(truth=float(min(tokens_1024.values())), truth_high=float(max(tokens_1024.values())))

# %% tags=["remove-input"]
figures.record("mmod_side", side, "count")
figures.record("mmod_1024_anthropic_tokens", tokens_1024["anthropic-docs"], "tokens")
figures.record("mmod_1024_openai_tokens", tokens_1024["openai-high-detail"], "tokens")
size_rows = []
for w, h in image_sizes:
    row = {"image (px)": f"{w} × {h}"}
    for rule_id in rules["rule_id"]:
        row[f"{rule_id} (tokens)"] = round(tokens(rule_id, w, h))
    for provider, pid in rule_price_ids.items():
        rid = book_rules[book_rules["provider"] == provider]["rule_id"].iloc[0]
        row[f"{provider} cost ({price(pid)['model']})"] = row[f"{rid} (tokens)"] * price(pid)["input_usd_per_mtok"] / 1e6
    size_rows.append(row)
cost_cols = [c for c in size_rows[0] if " cost (" in c]
show_table(pd.DataFrame(size_rows), {**{f"{r} (tokens)": "tokens" for r in rules["rule_id"]},
                                     **{c: "usd" for c in cost_cols}})

# %% tags=["hide-input"]
sides = np.unique(np.round(np.geomspace(64, 4096, 120)).astype(int))
curve = pd.concat([pd.DataFrame({"side_px": sides, "rule": rid,
                                 "tokens": mm.image_tokens(rule_by_id[rid], sides, sides)})
                   for rid in ("anthropic-docs", "openai-high-detail", "openai-low-detail")])
alt.Chart(curve).mark_line().encode(
    x=alt.X("side_px:Q", scale=alt.Scale(type="log"), title="Side of a square image (pixels, log scale)"),
    y=alt.Y("tokens:Q", title="Prompt tokens per image (tokens)"),
    color=alt.Color("rule:N", title="Rule", legend=alt.Legend(orient="bottom")),
    tooltip=[alt.Tooltip("rule:N"), alt.Tooltip("side_px:Q", title="side (px)"),
             alt.Tooltip("tokens:Q", title="tokens", format=",.0f")],
).properties(width=520, height=280,
             title=alt.Title("Tokens per square image", subtitle="Providers' documented rules, data/image_token_rules.csv"))

# %% [markdown]
# **Where the guide's own rule is ambiguous.** Its Anthropic entry says images cost
# {glue:text}`mmod_guide_tpp` input tokens per image pixel and that a
# {glue:text}`mmod_max_side`-pixel square is about {glue:text}`mmod_guide_1568` prompt tokens, with
# smaller images scaling down "linearly". Read literally, that rate makes the square {glue:text}`mmod_literal_tokens` tokens, more than any context window; the example
# instead matches the documented rule, under which the square is scaled to the token cap and
# costs {glue:text}`mmod_docs_1568`. "Linearly" could mean with the side or with the area; under
# the documented rule it is the area. The book uses the documented rule and keeps the guide's
# literal reading as a row of the rules file marked not used.

# %% tags=["hide-input"]
max_side = int(rule_by_id["anthropic-docs"]["max_long_edge_px"])
docs_1568 = round(tokens("anthropic-docs", max_side, max_side))  # billed tokens are whole
literal_1568 = tokens("anthropic-guide-literal", max_side, max_side)
# Its own arithmetic is the rule it states in the same sentence; the independent check is Anthropic's documented rule.
ours["mmod_claude_1568"] = guide.Check(arithmetic=literal_1568, truth=float(docs_1568))
figures.record("mmod_max_side", max_side, "count")
figures.record("mmod_guide_tpp", 1 / rule_by_id["anthropic-guide-literal"]["pixels_per_token"], "count")
figures.glue_text("mmod_guide_1568", guide_says("mmod_claude_1568"))
figures.record("mmod_literal_tokens", literal_1568, "tokens")
figures.record("mmod_docs_1568", docs_1568, "tokens")

# %% [markdown]
# **Try it here.** Set the image size, the number of images and the text around them; the bars
# recompute each provider's request in the page, with the token rules above and
# {glue:text}`mmod_whatif_models` prices.

# %% tags=["hide-input"]
rule_rows = []
for provider, pid in rule_price_ids.items():
    r = book_rules[book_rules["provider"] == provider].iloc[0]
    p = price(pid)
    rule_rows.append({"provider": f"{provider} ({p['model']})", "rule": r["rule"],
                      "ppt": r["pixels_per_token"], "edge": r["max_long_edge_px"], "cap": r["max_tokens_per_image"],
                      "box": r["fit_box_px"], "short": r["short_side_px"], "tile": r["tile_px"],
                      "base": r["base_tokens"], "per_tile": r["tokens_per_tile"],
                      "in_rate": p["input_usd_per_mtok"], "out_rate": p["output_usd_per_mtok"]})
figures.glue_text("mmod_whatif_models", " and ".join(f"{row['provider'].split(' (')[1][:-1]}" for row in rule_rows))
rule_frame = pd.DataFrame(rule_rows).astype(object).where(lambda f: f.notna(), 0)
w_param = alt.param(name="img_w", value=1024, bind=alt.binding_range(min=64, max=4096, step=16, name="image width (px) "))
h_param = alt.param(name="img_h", value=1024, bind=alt.binding_range(min=64, max=4096, step=16, name="image height (px) "))
n_param = alt.param(name="n_images", value=1, bind=alt.binding_range(min=0, max=20, step=1, name="images per request "))
t_param = alt.param(name="text_in", value=30, bind=alt.binding_range(min=0, max=5_000, step=10, name="text input tokens "))
o_param = alt.param(name="out_tok", value=200, bind=alt.binding_range(min=0, max=4_000, step=10, name="output tokens "))
alt.Chart(rule_frame).transform_calculate(
    # per pixel: scale to the long-edge and token caps, then area / pixels per token
    sc="min(1, datum.edge / max(img_w, img_h), sqrt(datum.cap * datum.ppt / (img_w * img_h)))",
    # tiles: fit the box, shrink the short side, count tiles on whole pixels
    s1="min(1, datum.box / max(img_w, img_h))",
).transform_calculate(
    w1="img_w * datum.s1", h1="img_h * datum.s1",
).transform_calculate(
    s2="min(1, datum.short / min(datum.w1, datum.h1))",
).transform_calculate(
    tiles="ceil(max(1, floor(datum.w1 * datum.s2 + 1e-9)) / datum.tile)"
          " * ceil(max(1, floor(datum.h1 * datum.s2 + 1e-9)) / datum.tile)",
).transform_calculate(
    image_tokens="datum.rule == 'per_pixel' ? img_w * img_h * datum.sc * datum.sc / datum.ppt"
                 " : datum.base + datum.per_tile * datum.tiles",
).transform_calculate(
    input="(n_images * datum.image_tokens + text_in) * datum.in_rate / 1000000",
    output="out_tok * datum.out_rate / 1000000",
).transform_fold(["input", "output"], as_=["part", "usd"]).mark_bar().encode(
    x=alt.X("usd:Q", title="Cost per request (USD)", stack="zero", axis=alt.Axis(format="$.3f")),
    y=alt.Y("provider:N", title=None),
    color=alt.Color("part:N", title="Billed as", legend=alt.Legend(orient="bottom")),
    tooltip=[alt.Tooltip("provider:N"), alt.Tooltip("part:N"), alt.Tooltip("usd:Q", title="USD", format=".5f"),
             alt.Tooltip("image_tokens:Q", title="tokens per image", format=",.0f")],
).add_params(w_param, h_param, n_param, t_param, o_param).properties(
    width=480, height=alt.Step(34),
    title=alt.Title("An image request by provider", subtitle="Documented image rules; list prices"),
)

# %% [markdown]
# In Jupyter, `lib.costs.multimodal` does the same for any rule and price:

# %% tags=["hide-input"]
def image_request(rule_id: str, width: int, height: int, images: int, text_tokens: int, output_tokens: int,
                  input_usd_per_mtok: float, output_usd_per_mtok: float) -> None:
    per_image = float(mm.image_tokens(rule_by_id[rule_id], width, height))
    split = mm.multimodal_request_cost_usd(text_input_tokens=text_tokens, media_tokens=images * per_image,
                                           output_tokens=output_tokens, input_usd_per_mtok=input_usd_per_mtok,
                                           output_usd_per_mtok=output_usd_per_mtok)
    show_table(pd.DataFrame([{"tokens per image": round(per_image), "total": float(split["total_usd"]),
                              "input share": float(split["input_share"])}]),
               {"tokens per image": "tokens", "total": "usd_per_request", "input share": "fraction"})


# Widgets need a live kernel; the static book offers the in-page chart control instead.
if not for_html_book:
    display(widgets.interactive(
        image_request, rule_id=widgets.Dropdown(options=list(rules["rule_id"])),
        width=widgets.IntSlider(value=1024, min=16, max=8000, step=16),
        height=widgets.IntSlider(value=1024, min=16, max=8000, step=16),
        images=widgets.IntSlider(value=1, min=0, max=50), text_tokens=widgets.IntSlider(value=30, min=0, max=10_000),
        output_tokens=widgets.IntSlider(value=200, min=0, max=5_000),
        input_usd_per_mtok=widgets.FloatSlider(value=2.5, min=0.01, max=20, step=0.01),
        output_usd_per_mtok=widgets.FloatSlider(value=10, min=0.01, max=80, step=0.01),
    ))

# %% [markdown]
# ## A visual-search product
#
# The guide's visual-search example sends one image of {glue:text}`mmod_vs_image` tokens with a
# {glue:text}`mmod_vs_text`-token prompt and gets a {glue:text}`mmod_vs_out`-token answer from
# "GPT-4o vision", which it prices at {glue:text}`mmod_vs_in_rate` / {glue:text}`mmod_vs_out_rate`
# per million: {glue:text}`mmod_vs_query` a query, {glue:text}`mmod_vs_month` a month at
# {glue:text}`mmod_vs_queries` queries. Its own GPT-4o price list gives vision the text price,
# under which the query costs {glue:text}`mmod_vs_book_query` and the month
# {glue:text}`mmod_vs_book_month`. Under OpenAI's tile rule a {glue:text}`mmod_side`-pixel image is
# {glue:text}`mmod_1024_openai_tokens` tokens rather than the example's round figure.

# %%
text_in, media, out = request_shapes["one image"]
vs_price = all_prices[all_prices["price_id"] == visual_search_price_id]
book_gpt4o = all_prices[all_prices["price_id"] == rule_price_ids["OpenAI"]]
vs_query = float(api.request_cost_usd(vs_price, input_tokens=text_in + media, output_tokens=out)[0])
vs_book = float(api.request_cost_usd(book_gpt4o, input_tokens=text_in + media, output_tokens=out)[0])

# %% tags=["remove-input"]
# The guide's sum on its "GPT-4o vision" prices, then at its own GPT-4o list price, which has no vision rate.
ours.update(mmod_visual_search_query=guide.Check(arithmetic=vs_query, truth=vs_book),
            mmod_visual_search_month=guide.Check(arithmetic=vs_query * visual_search_queries_per_month,
                                                 truth=vs_book * visual_search_queries_per_month))
figures.record("mmod_vs_image", media, "tokens")
figures.record("mmod_vs_text", text_in, "tokens")
figures.record("mmod_vs_out", out, "tokens")
figures.record("mmod_vs_in_rate", vs_price["input_usd_per_mtok"].iloc[0], "usd_per_mtok")
figures.record("mmod_vs_out_rate", vs_price["output_usd_per_mtok"].iloc[0], "usd_per_mtok")
figures.record("mmod_vs_query", vs_query, "usd_per_request")
figures.record("mmod_vs_queries", visual_search_queries_per_month, "count")
figures.record("mmod_vs_month", vs_query * visual_search_queries_per_month, "usd_per_month")
figures.record("mmod_vs_book_query", vs_book, "usd_per_request")
figures.record("mmod_vs_book_month", vs_book * visual_search_queries_per_month, "usd_per_month")

# %% [markdown]
# ## Priced per unit, not per token
#
# Some of what the guide prices is not billed by the token: a generated image, a second of
# generated video, a character read aloud, a minute transcribed, a rerank search, and embeddings
# by the million tokens. The guide lists {glue:text}`mmod_u_guide_count` such prices. They are in
# `data/unit_prices.csv` as stated (a price for a quantity of a unit), beside the same items in
# LiteLLM's price database ({glue:text}`mmod_u_outside_list`) where it has them, and
# `lib.prices.unit_billing` prices any usage table against either list. Of the
# {glue:text}`mmod_u_compared` items both lists price, {glue:text}`mmod_u_same` cost the same and
# {glue:text}`mmod_u_differ_text`. The outside list has no price for
# {glue:text}`mmod_u_unchecked`, so those of the guide's prices are shown but not checked.

# %% tags=["hide-input"]
from lib.prices import unit_billing
from lib.prices.billing import Usage

unit_prices = tables.load_unit_prices(unit_prices_csv)
billing_rules = tables.load_billing_rules(billing_rules_csv)
snapshot_banner(unit_prices, unit_prices_csv, what="unit prices")
# Each unit is shown for the quantity its prices are quoted in (a minute is 60 seconds).
shown_quantity = {"image_generated": 1, "image_input": 1, "audio_second": 60, "video_second": 1,
                  "character": 1_000_000, "embedding_token": 1_000_000, "rerank_search": 1_000}
# Where the outside list prices an item in another unit: DALL-E 3 at Azure, per pixel of a 1024×1024 image.
outside_as = {"guide-openai-dall-e-3": ("image_pixel", "standard 1024x1024", 1024 * 1024)}
both = unit_billing.side_by_side(unit_prices, outside_unit_price_list, shown_quantity, outside_as=outside_as)
unit_table = pd.DataFrame({
    "provider": both["provider"], "model": both["model"], "variant": both["variant"],
    "priced per": [f"{q:,.0f} {u}" for q, u in zip(both["quantity"], both["unit"])],
    "guide (USD)": both["usd"], f"{outside_unit_price_list} (USD)": both["outside_usd"],
    "guide section": both["source"], "outside ÷ guide": both["outside_over"],
})
show_table(unit_table, {"guide (USD)": "usd", f"{outside_unit_price_list} (USD)": "usd", "outside ÷ guide": "ratio"})
compared = unit_table.dropna(subset=["outside ÷ guide"])
same = compared[(compared["outside ÷ guide"] - 1).abs() < 1e-9]
differ = compared.drop(same.index)
figures.record("mmod_u_guide_count", len(both), "count")
figures.record("mmod_u_compared", len(compared), "count")
figures.record("mmod_u_same", len(same), "count")
figures.glue_text("mmod_u_outside_list", outside_unit_price_list)
figures.glue_text("mmod_u_differ_text", ("the others differ: " + ", ".join(
    f"{r['model']} at {figures.fmt_ratio(r['outside ÷ guide'])}" for _, r in differ.iterrows())
    + " the guide's price") if len(differ) else "none differs")
unchecked = unit_table[unit_table["outside ÷ guide"].isna()]["model"].tolist()
figures.glue_text("mmod_u_unchecked", ", ".join(unchecked[:-1]) + f" or {unchecked[-1]}" if len(unchecked) > 1
                  else (unchecked[0] if unchecked else "none of them"))
by_id = dict(zip(both["unit_price_id"], range(len(both))))


def outside(price_id: str) -> float:
    return float(unit_table.loc[by_id[price_id], f"{outside_unit_price_list} (USD)"])


def stated(price_id: str) -> float:
    return float(unit_table.loc[by_id[price_id], "guide (USD)"])


ours.update(
    mmod_u_tts1=outside("guide-openai-tts-1"), mmod_u_tts1_hd=outside("guide-openai-tts-1-hd"),
    mmod_u_veo3=outside("guide-google-veo-3"), mmod_u_codestral_embed=outside("guide-mistral-codestral-embed"),
    mmod_u_cohere_embed=outside("guide-cohere-embed-v3"), mmod_u_rerank=outside("guide-cohere-rerank-v3"),
    mmod_u_whisper=outside("guide-openai-whisper"), mmod_u_faq_dalle3=outside("guide-openai-dall-e-3"),
    mmod_u_faq_embed_3_small=outside("guide-openai-text-embedding-3-small"),
    # The FAQ repeats three of the tear-down table's prices: checked against the table's rows.
    mmod_u_faq_tts1=stated("guide-openai-tts-1"), mmod_u_faq_tts1_hd=stated("guide-openai-tts-1-hd"),
    mmod_u_faq_cohere_embed=stated("guide-cohere-embed-v3"),
)

# %% [markdown]
# **A minute of audio as one bill.** The guide's audio path transcribes a minute with Whisper and
# sends the transcript to a text model, for about {glue:text}`mmod_u_guide_total` a minute. Billed as
# one request, the minute of audio is a unit line at the data's Whisper price and the text call is
# priced by the token engine, read as the section's average text request
# ({glue:text}`mmod_u_call_in` tokens in, {glue:text}`mmod_u_call_out` out at the same illustrative
# rates): {glue:text}`mmod_u_call` for the call and {glue:text}`mmod_u_total` for the minute. Images,
# video, speech and rerank searches go on a bill the same way: `unit_billing.bill_with_units`.

# %% tags=["hide-input"]
whisper = both[both["unit"] == "audio_second"].iloc[0]
call_in, _, call_out = request_shapes["text only"]
illustrative = {"provider": "OpenAI", "model": "illustrative text model", "input_usd_per_mtok": example_input_usd_per_mtok,
                "output_usd_per_mtok": example_output_usd_per_mtok}
minute = unit_billing.bill_with_units([unit_billing.UnitUse(whisper["model"], "audio_second", 60)], unit_prices,
                                      usage=Usage(input=call_in, output=call_out), price_row=illustrative,
                                      rules=billing_rules)
call_usd = float(sum(ln.usd for ln in minute.lines if not ln.item.startswith("audio_second")))
ours.update(mmod_u_audio_llm_call=call_usd, mmod_u_audio_engine=float(minute.total))
figures.glue_text("mmod_u_guide_total", guide_says("mmod_u_audio_engine"))
figures.record("mmod_u_call_in", call_in, "tokens")
figures.record("mmod_u_call_out", call_out, "tokens")
figures.record("mmod_u_call", call_usd, "usd")
figures.record("mmod_u_total", float(minute.total), "usd")
show_table(minute.as_frame().rename(columns={"rate_usd": "rate (USD)", "per_units": "per", "usd": "USD"}),
           {"rate (USD)": "usd", "USD": "usd", "quantity": "count", "per": "count"})

# %% [markdown]
# ## The guide's figures beside ours
#
# {glue:text}`mmod_verdicts` Each figure is checked on the guide's own sum where it gives one and,
# where the data has it, against something the claim does not assert: the providers' documented
# image rules, an outside price list, or the guide's own figures in another section. The image
# multipliers are where the guide is furthest off: the takeaway's {glue:text}`mmod_guide_multiple` fails on
# the token counts it states beside it, and the opening's {glue:text}`mmod_guide_5_50x` against every
# documented rule at every size. The
# Claude example is right by Anthropic's rule and wrong by the rule its own sentence states; the
# visual-search figures hold on their own prices and not at the guide's GPT-4o list price. The
# bracket for a {glue:text}`mmod_side`-pixel square holds both providers but not at its ends. The guide's per-minute figures for
# native voice, and its statement that multimodal models cost several times a text-only
# equivalent, name no token counts or model, so they are registered but not checked.

# %%
# Registered, not checked: the data holds no native-voice price, and no pair of a multimodal and a
# text-only model the guide's "5–10×" would be about.
ours["mmod_voice_native"] = guide.Check(arithmetic=float("nan"), missing="the data has no native-voice per-minute price")
ours["mmod_multimodal_5_10x"] = guide.Check(arithmetic=float("nan"), missing="the guide names no model pair, and the data has none")
comparison = guide.comparison_table(claims, ours)

# %% tags=["remove-input"]
publish.verdicts("mmod_verdicts", comparison)

# %% tags=["remove-input"]
figures.glue_text("mmod_answer", (
    f"Media moves the bill to the input side: at the guide's illustrative prices a text question is "
    f"{figures.fmt_pct(text['input share'])} input, the same with an image {figures.fmt_pct(vision['input share'])} "
    f"and with a video clip {figures.fmt_pct(video['input share'])}. A {side}×{side} image costs "
    f"{tokens_1024['anthropic-docs']:,} prompt tokens on Anthropic's per-pixel rule and "
    f"{tokens_1024['openai-high-detail']:,.0f} on OpenAI's tiles, inside the guide's bracket; one image multiplies "
    f"the guide's own question by {figures.fmt_ratio(float(all_multipliers.min()))} to "
    f"{figures.fmt_ratio(float(all_multipliers.max()))}, not the {guide_says('mmod_image_5_50x')} of its opening "
    f"(nor the {guide_says('mmod_image_3_10x')} of its takeaways), and the guide's Anthropic rule as written contradicts its own example."
))
