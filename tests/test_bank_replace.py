"""Editing a bank is normal: `quiz add FILE --replace` and `quiz remove BANK_ID`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quiz.banks import load_catalog
from quiz.cli import main
from quiz.store import Store

BANK = """\
schema = 1
id = "capitals"
title = "Capitals"

[[questions]]
id = "france"
type = "true_false"
prompt = "Paris is the capital of France."
answer = true
explanation = "It is."

[[questions]]
id = "spain"
type = "multiple_choice"
prompt = "The capital of Spain?"
explanation = "Madrid."
choices = [{ text = "Madrid", correct = true }, { text = "Seville" }]

[[questions]]
id = "italy"
type = "short_answer"
prompt = "The capital of Italy?"
accept = ["Rome"]
explanation = "Rome."

[[questions]]
id = "peru"
type = "short_answer"
prompt = "The capital of Peru?"
accept = ["Lima"]
explanation = "Lima."
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUIZ_DB", str(tmp_path / "data" / "quiz.db"))
    monkeypatch.delenv("QUIZ_BANKS_DIR", raising=False)
    return tmp_path


def _history(env: Path) -> dict[str, int]:
    with Store.open(env / "data" / "quiz.db", backup=False) as s:
        rows = s.conn.execute(
            "SELECT question_id, count(*) FROM attempts WHERE bank_id = 'capitals' "
            "GROUP BY question_id"
        ).fetchall()
    return dict(rows)


def _added(env: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    src = env / "capitals.toml"
    src.write_text(BANK)
    assert main(["add", str(src)]) == 0
    capsys.readouterr()
    with Store.open() as s:
        for qid in ("france", "spain", "italy", "peru"):
            for profile in ("ann", "bob"):
                s.record_attempt(
                    None, profile, "capitals", qid, answer="x", outcome="correct", score=1.0
                )
    return src


def test_replace_keeps_history_unless_the_answer_key_changed(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _added(env, capsys)
    edited = (
        BANK.replace("Paris is the capital of France.", "Paris is France's capital city.")
        .replace(
            '{ text = "Madrid", correct = true }, { text = "Seville" }',
            '{ text = "Madrid" }, { text = "Seville", correct = true }',
        )
        .replace(
            BANK[
                BANK.index('[[questions]]\nid = "italy"') : BANK.index('[[questions]]\nid = "peru"')
            ],
            "",
        )
        + '\n[[questions]]\nid = "chile"\ntype = "short_answer"\nprompt = "Chile?"\n'
        'accept = ["Santiago"]\nexplanation = "Santiago."\n'
    )
    src.write_text(edited)
    assert main(["add", str(src), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "replaced 'capitals' (4 question(s))" in out
    assert "added: 1 (chile)" in out
    assert "changed: 2 (france, spain)" in out
    assert "removed: 1 (italy) (their history is kept)" in out
    assert "history kept (same answer key): 1 (france)" in out
    assert (
        "new answer key, history cleared: 1 (spain) (2 answer(s); the database was backed up to"
        in out
    )
    # The app and `quiz banks` see the new text.
    bank = load_catalog().get("capitals")
    assert bank is not None
    france = bank.bank.question("france")
    assert france is not None and france.prompt == "Paris is France's capital city."
    assert main(["banks"]) == 0
    listed = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["capitals", "4", "ok", str(env / "data" / "banks" / "capitals.toml")] in listed
    # Both profiles keep france, italy (removed from the bank) and peru; spain starts afresh.
    assert _history(env) == {"france": 2, "italy": 2, "peru": 2}
    named = Path(out.split("backed up to ")[1].split(")")[0])
    with Store.open(named, backup=False) as s:
        assert s.history_count("capitals", ["spain"]) == 2


def test_replace_with_json_lists_the_changes(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _added(env, capsys)
    src.write_text(BANK.replace('accept = ["Lima"]', 'accept = ["Lima", "Ciudad de los Reyes"]'))
    assert main(["add", str(src), "--replace", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["changed"] == ["peru"] and report["history_cleared"] == ["peru"]
    assert report["added"] == [] and report["removed"] == [] and report["answers_cleared"] == 2
    assert _history(env) == {"france": 2, "spain": 2, "italy": 2}


def test_without_replace_a_taken_id_is_refused_and_says_how(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _added(env, capsys)
    assert main(["add", str(src)]) == 1
    assert "give --replace to update it" in capsys.readouterr().err


def test_a_shipped_bank_is_never_replaced_or_removed(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = next(lb for lb in load_catalog().banks)
    copy = env / "mine.toml"
    copy.write_text(BANK.replace('id = "capitals"', f'id = "{shipped.bank.id}"'))
    assert main(["add", str(copy), "--replace"]) == 1
    assert "is a shipped bank" in capsys.readouterr().err
    before = shipped.path.read_bytes()
    assert main(["remove", shipped.bank.id, "--yes"]) == 1
    assert "is a shipped bank" in capsys.readouterr().err
    assert shipped.path.read_bytes() == before


def test_remove_asks_and_keeps_history(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _added(env, capsys)
    path = env / "data" / "banks" / "capitals.toml"
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["remove", "capitals"]) == 0
    assert "nothing removed" in capsys.readouterr().out and path.exists()
    asked: list[str] = []

    def answer_yes(prompt: str) -> str:
        asked.append(prompt)
        return "y"

    monkeypatch.setattr("builtins.input", answer_yes)
    assert main(["remove", "capitals"]) == 0
    assert "Remove 'capitals' (4 questions" in asked[0] and "history is kept" in asked[0]
    assert not path.exists() and load_catalog().get("capitals") is None
    assert _history(env) == {"france": 2, "spain": 2, "italy": 2, "peru": 2}


def test_remove_without_a_terminal_needs_yes(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _added(env, capsys)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["remove", "capitals"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert (env / "data" / "banks" / "capitals.toml").exists()


def test_remove_forget_history_backs_up_then_deletes_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _added(env, capsys)
    assert main(["remove", "capitals", "--yes", "--forget-history"]) == 0
    out = capsys.readouterr().out
    assert "forgot 8 answer(s); the database was backed up to" in out
    assert _history(env) == {}
    named = Path(out.split("backed up to ")[1].strip())
    with Store.open(named, backup=False) as s:
        assert s.history_count("capitals") == 8
