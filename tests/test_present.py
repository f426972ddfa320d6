"""Tables as shown: every table carries a CSV download of its raw numbers, units in the column names."""

from __future__ import annotations

import html
import io
import re
from unittest import mock
from urllib.parse import unquote

import pandas as pd
import pytest

from lib.book import present


def shown_html(frame: pd.DataFrame, *args, **kwargs) -> str:
    with mock.patch("lib.book.present.display") as shown:
        present.show_table(frame, *args, **kwargs)
    return shown.call_args.args[0].data


def downloaded(page: str) -> tuple[str, pd.DataFrame, str]:
    """(file name, the CSV read back, its text) from the table's download link."""
    match = re.search(r'<a download="([^"]+)" href="data:text/csv;charset=utf-8,([^"]*)"', page)
    assert match, "no CSV download link under the table"
    text = unquote(html.unescape(match.group(2)))
    return match.group(1), pd.read_csv(io.StringIO(text)), text


FRAME = pd.DataFrame({"model": ["GPT-5", "Llama, 8B"], "input price": [1.25, float("nan")],
                      "share": [0.85, 0.1]})
UNITS = {"input price": "usd_per_mtok", "share": "fraction"}


def test_the_download_holds_raw_numbers_with_units_in_the_column_names():
    html = shown_html(FRAME, UNITS, name="prices")
    name, back, _ = downloaded(html)
    assert name == "prices.csv"
    assert list(back.columns) == ["model", "input price (usd_per_mtok)", "share (fraction)"]
    assert back["model"].tolist() == ["GPT-5", "Llama, 8B"]  # a comma in a cell survives the link
    assert back["input price (usd_per_mtok)"].iloc[0] == 1.25 and pd.isna(back["input price (usd_per_mtok)"].iloc[1])
    assert back["share (fraction)"].tolist() == [0.85, 0.1]  # the raw fraction, not the page's "85%"
    assert "85%" in html  # while the page shows the formatted text


def test_the_same_table_gives_the_same_bytes():
    assert present.table_csv(FRAME, UNITS) == present.table_csv(FRAME.copy(), dict(UNITS))
    assert "\r" not in present.table_csv(FRAME, UNITS)


def test_unnamed_tables_are_numbered_in_the_order_shown():
    with mock.patch.object(present, "_table_counter", iter(range(1, 10))):
        first = downloaded(shown_html(FRAME, UNITS))[0]
        second = downloaded(shown_html(FRAME, links={"model": pd.Series(["a.html", "b.html"])}))[0]
    assert (first, second) == ("table-1.csv", "table-2.csv")


def test_a_linked_table_downloads_the_cell_text_not_the_link():
    html = shown_html(FRAME, UNITS, links={"model": pd.Series(["gpt.html", "llama.html"])}, name="linked")
    _, back, text = downloaded(html)
    assert back["model"].tolist() == ["GPT-5", "Llama, 8B"] and "href" not in text


def test_text_from_a_feed_cannot_break_out_of_the_link():
    evil = pd.DataFrame({"model": ['"><script>alert(1)</script>']})
    html = shown_html(evil, name="evil")
    assert "<script>" not in html
    assert downloaded(html)[1]["model"].tolist() == ['"><script>alert(1)</script>']


def test_bad_names_and_units_are_refused():
    with pytest.raises(ValueError, match="table name"):
        present.csv_file_name("../etc/passwd")
    with pytest.raises(KeyError, match="nope"):
        present.table_csv(FRAME, {"nope": "usd"})
