"""A student with only a browser joins through `--web` and answers (Debian chromium)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path

import httpx
from playwright.async_api import WebSocket, async_playwright

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def eventually(check: object, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not await check():  # type: ignore[operator]
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.25)


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


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


async def test_browser_student_joins_and_answers(tmp_path: Path) -> None:
    bank = tmp_path / "bank.json"
    bank.write_text(json.dumps(BANK_DATA), encoding="utf-8")
    web_port = free_port()
    proc, info = start_host(tmp_path, str(bank), "--web", "--web-port", str(web_port))
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    try:
        assert info["web_url"] == f"http://127.0.0.1:{web_port}"
        async with httpx.AsyncClient(base_url=info["url"], timeout=30) as api:

            async def page_served() -> bool:
                try:
                    r = await api.get(info["web_url"])
                except httpx.TransportError:
                    return False
                return r.status_code == 200

            await eventually(page_served)
            # Reaching the web port is not enough to join: the code is in nothing it serves.
            html = (await api.get(info["web_url"])).text
            assert info["code"] not in html and info["code"].lower() not in html
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = await browser.new_page(viewport={"width": 1100, "height": 800})
                # What the terminal in the page is sent (ANSI text), to see what it shows.
                drawn: list[str] = []

                def watch(ws: WebSocket) -> None:
                    def frame(payload: str | bytes) -> None:
                        if isinstance(payload, bytes):
                            drawn.append(payload.decode("utf-8", "replace"))

                    ws.on("framereceived", frame)

                page.on("websocket", watch)
                await page.goto(info["web_url"])

                async def shows(text: str) -> bool:
                    return text in "".join(drawn)

                async def roster() -> list[str]:
                    r = await api.get("/api/teacher/state", headers=teacher)
                    return [s["name"] for s in r.json()["roster"]]

                # The served client asks for the name and the join code.
                await eventually(lambda: shows("Join code"), timeout=40)

                # Focus the terminal with a click on the dialog's backdrop (not on a field).
                await page.wait_for_timeout(500)
                await page.mouse.click(20, 780)
                await page.wait_for_timeout(300)
                await page.keyboard.type("Browser Ben", delay=60)
                await page.keyboard.press("Enter")  # on to the code field
                await page.keyboard.type("WRONG9", delay=60)
                await page.keyboard.press("Enter")
                await eventually(lambda: shows("Wrong join code"))
                assert await roster() == []

                # The client process runs without the code: nothing on its command line.
                clients = [cmdline(p) for p in descendants(proc.pid)]
                assert any("class join" in c for c in clients), clients
                assert not [c for c in clients if info["code"] in c], clients

                # The name is kept; the code field is focused and empty: type the right one.
                await page.keyboard.type(info["code"], delay=60)
                await page.keyboard.press("Enter")

                async def joined() -> bool:
                    return await roster() == ["Browser Ben"]

                await eventually(joined)
                r = await api.post("/api/teacher/open", headers=teacher)
                order = [c["text"] for c in r.json()["public"]["choices"]]
                await page.wait_for_timeout(1500)
                await page.keyboard.press(str(order.index("Heart") + 1))
                await page.keyboard.press("Enter")

                async def answered() -> bool:
                    r = await api.get("/api/teacher/state", headers=teacher)
                    return bool(r.json()["answers_in"] == 1)

                await eventually(answered)
                await browser.close()
            rep = (await api.get("/api/results", headers=teacher)).json()
            assert rep["students"][0]["answers"]["mc"]["answer"] == "Heart"
            assert rep["students"][0]["score"] == 1.0
    finally:
        assert stop(proc) == 0
