"""Moodle GIFT: import (the full syntax) and export.

Import works on one question block at a time (blocks are separated by blank lines, `//`
comment lines are dropped first, as Moodle does). Escapes stay in the text while the
structure is found, so every offset still points into the file for located errors; the
text is unescaped only once a piece is cut out.

What GIFT cannot hold on export (ordering, flashcards, cloze with several gaps, hints,
units, case sensitivity) is reported as a warning; see docs/interop.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, assert_never

from quiz import models
from quiz.interop.common import (
    CLOZE_PROMPT,
    CLOZE_PROMPT_MANY,
    KEY_TERMS_DROPPED,
    Draft,
    ExportResult,
    IdMaker,
    ImportResult,
    InteropError,
    InteropWarning,
    build_bank,
    explanation_for_export,
    format_number,
    html_to_text,
    prompt_slug,
)

#: Characters GIFT escapes with a backslash (plus `\n` for a newline, `\\` for a backslash).
SPECIALS = "~=#{}:"
GAP = "_____"
_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"\[(markdown|html|plain|moodle)\]")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}
#: A Moodle Cloze ("embedded answers") sub-question, `{1:MC:~a~=b}`: not GIFT.
_EMBEDDED = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}", re.DOTALL)
_EMBEDDED_SA = frozenset({"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"})
_EMBEDDED_MC = frozenset(
    {"MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH"}
    | {"MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"}
)
_CLOZE_ADVICE = (
    "embedded answers (Moodle Cloze) are not GIFT: import this question into Moodle as an "
    "'Embedded answers (Cloze)' question, or rewrite it with one GIFT answer block"
)


def unescape(text: str) -> str:
    """GIFT text with its escapes resolved."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in SPECIALS or nxt == "\\":
                out.append(nxt)
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


def escape(text: str) -> str:
    """Plain text made safe for any place in a GIFT question."""
    out = text.replace("\\", "\\\\")
    for c in SPECIALS:
        out = out.replace(c, "\\" + c)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def find_unescaped(text: str, sub: str, start: int = 0, end: int | None = None) -> int:
    """Index of the first `sub` in text[start:end] not preceded by a backslash escape, or -1."""
    stop = len(text) if end is None else end
    i = start
    while i <= stop - len(sub):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(sub, i):
            return i
        i += 1
    return -1


