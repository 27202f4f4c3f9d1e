"""`quiz new BANK_ID [--article FILE]`: write a starter bank with one commented example of
every type; with `--article`, wired to that article (source table, its section headings as
tag suggestions, and examples that quote real sentences of it)."""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.coverage import Sentence

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

# Built from an article? Name it in a [source] table (the path is relative to this file)
# and give every question a source_quote copied verbatim from it, the passage that shows
# why the answer is right. `quiz new {bank_id} --article FILE` writes this for you, and
# `quiz coverage {bank_id}.toml` shows which sentences your questions quote.
#
# [source]
# title = "The article's title"
# path = "articles/the-article.txt"
#
# ...and in each question:
# source_quote = "A sentence copied from the article, word for word."

# Every question has: id (unique in the bank), type, prompt, explanation (shown after the
# answer). Optional: tags, difficulty (1-5, default 3), hint, caveat (see docs/bank-format.md).

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
# Choice texts are words, not bare numbers: the learner ticks choices with the number keys.
[[questions]]
id = "noble-gases"
type = "multiple_select"
prompt = "Which of these are noble gases?"
choices = [
    {{ text = "Helium", correct = true }},
    {{ text = "Neon", correct = true }},
    {{ text = "Nitrogen", correct = false, feedback = "Nitrogen forms many compounds." }},
]
explanation = "Noble gases have a full outer electron shell, so they rarely react."

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


