"""The data in data/ validates, is documented, and keeps the book's provenance rules."""

from __future__ import annotations

import re

import pytest

from lib.data import tables
from tests.conftest import ROOT


def test_every_csv_validates():
    counts = tables.validate_data_dir()
    assert set(counts) == set(tables.TABLES)
    assert all(n > 0 for n in counts.values())


def test_every_csv_in_data_has_a_schema():
    assert {p.name for p in (ROOT / "data").glob("*.csv")} == set(tables.TABLES)


@pytest.mark.parametrize("filename", sorted(tables.TABLES))
def test_readme_documents_every_column(filename):
    readme = (ROOT / "data" / "README.md").read_text()
    section = readme.split(f"## {filename}", 1)
    assert len(section) == 2, f"data/README.md has no '## {filename}' section"
    body = section[1].split("\n## ", 1)[0]
    undocumented = [c for c in tables.TABLES[filename].column_names if f"| {c} |" not in body]
    assert not undocumented, f"{filename}: columns not described in data/README.md: {undocumented}"


def test_guide_contradictions_are_kept_with_one_row_used():
    prices = tables.load_api_prices()
    for provider, model in [("OpenAI", "GPT-5"), ("OpenAI", "o3"), ("Anthropic", "Claude Haiku 4.5")]:
        rows = prices[(prices["provider"] == provider) & (prices["model"] == model)]
        assert len(rows) >= 2, (provider, model)
        assert rows["book_uses"].sum() == 1
        assert rows["choice_note"].notna().all()
    terms = tables.load_provider_terms()
    openai_cache = terms[(terms["provider"] == "OpenAI") & (terms["term"] == "cache_read_frac_of_input")]
    assert sorted(openai_cache["value"]) == [0.1, 0.25, 0.5]
    assert openai_cache["book_uses"].sum() == 1


def test_every_host_the_guide_lists_has_prices():
    providers = set(tables.load_api_prices()["provider"])
    assert {"Together", "Fireworks", "DeepInfra", "Bedrock", "Groq", "Cerebras"} <= providers


def test_hardware_has_every_column_the_book_needs():
    platforms = tables.load_hardware_platforms()
    for column in ["accelerators_per_node", "hbm_gb", "hbm_tb_per_s", "dense_bf16_tflops", "dense_fp8_tflops",
                   "power_kw", "capex_usd_low", "capex_usd_high", "rental_usd_per_hour_low", "rental_usd_per_hour_high"]:
        assert column in platforms.columns
    assert len(tables.load_used_gpu_prices()) > 0


def test_as_of_is_a_date_everywhere():
    for filename, spec in tables.TABLES.items():
        frame = tables.load(f"data/{filename}", spec)
        assert frame["as_of"].map(lambda s: bool(re.match(r"^\d{4}-\d{2}", s))).all(), filename
        assert frame["source"].str.len().gt(0).all(), filename
