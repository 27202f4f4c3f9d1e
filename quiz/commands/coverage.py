"""`quiz coverage BANK_ID... [--article FILE] [--json]`: which article sentences are tested.

For authors writing questions from an article: every sentence with how many questions
quote it (a heat column), the sections, the sentences no question tests and the ones that
carry too many. Reads the banks' `source` article unless `--article` names one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz.cli import UsageError, add_common_options

if TYPE_CHECKING:
    from quiz.banks import LoadedBank
    from quiz.coverage import Coverage


#: `quiz.coverage.MAX_PER_SENTENCE`, repeated: importing that module loads the bank models
#: (pydantic), and every `quiz` start builds this parser (tests/test_bank_index.py keeps
#: the two equal and the parser free of pydantic).
MAX_PER_SENTENCE = 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `coverage` subcommand."""
    p = subparsers.add_parser(
        "coverage",
        help="show which sentences of the source article the questions quote",
        description=(
            "Show the source article of BANK_ID (a bank id or a bank file; several banks "
            "built on one article may be given) sentence by sentence, with the number of "
            "questions whose source_quote overlaps each sentence, the untested sentences and "
            "the over-mined ones. Exit status: 0 shown, 1 unknown bank, unreadable article "
            "or banks on different articles, 2 usage error."
        ),
    )
    add_common_options(p)
    p.add_argument("banks", metavar="BANK_ID", nargs="+", help="bank ids or bank files")
    p.add_argument(
        "--article",
        type=Path,
        metavar="FILE",
        help="the article to measure against (default: the banks' source article)",
    )
    p.add_argument(
        "--max",
        type=int,
        default=MAX_PER_SENTENCE,
        metavar="N",
        help="a sentence quoted by more than N questions is over-mined "
        f"(default {MAX_PER_SENTENCE})",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"article", "covered", "sentences": [{"text", "section", "questions"}], '
        '"unmatched"} as JSON',
    )
    p.set_defaults(func=run)


def _article_path(loaded: LoadedBank) -> Path | None:
    source = loaded.bank.source
    return None if source is None else (loaded.path.parent / source.path).resolve()


def _read_article(path: Path) -> str:
    from quiz.banks import MAX_ARTICLE_BYTES

    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise UsageError(
                f"{path}: the article is {size:,} bytes; the limit is {MAX_ARTICLE_BYTES:,}"
            )
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: the article is not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the article: {exc.strerror or exc}") from None


def _heat(n: int, limit: int) -> str:
    """`n` as a number and a bar: `·` for none, one block per question, `!` past the limit."""
    bar = "█" * min(n, limit + 1) if n else "·"
    return f"{n:>4} {bar:<{limit + 1}}{'!' if n > limit else ' '} "


def report(result: Coverage, article: str, title: str, n_questions: int, limit: int) -> str:
    """The text report: sections, heat column, totals, untested and over-mined sentences."""
    from quiz.commands._bankio import terminal_safe

    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    indent = " " * len(_heat(0, limit))
    lines = [
        terminal_safe(f"{title} ({article}): {n_questions} question(s)"),
        "Each sentence with the number of questions quoting it.",
    ]
    section = None
    for s in result.sentences:
        if s.section != section:
            section = s.section
            lines += ["", terminal_safe(f"## {section}")]
        text = terminal_safe(s.text)
        if s.questions:
            text += "  [" + ", ".join(s.questions) + "]"
        lines += textwrap.wrap(
            text,
            width,
            initial_indent=_heat(len(s.questions), limit),
            subsequent_indent=indent,
            break_on_hyphens=False,  # question ids stay whole
        )
    total = len(result.sentences)
    quoted = total - len(result.untested())
    lines += ["", f"covered: {quoted} of {total} sentences ({result.covered:.0%})"]
    for label, group in (
        ("untested", result.untested()),
        (f"over-mined (more than {limit} questions)", result.over_mined(limit)),
    ):
        lines.append(f"{label}: {len(group) or 'none'}")
        for s in group:
            lines.append(terminal_safe(f"  {s.section}: {s.text}"))
    if result.unmatched:
        lines.append("not quoting this article: " + terminal_safe(", ".join(result.unmatched)))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Load the banks, measure, print."""
    from quiz.banks import BankLoadError
    from quiz.commands._bankio import fail, find_bank, print_problems
    from quiz.coverage import coverage

    if args.max < 0:
        raise UsageError("--max must be 0 or more")
    loaded: list[LoadedBank] = []
    for ref in args.banks:
        try:
            found = find_bank(ref)
        except BankLoadError as exc:
            print_problems(exc.problems)
            return 1
        if found is None:
            return fail(f"no bank {ref!r}: give a bank id (see `quiz banks`) or a bank file")
        loaded.append(found)

    if args.article is not None:
        path: Path = args.article
    else:
        paths = {_article_path(b) for b in loaded}
        if None in paths:
            bare = next(b for b in loaded if b.bank.source is None)
            return fail(
                f"bank {bare.bank.id!r} has no [source] article; give one with --article FILE"
            )
        if len(paths) > 1:
            return fail(
                "the banks quote different articles ("
                + ", ".join(sorted(str(p) for p in paths))
                + "); measure them one article at a time"
            )
        (only,) = paths
        assert only is not None
        # Shown relative to the working folder when it is inside it, as authors type paths.
        path = Path(os.path.relpath(only)) if only.is_relative_to(Path.cwd()) else only
    try:
        article = _read_article(path)
    except ValueError as exc:
        return fail(str(exc))

    # Ids are question ids; when two banks share one, both are shown as bank/question.
    counts: dict[str, int] = {}
    for b in loaded:
        for q in b.bank.questions:
            counts[q.id] = counts.get(q.id, 0) + 1
    quotes = [
        (q.id if counts[q.id] == 1 else f"{b.bank.id}/{q.id}", q.source_quote)
        for b in loaded
        for q in b.bank.questions
    ]
    result = coverage(article, quotes)
    if args.json:
        data: dict[str, Any] = {
            "article": str(path),
            "covered": round(result.covered, 4),
            "sentences": [
                {"text": s.text, "section": s.section, "questions": s.questions}
                for s in result.sentences
            ],
            "unmatched": result.unmatched,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    sources = {b.bank.source.title for b in loaded if b.bank.source is not None}
    title = sources.pop() if len(sources) == 1 and args.article is None else path.name
    print(report(result, str(path), title, len(quotes), args.max))
    return 0
