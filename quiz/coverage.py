"""Which sentences of a source article a bank's questions quote (pure; no I/O).

`quiz coverage` prints this for authors: every sentence with the questions whose
`source_quote` overlaps it, the sections, the sentences no question tests and those that
carry too many. Quotes are matched as the validator matches them (whitespace collapsed),
so a sentence's position is an offset into the whitespace-normalised article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from quiz.banks import article_headings, normalize_ws

#: Where a sentence may end: `.`, `!`, `?` or `…`, then closing quotes or brackets, then
#: whitespace. Splits are undone below where they only cut an abbreviation or a list number.
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+")
#: A piece that is only a list number ("1.", "2)") belongs to the sentence after it.
_LIST_NUMBER = re.compile(r"^\(?\d{1,3}[.)]$")
#: Abbreviations after which a full stop does not end the sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|cf|al|approx|Dr|Mr|Mrs|Ms|Prof|Fig|No|St)|\b[A-Z])\.$"
)
#: Default number of questions on one sentence above which it counts as over-mined.
MAX_PER_SENTENCE = 4


@dataclass
class Sentence:
    """One sentence of the article, its section heading and the questions quoting it."""

    text: str
    section: str
    start: int  # offsets into the whitespace-normalised article
    end: int
    questions: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    """The article sentence by sentence, with the questions quoting each."""

    sentences: list[Sentence]
    #: Questions whose quote is not in this article (a different article, or a typo).
    unmatched: list[str] = field(default_factory=list)

    @property
    def covered(self) -> float:
        """The share of sentences quoted by at least one question (0 for no sentences)."""
        if not self.sentences:
            return 0.0
        return sum(1 for s in self.sentences if s.questions) / len(self.sentences)

    def untested(self) -> list[Sentence]:
        """Sentences no question quotes."""
        return [s for s in self.sentences if not s.questions]

    def over_mined(self, limit: int = MAX_PER_SENTENCE) -> list[Sentence]:
        """Sentences quoted by more than `limit` questions."""
        return [s for s in self.sentences if len(s.questions) > limit]

    def sections(self) -> list[str]:
        """Section headings in article order (each once)."""
        return list(dict.fromkeys(s.section for s in self.sentences))


def _split_line(line: str) -> list[tuple[int, str]]:
    """(offset in the line, text) of each sentence of one normalised line."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for m in _SENTENCE_END.finditer(line):
        pieces.append((start, line[start : m.end()].rstrip()))
        start = m.end()
    if start < len(line):
        pieces.append((start, line[start:]))
    merged: list[tuple[int, str]] = []
    for offset, text in pieces:
        if merged:
            prev_offset, prev = merged[-1]
            if (
                _LIST_NUMBER.match(prev)
                or _ABBREVIATION.search(prev)
                or not (text[:1].isupper() or text[:1].isdigit() or text[:1] in "“\"'‘(")
            ):
                merged[-1] = (prev_offset, f"{prev} {text}")
                continue
        merged.append((offset, text))
    return merged


def split_sentences(article: str) -> list[Sentence]:
    """The sentences of a plain-text or Markdown article, headings and title left out.

    Headings are found as the validator finds them for feedback (a Markdown `#` line, or a
    short line after the title without sentence punctuation); the first line is the title
    when it has no sentence punctuation. Text before the first heading is "Introduction".
    """
    heading_at = {offset: text for text, offset in article_headings(article)}
    sentences: list[Sentence] = []
    section = "Introduction"
    offset = 0
    first = True
    for raw in article.splitlines():
        line = normalize_ws(raw)
        if not line:
            continue
        if offset in heading_at:
            section = heading_at[offset]
        elif not (first and not line.endswith((".", ":", "?", "!", ";", ","))):
            for at, text in _split_line(line):
                start = offset + at
                sentences.append(Sentence(text, section, start, start + len(text)))
        first = False
        offset += len(line) + 1
    return sentences


def coverage(article: str, quotes: Iterable[tuple[str, str | None]]) -> Coverage:
    """Which sentences of `article` each (question id, source quote) pair quotes.

    A question quotes every sentence its quote overlaps; a quote found several times counts
    where it first occurs (as the feedback's section does).
    """
    haystack = normalize_ws(article)
    result = Coverage(split_sentences(article))
    for qid, quote in quotes:
        needle = normalize_ws(quote or "")
        pos = haystack.find(needle) if needle else -1
        if pos < 0:
            result.unmatched.append(qid)
            continue
        end = pos + len(needle)
        for s in result.sentences:
            if s.start < end and pos < s.end:
                s.questions.append(qid)
    return result
