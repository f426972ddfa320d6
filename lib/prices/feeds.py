"""Import list prices from public price databases into the book's price table.

Two feeds are read as they are published:

- LiteLLM's community database, ``model_prices_and_context_window.json``: one object per model
  key, prices in USD per token as JSON numbers (``input_cost_per_token``,
  ``cache_read_input_token_cost``, ``*_batches``, ``*_above_200k_tokens`` ...).
- OpenRouter's model listing (``GET /api/v1/models``): ``{"data": [{"id", "pricing"}]}``, prices
  in USD per token as decimal strings, ``"-1"`` meaning a price set per request.

``data/price_feed_map.csv`` ties each book model to its key in each feed. A model is imported
only through that map, never by guessing from names. A price field the feed lacks stays blank
and is reported; a value that is not a sane price rejects the field (or the model, when it is
the input or output price) with the reason; a mapped key missing from the feed is reported as
vanished. Rejected and vanished models keep the guide's row, so nothing good is lost.

A key listed more than once (a repeated key in LiteLLM's object, a repeated id in OpenRouter's
list, a repeated field inside one entry) follows one rule for both feeds: listings with the same
prices are one model, merged; listings with different prices keep the first in the document, and
the import reports a ``duplicate`` issue naming the key, every listing's prices and which one won.

The result is a snapshot: every row of the guide's ``api_prices.csv`` plus one imported row per
imported model, which becomes the row the book uses for that model. It is validated with the
same schema as the guide's file before anything is written.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from lib.data import tables
from lib.data.validation import DataValidationError, Problem, load_table
# FeedError and the download limits live in feedread and are re-exported here, where callers import them.
from lib.prices.feedread import (DOWNLOAD_DEADLINE_S, FETCH_TIMEOUT_S, MAX_FEED_BYTES, FeedError,  # noqa: F401
                                 download, parse_json, read_local, repeats_of)
# How one entry reads lives in feedentries; per_mtok, FeedFormat and the field maps are re-exported here.
from lib.prices.feedentries import (LITELLM_FIELDS, OPENROUTER_FIELDS, TOKENS_PER_MTOK, FeedFormat,  # noqa: F401
                                    _duplicate_issue, _litellm_entries, _litellm_extras, _openrouter_entries,
                                    _openrouter_extras, _prices_from, _shown, per_mtok)

FEED_FORMATS: tuple[FeedFormat, ...] = ("litellm", "openrouter")
SNAPSHOT_DIR = "data/snapshots"
IN_USE_FILE = f"{SNAPSHOT_DIR}/in_use.txt"  # the snapshot the book runs on, when not the guide's prices
ISSUE_COLUMNS = ["provider", "model", "feed_key", "field", "value", "kind", "reason"]
IssueKind = Literal["rejected_model", "rejected_field", "missing_field", "vanished", "duplicate"]

REQUIRED = ("input_usd_per_mtok", "output_usd_per_mtok")
LONG_COLUMNS = ("long_context_threshold_tokens", "long_input_usd_per_mtok", "long_output_usd_per_mtok",
                "long_cached_input_usd_per_mtok", "long_context_rule")
OFFPEAK_COLUMNS = ("offpeak_input_usd_per_mtok", "offpeak_output_usd_per_mtok", "offpeak_start_utc",
                   "offpeak_end_utc")
# Columns that describe the model, not its price: carried over from the guide's row.
CARRIED_COLUMNS = ("provider", "model", "tier", "open_weight", "decode_tokens_per_s", "serving_hardware")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")


@dataclass(frozen=True)
class FeedIssue:
    """One thing about one model that did not import as a plain price."""

    provider: str
    model: str
    feed_key: str
    field: str
    value: str
    kind: IssueKind
    reason: str


@dataclass
class FeedImport:
    """A price snapshot built from one feed, and what did not make it in."""

    feed_format: FeedFormat
    location: str
    source: str
    as_of: str
    prices: pd.DataFrame
    imported: list[tuple[str, str, str]] = field(default_factory=list)  # (provider, model, feed key)
    issues: list[FeedIssue] = field(default_factory=list)
    merged_duplicates: list[str] = field(default_factory=list)  # keys listed twice with the same prices
    unmapped_duplicates: list[str] = field(default_factory=list)  # keys the map does not name, listed twice apart

    def issues_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(i) for i in self.issues], columns=ISSUE_COLUMNS)

    def summary(self) -> str:
        counts = pd.Series([i.kind for i in self.issues], dtype=object).value_counts()
        parts = [f"{len(self.imported)} model(s) imported"]
        for kind, label in (("rejected_model", "rejected (guide price kept)"), ("vanished", "missing from the feed"),
                            ("rejected_field", "price field(s) rejected"), ("missing_field", "field(s) the feed lacks"),
                            ("duplicate", "listed more than once with different prices (first listing kept)")):
            if counts.get(kind):
                parts.append(f"{counts[kind]} {label}")
        if self.merged_duplicates:
            parts.append(f"{len(self.merged_duplicates)} key(s) listed twice with the same prices (merged)")
        if self.unmapped_duplicates:
            parts.append(f"{len(self.unmapped_duplicates)} key(s) the book does not map listed twice with different "
                         f"prices (e.g. {self.unmapped_duplicates[0]!r})")
        return f"{self.source} (as of {self.as_of}): " + ", ".join(parts)


# --- reading ---------------------------------------------------------------------------------

def read_feed_json(location: str, *, deadline_s: float | None = None,
                   read_timeout_s: float | None = None) -> tuple[Any, str]:
    """Parse the feed at a URL or path; a malformed file fails with its name, line and column.

    A URL is downloaded within ``deadline_s`` seconds in all (default ``DOWNLOAD_DEADLINE_S``), each
    read waiting at most ``read_timeout_s`` (default ``FETCH_TIMEOUT_S``); see ``feedread.download``.
    Objects that repeat a key keep the first value and remember the others, for ``import_feed``.
    """
    if re.match(r"^https?://", location, flags=re.IGNORECASE):
        raw = download(location, deadline_s=deadline_s, read_timeout_s=read_timeout_s)
    else:
        raw = read_local(location)
    return parse_json(raw, location), location


# --- the import ----------------------------------------------------------------------------------

def load_feed_map(path: str | Path = "data/price_feed_map.csv") -> pd.DataFrame:
    return tables.load(path, tables.PRICE_FEED_MAP)


def import_feed(doc: Any, feed_format: FeedFormat, *, location: str, source: str, as_of: str,
                guide_prices: pd.DataFrame, feed_map: pd.DataFrame, map_label: str = "data/price_feed_map.csv"
                ) -> FeedImport:
    """Build a validated price snapshot from a parsed feed; raise FeedError if nothing sane results."""
    if feed_format not in FEED_FORMATS:
        raise FeedError(f"unknown feed format {feed_format!r}: use one of {', '.join(FEED_FORMATS)}")
    if not _DATE.match(as_of):
        raise FeedError(f"as_of {as_of!r} is not a date as YYYY-MM-DD (or YYYY-MM): the book dates every price")
    entries, later = (_litellm_entries if feed_format == "litellm" else _openrouter_entries)(doc, location)
    key_column = "litellm_key" if feed_format == "litellm" else "openrouter_id"
    book = guide_prices[guide_prices["book_uses"]].set_index(["provider", "model"])
    unknown = [Problem(map_label, f"({r['provider']}, {r['model']}) has no book row in the price table", int(idx), "model")
               for idx, r in feed_map.iterrows() if (r["provider"], r["model"]) not in book.index]
    if unknown:
        raise FeedError(str(DataValidationError(unknown)))

    result = FeedImport(feed_format, location, source, as_of, guide_prices)
    mapped = {str(k) for k in feed_map[key_column].dropna()}
    for key, listings in later.items():
        if _duplicate_issue(key, entries[key], listings, feed_format) is None:
            result.merged_duplicates.append(key)
        elif key not in mapped:
            result.unmapped_duplicates.append(key)
    new_rows: list[dict[str, Any]] = []
    replaced: list[str] = []  # the guide's price_id each new row replaces, in new_rows' order
    for _, mapping in feed_map[feed_map[key_column].notna()].iterrows():
        provider, model, key = mapping["provider"], mapping["model"], str(mapping[key_column])
        guide_row = book.loc[(provider, model)]

        def issue(field_name: str, value: str, kind: IssueKind, reason: str) -> None:
            result.issues.append(FeedIssue(provider, model, key, field_name, value, kind, reason))

        if key not in entries:
            issue("", "", "vanished", "the mapped key is not in this feed; the guide's price is kept")
            continue
        entry = entries[key]
        duplicate = _duplicate_issue(key, entry, later.get(key, []), feed_format)
        if duplicate is not None:
            issue(*duplicate[:2], "duplicate", duplicate[2])
        if not isinstance(entry, dict) or (feed_format == "openrouter" and not isinstance(entry.get("pricing"), dict)):
            issue("", _shown(entry), "rejected_model", "the entry is not an object with prices; the guide's price is kept")
            continue
        priced = entry if feed_format == "litellm" else entry["pricing"]
        fields = LITELLM_FIELDS if feed_format == "litellm" else OPENROUTER_FIELDS
        values, rejected = _prices_from(priced, fields, strings_allowed=feed_format == "openrouter")
        rejected += (_litellm_extras if feed_format == "litellm" else _openrouter_extras)(entry, values)
        if any(col not in values for col in REQUIRED):
            required = {fields[c] for c in REQUIRED}
            bad = [r for r in rejected if r[0] in required]
            why = "; ".join(f"{f}: {reason}" for f, _, reason in bad) or "no input or no output price"
            issue(", ".join(f for f, _, _ in bad), "; ".join(v for _, v, _ in bad), "rejected_model",
                  f"{why}; the guide's price is kept")
            continue
        for field_name, value, reason in rejected:
            issue(field_name, value, "rejected_field", reason)
        if values.get("cached_input_usd_per_mtok", 0) > values["input_usd_per_mtok"]:
            issue("cached input", str(values.pop("cached_input_usd_per_mtok")), "rejected_field",
                  "a cache read dearer than a miss is not a discount; left blank")
        for column in ("cached_input_usd_per_mtok", "cache_write_5m_usd_per_mtok", "cache_write_1h_usd_per_mtok",
                       "batch_discount_frac", "long_input_usd_per_mtok", "offpeak_input_usd_per_mtok"):
            if column not in values and pd.notna(guide_row[column]):
                issue(column, "", "missing_field", "the guide states this price; the feed has none, so it is blank")

        row = {col: None for col in tables.API_PRICES.column_names}
        row.update({col: guide_row[col] if col not in ("provider", "model") else (provider if col == "provider" else model)
                    for col in CARRIED_COLUMNS})
        row.update(values)
        row.update(
            price_id=f"{guide_row['price_id']}-{feed_format}", book_uses=True,
            source=source, as_of=as_of,
            choice_note=f"Imported from {source}; replaces the guide's row {guide_row['price_id']}.",
            notes=(f"Feed key: {key}. Tier, open weights, decode speed and hardware are carried from the "
                   f"guide's row {guide_row['price_id']}."),
        )
        new_rows.append(row)
        replaced.append(guide_row["price_id"])
        result.imported.append((provider, model, key))

    # A row the snapshot's own checks refuse (prices that look per-thousand, a partial tier ...)
    # rejects that model, not the feed: the guide's row stays and the reason is reported.
    for attempt in range(2):
        if not new_rows:
            raise FeedError(f"{location}: no model in {map_label} could be imported from this {feed_format} feed "
                            f"({len(result.issues)} problem(s), e.g. "
                            f"{result.issues[0].reason if result.issues else 'none mapped'})")
        snapshot = _snapshot(guide_prices, new_rows, replaced, source)
        try:
            result.prices = _validated(snapshot, label=f"snapshot of {location}")
            return result
        except FeedError as err:
            problems = getattr(err.__cause__, "problems", [])
            guide_n = len(guide_prices)
            if attempt or not problems or any(p.row is None or p.row <= guide_n for p in problems):
                raise
            bad: dict[int, list[Problem]] = {}
            for p in problems:
                bad.setdefault(p.row - guide_n - 1, []).append(p)  # type: ignore[operator]
            for i in sorted(bad, reverse=True):
                provider, model, key = result.imported.pop(i)
                del new_rows[i], replaced[i]
                result.issues = [x for x in result.issues if x.model != model or x.provider != provider
                                 or x.kind == "duplicate"]
                result.issues.append(FeedIssue(
                    provider, model, key, ", ".join(sorted({p.column or "" for p in bad[i]})), "", "rejected_model",
                    "; ".join(f"{p.column}: {p.reason}" for p in bad[i]) + "; the guide's price is kept"))
    raise AssertionError("unreachable")  # pragma: no cover


def _snapshot(guide_prices: pd.DataFrame, new_rows: list[dict[str, Any]], replaced: list[str], source: str
              ) -> pd.DataFrame:
    guide = guide_prices.copy()
    was_replaced = guide["price_id"].isin(replaced)
    guide.loc[was_replaced, "book_uses"] = False
    guide.loc[was_replaced, "choice_note"] = f"Guide's price; the book uses the row imported from {source}."
    # Every other row of a replaced model already says why it is not the book's.
    snapshot = pd.concat([guide.reset_index(drop=True), pd.DataFrame(new_rows)], ignore_index=True)
    return snapshot[tables.API_PRICES.column_names]


def to_csv_text(frame: pd.DataFrame, columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in frame[columns].itertuples(index=False):
        writer.writerow(["" if _blank(v) else _cell(v) for v in record])
    return out.getvalue()


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _cell(v: object) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v)).lower()
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _validated(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Round-trip through the CSV validator, so a snapshot is checked exactly as a file would be."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "api_prices.csv"
        path.write_text(to_csv_text(frame, tables.API_PRICES.column_names), encoding="utf-8")
        try:
            return load_table(path, tables.API_PRICES)
        except DataValidationError as err:
            raise FeedError(f"{label}: the imported prices do not validate:\n{err}".replace(str(path), label)) from err


def snapshot_paths(root: Path, feed_format: str, as_of: str) -> tuple[Path, Path]:
    """Where a snapshot and its import report live: data/snapshots/api_prices.<feed>.<as_of>[.issues].csv."""
    stem = f"api_prices.{feed_format}.{as_of}"
    return root / SNAPSHOT_DIR / f"{stem}.csv", root / SNAPSHOT_DIR / f"{stem}.issues.csv"


def issues_path_for(snapshot_csv: str | Path) -> Path:
    path = Path(snapshot_csv)
    return path.with_name(path.stem + ".issues.csv")


def write_snapshot(result: FeedImport, root: Path, folder: Path | None = None) -> tuple[Path, Path]:
    """Write the snapshot and its issues beside each other, in data/snapshots or in ``folder``
    (the refresh stages them there until the book has run on them); never touches
    data/api_prices.csv. Each file is replaced atomically: a reader sees the old one or the new."""
    prices_path, issues_path = snapshot_paths(root, result.feed_format, result.as_of)
    if folder is not None:
        prices_path, issues_path = folder / prices_path.name, folder / issues_path.name
    prices_path.parent.mkdir(parents=True, exist_ok=True)
    for path, text in ((prices_path, to_csv_text(result.prices, tables.API_PRICES.column_names)),
                       (issues_path, to_csv_text(result.issues_frame(), ISSUE_COLUMNS))):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return prices_path, issues_path


def main(argv: list[str] | None = None) -> int:
    """``python -m lib.prices.feeds``: import a feed into data/snapshots (lib/prices/import_cli.py)."""
    from lib.prices.import_cli import main as import_main

    return import_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
