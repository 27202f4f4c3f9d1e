"""GIFT import (every construct, every warning and error) and export / round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz import models
from quiz.interop import PLACEHOLDER_EXPLANATION, InteropError, import_file
from quiz.interop.gift import export_gift, parse_gift

DATA = Path(__file__).parent / "data" / "interop"


@pytest.fixture(scope="module")
def golden() -> tuple[models.Bank, list[str]]:
    result = import_file(DATA / "all_constructs.gift")
    return result.bank, [w.format("f") for w in result.warnings]


def q(bank: models.Bank, qid: str) -> models.Question:
    found = bank.question(qid)
    assert found is not None, f"no question {qid}: {[x.id for x in bank.questions]}"
    return found


def test_bank_id_and_title_come_from_the_file_name(golden: tuple[models.Bank, list[str]]) -> None:
    bank, _ = golden
    assert bank.id == "all_constructs"  # the stem, underscore kept
    assert bank.title == "All constructs"
    assert bank.source is None


def test_multiple_choice_with_feedback_and_general_feedback(
    golden: tuple[models.Bank, list[str]],
) -> None:
    mc = q(golden[0], "capital-of-france")
    assert isinstance(mc, models.MultipleChoice)
    assert mc.prompt == "What is the capital of France?"
    assert [(c.text, c.correct) for c in mc.choices] == [
        ("Paris", True),
        ("Lyon", False),
        ("Marseille", False),
    ]
    assert mc.choices[0].feedback == "Right, Paris since 987."
    assert mc.choices[2].feedback is None
    assert mc.explanation == "Paris is the capital and largest city of France."


def test_category_becomes_tags_and_changes_later(golden: tuple[models.Bank, list[str]]) -> None:
    assert q(golden[0], "capital-of-france").tags == ["Geography", "Europe"]
    assert q(golden[0], "pi").tags == ["Science"]


def test_weighted_answers_become_multiple_select(golden: tuple[models.Bank, list[str]]) -> None:
    ms = q(golden[0], "primes")
    assert isinstance(ms, models.MultipleSelect)
    assert [(c.text, c.correct) for c in ms.choices] == [("2", True), ("3", True), ("4", False)]
    assert ms.choices[2].feedback == "4 = 2 x 2"
    assert ms.prompt == "Which numbers are **prime**?"  # [markdown] kept as written


def test_true_false_forms(golden: tuple[models.Bank, list[str]]) -> None:
    sun = q(golden[0], "sun-star")
    moon = q(golden[0], "moon")
    assert isinstance(sun, models.TrueFalse) and sun.answer is True
    assert sun.explanation == "Yes: a G-type main-sequence star."  # the right-answer feedback
    assert isinstance(moon, models.TrueFalse) and moon.answer is False
    assert moon.explanation == "The Moon is a natural satellite."


def test_short_answer_and_matching(golden: tuple[models.Bank, list[str]]) -> None:
    sa = q(golden[0], "shortest")
    assert isinstance(sa, models.ShortAnswer) and sa.accept == ["Pacific", "Pacific Ocean"]
    m = q(golden[0], "match-capitals")
    assert isinstance(m, models.Matching)
    assert [(p.left, p.right) for p in m.pairs] == [
        ("Italy", "Rome"),
        ("Spain", "Madrid"),
        ("Portugal", "Lisbon"),
    ]


def test_missing_word_choice_shows_the_gap(golden: tuple[models.Bank, list[str]]) -> None:
    mw = q(golden[0], "missing-word")
    assert isinstance(mw, models.MultipleChoice)
    assert mw.prompt == "The chemical symbol of gold is _____ in the periodic table."
    assert [c.text for c in mw.choices if c.correct] == ["Au"]
    assert mw.explanation == PLACEHOLDER_EXPLANATION


def test_missing_word_short_answer_becomes_cloze(golden: tuple[models.Bank, list[str]]) -> None:
    cl = q(golden[0], "fill-in")
    assert isinstance(cl, models.Cloze)
    assert cl.text == "Water boils at {{100|one hundred}} degrees Celsius at sea level."
    assert cl.explanation == "At 1 atm."


def test_numeric_forms(golden: tuple[models.Bank, list[str]]) -> None:
    pi = q(golden[0], "pi")
    assert isinstance(pi, models.Numeric) and (pi.answer, pi.tolerance) == (3.14, 0.005)
    rng = q(golden[0], "range")
    assert isinstance(rng, models.Numeric) and (rng.min, rng.max) == (1, 5)
    part = q(golden[0], "partial-credit")
    assert isinstance(part, models.Numeric) and (part.answer, part.tolerance) == (1066, 0)
    assert [(r.answer, r.tolerance, r.credit) for r in part.partial] == [(1066, 2, 0.5)]


def test_escapes(golden: tuple[models.Bank, list[str]]) -> None:
    esc = q(golden[0], "escapes")
    assert isinstance(esc, models.MultipleChoice)
    assert esc.prompt == "Which symbol means {set}: ~ = #?"
    assert [c.text for c in esc.choices] == ["{ and }", "~ tilde"]
    assert esc.choices[0].feedback == "Right: braces."
    assert esc.explanation == "Escaped\nover two lines."


def test_html_is_reduced_to_text(golden: tuple[models.Bank, list[str]]) -> None:
    h = q(golden[0], "html")
    assert isinstance(h, models.MultipleChoice)
    assert h.prompt == "Which is bold text?"
    assert [c.text for c in h.choices] == ["this", "that"]
    assert h.explanation == "HTML was reduced."


def test_untitled_question_gets_an_id_from_its_prompt(
    golden: tuple[models.Bank, list[str]],
) -> None:
    assert q(golden[0], "untitled-question-without-an-explanation").prompt.startswith("Untitled")


def test_every_skip_and_approximation_is_a_located_warning(
    golden: tuple[models.Bank, list[str]],
) -> None:
    _, warnings = golden
    assert warnings == [
        "f:20: question sun-star: true/false feedback used as the explanation",
        "f:36: question missing-word: no explanation in the source; a placeholder was used",
        "f:46: question partial-credit: numerical answer feedback dropped",
        "f:56: question html: [html] HTML reduced to plain text (lost: b, i)",
        "f:58: question untitled-question-without-an-explanation: no explanation in the "
        "source; a placeholder was used",
        "f:60: question essay: skipped: essay questions ({}) have no answer to check",
        "f:62: skipped: a description (no answer block {...}) is not a question",
    ]


def warnings_of(text: str) -> list[str]:
    return [w.format("f") for w in parse_gift(text, path="f").warnings]


def test_uneven_weights_are_reported() -> None:
    text = "::w::Pick{~%70%a ~%30%b ~c####e}"
    assert warnings_of(text) == [
        "f:1: question w: partial weights approximated: every answer with a positive weight "
        "counts as correct"
    ]


def test_partial_short_answers_and_feedback_are_reported() -> None:
    text = "::s::Say{=yes#good =%50%yeah ####e}"
    assert warnings_of(text) == [
        "f:1: question s: feedback on answer 'yes' dropped",
        "f:1: question s: answer 'yeah' with weight 50% dropped",
    ]


def test_invalid_question_is_skipped_with_its_line() -> None:
    text = "::ok::A{=a ~b####e}\n\n// comment\n::dup::B{=x ~x####e}\n"
    result = parse_gift(text, path="f")
    assert [x.id for x in result.bank.questions] == ["ok"]
    assert result.warnings == []
    assert [e.located() for e in result.skipped] == [
        "f:4: question dup: choices: choice texts must be unique; 'x' appears twice"
    ]
    assert result.summary() == "1 of 2 imported, 1 skipped"


def test_titles_are_slugified_and_made_unique() -> None:
    text = "::Q 1::A{T####e}\n\n::q-1::B{F####e}\n\n::Über Straße!::C{T####e}"
    ids = [x.id for x in parse_gift(text).bank.questions]
    assert ids == ["q-1", "q-1-2", "uber-strae"]


def test_true_false_feedback_is_dropped_when_general_feedback_exists() -> None:
    assert warnings_of("::t::X{T#wrong#right####general}") == [
        "f:1: question t: true/false feedback dropped (the general feedback is kept)"
    ]


def test_matching_extra_right_items_are_dropped() -> None:
    text = "::m::M{=a -> 1 =b -> 2 =c -> 3 = -> 4####e}"
    result = parse_gift(text, path="f")
    m = result.bank.questions[0]
    assert isinstance(m, models.Matching) and len(m.pairs) == 3
    assert [w.format("f") for w in result.warnings] == [
        "f:1: question m: extra right-hand item '4' dropped (no distractors)"
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("::t::Open {=a", 1, 11, "never closed"),
        ("::never closed\nQ{=a}", 1, 1, "title opened with '::'"),
        ("Q{=a {=b}}", 1, 6, "'{' inside an answer block"),
        ("Q{=a} then {=b}", 1, 12, "second answer block"),
        ("Q } {=a}", 1, 3, "'}' without an opening '{'"),
        ("\n\n// c\nQ{a =b}", 4, 3, "expected '=' or '~'"),
        ("Q{#abc}", 1, 4, "expected a number, found 'abc'"),
        ("Q{#1..x}", 1, 4, "expected a number"),
        ("Q{#=1 =%50%zz}", 1, 12, "expected a number, found 'zz'"),
        ("Q{=a -> b =c}", 1, 11, "matching question needs every answer"),
        ("Q{#=%0%1}", 1, 4, "no numerical answer with a positive weight"),
    ],
)
def test_syntax_errors_are_located(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(InteropError) as info:
        parse_gift(text, path="f.gift")
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert fragment in err.message
    assert str(err).startswith(f"f.gift:{line}:{column}: ")


def test_strict_reports_every_syntax_error_in_a_file_and_imports_nothing() -> None:
    text = "Good {=yes ~no}\n\nBroken {=a {=b}}\n\nAlso good {T}\n\nQ{#abc}\n"
    with pytest.raises(InteropError) as info:
        parse_gift(text, path="f.gift", strict=True)
    err = info.value
    assert [(e.line, e.column) for e in (err, *err.others)] == [(3, 12), (7, 4)]
    assert str(err).splitlines() == [
        "f.gift:3:12: '{' inside an answer block (escape it as \\{)",
        "f.gift:7:4: expected a number, found 'abc'",
        "2 errors; nothing was imported",
    ]


def test_without_strict_the_good_questions_are_imported_and_the_bad_reported() -> None:
    text = "Good {=yes ~no}\n\nBroken {=a {=b}}\n\nAlso good {T}\n\nQ{#abc}\n"
    result = parse_gift(text, path="f.gift")
    assert [q.prompt for q in result.bank.questions] == ["Good", "Also good"]
    assert [(e.line, e.column) for e in result.skipped] == [(3, 12), (7, 4)]
    assert result.summary() == "2 of 4 imported, 2 skipped"


def test_numeric_feedback_for_any_other_answer_is_read_as_moodle_does() -> None:
    # Moodle's own exporter writes `~#feedback` after the numerical answers.
    result = parse_gift("::n::Q {#3:2~#Completely wrong}\n\n::m::R {#=1822:0 =%50%1822:2 ~}\n")
    n, m = result.bank.questions
    assert isinstance(n, models.Numeric) and (n.answer, n.tolerance) == (3, 2)
    assert isinstance(m, models.Numeric) and m.partial[0].credit == 0.5
    assert result.skipped == []
    assert next(w.message for w in result.warnings if w.question == "n") == (
        "the feedback for any other answer (~#...) was dropped"
    )


def test_file_without_questions_is_an_error() -> None:
    with pytest.raises(InteropError, match="no question could be imported"):
        parse_gift("// only a comment\n\nA description.\n", path="f")


# ----------------------------------------------------------------------------- export


def test_golden_file_round_trips_exactly(golden: tuple[models.Bank, list[str]]) -> None:
    bank, _ = golden
    exported = export_gift(bank)
    assert exported.warnings == []
    again = parse_gift(exported.text or "", bank_id=bank.id, title=bank.title)
    assert again.bank.questions == bank.questions
    # The placeholder is not exported, so only it is announced again on re-import.
    placeholder = {q.id for q in bank.questions if q.explanation == PLACEHOLDER_EXPLANATION}
    assert {w.question for w in again.warnings} == placeholder
    assert {w.message for w in again.warnings} <= {
        "no explanation in the source; a placeholder was used"
    }
    assert PLACEHOLDER_EXPLANATION not in (exported.text or "")


def _bank(*questions: dict[str, object]) -> models.Bank:
    return models.Bank.model_validate(
        {"schema": 1, "id": "b", "title": "B", "questions": questions}
    )


def test_export_reports_what_gift_cannot_hold() -> None:
    bank = _bank(
        {
            "id": "o",
            "type": "ordering",
            "prompt": "P",
            "items": ["a", "b", "c"],
            "explanation": "e",
        },
        {"id": "f", "type": "flashcard", "prompt": "P", "back": "b", "explanation": "e"},
        {"id": "c2", "type": "cloze", "prompt": "P", "text": "{{a}} {{b}}", "explanation": "e"},
        {
            "id": "n",
            "type": "numeric",
            "prompt": "P",
            "answer": 1,
            "unit": "m",
            "explanation": "e",
            "hint": "h",
        },
        {"id": "s", "type": "short_answer", "prompt": "P", "accept": ["a->b"], "explanation": "e"},
    )
    result = export_gift(bank)
    assert [w.format() for w in result.warnings] == [
        "<input>: question o: skipped: ordering questions have no GIFT form",
        "<input>: question f: skipped: flashcard questions have no GIFT form",
        "<input>: question c2: skipped: a cloze with 2 gaps has no GIFT form (one gap only)",
        "<input>: question n: the unit 'm' is not part of GIFT: dropped",
        "<input>: question n: the hint is not part of GIFT: dropped",
        "<input>: question s: skipped: an accepted answer contains '->', which GIFT reads as "
        "matching",
    ]
    assert result.exported == 1
    assert [x.id for x in parse_gift(result.text or "").bank.questions] == ["n"]


def test_cloze_with_one_gap_round_trips_as_missing_word() -> None:
    bank = _bank(
        {
            "id": "c",
            "type": "cloze",
            "prompt": "Fill in the gap.",
            "text": "A {{b|B}} c.",
            "explanation": "e",
        },
    )
    result = export_gift(bank)
    assert result.warnings == []
    assert "::c::A {\n\t=b\n\t=B\n\t####e\n} c." in (result.text or "")
    assert parse_gift(result.text or "").bank.questions == bank.questions
