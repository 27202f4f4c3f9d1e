"""Aiken, Anki text and CSV: golden files, warnings, located errors, export round trips."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from quiz import models
from quiz.interop import (
    PLACEHOLDER_EXPLANATION,
    InteropError,
    InteropWarning,
    detect_format,
    import_file,
)
from quiz.interop.aiken import export_aiken, parse_aiken
from quiz.interop.anki_text import export_anki_text, parse_anki_text
from quiz.interop.apkg import write_apkg
from quiz.interop.common import EXPLANATION_RULE, stable_anki_id
from quiz.interop.csv_format import export_csv, parse_csv

DATA = Path(__file__).parent / "data" / "interop"


def formatted(warnings: list[InteropWarning]) -> list[str]:
    return [w.format("f") for w in warnings]


def _bank(*questions: dict[str, object]) -> models.Bank:
    return models.Bank.model_validate(
        {"schema": 1, "id": "demo", "title": "Demo bank", "questions": questions}
    )


EVERY_TYPE = _bank(
    {
        "id": "mc",
        "type": "multiple_choice",
        "prompt": "Capital?",
        "explanation": "Paris.",
        "choices": [{"text": "Paris", "correct": True, "feedback": "Yes"}, {"text": "Rome"}],
        "tags": ["geo", "two words"],
        "hint": "h",
        "difficulty": 4,
    },
    {
        "id": "ms",
        "type": "multiple_select",
        "prompt": "Primes?",
        "explanation": "e",
        "choices": [{"text": "2", "correct": True}, {"text": "3", "correct": True}, {"text": "4"}],
    },
    {
        "id": "tf",
        "type": "true_false",
        "prompt": "Sun is a star.",
        "answer": True,
        "explanation": "e",
    },
    {
        "id": "sa",
        "type": "short_answer",
        "prompt": "Ocean?",
        "accept": ["Pacific", "a|b"],
        "explanation": "e",
        "case_sensitive": True,
    },
    {
        "id": "nu",
        "type": "numeric",
        "prompt": "Pi?",
        "answer": 3.14,
        "tolerance": 0.01,
        "unit": "rad",
        "partial": [{"min": 3, "max": 3.5, "credit": 0.25}],
        "explanation": "e",
    },
    {
        "id": "cl",
        "type": "cloze",
        "prompt": "Fill in the gap.",
        "explanation": "At sea level.",
        "text": "Water boils at {{100|one hundred}} degrees {{Celsius}}.",
        "hint": "hot",
    },
    {
        "id": "or",
        "type": "ordering",
        "prompt": "Order",
        "items": ["a", "b", "c"],
        "explanation": "e",
    },
    {
        "id": "ma",
        "type": "matching",
        "prompt": "Match",
        "explanation": "e",
        "pairs": [
            {"left": "x->", "right": "1"},
            {"left": "y", "right": "2|"},
            {"left": "z", "right": "3"},
        ],
    },
    {
        "id": "fc",
        "type": "flashcard",
        "prompt": "ATP?",
        "back": "Energy.\nCurrency.",
        "explanation": "Made in mitochondria.",
        "tags": ["bio"],
    },
)


# ----------------------------------------------------------------------------- Aiken


def test_aiken_golden() -> None:
    result = import_file(DATA / "sample.aiken")
    first, second = result.bank.questions
    assert isinstance(first, models.MultipleChoice)
    assert first.prompt == "What is the capital of Italy?"
    assert [(c.text, c.correct) for c in first.choices] == [
        ("Milan", False),
        ("Rome", True),
        ("Naples", False),
    ]
    assert isinstance(second, models.MultipleChoice)
    assert [c.text for c in second.choices if c.correct] == ["Carbon dioxide"]
    assert second.explanation == PLACEHOLDER_EXPLANATION
    assert formatted(result.warnings) == [
        "f:1: question what-is-the-capital-of-italy: no explanation in the source; "
        "a placeholder was used",
        "f:7: question which-gas-do-plants-absorb: no explanation in the source; "
        "a placeholder was used",
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("Q?\nA. x\nB. y\nANSWER: C\n", 4, 9, "'C' is not one of the options"),
        ("ANSWER: A\n", 1, 1, "without a question"),
        ("Q?\nA. x\nANSWER: A\n", 3, 1, "at least two options"),
        ("Q?\nA. x\nC. y\nANSWER: A\n", 3, 1, "expected option B"),
        ("Q?\nA. x\nB. y\nstray text\n", 4, 1, "no 'ANSWER: X' line for the question of line 1"),
        ("Q?\nA. x\nB. y\n\nNext?\n", 5, 1, "no 'ANSWER: X' line for the question of line 1"),
        ("\nQ?\nA. x\nB. y\n", 2, 1, "no 'ANSWER: X' line"),
    ],
)
def test_aiken_errors_are_located(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(InteropError) as info:
        parse_aiken(text, path="f")
    assert (info.value.line, info.value.column) == (line, column), str(info.value)
    assert fragment in info.value.message


def test_aiken_export_keeps_multiple_choice_and_reports_the_rest() -> None:
    result = export_aiken(EVERY_TYPE)
    assert result.text == "Capital?\nA. Paris\nB. Rome\nANSWER: A\n"
    assert result.exported == 1
    assert len(result.warnings) == len(EVERY_TYPE.questions)  # 8 skipped + explanations
    again = parse_aiken(result.text or "").bank.questions[0]
    assert isinstance(again, models.MultipleChoice)
    assert [(c.text, c.correct) for c in again.choices] == [("Paris", True), ("Rome", False)]


# ----------------------------------------------------------------------------- Anki text


def test_anki_text_golden() -> None:
    result = import_file(DATA / "notes.txt")
    by_id = {q.id: q for q in result.bank.questions}
    eat = by_id["to-eat"]
    assert isinstance(eat, models.Flashcard)
    assert (eat.prompt, eat.back, eat.tags) == ("to eat", "comer", ["verbs", "food"])
    drink = by_id["to-drink"]
    assert isinstance(drink, models.Flashcard)
    # HTML reduced; the back is split from the explanation at the rule
    assert (drink.prompt, drink.back, drink.explanation) == ("to drink", "beber", "An -er verb.")
    # One question per Cloze note, every gap asked at once; `gaps` keeps Anki's card numbers
    # and hints (Anki makes 2 cards of this note: c1 hides Madrid, c2 Spain).
    madrid = by_id["madrid-is-the-capital-of-spain"]
    assert isinstance(madrid, models.Cloze)
    assert (madrid.text, madrid.hint) == ("{{Madrid}} is the capital of {{Spain}}.", "a country")
    assert [(g.card, g.hint) for g in madrid.gaps] == [(1, None), (2, "a country")]
    assert madrid.explanation == "Geography fact."
    both = by_id["paris-and-lyon-are-in-france"]
    assert isinstance(both, models.Cloze)
    assert (both.text, both.hint) == ("{{Paris}} and {{Lyon}} are in France.", "city")
    # All c1, the hint on the first gap: what a cloze without `gaps` exports as.
    assert both.gaps == []
    # The guid column is kept, so an export updates these notes in Anki.
    assert [q.anki_guid for q in result.bank.questions] == [
        "abc123",
        "abc124",
        "abc125",
        "abc126",
        None,  # its guid cell holds a tab: not kept, said so
    ]
    multi = by_id["line-one-line-two"]
    assert multi.prompt == "line one\nline two"
    assert formatted(result.warnings) == [
        "f:7: question to-eat: no explanation in the source; a placeholder was used",
        "f:8: HTML reduced to plain text (lost: b)",
        "f:10: question paris-and-lyon-are-in-france: no explanation in the source; "
        "a placeholder was used",
        "f:11: guid 'quoted\\tfront' not kept (control characters or too long)",
        "f:11: question line-one-line-two: no explanation in the source; a placeholder was used",
    ]


@pytest.mark.parametrize(
    ("sep_header", "sep"),
    [
        ("Tab", "\t"),
        ("Comma", ","),
        ("Semicolon", ";"),
        ("Pipe", "|"),
        ("Space", " "),
        ("Colon", ":"),
        ("~", "~"),
    ],
)
def test_anki_separators(sep_header: str, sep: str) -> None:
    text = f"#separator:{sep_header}\n#columns:Front{sep}Back\nfront{sep}back\n"
    q = parse_anki_text(text).bank.questions[0]
    assert isinstance(q, models.Flashcard) and (q.prompt, q.back) == ("front", "back")


def test_anki_html_false_keeps_markup_as_text_and_global_tags_apply() -> None:
    text = "#separator:tab\n#html:false\n#tags:t1 t2\n<b>x</b>\ty\n"
    q = parse_anki_text(text).bank.questions[0]
    assert q.prompt == "<b>x</b>" and q.tags == ["t1", "t2"]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("#separator:Tabs\na\tb\n", 1, "#separator: expected Tab"),
        ("#separator:tab\n#tags column:zero\na\tb\n", 2, "expected a column number"),
    ],
)
def test_anki_header_errors(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InteropError) as info:
        parse_anki_text(text, path="f")
    assert info.value.line == line and fragment in info.value.message


def test_anki_skips_are_warnings() -> None:
    text = "#separator:tab\n#bogus:1\nonly front\n\tno front\nfront\tback\textra\n"
    result = parse_anki_text(text, path="f")
    assert [q.id for q in result.bank.questions] == ["only-front", "front"]
    assert formatted(result.warnings) == [
        "f:2: unknown Anki header '#bogus:' ignored",
        "f:3: question only-front: empty back shown as '(empty)'",
        "f:3: question only-front: no explanation in the source; a placeholder was used",
        "f:5: question front: 1 extra field(s) dropped",
        "f:5: question front: no explanation in the source; a placeholder was used",
    ]
    assert [e.located() for e in result.skipped] == ["f:4: the note's first field is empty"]


def test_anki_text_round_trip_of_flashcards_and_cloze() -> None:
    bank = _bank(
        {
            "id": "fc",
            "type": "flashcard",
            "prompt": "Front",
            "back": "Back\nmore",
            "explanation": "Why.",
            "tags": ["t"],
        },
        {
            "id": "cl",
            "type": "cloze",
            "prompt": "Fill in the gap.",
            "text": "A {{b}} and {{c}}.",
            "explanation": "E",
            "hint": "hh",
        },
    )
    exported = export_anki_text(bank)
    assert exported.warnings == []
    again = parse_anki_text(exported.text or "", bank_id="demo", title="Demo bank").bank
    fc, cl = again.questions
    assert isinstance(fc, models.Flashcard)
    assert (fc.prompt, fc.back, fc.explanation, fc.tags) == ("Front", "Back\nmore", "Why.", ["t"])
    assert isinstance(cl, models.Cloze)
    assert (cl.text, cl.explanation, cl.hint) == ("A {{b}} and {{c}}.", "E", "hh")
    assert cl.prompt == "Fill in the gaps."  # an imported cloze with two gaps
    # Written here without card numbers: it comes back without them, and exports the same.
    assert cl.gaps == []
    assert "{{c1::b::hh}} and {{c1::c}}." in (exported.text or "")


def test_anki_text_round_trip_keeps_guids_and_cloze_numbers() -> None:
    """Anki text -> quiz -> Anki text: each note comes back under its own guid, and a Cloze
    note's Text is the one Anki wrote (card numbers and hints), so Anki updates the note and
    makes the same cards."""
    original = {
        row[0]: row[3]
        for row in csv.reader(io.StringIO((DATA / "notes.txt").read_text()), delimiter="\t")
        if row and not row[0].startswith("#")
    }
    bank = import_file(DATA / "notes.txt").bank
    exported = export_anki_text(bank).text or ""
    rows = [r for r in csv.reader(io.StringIO(exported), delimiter="\t") if r[0][:1] != "#"]
    by_guid = {r[0]: r for r in rows}
    assert set(by_guid) >= {"abc123", "abc124", "abc125", "abc126"}
    for guid in ("abc125", "abc126"):
        assert by_guid[guid][1] == "Cloze"
        assert by_guid[guid][3] == original[guid]
    assert by_guid["abc125"][3] == "{{c1::Madrid}} is the capital of {{c2::Spain::a country}}."
    # And again into quiz: the same questions.
    again = parse_anki_text(exported, bank_id=bank.id, title=bank.title).bank
    assert [(q.anki_guid, getattr(q, "gaps", None)) for q in again.questions] == [
        (q.anki_guid or _exported_guid(q, rows), getattr(q, "gaps", None)) for q in bank.questions
    ]


def _exported_guid(q: models.Question, rows: list[list[str]]) -> str:
    """The guid the export gave a question that had none (the row with its front)."""
    return next(r[0] for r in rows if r[3] == q.prompt)


def test_anki_text_export_of_other_types_reports_the_approximation() -> None:
    exported = export_anki_text(EVERY_TYPE)
    messages = [w.format() for w in exported.warnings]
    assert "<input>: question mc: spaces in tag 'two words' became '_'" in messages
    assert "<input>: question cl: alternative answers ['one hundred'] dropped (Anki shows one)" in (
        messages
    )
    assert messages[-1].endswith(
        "7 question(s) of other types exported as Basic notes "
        "(front: prompt and choices; back: answer and explanation)"
    )
    rows = parse_anki_text(exported.text or "").bank.questions
    mc = rows[0]
    assert isinstance(mc, models.Flashcard)
    assert (mc.prompt, mc.back, mc.explanation) == (
        "Capital?\nA. Paris\nB. Rome",
        "Paris",
        "Paris.",
    )


# ----------------------------------------------------------------------------- apkg


def test_apkg_is_an_anki_collection_with_notes_fields_and_tags(tmp_path: Path) -> None:
    out = tmp_path / "demo.apkg"
    result = write_apkg(EVERY_TYPE, out)
    assert result.exported == len(EVERY_TYPE.questions)
    assert not list(tmp_path.glob(".*tmp"))  # no temp file left behind
    with zipfile.ZipFile(out) as zf:
        assert "collection.anki2" in zf.namelist()
        (tmp_path / "col.anki2").write_bytes(zf.read("collection.anki2"))
    con = sqlite3.connect(tmp_path / "col.anki2")
    try:
        notes = con.execute("select guid, mid, flds, tags from notes order by id").fetchall()
        models_json = con.execute("select models, decks from col").fetchone()
    finally:
        con.close()
    import json

    anki_models = json.loads(models_json[0])
    decks = json.loads(models_json[1])
    assert str(stable_anki_id("demo", "deck")) in decks
    assert decks[str(stable_anki_id("demo", "deck"))]["name"] == "Demo bank"
    basic_id, cloze_id = (
        stable_anki_id("demo", "basic-model"),
        stable_anki_id("demo", "cloze-model"),
    )
    assert [f["name"] for f in anki_models[str(basic_id)]["flds"]] == [
        "Front",
        "Back",
        "Explanation",
    ]
    assert anki_models[str(cloze_id)]["type"] == 1  # a cloze note type
    assert len(notes) == len(EVERY_TYPE.questions)
    fields = {n[2].split("\x1f")[0]: (n[1], n[2].split("\x1f"), n[3].split()) for n in notes}
    mid, flds, tags = fields["Capital?<br>A. Paris<br>B. Rome"]
    assert mid == basic_id and flds[1:] == ["Paris", "Paris."] and tags == ["geo", "two_words"]
    cloze = [v for k, v in fields.items() if k.startswith("Water boils")]
    assert cloze and cloze[0][0] == cloze_id
    assert cloze[0][1] == [
        "Water boils at {{c1::100::hot}} degrees {{c1::Celsius}}.",
        "At sea level.",
    ]
    mid, flds, tags = fields["ATP?"]
    assert flds[1:] == ["Energy.<br>Currency.", "Made in mitochondria."] and tags == ["bio"]


def test_apkg_ids_are_stable_per_bank(tmp_path: Path) -> None:
    assert stable_anki_id("demo", "deck") == stable_anki_id("demo", "deck")
    assert stable_anki_id("demo", "deck") != stable_anki_id("other", "deck")
    assert 1 << 30 <= stable_anki_id("x", "basic-model") < 1 << 31


# ----------------------------------------------------------------------------- CSV


def test_csv_golden() -> None:
    result = import_file(DATA / "questions.csv")
    bank = result.bank
    by_id = {q.id: q for q in bank.questions}
    mc = by_id["capital"]
    assert isinstance(mc, models.MultipleChoice)
    assert [(c.text, c.correct, c.feedback) for c in mc.choices] == [
        ("Paris", True, "Right!"),
        ("Lyon", False, "No"),
        ("Marseille", False, "No"),
    ]
    assert (mc.tags, mc.hint, mc.difficulty, mc.shuffle) == (
        ["geo", "europe"],
        "Largest city",
        2,
        False,
    )
    ms = by_id["primes"]
    assert isinstance(ms, models.MultipleSelect)
    assert [c.correct for c in ms.choices] == [True, True, False]
    assert isinstance(by_id["sun"], models.TrueFalse) and by_id["sun"].answer is True
    sa = by_id["ocean"]
    assert isinstance(sa, models.ShortAnswer) and sa.accept == ["Pacific", "Pacific Ocean"]
    assert sa.exact is True
    pi = by_id["pi"]
    assert isinstance(pi, models.Numeric)
    assert (pi.answer, pi.tolerance, pi.unit) == (3.14, 0.005, "rad")
    assert [(r.answer, r.tolerance, r.credit) for r in pi.partial] == [(3.1, 0.05, 0.5)]
    rng = by_id["range"]
    assert isinstance(rng, models.Numeric) and (rng.min, rng.max) == (1, 5)
    cl = by_id["boil"]
    assert isinstance(cl, models.Cloze) and models.cloze_gaps(cl.text) == [
        ["100"],
        ["Celsius", "C"],
    ]
    assert isinstance(by_id["planets"], models.Ordering)
    assert by_id["planets"].items == ["Mercury", "Venus", "Earth"]
    ma = by_id["capitals"]
    assert isinstance(ma, models.Matching) and ma.pairs[2].right == "Lisbon"
    fc = by_id["what-is-atp"]  # empty type and no choices: a flashcard; id from the prompt
    assert isinstance(fc, models.Flashcard) and fc.explanation == "Made in mitochondria,\nmostly."
    pipes = by_id["pipes"]
    assert isinstance(pipes, models.ShortAnswer) and pipes.accept == ["|", "\\"]
    assert result.warnings == []


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "the file is empty"),
        ("query,answer\nq,a\n", 1, "needs a 'prompt' column"),
        ("prompt,type\nQ,essay\n", 2, "'essay' is not one of"),
        (
            "prompt,type,answer,choices\nQ,multiple_choice,z,a|b\n",
            2,
            "'z' is not one of the choices",
        ),
        ("prompt,type,answer\nQ,true_false,maybe\n", 2, "expected true or false"),
        ("prompt,type,answer\n\nQ,numeric,ten\n", 3, "expected NUMBER[:TOLERANCE]"),
        ("prompt,type,choices\nQ,matching,a -> 1|b\n", 2, "a matching pair is 'left -> right'"),
        ("prompt,difficulty\nQ,hard\n", 2, "difficulty: expected a whole number"),
        ("prompt\nQ,extra\n", 2, "2 cells but the header has 1 columns"),
        ('prompt\n"unclosed\n', 2, "malformed CSV"),
        ("prompt,type,answer,choices\nQ,multiple_choice,a|b,a|b\n", 2, "exactly one answer"),
    ],
)
def test_csv_errors_are_located(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InteropError) as info:
        parse_csv(text, path="f")
    assert fragment in info.value.message, str(info.value)
    assert info.value.line == line, str(info.value)


def test_csv_warnings() -> None:
    text = "prompt,type,answer,choices,colour,id\nQ,multiple_choice,a,a|a,red,x\nQ2,,b,,,Bad Id\n"
    result = parse_csv(text, path="f")
    assert formatted(result.warnings) == [
        "f:1: unknown columns ignored: colour",
        "f:3: question bad-id: id 'Bad Id' became 'bad-id'",
        "f:3: question bad-id: no explanation in the source; a placeholder was used",
    ]
    assert [e.located() for e in result.skipped] == [
        "f:2: question x: choices: choice texts must be unique; 'a' appears twice"
    ]


def test_csv_round_trip_keeps_every_type_and_field() -> None:
    exported = export_csv(EVERY_TYPE)
    assert exported.warnings == []
    again = parse_csv(exported.text or "", bank_id="demo", title="Demo bank")
    assert again.warnings == []
    assert again.bank == EVERY_TYPE


def test_semicolon_csv_from_european_spreadsheets() -> None:
    q = parse_csv("prompt;answer\nFront;Back\n").bank.questions[0]
    assert isinstance(q, models.Flashcard) and q.back == "Back"


# ----------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("a.gift", "Q{=a}", "gift"),
        ("a.txt", "Q{=a ~b}", "gift"),
        ("a.txt", "Q?\nA. x\nB. y\nANSWER: A\n", "aiken"),
        ("a.csv", "#separator:tab\na\tb\n", "anki"),
        ("a.csv", "prompt,answer\n", "csv"),
        ("a.txt", "front\tback\n", "anki"),
        ("a.dat", "prompt;answer\n", "csv"),
    ],
)
def test_format_detection(name: str, text: str, fmt: str) -> None:
    assert detect_format(Path(name), text) == fmt


def test_undetectable_format_is_an_error() -> None:
    with pytest.raises(InteropError, match="cannot tell the format"):
        detect_format(Path("a.txt"), "just words\n")


def test_explanation_rule_is_what_the_importer_splits_on() -> None:
    text = "#separator:tab\n" + '"F"\t"B' + EXPLANATION_RULE + 'E"\n'
    q = parse_anki_text(text).bank.questions[0]
    assert isinstance(q, models.Flashcard) and (q.back, q.explanation) == ("B", "E")
