"""The student client: the render mapping (pure) and pilot tests against a real server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from quiz.banks import load_bank, load_catalog
from quiz.classroom.client import StudentApp
from quiz.classroom.dashboard import DistributionBars
from quiz.classroom.keep import class_bank_id
from quiz.classroom.models import StudentView, student_view, to_bank_answer
from quiz.classroom.render import renderable_question, to_ids
from quiz.cli import main
from quiz.grading import grade
from quiz.locations import user_banks_dir
from quiz.store import Store
from quiz.study import StudyService
from quiz.ui.widgets.feedback import FeedbackPanel
from quiz.ui.widgets.question_view import QuestionView
from tests.classroom.support import RIGHT, Served, make_bank, question_ready, wait_for
from tests.classroom.test_classroom_api import SECRETS


def store_done(app: StudentApp) -> bool:
    """The client's review-card writes have finished."""
    return all(w.is_finished for w in app.workers if w.group == "store")


def footer_keys(app: StudentApp) -> dict[str, tuple[bool, str]]:
    """The keys the footer shows: key -> (enabled, description)."""
    return {
        k.key: (not k.has_class("-disabled"), k.description)
        for k in app.screen.query(FooterKey)
        if k.display
    }


def display_answer(view: StudentView, original: Any) -> Any:
    """What the widgets would post for `original` (bank indices), in display positions."""
    pq = view.public

    def positions(kind: str, options: list[Any]) -> dict[int, int]:
        return {view.ids[kind][o.id]: i for i, o in enumerate(options)}

    if pq.type == "multiple_choice":
        return positions("c", pq.choices or [])[original]
    if pq.type == "multiple_select":
        pos = positions("c", pq.choices or [])
        return sorted(pos[o] for o in original)
    if pq.type == "ordering":
        pos = positions("i", pq.items or [])
        return [pos[o] for o in original]
    if pq.type == "matching":
        pos = positions("r", pq.rights or [])
        # One entry per left as displayed.
        return [pos[original[view.left_order[i]]] for i in range(len(view.left_order))]
    return original


@pytest.mark.parametrize("qid", list(RIGHT))
def test_renderable_question_carries_no_key_and_answers_map_back(qid: str) -> None:
    q = make_bank().question(qid)
    assert q is not None
    view = student_view(q, "seed-1", 7)
    pq = view.public
    rq = renderable_question(pq)
    assert rq.type == q.type and rq.prompt == q.prompt
    dumped = rq.model_dump_json()
    for secret in SECRETS[qid]:
        if secret in ("correct", "answer", "accept", "tolerance", '"back"', ":false", "{{"):
            continue  # field names and placeholder keys exist in a full model
        assert secret not in dumped, f"{secret!r} leaked"
    sent = to_ids(pq, display_answer(view, RIGHT[qid]))
    answer = to_bank_answer(q, view, sent)
    assert answer == RIGHT[qid]
    assert grade(q, answer).score == 1.0


async def test_student_answers_live_and_a_miss_becomes_a_review_card(
    served: Served, tmp_path: Path
) -> None:
    db = tmp_path / "quiz.db"
    app = StudentApp(served.url, served.session.code, name="Ada", db=db)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        assert "Waiting for the teacher" in str(app.query_one("#info", Static).render())
        served.control("open")
        await wait_for(pilot, lambda: question_ready(app))
        # Live: the teacher moves on; the client offers no "next question" key.
        await pilot.pause()
        assert "n" not in footer_keys(app) and "ctrl+q" in footer_keys(app)
        assert app.public is not None
        liver = [c.text for c in app.public.choices or []].index("Liver")
        await pilot.press(str(liver + 1), "enter")
        await wait_for(pilot, lambda: len(served.session.answers) == 1)
        (stored,) = served.session.answers.values()
        assert (stored.question_id, stored.answer) == ("mc", 1)  # Liver, in bank order
        assert not app.query(FeedbackPanel)  # no feedback before the reveal
        served.control("reveal")
        await wait_for(pilot, lambda: any(p.query(Static) for p in app.query(FeedbackPanel)))
        panel = app.query_one(FeedbackPanel)
        texts = " ".join(str(s.render()) for s in panel.query(Static))
        assert "Right answer: Heart" in texts and "The heart is a pump." in texts
        # The bars are drawn just after the feedback panel is mounted.
        await wait_for(pilot, lambda: bool(app.query_one("#dist", DistributionBars).rows))
        dist = app.query_one("#dist", DistributionBars).plain.split("\n")
        assert dist[0].startswith("✓ Heart") and dist[0].endswith(" 0")
        assert any(line.startswith("  Liver") and line.endswith(" 1") for line in dist)
        await wait_for(pilot, lambda: db.exists())
        await wait_for(pilot, lambda: store_done(app))
    with Store.open(db) as store:
        # Against the student's own copy of the session (written when it ends), not the
        # teacher's bank, which the student does not have.
        card = store.card("default", class_bank_id("class-test", served.session.id), "mc")
        assert card is not None and card.reps == 1
        assert store.card("default", "class-test", "mc") is None


