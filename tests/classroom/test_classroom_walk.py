"""Defects found walking issue 12 as a teacher with terminal and browser students
(docs/walks/issue-12-walk.md); each test failed before its fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from textual.containers import Vertical
from textual.widgets import Label, Static

from quiz.classroom.analysis import build_report
from quiz.classroom.client import StudentApp
from quiz.classroom.dashboard import DashboardApp, DistributionBars, StudentPicker
from quiz.classroom.db import ClassroomDB
from quiz.classroom.server import ServerThread, create_app
from quiz.classroom.state import ClassSession
from quiz.ui.widgets.feedback import FeedbackPanel
from tests.classroom.support import (
    BANK_DATA,
    Harness,
    Served,
    make_bank,
    question_ready,
    wait_for,
)
from tests.classroom.test_classroom_browser import answer_right, chromium, host, join_in_page
from tests.classroom.test_classroom_processes import stop


class Outage(httpx.AsyncBaseTransport):
    """A network that refuses answers while `down` (the host killed and not yet back)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down and request.url.path == "/api/answer":
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Kept open: the client makes an `httpx.AsyncClient` (closing its transport) per
        request."""


@pytest.fixture
def served_text(tmp_path: Path) -> Iterator[Served]:
    """A live session of the test bank's typed questions (numeric, short answer, cloze)."""
    db = ClassroomDB(tmp_path / "classroom.db")
    bank = make_bank()
    typed = [q for q in bank.questions if q.id in ("num", "sa", "cz")]
    session, teacher = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=typed, mode="live"
    )
    thread = ServerThread(create_app(session), "127.0.0.1", 0)
    thread.start()
    port = thread.server.servers[0].sockets[0].getsockname()[1]
    yield Served(session, f"http://127.0.0.1:{port}", teacher)
    thread.stop()
    db.close()


def info(app: StudentApp) -> str:
    return str(app.query_one("#info", Static).render())


async def test_an_answer_that_could_not_be_sent_is_sent_again_with_enter(
    served_text: Served,
) -> None:
    served = served_text
    # Walk: the host was killed while Bob pressed Enter; once it was back, Enter did nothing
    # (the input had been disabled while sending and lost the keyboard focus).
    net = Outage()
    app = StudentApp(served.url, served.session.code, name="Bob", record=False, transport=net)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        served.control("open")
        await wait_for(pilot, lambda: question_ready(app))
        net.down = True
        await pilot.press(*"Paris", "enter")
        await wait_for(pilot, lambda: "Could not send the answer" in info(app))
        assert not served.session.answers
        net.down = False
        # The event stream reconnects ("Connection lost; reconnecting…" hid the message):
        # the state that arrives says the answer was not sent.
        app.info("Connection lost; reconnecting…")
        await app.apply(await app.api.state())
        assert "Your answer was not sent: press Enter" in info(app)
        # The keyboard is back in the answer (a person looks, then presses Enter).
        await wait_for(pilot, lambda: question_ready(app), timeout=5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(served.session.answers) == 1)
        (stored,) = served.session.answers.values()
        assert (stored.question_id, stored.answer) == ("sa", "Paris")
        await wait_for(pilot, lambda: "Answer sent" in info(app))


def panel_text(app: StudentApp) -> str:
    return " ".join(str(s.render()) for p in app.query(FeedbackPanel) for s in p.query(Static))


