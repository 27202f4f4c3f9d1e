"""`quiz study` and `quiz review` on the command line (without running the app)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.cli import main


def test_study_unknown_bank_is_a_usage_error(
    bank_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZ_BANKS_DIR", str(bank_dir))
    assert main(["study", "no-such-bank"]) == 2
    err = capsys.readouterr().err
    assert "no valid bank with id 'no-such-bank'" in err and "every-type" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["study", "every-type", "--count", "0"], "must be at least 1"),
        (["study", "every-type", "--time-limit", "soon"], "expected a number of seconds"),
        (["study", "every-type", "--mode", "exam"], "invalid choice"),
    ],
)
def test_study_bad_options(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_study_starts_the_app_with_the_request(
    bank_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_BANKS_DIR", str(bank_dir))
    seen = {}

    def fake_run(self: object) -> None:
        seen["app"] = self

    monkeypatch.setattr("quiz.ui.app.QuizApp.run", fake_run)
    db = tmp_path / "x.db"
    assert main(["study", "every-type", "-n", "3", "--time-limit", "20", "--db", str(db)]) == 0
    app = seen["app"]
    assert app.db_path == db and app.profile == "default"  # type: ignore[attr-defined]
    start = app.start  # type: ignore[attr-defined]
    assert (start.kind, start.bank_id, start.count, start.time_limit) == (
        "study",
        "every-type",
        3,
        20.0,
    )
    assert main(["review", "--profile", "ann"]) == 0
    assert seen["app"].start.kind == "review"  # type: ignore[attr-defined]
    assert seen["app"].profile == "ann"  # type: ignore[attr-defined]
