"""The landing page's findings and the data catalogue: computed from records and data, never typed."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.book import datafiles, findings, reliability
from lib.data import tables
from tests.conftest import ROOT


def prices(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"tier": t, "provider": p, "model": m, "input_usd_per_mtok": i, "output_usd_per_mtok": o,
                          "book_uses": True, "price_id": f"{p}-{m}"} for t, p, m, i, o in rows])


def test_the_cheapest_of_each_tier_depends_on_the_request_shape():
    frame = prices([("Cheap", "A", "in-cheap", 0.1, 4.0), ("Cheap", "B", "out-cheap", 1.0, 0.5),
                    ("Frontier", "C", "big", 5.0, 20.0), ("Cheap", "Z", "free", 0.0, 0.0),
                    (None, "D", "no tier", 0.01, 0.01)])
    input_heavy = findings.cheapest_per_tier(frame, input_tokens=100_000, output_tokens=10)
    output_heavy = findings.cheapest_per_tier(frame, input_tokens=10, output_tokens=100_000)
    assert input_heavy.set_index("tier")["model"].to_dict() == {"Cheap": "in-cheap", "Frontier": "big"}
    assert output_heavy.set_index("tier")["model"].to_dict() == {"Cheap": "out-cheap", "Frontier": "big"}
    # A free row is not a way to buy a tier, a model with no tier is in none, and they are counted.
    assert findings.untiered(frame) == 1
    assert input_heavy["request_usd"].iloc[0] == pytest.approx((0.1 * 100_000 + 4.0 * 10) / 1e6)


def test_a_tie_is_broken_by_provider_and_model():
    frame = prices([("Mid", "B", "x", 1.0, 1.0), ("Mid", "A", "y", 1.0, 1.0)])
    assert findings.cheapest_per_tier(frame, input_tokens=1, output_tokens=1)["provider"].tolist() == ["A"]


def test_no_priced_model_is_an_error():
    with pytest.raises(ValueError, match="no priced model"):
        findings.cheapest_per_tier(prices([("Cheap", "Z", "free", 0.0, 0.0)]), input_tokens=1, output_tokens=1)


def test_price_distance_counts_only_models_the_feed_priced():
    guide = prices([("Cheap", "A", "a", 1.0, 1.0), ("Cheap", "B", "b", 1.0, 1.0), ("Cheap", "C", "c", 1.0, 1.0)])
    now = prices([("Cheap", "A", "a", 0.5, 0.5), ("Cheap", "B", "b", 2.0, 2.0), ("Cheap", "C", "c", 1.0, 1.0)])
    now.loc[[0, 1], "price_id"] = ["A-a-litellm", "B-b-litellm"]  # C kept the guide's row
    d = findings.price_distance(guide, now, input_tokens=1000, output_tokens=100)
    assert (d["n_compared"], d["n_imported"], d["n_moved"], d["n_cheaper"], d["n_dearer"]) == (3, 2, 2, 1, 1)
    assert d["median_abs_change"] == pytest.approx(0.75)  # |-50%| and |+100%|
    assert "2 moved" in findings.distance_sentence(d)


def test_costliest_misses_rank_recurring_bills_by_dollars_a_month_off():
    nan = float("nan")
    table = pd.DataFrame({
        "claim_id": ["a", "b", "c", "d", "e", "f"],
        "unit": ["usd_per_day", "tokens_per_s", "usd_per_year", "usd_per_month", "usd_per_mtok", "usd_per_month"],
        "verdict": ["wrong arithmetic", "physically impossible", "contradicts another section", "agrees",
                    "wrong arithmetic", "disagrees with outside data"],
        "guide_value": [100.0, 1e6, 120_000.0, 5.0, 3.0, nan],
        "guide_low": [nan, nan, nan, nan, nan, 1_000.0], "guide_high": [nan, nan, nan, nan, nan, 2_000.0],
        "ours": [200.0, 1.0, 60_000.0, 5.0, 300.0, 5_000.0]})
    worst = findings.costliest_misses(table, 5)
    # c: 60k a year = 5,000 a month; f: 3,000 past the range's top end; a: 100 a day = 3,041.67 a month.
    assert worst["claim_id"].tolist() == ["c", "a", "f"]
    assert worst["usd_per_month_off"].tolist() == pytest.approx([5_000.0, 100 * 365 / 12, 3_000.0])
    with pytest.raises(KeyError, match="unit"):
        findings.costliest_misses(table.drop(columns="unit"), 1)


def test_the_landing_findings_follow_the_stored_records():
    """On the book's own records: the errors named are misses on money figures, furthest first."""
    claims = tables.load_guide_claims()
    figs, concl = reliability.read_records(ROOT / "book" / "figures.csv", ROOT / "book" / "conclusions.csv")
    worst = findings.costliest_misses(reliability.claim_verdicts(claims, figs, concl), 3)
    assert len(worst) == 3 and worst["unit"].isin(list(findings.USD_PER_MONTH_BY_UNIT)).all()
    assert worst["usd_per_month_off"].is_monotonic_decreasing and (worst["usd_per_month_off"] > 0).all()
    sentence = findings.error_sentence(claims, worst.iloc[0])
    assert worst.iloc[0]["quote"] in sentence and f"({worst.iloc[0]['verdict']})" in sentence
    value, unit = findings.recorded(figs, "crossover", "xo_spend_open")
    assert unit == "usd_per_year" and value > 0
    with pytest.raises(KeyError, match="no figure 'nope'"):
        findings.recorded(figs, "crossover", "nope")


