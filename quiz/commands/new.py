"""`quiz new BANK_ID`: write a starter bank with one commented example of every type."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from quiz.cli import UsageError, add_common_options

SCHEMA_FILE = "bank-schema.json"

#: The starter bank; `{bank_id}` and `{schema}` are filled in. It must validate as written
#: (tests load it through banks.load_bank).
TEMPLATE = """\
#:schema ./{schema}
# A question bank for `quiz` (schema 1). The line above points editors with TOML support
# (Taplo, Even Better TOML) at the JSON schema: `quiz schema -o {schema}` writes it.
# Check this file with `quiz validate {bank_id}.toml`; add it with `quiz add {bank_id}.toml`.

schema = 1
id = "{bank_id}"                   # lowercase letters, digits, '-' or '_'; unique among banks
title = "{title}"
description = "What this bank is about."
tags = ["example"]

# Every question has: id (unique in the bank), type, prompt, explanation (shown after the
# answer). Optional: tags, difficulty (1-5, default 3), hint.

# multiple_choice: exactly one choice is correct; feedback is shown for the chosen one.
[[questions]]
id = "capital-of-france"
type = "multiple_choice"
prompt = "What is the capital of France?"
choices = [
    {{ text = "Paris", correct = true }},
    {{ text = "Lyon", correct = false, feedback = "Lyon is France's third city." }},
    {{ text = "Marseille", correct = false }},
]
explanation = "Paris has been the capital since the 10th century."
hint = "It is also the largest city."

# multiple_select: every correct choice must be picked (partial credit).
[[questions]]
id = "prime-numbers"
type = "multiple_select"
prompt = "Which of these numbers are prime?"
choices = [
    {{ text = "2", correct = true }},
    {{ text = "3", correct = true }},
    {{ text = "4", correct = false }},
]
explanation = "A prime has exactly two divisors: 1 and itself."

# true_false: `answer` is true or false.
[[questions]]
id = "sun-is-a-star"
type = "true_false"
prompt = "The Sun is a star."
answer = true
explanation = "The Sun is a G-type main-sequence star."

# short_answer: any `accept` entry is right, however it is capitalised, inflected or spelt
# (British/American), with small typos forgiven unless exact = true. Key terms can make
# other phrasings right: must = [["Pacific"]] accepts any answer naming the Pacific, and
# must_not = ["not", "Atlantic"] refuses answers with those words (see docs/bank-format.md).
# Try answers with `quiz grade BANK_ID QUESTION_ID ANSWER`.
[[questions]]
id = "largest-ocean"
type = "short_answer"
prompt = "Which is the largest ocean?"
accept = ["Pacific", "Pacific Ocean"]
explanation = "The Pacific covers about a third of the Earth's surface."

# numeric: `answer` with a `tolerance`, or a `min`/`max` range; `partial` ranges give credit.
[[questions]]
id = "value-of-pi"
type = "numeric"
prompt = "What is pi to two decimal places?"
answer = 3.14
tolerance = 0.005
partial = [{{ answer = 3.1, tolerance = 0.05, credit = 0.5 }}]
explanation = "pi = 3.14159..."

# cloze: each {{{{answer}}}} or {{{{answer|alternative}}}} in `text` is a gap to fill.
[[questions]]
id = "water-boils"
type = "cloze"
prompt = "Fill in the gaps."
text = "Water boils at {{{{100}}}} degrees {{{{Celsius|C}}}} at sea level."
explanation = "At a pressure of one atmosphere."

# ordering: `items` in the correct order (at least 3); they are shown shuffled.
[[questions]]
id = "planets-from-the-sun"
type = "ordering"
prompt = "Put these planets in order from the Sun."
items = ["Mercury", "Venus", "Earth", "Mars"]
explanation = "Mercury is closest; Mars is the fourth planet."

# matching: at least 3 left/right pairs; the right sides are shown shuffled.
[[questions]]
id = "countries-and-capitals"
type = "matching"
prompt = "Match each country with its capital."
pairs = [
    {{ left = "Italy", right = "Rome" }},
    {{ left = "Spain", right = "Madrid" }},
    {{ left = "Portugal", right = "Lisbon" }},
]
explanation = "These are the current capitals."

# flashcard: the learner recalls the `back` and rates themselves (Again/Hard/Good/Easy).
[[questions]]
id = "mitochondria"
type = "flashcard"
prompt = "What does the mitochondrion do?"
back = "It produces most of the cell's ATP."
explanation = "Hence its nickname, the powerhouse of the cell."
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `new` subcommand."""
    p = subparsers.add_parser(
        "new",
        help="write a starter bank with an example of every question type",
        description=(
            "Write BANK_ID.toml (or -o FILE): a valid starter bank with one commented example "
            f"of every question type, plus {SCHEMA_FILE} next to it for editors."
        ),
    )
    add_common_options(p)
    p.add_argument("bank_id", metavar="BANK_ID")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="where to write (.toml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=run)


def starter_bank(bank_id: str) -> str:
    """The starter bank's TOML text."""
    title = bank_id.replace("-", " ").replace("_", " ").capitalize()
    return TEMPLATE.format(bank_id=bank_id, title=title, schema=SCHEMA_FILE)


def run(args: argparse.Namespace) -> int:
    """Write the starter bank (and the schema file if missing)."""
    import json

    from quiz.commands._bankio import fail
    from quiz.files import write_text_atomic
    from quiz.models import SLUG_PATTERN, json_schema

    bank_id: str = args.bank_id
    if not re.match(SLUG_PATTERN, bank_id) or len(bank_id) > 80:
        raise UsageError(
            f"{bank_id!r} is not a valid bank id: use lowercase letters, digits, '-' or '_' "
            "(for example 'my-bank')"
        )
    out: Path = args.output or Path(f"{bank_id}.toml")
    if out.suffix.lower() != ".toml":
        raise UsageError(f"-o {out}: the starter bank is TOML; use a .toml file name")
    if out.exists() and not args.force:
        return fail(f"{out} exists; give --force to overwrite it")
    try:
        write_text_atomic(out, starter_bank(bank_id))
        schema = out.parent / SCHEMA_FILE
        if not schema.exists():
            write_text_atomic(schema, json.dumps(json_schema(), indent=2) + "\n")
    except OSError as exc:
        return fail(f"{out}: cannot write: {exc.strerror or exc}")
    print(f"wrote {out} (and {SCHEMA_FILE} for editors); check it with `quiz validate {out}`")
    return 0
