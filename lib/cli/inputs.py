"""What the commands read: the user's files (by path, from the working directory), the default data
folder, price lists and price histories, and the billing rules.

The library's loaders resolve a relative path against the project root (chapters run from several
folders); a user's relative path means their working directory, so every path given on the command
line is made absolute here first.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from lib.cli.exits import DATA_ERROR, NO_INPUT, CliError
from lib.data import paths, tables
from lib.data.dates import calendar_date
from lib.prices import history

# data/snapshots/api_prices.<feed>.<YYYY-MM-DD>.csv (lib.prices.feeds.snapshot_paths); .issues.csv is its report.
SNAPSHOT_NAME = re.compile(r"^api_prices\.(?P<feed>[A-Za-z0-9_-]+)\.(?P<day>[^.]+)\.csv$")


def user_path(text: str | Path, what: str, *, folder_ok: bool = False) -> Path:
    """An existing file (or folder) the user named, absolute; a missing one is exit 66 naming it."""
    path = Path(text).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    if not path.exists():
        raise CliError(f"{text}: no such file or folder ({what})", NO_INPUT)
    if path.is_dir() and not folder_ok:
        raise CliError(f"{text}: a folder, not a file ({what})", NO_INPUT)
    return path


def data_folder(given: str | None) -> Path:
    """``--data-dir`` when given, else the checkout's ``data/`` or the copy installed with the package."""
    if given:
        return user_path(given, "the data folder (--data-dir)", folder_ok=True)
    try:
        return paths.data_dir()
    except FileNotFoundError as err:
        raise CliError(str(err), NO_INPUT) from None


def billing_rules(data: Path) -> pd.DataFrame:
    """The billing rules, always passed on explicitly: the library's default path means a checkout."""
    return tables.load_billing_rules(user_path(data / "billing_rules.csv", "the billing rules"))


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        return [h.strip() for h in next(csv.reader(fh), [])]


def price_list(path: Path) -> pd.DataFrame:
    """A price list of the ``api_prices.csv`` schema (the guide's file, a feed snapshot, the user's own)."""
    frame = tables.load_api_prices(path)
    frame.attrs["source_file"] = str(path)
    return frame


def dated_prices(given: str | None, data: Path) -> tuple[pd.DataFrame, str]:
    """The prices a call log is costed at, and how to name them: (frame, label).

    - nothing: ``data/price_history.csv``, each call at the price in force on its day;
    - a file with a ``valid_from`` column: a price history of that schema;
    - any other file: a price list of the ``api_prices`` schema, holding for every day;
    - a folder of feed snapshots (``api_prices.<feed>.<YYYY-MM-DD>.csv``): a history of the guide's
      prices (from ``data/``, valid from the guide's month) and each snapshot's imported prices,
      valid from its day, as ``lib.prices.history`` builds the book's own history.
    """
    if given is None:
        path = user_path(data / "price_history.csv", "the price history")
        frame = tables.load_price_history(path)
        frame.attrs["source_file"] = str(path)
        return frame, f"the prices in force on each call's day ({path.name})"
    path = user_path(given, "the prices (--prices)", folder_ok=True)
    if path.is_dir():
        return _snapshot_history(path, data)
    if "valid_from" in _header(path):
        frame = tables.load_price_history(path)
        frame.attrs["source_file"] = str(path)
        return frame, f"the prices in force on each call's day ({path.name})"
    return price_list(path), f"the prices of {path.name} on every day"


def _snapshot_history(folder: Path, data: Path) -> tuple[pd.DataFrame, str]:
    snaps = []
    for p in sorted(folder.glob("api_prices.*.csv")):
        if p.name.endswith(".issues.csv"):
            continue
        m = SNAPSHOT_NAME.match(p.name)
        if m is None:
            continue
        try:
            day = calendar_date(m["day"]).isoformat()
        except ValueError as err:
            raise CliError(f"{p}: the snapshot's name carries no day ({err}); snapshots are named "
                           "api_prices.<feed>.<YYYY-MM-DD>.csv", DATA_ERROR) from None
        snaps.append((day, p))
    if not snaps:
        raise CliError(f"{folder}: no price snapshot in this folder (api_prices.<feed>.<YYYY-MM-DD>.csv)", DATA_ERROR)
    guide = price_list(user_path(data / "api_prices.csv", "the guide's prices"))
    parts = [history.history_rows(guide, history.GUIDE_VALID_FROM, notes="the guide's price (book row)")]
    for day, p in sorted(snaps):
        parts.append(history.history_rows(price_list(p), day, only_as_of=day,
                                          notes=f"imported in {p.name}: the price held on {day} at the latest"))
    # The same precedence as history.build_price_history: the first source listed for a day wins.
    frame = pd.concat(parts, ignore_index=True).drop_duplicates(["provider", "model", "valid_from"], keep="first")
    frame = frame.sort_values(["provider", "model", "valid_from"], kind="stable").reset_index(drop=True)
    frame.attrs["source_file"] = str(folder)
    names = ", ".join(p.name for _, p in sorted(snaps))
    return frame, f"the prices in force on each call's day (the guide's, then {names})"
