"""Hostile input on every reader of data CSVs and price feeds: real malformed files, real local servers.

Each case asserts that the message names the file (or URL), the row and column where there is
one, and the reason; and that nothing was written: a failed read leaves every file as it was.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lib.data import tables
from lib.data.validation import DataValidationError, load_table
from tests.browser import serve_handler
from tests.conftest import ROOT, snapshot

MARK = "\u2603"  # a character no data file holds: where a test puts its bad byte


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ to break one file at a time (cross-file checks read the siblings)."""
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest)
    return dest


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]], *, bad: bytes = b"") -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8").replace(MARK.encode("utf-8"), bad))


def _text_column(filename: str) -> tuple[int, str]:
    """The first free-text column of a table (a str column without a closed set of values)."""
    spec = tables.TABLES[filename]
    for i, col in enumerate(spec.columns):
        if col.kind == "str" and col.choices is None:
            return i, col.name
    raise AssertionError(f"{filename} has no free-text column")


def _break_cell(path: Path, filename: str, bad: bytes, row: int = 1) -> tuple[str, int, int]:
    """Put ``bad`` bytes in data row ``row`` (or the last) of the first free-text column: (column, row, character)."""
    rows = _rows(path)
    name = _text_column(filename)[1]
    index = rows[0].index(name)
    row = min(row, len(rows) - 1)
    at = min(3, len(rows[row][index]))
    rows[row][index] = rows[row][index][:at] + MARK + rows[row][index][at:]
    _write(path, rows, bad=bad)
    return name, row, at + 1


def _load(path: Path, filename: str) -> pd.DataFrame:
    if filename == "price_feed_map.csv":
        return tables.load_price_feed_map(path)
    return load_table(path, tables.TABLES[filename])


def _message(path: Path, filename: str) -> str:
    before = snapshot(path.parent)
    with pytest.raises(DataValidationError) as caught:
        _load(path, filename)
    assert snapshot(path.parent) == before, "a failed read wrote or changed a file"
    return str(caught.value)


# --- the same bad bytes in every data CSV -----------------------------------------------------------

@pytest.mark.parametrize("filename", sorted(tables.TABLES))
def test_a_latin1_byte_in_any_data_file_names_file_row_and_column(data_copy, filename):
    path = data_copy / filename
    column, row, at = _break_cell(path, filename, b"\xe9", row=2)  # "é" as Latin-1 writes it
    message = _message(path, filename)
    assert f"{path}, row {row} (line {row + 1}), column '{column}': byte 0xE9 at character {at} of" in message
    assert "is not UTF-8" in message and "Latin-1" in message and "\\xe9" in message


@pytest.mark.parametrize("filename", sorted(tables.TABLES))
def test_a_nul_byte_in_any_data_file_names_file_row_and_column(data_copy, filename):
    path = data_copy / filename
    column, row, at = _break_cell(path, filename, b"\x00")
    message = _message(path, filename)
    assert f"{path}, row {row} (line {row + 1}), column '{column}': character {at} of" in message
    assert "U+0000 (NUL)" in message and "\x00" not in message


@pytest.mark.parametrize("filename", sorted(tables.TABLES))
def test_bom_and_crlf_read_exactly_as_the_plain_file(data_copy, filename):
    path = data_copy / filename
    expected = _load(path, filename)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(_load(path, filename), expected)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))  # old Mac line endings
    pd.testing.assert_frame_equal(_load(path, filename), expected)


# --- one file, each way its bytes can be wrong ---------------------------------------------------------

LEVERS = "cost_levers.csv"


def test_a_cell_over_the_csv_field_limit_is_named_not_a_traceback(data_copy):
    path = data_copy / LEVERS
    rows = _rows(path)
    rows[3][rows[0].index("notes")] = "x" * (csv.field_size_limit() + 10)
    _write(path, rows)
    message = _message(path, LEVERS)
    assert f"{path}, row 3 (line 4), column 'notes': the cell is 131,082 characters long" in message
    assert "over the limit of 131,072" in message
    assert csv.field_size_limit() == 131_072  # the process-wide limit is restored


