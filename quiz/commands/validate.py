"""`quiz validate [PATH ...]`: check bank files and report every problem, located."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from quiz.cli import UsageError, add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `validate` subcommand."""
    p = subparsers.add_parser(
        "validate",
        help="check question banks and report problems with file:line",
        description=(
            "Check bank files (.toml, .yaml, .yml, .json). Folders are searched recursively. "
            "With no PATH, checks the shipped banks and your bank folder. "
            "Exit status: 0 valid, 1 invalid, 2 usage error."
        ),
    )
    add_common_options(p)
    p.add_argument("paths", nargs="*", metavar="PATH", type=Path, help="bank files or folders")
    p.add_argument("--json", action="store_true", help="print a JSON report instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the banks under the given paths and print the report."""
    from quiz.banks import default_bank_paths, load_catalog

    paths: list[Path] = list(args.paths) or default_bank_paths()
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    # The catalog already refuses a bank whose id an earlier file took.
    catalog = load_catalog(paths)
    n_files = len(catalog.banks) + len(catalog.invalid)
    errors = [problem for _, problems in catalog.invalid for problem in problems]
    warnings = [w for loaded in catalog.banks for w in loaded.warnings]
    banks: list[dict[str, Any]] = [
        {
            "path": str(loaded.path),
            "id": loaded.bank.id,
            "title": loaded.bank.title,
            "questions": len(loaded.bank.questions),
            "by_type": dict(sorted(Counter(q.type for q in loaded.bank.questions).items())),
        }
        for loaded in catalog.banks
    ]
    ok = not errors
    if args.json:
        report = {
            "ok": ok,
            "banks": banks,
            "errors": [e.to_dict() for e in errors],
            "warnings": [w.to_dict() for w in warnings],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for problem in errors:
            print(problem.format())
        for problem in warnings:
            print(f"warning: {problem.format()}")
        n_questions = sum(b["questions"] for b in banks)
        failed = len({e.path for e in errors})
        summary = (
            f"{n_files} file(s) checked: {len(banks)} valid bank(s) with {n_questions} "
            f"question(s), {failed} invalid file(s), {len(errors)} error(s), "
            f"{len(warnings)} warning(s)"
        )
        if not n_files:
            summary = "no bank files found (looked for .toml, .yaml, .yml, .json)"
        print(summary)
    return 0 if ok else 1
