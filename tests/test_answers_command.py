"""`quiz answers`: what learners typed, grouped per question, for the bank's author."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quiz.banks import load_catalog
from quiz.cli import main
from quiz.store import Store


@pytest.fixture
def typed_question() -> tuple[str, str]:
    for loaded in load_catalog().banks:
        for q in loaded.bank.questions:
            if q.type == "short_answer":
                return loaded.bank.id, q.id
    raise AssertionError("the shipped banks have a short-answer question")


def test_answers_lists_typed_answers_most_frequent_first(
    tmp_path: Path, typed_question: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "q.db"
    bank_id, qid = typed_question
    with Store.open(db) as s:
        sid = s.start_session("ann", "quiz", [(bank_id, qid)])
        for text, outcome in [("alpha", "incorrect")] * 3 + [("beta\x1b[2J", "incorrect")]:
            s.record_attempt(sid, "ann", bank_id, qid, answer=text, outcome=outcome, score=0.0)
        last = s.last_attempt(sid)
        assert last is not None
        s.override_attempt(last.id)
        s.record_attempt(None, "bob", bank_id, qid, answer="alpha", outcome="incorrect", score=0)
    assert main(["--db", str(db), "answers", bank_id, qid, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    answers = data["questions"][0]["answers"]
    assert [(a["answer"], a["count"]) for a in answers] == [("alpha", 4), ("beta [2J", 1)]
    assert answers[1]["graded"] == {"incorrect": 1} and answers[1]["overridden"] == 1
    # --overridden: only what a learner counted as right; text output has no raw escape.
    assert main(["--db", str(db), "answers", bank_id, "--overridden"]) == 0
    out = capsys.readouterr().out
    assert "beta" in out and "alpha" not in out and "\x1b" not in out
    assert "wrong 1, counted as right 1" in out
    # One profile only, and an unknown one is a usage error.
    assert main(["--db", str(db), "--profile", "bob", "answers", bank_id, qid, "--json"]) == 0
    bob = json.loads(capsys.readouterr().out)["questions"][0]["answers"]
    assert [(a["answer"], a["count"]) for a in bob] == [("alpha", 1)]
    assert main(["--db", str(db), "--profile", "zed", "answers", bank_id]) == 2
    assert main(["--db", str(db), "answers", "no-such-bank"]) == 2