def test_a_quote_left_open_names_the_cell_where_it_opens(data_copy):
    path = data_copy / LEVERS
    rows = _rows(path)
    rows[-1][8] = "a plain note"  # no quote after the open one: it runs to the end of the file
    rows[-1][1] = MARK + rows[-1][1]
    _write(path, rows, bad=b'"')
    n = len(rows) - 1
    message = _message(path, LEVERS)
    assert f"{path}, row {n} (line {n + 1}), column 'lever': a quote opens this cell and is never closed" in message


def test_text_after_a_closing_quote_names_the_cell(data_copy):
    path = data_copy / LEVERS
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = next(csv.reader([text[2]]))
    text[2] = text[2].replace(f",{cells[2]},", f',"{cells[2]}" and more,', 1)
    path.write_text("".join(text), encoding="utf-8")
    message = _message(path, LEVERS)
    assert f"{path}, row 2 (line 3), column 'example': text follows the closing quote" in message


@pytest.mark.parametrize("content, reason", [
    (b"", "file is empty"),
    (b" \n\r\n", "file is empty"),
    (b"\xef\xbb\xbf", "file is empty"),
    ("lever_id,lever\nx,y\n".encode("utf-16"), "is UTF-16 text"),
    ("lever_id,lever\nx,y\n".encode("utf-32"), "is UTF-32 text"),
], ids=["empty", "blank-lines", "bom-only", "utf-16", "utf-32"])
def test_empty_and_wide_text_files_are_named(data_copy, content, reason):
    path = data_copy / LEVERS
    path.write_bytes(content)
    assert f"{path}: {reason}" in _message(path, LEVERS)


def test_a_folder_or_unreadable_file_is_a_message(data_copy):
    path = data_copy / LEVERS
    path.unlink()
    path.mkdir()
    assert f"{path}: is a folder, not a CSV file" in _message(path, LEVERS)


def test_a_latin1_header_and_a_multiline_cell_are_placed_exactly(data_copy):
    path = data_copy / LEVERS
    rows = _rows(path)
    rows[0][8] = "not" + MARK + "es"
    rows[1][8] = "first line\nsecond line"  # a quoted cell over two lines: the next rows start a line later
    rows[3][1] = "x" + MARK
    _write(path, rows, bad=b"\xe9")
    message = _message(path, LEVERS)
    assert f"{path}, row 0 (line 1), column '#9': byte 0xE9 at character 4 of 'not\\xe9es'" in message
    assert f"{path}, row 3 (line 5), column 'lever': byte 0xE9" in message
    assert "unknown column" in message and "'not\\xe9es'" in message


def test_control_characters_in_a_cell_are_refused_and_escaped_in_the_message(data_copy):
    path = data_copy / LEVERS
    column, _, _ = _break_cell(path, LEVERS, b"\x1b[2J")  # an ANSI "clear screen"
    message = _message(path, LEVERS)
    assert f"{path}, row 1 (line 2), column '{column}'" in message and "U+001B" in message
    assert "\x1b" not in message and "\\x1b[2J" in message


def test_an_empty_feed_issues_report_is_an_empty_table_and_a_bad_one_a_message(tmp_path):
    header = tmp_path / "api_prices.litellm.2026-11-23.issues.csv"
    header.write_text(",".join(tables.FEED_ISSUES.column_names) + "\r\n", encoding="utf-8-sig")
    assert tables.load_feed_issues(header).empty
    header.write_bytes(header.read_bytes().replace(b"reason", b"r\xe9ason"))
    with pytest.raises(DataValidationError, match=r"issues\.csv, row 0 \(line 1\), column '#7': byte 0xE9"):
        tables.load_feed_issues(header)



# --- price feeds: real local servers ------------------------------------------------------------------

import http.server  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from lib.prices import feedread, feeds  # noqa: E402
from tests.conftest import BAD_FEEDS  # noqa: E402

HOSTILE_FEEDS = Path(__file__).parent / "fixtures" / "hostile_feeds"
SERVED_FOR_S = 8.0  # the slow handlers give up after this, so a missing deadline fails a test instead of hanging it
GOOD = (BAD_FEEDS / "openrouter_hostile.json").read_bytes()


