"""Where price lists disagree: hand-built sources with known disagreements and ratio breaks, the
rejected table, the norms file, and the chapter's counts reproduced from lib."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.data import tables
from lib.data.validation import DataValidationError
from lib.prices import disagreements as dis
from lib.prices import feeds
from tests.conftest import BAD_FEEDS, ROOT

BAD = ROOT / "tests" / "fixtures" / "bad_data"
NORMS = tables.load_price_ratio_norms()


def price_row(provider: str, model: str, inp, out, cached=None, w5=None, w1=None, batch=None) -> dict:
    return {"provider": provider, "model": model, "input_usd_per_mtok": inp, "output_usd_per_mtok": out,
            "cached_input_usd_per_mtok": cached, "cache_write_5m_usd_per_mtok": w5,
            "cache_write_1h_usd_per_mtok": w1, "batch_discount_frac": batch}


def long_of(rows: list[dict], source: str) -> pd.DataFrame:
    long, rejected = dis.from_price_table(pd.DataFrame(rows), source)
    assert rejected.empty, rejected
    return long


# --- the long shape --------------------------------------------------------------------------------

def test_price_table_to_long_derives_batch_prices_and_skips_unoffered_fields():
    long = long_of([price_row("A", "m", 3.0, 15.0, cached=0.3, w5=3.75, batch=0.5)], "s")
    got = dict(zip(long["field"], long["usd_per_mtok"]))
    assert got == {"input": 3.0, "output": 15.0, "cache_read": 0.3, "cache_write_5m": 3.75,
                   "batch_input": 1.5, "batch_output": 7.5}
    assert set(long["source"]) == {"s"}


@pytest.mark.parametrize("value, reason", [
    (-1, "sentinel for a price set per request"),
    ("-1", "sentinel for a price set per request"),
    (-0.5, "negative"),
    (None, "blank"),
    ("", "blank"),
    ("free", "not a number"),
    (float("inf"), "not a finite price"),
])
def test_a_bad_or_blank_input_price_is_rejected_with_its_source_never_zero(value, reason):
    long, rejected = dis.from_price_table(pd.DataFrame([price_row("OpenRouter", "auto", value, 2.0)]), "OpenRouter")
    assert list(long["field"]) == ["output"]  # no input row at all: not a zero
    assert len(rejected) == 1
    row = rejected.iloc[0]
    assert (row["source"], row["model"], row["field"]) == ("OpenRouter", "auto", "input")
    assert reason in row["reason"]


def test_a_negative_cache_price_is_rejected_and_the_rest_kept():
    long, rejected = dis.from_price_table(pd.DataFrame([price_row("A", "m", 1.0, 2.0, cached=-1)]), "feed")
    assert set(long["field"]) == {"input", "output"}
    assert rejected.iloc[0]["field"] == "cache_read"


def test_feed_issues_become_rejected_rows():
    doc, location = feeds.read_feed_json(str(BAD_FEEDS / "openrouter_hostile.json"))
    guide = tables.load_api_prices()
    result = feeds.import_feed(doc, "openrouter", location=location, source="OpenRouter", as_of="2026-11-23",
                               guide_prices=guide, feed_map=feeds.load_feed_map())
    rejected = dis.from_feed_issues(result.issues_frame(), "OpenRouter")
    mini = rejected[rejected["model"] == "GPT-5 mini"]
    assert len(mini) == 1 and "-1" in mini.iloc[0]["value"] and "set per request" in mini.iloc[0]["reason"]
    assert set(rejected["source"]) == {"OpenRouter"}
    long, bad = dis.from_price_table(dis.imported_rows(result.prices, guide), "OpenRouter")
    assert bad.empty
    gpt5 = long[(long["model"] == "GPT-5") & (long["field"] == "input")]
    assert gpt5["usd_per_mtok"].tolist() == [1.25]
    assert "GPT-5 mini" not in set(long["model"])  # the -1 entry priced nothing


# --- disagreements -----------------------------------------------------------------------------------

def three_sources() -> pd.DataFrame:
    a = long_of([price_row("P", "m1", 1.0, 4.0, cached=0.1), price_row("P", "m2", 2.0, 8.0)], "a")
    b = long_of([price_row("P", "m1", 1.005, 4.0, cached=0.5), price_row("P", "m2", 2.0, 8.0)], "b")
    c = long_of([price_row("P", "m1", 1.0, 6.0), price_row("P", "m3", 9.0, 9.0)], "c")
    return dis.combine([a, b, c], dis.LONG_COLUMNS)


def test_hand_built_disagreements():
    long = three_sources()
    spread = dis.spreads(long)
    # m1: input, output, cache_read (2 sources); m2: input, output; m3 only in c: not compared.
    assert len(spread) == 5
    found = dis.disagreements(long, 0.01)
    assert [(r.model, r.field) for r in found.itertuples()] == [("m1", "cache_read"), ("m1", "output")]
    cache = found.iloc[0]
    assert cache["ratio"] == pytest.approx(5.0)
    assert (cache["low_sources"], cache["high_sources"]) == ("a", "b")
    out = found.iloc[1]
    assert out["ratio"] == pytest.approx(1.5) and out["high_sources"] == "c" and out["low_sources"] == "a, b"
    # 0.5 % on m1 input is under 1 % and over 0.1 %.
    assert ("m1", "input") in {(r.model, r.field) for r in dis.disagreements(long, 0.001).itertuples()}
    pairs = dis.disagreeing_pairs(long, 0.01)
    assert len(pairs) == 3  # cache a-b; output a-c, b-c
    assert dis.count_disagreements(long, 0.01) == 2


def test_exactly_one_percent_is_not_beyond_one_percent():
    long = dis.combine([long_of([price_row("P", "m", 1.0, 1.0)], "a"),
                        long_of([price_row("P", "m", 1.01, 1.0)], "b")], dis.LONG_COLUMNS)
    assert dis.count_disagreements(long, 0.01) == 0
    assert dis.count_disagreements(long, 0.009) == 1


def test_free_against_priced_is_an_infinite_disagreement_and_free_against_free_agrees():
    long = pd.DataFrame({"source": ["a", "b", "a", "b"], "provider": "P", "model": "m",
                         "field": ["cache_write_5m", "cache_write_5m", "output", "output"],
                         "usd_per_mtok": [0.0, 0.27, 0.0, 0.0]})
    found = dis.disagreements(long, 0.01)
    assert len(found) == 1 and math.isinf(found.iloc[0]["ratio"])


def test_a_negative_threshold_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        dis.disagreements(three_sources(), -0.1)


prices_st = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["m1", "m2"]),
                          st.sampled_from(dis.FIELDS), prices_st), min_size=1, max_size=30),
       st.floats(min_value=0, max_value=5), st.floats(min_value=0, max_value=5))
def test_raising_the_threshold_never_adds_a_disagreement(entries, t1, t2):
    long = pd.DataFrame([{"source": s, "provider": "P", "model": m, "field": f, "usd_per_mtok": p}
                         for s, m, f, p in entries]).drop_duplicates(["source", "provider", "model", "field"])
    low, high = sorted((t1, t2))
    loose, strict = dis.disagreements(long, low), dis.disagreements(long, high)
    assert len(strict) <= len(loose)
    assert set(zip(strict["model"], strict["field"])) <= set(zip(loose["model"], loose["field"]))
    assert len(dis.disagreeing_pairs(long, high)) <= len(dis.disagreeing_pairs(long, low))
    # A cell disagrees exactly when some pair of its sources does.
    assert set(zip(loose["model"], loose["field"])) == set(
        zip(dis.disagreeing_pairs(long, low)["model"], dis.disagreeing_pairs(long, low)["field"]))


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.01, max_value=100), st.floats(min_value=0.01, max_value=100))
def test_the_check_is_symmetric_in_the_sources(p, q):
    one = pd.DataFrame({"source": ["a", "b"], "provider": "P", "model": "m", "field": "input", "usd_per_mtok": [p, q]})
    two = one.assign(usd_per_mtok=[q, p])
    assert dis.count_disagreements(one, 0.01) == dis.count_disagreements(two, 0.01)


# --- ratio norms -------------------------------------------------------------------------------------

def test_hand_built_ratio_breaks():
    long = dis.combine([
        long_of([price_row("Anthropic", "ok", 3.0, 15.0, cached=0.3, w5=3.75, w1=6.0, batch=0.5)], "a"),
        long_of([price_row("Anthropic", "bad", 3.0, 15.0, cached=0.6, w5=4.5, w1=7.5, batch=0.4)], "b"),
        long_of([price_row("OpenAI", "quarter", 2.0, 8.0, cached=0.5, w5=2.0)], "c"),
        long_of([price_row("X", "near", 1.0, 1.0, cached=0.1009)], "d"),  # within 1 % of 0.1
    ], dis.LONG_COLUMNS)
    breaks = dis.ratio_breaks(long, NORMS)
    assert set(breaks["source"]) == {"b"}
    assert set(breaks["field"]) == {"cache_read", "cache_write_5m", "cache_write_1h", "batch_input", "batch_output"}
    cache = breaks[breaks["field"] == "cache_read"].iloc[0]
    assert cache["ratio"] == pytest.approx(0.2) and cache["expected_ratios"] == "0.1 or 0.25 or 0.5"


def test_norms_are_read_from_data():
    norms = dis.expected_ratios(NORMS)
    assert norms["cache_read"] == ("input", (0.1, 0.25, 0.5), 0.01)
    assert norms["cache_write_1h"][1] == (2.0,)
    assert norms["batch_output"][0] == "output"


def test_bad_norms_file_names_file_row_column_and_reason():
    with pytest.raises(DataValidationError) as err:
        tables.load_price_ratio_norms(BAD / "price_ratio_norms_bad.csv")
    problems = err.value.problems
    assert all(p.file.endswith("price_ratio_norms_bad.csv") for p in problems)
    found = {(p.row, p.column) for p in problems}
    assert (1, "expected_ratios") in found  # 'a quarter' is not a number
    assert (2, "source") in found  # no provider page cited
    assert (3, "tolerance_frac") in found  # 0.9 is above the 0.5 maximum
    assert any("is not a ';'-separated list of numbers" in p.reason for p in problems)


# --- genai-prices, offline and fixed in time ----------------------------------------------------------

def test_genai_prices_source_is_offline_and_fixed(monkeypatch):
    pytest.importorskip("genai_prices")
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("genai-prices tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    gmap = tables.load_genai_prices_map()
    long, rejected = dis.from_genai_prices(gmap, "2026-11-23")
    again, _ = dis.from_genai_prices(gmap, "2026-11-23")
    pd.testing.assert_frame_equal(long, again)
    gpt5 = long[(long["model"] == "GPT-5")].set_index("field")["usd_per_mtok"]
    assert gpt5["input"] == 1.25 and gpt5["output"] == 10.0
    assert set(long["source"]) == {"genai-prices"}
    assert (long["usd_per_mtok"] >= 0).all()
    assert dis.genai_prices_when("2026-11-23").isoformat() == "2026-11-23T12:00:00+00:00"


# --- the chapter's counts, reproduced from lib -----------------------------------------------------------

def _glued(notebook: Path) -> dict[str, str]:
    import json

    nb = json.loads(notebook.read_text())
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                text = next(v for k, v in o["data"].items() if k.endswith("text/plain"))
                out[name] = text.strip("'\"")
    return out


def test_chapter_counts_reproduced_from_lib():
    notebook = ROOT / "book" / "price_sources.ipynb"
    if not notebook.exists():
        pytest.skip("book/price_sources.ipynb not built")
    pytest.importorskip("genai_prices")
    guide_all = tables.load_api_prices()
    guide_book = guide_all[guide_all["book_uses"]]
    snapshot_csv = "data/snapshots/api_prices.litellm.2026-11-23.csv"
    snapshot = tables.load_api_prices(snapshot_csv)
    parts = [dis.from_price_table(guide_book, "guide"),
             dis.from_price_table(dis.imported_rows(snapshot, guide_all), "LiteLLM"),
             dis.from_genai_prices(tables.load_genai_prices_map(), "2026-11-23")]
    long = dis.combine([p[0] for p in parts], dis.LONG_COLUMNS)
    rejected = dis.combine([p[1] for p in parts] + [dis.from_feed_issues(
        tables.load_feed_issues(feeds.issues_path_for(snapshot_csv)), "LiteLLM")], dis.REJECTED_COLUMNS)
    glued = _glued(notebook)
    number = lambda name: int(re.sub(r"[^\d]", "", glued[name]))  # noqa: E731
    assert number("ps_n_cells") == len(dis.spreads(long))
    assert number("ps_n_disagree") == dis.count_disagreements(long, 0.01)
    assert number("ps_n_pairs") == len(dis.disagreeing_pairs(long, 0.01))
    assert number("ps_n_breaks") == len(dis.ratio_breaks(long, NORMS))
    assert number("ps_n_rejected") == len(rejected)
    assert "OpenRouter's listing is not loaded" in glued["ps_openrouter_text"]


def test_beyond_on_precomputed_spreads_equals_disagreements():
    """The what-if filters spreads computed once; it must give exactly what disagreements gives."""
    import pandas as pd

    from lib.prices import disagreements as dis
    long = pd.DataFrame({
        "source": ["guide", "LiteLLM", "genai-prices", "guide", "LiteLLM"],
        "provider": ["A", "A", "A", "B", "B"], "model": ["m", "m", "m", "n", "n"],
        "field": ["input", "input", "input", "output", "output"],
        "usd_per_mtok": [1.0, 1.5, 1.0, 2.0, 2.01],
    })
    cells = dis.spreads(long[dis.LONG_COLUMNS])
    for threshold in (0.0, 0.001, 0.01, 0.2, 0.6):
        pd.testing.assert_frame_equal(dis.beyond(cells, threshold), dis.disagreements(long, threshold))