@dataclass
class _Block:
    """One question's text (comment lines removed) and the file line of each of its lines."""

    text: str
    lines: list[int]

    def where(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of an offset into `text`."""
        index = self.text.count("\n", 0, offset)
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return self.lines[min(index, len(self.lines) - 1)], column


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    cur_lines: list[str] = []
    cur_nums: list[int] = []
    for num, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if cur_lines:
                blocks.append(_Block("\n".join(cur_lines), cur_nums))
                cur_lines, cur_nums = [], []
            continue
        cur_lines.append(line)
        cur_nums.append(num)
    if cur_lines:
        blocks.append(_Block("\n".join(cur_lines), cur_nums))
    return blocks


@dataclass
class _Answer:
    marker: str  # "=" or "~"
    text: str  # unescaped, stripped
    weight: float | None
    feedback: str | None
    offset: int  # of the marker, in the block


class _GiftParser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[InteropWarning] = []
        self.drafts: list[Draft] = []
        self.ids = IdMaker()
        self.tags: list[str] = []
        self.errors: list[InteropError] = []
        #: The current question's text format (Moodle: answers and feedback inherit it).
        self.fmt = ""
        #: HTML tags whose meaning was lost in the current question.
        self.lost: set[str] = set()

    def clean(self, raw: str, *, markers: bool = True) -> str:
        """Unescaped GIFT text without its format marker, in the format it names.

        Moodle lets `[html]`, `[moodle]`, `[plain]` or `[markdown]` stand before any text
        (question, answer, feedback); without one, the question's format applies. HTML
        becomes readable plain text; Markdown is kept (the app shows it as text).
        """
        text = raw.strip()
        fmt = self.fmt
        m = _FORMAT.match(text) if markers else None
        if m:
            fmt = m.group(1)
            text = text[m.end() :].strip()
        if fmt == "moodle":
            # Moodle auto-format: a line break in the text is a line break on the page.
            text = text.replace("\n", "<br>")
        if fmt in ("html", "moodle"):
            text, tags = html_to_text(text)
            self.lost.update(tags)
        return text

    def error(self, block: _Block, offset: int, message: str) -> InteropError:
        line, column = block.where(offset)
        return InteropError(message, path=self.path, line=line, column=column)

    def warn(self, line: int, message: str, qid: str | None = None) -> None:
        self.warnings.append(InteropWarning(line, message, qid))

    def parse(self, text: str) -> None:
        for block in _blocks(text):
            first = block.text.lstrip()
            if first.startswith("$CATEGORY:"):
                end = block.text.find("\n")
                self.tags = _category_tags(block.text[: end if end >= 0 else None])
                if end < 0:
                    continue
                block = _Block(block.text[end + 1 :], block.lines[1:])
            try:
                self.question(block)
            except InteropError as exc:
                # Keep going: the next question starts after a blank line whatever this
                # one holds, so every syntax error in the file can be reported at once.
                self.errors.append(exc)

    def question(self, block: _Block) -> None:
        t = block.text
        line = block.lines[0]
        pos = len(t) - len(t.lstrip())
        title = ""
        if t.startswith("::", pos):
            end = find_unescaped(t, "::", pos + 2)
            if end < 0:
                raise self.error(block, pos, "the title opened with '::' is never closed")
            title = unescape(t[pos + 2 : end]).strip()
            pos = end + 2
            while pos < len(t) and t[pos].isspace():
                pos += 1
        fmt = ""
        m = _FORMAT.match(t, pos)
        if m:
            fmt = m.group(1)
            pos = m.end()
        self.fmt, self.lost = fmt, set()
        embedded = _EMBEDDED.search(t, pos)
        if embedded:
            self._embedded(block, pos, title)
            return
        opening = find_unescaped(t, "{", pos)
        if opening < 0:
            stray = find_unescaped(t, "}", pos)
            if stray >= 0:
                raise self.error(block, stray, "'}' without an opening '{' (escape it as \\})")
            self.warn(line, "skipped: a description (no answer block {...}) is not a question")
            return
        closing = find_unescaped(t, "}", opening + 1)
        if closing < 0:
            raise self.error(block, opening, "the answer block opened here is never closed")
        nested = find_unescaped(t, "{", opening + 1, closing)
        if nested >= 0:
            raise self.error(block, nested, "'{' inside an answer block (escape it as \\{)")
        stray = find_unescaped(t, "}", pos, opening)
        if stray >= 0:
            raise self.error(block, stray, "'}' without an opening '{' (escape it as \\})")
        again = find_unescaped(t, "{", closing + 1)
        if again >= 0:
            raise self.error(
                block, again, "a second answer block: is a blank line missing between questions?"
            )
        stray = find_unescaped(t, "}", closing + 1)
        if stray >= 0:
            raise self.error(block, stray, "'}' without an opening '{' (escape it as \\})")

        before = unescape(t[pos:opening])
        after = unescape(t[closing + 1 :])
        missing_word = bool(after.strip())
        qid = self.ids.make(title, prompt_slug(before + " " + after))
        data = self._answers(block, opening + 1, closing, before, after, missing_word, qid)
        if data is None:
            return
        self._add(data, qid, line)

    def _add(self, data: dict[str, Any], qid: str, line: int) -> None:
        data["id"] = qid
        if self.tags:
            data["tags"] = list(self.tags)
        if self.lost:
            lost = ", ".join(sorted(self.lost))
            self.warn(
                line, f"[{self.fmt or 'html'}] HTML reduced to plain text (lost: {lost})", qid
            )
        self.drafts.append(Draft(data, line))

    def _embedded(self, block: _Block, pos: int, title: str) -> None:
        """A Moodle Cloze question pasted into GIFT: converted when this app can hold it
        (one `{:MC:}` -> multiple_choice; only `{:SA:}` gaps -> cloze), else skipped."""
        t = block.text
        line = block.lines[0]
        found = list(_EMBEDDED.finditer(t, pos))
        kinds = [m.group(2) for m in found]
        if not all(k in _EMBEDDED_SA | _EMBEDDED_MC for k in kinds) or (
            any(k in _EMBEDDED_MC for k in kinds) and len(found) > 1
        ):
            raise self.error(block, found[0].start(), _CLOZE_ADVICE)
        pieces: list[str] = []
        cur = pos
        options: list[list[tuple[str, float]]] = []
        for m in found:
            pieces.append(unescape(t[cur : m.start()]))
            opts = []
            for part in _split_unescaped(m.group(3), "~", 0, len(m.group(3))):
                raw = m.group(3)[part[0] : part[1]].strip()
                if not raw:
                    continue
                w = 0.0
                if raw.startswith("="):
                    w, raw = 100.0, raw[1:]
                else:
                    wm = _WEIGHT.match(raw)
                    if wm:
                        w, raw = float(wm.group(1)), raw[wm.end() :]
                fb = find_unescaped(raw, "#")
                opts.append((self.clean(unescape(raw[:fb] if fb >= 0 else raw)), w))
            options.append(opts)
            cur = m.end()
        tail = unescape(t[cur:])
        qid = self.ids.make(title, prompt_slug(" ".join([*pieces, tail])))
        if kinds[0] in _EMBEDDED_MC:
            answers = [_Answer("=" if w >= 100 else "~", x, w, None, 0) for x, w in options[0]]
            prompt = self.clean(pieces[0] + GAP + tail, markers=False)
            data = self._choices(answers, prompt, "", qid, line)
        else:
            gaps = []
            for opts in options:
                right = [x for x, w in opts if w >= 100]
                if not right or any("|" in x or "{" in x or "}" in x for x in right):
                    raise self.error(block, found[0].start(), _CLOZE_ADVICE)
                gaps.append("{{" + "|".join(right) + "}}")
            text = "".join(p + g for p, g in zip(pieces, gaps, strict=True)) + tail
            data = {
                "type": "cloze",
                "prompt": CLOZE_PROMPT if len(gaps) == 1 else CLOZE_PROMPT_MANY,
                "text": self.clean(text, markers=False),
                "explanation": "",
            }
        self.warn(line, "Moodle Cloze (embedded answers) converted", qid)
        self._add(data, qid, line)

    def _answers(
        self,
        block: _Block,
        start: int,
        end: int,
        before: str,
        after: str,
        missing_word: bool,
        qid: str,
    ) -> dict[str, Any] | None:
        t = block.text
        line = block.where(start)[0]
        body_start = start
        while body_start < end and t[body_start].isspace():
            body_start += 1
        numeric = t.startswith("#", body_start) and not t.startswith("####", body_start)
        general_at = find_unescaped(t, "####", body_start + 1 if numeric else start, end)
        answers_end = general_at if general_at >= 0 else end
        explanation = self.clean(unescape(t[general_at + 4 : end])) if general_at >= 0 else ""
        gap_prompt = self.clean((before + GAP + after) if missing_word else before, markers=False)

        if not t[start:answers_end].strip():
            self.warn(line, "skipped: essay questions ({}) have no answer to check", qid)
            return None
        if numeric:
            # Moodle: a `~` part is the feedback for any other answer (`~#feedback`).
            other = find_unescaped(t, "~", body_start + 1, answers_end)
            if other >= 0:
                if unescape(t[other + 1 : answers_end]).strip(" \t\n#"):
                    self.warn(line, "the feedback for any other answer (~#...) was dropped", qid)
                answers_end = other
            data = self._numeric(block, body_start + 1, answers_end, qid)
            data.update(prompt=gap_prompt, explanation=explanation)
            return data
        parts = _split_unescaped(t, "#", start, answers_end)
        key = t[parts[0][0] : parts[0][1]].strip().upper()
        if key in _TF and find_unescaped(t, "=", start, answers_end) < 0:
            feedbacks = [self.clean(unescape(t[a:b])) for a, b in parts[1:]]
            if not explanation:
                useful = [f for f in reversed(feedbacks[:2]) if f]
                if useful:
                    explanation = useful[0]
                    self.warn(line, "true/false feedback used as the explanation", qid)
            elif any(feedbacks):
                self.warn(line, "true/false feedback dropped (the general feedback is kept)", qid)
            return {
                "type": "true_false",
                "prompt": gap_prompt,
                "answer": _TF[key],
                "explanation": explanation,
            }
        answers = self._split_answers(block, start, answers_end)
        if all(a.marker == "=" for a in answers) and any("->" in a.text for a in answers):
            data = self._matching(block, answers, qid)
            data.update(prompt=gap_prompt, explanation=explanation)
            return data
        for a in answers:
            # Markers and HTML are resolved per answer: each may name its own format.
            a.text = self.clean(a.text)
            a.feedback = self.clean(a.feedback) if a.feedback else None
        if all(a.marker == "=" for a in answers):
            return self._short_answer(answers, before, after, missing_word, explanation, qid, line)
        return self._choices(answers, gap_prompt, explanation, qid, line)

    def _split_answers(self, block: _Block, start: int, end: int) -> list[_Answer]:
        t = block.text
        marks: list[int] = []
        i = start
        while i < end:
            if t[i] == "\\":
                i += 2
                continue
            if t[i] in "=~":
                marks.append(i)
            i += 1
        if not marks:
            raise self.error(block, start, "expected answers starting with '=' or '~'")
        if t[start : marks[0]].strip():
            lead = start + len(t[start : marks[0]]) - len(t[start : marks[0]].lstrip())
            raise self.error(block, lead, "expected '=' or '~' before this answer")
        answers: list[_Answer] = []
        for n, mark in enumerate(marks):
            stop = marks[n + 1] if n + 1 < len(marks) else end
            raw = t[mark + 1 : stop]
            weight: float | None = None
            m = _WEIGHT.match(raw)
            if m:
                weight = float(m.group(1))
                raw = raw[m.end() :]
            fb_at = find_unescaped(raw, "#")
            feedback = unescape(raw[fb_at + 1 :]).strip() if fb_at >= 0 else None
            text = unescape(raw[:fb_at] if fb_at >= 0 else raw).strip()
            answers.append(_Answer(t[mark], text, weight, feedback or None, mark))
        return answers

    def _matching(self, block: _Block, answers: list[_Answer], qid: str) -> dict[str, Any]:
        pairs: list[dict[str, str]] = []
        for a in answers:
            line = block.where(a.offset)[0]
            if a.marker != "=" or "->" not in a.text:
                raise self.error(
                    block, a.offset, "a matching question needs every answer as '=left -> right'"
                )
            raw_left, raw_right = a.text.split("->", 1)
            left, right = self.clean(raw_left), self.clean(raw_right, markers=False)
            if not left:
                self.warn(line, f"extra right-hand item {right!r} dropped (no distractors)", qid)
                continue
            if a.feedback:
                self.warn(line, "feedback on a matching pair dropped", qid)
            pairs.append({"left": left, "right": right})
        return {"type": "matching", "pairs": pairs}

    def _short_answer(
        self,
        answers: list[_Answer],
        before: str,
        after: str,
        missing_word: bool,
        explanation: str,
        qid: str,
        line: int,
    ) -> dict[str, Any]:
        accept: list[str] = []
        for a in answers:
            if a.weight is not None and a.weight != 100:
                self.warn(line, f"answer {a.text!r} with weight {a.weight:g}% dropped", qid)
                continue
            if a.text == "*":
                self.warn(line, "the answer '*' (Moodle: anything else is right) dropped", qid)
                continue
            if "*" in a.text:
                self.warn(
                    line,
                    f"answer {a.text!r}: '*' is a wildcard in Moodle but is matched literally "
                    "here; list the accepted spellings instead",
                    qid,
                )
            if a.feedback:
                self.warn(line, f"feedback on answer {a.text!r} dropped", qid)
            accept.append(a.text)
        if missing_word and not any("|" in a or "{" in a or "}" in a for a in accept):
            gap = "{{" + "|".join(accept) + "}}"
            return {
                "type": "cloze",
                "prompt": CLOZE_PROMPT,
                "text": self.clean(before + gap + after, markers=False),
                "explanation": explanation,
            }
        prompt = self.clean((before + GAP + after) if missing_word else before, markers=False)
        return {
            "type": "short_answer",
            "prompt": prompt,
            "accept": accept,
            "explanation": explanation,
        }

    def _choices(
        self, answers: list[_Answer], prompt: str, explanation: str, qid: str, line: int
    ) -> dict[str, Any]:
        def weight(a: _Answer) -> float:
            if a.weight is not None:
                return a.weight
            return 100.0 if a.marker == "=" else 0.0

        choices: list[dict[str, Any]] = []
        for a in answers:
            choice: dict[str, Any] = {"text": a.text, "correct": weight(a) > 0}
            if a.feedback:
                choice["feedback"] = a.feedback
            choices.append(choice)
        data = {"prompt": prompt, "choices": choices, "explanation": explanation}
        if any(a.marker == "=" for a in answers):
            # Moodle: any `=` makes it single-answer; `~%n%` answers then earn n% each.
            full = [a.text for a in answers if weight(a) >= 100]
            if len(full) != 1:
                raise InteropError(
                    f"a single-answer question (it has '=') needs exactly one answer worth "
                    f"100%, found {len(full)}",
                    path=self.path,
                    line=line,
                )
            for a, choice in zip(answers, choices, strict=True):
                w = weight(a)
                choice["correct"] = w >= 100
                if 0 < w < 100:
                    choice["credit"] = round(w / 100, 5)
                elif w < 0:
                    self.warn(line, f"penalty {w:g}% on {a.text!r} not kept: it scores 0", qid)
            return {"type": "multiple_choice", **data}
        positive = [weight(a) for a in answers if weight(a) > 0]
        if len(positive) <= 1:
            if positive and positive[0] != 100:
                self.warn(line, f"weight {positive[0]:g}% of the right answer taken as 100%", qid)
            return {"type": "multiple_choice", **data}
        even = 100 / len(positive)
        if any(abs(w - even) > 0.01 for w in positive):
            self.warn(
                line,
                "partial weights approximated: every answer with a positive weight counts "
                "as correct",
                qid,
            )
        return {"type": "multiple_select", **data}

    def _numeric(self, block: _Block, start: int, end: int, qid: str) -> dict[str, Any]:
        t = block.text
        line = block.where(start)[0]
        if find_unescaped(t, "=", start, end) < 0:
            fb_at = find_unescaped(t, "#", start, end)
            if fb_at >= 0:
                self.warn(line, "numerical answer feedback dropped", qid)
            spec_end = fb_at if fb_at >= 0 else end
            return {"type": "numeric", **self._number_spec(block, start, spec_end)}
        answers = self._split_answers(block, start, end)
        ranges: list[tuple[float, dict[str, Any]]] = []
        for a in answers:
            # Every marker is '=' here: the first '~' ended the answers (feedback for any
            # other answer, cut off by the caller).
            credit = (a.weight if a.weight is not None else 100.0) / 100
            raw_start = a.offset + 1
            m = _WEIGHT.match(t, raw_start)
            if m:
                raw_start = m.end()
            fb_at = find_unescaped(t, "#", raw_start, _next_mark(t, raw_start, end))
            spec_end = fb_at if fb_at >= 0 else _next_mark(t, raw_start, end)
            if a.feedback:
                self.warn(block.where(a.offset)[0], "numerical answer feedback dropped", qid)
            if credit <= 0:
                self.warn(block.where(a.offset)[0], f"answer with weight {credit:.0%} dropped", qid)
                continue
            ranges.append((min(credit, 1.0), self._number_spec(block, raw_start, spec_end)))
        if not ranges:
            raise self.error(block, start, "no numerical answer with a positive weight")
        best = max(range(len(ranges)), key=lambda i: ranges[i][0])
        main_credit, main = ranges.pop(best)
        if main_credit != 1:
            self.warn(line, f"best answer's weight {main_credit:.0%} taken as 100%", qid)
        data: dict[str, Any] = {"type": "numeric", **main}
        if ranges:
            data["partial"] = [{**spec, "credit": credit} for credit, spec in ranges]
        return data

    def _number_spec(self, block: _Block, start: int, end: int) -> dict[str, Any]:
        raw = block.text[start:end]
        spec = unescape(raw).strip()
        lead = start + len(raw) - len(raw.lstrip())

        def number(s: str, offset: int) -> float:
            try:
                value = float(s.strip())
            except ValueError:
                raise self.error(block, offset, f"expected a number, found {s.strip()!r}") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise self.error(block, offset, f"expected a finite number, found {s.strip()!r}")
            return value

        if ".." in spec:
            lo, hi = spec.split("..", 1)
            return {"min": number(lo, lead), "max": number(hi, lead)}
        if ":" in spec:
            value, tol = spec.split(":", 1)
            return {"answer": number(value, lead), "tolerance": abs(number(tol, lead))}
        return {"answer": number(spec, lead)}


def _next_mark(text: str, start: int, end: int) -> int:
    i = start
    while i < end:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "=~":
            return i
        i += 1
    return end


def _split_unescaped(text: str, sep: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur = start
    while True:
        at = find_unescaped(text, sep, cur, end)
        if at < 0:
            spans.append((cur, end))
            return spans
        spans.append((cur, at))
        cur = at + len(sep)


def _category_tags(line: str) -> list[str]:
    path = line.split(":", 1)[1].strip()
    segments = [s.strip() for s in path.split("/") if s.strip()]
    segments = [s for s in segments if not (s.startswith("$") and s.endswith("$"))]
    if segments and segments[0].lower() == "top":
        segments = segments[1:]
    return [s[:60] for s in segments]


def parse_gift(
    text: str,
    *,
    path: str = "",
    bank_id: str = "imported",
    title: str = "",
    strict: bool = False,
) -> ImportResult:
    """Import GIFT text as Moodle reads it: every question that parses is imported and each
    one that does not is in `skipped` (line, column, reason). With `strict`, or when no
    question parses, InteropError: the first error, with the rest in its `others`."""
    parser = _GiftParser(path)
    parser.parse(text)
    return build_bank(
        parser.drafts,
        bank_id=bank_id,
        title=title or bank_id,
        path=path,
        warnings=parser.warnings,
        skipped=parser.errors,
        strict=strict,
    )


# ----------------------------------------------------------------------------- export


def _weight(value: float) -> str:
    return format_number(round(value * 100, 5))


def _text(text: str) -> str:
    """Escaped text for an answer, feedback or matching item.

    Moodle strips a leading format marker from each of them, so a text that really starts
    with one gets `[plain]` first to keep it.
    """
    return ("[plain]" if _FORMAT.match(text) else "") + escape(text)


def _choice_line(marker: str, text: str, feedback: str | None, weight: str | None = None) -> str:
    body = _text(text)
    if weight is not None:
        body = f"%{weight}%{body}"
    elif text.startswith("%"):
        # A text starting with "%" would read as a weight: state the weight explicitly.
        body = f"%{'100' if marker == '=' else '0'}%{body}"
    if feedback:
        body += "#" + _text(feedback)
    return f"\t{marker}{body}"


def _number(spec: models.Numeric | models.NumericRange) -> str:
    if spec.answer is None:
        assert spec.min is not None and spec.max is not None
        return f"{format_number(spec.min)}..{format_number(spec.max)}"
    out = format_number(spec.answer)
    if spec.tolerance:
        out += f":{format_number(spec.tolerance)}"
    return out


def export_gift(bank: models.Bank) -> ExportResult:
    """The bank as GIFT text; what GIFT cannot hold is skipped or reported."""
    out: list[str] = [f"// {bank.title} ({bank.id}), exported by quiz", ""]
    warnings: list[InteropWarning] = []
    category: list[str] | None = None
    exported = 0
    dropped_meta = 0
    for q in bank.questions:

        def warn(message: str, q: models.Question = q) -> None:
            warnings.append(InteropWarning(None, message, q.id))

        body = _question_body(q, warn)
        if body is None:
            continue
        before, answer_lines, after = body
        if q.tags != category:
            if any("/" in tag or "\n" in tag for tag in q.tags):
                warn("a tag containing '/' or a line break does not survive as a GIFT category")
            if any(tag.startswith("$") and tag.endswith("$") for tag in q.tags):
                warn("a tag like '$name$' reads as a Moodle context in GIFT and is lost")
            path = "/".join(["top", *(tag.replace("\n", " ") for tag in q.tags)])
            out += [f"$CATEGORY: {path}", ""]
            category = list(q.tags)
        if q.hint:
            warn("the hint is not part of GIFT: dropped")
        if q.difficulty != 3 or q.source_quote:
            dropped_meta += 1
        lines = [f"::{escape(q.id)}::{before}{{", *answer_lines]
        explanation = explanation_for_export(q)
        if explanation:  # no general feedback rather than an import's placeholder
            lines.append(f"\t####{_text(explanation)}")
        lines.append("}" + after)
        out += [*lines, ""]
        exported += 1
    if dropped_meta:
        warnings.append(
            InteropWarning(
                None, f"difficulty and source_quote are not part of GIFT: dropped ({dropped_meta})"
            )
        )
    return ExportResult("\n".join(out), warnings, exported)


def _question_body(q: models.Question, warn: Any) -> tuple[str, list[str], str] | None:
    prompt = escape(q.prompt)
    if q.prompt.lstrip().startswith("["):
        prompt = "[markdown]" + prompt
    if isinstance(q, models.MultipleChoice):
        lines = [
            _choice_line(
                "=" if c.correct else "~",
                c.text,
                c.feedback,
                _weight(c.credit) if c.credit else None,
            )
            for c in q.choices
        ]
        head, sep, tail = q.prompt.partition(GAP)
        if sep and tail.strip() and GAP not in tail:
            pre = ("[markdown]" if head.lstrip().startswith("[") else "") + escape(head)
            return pre, lines, escape(tail)
        return prompt, lines, ""
    if isinstance(q, models.MultipleSelect):
        n_right = sum(c.correct for c in q.choices)
        if n_right == 1:
            warn("a multiple_select with one right choice comes back as multiple_choice")
        right, wrong = _weight(1 / n_right), "-" + _weight(1 / n_right)
        lines = [
            _choice_line("~", c.text, c.feedback, right if c.correct else wrong) for c in q.choices
        ]
        return prompt, lines, ""
    if isinstance(q, models.TrueFalse):
        return prompt, ["\tTRUE" if q.answer else "\tFALSE"], ""
    if isinstance(q, models.ShortAnswer):
        if any("->" in a for a in q.accept):
            warn("skipped: an accepted answer contains '->', which GIFT reads as matching")
            return None
        if q.case_sensitive or q.exact:
            warn("case_sensitive/exact are not part of GIFT: dropped")
        if q.must or q.must_not:
            warn(KEY_TERMS_DROPPED)
        return prompt, [_choice_line("=", a, None) for a in q.accept], ""
    if isinstance(q, models.Numeric):
        if q.unit:
            warn(f"the unit {q.unit!r} is not part of GIFT: dropped")
        if not q.partial:
            return prompt, [f"\t#{_number(q)}"], ""
        lines = ["\t#", f"\t={_number(q)}"]
        lines += [f"\t=%{_weight(r.credit)}%{_number(r)}" for r in q.partial]
        return prompt, lines, ""
    if isinstance(q, models.Matching):
        if any("->" in p.left or "->" in p.right for p in q.pairs):
            warn("skipped: a matching item contains '->', which GIFT cannot escape")
            return None
        return prompt, [f"\t={_text(p.left)} -> {escape(p.right)}" for p in q.pairs], ""
    if isinstance(q, models.Cloze):
        gaps = models.cloze_gaps(q.text)
        if len(gaps) != 1:
            warn(f"skipped: a cloze with {len(gaps)} gaps has no GIFT form (one gap only)")
            return None
        if q.gap_terms:
            warn(KEY_TERMS_DROPPED)
        m = models.CLOZE_GAP.search(q.text)
        assert m is not None
        head, tail = q.text[: m.start()], q.text[m.end() :]
        if q.prompt.strip() != CLOZE_PROMPT:
            warn(f"the cloze prompt is not part of GIFT's missing word form: {q.prompt!r} dropped")
        if not tail.strip():
            warn("the gap ends the text: it comes back as a short_answer question")
        if q.case_sensitive or q.exact:
            warn("case_sensitive/exact are not part of GIFT: dropped")
        return escape(head), [_choice_line("=", a, None) for a in gaps[0]], escape(tail)
    if isinstance(q, models.Ordering | models.Flashcard):
        warn(f"skipped: {q.type} questions have no GIFT form")
        return None
    assert_never(q)
