"""Big JSON banks: validated in full once per change, then studied question by question.

A bank file of `LAZY_AT_QUESTIONS` questions or more is indexed after a full load found
it valid; while the file (and its article) stay as they were, the app lists it from that
index and builds only the questions a session asks. These tests hold the lazy bank to
what the full load gives, and check that any change to the file is seen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from quiz import bank_index
from quiz.bank_index import question_index_path, question_spans
from quiz.banks import (
    LAZY_AT_QUESTIONS,
    BankChangedError,
    LazyBank,
    LazyLoadedBank,
    LoadedBank,
    load_app_catalog,
    load_catalog,
)
from quiz.models import BankView
from quiz.session import BanksOutdated, Mode, SessionOptions
from quiz.store import Store
from quiz.study import StudyService

N = LAZY_AT_QUESTIONS + 400


def question(i: int) -> dict[str, Any]:
    """Question i: three types in turn; some prompts not ASCII (byte and character
    offsets differ after them)."""
    q: dict[str, Any] = {
        "id": f"q{i}",
        "prompt": f"Énoncé n°{i} — vrai ?" if i % 7 == 0 else f"Statement {i} holds?",
        "explanation": f"Because of reason {i}.",
        "tags": [f"topic-{i % 5}"] + (["rare"] if i % 500 == 3 else []),
    }
    if i % 3 == 0:
        return {**q, "type": "true_false", "answer": bool(i % 2)}
    if i % 3 == 1:
        choices = [{"text": f"Option {c}", "correct": c == i % 4} for c in range(4)]
        return {**q, "type": "multiple_choice", "choices": choices}
    return {**q, "type": "short_answer", "accept": [f"answer {i}"]}


def write_big(path: Path, n: int = N, *, bom: bool = False, **extra: Any) -> list[dict[str, Any]]:
    questions = [question(i) for i in range(n)]
    data = {"schema": 1, "id": "big", "title": "A big bank", **extra, "questions": questions}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return questions


@pytest.fixture
def banks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZ_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "banks"
    folder.mkdir()
    write_big(folder / "big.json")
    return folder


def lazy_bank(folder: Path) -> LazyBank:
    [loaded] = load_app_catalog([folder]).banks
    assert isinstance(loaded, LazyLoadedBank), "expected the bank listed from its index"
    return loaded.bank


def keep_stamp(path: Path, change: Any) -> None:
    """Change the file's bytes but not its size or modification time."""
    st = path.stat()
    data = path.read_bytes()
    new = change(data)
    assert len(new) == len(data) and new != data
    path.write_bytes(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_the_first_load_validates_in_full_then_the_bank_is_read_lazily(banks: Path) -> None:
    [first] = load_app_catalog([banks]).banks
    assert isinstance(first, LoadedBank)  # nothing indexed yet: the full validator ran
    assert question_index_path(banks / "big.json").exists()
    lazy = lazy_bank(banks)
    full = first.bank
    assert (lazy.id, lazy.title, lazy.tags, len(lazy.questions)) == (
        full.id,
        full.title,
        full.tags,
        len(full.questions),
    )
    assert lazy.question_tags() == full.question_tags()
    assert lazy._built == {}  # listing it built no question
    for i in (0, 1, 2, 7, 700, N - 1):
        assert lazy.questions[i] == full.questions[i]
    assert lazy.question("q1234") == full.question("q1234")
    assert lazy.question("nope") is None
    assert len(lazy._built) == 7


def test_byte_offsets_hold_after_a_byte_order_mark_and_non_ascii_text(banks: Path) -> None:
    write_big(banks / "big.json", bom=True)
    full = load_catalog([banks]).banks[0].bank
    load_app_catalog([banks])  # indexes it
    lazy = lazy_bank(banks)
    assert [lazy.questions[i] for i in range(0, N, 97)] == [
        full.questions[i] for i in range(0, N, 97)
    ]


def test_spans_follow_the_last_questions_key_as_the_parsers_do() -> None:
    first = [{"id": "a"}]
    last = [{"id": "b"}, {"id": "c"}]
    text = '{"questions": ' + json.dumps(first) + ', "questions": ' + json.dumps(last) + "}"
    found = question_spans(text.encode())
    assert found is not None
    spans, _ = found
    data = text.encode()
    assert [json.loads(data[spans[k] : spans[k + 1]]) for k in (0, 2)] == last
    assert question_spans(b"[1, 2]") is None


@pytest.mark.parametrize(
    "change", ["edit", "touch", "quiz-version", "bank-schema", "removed-index"]
)
def test_a_changed_bank_file_is_validated_in_full_again(
    banks: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = banks / "big.json"
    load_app_catalog([banks])
    if change == "edit":
        questions = write_big(path)
        questions[5]["prompt"] = "Reworded prompt"
        path.write_text(
            json.dumps({"schema": 1, "id": "big", "title": "A big bank", "questions": questions}),
            encoding="utf-8",
        )
    elif change == "touch":
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    elif change == "quiz-version":
        monkeypatch.setattr(bank_index, "__version__", "99.0")
    elif change == "bank-schema":
        monkeypatch.setattr(bank_index, "BANK_SCHEMA", 2)
    else:
        question_index_path(path).unlink()
    [loaded] = load_app_catalog([banks]).banks
    assert isinstance(loaded, LoadedBank)
    if change == "edit":
        assert loaded.bank.questions[5].prompt == "Reworded prompt"
    assert isinstance(load_app_catalog([banks]).banks[0], LazyLoadedBank)  # indexed again


def test_a_question_made_invalid_refuses_the_bank_as_the_full_validator_does(
    banks: Path,
) -> None:
    """The rule: a bank file is used lazily only as it was when found valid in full. Any
    change sends it through the full validator, which refuses an invalid file with the
    same located problems as `quiz validate`."""
    path = banks / "big.json"
    load_app_catalog([banks])
    lazy_bank(banks)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Because of reason 1234."', '""'), encoding="utf-8")
    app = load_app_catalog([banks])
    full = load_catalog([banks])
    assert app.banks == [] and full.banks == []
    assert app.invalid == full.invalid
    [(_, [problem])] = app.invalid
    assert (problem.question, problem.field) == ("q1234", "explanation")
    assert problem.line is not None and problem.line > 1000


def test_a_change_behind_an_unchanged_stamp_is_never_served(banks: Path) -> None:
    path = banks / "big.json"
    load_app_catalog([banks])
    lazy = lazy_bank(banks)
    # Same size, same modification time, different answer: only the CRC can tell.
    keep_stamp(
        path, lambda d: d.replace(b'"Because of reason 1500."', b'"Because of reason 1501."')
    )
    with pytest.raises(BankChangedError) as caught:
        lazy.question("q1500")
    assert "changed since it was loaded" in str(caught.value)
    assert not question_index_path(path).exists()  # never trusted again
    [loaded] = load_app_catalog([banks]).banks
    assert isinstance(loaded, LoadedBank)
    q = loaded.bank.question("q1500")
    assert q is not None and q.explanation == "Because of reason 1501."


def test_a_changed_article_sends_the_bank_through_the_full_validator(banks: Path) -> None:
    path = banks / "big.json"
    article = banks / "article.txt"
    quotes = " ".join(f"Fact number {i} is stated here." for i in range(N))
    article.write_text(quotes, encoding="utf-8")
    questions = [
        {**question(i), "source_quote": f"Fact number {i} is stated here."} for i in range(N)
    ]
    bank = {
        "schema": 1,
        "id": "big",
        "title": "A big bank",
        "source": {"title": "The article", "path": "article.txt"},
        "questions": questions,
    }
    path.write_text(json.dumps(bank), encoding="utf-8")
    load_app_catalog([banks])
    [loaded] = load_app_catalog([banks]).banks
    assert isinstance(loaded, LazyLoadedBank) and loaded.article == quotes
    q = loaded.bank.question("q10")
    assert q is not None and loaded.section_of(q.source_quote) == "Introduction"
    article.write_text(quotes.replace("Fact number 10 is", "Fact number ten is"), encoding="utf-8")
    app = load_app_catalog([banks])
    assert app.banks == [] and app.invalid == load_catalog([banks]).invalid
    [(_, [problem])] = app.invalid
    assert (problem.question, problem.field) == ("q10", "source_quote")


def test_quiz_validate_still_reads_every_question(banks: Path) -> None:
    path = banks / "big.json"
    load_app_catalog([banks])
    blank = b'"' + b" " * len(b"Because of reason 1500.") + b'"'
    keep_stamp(path, lambda d: d.replace(b'"Because of reason 1500."', blank))
    assert isinstance(load_app_catalog([banks]).banks[0], LazyLoadedBank)  # stamp unchanged
    [(_, [problem])] = load_catalog([banks]).invalid  # what `quiz validate` uses
    assert (problem.question, problem.field) == ("q1500", "explanation")


def test_quiz_validate_on_the_command_line_reports_the_located_error(
    banks: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quiz.cli import main

    path = banks / "big.json"
    load_app_catalog([banks])
    blank = b'"' + b" " * len(b"Because of reason 1500.") + b'"'
    keep_stamp(path, lambda d: d.replace(b'"Because of reason 1500."', blank))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert "question q1500: explanation: must not be empty or blank" in out.out + out.err


# --------------------------------------------------------------------------- sessions


class Clock:
    def __init__(self) -> None:
        self.value = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def service(banks: Path, tmp_path: Path) -> Iterator[StudyService]:
    load_app_catalog([banks])
    bank = lazy_bank(banks)
    with Store.open(tmp_path / "study.db") as store:
        yield StudyService(store, "ann", banks={bank.id: bank}, now=Clock())


def built(service: StudyService) -> int:
    bank = service.banks["big"]
    assert isinstance(bank, LazyBank)
    return len(bank._built)


def give(service: StudyService, session: Any, *, right: bool) -> None:
    q = session.current.question
    if q.type == "true_false":
        service.submit(session, q.answer if right else not q.answer)
    elif q.type == "multiple_choice":
        good = next(i for i, c in enumerate(q.choices) if c.correct)
        service.submit(session, good if right else (good + 1) % 4)
    else:
        service.submit(session, q.accept[0] if right else "wrong")
    session.advance()


def test_a_quiz_of_20_builds_only_its_20_questions(service: StudyService) -> None:
    started = service.start(["big"], options=SessionOptions(count=20, seed=4))
    session = started.session
    assert session.total == 20 and built(service) == 20
    bank: BankView = service.banks["big"]
    assert all(bank.question(i.question.id) == i.question for i in session.queue)
    again = service.start(["big"], options=SessionOptions(count=20, seed=4)).session
    assert [i.key for i in again.queue] == [i.key for i in session.queue]  # a seed repeats


def test_suspended_questions_stay_out_and_are_counted(service: StudyService) -> None:
    ids = [f"q{i}" for i in range(N)]
    for qid in ids[:-3]:
        service.store.suspend("ann", "big", qid)
    started = service.start(["big"], options=SessionOptions(count=20))
    assert {i.question.id for i in started.session.queue} == set(ids[-3:])
    assert started.suspended == N - 3


def test_a_tag_quiz_picks_by_the_indexed_tags(service: StudyService) -> None:
    session = service.start([], options=SessionOptions(tag="rare")).session
    assert sorted(i.question.id for i in session.queue) == sorted(
        f"q{i}" for i in range(N) if i % 500 == 3
    )
    assert built(service) == session.total


def test_retry_review_resume_and_stats_work_on_a_lazy_bank(
    service: StudyService, banks: Path
) -> None:
    session = service.start(["big"], options=SessionOptions(count=6, seed=1)).session
    for k in range(3):
        give(service, session, right=k != 0)
    missed = session.queue[0].question.id
    # Resume, as after a restart: a fresh lazy catalog rebuilds the unfinished session.
    [state] = service.unfinished()
    fresh = lazy_bank(banks)
    service.set_banks({"big": fresh})
    resumed = service.resume(state)
    assert [i.key for i in resumed.queue] == [i.key for i in session.queue]
    # The three answered (re-graded), the current and the next: nothing else is built.
    assert len(resumed.records) == 3 and len(fresh._built) == 5
    while not resumed.finished:
        give(service, resumed, right=True)
    retry = service.retry_missed(resumed).session
    assert [i.question.id for i in retry.queue] == [missed]
    clock = service.now
    assert isinstance(clock, Clock)
    clock.value = clock.value.replace(hour=23)  # the missed card is due again
    review = service.start_review()
    assert missed in [i.question.id for i in review.session.queue]
    summary = service.bank_summaries()["big"]
    assert summary.questions == N and summary.attempts == 6
    assert service.stats().banks[0].questions == N
    assert len(fresh._built) == 6  # none of this built the rest of the bank


def test_a_bank_changed_behind_its_stamp_refuses_the_start_and_asks_for_a_reload(
    service: StudyService, banks: Path
) -> None:
    keep_stamp(banks / "big.json", lambda d: d.replace(b"Statement", b"Sentences"))
    with pytest.raises(BanksOutdated) as caught:
        service.start(["big"], mode=Mode.QUIZ, options=SessionOptions(count=20))
    assert "changed since it was loaded" in str(caught.value)


def test_a_quiz_over_the_whole_bank_builds_questions_as_it_comes_to_them(
    service: StudyService,
) -> None:
    from quiz.session import BUILD_AHEAD

    session = service.start(["big"], options=SessionOptions(seed=2)).session
    assert session.total == N and built(service) == BUILD_AHEAD
    stored = service.store.unfinished_sessions("ann")[0]
    assert len(stored.queue) == N  # the plan names every question without building it
    for _ in range(BUILD_AHEAD + 3):
        give(service, session, right=True)
    # Those answered, the one on screen and the next: no more.
    assert built(service) == BUILD_AHEAD + 3 + 2


def test_a_bank_saved_anew_during_a_session_leaves_the_session_as_it_started(
    service: StudyService, banks: Path
) -> None:
    """Saved as editors and `quiz add --replace` do (a new file renamed over the old):
    the session goes on with the questions it started with, as a bank in memory would."""
    session = service.start(["big"], options=SessionOptions(seed=3)).session
    path = banks / "big.json"
    new = path.with_suffix(".new")
    new.write_text(path.read_text(encoding="utf-8").replace("Statement", "Changed"), "utf-8")
    os.replace(new, path)
    for _ in range(70):
        give(service, session, right=True)
    asked = [r.item.question.prompt for r in session.records]
    assert session.dropped == 0 and not any("Changed" in p for p in asked)


def test_a_bank_edited_in_place_during_a_session_never_serves_a_changed_question(
    service: StudyService, banks: Path
) -> None:
    session = service.start(["big"], options=SessionOptions(seed=3)).session
    path = banks / "big.json"
    path.write_bytes(path.read_bytes().replace(b"Statement", b"Sentence!"))  # same inode
    for _ in range(70):
        if session.finished:
            break
        give(service, session, right=True)
    asked = [r.item.question.prompt for r in session.records]
    # Those built at the start are asked as they were; the rest are left out, counted.
    assert not any("Sentence!" in p for p in asked)
    assert session.dropped == N - len(asked)
    assert session.finished
