"""Keypress to next question rendered, in the study app driven by Pilot (median).

Runs a quiz over the test bank with every question type (tests/data/banks), answering each
question and timing, for each Enter that leaves the feedback, the span until the next
question is mounted and the screen has refreshed. Prints the median and the spread.

    PYTHONPATH=. python benchmarks/keypress.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quiz.ui.app import StartRequest, create_app  # noqa: E402
from quiz.ui.screens.study import StudyScreen  # noqa: E402
from tests.ui.helpers import answer_keys, ready  # noqa: E402


async def one_round(db: Path, seed: int) -> tuple[list[float], list[float]]:
    """Times (seconds) from Enter on the feedback to the next question on screen, and of
    an unbound key on the same screen (Pilot's own cost, for reference)."""
    app = create_app(
        db,
        "bench",
        bank_paths=[ROOT / "tests" / "data" / "banks"],
        start=StartRequest(kind="study", bank_id="every-type", seed=seed),
    )
    times: list[float] = []
    noops: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        while isinstance(app.screen, StudyScreen):
            screen = app.screen
            await pilot.press(*answer_keys(app, right=True))
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("x")  # bound to nothing on the feedback
            await pilot.pause()
            noops.append(time.perf_counter() - start)
            before = screen.session.index
            start = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()  # processed, mounted and refreshed
            if isinstance(app.screen, StudyScreen) and app.screen.session.index == before + 1:
                times.append(time.perf_counter() - start)
    return times, noops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    samples: list[float] = []
    baseline: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.rounds):
            times, noops = asyncio.run(one_round(Path(tmp) / f"kp{seed}.db", seed))
            samples += times
            baseline += noops
    ms = sorted(s * 1000 for s in samples)
    print(
        f"keypress -> next question: median {statistics.median(ms):.1f} ms, "
        f"min {ms[0]:.1f}, max {ms[-1]:.1f} ({len(ms)} samples, Pilot, 100x30)"
    )
    print(f"unbound key (Pilot round trip): median {statistics.median(baseline) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
