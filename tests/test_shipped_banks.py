"""Checks on the question banks shipped in question_banks/ (stdlib only).

Every question must quote the source article verbatim (whitespace-normalized), the
banks together must cover all five parts of the article and all nine question types,
and question ids must be unique across banks.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BANK_DIR = ROOT / "question_banks"
ARTICLE = BANK_DIR / "articles" / "stem-cells-autoimmune-therapy.txt"

TITLE = "Stem Cells: A Promising Avenue Towards Effortless Autoimmune Therapy"
# Headings that start parts 2..5; part 1 runs from the title to the first of these.
# "Understanding Autoimmune Diseases ..." belongs to part 1 (intro + that section).
PART_HEADINGS = [
    "The Potential of Stem Cells in Autoimmune Therapy",
    "Hematopoietic Stem Cell Transplantation (HSCT) for Autoimmune Conditions",
    "Mesenchymal Stem Cell (MSC) Therapy: A More Modulated Approach",
    "The Future of Stem Cells in Autoimmune Therapy",
]
ALL_HEADINGS = [
    "Understanding Autoimmune Diseases and Current Treatment Limitations",
    *PART_HEADINGS,
]
PART_NAMES = ["intro/autoimmune basics", "stem cell potential", "HSCT", "MSC therapy", "future"]
QUESTION_TYPES = {
    "multiple_choice",
    "multiple_select",
    "true_false",
    "short_answer",
    "numeric",
    "cloze",
    "ordering",
    "matching",
    "flashcard",
}
HSCT_STEPS = [
    "stem cell collection",
    "conditioning regimen",
    "stem cell infusion",
    "immune reconstitution",
]
# Issue 3 asked for 80; issue 13's review showed that this 1,000-word article cannot carry
# 80 questions without repeating itself (18 on a 95-word section). Density now follows the
# article: at most 4 questions quote any one sentence (test_no_sentence_is_over_mined).
MIN_TOTAL = 60
MIN_PER_PART = 8


def norm(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return re.sub(r"\s+", " ", text).strip()


def _article_and_part_starts() -> tuple[str, list[int]]:
    """The normalized article and the offsets (in it) where parts 2..5 begin."""
    lines = [norm(line) for line in ARTICLE.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    starts: list[int] = []
    offset = 0
    pending = list(PART_HEADINGS)
    for line in lines:
        if pending and line == pending[0]:
            starts.append(offset)
            pending.pop(0)
        offset += len(line) + 1  # the joining space
    assert not pending, f"headings not found as whole lines, in order: {pending}"
    return " ".join(lines), starts


ARTICLE_NORM, PART_STARTS = _article_and_part_starts()


def part_of(offset: int) -> int:
    """0-based index of the article part containing this offset."""
    return sum(1 for start in PART_STARTS if offset >= start)


def _load_banks() -> dict[str, dict[str, Any]]:
    return {
        p.name: tomllib.loads(p.read_text(encoding="utf-8"))
        for p in sorted(BANK_DIR.glob("*.toml"))
    }


BANKS = _load_banks()
QUESTIONS = [(name, q) for name, bank in BANKS.items() for q in bank.get("questions", [])]


def _occurrences(quote: str) -> list[int]:
    needle = norm(quote)
    return [m.start() for m in re.finditer(re.escape(needle), ARTICLE_NORM)]


def test_article_copy() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    assert text.splitlines()[0] == TITLE
    lines = {line.strip() for line in text.splitlines()}
    for heading in ALL_HEADINGS:
        assert heading in lines, f"heading missing from article copy: {heading!r}"


def test_banks_exist_and_point_at_article() -> None:
    assert len(BANKS) >= 5
    for name, bank in BANKS.items():
        source = bank.get("source")
        assert source, f"{name}: no [source]"
        assert source["title"] == TITLE, name
        assert (BANK_DIR / source["path"]).resolve() == ARTICLE.resolve(), name


@pytest.mark.parametrize(
    "bank_name,question",
    QUESTIONS,
    ids=[f"{n}:{q.get('id')}" for n, q in QUESTIONS],
)
def test_source_quote_is_verbatim(bank_name: str, question: dict[str, Any]) -> None:
    quote = question.get("source_quote")
    assert quote and quote.strip(), "missing source_quote"
    hits = _occurrences(quote)
    assert hits, f"source_quote not found verbatim in article: {quote!r}"
    parts = {part_of(h) for h in hits}
    assert len(parts) == 1, f"source_quote occurs in several article parts: {quote!r}"


def test_total_questions() -> None:
    assert len(QUESTIONS) >= MIN_TOTAL


def test_every_part_is_covered() -> None:
    counts = [0] * len(PART_NAMES)
    for _, q in QUESTIONS:
        hits = _occurrences(q.get("source_quote", ""))
        if hits:
            counts[part_of(hits[0])] += 1
    for name, count in zip(PART_NAMES, counts, strict=False):
        assert count >= MIN_PER_PART, f"part {name!r} has only {count} questions"


def test_all_question_types_used() -> None:
    used = {q.get("type") for _, q in QUESTIONS}
    assert used >= QUESTION_TYPES, f"unused types: {sorted(QUESTION_TYPES - used)}"


def test_hsct_steps_ordering_question() -> None:
    assert any(
        q.get("type") == "ordering" and [norm(i).lower() for i in q.get("items", [])] == HSCT_STEPS
        for _, q in QUESTIONS
    ), "no ordering question with the four HSCT steps in order"


def test_question_ids_unique_across_banks() -> None:
    seen: dict[str, str] = {}
    for name, q in QUESTIONS:
        qid = q.get("id")
        assert qid not in seen, f"question id {qid!r} in both {seen[qid]} and {name}"
        seen[qid] = name


def test_bank_ids_unique() -> None:
    ids = [bank.get("id") for bank in BANKS.values()]
    assert len(ids) == len(set(ids))
