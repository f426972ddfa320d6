"""Figures, guide verdicts, tables and the offline chart renderer."""

from __future__ import annotations

import json
import re
from unittest import mock

import altair as alt
import pandas as pd
import pytest

from lib.book import charts, figures, guide, present
from lib.data import tables


@pytest.mark.parametrize(("value", "text"), [
    (0.0135, "$0.0135"), (0.045, "$0.045"), (0.8, "$0.80"), (0.0000675, "$0.0000675"), (4.5, "$4.50"),
    (1350, "$1,350"), (450_000, "$450,000"), (-2.5, "-$2.50"), (float("nan"), "n/a"),
])
def test_fmt_usd(value, text):
    assert figures.fmt_usd(value) == text


def test_other_formats():
    assert figures.fmt_number(56.0) == "56"
    assert figures.fmt_number(2.3333) == "2.33"
    assert figures.fmt_ratio(23.8095) == "24×"
    assert figures.fmt_pct(0.3125) == "31%"
    assert figures.format_value(100_000, "count") == "100,000"


def test_record_glues_text_and_tags_value_and_unit():
    with mock.patch("lib.book.figures.display") as shown:
        assert figures.record("q_cost", 0.0135, "usd_per_request") is None
    (bundle,), kwargs = shown.call_args
    assert bundle == {"application/papermill.record/text/plain": "'$0.0135'"}
    assert kwargs["metadata"]["scrapbook"] == {"name": "q_cost", "mime_prefix": "application/papermill.record/"}
    assert kwargs["metadata"]["book_figure"] == {"name": "q_cost", "value": 0.0135, "unit": "usd_per_request"}


def test_record_refuses_names_glue_cannot_use():
    with pytest.raises(ValueError):
        figures.record("not a name", 1, "count")


def test_compare_reads_the_claim_registry():
    claims = tables.load_guide_claims()
    row = guide.compare(claims, "ue_query_gpt5", 0.0135)
    assert row["verdict"] == "agrees" and row["guide"] == "$0.0135"
    with pytest.raises(KeyError):
        guide.compare(claims, "no_such_claim", 1.0)


def test_every_claim_has_a_chapter_that_exists():
    claims = tables.load_guide_claims()
    chapters = {p.stem for p in tables.resolve("analyses").glob("*.py")}
    assert set(claims["chapter"]) <= chapters


def test_tables_escape_html_and_dash_missing_values():
    frame = pd.DataFrame({"model": ["<script>alert(1)</script>"], "price": [float("nan")]})
    with mock.patch("lib.book.present.display") as shown:
        present.show_table(frame, {"price": "usd_per_mtok"})
    html = shown.call_args.args[0].data
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert present.MISSING in html


def test_snapshot_banner_names_file_dates_and_sources_and_escapes_them():
    prices = pd.DataFrame({"source": ["Guide A; Guide B", "Guide A", "<b>feed</b>"],
                           "as_of": ["2026-06", "2026-06", "2026-11"]})
    line = present.snapshot_summary(prices, "data/api_prices.csv")
    assert line == ("Prices: 3 rows from data/api_prices.csv, as of 2026-06 and 2026-11; 3 sources, "
                    "the most cited being Guide A (2 rows).")
    one = present.snapshot_summary(prices.iloc[[1]], "data/x.csv", what="hardware prices")
    assert one.startswith("Hardware prices: 1 row from") and one.endswith("source: Guide A.")
    with mock.patch("lib.book.present.display") as shown:
        present.snapshot_banner(prices.iloc[[2]], "data/api_prices.csv")
    html = shown.call_args.args[0].data
    assert "<b>" not in html and "&lt;b&gt;feed&lt;/b&gt;" in html
    with pytest.raises(KeyError, match="data/x.csv: no 'as_of' column"):
        present.snapshot_summary(prices.drop(columns="as_of"), "data/x.csv")


def test_chart_renderer_is_deterministic_and_offline():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q").properties(title="T")
    spec = chart.to_dict()
    a, b = charts.book_renderer(spec), charts.book_renderer(spec)
    id_a = re.search(r'id="(chart-[0-9a-f]{12})-\d+"', a["text/html"]).group(1)
    id_b = re.search(r'id="(chart-[0-9a-f]{12})-\d+"', b["text/html"]).group(1)
    assert id_a == id_b  # same spec, same id stem; the counter keeps two copies on a page apart
    assert a["text/html"] != b["text/html"]
    assert "http" not in a["text/html"].split("var spec=")[0]
    assert "cdn" not in a["text/html"].lower()
    assert a["text/plain"] == "<chart: T>"


def test_chart_renderer_cannot_be_closed_by_a_model_name():
    spec = {"data": {"values": [{"model": "</script><script>alert(1)</script>"}]}, "mark": "bar"}
    html = charts.book_renderer(spec)["text/html"]
    assert html.count("</script>") == 1  # only the renderer's own closing tag
    payload = html.split("var spec=", 1)[1].split(";var el=", 1)[0]
    assert json.loads(payload)["data"]["values"][0]["model"] == "</script><script>alert(1)</script>"


def test_missing_values_read_as_not_available():
    for fmt in (figures.fmt_usd, figures.fmt_number, figures.fmt_ratio, figures.fmt_pct):
        assert fmt(float("nan")) == "n/a"


def test_live_renderer_carries_the_chart_runtime_inline_and_loads_nothing():
    spec = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict()
    html = charts.live_renderer(spec)["text/html"]
    runtime, chart = html.split("</script>\n", 1)
    assert "vegaEmbed" in runtime and len(runtime) > 100_000  # the whole vendored bundle, not a loader
    assert "<script src" not in html and "import(" not in runtime.split("\n", 1)[0]
    assert runtime.lower().count("</script") == 0  # nothing in it can end the inline script early
    assert chart.startswith('<div id="chart-')


def test_signed_percentages_read_as_changes():
    assert figures.format_value(-0.6667, "signed_fraction") == "\u221267%"
    assert figures.format_value(0.125, "signed_fraction") == "+12%"
    assert figures.format_value(0.0, "signed_fraction") == "0%"
    assert figures.format_value(float("nan"), "signed_fraction") == "n/a"


def test_rounding_to_a_multiple_of_ten_keeps_its_zeros():
    assert figures.fmt_number(149.7, 2) == "150"
    assert figures.fmt_pct(0.198) == "20%"
    assert figures.fmt_pct(0.99976) == "100%"
    assert figures.fmt_number(1.50) == "1.5"


def test_a_figure_the_data_cannot_give_is_stored_as_null_and_never_reported_as_moving():
    import json

    from lib.book.refresh import figure_changes

    with mock.patch("lib.book.figures.display") as shown:
        figures.record("x_missing", float("nan"), "usd")
    meta = shown.call_args.kwargs["metadata"][figures.FIGURE_METADATA_KEY]
    assert meta["value"] is None and json.dumps(meta)  # valid JSON, no NaN
    nan = float("nan")
    assert figure_changes({("c", "x"): (nan, "usd")}, {("c", "x"): (nan, "usd")}) == []
    assert figure_changes({("c", "x"): (nan, "usd")}, {("c", "x"): (1.0, "usd")}) != []


def test_a_missing_or_unbounded_figure_reads_as_words():
    with mock.patch("lib.book.figures.display") as shown:
        figures.record("x_nan", float("nan"), "usd")
        figures.record("x_inf", float("inf"), "usd", infinite_text="never")
    texts = [c.args[0][figures.GLUE_PREFIX + "text/plain"] for c in shown.call_args_list]
    assert texts == [repr(figures.MISSING_TEXT), repr("never")]