async def test_a_missed_class_question_is_asked_by_a_later_review(
    served: Served, tmp_path: Path
) -> None:
    db = tmp_path / "quiz.db"
    banks = user_banks_dir()  # the user's bank folder (a private one in these tests)
    app = StudentApp(served.url, served.session.code, name="Ada", db=db)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        served.control("open")
        await wait_for(pilot, lambda: question_ready(app))
        assert app.public is not None
        liver = [c.text for c in app.public.choices or []].index("Liver")
        await pilot.press(str(liver + 1), "enter")
        await wait_for(pilot, lambda: len(served.session.answers) == 1)
        served.control("reveal")
        await wait_for(pilot, lambda: bool(app.query(FeedbackPanel)))
        await wait_for(pilot, lambda: store_done(app))
        # No key may be written before the session ends: no bank yet.
        assert not banks.exists() or not list(banks.iterdir())
        served.control("end")
        await wait_for(pilot, lambda: app.kept_bank)
        await wait_for(pilot, lambda: store_done(app))
        # The score says out of how many (3 questions, the one asked missed).
        info = str(app.query_one("#info", Static).render())
        assert "Your score: 0/3 · 0%" in info, info
    local_id = class_bank_id("class-test", served.session.id)
    (path,) = banks.iterdir()
    assert path.name == f"{local_id}.json"
    # `quiz validate` accepts it, and it holds the session's questions with their keys.
    assert main(["validate", str(path)]) == 0
    kept = load_bank(path).bank
    assert kept.id == local_id != "class-test"
    assert [q.id for q in kept.questions] == [q.id for q in served.session.questions]
    assert kept.question("mc") == served.session.questions[0]
    # A later review in the student's own app asks the missed question.
    catalog = load_catalog()
    assert catalog.get(local_id) is not None
    later = datetime.now(UTC) + timedelta(days=1)
    with Store.open(db) as store:
        service = StudyService(
            store, "default", {b.bank.id: b.bank for b in catalog.banks}, now=lambda: later
        )
        review = service.start_review().session
        assert [(i.bank_id, i.question.id) for i in review.queue] == [(local_id, "mc")]
        assert "pumps blood" in review.queue[0].question.prompt


async def test_a_self_paced_student_keeps_the_session_at_the_end_and_no_store_keeps_nothing(
    served_selfpaced: Served, tmp_path: Path
) -> None:
    served = served_selfpaced
    banks = user_banks_dir()
    tokens = tmp_path / "tokens.json"

    async def answer_liver(app: StudentApp, pilot: Any) -> None:
        await wait_for(pilot, lambda: question_ready(app))
        assert app.public is not None
        liver = [c.text for c in app.public.choices or []].index("Liver")
        await pilot.press(str(liver + 1), "enter")
        await wait_for(pilot, lambda: app.waiting_next)
        await wait_for(pilot, lambda: store_done(app))

    bo = StudentApp(
        served.url, served.session.code, name="Bo", db=tmp_path / "q.db", token_file=tokens
    )
    async with bo.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: bo.state is not None)
        served.control("open")
        await answer_liver(bo, pilot)
    assert not banks.exists()  # graded: no key, so no bank, before the end
    cy_banks = tmp_path / "cy-banks"
    cy = StudentApp(
        served.url,
        served.session.code,
        name="Cy",
        db=tmp_path / "n.db",
        record=False,
        banks_dir=cy_banks,
    )
    async with cy.run_test(size=(100, 40)) as pilot:
        await answer_liver(cy, pilot)
        served.control("end")
        await wait_for(pilot, lambda: cy.shown_review)  # the keys, now the session ended
        await wait_for(pilot, lambda: store_done(cy))
    assert not cy_banks.exists() and not (tmp_path / "n.db").exists()  # --no-store
    # The session ended while Bo's client was closed: started again, it rejoins and keeps it.
    bo = StudentApp(
        served.url, served.session.code, name="Bo", db=tmp_path / "q.db", token_file=tokens
    )
    async with bo.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: bo.kept_bank)
        await wait_for(pilot, lambda: store_done(bo))
    local_id = class_bank_id("class-test", served.session.id)
    assert [p.name for p in banks.iterdir()] == [f"{local_id}.json"]
    assert main(["validate", str(banks / f"{local_id}.json")]) == 0
    with Store.open(tmp_path / "q.db") as store:
        card = store.card("default", local_id, "mc")
        assert card is not None and card.reps == 1
        assert store.card("default", local_id, "ms") is None  # not answered: no card


