"""A student with only a browser joins through `--web` and answers (Debian chromium)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path

import httpx
from playwright.async_api import async_playwright

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
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = await browser.new_page(viewport={"width": 1100, "height": 800})
                await page.goto(info["web_url"])
                await page.wait_for_timeout(3000)  # the app process starts and draws
                await page.mouse.click(550, 400)

                async def roster() -> list[str]:
                    r = await api.get("/api/teacher/state", headers=teacher)
                    return [s["name"] for s in r.json()["roster"]]

                async def name_typed() -> bool:
                    await page.keyboard.type("Browser Ben")
                    await page.keyboard.press("Enter")
                    await page.wait_for_timeout(1500)
                    return await roster() == ["Browser Ben"]

                await eventually(name_typed, timeout=40)
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
