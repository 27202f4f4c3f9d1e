"""`python -m quiz.classroom.web URL CODE HOST PORT [PUBLIC_URL]`: the student client for browsers.

Runs textual-serve, which starts one `quiz class join` process per browser connection. It
has no authentication of its own: the client it serves can only join with the session's
code, and missed questions are not stored (the processes run on the teacher's machine).
"""

from __future__ import annotations

import shlex
import sys


def main(argv: list[str]) -> int:
    """Serve the student client until interrupted."""
    if len(argv) not in (4, 5) or not argv[3].isdigit():
        print(
            "usage: python -m quiz.classroom.web URL CODE HOST PORT [PUBLIC_URL]", file=sys.stderr
        )
        return 2
    url, code, host, port = argv[:4]
    public_url = argv[4] if len(argv) == 5 else None
    from textual_serve.server import Server

    command = shlex.join(
        [sys.executable, "-m", "quiz", "class", "join", url, "--code", code, "--no-store"]
    )
    Server(
        command, host=host, port=int(port), title="quiz — join the class", public_url=public_url
    ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