async def test_a_typed_answer_accepted_after_the_reveal_turns_the_students_verdict(
    served_text: Served,
) -> None:
    # Walk: the teacher accepted Bob's typed answer (g); his score moved, but his screen
    # still said "Incorrect" and the bars still had no ✓ beside his answer.
    served = served_text
    app = StudentApp(served.url, served.session.code, name="Bob", record=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        served.control("open")
        await wait_for(pilot, lambda: question_ready(app))
        await pilot.press(*"Paname", "enter")
        await wait_for(pilot, lambda: len(served.session.answers) == 1)
        served.control("reveal")
        await wait_for(pilot, lambda: "Incorrect" in panel_text(app))
        r = httpx.post(
            f"{served.url}/api/teacher/accept",
            headers={"Authorization": f"Bearer {served.teacher}"},
            json={"question_id": "sa", "answer": "Paname"},
        )
        assert r.status_code == 200, r.text
        await wait_for(pilot, lambda: "Accepted by your teacher" in panel_text(app))
        assert "Incorrect" not in panel_text(app) and len(app.query(FeedbackPanel)) == 1
        bars = app.query_one("#dist", DistributionBars).plain
        assert any(line.startswith("✓ Paname") for line in bars.split("\n")), bars


async def test_browser_after_a_reload_shows_the_question_and_an_accepted_answer_turns(
    tmp_path: Path,
) -> None:
    # Walk: Cara reloaded after answering; on the reveal her page showed a verdict with no
    # question. Dan's typed answer was accepted by the teacher; his page kept "✗ Not right".
    proc, info = host(tmp_path)
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    try:
        async with httpx.AsyncClient(base_url=info["url"], timeout=30) as api, chromium() as b:
            page = await b.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await join_in_page(page, info["url"], "Cara", info["code"])
            await api.post("/api/teacher/open", headers=teacher)
            await page.click("label:has-text('Heart')")
            await page.click("text=Send answer")
            await page.wait_for_selector("text=Answer sent")
            await page.reload()
            await page.wait_for_selector("text=Answer sent")
            assert "Which organ pumps blood?" in await page.inner_text("#question")
            await api.post("/api/teacher/reveal", headers=teacher)
            await page.wait_for_selector("text=Right answer: Heart")
            assert "Which organ pumps blood?" in await page.inner_text("#question")
            # A typed question (the bank's 4th), answered with what the grader refuses.
            await api.post("/api/teacher/open", headers=teacher, json={"index": 3})
            await page.fill("#text-answer", "Paname")
            await page.click("text=Send answer")
            await page.wait_for_selector("text=Answer sent")
            await api.post("/api/teacher/reveal", headers=teacher)
            await page.wait_for_selector(".verdict.incorrect")
            r = await api.post(
                "/api/teacher/accept",
                headers=teacher,
                json={"question_id": "sa", "answer": "Paname"},
            )
            assert r.status_code == 200, r.text
            await page.wait_for_selector("text=Accepted by your teacher.")
            assert (await page.inner_text(".verdict")).startswith("✓")
            assert "✓ Paname" in await page.inner_text("#dist")
            assert errors == []
    finally:
        assert stop(proc) == 0


async def test_browser_keeps_the_study_apps_rules_for_incomplete_answers(
    tmp_path: Path,
) -> None:
    # Walk: Dan sent a matching answer with an item left unpaired (the terminal refuses
    # that: "Pair every item first"); the page also sent an empty selection and empty gaps.
    proc, info = host(tmp_path, "--mode", "self-paced", "--feedback", "immediate")
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}

    async def answered() -> int:
        r = await api.get("/api/teacher/state", headers=teacher)
        return int(r.json()["roster"][0]["answered"])

    try:
        async with httpx.AsyncClient(base_url=info["url"], timeout=30) as api, chromium() as b:
            page = await b.new_page()
            await join_in_page(page, info["url"], "Dan", info["code"])
            await api.post("/api/teacher/open", headers=teacher)
            for q in BANK_DATA["questions"]:
                await page.wait_for_selector(f".prompt:has-text({json.dumps(q['prompt'])})")
                before = await answered()
                if q["type"] == "multiple_select":
                    await page.click("text=Send answer")
                    await page.wait_for_selector("text=Tick at least one choice first.")
                    assert await answered() == before
                elif q["type"] == "cloze":
                    await page.fill("[aria-label='Gap 1']", "heart")
                    await page.click("text=Send answer")
                    await page.wait_for_selector("text=Gap 2 is empty")
                    assert await answered() == before
                    await page.click("text=Send answer")  # confirmed: sent as it is
                    await page.wait_for_selector("#next")
                    assert "Partly" in await page.inner_text(".verdict")
                    await page.click("#next")
                    continue
                elif q["type"] == "matching":
                    await page.select_option("select[aria-label='France']", label="Paris")
                    await page.click("text=Send answer")
                    await page.wait_for_selector(
                        "text=Pair every item first: 2 still without a match."
                    )
                    assert await answered() == before
                await answer_right(page, q["type"])
                await page.wait_for_selector("#next")
                await page.click("#next")
            await page.wait_for_selector("text=You have finished")
    finally:
        assert stop(proc) == 0


