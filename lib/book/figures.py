"""Key figures: formatted for prose, glued for ``{glue:text}``, and registered for the refresh.

``record("gpt5_query_usd", 0.0135, "usd")`` does two things at once (and returns nothing, so
it never prints a stray value as a cell's last expression):
- glues the text a reader sees ("$0.0135") under the name, so the chapter's prose can say ``{glue:text}`gpt5_query_usd```;
- tags the glued output with the raw value and unit, which the refresh reads back from the
  executed notebook to write ``book/figures.csv`` and report every figure that moved.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
from IPython.display import display

GLUE_PREFIX = "application/papermill.record/"  # what myst_nb.glue(display=False) writes
FIGURE_METADATA_KEY = "book_figure"
CONCLUSION_METADATA_KEY = "book_conclusion"
REGISTRY_SIG_DIGITS = 12  # stable across platforms' last-bit float noise


def _decimals_for(x: float, sig: int) -> int:
    return max(0, sig - 1 - int(math.floor(math.log10(abs(x))))) if x else 0


def fmt_usd(x: float, sig: int = 3) -> str:
    """Dollars: whole dollars from $100, cents from $1, else ``sig`` significant figures."""
    if math.isnan(x):
        return "n/a"
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a >= 100:
        return f"{sign}${a:,.0f}"
    if a >= 1:
        return f"{sign}${a:,.2f}"
    # Significant figures without trailing zeros, but never fewer than cents: $0.80, $0.045.
    text = f"{a:.{_decimals_for(a, sig)}f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return f"{sign}${a:.{max(2, decimals)}f}"


def fmt_number(x: float, sig: int = 3) -> str:
    """Whole numbers with thousands separators; others to ``sig`` significant figures."""
    if math.isnan(x):
        return "n/a"
    if float(x).is_integer() or abs(x) >= 10 ** sig:
        return f"{x:,.0f}"
    text = f"{x:,.{_decimals_for(x, sig)}f}"
    # Only a fraction's trailing zeros go: "150" stays "150", "1.50" reads "1.5".
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_ratio(x: float, sig: int = 2) -> str:
    return "n/a" if math.isnan(x) else f"{fmt_number(x, sig)}×"


def fmt_pct(x: float, sig: int = 2) -> str:
    """A fraction (0.85) as a percentage ("85%")."""
    return "n/a" if math.isnan(x) else f"{fmt_number(100 * x, sig)}%"


def fmt_signed_pct(x: float, sig: int = 2) -> str:
    """A change as a signed percentage: "+12%", "−67%", "0%" (a true minus sign, as in print)."""
    if math.isnan(x):
        return "n/a"
    if abs(x) < 5e-5:
        return "0%"
    return ("+" if x > 0 else "\u2212") + fmt_pct(abs(x), sig)


def fmt_bytes(x: float, sig: int = 3) -> str:
    """Bytes in decimal units (as HBM is sold): 2,621,440 -> "2.62 MB", 3.355e11 -> "336 GB"."""
    if math.isnan(x):
        return "n/a"
    for scale, name in ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if abs(x) >= scale:
            v = x / scale
            break
    else:
        v, name = x, "bytes"
    text = f"{v:,.{_decimals_for(v, sig)}f}"
    if "." in text:  # drop trailing zeros of the fraction only, never of the whole part
        text = text.rstrip("0").rstrip(".")
    return f"{text} {name}"


def fmt_tokens(x: float) -> str:
    """Token counts: "1,500", "250,000"; from a billion in words, "39.4 trillion", since twelve digits
    with separators are hard to read at a glance."""
    if math.isnan(x):
        return "n/a"
    for scale, name in ((1e12, "trillion"), (1e9, "billion")):
        if abs(x) >= scale:
            return f"{fmt_number(x / scale, 3)} {name}"
    return fmt_number(x, 4)


FORMATTERS: dict[str, Callable[[float], str]] = {
    "usd": fmt_usd, "usd_per_request": fmt_usd, "usd_per_day": fmt_usd, "usd_per_month": fmt_usd,
    "usd_per_year": fmt_usd, "usd_per_mtok": fmt_usd, "usd_per_user_month": fmt_usd,
    "ratio": fmt_ratio, "fraction": fmt_pct, "signed_fraction": fmt_signed_pct, "tokens": fmt_tokens,
    "tokens_per_s": lambda x: fmt_number(x, 3), "requests_per_s": lambda x: fmt_number(x, 3),
    "count": lambda x: fmt_number(x, 4),
    "bytes": fmt_bytes,
}


def format_value(value: float, unit: str) -> str:
    """How a value in ``unit`` reads in prose; unknown units get 3 significant figures."""
    return FORMATTERS.get(unit, fmt_number)(float(value))


def _stable(value: float) -> float:
    return float(f"{value:.{REGISTRY_SIG_DIGITS}g}")


MISSING_TEXT = "n/a (not in the data in use)"


def missing_text(reason: str = "") -> str:
    """How a figure the data cannot give reads: "n/a (<reason>)", or MISSING_TEXT with no reason."""
    return f"n/a ({reason})" if reason else MISSING_TEXT


def record(name: str, value: float, unit: str, *, infinite_text: str = "unbounded", missing: str = "") -> None:
    """Glue ``name`` as formatted text and register (name, value, unit) for the refresh report.

    A value the data cannot give (NaN or NA: a price a feed lacks) reads as "n/a (``missing``)", or
    MISSING_TEXT when no reason is given; an infinite one (a break-even never reached) reads as
    ``infinite_text``."""
    value = math.nan if value is None or value is pd.NA else float(value)
    if not name.isidentifier():
        raise ValueError(f"figure name {name!r} must be a Python identifier (it is a glue key)")
    if math.isfinite(value):
        shown = format_value(value, unit)
    else:
        shown = missing_text(missing) if math.isnan(value) else infinite_text
    display(
        {GLUE_PREFIX + "text/plain": repr(shown)},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX},
                  # JSON has no NaN or inf; a figure a price feed cannot give is stored as null.
                  FIGURE_METADATA_KEY: {"name": name, "value": _stable(value) if math.isfinite(value) else None,
                                        "unit": unit}},
    )


def glue_text(name: str, text: str, metadata: dict | None = None) -> None:
    """Glue a piece of computed text (a model name, a verdict) that is not a numeric figure;
    ``metadata`` rides along on the output (a count's claim ids, say)."""
    display({GLUE_PREFIX + "text/plain": repr(text)}, raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}, **(metadata or {})})


def record_conclusion(name: str, text: str) -> None:
    """Glue a conclusion (the cheapest model, a ranking, a verdict) and register it for the refresh,
    which reports every conclusion that flipped. Prose that merely carries numbers is glue_text."""
    if not name.isidentifier():
        raise ValueError(f"conclusion name {name!r} must be a Python identifier (it is a glue key)")
    text = str(text)
    display({GLUE_PREFIX + "text/plain": repr(text)}, raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX},
                      CONCLUSION_METADATA_KEY: {"name": name, "text": text}})


def fmt_signed_pp(x: float, sig: int = 2) -> str:
    """A change in a share, given as a fraction (0.026), in percentage points: "+2.6 pp", "−16 pp"."""
    if math.isnan(x):
        return "n/a"
    if abs(x) < 5e-5:
        return "0 pp"
    return ("+" if x > 0 else "\u2212") + f"{fmt_number(100 * abs(x), sig)} pp"


# A margin moves in percentage points, not percent: "+2.6 pp" of revenue, not "+2.6%" of the margin.
FORMATTERS["signed_pp"] = fmt_signed_pp
