"""Files other projects wrote, imported as their own tools read them.

What Moodle (question/format/gift/format.php, aiken/format.php) and Anki do with each file
is written down in tests/data/reference/README.md; these tests hold the importer to it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from quiz import models
from quiz.grading import Outcome, grade
from quiz.interop import PLACEHOLDER_EXPLANATION, import_file
from quiz.interop.aiken import parse_aiken
from quiz.interop.common import describe_answer
from quiz.interop.gift import export_gift, parse_gift

REF = Path(__file__).parent / "data" / "reference"
MOODLE = REF / "moodle"
GRAMMAR = REF / "gift-grammar"
MARKER = re.compile(r"\[(html|moodle|plain|markdown)\]")


def _gift(name: str) -> tuple[models.Bank, list[str], list[str]]:
    result = parse_gift((MOODLE / name).read_text(encoding="utf-8"), path=name)
    warnings = [w.format(name) for w in result.warnings]
    return result.bank, warnings, [e.located() for e in result.skipped]


def _all_text(q: models.Question) -> str:
    return json.dumps(q.model_dump(), ensure_ascii=False)


def test_moodle_examples_have_moodles_43_questions_and_types() -> None:
    bank, _, skipped = _gift("gift-examples.txt")
    assert skipped == []
    assert len(bank.questions) == 43
    kinds = Counter(q.type for q in bank.questions)
    assert kinds["multiple_choice"] == 16
    assert kinds["multiple_select"] == 2
    assert kinds["true_false"] == 5
    assert kinds["numeric"] == 8
    assert kinds["matching"] == 3
    # Moodle's 9 short answers: the missing-word ones become cloze questions here.
    assert kinds["short_answer"] + kinds["cloze"] == 9


def test_moodle_examples_single_answer_choices_have_moodles_right_answers() -> None:
    bank, _, _ = _gift("gift-examples.txt")
    singles = [q for q in bank.questions if isinstance(q, models.MultipleChoice)]
    right = [next(c.text for c in q.choices if c.correct) for q in singles]
    assert right == [
        "no one",
        "entombed",
        "no one",
        "entombed",
        "fourth",
        "China",
        "fourth",
        "right answer",
        "full credit answer",
        "Nazareth",
        "= 2 + 3",
        "\\",
        "no one",
        "entombed",
        "entombed",
        "full credit answer",
    ]
    credit = {q.id: {c.text: c.credit for c in q.choices if c.credit} for q in singles if q.id}
    assert credit["difficult-question"] == {"half credit answer": 0.5}
    assert credit["jesus-hometown"] == {"Bethlehem": 0.25, "Galilee": 0.5}
    assert credit["difficult-multiple-choice-question"] == {"half credit answer": 0.5}
    assert sum(1 for c in credit.values() if c) == 3


def test_partial_credit_choice_is_graded_as_moodle_does() -> None:
    bank, _, _ = _gift("gift-examples.txt")
    q = bank.question("jesus-hometown")
    assert isinstance(q, models.MultipleChoice)
    texts = [c.text for c in q.choices]
    galilee = grade(q, texts.index("Galilee"))
    assert (galilee.outcome, galilee.score) == (Outcome.PARTIAL, 0.5)
    assert galilee.note == "Partial credit (50%) for this choice"
    assert galilee.feedback == ("You need to be more specific.",)
    assert grade(q, texts.index("Jerusalem")).score == 0
    assert grade(q, texts.index("Nazareth")).outcome is Outcome.CORRECT


def test_moodle_examples_multiple_answer_questions() -> None:
    bank, _, _ = _gift("gift-examples.txt")
    multi = [q for q in bank.questions if isinstance(q, models.MultipleSelect)]
    for q in multi:
        assert [c.text for c in q.choices if c.correct] == ["Grant", "Grant's wife"]


def test_moodle_gift_fixture_imports_8_of_8_with_the_essay_skipped() -> None:
    bank, warnings, skipped = _gift("gift-questions.gift.txt")
    assert skipped == []
    assert len(bank.questions) == 8
    assert any("q8" in w and "essay" in w for w in warnings)
    by_id = {q.id: q for q in bank.questions}
    activities = by_id["moodle-activities"]
    assert isinstance(activities, models.Matching)
    assert [p.right for p in activities.pairs] == ["Forum", "Choice", "Database", "Wiki"]
    assert activities.prompt == "Match the activity to the description."
    q2 = by_id["q2"]
    assert isinstance(q2, models.MultipleChoice)
    assert [(c.text, c.correct, c.feedback) for c in q2.choices] == [
        ("yellow", True, "right; good!"),
        ("red", False, "wrong, it's yellow"),
        ("blue", False, "wrong, it's yellow"),
    ]
    colours = by_id["colours"]
    assert isinstance(colours, models.MultipleSelect)
    assert [c.text for c in colours.choices if c.correct] == ["yellow", "off-beige"]
    q5 = by_id["q5"]
    assert isinstance(q5, models.Numeric) and (q5.answer, q5.tolerance) == (3, 2)
    q1 = by_id["q1"]
    assert isinstance(q1, models.TrueFalse) and q1.answer is False
    assert q1.explanation.startswith("This is, of course")
    assert [by_id[i].type for i in ("2-08-tsl", "2-08-tsl-2")] == ["true_false"] * 2
    for q in bank.questions:
        assert not MARKER.search(_all_text(q)), q.id


def test_moodle_category_fixture_html_is_read_as_text() -> None:
    bank, warnings, skipped = _gift("gift-questions-in-category.gift.txt")
    assert skipped == []
    assert [q.type for q in bank.questions] == [
        "matching",
        "multiple_choice",
        "short_answer",
        "true_false",
    ]
    assert all(q.tags == ["Default for New Features"] for q in bank.questions)
    greeting = bank.questions[1]
    assert greeting.prompt == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert "<" not in _all_text(greeting)
    acronym = bank.questions[3]
    assert acronym.prompt == (
        "Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment."
    )
    assert any("greeting" in w and "lost: a" in w for w in warnings)


def test_moodle_aiken_fixture() -> None:
    result = import_file(MOODLE / "aiken-questions.txt", "aiken")
    right = [next(c.text for c in q.choices if c.correct) for q in result.bank.questions]  # type: ignore[union-attr]
    assert right == ["Martin Dougiamas", "True"]
    assert '<html class="cool"> &' in result.bank.questions[1].prompt


def test_moodle_aiken_error_fixture_imports_3_and_reports_each_error() -> None:
    path = MOODLE / "aiken-errors.txt"
    result = parse_aiken(path.read_text(encoding="utf-8"), path="e.txt")
    assert [q.prompt for q in result.bank.questions] == [
        "A good question",
        "A second good question",
        "A third good question with HTML chars such as > < &",
    ]
    right = [next(c.text for c in q.choices if c.correct) for q in result.bank.questions]  # type: ignore[union-attr]
    assert right == ["Correct", "Correct (No space)", "Correct (< > &)"]
    # Moodle's own test: errors on lines 3, 5, 7 and 18.
    assert [e.line for e in result.skipped] == [3, 5, 7, 18]
    messages = [e.message for e in result.skipped]
    assert "at least two options" in messages[0]
    assert "without a question" in messages[1] and "without a question" in messages[2]
    assert "no 'ANSWER: X' line" in messages[3]
    assert result.summary() == "3 of 7 imported, 4 skipped"


@pytest.mark.parametrize(
    "name",
    sorted(p.stem for p in GRAMMAR.glob("*.gift")),
)
def test_gift_grammar_suite_types_and_right_answers(name: str) -> None:
    expected = json.loads((GRAMMAR / f"{name}.json").read_text(encoding="utf-8"))
    expected = [e for e in expected if e["type"] not in ("Category", "Description", "Essay")]
    result = parse_gift((GRAMMAR / f"{name}.gift").read_text(encoding="utf-8"), path=name)
    assert result.skipped == []
    ours = {
        "MC": ("multiple_choice", "multiple_select"),
        "TF": ("true_false",),
        "Short": ("short_answer", "cloze"),
        "Numerical": ("numeric",),
        "Matching": ("matching",),
    }
    assert len(result.bank.questions) == len(expected)
    for q, e in zip(result.bank.questions, expected, strict=True):
        assert q.type in ours[e["type"]], (q.id, e["type"])
        assert not MARKER.search(_all_text(q)), q.id
        if e["type"] == "MC" and isinstance(q, models.MultipleChoice):
            full = [c for c in e["choices"] if c["isCorrect"] or c["weight"] == 100]
            assert next(c.text for c in q.choices if c.correct) == _plain(full[0]["text"])


def _plain(text: object) -> str:
    """The grammar's expected answer text as plain text (it keeps the markup)."""
    value = text["text"] if isinstance(text, dict) else str(text)
    return re.sub(r"<[^>]+>", "", value).strip()


