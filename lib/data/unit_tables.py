"""The schema of ``data/unit_prices.csv``: prices per image, second, minute, character or search.

Not every price is per token. The guide lists image generation per image, video per second,
speech per character, transcription per minute, rerank per thousand searches and embeddings per
million tokens. Each row keeps the price as its source states it (``price_usd`` for
``per_quantity`` units of ``unit``), so "$2.00 / 1k searches" is 2.00 per 1,000 and LiteLLM's
``input_cost_per_query`` 0.002 is 0.002 per 1; ``lib.prices.unit_billing`` divides the two.

Kept apart from ``lib.data.tables`` (which registers it) so that module does not grow.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lib.data.validation import Column, Problem, TableSpec

# What is counted. A price list's units vary (per minute, per second), so durations are counted
# in seconds and a per-minute price is "per 60 audio_second".
UNIT_DESCRIPTIONS: dict[str, str] = {
    "image_generated": "an image the model generates",
    "image_pixel": "a pixel of a generated image (Azure prices DALL-E 3 per pixel)",
    "image_input": "an image sent to the model, priced per image rather than per token",
    "audio_second": "a second of audio transcribed (speech to text)",
    "video_second": "a second of video the model generates",
    "character": "a character of text turned into speech (text to speech)",
    "rerank_search": "one rerank search (a query against its candidate documents)",
    "embedding_token": "a token embedded",
}
# Web-search fees are not here: they are per call of a chat model, in billing_rules.csv
# (``web_search_usd_per_k``), billed by lib.prices.billing from ``Usage.web_searches``.
UNITS: tuple[str, ...] = tuple(UNIT_DESCRIPTIONS)

# The most one unit can plausibly cost (USD). A price whose per_quantity was dropped ("$2.00 per
# 1,000 searches" typed as 2.00 per 1) lands far above these, and is refused with that reason.
MAX_USD_PER_UNIT: dict[str, float] = {
    "image_generated": 5.0, "image_pixel": 1e-5, "image_input": 1.0, "audio_second": 0.1,
    "video_second": 10.0, "character": 1e-3, "rerank_search": 0.1, "embedding_token": 1e-5,
}
assert set(MAX_USD_PER_UNIT) == set(UNITS)

_PROVENANCE = (Column("source"), Column("as_of", kind="month"))


def _plausible_per_unit(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = []
    for _, r in frame.iterrows():
        if pd.isna(r["price_usd"]) or pd.isna(r["per_quantity"]) or r["unit"] not in MAX_USD_PER_UNIT:
            continue  # already reported cell by cell
        each = float(r["price_usd"]) / float(r["per_quantity"])
        cap = MAX_USD_PER_UNIT[r["unit"]]
        if each > cap:
            problems.append(Problem(label, f"{r['price_usd']} USD per {r['per_quantity']} {r['unit']} is "
                                           f"{each:g} USD per {r['unit']}, above the most one can cost ({cap:g}): "
                                           "is per_quantity missing (a price per 1,000 or per million)?",
                                    int(r["_row"]), "per_quantity"))
    return problems


def _one_price_per_item(frame: pd.DataFrame, label: str) -> list[Problem]:
    """One price per (price list, provider, model, unit, variant): two would leave a bill to chance."""
    cols = ["price_list", "provider", "model", "unit", "variant"]
    keyed = frame[cols].astype(object).where(frame[cols].notna(), "")
    dup = keyed.duplicated(keep="first")
    problems = []
    for idx in frame.index[dup]:
        first = frame.index[(keyed == keyed.loc[idx]).all(axis=1)][0]
        shown = ", ".join(f"{c}={keyed.loc[idx, c]}" for c in cols)
        problems.append(Problem(label, f"a second price for {shown} (first in row {int(frame.loc[first, '_row'])})",
                                int(frame.loc[idx, "_row"]), "variant"))
    return problems


UNIT_PRICES = TableSpec(
    name="unit prices",
    columns=(
        Column("unit_price_id"), Column("price_list"), Column("provider"), Column("model"),
        Column("variant", nullable=True), Column("unit", choices=UNITS),
        Column("price_usd", kind="float", min=0.0, max=10_000.0, unit_hint="USD"),
        Column("per_quantity", kind="int", min=1, max=1_000_000_000),
        Column("feed_key", nullable=True), *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("unit_price_id",),
    checks=(_plausible_per_unit, _one_price_per_item),
)


def load_unit_prices(path: str | Path = "data/unit_prices.csv") -> pd.DataFrame:
    """Every per-unit price row (the guide's and each outside price list's), validated."""
    from lib.data.tables import load  # late: lib.data.tables imports this module to register it

    return load(path, UNIT_PRICES)
