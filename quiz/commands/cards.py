"""`quiz cards`, `quiz unsuspend ID...`, `quiz unbury ID...`: questions kept out of study.

An ID is a question id, or BANK_ID/QUESTION_ID when the same question id is in two banks.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from quiz.cli import CommandError, UsageError, add_common_options

if TYPE_CHECKING:
    from quiz.store import SetAsideCard
    from quiz.study import StudyService


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `cards`, `unsuspend` and `unbury` subcommands."""
    p = subparsers.add_parser(
        "cards",
        help="list suspended, buried and leech questions",
        description=(
            "List the questions kept out of study: suspended (until unsuspended), buried "
            "(until tomorrow) and leeches (forgotten again and again). Exit status: 0 ok, "
            "1 database error, 2 usage error (an unknown bank or profile)."
        ),
    )
    add_common_options(p)
    p.add_argument("bank_id", nargs="?", metavar="BANK_ID", help="only this bank")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--suspended", action="store_true", help="only suspended questions")
    which.add_argument("--buried", action="store_true", help="only buried questions")
    which.add_argument("--leeches", action="store_true", help="only leeches")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run_cards)

    for name, verb in (("unsuspend", "suspended"), ("unbury", "buried")):
        u = subparsers.add_parser(
            name,
            help=f"let {verb} questions be asked again",
            description=(
                f"Let {verb} questions be asked again. ID is a question id, or "
                "BANK_ID/QUESTION_ID (see `quiz cards`). Exit status: 0 every one restored, "
                f"1 some were not {verb} or a database error, 2 usage error."
            ),
        )
        add_common_options(u)
        u.add_argument("ids", nargs="+", metavar="ID", help="question ids (or BANK_ID/QUESTION_ID)")
        u.set_defaults(func=run_restore, action=name)


def _service(args: argparse.Namespace, store: Any) -> StudyService:
    from quiz.banks import load_catalog
    from quiz.commands._learner import profile_for
    from quiz.study import StudyService

    catalog = load_catalog()
    banks = {lb.bank.id: lb.bank for lb in catalog.banks}
    return StudyService(store, profile_for(store, args, read_only=True), banks=banks)


def _row(card: SetAsideCard, prompt: str | None) -> dict[str, Any]:
    return {
        "bank_id": card.bank_id,
        "question_id": card.question_id,
        "prompt": prompt,
        "suspended": card.suspended,
        "buried_until": card.buried_until.isoformat() if card.buried_until else None,
        "leech": card.leech,
        "lapses": card.lapses,
    }


def _clean(text: str) -> str:
    """One line, no control characters: bank text is data, never terminal codes."""
    from quiz.commands._learner import terminal_text

    return terminal_text(" ".join(text.split()))


def run_cards(args: argparse.Namespace) -> int:
    """List the set-aside questions."""
    from quiz.commands._learner import open_store

    kind = (
        "suspended"
        if args.suspended
        else "buried"
        if args.buried
        else "leeches"
        if args.leeches
        else "all"
    )
    with open_store(args) as store:
        service = _service(args, store)
        if args.bank_id is not None and args.bank_id not in service.banks:
            known = ", ".join(sorted(service.banks)) or "(none)"
            raise UsageError(f"no valid bank with id {args.bank_id!r}; known ids: {known}")
        cards = [
            c
            for c in service.set_aside(kind)  # type: ignore[arg-type]
            if args.bank_id is None or c.bank_id == args.bank_id
        ]
        prompts = {
            c.key: q.prompt
            for c in cards
            if (q := service.banks[c.bank_id].question(c.question_id)) is not None
        }
    if args.json:
        print(json.dumps([_row(c, prompts.get(c.key)) for c in cards], indent=2))
        return 0
    if not cards:
        print("No question is " + ("set aside." if kind == "all" else f"{kind}."))
        return 0
    for c in cards:
        marks = []
        if c.suspended:
            marks.append("suspended")
        if c.buried_until:
            marks.append("buried until " + c.buried_until.astimezone().strftime("%Y-%m-%d %H:%M"))
        if c.leech:
            marks.append(f"leech ({c.lapses} lapses)")
        prompt = _clean(prompts.get(c.key, ""))
        if len(prompt) > 60:
            prompt = prompt[:59] + "…"
        print(f"{c.bank_id}/{c.question_id}  [{', '.join(marks)}]  {prompt}")
    return 0


def _resolve(ident: str, cards: list[SetAsideCard]) -> list[SetAsideCard]:
    if "/" in ident:
        bank_id, _, question_id = ident.partition("/")
        return [c for c in cards if c.bank_id == bank_id and c.question_id == question_id]
    return [c for c in cards if c.question_id == ident]


def run_restore(args: argparse.Namespace) -> int:
    """Unsuspend or unbury the named questions."""
    from quiz.commands._learner import open_store

    unsuspend = args.action == "unsuspend"
    verb = "suspended" if unsuspend else "buried"
    missing: list[str] = []
    with open_store(args) as store:
        service = _service(args, store)
        cards = service.store.set_aside_cards(
            service.profile, "suspended" if unsuspend else "buried"
        )
        targets: list[SetAsideCard] = []
        for ident in args.ids:
            found = _resolve(ident, cards)
            if len(found) > 1:
                options = ", ".join(f"{c.bank_id}/{c.question_id}" for c in found)
                raise UsageError(f"{ident!r} is in several banks; name one of: {options}")
            if not found:
                missing.append(ident)
            targets.extend(found)
        for card in targets:
            if unsuspend:
                service.unsuspend(card.key)
            else:
                service.unbury(card.key)
            done = "Unsuspended" if unsuspend else "Unburied"
            print(f"{done}: {card.bank_id}/{card.question_id}")
    if missing:
        names = ", ".join(repr(ident) for ident in missing)
        raise CommandError(f"{names} is not {verb} (see `quiz cards --{verb}`)")
    return 0
