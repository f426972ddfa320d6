"""A usage file (``bill_usage_csv``) written by hand or by a broken exporter: every bad byte, row and
count is refused or rejected with file, row, column and reason, and never billed (issue 22)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lib.data import tables
from lib.finops.logschema import MAX_TOKENS_PER_CALL
from lib.prices.billing import BillingError, bill_usage_csv

RULES = tables.load_billing_rules()
PRICES = tables.load_api_prices()
HEADER = b"provider,model,input_tokens,output_tokens\n"
GOOD = b"OpenAI,GPT-5,1000,100\n"


def usage(tmp_path: Path, body: bytes, header: bytes = HEADER) -> Path:
    path = tmp_path / "usage.csv"
    path.write_bytes(header + body)
    return path


def rejected_rows(path: Path) -> dict[int, tuple[object, str]]:
    billed, rejected = bill_usage_csv(path, PRICES, RULES)
    assert list(billed["row"]) == [1]  # the good row before the bad one is still billed
    assert set(rejected["file"]) == {str(path)}
    return {int(r["row"]): (r["column"], r["reason"]) for _, r in rejected.iterrows()}


@pytest.mark.parametrize("bad_row, column, reason", [
    (b"OpenAI,GPT-5,1000\n", "output_tokens", "'output_tokens' and after are missing"),
    (b"OpenAI,GPT-5,1000,100,7\n", None, "1 more cell(s) than the header"),
    (b"OpenAI,GPT-\xe9,1000,100\n", "model", "byte 0xE9"),
    (b"OpenAI,GPT-5,10\x0000,100\n", "input_tokens", "U+0000 (NUL)"),
    (b"OpenAI,GPT-5,%d,100\n" % (MAX_TOKENS_PER_CALL + 1), "input_tokens", "over the ceiling"),
    (b"OpenAI,GPT-5,9223372036854775807,100\n", "input_tokens", "over the ceiling"),
    (b"OpenAI,GPT-5,1" + b"0" * 5000 + b",100\n", "input_tokens", "(5001 digits) is over the ceiling"),
    (b"OpenAI,GPT-5,inf,100\n", "input_tokens", "'inf' is not a finite number"),
])
def test_a_bad_row_is_rejected_with_its_column_and_reason_and_never_billed(tmp_path, bad_row, column, reason):
    got = rejected_rows(usage(tmp_path, GOOD + bad_row))
    assert set(got) == {2}
    assert pd.isna(got[2][0]) if column is None else got[2][0] == column
    assert reason in got[2][1], got[2][1]


@pytest.mark.parametrize("content, reason", [
    (b"", "file is empty"),
    (b"\xff\xfep\x00r\x00", "UTF-16"),
    (HEADER + b'OpenAI,"GPT-5,1000,100\n', "quote"),
])
def test_a_file_that_is_not_csv_text_is_refused_naming_the_file(tmp_path, content, reason):
    path = tmp_path / "usage.csv"
    path.write_bytes(content)
    with pytest.raises(BillingError, match="usage file cannot be read") as err:
        bill_usage_csv(path, PRICES, RULES)
    assert str(path) in str(err.value) and reason in str(err.value)


def test_a_header_in_latin_1_is_refused_with_its_place(tmp_path):
    path = usage(tmp_path, GOOD, header=b"provider,mod\xe8le,input_tokens,output_tokens\n")
    with pytest.raises(BillingError, match="header cannot be read") as err:
        bill_usage_csv(path, PRICES, RULES)
    assert "row 0" in str(err.value) and "byte 0xE8" in str(err.value)


def test_a_bom_and_crlf_bill_like_the_plain_file(tmp_path):
    plain, _ = bill_usage_csv(usage(tmp_path, GOOD), PRICES, RULES)
    windows = tmp_path / "windows.csv"
    windows.write_bytes(b"\xef\xbb\xbf" + (HEADER + GOOD).replace(b"\n", b"\r\n"))
    billed, rejected = bill_usage_csv(windows, PRICES, RULES)
    assert rejected.empty and list(billed["usd"]) == list(plain["usd"])
