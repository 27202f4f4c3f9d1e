"""`quiz cards`, `quiz unsuspend`, `quiz unbury`, and profiles chosen by the commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quiz.banks import load_catalog
from quiz.cli import main
from quiz.store import Store


@pytest.fixture
def shipped() -> tuple[str, list[str]]:
    bank = load_catalog().banks[0].bank
    return bank.id, [q.id for q in bank.questions[:3]]


def test_cards_lists_and_the_restore_commands_bring_back(
    tmp_path: Path, shipped: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "q.db"
    bank_id, (q1, q2, _q3) = shipped
    with Store.open(db) as s:
        s.suspend("ann", bank_id, q1)
        s.bury("ann", bank_id, q2)
    assert main(["--db", str(db), "--profile", "ann", "cards", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {(c["question_id"], c["suspended"], c["buried_until"] is not None) for c in listed} == {
        (q1, True, False),
        (q2, False, True),
    }
    assert all(c["prompt"] for c in listed)
    assert main(["--db", str(db), "--profile", "ann", "cards", "--suspended"]) == 0
    out = capsys.readouterr().out
    assert f"{bank_id}/{q1}" in out and q2 not in out

    assert main(["--db", str(db), "--profile", "ann", "unsuspend", q1]) == 0
    assert f"Unsuspended: {bank_id}/{q1}" in capsys.readouterr().out
    assert main(["--db", str(db), "--profile", "ann", "unbury", f"{bank_id}/{q2}"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "--profile", "ann", "cards", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    # Naming a question that is not suspended is an error, and says which.
    assert main(["--db", str(db), "--profile", "ann", "unsuspend", q1]) == 1
    assert f"{q1!r} is not suspended" in capsys.readouterr().err


def test_an_unknown_profile_is_refused_and_never_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "q.db"
    with Store.open(db) as s:
        s.create_profile("ann")
    for argv in (["stats", "--json"], ["cards"], ["settings"]):
        assert main(["--db", str(db), "--profile", "x", *argv]) == 2, argv
        err = capsys.readouterr().err
        assert "there is no profile 'x'; profiles: ann" in err
    with Store.open(db) as s:
        assert s.profiles() == ["ann"]
    # Changing a setting is a write: that may create the profile.
    assert main(["--db", str(db), "--profile", "x", "settings", "--new-per-day", "3"]) == 0
    with Store.open(db) as s:
        assert s.profiles() == ["ann", "x"]


def test_commands_use_the_profile_used_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "q.db"
    with Store.open(db) as s:
        s.use_profile("bob")
    assert main(["--db", str(db), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["profile"] == "bob"
    # A fresh store: the default profile, still not created by reading.
    fresh = tmp_path / "fresh.db"
    assert main(["--db", str(fresh), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["profile"] == "default"
    with Store.open(fresh) as s:
        assert s.profiles() == []
