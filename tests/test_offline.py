"""The offline scan: what it flags on a page built to fetch from everywhere, and the real book."""

from __future__ import annotations

import pytest

from lib.book import offline
from tests.conftest import ROOT

SITE = ROOT / "tests" / "fixtures" / "offline_site"


def test_scan_flags_every_kind_of_external_fetch_with_file_and_line():
    found = offline.external_fetches(SITE)
    by_url = {f.url: f for f in found}
    assert set(by_url) == {
        "https://cdn.example.com/theme.css", "//fonts.example.com/a.woff2", "https://cdn.jsdelivr.net/npm/vega@6",
        "https://esm.sh/vega-embed", "https://fonts.googleapis.com/css?family=Roboto",
        "https://img.example.com/big.png", "https://img.example.com/bg.png", "https://www.youtube.com/embed/x",
        "https://fonts.gstatic.com/x.woff2",
    }
    assert str(by_url["https://cdn.jsdelivr.net/npm/vega@6"]) == (
        "index.html:8: <script src> https://cdn.jsdelivr.net/npm/vega@6")
    assert by_url["https://fonts.gstatic.com/x.woff2"].file == "_static/book.css"
    assert by_url["https://fonts.gstatic.com/x.woff2"].line == 2


def test_links_namespaces_and_the_vega_schema_id_are_not_fetches():
    urls = {f.url for f in offline.external_fetches(SITE)}
    assert "https://example.org/read-more" not in urls  # <a href>
    assert "https://example.org/book/" not in urls  # rel=canonical
    assert not any(u.startswith(("http://www.w3.org", "https://vega.github.io/schema")) for u in urls)


def test_command_exits_non_zero_on_a_fetch_and_names_an_unbuilt_book(tmp_path, capsys):
    assert offline.main([str(SITE)]) == 1
    assert "9 external fetch(es)" in capsys.readouterr().out
    with pytest.raises(FileNotFoundError, match="build the book first"):
        offline.external_fetches(tmp_path)
