"""Moodle's GIFT rules the bank format now holds: per-choice credit, repeated matching
rights, format markers, Moodle Cloze pasted into GIFT, wildcards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from quiz import models
from quiz.grading import Outcome, grade
from quiz.interop.gift import export_gift, parse_gift


def _mc(*choices: dict[str, Any], kind: str = "multiple_choice") -> dict[str, Any]:
    return {"id": "q", "type": kind, "prompt": "P", "explanation": "E", "choices": list(choices)}


def test_credit_is_validated() -> None:
    ok = models.QUESTION_ADAPTER.validate_python(
        _mc({"text": "a", "correct": True}, {"text": "b", "credit": 0.5})
    )
    assert isinstance(ok, models.MultipleChoice) and ok.choices[1].credit == 0.5
    with pytest.raises(ValidationError, match="always worth 1"):
        models.QUESTION_ADAPTER.validate_python(
            _mc({"text": "a", "correct": True, "credit": 0.5}, {"text": "b"})
        )
    with pytest.raises(ValidationError, match="multiple_choice only"):
        models.QUESTION_ADAPTER.validate_python(
            _mc(
                {"text": "a", "correct": True}, {"text": "b", "credit": 0.5}, kind="multiple_select"
            )
        )
    for bad in (0, 1, 1.5, -0.2):
        with pytest.raises(ValidationError):
            models.QUESTION_ADAPTER.validate_python(
                _mc({"text": "a", "correct": True}, {"text": "b", "credit": bad})
            )


def test_credit_is_in_the_json_schema() -> None:
    choice = models.json_schema()["$defs"]["Choice"]["properties"]
    assert list(choice) == ["text", "correct", "feedback", "credit"]


def test_matching_right_sides_may_repeat_and_either_is_right() -> None:
    result = parse_gift("Match {=cat -> mammal =dog -> mammal =trout -> fish}\n")
    (q,) = result.bank.questions
    assert isinstance(q, models.Matching)
    assert [p.right for p in q.pairs] == ["mammal", "mammal", "fish"]
    # cat takes dog's "mammal" and dog takes cat's: both right.
    r = grade(q, [1, 0, 2])
    assert r.outcome is Outcome.CORRECT and r.parts == (True, True, True)
    assert grade(q, [2, 0, 2]).parts == (False, True, True)


def test_format_markers_are_stripped_everywhere_and_kept_on_export() -> None:
    text = (
        "::q::[html]<p>Pick <b>one</b></p>{\n"
        "=[moodle]Nunca.#[html]<i>good</i>\n"
        "~[plain]blue#[markdown]**no**\n"
        "####[html]<p>Because.</p>}\n"
    )
    (q,) = parse_gift(text).bank.questions
    assert isinstance(q, models.MultipleChoice)
    assert q.prompt == "Pick one"
    assert [(c.text, c.feedback) for c in q.choices] == [("Nunca.", "good"), ("blue", "**no**")]
    assert q.explanation == "Because."
    # A text that really starts like a marker survives the round trip.
    literal = q.model_copy(update={"choices": [*q.choices[:1], models.Choice(text="[html]x")]})
    bank = models.Bank.model_validate(
        {"schema": 1, "id": "b", "title": "B", "questions": [literal]}
    )
    again = parse_gift(export_gift(bank).text or "").bank.questions[0]
    assert isinstance(again, models.MultipleChoice)
    assert [c.text for c in again.choices] == ["Nunca.", "[html]x"]


def test_html_image_becomes_a_visible_placeholder() -> None:
    (q,) = parse_gift('[html]Which flag? <img src\\="jp.png" alt\\="flag">{T}\n').bank.questions
    assert q.prompt == "Which flag? [image: jp.png]"


def test_moodle_cloze_single_multichoice_becomes_a_choice_question() -> None:
    result = parse_gift("::art::I have {1:MC:~a~=an} apple.\n")
    (q,) = result.bank.questions
    assert isinstance(q, models.MultipleChoice)
    assert q.prompt == "I have _____ apple."
    assert [(c.text, c.correct) for c in q.choices] == [("a", False), ("an", True)]


def test_moodle_cloze_short_answers_become_a_cloze() -> None:
    (q,) = parse_gift("{1:SA:=Paris~%50%paris} is in {1:SHORTANSWER:=France}.\n").bank.questions
    assert isinstance(q, models.Cloze)
    assert q.text == "{{Paris}} is in {{France}}."
    assert q.prompt == "Fill in the gaps."  # two gaps
    (one,) = parse_gift("{1:SA:=Paris} is in France.\n").bank.questions
    assert one.prompt == "Fill in the gap."


def test_moodle_cloze_that_cannot_be_held_is_skipped_with_advice_and_the_rest_kept() -> None:
    text = "Good {=yes ~no}\n\nMix {1:MC:~a~=b} and {2:NM:=3}.\n\nAlso {T}\n"
    result = parse_gift(text, path="f")
    assert [q.prompt for q in result.bank.questions] == ["Good", "Also"]
    (err,) = result.skipped
    assert (err.line, err.column) == (3, 5)
    assert err.message.startswith("embedded answers (Moodle Cloze) are not GIFT: import this")
    assert result.summary() == "2 of 3 imported, 1 skipped"


def test_short_answer_wildcards_are_named_with_their_line() -> None:
    result = parse_gift("\n::w::Name a frog {=Fr*g =toad =%0%*#no}\n")
    (q,) = result.bank.questions
    assert isinstance(q, models.ShortAnswer) and q.accept == ["Fr*g", "toad"]
    wild = [w for w in result.warnings if "wildcard" in w.message]
    assert [(w.line, w.question) for w in wild] == [(2, "w")]
    assert "'Fr*g'" in wild[0].message


def test_single_answer_question_with_two_full_answers_is_skipped_with_the_reason() -> None:
    result = parse_gift("A {=x =y ~z}\n\nB {=p ~q}\n", path="f")
    assert [q.prompt for q in result.bank.questions] == ["B"]
    assert "exactly one answer worth 100%, found 2" in result.skipped[0].message


def test_accented_prompts_make_whole_word_ids() -> None:
    (q,) = parse_gift("¿Cuál es la capital? {=Madrid ~Roma}\n").bank.questions
    assert q.id == "cual-es-la-capital"


# ------------------------------------------------------------------ Anki text and CSV


def test_anki_text_without_html_header_is_read_as_html_when_it_holds_html() -> None:
    from quiz.interop.anki_text import parse_anki_text

    text = (
        'See <a href="https://x.org">the site</a><br>now\tA <b>bold</b> &amp; <img src="k.png">\n'
    )
    result = parse_anki_text(text)
    (q,) = result.bank.questions
    assert isinstance(q, models.Flashcard)
    assert q.prompt == "See the site\nnow"
    assert q.back == "A bold & [image: k.png]"


def test_anki_text_comments_and_quoted_multiline_fields() -> None:
    from quiz.interop.anki_text import parse_anki_text

    text = '#separator:tab\n#html:false\n# a comment\n"two\nlines"\tback\n#another\nx\ty\n'
    result = parse_anki_text(text)
    assert [(q.prompt, q.back) for q in result.bank.questions] == [  # type: ignore[union-attr]
        ("two\nlines", "back"),
        ("x", "y"),
    ]


@pytest.mark.parametrize(
    "header", ["question,answer", "front,back", "term,definition", "Question;Answer"]
)
def test_csv_header_aliases(header: str) -> None:
    from quiz.interop.csv_format import parse_csv

    sep = ";" if ";" in header else ","
    result = parse_csv(f"{header}\nCapital of France?{sep}Paris\n")
    (q,) = result.bank.questions
    assert isinstance(q, models.Flashcard) and (q.prompt, q.back) == ("Capital of France?", "Paris")


def test_detection_is_not_fooled_by_braces_and_reads_headerless_tabs() -> None:
    from quiz.interop import detect_format

    anki = "{{c1::Paris}} is in France\tgeo\nCode: if (x) { y }\tz\n"
    assert detect_format(Path("deck.txt"), anki) == "anki"
    assert detect_format(Path("deck.txt"), "hund\tdog\nkatze\tcat\n") == "anki"
    gift = "::q::\nWho?{\n\t=a\n\t~b\n}\n"
    assert detect_format(Path("q.txt"), gift) == "gift"
    assert detect_format(Path("q.txt"), "Front,Back\na,b\n") == "csv"


def test_formats_without_partial_credit_say_they_drop_it(tmp_path: Path) -> None:
    from quiz.interop import export_text
    from quiz.interop.apkg import write_apkg

    bank = models.Bank.model_validate(
        {
            "schema": 1,
            "id": "b",
            "title": "B",
            "questions": [_mc({"text": "a", "correct": True}, {"text": "b", "credit": 0.5})],
        }
    )
    for fmt in ("aiken", "anki", "csv"):
        assert any("partial credit" in w.message for w in export_text(bank, fmt).warnings), fmt
    result = write_apkg(bank, tmp_path / "b.apkg")
    assert any("partial credit" in w.message for w in result.warnings)
    assert "%50%b" in (export_text(bank, "gift").text or "")


def test_moodle_auto_format_keeps_line_breaks_html_does_not() -> None:
    moodle = parse_gift("[moodle]line one\\nline <b>two</b>{T}\n").bank.questions[0]
    html = parse_gift("[html]line one\\nline <b>two</b>{T}\n").bank.questions[0]
    assert (moodle.prompt, html.prompt) == ("line one\nline two", "line one line two")


def test_anki_text_first_line_naming_the_columns_is_not_a_note() -> None:
    from quiz.interop.anki_text import parse_anki_text

    result = parse_anki_text("Front\tBack\nhund\tdog\n", path="f")
    assert [(q.prompt, q.back) for q in result.bank.questions] == [("hund", "dog")]  # type: ignore[union-attr]
    assert "f:1: first line read as column names, not as a note" in [
        w.format("f") for w in result.warnings
    ]
