"""How much of the guide the registry checks: every figure the guide states with a number, by section.

The guide's text is split at its headings (a short line standing alone between blank lines, with
no closing punctuation). In each section a *numbered figure* is a money amount ("$0.004",
"$25–$40"), a share ("80%"), a multiple ("25×", but not a hardware count such as "8× H100") or a
scaled count ("100k", "40–100B"). A figure is *registered* when a claim of
``data/guide_claims.csv`` whose ``source`` is that section (or a section of the same name) quotes
it. Years and list numbering are not figures.

This is a measurement for the book to report, not a proof: the figure may be quoted in a claim of
another section, or be part of a table row the registry records under a neighbouring heading.
Both make the count conservative (an unregistered figure is one no claim of its section quotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
import pandas as pd


_DASH = "[–-]"
_MONEY = rf"\$\d[\d,]*(?:\.\d+)?(?:\s?[kKMBT](?![a-zA-Z]))?(?:\s?{_DASH}\s?\$?\d[\d,]*(?:\.\d+)?(?:\s?[kKMBT](?![a-zA-Z]))?)?"
_SHARE = rf"\d+(?:\.\d+)?(?:{_DASH}\d+(?:\.\d+)?)?\s?%"
# A multiple, unless a capitalised name follows (8× H100 is a node's size, not a claim).
_MULTIPLE = rf"\d+(?:\.\d+)?(?:{_DASH}\d+(?:\.\d+)?)?\s?[×x](?![a-zA-Z])(?!\s?[A-Z])"
_SCALED = rf"\b\d+(?:\.\d+)?(?:{_DASH}\d+(?:\.\d+)?)?[kMBT]\b"
FIGURE = re.compile(f"{_MONEY}|{_SHARE}|{_MULTIPLE}|{_SCALED}")


@dataclass(frozen=True)
class Section:
    title: str
    first_line: int  # 1-based line of the heading in the guide
    body: str


def _is_heading(line: str, before: str, after: str) -> bool:
    text = line.strip()
    return (0 < len(text) <= 100 and not before.strip() and not after.strip()
            and text[-1] not in ".:;,!?" and not text.startswith(("•", "-", "*"))
            and not FIGURE.search(text[:1]) and sum(ch.isalpha() for ch in text) >= 3)


def sections(guide_text: str) -> list[Section]:
    """The guide split at its headings, in order (text before the first heading is the opening)."""
    lines = guide_text.splitlines()
    heads = [i for i in range(1, len(lines) - 1) if _is_heading(lines[i], lines[i - 1], lines[i + 1])]
    out, starts = [], [0, *heads]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        title = lines[start].strip() if k else "(opening)"
        out.append(Section(title, start + 1, "\n".join(lines[start + (1 if k else 0):end])))
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).replace("-", "–").replace("x", "×")


def figures_in(text: str) -> list[str]:
    """The numbered figures of a text, in order, as written."""
    return [m.group(0).strip() for m in FIGURE.finditer(text)]


FRONT_MATTER = ("(opening)", "Table of contents", "Glossary")


GUIDE_SOURCE = "AI Inference Cost Economics: The Complete Guide"
GUIDE_AS_OF = "2026-06"


def guide_figures(guide_text: str, sources: set[str]) -> pd.DataFrame:
    """One row per numbered figure of the guide: its section, the section a claim would name as its
    ``source`` (the section itself or the nearest heading above it that claims cite), the heading's
    line and the figure as written. No sentence of the guide is kept."""
    known = {s.strip().lower() for s in sources}
    rows, group = [], "(opening)"
    for sec in sections(guide_text):
        if sec.title.lower() in known or group == "(opening)":
            group = sec.title
        if sec.title in FRONT_MATTER or sec.title.startswith("By "):
            continue
        for fig in figures_in(sec.body):
            rows.append({"section": sec.title, "claim_section": group, "line": sec.first_line, "figure": fig,
                         "source": GUIDE_SOURCE, "as_of": GUIDE_AS_OF})
    # A figure written twice in one section is one figure to register.
    return pd.DataFrame(rows, columns=["section", "claim_section", "line", "figure", "source", "as_of"]).drop_duplicates(
        ["line", "section", "figure"], ignore_index=True)


def coverage(figures: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """``figures`` (``guide_figures``' table) with ``registered``: whether a claim whose source is the
    figure's section, or the section claims name for it, quotes the figure."""
    quoted: dict[str, str] = {}
    for source, quote, written in zip(claims["source"], claims["quote"], claims["written"].fillna("")):
        key = str(source).strip().lower()
        quoted[key] = quoted.get(key, "") + " " + _norm(quote) + " " + _norm(written)
    text = [quoted.get(str(a).lower(), "") + quoted.get(str(b).lower(), "")
            for a, b in zip(figures["section"], figures["claim_section"])]
    return figures.assign(registered=[_norm(f) in t for f, t in zip(figures["figure"], text)])


def by_section(table: pd.DataFrame) -> pd.DataFrame:
    """Numbered figures and registered ones per section, in the guide's order."""
    grouped = table.groupby(["line", "section"], sort=True)["registered"].agg(figures="size", registered="sum")
    out = grouped.reset_index().drop(columns="line")
    out["registered"] = out["registered"].astype(int)
    out["share_registered"] = out["registered"] / out["figures"]
    return out