def test_the_local_bank_id_is_a_valid_slug_and_never_the_teachers() -> None:
    assert class_bank_id("hsct", "20261130-034852-ab12") == "class-hsct-20261130-034852-ab12"
    long = class_bank_id("b" * 80, "20261130-034852-ab12")
    assert len(long) <= 80 and long.endswith("-20261130-034852-ab12")
    assert class_bank_id("class-test", "S") != "class-test"


async def test_student_self_paced_graded_gets_right_or_wrong_only_and_moves_on(
    served_selfpaced: Served, tmp_path: Path
) -> None:
    served = served_selfpaced
    app = StudentApp(served.url, served.session.code, name="Bo", db=tmp_path / "q.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        served.control("open")
        await wait_for(pilot, lambda: question_ready(app))
        assert app.public is not None
        heart = [c.text for c in app.public.choices or []].index("Heart")
        await pilot.press(str(heart + 1), "enter")
        await wait_for(pilot, lambda: footer_keys(app).get("n") == (True, "Next question"))
        info = str(app.query_one("#info", Static).render())
        assert info.startswith("Right.") and "when the session ends" in info
        assert not app.query(FeedbackPanel)  # no key, no explanation before the end
        await pilot.press("n")
        await wait_for(pilot, lambda: app.public is not None and app.public.id == "ms")
        # Dimmed until this question is answered.
        await wait_for(pilot, lambda: footer_keys(app).get("n") == (False, "Next question"))
        assert isinstance(app.view, QuestionView) and not app.query(FeedbackPanel)
        await wait_for(pilot, lambda: store_done(app))
    # A correct answer is not a miss: no review card.
    with Store.open(tmp_path / "q.db") as store:
        assert store.card("default", "class-test", "mc") is None


async def test_a_taken_name_is_asked_for_again(served: Served) -> None:
    served.join("Ada")
    app = StudentApp(served.url, served.session.code, name="ada", record=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)
        error = app.screen.query_one("#name-error", Static)
        assert "taken" in str(error.render())
        await pilot.press(*"Ada 2", "enter")
        await wait_for(pilot, lambda: app.joined is not None)
        assert app.joined is not None and app.joined.name == "Ada 2"


async def test_a_wrong_code_is_reported(served: Served) -> None:
    app = StudentApp(served.url, "XXXXXX", name="Ada", record=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.failure is not None)
        assert "join code" in str(app.query_one("#info", Static).render())
    assert json.dumps([s.name for s in served.session.students.values()]) == "[]"


async def test_without_a_code_the_client_asks_for_it_and_retries_a_wrong_one(
    served: Served,
) -> None:
    """The browser client (no --code): name and code dialog; a wrong code is asked again."""
    app = StudentApp(served.url, None, record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)
        assert app.screen.query_one("#code", Input)
        await pilot.press(*"Ann", "enter")  # Enter in the name moves on to the code
        assert app.screen.focused is app.screen.query_one("#code", Input)
        await pilot.press(*"ZZZZZZ", "enter")
        await wait_for(
            pilot,
            lambda: (
                len(app.screen_stack) > 1
                and "Wrong join code" in str(app.screen.query_one("#name-error", Static).render())
            ),
        )
        assert app.failure is None and not served.session.students
        assert app.screen.query_one("#name", Input).value == "Ann"  # kept; only the code again
        assert app.screen.focused is app.screen.query_one("#code", Input)
        await pilot.press(*served.session.code.lower(), "enter")
        await wait_for(pilot, lambda: app.joined is not None)
        assert [s.name for s in served.session.students.values()] == ["Ann"]


async def test_a_given_name_still_asks_for_the_missing_code(served: Served) -> None:
    app = StudentApp(served.url, None, name="Bea", record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)
        assert app.screen.query_one("#name", Input).value == "Bea"
        await pilot.press("tab", *served.session.code, "enter")
        await wait_for(pilot, lambda: app.joined is not None)
        assert app.joined is not None and app.joined.name == "Bea"
