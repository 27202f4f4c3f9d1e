"""`quiz banks`: list every bank found, with its path, question count and validity."""

from __future__ import annotations

import argparse
import json

from quiz.cli import add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `banks` subcommand."""
    p = subparsers.add_parser(
        "banks",
        help="list the shipped banks and yours, with their validity",
        description=(
            "List every bank the app loads (shipped, then your bank folder): id, question count, "
            "path. Invalid files are listed with their first error; they never stop the others."
        ),
    )
    add_common_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalog."""
    from quiz.banks import load_catalog

    catalog = load_catalog()
    if args.json:
        report = {
            "banks": [
                {
                    "id": lb.bank.id,
                    "title": lb.bank.title,
                    "questions": len(lb.bank.questions),
                    "path": str(lb.path),
                    "valid": True,
                }
                for lb in catalog.banks
            ],
            "invalid": [
                {"path": str(path), "valid": False, "error": problems[0].format()}
                for path, problems in catalog.invalid
            ],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    if not catalog.banks and not catalog.invalid:
        print("no banks found")
        return 0
    # Plain columns: paths stay whole and nothing in a bank is read as markup.
    width = max([len(lb.bank.id) for lb in catalog.banks] + [7])
    for lb in catalog.banks:
        print(f"{lb.bank.id:<{width}}  {len(lb.bank.questions):>4}  ok       {lb.path}")
    for path, problems in catalog.invalid:
        first = problems[0].format() if problems else "invalid"
        print(f"{'-':<{width}}  {'-':>4}  INVALID  {path}\n{'':<{width}}        {first}")
    print(f"{len(catalog.banks)} valid bank(s), {len(catalog.invalid)} invalid file(s)")
    return 0
