"""Every verdict count a chapter glues agrees with the verdicts it recorded (issue 16, item 6).

A count sentence ("13 of the 43 figures checked here hold; 30 do not", "Of the guide's 43 figures
checked in this chapter, 9 agree, ...") is read from each executed notebook's glued values and
compared with the verdicts recorded in ``book/conclusions.csv`` for the claims that belong to that
chapter (``verdict_<claim id>`` rows whose claim the registry gives to the chapter). The book-wide
sentences ("... figures the book recomputes ...") are compared with every recorded verdict. A count
typed by hand into a markdown cell is refused outright: prose counts are glued.

Before issue 16, bottom_line's answer said "43 of the 43 figures checked here hold" while its own
table showed 22 misses (it counted verdicts with a hand-written ``!=``); this test names such a
sentence, its notebook and the counts it should have given.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from lib.book import guide
from lib.data import tables
from tests.conftest import ROOT

BOOK = ROOT / "book"
NUM = r"(\d[\d,]*)"
# holds_sentence: "31 of the 43 figures checked here hold; 12 do not"
HOLDS = re.compile(NUM + r" of the " + NUM + r" figures checked (?:here|in [^;]+?|against [^;]+?) holds?"
                   r"(?:; " + NUM + r" do(?:es)? not)?")
# verdict_summary: "Of the guide's 43 figures checked in this chapter, 9 agree, ... and 4 disagree ..."
SUMMARY = re.compile(r"Of the guide(?:'|&#x27;|’)s " + NUM + r" figures checked (?:in|against) [^,]+, ([^.]*)\.")
# The book-wide sentences of the trust chapter and the landing page.
BOOK_SUMMARY = re.compile(r"Of the guide(?:'|&#x27;|’)s " + NUM + r" figures the book recomputes, ([^.]*)\.")
BOOK_MISSES = re.compile(NUM + r" of the " + NUM + r" figures the book recomputes do not hold")
ANY_COUNT = re.compile(r"\d+ of the \d+ figures|Of the guide(?:'|’)s \d+ figures")


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _phrases() -> dict[str, str]:
    """Each verdict's phrase as a count sentence writes it, singular and plural: phrase -> verdict."""
    out = {}
    for v in guide.VERDICTS:
        for n in (1, 2):
            out[guide.verdict_phrase(v, n).split(" ", 1)[1]] = v
    return out


PHRASES = _phrases()


def counted_claims(notebook: Path) -> dict[str, list[str]]:
    """name -> the claim ids a part-of-the-chapter count says it counts (``guide.glue_count``)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            meta = o.get("metadata", {})
            if guide.COUNTED_METADATA_KEY in meta:
                out[meta["scrapbook"]["name"]] = list(meta[guide.COUNTED_METADATA_KEY])
    return out


def glued_texts(notebook: Path) -> dict[str, str]:
    """name -> glued text of every scrapbook value a notebook stores."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            text = o.get("data", {}).get("application/papermill.record/text/plain")
            if name and text is not None:
                try:
                    value = ast.literal_eval(text)  # the repr of the glued str or number
                except (ValueError, SyntaxError):
                    value = text
                out[name] = str(value)
    return out


def markdown_sources(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "markdown"]


def recorded_counts(conclusions: pd.DataFrame, claims: pd.DataFrame, chapter: str | None,
                    only: list[str] | None = None) -> dict[str, int]:
    """Verdict counts (every verdict, plus holds and misses) recorded for a chapter's claims (None: all),
    or for ``only`` those claims of it."""
    rows = conclusions[conclusions["name"].str.startswith("verdict_")].copy()
    rows["claim_id"] = rows["name"].str.slice(len("verdict_"))
    owner = claims.set_index("claim_id")["chapter"]
    if chapter is not None:
        rows = rows[rows["claim_id"].map(owner) == chapter]
    if only is not None:
        missing = sorted(set(only) - set(rows["claim_id"]))
        if missing:
            raise AssertionError(f"{chapter}: a count names claims it has no recorded verdict for: {missing}")
        rows = rows[rows["claim_id"].isin(only)]
    return guide.count_verdicts(pd.DataFrame({"verdict": rows["text"].tolist()}))


def problems_in_summary(parts_text: str, total: int, counts: dict[str, int]) -> list[str]:
    """What a verdict_summary-style sentence gets wrong against the counts."""
    problems = []
    judged = sum(counts[v] for v in guide.VERDICTS)
    if total != judged:
        problems.append(f"says {total} figures, recorded {judged}")
    parts = [p.strip() for p in re.split(r", | and ", parts_text) if p.strip()]
    said: Counter[str] = Counter()
    for part in parts:
        if part == "none is wrong":
            if counts["misses"]:
                problems.append(f"says none is wrong, recorded {counts['misses']} misses")
            continue
        m = re.fullmatch(NUM + r" (.+)", part)
        if not m or m.group(2) not in PHRASES:
            problems.append(f"cannot read the count {part!r}")
            continue
        said[PHRASES[m.group(2)]] += _int(m.group(1))
    for v in guide.VERDICTS:
        if said.get(v, 0) != counts[v] and (v in said or counts[v]):
            problems.append(f"{v}: says {said.get(v, 0)}, recorded {counts[v]}")
    return problems


