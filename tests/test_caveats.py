"""Caveats beyond the article (issue 13): a question may say where its article would
mislead, with a reference; shown after the answer under its own label, never graded,
never sent to classroom students before the reveal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from quiz import banks, cli
from quiz.classroom.models import public_question
from quiz.grading import GradeResult, Outcome, grade
from quiz.models import QUESTION_ADAPTER, Question, json_schema
from quiz.ui.widgets import FeedbackPanel

ROOT = Path(__file__).resolve().parent.parent

CAVEAT = {
    "text": "Most infused cells are trapped in the [b]lungs[/b].",
    "reference": "Fischer UM et al., Stem Cells Dev 2009",
}


def question(**extra: Any) -> Question:
    return QUESTION_ADAPTER.validate_python(
        {
            "id": "msc-migration",
            "type": "short_answer",
            "prompt": "Where do MSCs go after an intravenous infusion?",
            "accept": ["sites of inflammation"],
            "explanation": "The article says they migrate to sites of inflammation.",
            "source_quote": "they have been shown to migrate to sites of inflammation",
            **extra,
        }
    )


def write_bank(tmp_path: Path, caveat_toml: str) -> Path:
    path = tmp_path / "b.toml"
    path.write_text(
        'schema = 1\nid = "b"\ntitle = "B"\n\n[[questions]]\nid = "q1"\n'
        'type = "true_false"\nprompt = "P?"\nanswer = true\nexplanation = "E."\n\n'
        f"[questions.caveat]\n{caveat_toml}",
        encoding="utf-8",
    )
    return path


def test_a_caveat_loads_and_round_trips() -> None:
    q = question(caveat=CAVEAT)
    assert q.caveat is not None and q.caveat.reference == CAVEAT["reference"]
    assert q.model_dump()["caveat"] == CAVEAT


def test_a_caveat_without_reference_is_a_located_error(tmp_path: Path) -> None:
    path = write_bank(tmp_path, 'text = "The field has moved on."\n')
    with pytest.raises(banks.BankLoadError) as err:
        banks.load_bank(path)
    (problem,) = err.value.problems
    assert problem.question == "q1" and "reference" in (problem.field or "") + problem.message
    assert problem.line is not None and problem.line >= 10


def test_an_unknown_caveat_field_is_named(tmp_path: Path) -> None:
    path = write_bank(tmp_path, 'text = "T."\nreference = "R et al. 2020"\nsource = "x"\n')
    with pytest.raises(banks.BankLoadError) as err:
        banks.load_bank(path)
    assert "unknown field 'source'" in err.value.problems[0].message


@pytest.mark.parametrize(
    ("reference", "warns"),
    [
        ("see the literature", True),
        ("Burt RK et al., JAMA (MIST)", True),
        ("Burt RK et al., JAMA 2019 (MIST)", False),
    ],
)
def test_a_reference_nobody_can_look_up_draws_a_warning(
    tmp_path: Path, reference: str, warns: bool
) -> None:
    path = write_bank(tmp_path, f'text = "T."\nreference = "{reference}"\n')
    warnings = banks.load_bank(path).warnings
    assert any(w.field == "caveat.reference" for w in warnings) is warns


def test_validate_reports_the_warning_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_bank(tmp_path, 'text = "T."\nreference = "see the literature"\n')
    assert cli.main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "b.toml:14: question q1: caveat.reference:" in out


def test_json_schema_describes_the_caveat() -> None:
    schema = json_schema()
    caveat = schema["$defs"]["Caveat"]
    assert caveat["required"] == ["text", "reference"]
    assert "caveat" in schema["$defs"]["TrueFalse"]["properties"]


def test_a_caveat_never_changes_a_grade() -> None:
    plain = question()
    # Even a caveat that names another answer is not an accepted answer.
    noted = question(caveat={"text": "Mostly the lungs.", "reference": "Fischer 2009 UM"})
    for answer in ("sites of inflammation", "the lungs", "Mostly the lungs."):
        assert grade(plain, answer) == grade(noted, answer)
    assert grade(noted, "the lungs").outcome is Outcome.INCORRECT


def test_classroom_students_do_not_get_the_caveat_before_the_reveal() -> None:
    public = public_question(question(caveat=CAVEAT), "seed")
    assert "lungs" not in public.model_dump_json()


class PanelApp(App[None]):
    def __init__(self, q: Question) -> None:
        super().__init__()
        self.q = q

    def compose(self) -> ComposeResult:
        yield FeedbackPanel(self.q, GradeResult(Outcome.INCORRECT, 0.0, "sites of inflammation"))


async def test_feedback_shows_the_caveat_last_under_its_own_label_literally() -> None:
    app = PanelApp(question(caveat=CAVEAT))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        statics = list(app.query(Static))
        texts = [str(s.render()) for s in statics]
    assert texts[-1] == (
        "Beyond the article: Most infused cells are trapped in the [b]lungs[/b].\n"
        "Reference: Fischer UM et al., Stem Cells Dev 2009"
    )
    assert statics[-1].has_class("caveat")
    assert texts[-2].startswith("Source:")  # after the answer, the why and the quote


async def test_feedback_without_a_caveat_has_no_such_section() -> None:
    app = PanelApp(question())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        texts = [str(s.render()) for s in app.query(Static)]
    assert not any("Beyond the article" in t for t in texts)


def test_shipped_caveats_name_a_findable_reference() -> None:
    catalog = banks.load_catalog([ROOT / "question_banks"])
    caveats = [q.caveat for b in catalog.banks for q in b.bank.questions if q.caveat]
    assert len(caveats) >= 10
    assert not [w for b in catalog.banks for w in b.warnings]


def test_exports_say_the_caveats_are_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = ROOT / "question_banks" / "03-hsct.toml"
    for fmt in ("gift", "csv", "anki", "apkg"):
        assert (
            cli.main(["export", str(bank), "--format", fmt, "-o", str(tmp_path / f"x.{fmt}")]) == 0
        )
        assert f"caveats (beyond the article) are not part of {fmt}: dropped (8)" in (
            capsys.readouterr().err
        )
