"""The registry of what-if calls the benchmark times: each runs and answers (no timing here)."""

from __future__ import annotations

import pytest

from lib.book import whatifs
from tests.conftest import ROOT


def test_every_chapter_has_a_registered_what_if_or_a_listed_reason():
    assert whatifs.unregistered(ROOT) == [], (
        "register the chapter's what-if in lib/book/whatifs.py, or list it in EXCEPTIONS with a reason")
    assert set(whatifs.EXCEPTIONS).isdisjoint(whatifs.REGISTRY)


@pytest.mark.parametrize("chapter", sorted(whatifs.REGISTRY))
def test_a_registered_what_if_runs_on_its_chapter_defaults_and_answers(chapter):
    call = whatifs.prepare(chapter, ROOT)
    assert call() is not None


def test_parameters_are_read_from_the_chapters_parameters_cell():
    p = whatifs.parameters("unit_economics", ROOT)
    assert p["for_html_book"] is False
    assert p["api_prices_csv"] == str(ROOT / "data" / "api_prices.csv")
    with pytest.raises(KeyError, match="no what-if registered"):
        whatifs.prepare("no_such_chapter", ROOT)
