"""Every command reports a failure the same way: the exit status of one table, the message
on stderr, and with --json a JSON error on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quiz.cli import EXIT_CODES, build_parser, main


@pytest.fixture
def notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    monkeypatch.delenv("QUIZ_BANKS_DIR", raising=False)
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    return path


CASES: list[tuple[str, list[str], int, str]] = [
    ("stats on a file that is not ours", ["stats", "--db", "{notes}"], 1, "not a quiz database"),
    ("cards on it", ["cards", "--db", "{notes}"], 1, "not a quiz database"),
    ("settings on it", ["settings", "--db", "{notes}"], 1, "not a quiz database"),
    ("backup of it", ["backup", "--db", "{notes}"], 1, "not a quiz database"),
    ("restore from it", ["restore", "{notes}", "--db", "{tmp}/q.db"], 1, "not a quiz database"),
    ("unsuspend nothing", ["unsuspend", "x/q1", "--db", "{tmp}/q.db"], 1, "is not suspended"),
    ("add a missing file", ["add", "{tmp}/missing.toml"], 1, "no such file"),
    (
        "export an unknown bank",
        ["export", "nope", "--format", "gift", "-o", "{tmp}/o.gift"],
        1,
        "no bank with the id",
    ),
    ("add a broken bank", ["add", "{tmp}/broken.toml"], 1, "problem(s) in"),
    ("validate a missing path", ["validate", "{tmp}/missing.toml"], 2, "no such file"),
    ("a bad option value", ["stats", "--days", "0", "--db", "{tmp}/q.db"], 2, "--days"),
    ("an unknown option", ["stats", "--bogus"], 2, "unrecognized arguments"),
    ("an unknown profile", ["stats", "--profile", "zed", "--db", "{tmp}/q.db"], 2, "no profile"),
    ("a read-only command on a folder", ["stats", "--db", "{tmp}"], 1, "it is a folder"),
]


def _argv(argv: list[str], notes: Path) -> list[str]:
    return [a.format(notes=notes, tmp=notes.parent) for a in argv]


@pytest.mark.parametrize(
    ("argv", "code", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_an_error_has_its_status_and_goes_to_stderr(
    notes: Path, argv: list[str], code: int, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (notes.parent / "broken.toml").write_text('id = "broken"\ntitle = 3\n')
    assert main(_argv(argv, notes)) == code
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("quiz: error: ") and text in err
    assert notes.read_text() == "my notes\n"


def _has_json(command: str) -> bool:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return "--json" in sub.choices[command].format_help()  # type: ignore[index]


JSON_CASES = [c for c in CASES if _has_json(c[1][0])]


def test_every_command_that_reads_the_store_has_json() -> None:
    assert {c[1][0] for c in JSON_CASES} >= {"stats", "cards", "settings", "backup", "add"}


@pytest.mark.parametrize(
    ("argv", "code", "text"), [c[1:] for c in JSON_CASES], ids=[c[0] for c in JSON_CASES]
)
def test_with_json_an_error_is_json_too(
    notes: Path, argv: list[str], code: int, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (notes.parent / "broken.toml").write_text('id = "broken"\ntitle = 3\n')
    assert main([*_argv(argv, notes), "--json"]) == code
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["ok"] is False
    assert report["error"]["code"] == code and text in report["error"]["message"]
    assert report["error"]["kind"] == {c: k for c, k, _ in EXIT_CODES}[code]
    assert text in err


def test_help_prints_the_table_of_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for code, _, meaning in EXIT_CODES:
        assert f"{code:>3}  {meaning}" in out


def test_a_broken_bank_in_json_lists_every_problem(
    notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = notes.parent / "broken.toml"
    broken.write_text('id = "broken"\ntitle = 3\n')
    assert main(["add", str(broken), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    problems = report["error"]["problems"]
    assert problems and all(p["path"] == str(broken) for p in problems)
