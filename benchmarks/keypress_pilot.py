"""Keypress to next question rendered, in the study app driven by Pilot (medians).

Runs quizzes over the test bank with every question type (tests/data/banks), answering
each question rightly, and times every Enter that leaves the feedback for a next question.

Method. Pilot is only the driver; the clock is read inside the app, so the numbers are what
a user would notice, not what Pilot adds:

* start: the app receives the key (`App.on_event` sees the `Key` event, before any
  binding runs), read with `time.perf_counter()`;
* "rendered": the first frame handed to the terminal (`App._display`, which
  `Screen._compositor_refresh` calls right after the compositor rendered the update) in
  which the NEW question's prompt and input are on top (the topmost widget at their
  top-left cell, per the compositor's map, is them or their child). The headless driver writes
  nothing, so the probe turns every frame into terminal escapes itself
  (`CompositorUpdate.render_segments`), as a real terminal driver does, and that cost counts;
* "settled": the last frame before the app goes idle (footer keys and focus styles done).

Also printed, for honesty about the harness: the Pilot round trip of the same Enter
(`pilot.press` + `pilot.pause`, which wait for CPU idle in 20 ms slices), and of an
unbound key on the feedback screen (Pilot's own floor: nothing to do but deliver the key).

Goal: median key -> rendered < 30 ms.

    PYTHONPATH=. python benchmarks/keypress_pilot.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import RenderableType  # noqa: E402
from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widget import Widget  # noqa: E402

from quiz.ui.app import QuizApp, StartRequest, create_app  # noqa: E402
from quiz.ui.screens.study import StudyScreen  # noqa: E402
from tests.ui.helpers import answer_keys, ready  # noqa: E402


@dataclass
class Probe:
    """Timestamps read inside the app (perf_counter seconds)."""

    key_at: float | None = None
    shown_at: float | None = None
    frames: list[float] = field(default_factory=list)
    #: The question widget on screen before the key; a different one must appear.
    old: Widget | None = None
    watching: bool = False

    def arm(self, old: Widget | None) -> None:
        """Start watching for a new question replacing `old`."""
        self.key_at = self.shown_at = None
        self.frames = []
        self.old = old
        self.watching = True


def question_parts(screen: Screen[Any]) -> tuple[Widget, list[Widget]] | None:
    """The question widget on screen and the parts that must be visible for it to count."""
    found = screen.query("#question, #card")
    if not found:
        return None
    view = found.first()
    if view.id == "card":
        return view, list(view.query("#card-front"))
    return view, [*view.query(".prompt"), view.input]  # type: ignore[attr-defined]


def on_top(screen: Screen[Any], part: Widget) -> bool:
    """`part` is in the frame and not covered: at its top-left cell the topmost widget is
    `part` or one of its descendants (a question built ahead waits on a lower layer)."""
    placed = screen._compositor.visible_widgets.get(part)
    if placed is None:
        return False
    region, clip = placed
    corner = region.intersection(clip)
    if not corner:
        return False
    try:
        top, _ = screen.get_widget_at(corner.x, corner.y)
    except Exception:  # NoWidget: nothing there
        return False
    return top is part or part in top.ancestors


def instrument(app: QuizApp) -> Probe:
    """Hook the app's event entry and its frame output (instance attributes, app unchanged)."""
    probe = Probe()
    on_event = app.on_event
    display = app._display

    async def timed_on_event(event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and probe.key_at is None:
            probe.key_at = time.perf_counter()
        await on_event(event)

    def timed_display(screen: Screen[Any], renderable: RenderableType | None) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            # What a real driver does with the frame before writing it out.
            renderable.render_segments(app.console)
        if not probe.watching or probe.key_at is None:
            return
        now = time.perf_counter()
        probe.frames.append(now)
        if probe.shown_at is None and isinstance(screen, StudyScreen):
            parts = question_parts(screen)
            new = parts is not None and parts[0] is not probe.old
            if new and parts[1] and all(on_top(screen, p) for p in parts[1]):  # type: ignore[index]
                probe.shown_at = now

    app.on_event = timed_on_event  # type: ignore[method-assign]
    app._display = timed_display  # type: ignore[method-assign]
    return probe


@dataclass
class Samples:
    """Milliseconds per transition."""

    rendered: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    pilot: list[float] = field(default_factory=list)
    unbound: list[float] = field(default_factory=list)


async def one_round(db: Path, seed: int, out: Samples) -> None:
    """One quiz over the every-type bank; adds its transitions to `out`."""
    app = create_app(
        db,
        "bench",
        bank_paths=[ROOT / "tests" / "data" / "banks"],
        start=StartRequest(kind="study", bank_id="every-type", seed=seed),
    )
    probe = instrument(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        while isinstance(app.screen, StudyScreen):
            screen = app.screen
            await pilot.press(*answer_keys(app, right=True))
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("x")  # bound to nothing on the feedback
            await pilot.pause()
            out.unbound.append((time.perf_counter() - start) * 1000)
            before = screen.session.index
            parts = question_parts(screen)
            probe.arm(parts[0] if parts else None)
            start = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            end = time.perf_counter()
            probe.watching = False
            if not (isinstance(app.screen, StudyScreen) and screen.session.index == before + 1):
                continue  # the last Enter goes to Results: not a question transition
            assert probe.key_at is not None and probe.shown_at is not None, "no frame seen"
            out.rendered.append((probe.shown_at - probe.key_at) * 1000)
            out.settled.append((probe.frames[-1] - probe.key_at) * 1000)
            out.pilot.append((end - start) * 1000)


def describe(name: str, ms: list[float]) -> str:
    """One line: median, min and max."""
    s = sorted(ms)
    return f"{name:<34} median {statistics.median(s):6.1f} ms  (min {s[0]:.1f}, max {s[-1]:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    out = Samples()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.rounds):
            asyncio.run(one_round(Path(tmp) / f"kp{seed}.db", seed, out))
    print(f"{len(out.rendered)} transitions (Enter on feedback -> next question), 100x30")
    print(describe("in app: key -> question rendered", out.rendered))
    print(describe("in app: key -> settled", out.settled))
    print(describe("Pilot round trip (press+pause)", out.pilot))
    print(describe("Pilot round trip, unbound key", out.unbound))
    print("(goal: key -> question rendered, median < 30 ms)")


if __name__ == "__main__":
    main()
