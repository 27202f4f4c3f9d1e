"""`quiz schema`: print the JSON Schema of bank files, for editors and tools."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from quiz.cli import add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `schema` subcommand."""
    p = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of bank files",
        description="Print the JSON Schema generated from the bank models (schema 1).",
    )
    add_common_options(p)
    p.add_argument("-o", "--output", type=Path, help="write the schema to this file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print (or write) the schema."""
    from quiz.files import write_text_atomic
    from quiz.models import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_text_atomic(args.output, text)
    else:
        print(text, end="")
    return 0