class _Hostile(http.server.BaseHTTPRequestHandler):
    """Each path is one way a server misbehaves."""

    def log_message(self, *args: object) -> None:
        pass

    def _drip(self, data: bytes, every_s: float = 0.1) -> None:
        end = time.monotonic() + SERVED_FOR_S
        try:
            for byte in data:
                if time.monotonic() > end:
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(every_s)
        except OSError:
            return  # the client hung up, as it should

    def do_GET(self) -> None:  # noqa: C901 - one branch per misbehaviour
        path = self.path
        if path == "/ok.json":
            self.send_response(200)
            self.send_header("Content-Length", str(len(GOOD)))
            self.end_headers()
            self.wfile.write(GOOD)
        elif path == "/drip.json":  # the body one byte every 0.1 s: each read is quick, the whole never ends
            self.send_response(200)
            self.send_header("Content-Length", str(len(GOOD)))
            self.end_headers()
            self._drip(GOOD)
        elif path == "/drip-headers.json":  # the headers themselves one byte at a time
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            self._drip(b"X-Slow: " + b"a" * 1000 + b"\r\n\r\n")
        elif path == "/silent.json":  # accepts the connection and never answers
            time.sleep(SERVED_FOR_S)
        elif path == "/500.json":
            self.send_error(500, "Internal Server Error")
        elif path == "/truncated.json":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(GOOD[:100])
        elif path == "/chunked-truncated.json":
            self.protocol_version = "HTTP/1.1"
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"64\r\n" + GOOD[:100] + b"\r\n")  # one chunk of 100 bytes, then nothing
            self.close_connection = True
        elif path == "/loop.json":
            self.send_response(302)
            self.send_header("Location", "/loop.json")
            self.end_headers()
        elif path.startswith("/forever/"):
            self.send_response(302)
            self.send_header("Location", f"/forever/{int(path.rsplit('/', 1)[1]) + 1}")
            self.end_headers()
        elif path == "/to-ftp.json":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/prices.json")
            self.end_headers()
        elif path == "/latin1.json":
            body = b'{"data": [\n  {"id": "caf\xe9"}\n]}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)


@contextmanager
def hostile_server() -> Iterator[str]:
    with serve_handler(_Hostile) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with hostile_server() as url:
        yield url


def test_a_served_feed_still_reads(base_url):
    doc, location = feeds.read_feed_json(f"{base_url}/ok.json", deadline_s=5)
    assert location == f"{base_url}/ok.json" and doc == json.loads(GOOD)


@pytest.mark.parametrize("path", ["/drip.json", "/drip-headers.json", "/silent.json"])
def test_a_slow_server_is_stopped_at_the_overall_deadline(base_url, path):
    url = f"{base_url}{path}"
    started = time.monotonic()
    with pytest.raises(feeds.FeedError) as caught:
        feeds.read_feed_json(url, deadline_s=1.5)
    took = time.monotonic() - started
    message = str(caught.value)
    assert message.startswith(f"{url}: the download did not finish within its deadline of 1.5 s (")
    assert re.search(r"\(\d[\d,]* (of [\d,]+ )?bytes received in 1\.\d s\); nothing was imported", message)
    assert took < 3.0, f"the deadline of 1.5 s took {took:.1f} s"
    if path == "/drip.json":  # some bytes came, and the message says how many of how many
        assert re.search(rf"\([1-9]\d* of {len(GOOD):,} bytes received", message)


def test_the_deadline_is_a_named_constant_in_seconds():
    assert feeds.DOWNLOAD_DEADLINE_S == feedread.DOWNLOAD_DEADLINE_S and 60 <= feeds.DOWNLOAD_DEADLINE_S <= 900
    assert feeds.FETCH_TIMEOUT_S < feeds.DOWNLOAD_DEADLINE_S