#: The starter bank for an article. Every example quotes a real sentence of the article;
#: `{...}` fields are filled in by `article_starter` (TOML strings arrive already quoted).
ARTICLE_TEMPLATE = """\
#:schema ./{schema}
# A question bank for `quiz` (schema 1), written from the article {article_path}.
# Check it with `quiz validate {bank_id}.toml`; see which sentences your questions quote
# with `quiz coverage {bank_id}.toml`; try a typed answer with
# `quiz grade {bank_id}.toml QUESTION_ID ANSWER`; add it with `quiz add {bank_id}.toml`.
#
# Each example below quotes a real sentence of the article and asks nothing yet: replace
# every TODO, keep the source_quote (or quote another passage, word for word), and delete
# the examples you do not need. A good question asks why, how, in what order, or what
# follows; not how many items a list has, what an abbreviation stands for, or the
# article's own turn of phrase (docs/authoring.md has the checklist).

schema = 1
id = "{bank_id}"
title = {title}
description = "TODO: what this bank is about."
tags = []

[source]
title = {title}
path = {path}

# The article's sections, as tags you may give questions (one per question is plenty):
{tag_lines}

# multiple_choice: exactly one choice is correct; feedback is shown for the chosen one.
# Wrong choices should tempt someone who skimmed, without being right as well.
[[questions]]
id = "example-multiple-choice"
type = "multiple_choice"
prompt = "TODO (multiple choice): why, according to this sentence, ...?"
choices = [
    {{ text = "TODO: the right answer", correct = true }},
    {{ text = "TODO: a wrong answer a skimmer would pick", feedback = "TODO: why it is wrong." }},
    {{ text = "TODO: another plausible wrong answer" }},
]
explanation = "TODO: why the right answer is right, in your own words."
source_quote = {quote_mc}
tags = [{tag_mc}]
hint = "TODO or delete: a nudge towards the reasoning, never the answer's location."

# multiple_select: every correct choice must be picked (partial credit). Choice texts are
# words, not bare numbers: the learner ticks choices with the number keys.
[[questions]]
id = "example-multiple-select"
type = "multiple_select"
prompt = "TODO (multiple select): which of these does the article say ...? Select all that apply."
choices = [
    {{ text = "TODO: a right statement", correct = true }},
    {{ text = "TODO: another right statement", correct = true }},
    {{ text = "TODO: a statement the article contradicts" }},
]
explanation = "TODO: why each right statement is right."
source_quote = {quote_ms}
tags = [{tag_ms}]

# true_false: `answer` is true or false. A sentence copied from the article and marked
# true tests recognition; turn it into a claim the reader must think about.
[[questions]]
id = "example-true-false"
type = "true_false"
prompt = "TODO (true or false): a claim about this sentence."
answer = false
explanation = "TODO: why the claim is false (or true)."
source_quote = {quote_tf}
tags = [{tag_tf}]

# short_answer: any `accept` entry is right, however it is capitalised, inflected or spelt
# (British/American), with small typos forgiven. Write ten answers a reader would type
# before you write the accept list; `must` and `must_not` key terms take the rest.
[[questions]]
id = "example-short-answer"
type = "short_answer"
prompt = "TODO (short answer): a question with a short typed answer."
accept = ["TODO: the answer", "TODO: another way to write it"]
explanation = "TODO: why this is the answer."
source_quote = {quote_sa}
tags = [{tag_sa}]

# numeric: only for a number the article gives (a dose, a rate, a year), never for the
# length of one of its lists. `answer` with a `tolerance`, or `min` and `max`.
[[questions]]
id = "example-numeric"
type = "numeric"
prompt = "TODO (numeric): what figure does the article give for ...?"
answer = 0
tolerance = 0
explanation = "TODO: where the number comes from and what it means."
source_quote = {quote_nu}
tags = [{tag_nu}]

# cloze: each {{{{answer}}}} or {{{{answer|alternative}}}} in `text` is a gap. This one gaps a
# word of the quoted sentence; gap a concept the reader must understand, not the
# article's own wording, and list the other words a reader would rightly type.
[[questions]]
id = "example-cloze"
type = "cloze"
prompt = "Fill in the gap."
text = {cloze_text}
explanation = "TODO: why the gap takes this word."
source_quote = {quote_cz}
tags = [{tag_cz}]

# ordering: `items` in the correct order (at least 3); they are shown shuffled. Quote the
# whole passage that gives the order.
[[questions]]
id = "example-ordering"
type = "ordering"
prompt = "TODO (ordering): put these steps in order."
items = ["TODO: first step", "TODO: second step", "TODO: third step"]
explanation = "TODO: why this order."
source_quote = {quote_or}
tags = [{tag_or}]

# matching: at least 3 left/right pairs; the right sides are shown shuffled. The quote must
# support every pair.
[[questions]]
id = "example-matching"
type = "matching"
prompt = "TODO (matching): match each item with what the article says about it."
pairs = [
    {{ left = "TODO: first item", right = "TODO: what goes with it" }},
    {{ left = "TODO: second item", right = "TODO: what goes with that" }},
    {{ left = "TODO: third item", right = "TODO: and with that" }},
]
explanation = "TODO: why each pair belongs together."
source_quote = {quote_ma}
tags = [{tag_ma}]

# flashcard: the learner recalls the `back` and rates themselves (Again/Hard/Good/Easy).
[[questions]]
id = "example-flashcard"
type = "flashcard"
prompt = "TODO (flashcard): a question whose answer fits on a card."
back = "TODO: the answer."
explanation = "TODO: why, in your own words."
source_quote = {quote_fc}
tags = [{tag_fc}]
"""

#: The examples' keys in ARTICLE_TEMPLATE, in order: each gets its own sentence if it can.
_EXAMPLE_KEYS = ("mc", "ms", "tf", "sa", "nu", "cz", "or", "ma", "fc")


def toml_string(text: str) -> str:
    """`text` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    """Text fit for a TOML comment, which may hold no control character but tab."""
    return re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", " ", text)


def section_tag(heading: str) -> str:
    """A section heading as a short tag: lowercase words joined by '-', at most 60 chars."""
    words = re.findall(r"[a-z0-9]+", heading.lower())
    tag = ""
    for word in words:
        longer = f"{tag}-{word}" if tag else word
        if len(longer) > 60:
            break
        tag = longer
    return tag or "section"


def _pick_sentences(sentences: list[Sentence], n: int) -> list[Sentence]:
    """`n` sentences spread over the article's sections, preferring ones with some substance."""
    pool = [s for s in sentences if len(s.text.split()) >= 6] or sentences
    by_section: dict[str, list[Sentence]] = {}
    for s in pool:
        by_section.setdefault(s.section, []).append(s)
    picked: list[Sentence] = []
    while len(picked) < min(n, len(pool)):
        for group in by_section.values():
            if group and len(picked) < n:
                picked.append(group.pop(0))
    # A short article gives fewer sentences than examples: reuse them in turn.
    return [picked[i % len(picked)] for i in range(n)]


