"""Tests for quiz.grading: every question type, every partial-credit rule and shape check."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.grading import (
    AnswerError,
    GradeResult,
    Outcome,
    check_answer_shape,
    describe_answer,
    grade,
    normalise_text,
    parse_number,
)
from quiz.models import QUESTION_ADAPTER, Question


def q(type_: str, **fields: Any) -> Question:
    """A valid question of `type_` with the common fields filled in."""
    data = {"id": f"q-{type_.replace('_', '-')}", "type": type_, "prompt": "P?"}
    data["explanation"] = "Because."
    data.update(fields)
    return QUESTION_ADAPTER.validate_python(data)


MC = q(
    "multiple_choice",
    choices=[
        {"text": "Paris", "correct": True, "feedback": "Yes, the capital."},
        {"text": "Lyon", "feedback": "Second city, not the capital."},
        {"text": "Nice"},
    ],
)
MS = q(
    "multiple_select",
    choices=[
        {"text": "2", "correct": True, "feedback": "2 is prime."},
        {"text": "3", "correct": True},
        {"text": "5", "correct": True},
        {"text": "4", "feedback": "4 = 2 x 2."},
        {"text": "9"},
    ],
)
TF = q("true_false", answer=False)
SA = q("short_answer", accept=["graft-versus-host disease", "GVHD"])
NUM = q("numeric", answer=4, tolerance=0.5, unit="mm")
RANGE = q("numeric", min=2, max=3, unit="kg")
CLOZE = q("cloze", text="The {{mitochondria|mitochondrion}} makes {{ATP}} in {{cells}}.")
ORD = q("ordering", items=["A", "B", "C", "D"])
MATCH = q(
    "matching",
    pairs=[
        {"left": "France", "right": "Paris"},
        {"left": "Spain", "right": "Madrid"},
        {"left": "Italy", "right": "Rome"},
        {"left": "Peru", "right": "Lima"},
    ],
)
CARD = q("flashcard", back="The powerhouse of the cell")
ALL_QUESTIONS = [MC, MS, TF, SA, NUM, RANGE, CLOZE, ORD, MATCH, CARD]


def assert_result(r: GradeResult, outcome: Outcome, score: float) -> None:
    assert r.outcome is outcome
    assert r.score == pytest.approx(score)


# ----------------------------------------------------------------- multiple choice


def test_multiple_choice_right_choice_is_correct_with_its_feedback() -> None:
    r = grade(MC, 0)
    assert_result(r, Outcome.CORRECT, 1)
    assert r.feedback == ("Yes, the capital.",)
    assert r.correct_answer == "Paris"


def test_multiple_choice_wrong_choice_is_incorrect_with_its_feedback() -> None:
    r = grade(MC, 1)
    assert_result(r, Outcome.INCORRECT, 0)
    assert r.feedback == ("Second city, not the capital.",)
    assert r.correct_answer == "Paris"


def test_multiple_choice_choice_without_feedback_gives_none() -> None:
    assert grade(MC, 2).feedback == ()


# ----------------------------------------------------------------- multiple select


def test_multiple_select_all_correct_and_nothing_else_is_correct() -> None:
    r = grade(MS, [0, 1, 2])
    assert_result(r, Outcome.CORRECT, 1)
    assert r.correct_answer == "2; 3; 5"
    assert r.parts == (True, True, True, True, True)


def test_multiple_select_partial_score_follows_documented_rule() -> None:
    # 2 of 3 correct, 1 of 2 wrong picked: 2/3 - 1/2.
    r = grade(MS, [3, 0, 1])
    assert_result(r, Outcome.PARTIAL, 2 / 3 - 1 / 2)
    assert r.parts == (True, True, False, False, True)


def test_multiple_select_some_hits_no_false_picks() -> None:
    assert_result(grade(MS, [2]), Outcome.PARTIAL, 1 / 3)


def test_multiple_select_everything_scores_zero() -> None:
    assert_result(grade(MS, [0, 1, 2, 3, 4]), Outcome.INCORRECT, 0)


def test_multiple_select_nothing_scores_zero() -> None:
    assert_result(grade(MS, []), Outcome.INCORRECT, 0)


def test_multiple_select_more_false_than_hits_is_clamped_to_zero() -> None:
    assert_result(grade(MS, [0, 3, 4]), Outcome.INCORRECT, 0)


def test_multiple_select_feedback_of_each_chosen_choice_in_bank_order() -> None:
    assert grade(MS, [3, 0]).feedback == ("2 is prime.", "4 = 2 x 2.")


def test_multiple_select_when_every_choice_is_correct() -> None:
    all_right = q(
        "multiple_select",
        choices=[{"text": "a", "correct": True}, {"text": "b", "correct": True}],
    )
    assert_result(grade(all_right, [0, 1]), Outcome.CORRECT, 1)
    assert_result(grade(all_right, [1]), Outcome.PARTIAL, 0.5)


@given(st.sets(st.integers(0, 4)))
def test_multiple_select_score_in_unit_interval(picked: set[int]) -> None:
    r = grade(MS, sorted(picked))
    assert 0 <= r.score <= 1
    assert (r.outcome is Outcome.CORRECT) == (picked == {0, 1, 2})


# ----------------------------------------------------------------- true / false


def test_true_false() -> None:
    assert_result(grade(TF, False), Outcome.CORRECT, 1)
    r = grade(TF, True)
    assert_result(r, Outcome.INCORRECT, 0)
    assert r.correct_answer == "False"


# ----------------------------------------------------------------- short answer


@pytest.mark.parametrize(
    "answer",
    [
        "graft-versus-host disease",
        "  Graft-Versus-Host   Disease. ",
        "graft\u2013versus\u2013host disease",  # en dashes
        "GVHD!",
        "gvhd",
    ],
)
def test_short_answer_normalised_forms_are_correct_without_note(answer: str) -> None:
    r = grade(SA, answer)
    assert_result(r, Outcome.CORRECT, 1)
    assert r.note is None


def test_short_answer_correct_answer_lists_alternatives() -> None:
    assert grade(SA, "x").correct_answer == "graft-versus-host disease (also accepted: GVHD)"


def test_short_answer_typo_is_accepted_with_a_note() -> None:
    r = grade(SA, "graft-versus-host desease")
    assert_result(r, Outcome.CORRECT, 1)
    assert r.note == "Accepted with a typo; the spelling is 'graft-versus-host disease'"


def test_short_answer_two_typos_allowed_for_long_answers_three_not() -> None:
    assert grade(SA, "graft-versus-host dsease").outcome is Outcome.CORRECT
    assert grade(SA, "graft-versis-host desease").outcome is Outcome.CORRECT
    assert grade(SA, "graft-versis-hst desease").outcome is Outcome.INCORRECT


def test_short_answer_swapped_neighbours_count_as_one_typo() -> None:
    word = q("short_answer", accept=["cell"])
    assert grade(word, "cell").outcome is Outcome.CORRECT
    assert grade(word, "clel").outcome is Outcome.CORRECT
    assert grade(word, "clle").outcome is Outcome.INCORRECT  # two typos in 4 letters


def test_short_answer_no_typos_for_three_letters_or_less() -> None:
    assert grade(SA, "GVHF").outcome is Outcome.CORRECT  # GVHD has 4 letters: 1 typo
    short = q("short_answer", accept=["DNA"])
    assert grade(short, "DNA").outcome is Outcome.CORRECT
    assert grade(short, "RNA").outcome is Outcome.INCORRECT


def test_short_answer_typo_budget_for_four_to_seven_letters_is_one() -> None:
    word = q("short_answer", accept=["nucleus"])
    assert grade(word, "nucleas").outcome is Outcome.CORRECT
    assert grade(word, "nuclues").outcome is Outcome.CORRECT  # a swap
    assert grade(word, "nicleas").outcome is Outcome.INCORRECT


def test_short_answer_numbers_get_no_typo_tolerance() -> None:
    year = q("short_answer", accept=["1984"])
    assert grade(year, "1984").outcome is Outcome.CORRECT
    assert grade(year, "1985").outcome is Outcome.INCORRECT
    assert grade(year, "19845").outcome is Outcome.INCORRECT
    version = q("short_answer", accept=["Windows 10"])
    assert grade(version, "windows 11").outcome is Outcome.INCORRECT
    assert grade(version, "windos 10").outcome is Outcome.CORRECT


def test_short_answer_exact_disables_typos_but_not_normalisation() -> None:
    exact = q("short_answer", accept=["photosynthesis"], exact=True)
    assert grade(exact, "Photosynthesis.").outcome is Outcome.CORRECT
    assert grade(exact, "photosynthesys").outcome is Outcome.INCORRECT


def test_short_answer_case_sensitive() -> None:
    cs = q("short_answer", accept=["mRNA vaccine"], case_sensitive=True)
    assert grade(cs, "mRNA vaccine").outcome is Outcome.CORRECT
    r = grade(cs, "MRNA vaccine")
    assert r.outcome is Outcome.INCORRECT
    assert r.note == "Mind the capitals: the answer is 'mRNA vaccine'"
    # A real typo is still forgiven, but not a case difference on top of it.
    assert grade(cs, "mRNA vacine").outcome is Outcome.CORRECT
    assert grade(cs, "MRNA vacine").outcome is Outcome.INCORRECT


def test_short_answer_blank_is_incorrect_even_for_punctuation_answers() -> None:
    assert grade(SA, "   ").outcome is Outcome.INCORRECT
    punct = q("short_answer", accept=["?"])
    assert grade(punct, "").outcome is Outcome.INCORRECT
    assert grade(punct, " ? ").outcome is Outcome.CORRECT


def test_short_answer_unicode_quotes_are_straightened() -> None:
    quote = q("short_answer", accept=["Rock 'n' roll"])
    assert grade(quote, "rock \u2018n\u2019 roll").outcome is Outcome.CORRECT
    assert normalise_text("\u201cHi\u201d") == '"hi"'


def test_short_answer_best_typo_match_is_named() -> None:
    two = q("short_answer", accept=["neutrons", "neutrinos"])
    r = grade(two, "nuetrinos")
    assert r.outcome is Outcome.CORRECT
    assert r.note is not None and "'neutrinos'" in r.note


# ----------------------------------------------------------------- numeric


@pytest.mark.parametrize("answer", [4, 4.0, 3.5, 4.5, "4", " 4.0 ", "4,5", "3.5 mm", "+4"])
def test_numeric_within_tolerance_is_correct(answer: float | str) -> None:
    assert_result(grade(NUM, answer), Outcome.CORRECT, 1)


@pytest.mark.parametrize("answer", [3.49, 4.51, -4, "5", "1e3"])
def test_numeric_outside_tolerance_is_incorrect(answer: float | str) -> None:
    r = grade(NUM, answer)
    assert_result(r, Outcome.INCORRECT, 0)
    assert r.note is None


def test_numeric_correct_answer_text() -> None:
    assert grade(NUM, 0).correct_answer == "4 ± 0.5 mm"
    assert grade(RANGE, 0).correct_answer == "2 to 3 kg"
    assert grade(q("numeric", answer=0.1), 0).correct_answer == "0.1"


def test_numeric_tolerance_survives_float_rounding() -> None:
    tenth = q("numeric", answer=0.3, tolerance=0.1)
    assert grade(tenth, 0.2).outcome is Outcome.CORRECT  # 0.3 - 0.2 > 0.1 in binary floats
    assert grade(tenth, 0.4).outcome is Outcome.CORRECT
    assert grade(q("numeric", answer=0.3), 0.1 + 0.2).outcome is Outcome.CORRECT
    assert grade(tenth, 0.1999).outcome is Outcome.INCORRECT


def test_numeric_range_is_inclusive() -> None:
    for x in (2, 2.5, 3, "3,0"):
        assert grade(RANGE, x).outcome is Outcome.CORRECT
    for x in (1.999, 3.001):
        assert grade(RANGE, x).outcome is Outcome.INCORRECT


def test_numeric_partial_ranges_best_credit_wins() -> None:
    pq = q(
        "numeric",
        answer=100,
        tolerance=1,
        partial=[
            {"answer": 100, "tolerance": 10, "credit": 0.5},
            {"min": 80, "max": 120, "credit": 0.25},
            {"min": 95, "max": 105, "credit": 0.75},
        ],
    )
    assert_result(grade(pq, 100.5), Outcome.CORRECT, 1)
    r = grade(pq, 104)
    assert_result(r, Outcome.PARTIAL, 0.75)
    assert r.note == "Partial credit (75%) for an answer in 95 to 105"
    assert_result(grade(pq, 92), Outcome.PARTIAL, 0.5)
    assert_result(grade(pq, 115), Outcome.PARTIAL, 0.25)
    assert_result(grade(pq, 121), Outcome.INCORRECT, 0)


def test_numeric_partial_range_with_full_credit_is_correct() -> None:
    pq = q("numeric", answer=9.81, tolerance=0.01, partial=[{"answer": 10}])
    assert_result(grade(pq, "10"), Outcome.CORRECT, 1)


@pytest.mark.parametrize("text", ["lots", "", "nan", "inf", "4 4", "1e999", "1,2,3"])
def test_numeric_unparsable_string_is_incorrect_with_note(text: str) -> None:
    r = grade(NUM, text)
    assert_result(r, Outcome.INCORRECT, 0)
    assert r.note is not None and "not a number" in r.note


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4", 4.0),
        (" 4.0 ", 4.0),
        ("1e3", 1000.0),
        ("1E-3", 0.001),
        ("3,5", 3.5),
        ("\u22125", -5.0),  # Unicode minus sign
        ("1,000,000", 1_000_000.0),
        ("1 000", 1000.0),
        ("1,000.5", 1000.5),
        ("1.000,5", 1000.5),
        (".5", 0.5),
        ("12 %", 12.0),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text, unit="%") == value


def test_parse_number_strips_only_the_questions_unit() -> None:
    assert parse_number("4 mm", unit="mm") == 4
    assert parse_number("4 MM", unit="mm") == 4
    assert parse_number("4 cm", unit="mm") is None


# ----------------------------------------------------------------- cloze


def test_cloze_all_gaps_right() -> None:
    r = grade(CLOZE, ["mitochondrion", "atp", "Cells"])
    assert_result(r, Outcome.CORRECT, 1)
    assert r.parts == (True, True, True)
    assert r.correct_answer == "1. mitochondria or mitochondrion; 2. ATP; 3. cells"


def test_cloze_partial_credit_is_fraction_of_gaps() -> None:
    r = grade(CLOZE, ["mitochondria", "ADP", ""])
    assert_result(r, Outcome.PARTIAL, 1 / 3)
    assert r.parts == (True, False, False)


def test_cloze_no_gap_right() -> None:
    assert_result(grade(CLOZE, ["x", "y", "z"]), Outcome.INCORRECT, 0)


def test_cloze_typo_note_names_the_gap() -> None:
    r = grade(CLOZE, ["mitocondria", "ATP", "cells"])
    assert r.outcome is Outcome.CORRECT
    assert r.note == "Gap 1: Accepted with a typo; the spelling is 'mitochondria'"


def test_cloze_typo_notes_one_line_per_gap() -> None:
    r = grade(CLOZE, ["mitocondria", "ATP", "celss"])
    lines = (r.note or "").splitlines()
    assert len(lines) == 2 and lines[0].startswith("Gap 1: ") and lines[1].startswith("Gap 3: ")


def test_cloze_honours_exact_and_case_sensitive() -> None:
    strict = q(
        "cloze",
        text="Symbol of cobalt: {{Co}}; a long word {{photosynthesis}}",
        exact=True,
        case_sensitive=True,
    )
    assert grade(strict, ["Co", "photosynthesis"]).outcome is Outcome.CORRECT
    assert grade(strict, ["CO", "photosynthesys"]).outcome is Outcome.INCORRECT
    assert_result(grade(strict, ["Co", "Photosynthesis"]), Outcome.PARTIAL, 0.5)


def test_cloze_single_gap_correct_answer_and_note() -> None:
    one = q("cloze", text="The {{nucleus}} holds DNA.")
    r = grade(one, ["nucleas"])
    assert r.correct_answer == "nucleus"
    assert r.note == "Accepted with a typo; the spelling is 'nucleus'"


# ----------------------------------------------------------------- ordering


def test_ordering_correct_order_scores_one() -> None:
    r = grade(ORD, [0, 1, 2, 3])
    assert_result(r, Outcome.CORRECT, 1)
    assert r.correct_answer == "A → B → C → D"
    assert r.parts == (True, True, True, True)


def test_ordering_reversed_scores_zero() -> None:
    assert_result(grade(ORD, [3, 2, 1, 0]), Outcome.INCORRECT, 0)


def test_ordering_one_neighbour_swap() -> None:
    r = grade(ORD, [0, 2, 1, 3])
    assert_result(r, Outcome.PARTIAL, 3 / 4)
    # A, B, D (or A, C, D) stay in order; one of the swapped pair is marked out of place.
    assert r.parts == (True, True, False, True)


def test_ordering_rotation_counts_the_items_still_in_order() -> None:
    # B C D A: B, C, D are in the right order relative to each other, A is not.
    r = grade(ORD, [1, 2, 3, 0])
    assert_result(r, Outcome.PARTIAL, 3 / 4)
    assert r.parts == (True, True, True, False)


def test_ordering_reverse_gives_no_credit_and_marks_no_item() -> None:
    r = grade(ORD, [3, 2, 1, 0])
    assert r.parts == (False, False, False, False)
    three = q("ordering", items=["x", "y", "z"])
    assert grade(three, [2, 1, 0]).score == 0


@given(st.permutations(list(range(6))))
def test_ordering_score_is_what_the_marks_show(order: list[int]) -> None:
    six = q("ordering", items=list("abcdef"))
    r = grade(six, order)
    marked = [item for item, ok in zip(order, r.parts, strict=True) if ok]
    # The score counts exactly the items marked right, and those are in the right order.
    assert r.score == pytest.approx(len(marked) / 6)
    assert marked == sorted(marked)
    assert len(marked) != 1
    # No longer run of items in the right order exists (checked by brute force).
    longest = max(
        k
        for k in range(1, 7)
        for combo in itertools.combinations(order, k)
        if list(combo) == sorted(combo)
    )
    assert len(marked) == (longest if longest >= 2 else 0)
    assert (r.score == 1) == (order == sorted(order))
    assert (r.score == 0) == (order == sorted(order, reverse=True))


# ----------------------------------------------------------------- matching


def test_matching_all_right() -> None:
    r = grade(MATCH, [0, 1, 2, 3])
    assert_result(r, Outcome.CORRECT, 1)
    assert r.correct_answer == "France → Paris; Spain → Madrid; Italy → Rome; Peru → Lima"


def test_matching_partial_is_fraction_of_lefts() -> None:
    r = grade(MATCH, [0, 2, 1, None])
    assert_result(r, Outcome.PARTIAL, 0.25)
    assert r.parts == (True, False, False, False)


def test_matching_same_right_for_every_left_gets_one() -> None:
    assert_result(grade(MATCH, [3, 3, 3, 3]), Outcome.PARTIAL, 0.25)


def test_matching_nothing_matched() -> None:
    nothing: list[int | None] = [None] * 4
    assert_result(grade(MATCH, nothing), Outcome.INCORRECT, 0)


# ----------------------------------------------------------------- flashcard


@pytest.mark.parametrize(
    ("rating", "outcome", "score"),
    [
        (1, Outcome.INCORRECT, 0),
        (2, Outcome.PARTIAL, 0.5),
        (3, Outcome.CORRECT, 1),
        (4, Outcome.CORRECT, 1),
    ],
)
def test_flashcard_self_rating(rating: int, outcome: Outcome, score: float) -> None:
    r = grade(CARD, rating)
    assert_result(r, outcome, score)
    assert r.correct_answer == "The powerhouse of the cell"


# ----------------------------------------------------------------- describe_answer


@pytest.mark.parametrize(
    ("question", "answer", "text"),
    [
        (MC, 1, "Lyon"),
        (MS, [3, 0], "2; 4"),
        (MS, [], "(nothing selected)"),
        (TF, True, "True"),
        (SA, "  gvhd ", "gvhd"),
        (SA, "", "(blank)"),
        (NUM, 4.25, "4.25 mm"),
        (NUM, "3,5", "3.5 mm"),
        (NUM, "a few", "a few"),
        (CLOZE, ["a", "", "c"], "1. a; 2. (blank); 3. c"),
        (ORD, [3, 0, 1, 2], "D → A → B → C"),
        (MATCH, [1, None, 2, 3], "France → Madrid; Spain → (none); Italy → Rome; Peru → Lima"),
        (CARD, 2, "Hard"),
    ],
)
def test_describe_answer(question: Question, answer: Any, text: str) -> None:
    assert describe_answer(question, answer) == text


def test_describe_answer_rejects_bad_shape() -> None:
    with pytest.raises(AnswerError):
        describe_answer(MC, 7)


# ----------------------------------------------------------------- check_answer_shape


@pytest.mark.parametrize(
    ("question", "raw", "fragment"),
    [
        (MC, True, "integer index, got a boolean"),
        (MC, 3, "out of range (expected 0 to 2)"),
        (MC, -1, "out of range"),
        (MC, 1.0, "integer index, got a number"),
        (MC, "0", "integer index, got a string"),
        (MS, 0, "must be a list"),
        (MS, [0, 0], "choice 0 appears more than once"),
        (MS, [False], "got a boolean"),
        (MS, [5], "out of range"),
        (TF, 1, "true or false, got an integer"),
        (TF, "true", "true or false, got a string"),
        (SA, None, "must be a string, got null"),
        (SA, "x" * 2001, "too long"),
        (NUM, True, "must be a number, got a boolean"),
        (NUM, float("nan"), "finite"),
        (NUM, float("inf"), "finite"),
        (NUM, 10**400, "too large"),
        (NUM, [4], "must be a number, got a list"),
        (CLOZE, ["a", "b"], "3 gap answer(s)"),
        (CLOZE, "abc", "must be a list"),
        (CLOZE, ["a", 1, "c"], "gap 2 must be a string"),
        (ORD, [0, 1, 2], "all 4 items"),
        (ORD, [0, 1, 1, 2], "item 1 appears more than once"),
        (ORD, [0, 1, 2, 4], "out of range"),
        (ORD, [0, 1, 2, True], "got a boolean"),
        (MATCH, [0, 1, 2], "4 entries"),
        (MATCH, [0, 1, 2, 9], "left 4"),
        (MATCH, [0, 1, 2, {}], "got an object"),
        (CARD, 0, "1 to 4"),
        (CARD, 5, "1 to 4"),
        (CARD, True, "got a boolean"),
        (CARD, 3.0, "got a number"),
    ],
)
def test_check_answer_shape_rejects(question: Question, raw: object, fragment: str) -> None:
    with pytest.raises(AnswerError) as info:
        check_answer_shape(question, raw)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"question {question.id}: ")


def test_grade_rejects_bad_shape_too() -> None:
    with pytest.raises(AnswerError):
        grade(ORD, [0, 0, 1, 2])


@pytest.mark.parametrize(
    ("question", "raw", "normalised"),
    [
        (MC, 2, 2),
        (MS, (3, 0), [0, 3]),
        (TF, False, False),
        (NUM, 4, 4.0),
        (NUM, "4,5 mm", 4.5),
        (NUM, "a few", "a few"),
        (CLOZE, ("a", "b", "c"), ["a", "b", "c"]),
        (ORD, (3, 2, 1, 0), [3, 2, 1, 0]),
        (MATCH, [None, 0, 0, 3], [None, 0, 0, 3]),
        (CARD, 4, 4),
    ],
)
def test_check_answer_shape_normalises(question: Question, raw: object, normalised: Any) -> None:
    result = check_answer_shape(question, raw)
    assert result == normalised
    assert type(result) is type(normalised)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=5), children)
    ),
    max_leaves=20,
)


@given(st.sampled_from(ALL_QUESTIONS), json_values)
def test_check_answer_shape_only_ever_raises_answer_error(question: Question, raw: object) -> None:
    try:
        answer = check_answer_shape(question, raw)
    except AnswerError:
        return
    # Whatever passes the check grades and describes cleanly.
    r = grade(question, answer)
    assert 0 <= r.score <= 1 and not math.isnan(r.score)
    assert isinstance(describe_answer(question, answer), str)


@given(
    st.sampled_from([MS, ORD, MATCH, CLOZE]),
    st.lists(
        st.one_of(st.none(), st.booleans(), st.integers(-2, 6), st.text(max_size=3)), max_size=6
    ),
)
def test_check_answer_shape_lists_of_near_misses(question: Question, raw: list[object]) -> None:
    # Lists close to valid answers exercise the per-element checks more than random JSON.
    try:
        answer = check_answer_shape(question, raw)
    except AnswerError:
        return
    assert 0 <= grade(question, answer).score <= 1