@pytest.mark.parametrize("path, expected", [
    ("/500.json", r": could not download the feed: HTTP Error 500: Internal Server Error; nothing was imported$"),
    ("/nowhere.json", r": could not download the feed: HTTP Error 404: Not Found; nothing was imported$"),
    ("/truncated.json", r": the download is truncated: 100 of the 1,000 bytes the server announced \(Content-Length\)"),
    ("/chunked-truncated.json", r": the download is truncated: the connection closed after 100 bytes"),
    ("/loop.json", r": could not download the feed: HTTP Error 302: the server keeps redirecting \(a loop, or more "
                   r"than 10 redirects; the last to '/loop.json'\)"),
    ("/forever/0", r": could not download the feed: HTTP Error 302: the server keeps redirecting .* the last to "
                   r"'/forever/11'"),
    ("/to-ftp.json", r": could not download the feed: HTTP Error 302: redirected to 'ftp://127.0.0.1/prices.json', "
                     r"which is not http\(s\)"),
    ("/latin1.json", r": line 2, column 14 \(byte 24\): byte 0xE9 is not UTF-8 text, so not a JSON price feed$"),
], ids=["500", "404", "truncated", "chunked-truncated", "redirect-loop", "redirect-forever", "redirect-to-ftp",
        "latin1"])
def test_each_failed_download_is_one_clear_message(base_url, path, expected):
    url = f"{base_url}{path}"
    with pytest.raises(feeds.FeedError) as caught:
        feeds.read_feed_json(url, deadline_s=5)
    assert re.match(re.escape(url) + expected, str(caught.value)), str(caught.value)


def test_a_feed_over_the_size_limit_is_stopped(base_url):
    with pytest.raises(feeds.FeedError, match=r"/ok\.json: the feed is over 1,000 bytes, more than any price feed"):
        feedread.download(f"{base_url}/ok.json", deadline_s=5, max_bytes=1000)