def _cloze_text(sentence: str) -> str:
    """The sentence with its longest word as a gap (an example only; the author edits it)."""
    words = re.findall(r"[A-Za-z][a-z]{3,}", sentence)
    if not words or "{{" in sentence or "}}" in sentence or "|" in sentence:
        return "TODO: a sentence with a {{gap}} in it."
    word = max(words, key=len)
    return re.sub(rf"\b{re.escape(word)}\b", "{{" + word + "}}", sentence, count=1)


def article_title(article: str, fallback: str) -> str:
    """The article's title: its first line when that is not a sentence, else `fallback`."""
    for line in article.splitlines():
        line = " ".join(line.split()).lstrip("#").strip()
        if line:
            return line if not line.endswith((".", "?", "!", ":", ";", ",")) else fallback
    return fallback


def article_starter(bank_id: str, article: str, article_path: str) -> str:
    """The starter bank's TOML text for `article`, which lives at `article_path` (relative
    to the bank file)."""
    from quiz.coverage import split_sentences

    sentences = split_sentences(article)
    if not sentences:
        raise ValueError("the article has no sentences to quote")
    title = article_title(article, Path(article_path).stem.replace("-", " ").capitalize())
    sections = list(dict.fromkeys(s.section for s in sentences))
    tags = {heading: section_tag(heading) for heading in sections}
    tag_lines = "\n".join(f"#   {toml_string(tags[h])}  ({_comment(h)})" for h in sections)
    fields: dict[str, str] = {}
    for key, s in zip(_EXAMPLE_KEYS, _pick_sentences(sentences, len(_EXAMPLE_KEYS)), strict=True):
        fields[f"quote_{key}"] = toml_string(s.text)
        fields[f"tag_{key}"] = toml_string(tags[s.section])
        if key == "cz":
            fields["cloze_text"] = toml_string(_cloze_text(s.text))
    return ARTICLE_TEMPLATE.format(
        schema=SCHEMA_FILE,
        bank_id=bank_id,
        title=toml_string(title),
        path=toml_string(article_path),
        article_path=_comment(article_path),
        tag_lines=tag_lines,
        **fields,
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `new` subcommand."""
    p = subparsers.add_parser(
        "new",
        help="write a starter bank with an example of every question type",
        description=(
            "Write BANK_ID.toml (or -o FILE): a valid starter bank with one commented example "
            f"of every question type, plus {SCHEMA_FILE} next to it for editors. With "
            "--article FILE the bank is wired to that article: its [source] table, the "
            "article's section headings as tag suggestions, and examples that quote real "
            "sentences of it."
        ),
    )
    add_common_options(p)
    p.add_argument("bank_id", metavar="BANK_ID")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="where to write (.toml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument(
        "--article",
        type=Path,
        metavar="FILE",
        help="the article (UTF-8 text or Markdown) the bank's questions will be written from",
    )
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
    text = starter_bank(bank_id)
    if args.article is not None:
        from quiz.banks import MAX_ARTICLE_BYTES

        article_file: Path = args.article
        try:
            if article_file.stat().st_size > MAX_ARTICLE_BYTES:
                return fail(
                    f"{article_file}: the article is larger than {MAX_ARTICLE_BYTES:,} bytes"
                )
            article = article_file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            return fail(f"{article_file}: the article is not UTF-8 text")
        except OSError as exc:
            return fail(f"{article_file}: cannot read the article: {exc.strerror or exc}")
        # The bank names its article relative to itself, as the validator resolves it.
        rel = Path(os.path.relpath(article_file.resolve(), out.resolve().parent)).as_posix()
        try:
            text = article_starter(bank_id, article, rel)
        except ValueError as exc:
            return fail(f"{article_file}: {exc}")
    try:
        write_text_atomic(out, text)
        schema = out.parent / SCHEMA_FILE
        if not schema.exists():
            write_text_atomic(schema, json.dumps(json_schema(), indent=2) + "\n")
    except OSError as exc:
        return fail(f"{out}: cannot write: {exc.strerror or exc}", system=True)
    print(f"wrote {out} (and {SCHEMA_FILE} for editors); check it with `quiz validate {out}`")
    return 0