def test_moodle_round_trip_keeps_partial_credit_without_markers_or_placeholder() -> None:
    bank, _, _ = _gift("gift-examples.txt")
    fixture, _, _ = _gift("gift-questions.gift.txt")
    both = models.Bank.model_validate(
        {"schema": 1, "id": "b", "title": "B", "questions": [*bank.questions, *fixture.questions]}
    )
    exported = export_gift(both)
    text = exported.text or ""
    assert PLACEHOLDER_EXPLANATION not in text
    assert "~%50%half credit answer" in text
    assert "~%25%Bethlehem" in text and "~%50%Galilee" in text
    assert "[moodle]" not in text and "[html]" not in text
    # And Moodle's own reading of the export: a single-answer question ('=' present).
    block = next(b for b in text.split("\n\n") if b.startswith("::jesus-hometown::"))
    assert "=Nazareth" in block
    again = parse_gift(text, bank_id="b", title="B")
    assert again.skipped == []
    assert again.bank.questions == both.questions


ANKI = REF / "anki"


def test_anki_text_fixture_imports_the_notes_anki_imports() -> None:
    # Anki 26.09 (measured, see the README): 8 notes, 1 line refused for its empty front.
    result = import_file(ANKI / "text-2fields.txt")
    pairs = [(q.prompt, describe_answer(q)) for q in result.bank.questions]
    assert pairs == [
        ("食べる", "to eat"),
        ("飲む", "to drink"),
        ("テスト", "test"),
        ("to eat", "食べる"),
        ("飲む", "to drink"),
        ("多すぎる", "too many"),
        ("not, enough, fields", ""),
        ("遊ぶ", ""),
    ]
    assert [(e.line, e.message) for e in result.skipped] == [
        (10, "the note's first field is empty")
    ]


def test_anki_text_third_column_is_tags_as_anki_reads_it() -> None:
    result = import_file(ANKI / "text-tags.txt")
    got = [(q.prompt, describe_answer(q), q.tags) for q in result.bank.questions]
    assert got == [("foo", "bar", ["baz,qux"]), ("foo2", "bar2", ["baz2"])]
