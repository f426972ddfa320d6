"""Dates the book is told on its command lines (a feed's ``--as-of``): a real calendar day,
written YYYY-MM-DD, or a clear refusal before anything runs."""

from __future__ import annotations

import argparse
import re
from datetime import date

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def calendar_date(text: str) -> date:
    """The day ``text`` names. ValueError, saying which rule it breaks, for anything else:
    ``date.fromisoformat`` alone would take ``20261130`` and ``2026-W48-1`` too."""
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a day of the calendar") from None


def as_of_argument(text: str) -> str:
    """argparse ``type=`` for ``--as-of``: the text back when it is a real day."""
    try:
        calendar_date(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{err}: give the day the prices are from, e.g. 2026-11-30") from None
    return text