async def test_class_list_counts_the_students_and_answers_the_report_counts(
    live: Harness,
) -> None:
    # Walk: after the teacher removed Bob (who then joined again), `quiz class list` said
    # 5 students and 41 answers; the report had 4 students and 35 answers.
    gone = await live.join("Bob")
    ada = await live.join("Ada")
    await live.control("open")
    assert (await live.answer(gone, "mc", 0)).status_code == 200
    assert (await live.answer(ada, "mc", 1)).status_code == 200
    sid = next(s.id for s in live.session.students.values() if s.name == "Bob")
    assert (await live.control("remove", student_id=sid)).status_code == 200
    await live.join("Bob")
    report = build_report(live.db.load(live.session.id))
    (listed,) = live.db.list_sessions()
    answers = sum(len(s.answers) for s in report.students)
    assert (listed["students"], listed["answers"]) == (len(report.students), answers) == (2, 1)


async def test_self_paced_dashboard_counts_answers_of_all_possible_and_who_finished(
    served_selfpaced: Served,
) -> None:
    # Walk: 4 students, 7 questions, self-paced: the board said "Answers in: 27/4".
    served = served_selfpaced
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        ada, bo = served.join("Ada"), served.join("Bo")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.state is not None and app.state.phase == "open")
        for qid, answer in (("mc", 0), ("ms", [0, 1]), ("tf", False)):
            served.answer(ada, qid, answer)
        served.answer(bo, "mc", 1)

        def counts() -> str:
            return str(app.query_one("#counts", Static).render())

        await wait_for(pilot, lambda: "Answers in: 4/6 · finished: 1/2" in counts())


async def test_terminal_client_back_after_answering_names_the_question(
    served: Served, tmp_path: Path
) -> None:
    # Walk: a student who had answered and restarted saw "Answer sent", then a verdict at
    # the reveal, but not which question they were about (the browser did the same).
    tokens = tmp_path / "tokens.json"
    first = StudentApp(served.url, served.session.code, name="Ada", record=False, token_file=tokens)
    async with first.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: first.state is not None)
        served.control("open")
        await wait_for(pilot, lambda: question_ready(first))
        assert first.public is not None
        heart = [c.text for c in first.public.choices or []].index("Heart")
        await pilot.press(str(heart + 1), "enter")
        await wait_for(pilot, lambda: len(served.session.answers) == 1)
    again = StudentApp(served.url, served.session.code, name="Ada", record=False, token_file=tokens)
    async with again.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: "Answer sent" in info(again))

        def body() -> str:
            return " ".join(str(s.render()) for s in again.query("#body Static"))

        await wait_for(pilot, lambda: "Which organ pumps blood?" in body())
        served.control("reveal")
        await wait_for(pilot, lambda: "Correct" in panel_text(again))
        assert "Which organ pumps blood?" in body()


async def test_the_readmit_question_wraps_inside_its_dialog(served: Served) -> None:
    # Walk: the re-admit dialog showed "Which student to re-admit (they join again with
    # their" and cut the rest off.
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=(100, 30)) as pilot:
        served.join("Ada")
        await wait_for(pilot, lambda: app.state is not None and len(app.state.roster) == 1)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, StudentPicker))
        await pilot.pause()
        label = app.screen.query_one(Label)
        box = app.screen.query_one(Vertical)
        assert label.size.height >= 2
        assert label.region.right <= box.content_region.right