def test_a_failed_download_writes_no_snapshot(base_url, tmp_path, monkeypatch, capsys):
    """The command line, end to end: a feed that never arrives leaves data/ exactly as it was."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "_toc.yml", project / "_toc.yml")
    before = snapshot(project)
    monkeypatch.chdir(project)
    monkeypatch.setattr(feedread, "DOWNLOAD_DEADLINE_S", 1.5)  # read at each download
    for path, reason in (("/drip.json", "the download did not finish within its deadline of 1.5 s"),
                         ("/truncated.json", "the download is truncated"), ("/500.json", "HTTP Error 500")):
        assert feeds.main([f"{base_url}{path}", "--feed", "openrouter", "--as-of", "2026-11-23"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"import failed: {base_url}{path}: ") and reason in err and "Traceback" not in err
    assert snapshot(project) == before


# --- price feeds: malformed documents -----------------------------------------------------------------

def _feed_file(tmp_path: Path, content: bytes | str, name: str = "feed.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("content, expected", [
    ("[" * 100_000 + "]" * 100_000, r": line 1, column 201: the JSON nests arrays or objects deeper than the parser "
                                    r"can follow \(Python's limit is about \d+ levels\)"),
    ('{"a": {"b": ' * 50_000 + "1" + "}}" * 50_000,
     r": line 1, column \d+: the JSON nests arrays or objects deeper than the parser can follow"),
    ('{"gpt-5": {"input_cost_per_token": ' + "9" * 5000 + "}}",
     r": a value cannot be read as JSON: Exceeds the limit \(4300 digits\) for integer string conversion"),
    ('{"gpt-5": "caf\u00e9"}'.encode("latin-1"), r": line 1, column 15 \(byte 14\): byte 0xE9 is not UTF-8 text"),
    ('{"gpt-5": {}}'.encode("utf-16"), r": the feed is UTF-16 or UTF-32 text"),
    (b"", r": line 1, column 1: malformed JSON: Expecting value$"),
    (b"\xef\xbb\xbf", r": line 1, column 1: malformed JSON: Expecting value$"),
], ids=["deep-lists", "deep-objects", "huge-integer", "latin1", "utf-16", "empty", "bom-only"])
def test_a_malformed_feed_file_is_one_message_with_its_place(tmp_path, content, expected):
    path = _feed_file(tmp_path, content)
    with pytest.raises(feeds.FeedError) as caught:
        feeds.read_feed_json(str(path))
    assert re.match(re.escape(str(path)) + expected, str(caught.value)), str(caught.value)[:300]


def test_a_folder_is_not_a_feed(tmp_path):
    with pytest.raises(feeds.FeedError, match=r": no such file \(it is a folder\)$"):
        feeds.read_feed_json(str(tmp_path))


def test_bom_and_crlf_feeds_read_as_plain_json(tmp_path):
    text = (BAD_FEEDS / "openrouter_hostile.json").read_text(encoding="utf-8")
    path = _feed_file(tmp_path, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert feeds.read_feed_json(str(path))[0] == json.loads(text)


def _import(path: Path, fmt: str, guide: pd.DataFrame, feed_map: pd.DataFrame) -> feeds.FeedImport:
    doc, location = feeds.read_feed_json(str(path))
    return feeds.import_feed(doc, fmt, location=location, source=f"hostile {fmt}", as_of="2026-11-23",
                             guide_prices=guide, feed_map=feed_map)


def _issues(result: feeds.FeedImport, model: str, kind: str) -> list[feeds.FeedIssue]:
    return [i for i in result.issues if i.model == model and i.kind == kind]


def _book(result: feeds.FeedImport) -> pd.DataFrame:
    return result.prices[result.prices["book_uses"]].set_index(["provider", "model"])


@pytest.mark.parametrize("doc, expected", [
    ({"data": {"openai/gpt-5": {}}}, "its 'data' is an object"),
    ({"data": "none"}, "its 'data' is a string"),
    ({"models": []}, "the object has no 'data'"),
    ([{"id": "openai/gpt-5"}], "the document is a list"),
    (None, "the document is a null"),
])
def test_an_openrouter_document_of_the_wrong_shape_is_refused(doc, expected, guide, feed_map):
    with pytest.raises(feeds.FeedError, match=rf"^served: an OpenRouter model listing is an object with a 'data' list; "
                                              rf"{re.escape(expected)}$"):
        feeds.import_feed(doc, "openrouter", location="served", source="x", as_of="2026-11-23", guide_prices=guide,
                          feed_map=feed_map)


def test_openrouter_prices_and_overrides_of_every_wrong_type(guide, feed_map):
    result = _import(HOSTILE_FEEDS / "openrouter_wrong_types.json", "openrouter", guide, feed_map)
    book = _book(result)
    for model, kind in (("GPT-5", "an object"), ("GPT-5 mini", "a string"), ("GPT-5 nano", "a number"),
                        ("o3", "a true/false")):
        (bad,) = _issues(result, model, "rejected_field")
        assert (bad.field, bad.reason) == ("overrides", f"overrides is {kind}, not a list of tiers; no long-context "
                                                        "tier was read")
        assert book.loc[("OpenAI", model), "as_of"] == "2026-11-23"  # the model's own prices still import
        assert pd.isna(book.loc[("OpenAI", model), "long_context_threshold_tokens"])
    assert "whole-number min_prompt_tokens" in _issues(result, "o3-mini", "rejected_field")[0].reason  # true is not 1
    assert "outside 1,000-10,000,000" in _issues(result, "o4-mini", "rejected_field")[0].reason
    for model, reason in (("GPT-4o", "prompt: a list is not a price"), ("GPT-4o mini", "prompt: an object is not a price"),
                          ("Claude Sonnet 4.6", "prompt: True is true/false, not a price")):
        (bad,) = _issues(result, model, "rejected_model")
        assert bad.reason == f"{reason}; the guide's price is kept"
        assert book.loc[(bad.provider, model), "as_of"] == "2026-06"
    assert _issues(result, "Claude Haiku 4.5", "rejected_field")[0].reason == "a list is not a price"


def test_a_row_the_snapshot_refuses_rejects_that_model_not_the_feed(guide, feed_map):
    """Prices that look per-thousand ($0.005/M in, $0.01/M out) used to fail the whole import."""
    result = _import(HOSTILE_FEEDS / "openrouter_wrong_types.json", "openrouter", guide, feed_map)
    (bad,) = _issues(result, "Gemini 2.5 Pro", "rejected_model")
    assert bad.field == "input_usd_per_mtok" and "look like per-thousand-token prices" in bad.reason
    assert not [i for i in result.issues if i.model == "Gemini 2.5 Pro" and i.kind != "rejected_model"]
    assert _book(result).loc[("Google", "Gemini 2.5 Pro"), "as_of"] == "2026-06"
    assert ("Google", "Gemini 2.5 Pro", "google/gemini-2.5-pro") not in result.imported
    assert len(result.imported) == 7


def test_litellm_prices_of_every_wrong_type(guide, feed_map):
    result = _import(HOSTILE_FEEDS / "litellm_wrong_types.json", "litellm", guide, feed_map)
    for model, reason in (("GPT-5", "a list is not a price"), ("GPT-5 mini", "an object is not a price"),
                          ("GPT-5 nano", "False is true/false, not a price")):
        (bad,) = _issues(result, model, "rejected_model")
        assert bad.reason == f"input_cost_per_token: {reason}; the guide's price is kept"
    assert "not an object with prices" in _issues(result, "o3-mini", "rejected_model")[0].reason
    (null,) = _issues(result, "o4-mini", "rejected_model")  # a key with null is there, not vanished
    assert null.value == "null" and not _issues(result, "o4-mini", "vanished")
    assert "99,999,999,000 tokens is outside" in _issues(result, "o3", "rejected_field")[0].reason
    assert _book(result).loc[("OpenAI", "o3"), "input_usd_per_mtok"] == 2.0


# --- duplicates: one rule for both feeds ---------------------------------------------------------------

def test_a_duplicate_litellm_key_at_900_is_reported_and_the_first_listing_wins(guide, feed_map, tmp_path):
    result = _import(HOSTILE_FEEDS / "litellm_duplicates.json", "litellm", guide, feed_map)
    (dup,) = _issues(result, "GPT-5", "duplicate")
    assert dup.feed_key == "gpt-5" and dup.field == "input_cost_per_token"
    assert dup.value == "input_cost_per_token: $1.25/M kept (listing 1), $900/M ignored"
    assert "the feed lists the key 'gpt-5' 2 times with different prices" in dup.reason
    assert "the first in the document is the one imported" in dup.reason
    assert _book(result).loc[("OpenAI", "GPT-5"), "input_usd_per_mtok"] == 1.25
    # The same prices written twice (2.5e-7 and 2.5e-07, another field apart) are one model: merged, no issue.
    assert result.merged_duplicates == ["gpt-5-mini"] and not _issues(result, "GPT-5 mini", "duplicate")
    # A field repeated inside one entry follows the same rule.
    (inner,) = _issues(result, "o3", "duplicate")
    assert inner.value == "input_cost_per_token: $2/M kept (first in the entry), $20/M ignored"
    assert _book(result).loc[("OpenAI", "o3"), "input_usd_per_mtok"] == 2.0
    assert result.unmapped_duplicates == ["not-in-the-map"]
    summary = result.summary()
    assert "2 listed more than once with different prices (first listing kept)" in summary
    assert "1 key(s) listed twice with the same prices (merged)" in summary and "'not-in-the-map'" in summary
    # The report is written and reads back through the report's own schema.
    _, issues_path = feeds.write_snapshot(result, tmp_path)
    report = tables.load_feed_issues(issues_path)
    assert "$900/M ignored" in report[report["kind"] == "duplicate"].set_index("model").loc["GPT-5", "value"]


def test_a_duplicate_openrouter_id_follows_the_same_rule(guide, feed_map):
    result = _import(HOSTILE_FEEDS / "openrouter_duplicates.json", "openrouter", guide, feed_map)
    (dup,) = _issues(result, "GPT-5", "duplicate")
    assert dup.feed_key == "openai/gpt-5" and dup.value == "prompt: $1.25/M kept (listing 1), $900/M ignored"
    assert "the feed lists the id 'openai/gpt-5' 2 times with different prices" in dup.reason
    assert _book(result).loc[("OpenAI", "GPT-5"), "input_usd_per_mtok"] == 1.25
    # "0.000003" and "3e-6" are the same price: merged, whatever else the listings say.
    assert result.merged_duplicates == ["anthropic/claude-sonnet-4.6"]
    assert not _issues(result, "Claude Sonnet 4.6", "duplicate")
    (inner,) = _issues(result, "o3", "duplicate")
    assert inner.field == "pricing.completion" and inner.value.startswith("pricing.completion: $8/M kept")
    assert _book(result).loc[("OpenAI", "o3"), "output_usd_per_mtok"] == 8.0


def test_absurd_values_in_a_mapped_entry_are_reasons_of_bounded_size(guide, feed_map, tmp_path):
    """A 5-million-digit price, a price nested 900 lists deep, a 1e-999999 price, a tier key of 5,000 digits."""
    deep = "[" * 900 + "]" * 900
    path = _feed_file(tmp_path, '{"data": ['
                      '{"id": "openai/gpt-5", "pricing": {"prompt": "' + "9" * 5_000_000 + '", "completion": "0.00001"}},'
                      '{"id": "openai/o3", "pricing": {"prompt": ' + deep + ', "completion": "0.000008"}},'
                      '{"id": "openai/o3-mini", "pricing": {"prompt": "1e-999999", "completion": "0.0000044"}},'
                      '{"id": "anthropic/claude-sonnet-4.6", "pricing": {"prompt": "0.000003", "completion": "0.000015",'
                      ' "input_cache_read": ' + deep + '}}]}')
    result = _import(path, "openrouter", guide, feed_map)
    (huge,) = _issues(result, "GPT-5", "rejected_model")
    assert "(5,000,000 characters) per token is far above the book's sane maximum" in huge.reason
    assert "a list is not a price" in _issues(result, "o3", "rejected_model")[0].reason
    assert "below the smallest sane price" in _issues(result, "o3-mini", "rejected_model")[0].reason
    (cache,) = _issues(result, "Claude Sonnet 4.6", "rejected_field")
    assert cache.field == "input_cache_read" and cache.reason == "a list is not a price"
    _, issues_path = feeds.write_snapshot(result, tmp_path)
    assert max(len(line) for line in issues_path.read_text(encoding="utf-8").splitlines()) < 1000
    assert len(tables.load_feed_issues(issues_path)) == len(result.issues)  # the report reads back
    litellm = _feed_file(tmp_path, '{"gpt-5": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, '
                         '"input_cost_per_token_above_' + "1" * 5000 + 'k_tokens": 1e-6}}', "litellm.json")
    assert _import(litellm, "litellm", guide, feed_map).imported == [("OpenAI", "GPT-5", "gpt-5")]


# --- the price history's days ----------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["2026-11-23xyz", "2026-11-23; rm -rf /", "2026-02-30", "2026-11", "", "23/11/2026"])
def test_a_day_that_is_not_a_day_is_refused_not_truncated(day):
    from lib.prices import history

    toy = pd.DataFrame({"provider": ["A"], "model": ["m"], "valid_from": ["2026-06-01"], "input_usd_per_mtok": [1.0],
                        "output_usd_per_mtok": [2.0], "cached_input_usd_per_mtok": [None],
                        "cache_write_5m_usd_per_mtok": [None], "source": ["s"], "as_of": ["2026-06"], "notes": [""]})
    with pytest.raises(ValueError, match=rf"^{re.escape(repr(day))} is not a day as YYYY-MM-DD"):
        history.prices_on(toy, day)
    assert history.prices_on(toy, "2026-11-23T10:00:00Z")["input_usd_per_mtok"].tolist() == [1.0]


def test_a_pipe_in_place_of_a_data_file_is_refused_without_blocking(data_copy):
    import os

    path = data_copy / LEVERS
    path.unlink()
    os.mkfifo(path)
    assert f"{path}: is not a regular file (a pipe or a device?)" in _message(path, LEVERS)


def test_an_openrouter_document_with_two_data_lists_reads_both_under_the_one_rule(guide, feed_map, tmp_path):
    path = _feed_file(tmp_path, '{"data": [{"id": "openai/gpt-5", "pricing": {"prompt": "0.00000125", '
                      '"completion": "0.00001"}}], "data": [{"id": "openai/gpt-5", "pricing": {"prompt": "0.0009", '
                      '"completion": "0.00001"}}, {"id": "openai/o3", "pricing": {"prompt": "0.000002", '
                      '"completion": "0.000008"}}]}')
    result = _import(path, "openrouter", guide, feed_map)
    assert _issues(result, "GPT-5", "duplicate")[0].value == "prompt: $1.25/M kept (listing 1), $900/M ignored"
    assert ("OpenAI", "o3", "openai/o3") in result.imported  # the second list is read, not dropped
