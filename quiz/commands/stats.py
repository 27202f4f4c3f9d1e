"""`quiz stats [--json]`: study statistics of a profile, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from quiz.cli import UsageError, add_common_options
from quiz.numbers import format_percent


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `stats` subcommand."""
    p = subparsers.add_parser(
        "stats",
        help="show study statistics: accuracy, streak, due forecast, retention, leeches",
        description=(
            "Show a profile's study statistics: accuracy per bank and tag, mastery, the "
            "daily streak, reviews per day, the 30-day due forecast, true retention, the "
            "weakest questions and leeches. Exit status: 0 ok, 1 database error."
        ),
    )
    add_common_options(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--days",
        type=int,
        default=365,
        metavar="N",
        help="days of review history in the heatmap (default: 365)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the statistics report of the chosen profile."""
    from quiz.banks import load_catalog
    from quiz.commands._learner import open_store, profile_for
    from quiz.study import StudyService

    if args.days < 1:
        raise UsageError(f"--days must be at least 1, got {args.days}")
    catalog = load_catalog()
    with open_store(args) as store:
        profile = profile_for(store, args, read_only=True)
        service = StudyService(store, profile, banks={lb.bank.id: lb.bank for lb in catalog.banks})
        report = service.stats(heatmap_days=args.days).to_json()
    if catalog.invalid:
        print(
            f"quiz: {len(catalog.invalid)} invalid bank file(s) left out; "
            "run `quiz validate` for details",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        prompts = {
            (loaded.bank.id, q.id): q.prompt
            for loaded in catalog.banks
            for q in loaded.bank.questions
        }
        print(format_report(report, prompts))
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else format_percent(value)


def _short(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def format_report(report: dict[str, Any], prompts: dict[tuple[str, str], str]) -> str:
    """The report as plain text for a terminal."""
    totals = report["totals"]
    streak = report["streak"]
    lines = [
        f"Profile: {report['profile']}",
        f"Answers: {totals['attempts']}  accuracy {_pct(totals['accuracy'])}  "
        f"cards {totals['cards']}  due now {totals['due_now']}  leeches {totals['leeches']}",
        f"Streak: {streak['current']} day(s) (longest {streak['longest']})"
        + ("" if streak["reviewed_today"] else "  - no review yet today"),
        "",
        "Banks:",
    ]
    header = f"  {'bank':32} {'questions':>9} {'answers':>7} {'accuracy':>8} {'last':>5} "
    lines.append(header + f"{'mastery':>7} {'due':>5}")
    for b in report["banks"]:
        lines.append(
            f"  {_short(b['title'], 32):32} {b['questions']:>9} {b['attempts']:>7} "
            f"{_pct(b['accuracy']):>8} {_pct(b['last_score']):>5} {_pct(b['mastery']):>7} "
            f"{b['due']:>5}"
        )
    tags = [t for t in report["tags"] if t["attempts"]]
    if tags:
        lines += ["", "Tags (answered):"]
        lines += [
            f"  {_short(t['tag'], 32):32} {t['attempts']:>7} answers  {_pct(t['accuracy']):>5}"
            for t in tags
        ]
    retention = report["retention"]
    lines += [
        "",
        f"True retention, last {retention['days']} days: "
        f"young {_pct(retention['young']['rate'])} ({retention['young']['total']}), "
        f"mature {_pct(retention['mature']['rate'])} ({retention['mature']['total']})",
    ]
    week = report["forecast"][:7]
    lines.append(
        "Due in the next 7 days: " + ", ".join(f"{d['date'][5:]} {d['due']}" for d in week)
    )
    recent = report["heatmap"][-14:]
    lines.append("Reviews, last 14 days: " + " ".join(str(d["reviews"]) for d in recent))
    if report["weakest"]:
        lines += ["", "Weakest questions:"]
        for w in report["weakest"]:
            key = (w["bank_id"], w["question_id"])
            lines.append(
                f"  {_pct(w['accuracy']):>4} of {w['attempts']:<3} {w['bank_id']}/"
                f"{w['question_id']}: {_short(prompts.get(key, ''), 50)}"
            )
    if report["leeches"]:
        lines += ["", "Leeches (forgotten again and again; consider rewriting or suspending):"]
        for lee in report["leeches"]:
            state = " (suspended)" if lee["suspended"] else ""
            lines.append(f"  {lee['bank_id']}/{lee['question_id']}: {lee['lapses']} lapses{state}")
    return "\n".join(lines)
