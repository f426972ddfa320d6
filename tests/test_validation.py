"""Bad input is refused with file, row, column and reason: real malformed files, one per case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lib.book.refresh import RefreshError, refresh
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA, snapshot


def problems_of(path: Path, loader=tables.load_api_prices) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        loader(path)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("filename", "row", "column", "reason"),
    [
        ("missing_column.csv", 0, "output_usd_per_mtok", "required column is missing"),
        ("non_numeric.csv", 2, "input_usd_per_mtok", "'three dollars' is not a number"),
        ("negative_price.csv", 1, "output_usd_per_mtok", "-15 is below the smallest sane value 0"),
        ("duplicate_row.csv", 2, "price_id", "duplicate of row 1 (price_id=acme-small)"),
        ("per_thousand.csv", 1, "input_usd_per_mtok", "look like per-thousand-token prices"),
        ("per_token.csv", 1, "input_usd_per_mtok", "is it per thousand tokens, or per token"),
        ("two_book_rows.csv", 1, "book_uses", "2 rows marked book_uses=true for provider=Acme, model=Small"),
        ("ragged_row.csv", 2, None, "has 5 fields but the header has"),
        ("cache_dearer.csv", 1, "cached_input_usd_per_mtok", "a cache hit can never cost more than a miss"),
    ],
)
def test_bad_price_file_names_file_row_column_and_reason(filename, row, column, reason):
    path = BAD_DATA / filename
    problems = problems_of(path)
    expected_where = f"{path}, row {row} (line {row + 1})"
    if column:
        expected_where += f", column '{column}'"
    assert any(p.startswith(expected_where) and reason in p for p in problems), problems


def test_empty_file_is_refused():
    assert problems_of(BAD_DATA / "empty.csv") == [f"{BAD_DATA / 'empty.csv'}: file is empty: expected a header row and data rows"]


def test_header_only_file_is_refused():
    assert problems_of(BAD_DATA / "header_only.csv") == [f"{BAD_DATA / 'header_only.csv'}: has a header but no data rows"]


def test_missing_file_is_refused(tmp_path):
    assert "file not found" in problems_of(tmp_path / "nope.csv")[0]


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    text = (BAD_DATA / "non_numeric.csv").read_text().splitlines()
    text[1] = text[1].replace(",true,", ",maybe,", 1)
    bad = tmp_path / "two_problems.csv"
    bad.write_text("\n".join(text) + "\n")
    problems = problems_of(bad)
    assert any("column 'book_uses': 'maybe' is not true or false" in p for p in problems)
    assert any("'three dollars' is not a number" in p for p in problems)


def _platforms(path: Path):
    return tables.load_hardware_platforms(path, tables.resolve("data/hardware_specs.csv"))


def test_hardware_platform_with_bad_capex():
    problems = problems_of(BAD_DATA / "hardware_platforms_bad_capex.csv", _platforms)
    assert any("row 2 (line 3), column 'capex_usd_low': 'lots' is not a number" in p for p in problems), problems


def test_hardware_platform_with_unknown_accelerator():
    problems = problems_of(BAD_DATA / "hardware_platforms_unknown_accelerator.csv", _platforms)
    assert any("row 1 (line 2), column 'accelerator': accelerator 'H900 SXM' has no row in" in p
               for p in problems), problems


def test_negative_bandwidth_in_specs():
    problems = problems_of(BAD_DATA / "hardware_specs_negative.csv", tables.load_hardware_specs)
    assert any("row 1 (line 2), column 'hbm_tb_per_s': -3.35 is below the smallest sane value" in p
               for p in problems)


@pytest.mark.slow
@pytest.mark.parametrize(("filename", "target"), [
    ("non_numeric.csv", "api_prices.csv"), ("negative_price.csv", "api_prices.csv"),
    ("per_thousand.csv", "api_prices.csv"), ("empty.csv", "api_prices.csv"), ("duplicate_row.csv", "api_prices.csv"),
    ("missing_column.csv", "api_prices.csv"), ("two_book_rows.csv", "api_prices.csv"),
    ("hardware_platforms_unknown_accelerator.csv", "hardware_platforms.csv"),
    ("hardware_specs_negative.csv", "hardware_specs.csv"),
])
def test_refresh_with_bad_data_leaves_book_untouched(book_copy, filename, target):
    shutil.copy(BAD_DATA / filename, book_copy / "data" / target)
    before = snapshot(book_copy / "book")
    with pytest.raises(RefreshError) as info:
        refresh(book_copy)
    assert "the data did not validate, so no chapter was run" in str(info.value)
    assert str(book_copy / "data" / target) in str(info.value)
    assert snapshot(book_copy / "book") == before


# --- Owning the hardware (hardware-a) ---------------------------------------------------------

@pytest.mark.parametrize(
    ("filename", "loader", "expected"),
    [
        ("electricity_prices_cents.csv", tables.load_electricity_prices,
         "row 2 (line 3), column 'usd_per_kwh_low': 20 is above the largest sane value 2"),
        ("cooling_overheads_reversed.csv", tables.load_cooling_overheads,
         "row 1 (line 2), column 'overhead_frac_low': overhead_frac_low 0.5 is above overhead_frac_high 0.3"),
        ("colo_prices_not_a_number.csv", tables.load_colo_prices,
         "row 1 (line 2), column 'usd_per_kw_month_low': 'three hundred' is not a number"),
        ("tco_scenarios_partial_throughput.csv", tables.load_tco_scenarios,
         "row 2 (line 3), column 'tokens_per_request': tokens_per_request blank while"),
    ],
)
def test_bad_ownership_tables_name_file_row_column_and_reason(filename, loader, expected):
    problems = problems_of(BAD_DATA / filename, loader)
    assert any(filename in p and expected in p for p in problems), problems
