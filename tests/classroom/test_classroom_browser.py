"""The browser client (static page, plain JavaScript) in a real chromium (Debian's), against a
real `quiz class host --no-ui`: joining, every question type, a reload, a foreign origin."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, async_playwright

from tests.classroom.support import BANK_DATA
from tests.classroom.test_classroom_processes import start_host, stop

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.2)


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, parent in parents.items() if parent == p]
        found += kids
        todo += kids
    return found


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def join_in_page(page: Page, url: str, name: str, code: str) -> None:
    await page.goto(url + "/")
    await page.fill("#name", name)
    await page.fill("#code", code)
    await page.click("#join-button")
    await page.wait_for_selector(
        "#join", state="hidden"
    )  # not wait_for_function: the CSP forbids eval


def host(tmp_path: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    bank = tmp_path / "bank.json"
    bank.write_text(json.dumps(BANK_DATA), encoding="utf-8")
    return start_host(tmp_path, str(bank), *args)


async def test_browser_student_joins_answers_and_a_reload_rejoins_as_the_same_student(
    tmp_path: Path,
) -> None:
    proc, info = host(tmp_path)
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    try:
        async with httpx.AsyncClient(base_url=info["url"], timeout=30) as api, chromium() as b:
            page = await b.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            external: list[str] = []
            page.on(
                "request",
                lambda r: None if r.url.startswith(info["url"]) else external.append(r.url),
            )
            # The page itself carries no join code and loads nothing from elsewhere.
            html = (await api.get("/")).text
            assert info["code"] not in html
            await page.goto(info["url"] + "/")
            await page.fill("#name", "Browser Ben")
            await page.fill("#code", "WRONG9")
            await page.click("#join-button")
            await page.wait_for_selector("text=Wrong join code")
            await page.fill("#code", info["code"].lower())
            await page.click("#join-button")
            await page.wait_for_selector("text=Waiting for the teacher")
            await api.post("/api/teacher/open", headers=teacher)
            await page.click("label:has-text('Liver')")
            await page.click("text=Send answer")
            await page.wait_for_selector("text=Answer sent")

            async def roster() -> list[tuple[str, bool]]:
                r = await api.get("/api/teacher/state", headers=teacher)
                return [(s["name"], s["answered_current"]) for s in r.json()["roster"]]

            assert await roster() == [("Browser Ben", True)]
            await page.reload()
            await page.wait_for_selector("text=Answer sent")  # rejoined: the answer is theirs
            assert "Browser Ben" in await page.inner_text("#status")
            assert await page.is_hidden("#join")
            assert await roster() == [("Browser Ben", True)]  # one student, not two
            await api.post("/api/teacher/reveal", headers=teacher)
            await page.wait_for_selector("text=Right answer: Heart")
            assert "Liver" in await page.inner_text("#feedback")
            assert errors == [] and external == []
            rep = (await api.get("/api/results", headers=teacher)).json()
            assert [(s["name"], s["answers"]["mc"]["answer"]) for s in rep["students"]] == [
                ("Browser Ben", "Liver")
            ]
    finally:
        assert stop(proc) == 0


#: How a student answers each test question right in the page.
async def answer_right(page: Page, qtype: str) -> None:
    async def send() -> None:
        await page.click("text=Send answer")

    if qtype == "multiple_choice":
        await page.click("label:has-text('Heart')")
        await send()
    elif qtype == "multiple_select":
        await page.click("label:has-text('2')")
        await page.click("label:has-text('3')")
        await send()
    elif qtype == "true_false":
        await page.click("button:has-text('False')")
    elif qtype in ("short_answer", "numeric"):
        await page.fill("#text-answer", "Paris" if qtype == "short_answer" else "100")
        await send()
    elif qtype == "cloze":
        await page.fill("[aria-label='Gap 1']", "heart")
        await page.fill("[aria-label='Gap 2']", "aorta")
        await send()
    elif qtype == "ordering":
        for target, name in enumerate(["Alpha", "Bravo", "Charlie", "Delta"]):
            # Move `name` up until it is at position `target`.
            while True:
                items = await page.locator(".order li span").all_inner_texts()
                at = items.index(name)
                if at == target:
                    break
                await page.locator(".order li", has_text=name).locator("text=↑").click()
        await send()
    elif qtype == "matching":
        for left, right in (("France", "Paris"), ("Italy", "Rome"), ("Spain", "Madrid")):
            await page.select_option(f"select[aria-label='{left}']", label=right)
        await send()
    elif qtype == "flashcard":
        await page.click("button:has-text('3 Good')")


async def test_every_question_type_in_the_browser_self_paced_practice(tmp_path: Path) -> None:
    proc, info = host(tmp_path, "--mode", "self-paced", "--feedback", "immediate")
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    try:
        async with httpx.AsyncClient(base_url=info["url"], timeout=30) as api, chromium() as b:
            page = await b.new_page()
            await join_in_page(page, info["url"], "Cy", info["code"])
            await api.post("/api/teacher/open", headers=teacher)
            for q in BANK_DATA["questions"]:
                await page.wait_for_selector(f".prompt:has-text({json.dumps(q['prompt'])})")
                await answer_right(page, q["type"])
                await page.wait_for_selector("#next")
                verdict = await page.inner_text(".verdict")
                assert verdict.startswith("✓"), (q["id"], verdict)
                await page.click("#next")
            await page.wait_for_selector("text=You have finished: 9 / 9")
    finally:
        assert stop(proc) == 0


async def test_browser_graded_session_shows_keys_only_when_it_ends(tmp_path: Path) -> None:
    proc, info = host(tmp_path, "--mode", "self-paced")
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    try:
        async with httpx.AsyncClient(base_url=info["url"], timeout=30) as api, chromium() as b:
            page = await b.new_page()
            await join_in_page(page, info["url"], "Di", info["code"])
            await api.post("/api/teacher/open", headers=teacher)
            await page.click("label:has-text('Liver')")
            await page.click("text=Send answer")
            await page.wait_for_selector("text=The answers are shown when the session ends.")
            assert "Heart" not in await page.inner_text("#feedback")
            await api.post("/api/teacher/end", headers=teacher)
            await page.wait_for_selector("#review .review-item")
            assert "Right answer: Heart" in await page.inner_text("#review")
    finally:
        assert stop(proc) == 0


def handshake(url: str, path: str, origin: str) -> bytes:
    """A websocket upgrade request from a page on `origin`; returns the status line."""
    hostport = url.split("://", 1)[1]
    host_, port = hostport.split(":")
    with socket.create_connection((host_, int(port)), timeout=10) as s:
        s.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
            ).encode()
        )
        return s.recv(1024).split(b"\r\n", 1)[0]


async def test_a_foreign_origin_starts_no_process_and_joins_nobody(tmp_path: Path) -> None:
    proc, info = host(tmp_path)
    try:
        for i in range(40):
            status = handshake(info["url"], "/ws" if i % 2 else "/", "http://evil.example")
            assert b" 101 " not in status, status
        async with httpx.AsyncClient(base_url=info["url"], timeout=30) as api, chromium() as b:
            page = await b.new_page()
            # A page elsewhere (here: about:blank, origin "null") tries to join and to open a
            # websocket to the host.
            result = await page.evaluate(
                """async ([url, code]) => {
                    const out = {};
                    try {
                        const r = await fetch(url + "/api/join", {method: "POST",
                            headers: {"Content-Type": "text/plain"},
                            body: JSON.stringify({code, name: "Mallory"})});
                        out.join = r.status;
                    } catch (e) { out.join = "blocked"; }
                    out.ws = await new Promise((resolve) => {
                        const ws = new WebSocket(url.replace("http", "ws") + "/");
                        ws.onopen = () => resolve("open");
                        ws.onerror = () => resolve("refused");
                    });
                    return out;
                }""",
                [info["url"], info["code"]],
            )
            assert result["ws"] == "refused"
            assert result["join"] in ("blocked", 403), result
            teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
            r = await api.get("/api/teacher/state", headers=teacher)
            assert r.json()["roster"] == []
        assert descendants(proc.pid) == []
    finally:
        assert stop(proc) == 0
