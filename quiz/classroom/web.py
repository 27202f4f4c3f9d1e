"""`python -m quiz.classroom.web URL HOST PORT [PUBLIC_URL]`: the student client for browsers.

Runs textual-serve, which starts one `quiz class join URL --no-store` process per browser
connection. The join code is deliberately NOT part of that command (nor of anything the web
server sends to browsers): the served client asks each student for their name and the code,
so reaching the web port is not enough to join. Each client process is told the browser's
address (`QUIZ_BROWSER_ADDRESS`) and forwards it with its join request, so the session server
rate-limits browser students per browser address, as it does terminal students. Missed
questions are not stored (the processes run on the teacher's machine).
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from typing import Any

#: Environment variable carrying the browser's address to its client process.
BROWSER_ADDRESS_ENV = "QUIZ_BROWSER_ADDRESS"
USAGE = "usage: python -m quiz.classroom.web URL HOST PORT [PUBLIC_URL]"


def web_command(url: str) -> str:
    """The shell command textual-serve runs per browser: no join code in it."""
    return shlex.join([sys.executable, "-m", "quiz", "class", "join", url, "--no-store"])


def make_server(url: str, host: str, port: int, public_url: str | None = None) -> Any:
    """A textual-serve server whose client processes know their browser's address."""
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, log, to_int

    class BrowserAppService(AppService):
        def __init__(self, *args: Any, address: str, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.address = address

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            env: dict[str, str] = super()._build_environment(width=width, height=height)
            env[BROWSER_ADDRESS_ENV] = self.address
            return env

    class BrowserServer(Server):
        # textual-serve's handle_websocket, with the peer address passed to the process.
        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            app_service: AppService | None = None
            try:
                await websocket.prepare(request)
                app_service = BrowserAppService(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                    address=request.remote or "unknown",
                )
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:
                log.exception(error)
            finally:
                if app_service is not None:
                    await app_service.stop()
            return websocket

    return BrowserServer(
        web_command(url),
        host=host,
        port=port,
        title="quiz — join the class",
        public_url=public_url,
    )


def main(argv: list[str]) -> int:
    """Serve the student client until interrupted."""
    if len(argv) not in (3, 4) or not argv[2].isdigit():
        print(USAGE, file=sys.stderr)
        return 2
    url, host, port = argv[:3]
    public_url = argv[3] if len(argv) == 4 else None
    make_server(url, host, int(port), public_url).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
