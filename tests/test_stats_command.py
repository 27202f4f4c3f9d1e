"""`quiz stats`: the report as text and JSON, against the shipped banks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.banks import load_catalog
from quiz.cli import main
from quiz.store import Store


@pytest.fixture
def shipped_question() -> tuple[str, str, str]:
    catalog = load_catalog()
    bank = catalog.banks[0].bank
    return bank.id, bank.questions[0].id, bank.questions[0].prompt


def _study(db: Path, bank_id: str, qid: str) -> None:
    now = datetime.now(UTC)
    with Store.open(db) as s:
        sid = s.start_session("kim", "study", [(bank_id, qid)], now=now - timedelta(seconds=5))
        for i, outcome in enumerate(("incorrect", "incorrect", "correct")):
            s.record_attempt(
                sid,
                "kim",
                bank_id,
                qid,
                answer=i,
                outcome=outcome,
                score=1.0 if outcome == "correct" else 0.0,
                now=now - timedelta(seconds=4 - i),
            )
        s.record_attempt(
            sid,
            "kim",
            bank_id,
            "removed-question",
            answer=0,
            outcome="correct",
            score=1.0,
            now=now - timedelta(seconds=1),
        )
        s.finish_session(sid, now=now)


def test_stats_json(
    tmp_path: Path, shipped_question: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bank_id, qid, _ = shipped_question
    db = tmp_path / "q.db"
    _study(db, bank_id, qid)
    assert main(["--db", str(db), "--profile", "kim", "stats", "--json", "--days", "7"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["profile"] == "kim"
    assert report["totals"]["attempts"] == 4
    bank = next(b for b in report["banks"] if b["bank_id"] == bank_id)
    assert bank["attempts"] == 4 and bank["accuracy"] == 0.5 and bank["last_score"] == 0.5
    assert len(report["heatmap"]) == 7 and report["heatmap"][-1]["reviews"] == 4
    assert report["streak"]["current"] == 1
    assert [(w["question_id"], w["attempts"]) for w in report["weakest"]] == [(qid, 3)]


def test_stats_text_names_the_weak_question(
    tmp_path: Path, shipped_question: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bank_id, qid, prompt = shipped_question
    db = tmp_path / "q.db"
    _study(db, bank_id, qid)
    assert main(["stats", "--db", str(db), "--profile", "kim"]) == 0
    out = capsys.readouterr().out
    assert "Profile: kim" in out and "Streak: 1 day(s)" in out
    assert f"33% of 3   {bank_id}/{qid}: {' '.join(prompt.split())[:20]}" in out


def test_stats_on_a_file_that_is_not_a_database_refuses_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    content = b"not a database at all" * 300
    notes.write_bytes(content)
    assert main(["stats", "--db", str(notes), "--json"]) == 1
    captured = capsys.readouterr()
    assert "is not a quiz database" in captured.err and "left untouched" in captured.err
    assert notes.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_stats_bad_days_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", "--db", str(tmp_path / "q.db"), "--days", "0"]) == 2
    assert "--days must be at least 1" in capsys.readouterr().err
