"""How close a figure must be to the guide's to "round" to it: read from how the guide wrote it.

A guide that writes "$15,000" claims two significant figures: anything from $14,500 to $15,500
rounds to it, and $13,500 does not. "$0.004" claims one: $0.0035 to $0.0045. A hedge ("~",
"roughly", "about") widens that to a whole unit of the last figure, and never less than 10 %.
Nothing rounds by more than a quarter: a check whose tolerance reached a third would still
"round" after the guide's figure was doubled or halved, which is a check that cannot fail.

The precision is read from the claim's ``written`` column when the registry gives it (the figure
exactly as the guide prints it: "~$0.004", "40–100B") and otherwise from the figure as the
registry stores it (15000 has two significant figures: trailing zeros of a whole number are not
significant; 0.625 has three). The hedge is read from ``written`` or, without it, from the quote.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

# Within this a figure agrees outright (float noise, a cent on a price); beyond it and within the
# written precision it is "rounding".
AGREE_REL = 0.005
HEDGED_MIN_REL = 0.10
MAX_REL = 0.25

_HEDGE = re.compile(r"~|≈|\b(roughly|about|around|approximately|approx\.?|nearly|almost|on the order of|"
                    r"order of magnitude|ballpark|circa|ca\.)\b", re.IGNORECASE)
# One number as printed: digits with thousands commas and a fraction, then an optional scale suffix.
_NUMBER = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
                     r"(?P<suffix>trillion|billion|million|thousand|[kKMBT](?![a-zA-Z])|%)?")
_SCALE = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6, "B": 1e9, "billion": 1e9,
          "T": 1e12, "trillion": 1e12, "%": 1e-2}


def significant_figures(text: str) -> int:
    """Significant figures of a number as printed: "15,000" -> 2, "0.004" -> 1, "2.50" -> 3, "4500" -> 2."""
    digits = text.replace(",", "")
    if "." in digits:
        whole, frac = digits.split(".", 1)
        stripped = (whole + frac).lstrip("0")
        return max(1, len(stripped))
    return max(1, len(digits.lstrip("0").rstrip("0")))


def stored_significant_figures(value: float) -> int:
    """Significant figures of a figure as the registry stores it (its shortest decimal form)."""
    if value == 0 or not math.isfinite(value):
        return 1
    text = format(Decimal(repr(abs(float(value)))).normalize(), "f")
    return significant_figures(text)


def parse_written(text: str) -> list[float]:
    """The numbers a written figure states, with their scale: "40–100B" -> [4e10, 1e11], "~$0.004" -> [0.004].

    A scale written only after a range's last number applies to every number of it ("40–100B")
    that it keeps in order ("512–2k" is 512 to 2,000)."""
    found = [(float(m["num"].replace(",", "")), m["suffix"]) for m in _NUMBER.finditer(text)]
    if not found:
        raise ValueError(f"no number in the written figure {text!r}")
    last_value, last_suffix = found[-1][0] * _SCALE.get(found[-1][1] or "", 1.0), found[-1][1]
    # "40–100B" is 40B to 100B, but "512–2k" is 512 to 2,000: the trailing scale applies to an
    # earlier number only where that keeps the range in order.
    return [v * (_SCALE.get(s, 1.0) if s else _SCALE.get(last_suffix or "", 1.0)
                 if v * _SCALE.get(last_suffix or "", 1.0) <= last_value else 1.0) for v, s in found]


def written_significant_figures(text: str) -> list[int]:
    """Significant figures of each number of a written figure, in order."""
    return [significant_figures(m["num"]) for m in _NUMBER.finditer(text)]


def hedged(text: str) -> bool:
    """Whether the guide hedges the figure ("~", "roughly", "about", ...)."""
    return bool(_HEDGE.search(text or ""))


def relative_tolerance(value: float, sig_figs: int, is_hedged: bool) -> float:
    """Half a unit in the last significant place, as a share of the value; a whole unit (at least
    10 %) when hedged; never under ``AGREE_REL`` nor over ``MAX_REL``."""
    if value == 0 or not math.isfinite(value):
        return AGREE_REL
    exponent = math.floor(math.log10(abs(value)))
    half_unit = 0.5 * 10.0 ** (exponent - sig_figs + 1)
    rel = half_unit / abs(value)
    if is_hedged:
        rel = max(2 * rel, HEDGED_MIN_REL)
    return min(max(rel, AGREE_REL), MAX_REL)


def claim_tolerances(value: float | None, low: float | None, high: float | None,
                     written: str | None, quote: str) -> tuple[float, float]:
    """Relative tolerance of a claim's point (twice) or of its range's low and high ends."""
    is_hedged = hedged(written if written else quote)
    ends = [v for v in (value, low, high) if v is not None and not _nan(v)]
    if written:
        sig = written_significant_figures(written)
        if len(sig) < len(ends):
            raise ValueError(f"the written figure {written!r} states {len(sig)} number(s); the claim has {len(ends)}")
        sig = sig[-len(ends):] if len(ends) == 1 else [sig[0], sig[-1]]
    else:
        sig = [stored_significant_figures(v) for v in ends]
    tols = [relative_tolerance(v, s, is_hedged) for v, s in zip(ends, sig)]
    return (tols[0], tols[0]) if len(tols) == 1 else (tols[0], tols[1])


def _nan(x: object) -> bool:
    return isinstance(x, float) and math.isnan(x)