def problems_in(texts: dict[str, str], counts: dict[str, int], book_counts: dict[str, int]) -> list[str]:
    """Every count sentence among a notebook's glued texts that disagrees with the recorded verdicts."""
    problems = []
    for name, text in texts.items():
        for m in HOLDS.finditer(text):
            holds, checked = _int(m.group(1)), _int(m.group(2))
            if holds != counts["holds"] or checked != counts["holds"] + counts["misses"]:
                problems.append(f"{name}: {m.group(0)!r}, recorded {counts['holds']} of "
                                f"{counts['holds'] + counts['misses']} hold")
            if m.group(3) is not None and _int(m.group(3)) != counts["misses"]:
                problems.append(f"{name}: {m.group(0)!r}, recorded {counts['misses']} misses")
        for m in SUMMARY.finditer(text):
            problems += [f"{name}: {p}" for p in problems_in_summary(m.group(2), _int(m.group(1)), counts)]
        for m in BOOK_SUMMARY.finditer(text):
            problems += [f"{name} (book-wide): {p}"
                         for p in problems_in_summary(m.group(2), _int(m.group(1)), book_counts)]
        for m in BOOK_MISSES.finditer(text):
            misses, total = _int(m.group(1)), _int(m.group(2))
            if misses != book_counts["misses"] or total != sum(book_counts[v] for v in guide.VERDICTS):
                problems.append(f"{name} (book-wide): {m.group(0)!r}, recorded {book_counts['misses']} of "
                                f"{sum(book_counts[v] for v in guide.VERDICTS)}")
    return problems


def notebooks(book: Path) -> list[Path]:
    return sorted(p for p in book.glob("*.ipynb") if not p.name.startswith("_"))


def check_book(book: Path) -> list[str]:
    claims = tables.load_guide_claims()
    conclusions = pd.read_csv(book / "conclusions.csv", dtype=str, keep_default_na=False)
    book_counts = recorded_counts(conclusions, claims, None)
    problems = []
    for nb in notebooks(book):
        chapter = nb.stem
        texts = glued_texts(nb)
        scoped = counted_claims(nb)
        whole = recorded_counts(conclusions, claims, chapter)
        problems += [f"{chapter}: {p}" for p in problems_in({n: t for n, t in texts.items() if n not in scoped},
                                                            whole, book_counts)]
        for name, ids in scoped.items():
            part = recorded_counts(conclusions, claims, chapter, only=ids)
            problems += [f"{chapter}: {p}" for p in problems_in({name: texts[name]}, part, book_counts)]
        for src in markdown_sources(nb):
            for m in ANY_COUNT.finditer(src):
                problems.append(f"{chapter}: a verdict count typed into the prose: {m.group(0)!r}")
    return problems


def test_every_glued_count_agrees_with_the_recorded_verdicts():
    problems = check_book(BOOK)
    assert not problems, "glued verdict counts that disagree with book/conclusions.csv:\n" + "\n".join(problems)


def test_the_book_has_count_sentences_to_check():
    """The patterns still find the sentences lib writes (a reworded sentence would pass silently)."""
    table = pd.DataFrame({"verdict": [guide.AGREES, guide.ROUNDING, guide.WRONG_ARITHMETIC]})
    assert HOLDS.search(guide.holds_sentence(table))
    assert SUMMARY.search(guide.verdict_summary(table))
    found = [n for nb in notebooks(BOOK) for n, t in glued_texts(nb).items() if HOLDS.search(t) or SUMMARY.search(t)]
    assert len(found) >= 10, found


@pytest.fixture
def tampered_book(tmp_path: Path) -> Path:
    """A copy of book/'s records and one chapter notebook whose glued count is one off."""
    nb = next(p for p in notebooks(BOOK) if any(SUMMARY.search(t) for t in glued_texts(p).values()))
    (tmp_path / "conclusions.csv").write_bytes((BOOK / "conclusions.csv").read_bytes())
    text = nb.read_text(encoding="utf-8")
    m = re.search(r"Of the guide(?:'|\\u2019)s (\d+) figures checked in this chapter", text)
    assert m, nb
    tampered = text[:m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1):]
    (tmp_path / nb.name).write_text(tampered, encoding="utf-8")
    return tmp_path


def test_a_tampered_count_fails(tampered_book: Path):
    problems = check_book(tampered_book)
    assert problems and all("figures, recorded" in p for p in problems), problems


def test_the_old_bottom_line_miscount_fails():
    """The issue's example: every figure said to hold while the table showed misses."""
    counts = guide.count_verdicts(pd.DataFrame({"verdict": [guide.AGREES] * 21 + [guide.WRONG_ARITHMETIC] * 22}))
    problems = problems_in({"bl_answer": "43 of the 43 figures checked here hold. The forecasting recipe ..."},
                           counts, counts)
    assert problems and "recorded 21 of 43 hold" in problems[0]


def test_a_summary_that_leaves_a_verdict_out_fails():
    counts = guide.count_verdicts(pd.DataFrame({"verdict": [guide.AGREES] * 2 + [guide.PREMISE_FAILED]}))
    text = "Of the guide's 3 figures checked in this chapter, 2 agree, 0 differ by rounding and none is wrong."
    problems = problems_in({"x": text}, counts, counts)
    assert any("none is wrong" in p for p in problems) and any(guide.PREMISE_FAILED in p for p in problems)
    right = guide.verdict_summary(pd.DataFrame({"verdict": [guide.AGREES] * 2 + [guide.PREMISE_FAILED]}))
    assert problems_in({"x": right}, counts, counts) == []