def test_the_prices_named_say_whose_prices_they_are():
    assert "guide's own" in findings.prices_named("data/api_prices.csv", "data/snapshots/x.csv")
    assert "today's" in findings.prices_named("data/snapshots/x.csv", "data/snapshots/x.csv")


def test_every_page_of_the_toc_is_in_the_chapter_guide():
    pages = findings.guide_pages("analyses", "_toc.yml")
    stems = [p.rsplit(".", 1)[0] for _, p in pages]
    assert "intro" not in stems and {"glossary", "changes", "crossover", "open_data"} <= set(stems)
    assert dict((p, t) for t, p in pages)["glossary.md"] == "Glossary"


def test_the_catalogue_lists_every_data_file_with_what_it_holds(tmp_path):
    files = datafiles.catalog("data", "data/README.md")
    on_disk = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "data").rglob("*.csv"))
    assert sorted(files["file"]) == on_disk
    assert (files["holds"].str.len() > 20).all()
    row = files.set_index("file").loc["data/api_prices.csv"]
    assert row["rows"] == len(pd.read_csv(ROOT / "data" / "api_prices.csv")) and row["as_of"]
    line = datafiles.summary(files, "data", "data/README.md")
    assert line.startswith(f"Data: {len(files)} CSV files") and "as of 20" in line


def test_an_undescribed_data_file_is_named(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mystery.csv").write_text("a,source,as_of\n1,x,2026-06\n")
    (tmp_path / "README.md").write_text("# Data\n\n## other.csv\n\nSomething else.\n")
    with pytest.raises(KeyError, match=r"no section '## mystery.csv'"):
        datafiles.catalog(tmp_path / "data", tmp_path / "README.md")


def test_a_file_link_carries_the_file_byte_for_byte(tmp_path):
    import html
    from urllib.parse import unquote

    path = tmp_path / "x.csv"
    text = "model,price_usd_per_mtok\n\"a, b\",1.5\nc%d,#2\n"
    path.write_text(text)
    link = datafiles.file_link(path)
    href = link.split('href="', 1)[1].split('"', 1)[0]
    assert unquote(html.unescape(href).removeprefix("data:text/csv;charset=utf-8,")) == text
    assert 'download="x.csv"' in link


def test_a_description_is_cut_at_its_first_sentence():
    assert datafiles.first_sentence("One row per GPU (e.g. H100). More text.") == "One row per GPU (e.g. H100)."
    assert datafiles.first_sentence("Prices per model. Then more.") == "Prices per model."
    assert datafiles.first_sentence("no full stop") == "no full stop"


def test_the_catalogue_lists_a_staged_snapshot_under_its_final_name_and_skips_hidden_folders(tmp_path):
    data = tmp_path / "data"
    (data / "snapshots").mkdir(parents=True)
    (data / ".incoming").mkdir()
    (data / ".cache").mkdir()
    row = "price_id,source,as_of\nx,feed,2026-11-24\n"
    (data / "api_prices.csv").write_text(row)
    (data / "snapshots" / "api_prices.litellm.2026-11-23.csv").write_text(row)
    (data / ".incoming" / "api_prices.litellm.2026-11-24.csv").write_text(row + "y,feed,2026-11-24\n")
    (data / ".cache" / "scratch.csv").write_text(row)
    readme = tmp_path / "README.md"
    readme.write_text("## api_prices.csv\n\nPrices.\n\n## " + datafiles.SNAPSHOT_SECTION + "\n\nSnapshots.\n")
    files = datafiles.catalog(data, readme)
    assert [f.split("data/", 1)[1] for f in files["file"]] == [
        "api_prices.csv", "snapshots/api_prices.litellm.2026-11-23.csv", "snapshots/api_prices.litellm.2026-11-24.csv"]
    assert files["rows"].tolist() == [1, 1, 2]
    staged_link = datafiles.file_link(data / "snapshots" / "api_prices.litellm.2026-11-24.csv")
    assert "api_prices.litellm.2026-11-24.csv" in staged_link
