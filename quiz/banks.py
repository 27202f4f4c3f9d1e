"""Find, load, validate and write question banks.

Loading never raises anything but `BankLoadError`, whose problems each name the file, the
line, the question id and the field, and say what was expected. Bad input is refused cheaply:
a size cap before reading, binary and non-UTF-8 bytes, YAML aliases (a bomb is cheap to load
but explosive to walk), and nesting deeper than any bank needs.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import difflib
import gc
import json
import os
import re
import reprlib
import sys
import threading
import tomllib
import weakref
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, NoReturn, TypeVar, overload

from pydantic import ValidationError

# Finding bank files needs no pydantic: it lives in quiz.bank_index, which Home uses first.
from quiz.bank_index import FORMATS as FORMATS
from quiz.bank_index import (
    QuestionIndex,
    question_index_path,
    read_question_index,
    write_question_index,
)
from quiz.bank_index import default_bank_paths as default_bank_paths
from quiz.bank_index import find_bank_files as find_bank_files
from quiz.files import write_text_atomic
from quiz.models import (
    ANKI_FIELD_PATTERN,
    ANKI_GUID_PATTERN,
    ANKI_TEMPLATE_PATTERN,
    BANK_ADAPTER,
    QUESTION_ADAPTER,
    QUESTION_MODELS,
    QUESTION_TYPES,
    AnkiNotetype,
    Bank,
    Caveat,
    Choice,
    Gap,
    GapTerms,
    NumericRange,
    Pair,
    Question,
    Source,
    StrictModel,
    field_keys,
    model_fields,
)

#: Largest bank file read, in bytes (YAML is parsed in pure Python, so its cap is lower).
MAX_BANK_BYTES = 64 * 1024 * 1024
MAX_YAML_BYTES = 4 * 1024 * 1024
#: Largest source article read, in bytes.
MAX_ARTICLE_BYTES = 8 * 1024 * 1024
#: Deepest nesting accepted; a valid bank needs 4 levels.
MAX_DEPTH = 64
#: Most YAML nodes accepted (caps the work of composing a pathological document).
MAX_YAML_NODES = 2_000_000


@dataclass(frozen=True)
class Problem:
    """One validation error or warning, located as precisely as the input allows."""

    path: str
    line: int | None
    question: str | None
    field: str | None
    message: str

    def format(self) -> str:
        """`path:line: question <id>: <field>: <message>`, leaving out unknown parts."""
        parts = [f"{self.path}:{self.line}" if self.line else self.path]
        if self.question:
            parts.append(f"question {self.question}")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used by `quiz validate --json`."""
        return {
            "path": self.path,
            "line": self.line,
            "question": self.question,
            "field": self.field,
            "message": self.message,
        }


class BankLoadError(Exception):
    """A bank file could not be loaded; `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


@dataclass
class LoadedBank:
    """A valid bank with where it came from, its warnings and its source article's text."""

    path: Path
    bank: Bank
    warnings: list[Problem] = field(default_factory=list)
    article: str | None = None
    #: (size, mtime_ns) of the file as it was read, for the catalog index.
    stamp: tuple[int, int] | None = None

    def section_of(self, quote: str | None) -> str | None:
        """The article heading a question's source quote falls under."""
        if not quote or not self.article:
            return None
        return article_section(self.article, quote)


class BankChangedError(BankLoadError):
    """A big bank's file no longer holds what was indexed: it must be read again."""


class LazyQuestions(Sequence[Question]):
    """A `LazyBank`'s questions: each built and validated when first indexed."""

    def __init__(self, bank: LazyBank) -> None:
        self._bank = bank

    def __len__(self) -> int:
        return len(self._bank.ids)

    @overload
    def __getitem__(self, i: int) -> Question: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Question]: ...
    def __getitem__(self, i: int | slice) -> Question | Sequence[Question]:
        if isinstance(i, slice):
            return self._bank.questions_at(range(*i.indices(len(self))))
        return self._bank.question_at(i)

    def __iter__(self) -> Iterator[Question]:
        # In one pass over the file (see `LazyBank.questions_at`).
        return iter(self._bank.questions_at(range(len(self))))


class LazyBank:
    """A big JSON bank found valid by a full load, listed from its question index.

    A question is read from its span of the file, checked against the CRC-32 recorded
    when the whole file was validated, and validated (pydantic) only when a session asks
    for it; then kept. The bank-wide rules (unique ids, quotes found in the article) held
    for this very file and article, or the index would not have been used. Bytes that
    differ from the indexed ones raise `BankChangedError` (the file changed behind its
    size and time stamp): the caller reads the banks again, and the full validator then
    says what, if anything, is wrong.
    """

    def __init__(self, path: Path, index: QuestionIndex) -> None:
        self.path = path
        self.index = index
        self.id = index.id
        self.title = index.title
        self.description = index.description
        self.tags = list(index.tags)
        self.source = None if index.source is None else Source(**index.source)
        self.ids = index.ids
        self._built: dict[int, Question] = {}
        # The file as indexed, held open: a bank saved anew (a new file renamed over it,
        # as editors and `quiz add --replace` do) leaves this one readable, so a session
        # started on it goes on with the questions it started with, as with a bank held
        # in memory. An edit in place is caught by the CRC-32s.
        self._file = path.open("rb")
        weakref.finalize(self, self._file.close)
        self._positions: dict[str, int] | None = None
        self._listed: list[tuple[str, list[str]]] | None = None
        self._lock = threading.Lock()

    def unchanged(self) -> bool:
        """Whether the file held open is the one indexed (same size and time)."""
        try:
            st = os.fstat(self._file.fileno())
        except (OSError, ValueError):
            return False
        return (st.st_size, st.st_mtime_ns) == (self.index.size, self.index.mtime_ns)

    @property
    def questions(self) -> LazyQuestions:
        """Every question, built on access (see `LazyQuestions`)."""
        return LazyQuestions(self)

    def question_tags(self) -> list[tuple[str, list[str]]]:
        """Each question's id and own tags, from the index (nothing is validated)."""
        if self._listed is None:
            self._listed = list(zip(self.ids, self.index.question_tags, strict=True))
        return self._listed

    def question(self, question_id: str) -> Question | None:
        """The question with this id (validated now if not yet), or None."""
        if self._positions is None:
            self._positions = {qid: i for i, qid in enumerate(self.ids)}
        i = self._positions.get(question_id)
        return None if i is None else self.question_at(i)

    def question_at(self, i: int) -> Question:
        """Question number `i` (0-based, file order), validated on first use."""
        return self.questions_at([i])[0]

    def questions_at(self, numbers: Sequence[int]) -> list[Question]:
        """Questions by number (0-based, file order), each validated on first use.

        A few are read from their spans; many (a quiz over the whole bank) from one read
        of the file, so that building them all costs what a full load does.
        """
        n = len(self.ids)
        wanted = [i + n if i < 0 else i for i in numbers]
        for i in wanted:
            if not 0 <= i < n:
                raise IndexError(f"question index {i} out of range")
        with self._lock:
            missing = [i for i in dict.fromkeys(wanted) if i not in self._built]
            if len(missing) >= FREEZE_AT_QUESTIONS:
                # Many objects, no cycles: as in `parse_bank_bytes`.
                with _gc_paused():
                    self._build(missing)
                    gc.freeze()
            elif missing:
                self._build(missing)
            return [self._built[i] for i in wanted]

    #: Above this many questions to build, the whole file is read once.
    READ_ALL_AT = 64

    def _build(self, numbers: list[int]) -> None:
        index = self.index
        spans = index.spans
        validate = QUESTION_ADAPTER.validator.validate_json
        f = self._file
        try:
            st = os.fstat(f.fileno())
            if len(numbers) >= self.READ_ALL_AT:
                f.seek(0)
                whole = f.read()
                chunks = [whole[spans[2 * i] : spans[2 * i + 1]] for i in numbers]
            else:
                chunks = []
                for i in numbers:
                    f.seek(spans[2 * i])
                    chunks.append(f.read(spans[2 * i + 1] - spans[2 * i]))
        except (OSError, ValueError) as exc:
            self._refuse(numbers[0], f"cannot read file: {getattr(exc, 'strerror', None) or exc}")
        if (st.st_size, st.st_mtime_ns) != (index.size, index.mtime_ns):
            self._refuse(numbers[0], "the file changed since it was loaded")
        for i, data in zip(numbers, chunks, strict=True):
            if zlib.crc32(data) != index.crcs[i]:
                self._refuse(i, "the file changed since it was loaded")
            try:
                question = validate(data)
            except ValidationError:
                # The same bytes passed the full validator: only a changed validator
                # (quiz changed without a version bump) gets here.
                self._refuse(i, "the question no longer validates")
            if question.id != self.ids[i]:
                self._refuse(i, "the file changed since it was loaded")
            self._built[i] = question

    def _refuse(self, i: int, problem: str) -> NoReturn:
        # Never use this index again (a change behind an unchanged stamp would keep it
        # looking current): the next load validates the whole file.
        with contextlib.suppress(OSError):
            question_index_path(self.path).unlink()
        raise BankChangedError([Problem(str(self.path), None, self.ids[i], None, problem)])


@dataclass
class LazyLoadedBank:
    """A big bank listed from its question index (see `LazyBank`), with its article."""

    path: Path
    bank: LazyBank
    article: str | None = None
    stamp: tuple[int, int] | None = None
    warnings: list[Problem] = field(default_factory=list)

    def section_of(self, quote: str | None) -> str | None:
        """The article heading a question's source quote falls under."""
        if not quote or not self.article:
            return None
        return article_section(self.article, quote)


#: A bank as the app holds it: validated in full, or (big JSON banks) question by question.
AnyLoaded = LoadedBank | LazyLoadedBank
_L = TypeVar("_L", LoadedBank, AnyLoaded)


@dataclass
class Catalog(Generic[_L]):
    """Every bank found: the valid ones, and the invalid ones with their problems."""

    banks: list[_L] = field(default_factory=list)
    invalid: list[tuple[Path, list[Problem]]] = field(default_factory=list)
    #: Big JSON banks just validated in full and not indexed yet (`index_banks`).
    unindexed: list[LoadedBank] = field(default_factory=list)

    def get(self, bank_id: str) -> _L | None:
        """The loaded bank with this id, or None."""
        for loaded in self.banks:
            if loaded.bank.id == bank_id:
                return loaded
        return None

    def tags(self) -> list[str]:
        """Every tag used by a bank or a question, sorted."""
        found: set[str] = set()
        for loaded in self.banks:
            found.update(loaded.bank.tags)
            for _qid, tags in loaded.bank.question_tags():
                found.update(tags)
        return sorted(found)


# --------------------------------------------------------------------------- finding


# --------------------------------------------------------------------------- loading


def load_bank(path: Path) -> LoadedBank:
    """Read, parse and validate one bank file; raises `BankLoadError` on any problem."""
    shown = str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise _error(
            shown,
            None,
            f"not a bank file: expected the extension .toml, .yaml, .yml or .json, "
            f"got {path.suffix or 'none'!r}",
        )
    try:
        st = path.stat()
        size = st.st_size
        if size > _size_cap(fmt):
            raise _error(
                shown,
                None,
                f"file is {size:,} bytes; the limit for {fmt.upper()} banks is "
                f"{_size_cap(fmt):,} bytes",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise _error(shown, None, f"cannot read file: {exc.strerror or exc}") from None
    loaded = parse_bank_bytes(data, fmt, shown, base_dir=path.parent)
    return dataclasses.replace(loaded, stamp=(st.st_size, st.st_mtime_ns))


def parse_bank_text(text: str, fmt: str, path: str, base_dir: Path | None = None) -> LoadedBank:
    """Parse and validate bank text of format `fmt` ("toml", "yaml" or "json")."""
    return parse_bank_bytes(text.encode("utf-8"), fmt, path, base_dir=base_dir)


def parse_bank_bytes(data: bytes, fmt: str, path: str, base_dir: Path | None = None) -> LoadedBank:
    """Parse and validate raw bank bytes; `base_dir` resolves the source article's path."""
    # A bank is hundreds of thousands of small objects and no reference cycles. Left to
    # itself, the cyclic collector would run dozens of passes over them while they are
    # built (a third of the load time), and then traverse them all again, more than once,
    # as they age (pauses of 60-140 ms each for 100,000 questions, in the load or in the
    # middle of a study session). So it is paused while they are built, and a large
    # bank's objects, which live as long as the bank is loaded, are then moved out of its
    # view (`gc.freeze`). Frozen objects are still freed by reference counting when the
    # bank is dropped. The cost: freezing is process-wide, so objects alive at that moment
    # that later die in reference cycles (in the app, a few thousand of Textual's cache
    # objects, once per large-bank load) are never collected. Young garbage is collected
    # first so that little else is caught.
    with _gc_paused():
        loaded = _parse_bank_bytes(data, fmt, path, base_dir)
        if len(loaded.bank.questions) >= FREEZE_AT_QUESTIONS:
            gc.freeze()
        return loaded


#: Banks at least this large have their objects frozen out of the cyclic collector's
#: view after loading (see `parse_bank_bytes`); below it, the collector's pass is cheap.
FREEZE_AT_QUESTIONS = 5_000

_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic collector; loads in several threads share one pause."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            if _gc_was_enabled:
                gc.collect(1)
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def _parse_bank_bytes(data: bytes, fmt: str, path: str, base_dir: Path | None) -> LoadedBank:
    if len(data) > _size_cap(fmt):
        raise _error(
            path, None, f"file is {len(data):,} bytes; the limit is {_size_cap(fmt):,} bytes"
        )
    _refuse_binary(data, path)
    source: str | bytes = data
    raw: Any = None
    try:
        if fmt == "json":
            # Fast path: pydantic parses (checking UTF-8) and validates in one pass, and the
            # text is only decoded if something needs locating. Only on failure is the
            # file read again with the json module, for precise positions and raw data.
            try:
                bank = BANK_ADAPTER.validate_json(data)
            except ValidationError:
                source = _decode(data, path)
                bank, raw = _validate_json(source, path)
        else:
            source = _decode(data, path)
            raw = _parse_toml(source, path) if fmt == "toml" else _parse_yaml(source, path)
            bank = _validate_data(raw, source, fmt, path)
    except RecursionError:
        # Parsers refuse deep nesting with a RecursionError; input just under their limit
        # parses, and may then hit it in our own error handling. Either way, one answer.
        line = _too_deep(source if isinstance(source, str) else _decode(data, path))
        raise _error(path, line, f"nesting deeper than {MAX_DEPTH} levels") from None
    loaded = LoadedBank(path=Path(path), bank=bank)
    locator = _Locator(source, fmt)
    if bank.source is not None:
        loaded.article = _check_sources(bank, raw, locator, path, base_dir)
    loaded.warnings = _warnings(bank, locator, path)
    return loaded


def _size_cap(fmt: str) -> int:
    return MAX_YAML_BYTES if fmt == "yaml" else MAX_BANK_BYTES


def _error(path: str, line: int | None, message: str, **kw: str | None) -> BankLoadError:
    return BankLoadError([Problem(path, line, kw.get("question"), kw.get("field"), message)])


def _refuse_binary(data: bytes, path: str) -> None:
    nul = data.find(b"\0")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise _error(path, line, "binary data (a NUL byte): a bank is a UTF-8 text file")


def _decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _error(
            path,
            line,
            f"byte 0x{data[exc.start]:02x} at column {col} is not UTF-8; save the file as UTF-8",
        ) from None
    if not text.strip():
        raise _error(
            path, 1, "file is empty: expected a bank with `schema`, `id`, `title` and `questions`"
        )
    return text


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse_toml(text: str, path: str) -> Any:
    # No nesting pre-scan: tomllib is pure Python, so deep input ends in a RecursionError
    # (reported by `_parse_bank_bytes`), and a scan can be fooled by multi-line strings.
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line = int(m.group(1)) if m else None
        detail = _TOML_POS.sub("", msg).strip()
        if m:
            detail += f" (column {m.group(2)})"
        raise _error(path, line, f"TOML syntax error: {detail}") from None


def _too_deep(text: str) -> int | None:
    """The line where bracket nesting first passes MAX_DEPTH, ignoring quoted text.

    Only used to say where, once a parser has refused input as too deep: it is a
    character-by-character scan, and TOML multi-line strings can mislead it.
    """
    depth = 0
    quote: str | None = None
    escaped = False
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
            # Single-line strings end at the line (the parser reports it); so do comments.
            quote = None
            escaped = False
            continue
        if quote == "#":
            continue  # a comment runs to the end of its line
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch == "#":
            quote = "#"
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
    return None


def _parse_yaml(text: str, path: str) -> Any:
    import yaml  # lazy: only YAML banks pay for it

    node = _compose_yaml(text, path)
    if node is None:
        raise _error(path, 1, "file is empty: expected a bank mapping")
    try:
        loader = yaml.SafeLoader("")
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _error(path, _yaml_line(exc), f"YAML error: {_yaml_message(exc)}") from None


_YAML12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


def _compose_yaml(text: str, path: str) -> Any:
    """Compose the YAML node tree, refusing aliases, deep nesting and huge documents."""
    import yaml

    class _Loader(yaml.SafeLoader):
        nodes = 0
        depth = 0
        # YAML 1.2 booleans: only true/false. YAML 1.1's yes/no/on/off stay text, which
        # the bank's boolean fields then refuse with a message that says what to write.
        yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _error(
                    path,
                    event.start_mark.line + 1,
                    "YAML anchors and aliases (&name, *name) are not allowed in banks",
                )
            self.nodes += 1
            if self.nodes > MAX_YAML_NODES:
                raise _error(path, event.start_mark.line + 1, "too many YAML nodes")
            if self.depth >= MAX_DEPTH:
                raise _error(
                    path, event.start_mark.line + 1, f"nesting deeper than {MAX_DEPTH} levels"
                )
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    _Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _YAML12_BOOL, list("tTfF"))
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise _error(
            path, line, f"character U+{exc.character:04X} is not allowed in YAML"
        ) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_yaml_keys(node, path)
        return node
    except yaml.YAMLError as exc:
        raise _error(path, _yaml_line(exc), f"YAML syntax error: {_yaml_message(exc)}") from None
    finally:
        loader.dispose()


def _check_yaml_keys(root: Any, path: str) -> None:
    """Refuse duplicate mapping keys, which PyYAML would silently overwrite."""
    import yaml

    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                k = str(key.value)
                if k in seen:
                    raise _error(path, key.start_mark.line + 1, f"duplicate key {k!r} in a mapping")
                seen.add(k)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _yaml_line(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def _yaml_message(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context", None)
    text = problem or str(exc)
    if context:
        text = f"{context}: {text}"
    if mark is not None:
        text += f" (column {mark.column + 1})"
    return text


def _validate_json(text: str, path: str) -> tuple[Bank, Any]:
    """The slow path for JSON that pydantic refused: parse, then validate, locating errors."""
    # No nesting pre-scan (it would cost a pass over a large file): the json module's C
    # parser refuses deep input itself, with a RecursionError (see `_parse_bank_bytes`).
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(
            path, exc.lineno, f"JSON syntax error: {exc.msg} (column {exc.colno})"
        ) from None
    return _validate_data(raw, text, "json", path), raw


def _validate_data(raw: Any, text: str, fmt: str, path: str) -> Bank:
    locator = _Locator(text, fmt)
    if not isinstance(raw, dict):
        raise _error(
            path,
            1,
            f"expected a bank (a table of `schema`, `id`, `title`, `questions`) at the top "
            f"level, got {_kind(raw)}",
        )
    pre = _precheck(raw, locator, path)
    try:
        bank = BANK_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        problems = _map_errors(exc, raw, locator, path)
        # The model repeats rules the pre-check already located precisely.
        if pre:
            problems = [p for p in problems if p.field is not None or p.question is not None]
        # In file order, as an author reads them (file-wide problems, without a line, first).
        found = [p for _, p in sorted(enumerate(_dedupe(pre + problems)), key=_file_order)]
        raise BankLoadError(found) from None
    if pre:
        raise BankLoadError(pre)
    return bank


def _file_order(numbered: tuple[int, Problem]) -> tuple[int, int, int]:
    """Sort key: by line; on one line, bank-level problems in the order the model lists
    their fields, then the questions' problems in the order they were found."""
    n, problem = numbered
    if problem.question is None:
        name = re.split(r"[.\[]", problem.field or "", maxsplit=1)[0]
        return (problem.line or 0, 0, _FIELD_RANK.get(name, len(_FIELD_RANK)))
    return (problem.line or 0, 1, n)


#: Bank fields in model order (by their key in the file), for `_file_order`.
_FIELD_RANK = {key: i for i, key in enumerate(field_keys(Bank))}


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _precheck(raw: dict[str, Any], locator: _Locator, path: str) -> list[Problem]:
    """Rules that span questions, checked on raw data so each error has its own line."""
    problems: list[Problem] = []
    schema = raw.get("schema")
    if "schema" in raw and schema != 1:
        problems.append(
            Problem(
                path,
                locator.line(("schema",)),
                None,
                "schema",
                f"unsupported schema version {schema!r}; this version of quiz reads schema 1",
            )
        )
    questions = raw.get("questions")
    if not isinstance(questions, list):
        return problems
    seen: dict[str, int] = {}
    guids: dict[str, int] = {}
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            continue
        qid = q.get("id")
        guid = q.get("anki_guid")
        if isinstance(guid, str) and guid.strip():
            if guid.strip() in guids:
                problems.append(
                    Problem(
                        path,
                        locator.line(("questions", i, "anki_guid")),
                        qid if isinstance(qid, str) else None,
                        "anki_guid",
                        f"duplicate anki_guid; first used by question {guids[guid.strip()] + 1} "
                        "(one Anki note is one question)",
                    )
                )
            else:
                guids[guid.strip()] = i
        if isinstance(qid, str):
            if qid in seen:
                problems.append(
                    Problem(
                        path,
                        locator.line(("questions", i, "id")),
                        qid,
                        "id",
                        f"duplicate question id; first used by question {seen[qid] + 1}",
                    )
                )
            else:
                seen[qid] = i
        if raw.get("source") is not None and not q.get("source_quote"):
            problems.append(
                Problem(
                    path,
                    locator.line(("questions", i)),
                    qid if isinstance(qid, str) else None,
                    "source_quote",
                    "required because the bank has a `source`: quote the article verbatim",
                )
            )
    return problems


# --------------------------------------------------------------------------- error text


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {
        dict: "a table",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
    }
    return names.get(type(value), type(value).__name__)


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = 200


def _short(value: Any) -> str:
    # reprlib: a value nested hundreds deep is shown to 3 levels, not recursed through.
    text = _SHORT_REPR.repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _known_fields(raw: dict[str, Any], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at the place `loc` points into (for did-you-mean)."""
    if not loc:
        return field_keys(Bank)
    if loc[0] == "source":
        return list(model_fields(Source))
    if loc[0] == "questions" and len(loc) >= 2:
        q = _get(raw, loc[:2])
        model = QUESTION_MODELS.get(str(q.get("type"))) if isinstance(q, dict) else None
        rest = [x for x in loc[2:] if not isinstance(x, int) and x not in QUESTION_MODELS]
        if model is None:
            return sorted({f for m in QUESTION_MODELS.values() for f in model_fields(m)})
        if rest and rest[0] == "choices":
            return list(model_fields(Choice))
        if rest and rest[0] == "pairs":
            return list(model_fields(Pair))
        if rest and rest[0] == "partial":
            return list(model_fields(NumericRange))
        nested: dict[str, type[StrictModel]] = {
            "anki_notetype": AnkiNotetype,
            "caveat": Caveat,
            "gaps": Gap,
            "gap_terms": GapTerms,
        }
        if rest and rest[0] in nested:
            return list(model_fields(nested[rest[0]]))
        return list(model_fields(model))
    return []


def _get(raw: Any, loc: Sequence[Any]) -> Any:
    cur = raw
    for key in loc:
        try:
            cur = cur[key]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


#: What YAML 1.1 (and people) mean by these words; banks follow JSON and YAML 1.2, where
#: only true and false are booleans.
_BOOLEAN_WORDS = {
    **dict.fromkeys(("yes", "y", "on", "true", "1"), "true"),
    **dict.fromkeys(("no", "n", "off", "false", "0"), "false"),
}


def _type_message(kind: str, value: Any) -> str:
    """A wrong scalar type, and what to write instead."""
    got = f"{_kind(value)} {_short(value)}"
    if kind == "bool_type":
        meant = (
            _BOOLEAN_WORDS.get(str(value).strip().lower()) if not isinstance(value, float) else None
        )
        if meant is not None:
            return f"expected a boolean (true or false), got {got}: write {meant} (without quotes)"
        return f"expected a boolean (true or false, without quotes), got {got}"
    what = "a number" if kind == "float_type" else "a whole number"
    if isinstance(value, str):
        try:
            number = float(value.strip().replace("_", ""))
        except ValueError:
            number = None
        if number is not None and (kind == "float_type" or number.is_integer()):
            return f"expected {what}, got {got}: write {value.strip()} (without quotes)"
    return f"expected {what}, got {got}"


def _message(err: Any, raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    value = err.get("input")
    # Bank models are pydantic dataclasses: an unknown field is an unexpected argument.
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        name = str(loc[-1]) if loc else "?"
        known = _known_fields(raw, loc[:-1])
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown field {name!r}{hint}; allowed here: {', '.join(sorted(known))}"
    if kind == "union_tag_invalid":
        got = str(err.get("ctx", {}).get("tag", value))
        close = difflib.get_close_matches(got, QUESTION_TYPES, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown question type {got!r}{hint}; expected one of: {', '.join(QUESTION_TYPES)}"
    if kind == "union_tag_not_found":
        return f"missing `type`; expected one of: {', '.join(QUESTION_TYPES)}"
    if kind in ("missing", "missing_keyword_only_argument", "missing_argument"):
        return "required field is missing"
    if kind == "literal_error" and loc == ("schema",):
        return f"unsupported schema version {_short(value)}; this version of quiz reads schema 1"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern")
        if pattern == ANKI_GUID_PATTERN:
            return f"{_short(value)} is not an Anki guid: it must hold no control character"
        if pattern == ANKI_FIELD_PATTERN:
            return (
                f"{_short(value)} is not an Anki field name: no control character, "
                'no : { } or ", and not starting with # / or ^'
            )
        if pattern == ANKI_TEMPLATE_PATTERN:
            return f'{_short(value)} is not an Anki template name: no control character or "'
        return (
            f"{_short(value)} is not a valid id: use lowercase letters and digits, "
            "joined by single - or _ (like 'hsct-steps')"
        )
    if kind in ("string_too_short", "too_short") and isinstance(value, str | list):
        if isinstance(value, str):
            return "must not be empty or blank"
        need = err.get("ctx", {}).get("min_length")
        return f"needs at least {need} item(s), got {len(value)}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind in ("model_type", "dict_type", "dataclass_type", "dataclass_args_type"):
        return f"expected a table, got {_kind(value)}"
    if kind in ("bool_type", "float_type", "int_type"):
        return _type_message(kind, value)
    msg = str(err["msg"])
    msg = msg[0].lower() + msg[1:] if msg else msg
    msg = msg.replace("input should be", "expected")
    return f"{msg}, got {_kind(value)} {_short(value)}"


def _map_errors(
    exc: ValidationError, raw: dict[str, Any], locator: _Locator, path: str
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        full = tuple(err["loc"])
        # Drop the discriminator tag pydantic inserts after a question index.
        loc = tuple(
            x
            for i, x in enumerate(full)
            if not (i == 2 and full[0] == "questions" and x in QUESTION_MODELS)
        )
        question: str | None = None
        field_parts: tuple[Any, ...] = loc
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            q = _get(raw, loc[:2])
            qid = q.get("id") if isinstance(q, dict) else None
            question = qid if isinstance(qid, str) and qid else f"#{loc[1] + 1}"
            field_parts = loc[2:]
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            field_parts = ("type",)
            loc = (*loc, "type")
        elif err["type"] == "value_error" and not field_parts and question:
            # Model-level rules of a question (numeric answer/range) concern its answer.
            field_parts = ("answer",)
        problems.append(
            Problem(
                path=path,
                line=locator.line(loc),
                question=question,
                field=_dotted(field_parts) or None,
                message=_message(err, raw, loc),
            )
        )
    return problems


def _dotted(parts: Sequence[Any]) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


# --------------------------------------------------------------------------- locating


class _Locator:
    """Finds the line where a path (like questions[3].choices[1]) starts in the source text.

    Built lazily, only when there is something to report: it costs a scan of the text.
    """

    def __init__(self, source: str | bytes, fmt: str) -> None:
        self._source = source
        self.fmt = fmt
        self._index: dict[tuple[Any, ...], int] | None = None
        self._json: _JsonLines | None = None

    @property
    def text(self) -> str:
        """The source text (decoded on first use when the file was read as bytes)."""
        if isinstance(self._source, bytes):
            self._source = self._source.decode("utf-8-sig")
        return self._source

    def line(self, loc: Sequence[Any]) -> int | None:
        if self.fmt == "json":
            if self._json is None:
                self._json = _JsonLines(self.text)
            try:
                return self._json.line(loc)
            except Exception:  # a best-effort aid: never let it hide the real error
                return 1
        if self._index is None:
            try:
                self._index = self._build()
            except Exception:  # a best-effort aid: never let it hide the real error
                self._index = {}
        loc = tuple(loc)
        while loc:
            if loc in self._index:
                return self._index[loc]
            loc = loc[:-1]
        return 1

    def _build(self) -> dict[tuple[Any, ...], int]:
        return _toml_lines(self.text) if self.fmt == "toml" else _yaml_lines(self.text)


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def _toml_lines(text: str) -> dict[tuple[Any, ...], int]:
    index: dict[tuple[Any, ...], int] = {}
    counters: dict[tuple[Any, ...], int] = {}
    table: tuple[Any, ...] = ()
    in_multiline: str | None = None
    inline_key: tuple[Any, ...] | None = None
    inline_count = 0
    for n, line in enumerate(text.splitlines(), 1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if inline_key is not None:
            stripped = line.strip()
            if stripped.startswith(("{", '"', "'")):
                index.setdefault((*inline_key, inline_count), n)
                inline_count += 1
            if stripped.startswith("]"):
                inline_key = None
            continue
        header = _TOML_HEADER.match(line)
        if header:
            names = [x.strip().strip('"') for x in header.group(2).split(".")]
            table = ()
            for i, name in enumerate(names):
                base = (*table, name)
                if header.group(1) == "[[" and i == len(names) - 1:
                    index.setdefault(base, n)
                    k = counters.get(base, 0)
                    counters[base] = k + 1
                    table = (*base, k)
                elif base in counters:  # a parent array of tables: its latest element
                    table = (*base, counters[base] - 1)
                else:
                    table = base
            index.setdefault(table, n)
            if table[:1] == ("questions",):
                index.setdefault(("questions",), n)
            continue
        m = _TOML_KEY.match(line)
        if m:
            key = (*table, m.group(1).strip('"'))
            index.setdefault(key, n)
            rest = line[m.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
            if rest.strip().startswith("[") and rest.count("[") > rest.count("]"):
                inline_key, inline_count = key, 0
            elif rest.strip().startswith("["):
                # One-line array: each element is on this line.
                for i in range(rest.count(",") + 1):
                    index.setdefault((*key, i), n)
    return index


def _yaml_lines(text: str) -> dict[tuple[Any, ...], int]:
    import yaml

    node = yaml.compose(text, Loader=yaml.SafeLoader)
    index: dict[tuple[Any, ...], int] = {}
    stack: list[tuple[tuple[Any, ...], Any]] = [((), node)]
    while stack:
        loc, cur = stack.pop()
        if len(loc) > 6:
            continue
        if isinstance(cur, yaml.MappingNode):
            for key, value in cur.value:
                sub = (*loc, str(key.value))
                index.setdefault(sub, key.start_mark.line + 1)
                stack.append((sub, value))
        elif isinstance(cur, yaml.SequenceNode):
            for i, value in enumerate(cur.value):
                sub = (*loc, i)
                index.setdefault(sub, value.start_mark.line + 1)
                stack.append((sub, value))
    return index


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonLines:
    """Lines of paths in a JSON text, found by walking only the containers on the way.

    The children of a container are listed once, stepping over each value with the C
    decoder, so locating a problem in a 100,000-question file costs a couple of C-speed
    passes rather than a Python loop over every character.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._decode = json.JSONDecoder().raw_decode
        # Container start -> {key or index: (where its line is read, where its value starts)}.
        self._children: dict[int, dict[Any, tuple[int, int]]] = {}
        self._known_lines: list[tuple[int, int]] = [(0, 1)]  # (offset, line), sorted

    def line(self, loc: Sequence[Any]) -> int:
        """The line of the deepest part of `loc` found (a key's line, or a value's start)."""
        pos = found = self._skip_space(0)
        for part in loc:
            children = self._children.get(pos)
            if children is None:
                children = self._children[pos] = self._list_children(pos)
            hit = children.get(part)
            if hit is None:
                break
            found, pos = hit
        return self._line_at(found)

    def _skip_space(self, pos: int) -> int:
        match = _JSON_SPACE.match(self.text, pos)
        return match.end() if match else pos

    def _list_children(self, pos: int) -> dict[Any, tuple[int, int]]:
        text = self.text
        out: dict[Any, tuple[int, int]] = {}
        opener = text[pos : pos + 1]
        if opener not in ("{", "["):
            return {}
        closer = "}" if opener == "{" else "]"
        i = self._skip_space(pos + 1)
        n = 0
        while i < len(text) and text[i] != closer:
            if opener == "{":
                key_at = i
                key, i = self._decode(text, i)
                i = self._skip_space(self._skip_space(i) + 1)  # past the colon
                out[key] = (key_at, i)  # a repeated key: the last counts, as in json.loads
            else:
                out[n] = (i, i)
                n += 1
            _, i = self._decode(text, i)  # step over the value
            i = self._skip_space(i)
            if text[i : i + 1] == ",":
                i = self._skip_space(i + 1)
        return out

    def _line_at(self, offset: int) -> int:
        # Count newlines from the nearest offset already known, so many lookups in a
        # large file do not each count from the top.
        known = self._known_lines
        k = bisect.bisect_right(known, (offset, sys.maxsize)) - 1
        start, line = known[k]
        line += self.text.count("\n", start, offset)
        known.insert(k + 1, (offset, line))
        return line


# --------------------------------------------------------------------------- sources


def normalize_ws(text: str) -> str:
    """Collapse every run of whitespace to one space (how quotes are compared)."""
    return " ".join(text.split())


def _check_sources(
    bank: Bank, raw: Any, locator: _Locator, path: str, base_dir: Path | None
) -> str | None:
    """Load the article and check that every source_quote appears in it verbatim."""
    assert bank.source is not None
    if base_dir is None:
        return None
    article_path = base_dir / bank.source.path
    line = locator.line(("source", "path"))
    try:
        size = article_path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise _error(
                path,
                line,
                f"the article is {size:,} bytes; the limit is {MAX_ARTICLE_BYTES:,}",
                field="source.path",
            )
        article = article_path.read_text(encoding="utf-8-sig")
    except OSError:
        raise _error(
            path,
            line,
            f"article file not found: {article_path} (the path is relative to the bank file)",
            field="source.path",
        ) from None
    except UnicodeDecodeError:
        raise _error(
            path, line, f"article {article_path} is not UTF-8 text", field="source.path"
        ) from None
    haystack = normalize_ws(article)
    problems = []
    for i, q in enumerate(bank.questions):
        if q.source_quote and normalize_ws(q.source_quote) not in haystack:
            problems.append(
                Problem(
                    path,
                    locator.line(("questions", i, "source_quote")),
                    q.id,
                    "source_quote",
                    f"not found verbatim in {bank.source.path}{_closest(haystack, q.source_quote)}",
                )
            )
    if problems:
        raise BankLoadError(problems)
    return article


def _closest(haystack: str, quote: str) -> str:
    from rapidfuzz import fuzz

    needle = normalize_ws(quote)
    found = fuzz.partial_ratio_alignment(needle, haystack)
    if found is None or found.score < 60:
        return ""
    passage = haystack[found.dest_start : found.dest_end]
    return f"; closest passage ({found.score:.0f}% alike): {passage[:160]!r}"


def article_section(article: str, quote: str) -> str | None:
    """The heading of the article section a quote falls under ("Introduction" before any)."""
    haystack = normalize_ws(article)
    pos = haystack.find(normalize_ws(quote))
    if pos < 0:
        return None
    section = "Introduction"
    for heading, start in article_headings(article):
        if start > pos:
            break
        section = heading
    return section


def article_headings(article: str) -> Iterator[tuple[str, int]]:
    """Headings of a plain-text or Markdown article, with their normalized offsets.

    A heading is a Markdown `#` line, or (plain text) a short line after the title that
    ends without sentence punctuation.
    """
    lines = [normalize_ws(x) for x in article.splitlines()]
    offset = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        is_heading = line.startswith("#") or (
            i > 0 and len(line) < 120 and not line.endswith((".", ":", "?", "!", ";", ","))
        )
        if is_heading:
            yield line.lstrip("#").strip(), offset
        offset += len(line) + 1


# --------------------------------------------------------------------------- warnings


#: Types whose prompt is often a shared instruction ("Fill in the blanks."): no warning.
_SHARED_PROMPT_TYPES = frozenset({"cloze", "ordering"})


def _warnings(bank: Bank, locator: _Locator, path: str) -> list[Problem]:
    # Cheap whole-bank passes first (this runs on every load, large banks included);
    # the per-question loops below only run when a pass found something.
    questions = bank.questions
    warnings = []
    prompts = [q.prompt for q in questions]  # models strip text already
    # One casefold of the joined prompts is far cheaper than one per prompt.
    keys = "\x1f".join(prompts).casefold().split("\x1f")
    if len(keys) != len(prompts):  # a prompt held the separator
        keys = [p.casefold() for p in prompts]
    if len(set(keys)) != len(keys):
        first: dict[str, str] = {}
        for i, (q, key) in enumerate(zip(questions, keys, strict=True)):
            if q.type in _SHARED_PROMPT_TYPES:
                continue
            if key in first:
                warnings.append(
                    Problem(
                        path,
                        locator.line(("questions", i, "prompt")),
                        q.id,
                        "prompt",
                        f"same prompt as question {first[key]}",
                    )
                )
            else:
                first[key] = q.id
    for i in [
        i
        for i, q in enumerate(questions)
        if q.source_quote is not None and len(q.source_quote.split(maxsplit=2)) < 3
    ]:
        warnings.append(
            Problem(
                path,
                locator.line(("questions", i, "source_quote")),
                questions[i].id,
                "source_quote",
                "very short quote: quote enough of the article to show why",
            )
        )
    for i in [
        i
        for i, q in enumerate(questions)
        if q.caveat is not None and not _looks_like_reference(q.caveat.reference)
    ]:
        warnings.append(
            Problem(
                path,
                locator.line(("questions", i, "caveat", "reference")),
                questions[i].id,
                "caveat.reference",
                "name something a reader can look up: who and what (a trial, guideline or "
                "society statement) and its year",
            )
        )
    return warnings


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def _looks_like_reference(reference: str) -> bool:
    # "see the literature" names nothing; a findable reference has a few words and a year.
    return len(reference.split(maxsplit=2)) >= 3 and _YEAR.search(reference) is not None


# --------------------------------------------------------------------------- catalog


def bank_folder_stamp(paths: Iterable[Path] | None = None) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime_ns) of every bank file under `paths` (default: shipped + user).

    Two stamps differ when a bank file appeared, changed or disappeared: the app compares
    them every few seconds to reload the banks while it runs.
    """
    out: list[tuple[str, int, int]] = []
    for p in find_bank_files(default_bank_paths() if paths is None else paths):
        try:
            st = p.stat()
        except OSError:
            continue  # removed between listing and stat: the next poll sees it gone
        out.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(out)


def load_catalog(paths: Iterable[Path] | None = None) -> Catalog[LoadedBank]:
    """Load every bank under `paths` (default: shipped + user). Never raises for bad files.

    A bank whose id is already taken by an earlier bank is listed as invalid.
    """
    catalog: Catalog[LoadedBank] = Catalog()
    _fill(catalog, paths, lambda path: load_bank(path))
    return catalog


#: JSON banks with at least this many questions are indexed question by question after a
#: full load, and from then on (while the file is unchanged) studied lazily (`LazyBank`).
LAZY_AT_QUESTIONS = 2_000


def load_app_catalog(
    paths: Iterable[Path] | None = None, *, index: bool = True
) -> Catalog[AnyLoaded]:
    """`load_catalog` for studying: a big JSON bank whose question index is up to date is
    listed from it and validated question by question (`LazyBank`); any other file is
    loaded and validated in full, and a big JSON bank found valid is indexed for the next
    time (now, or with `index=False` when the caller runs `index_banks` on the catalog,
    as the app does once the banks are on screen). `quiz validate` and the other
    commands use `load_catalog` (always in full)."""
    catalog: Catalog[AnyLoaded] = Catalog()
    _fill(catalog, paths, lambda path: _load_for_study(path, catalog.unindexed))
    if index:
        index_banks(catalog)
    return catalog


def index_banks(catalog: Catalog[Any]) -> None:
    """Write the question index of the big banks the catalog validated in full (about
    half a full load's time for 100,000 questions; best effort)."""
    while catalog.unindexed:
        loaded = catalog.unindexed.pop()
        _index_questions(loaded.path, loaded)


def _load_for_study(path: Path, unindexed: list[LoadedBank]) -> AnyLoaded:
    if path.suffix.lower() != ".json":
        return load_bank(path)
    # Tens of thousands of small objects, no cycles: as in `parse_bank_bytes`, keep the
    # cyclic collector from walking them while they are built, and after.
    with _gc_paused():
        index = read_question_index(path)
        if index is not None and len(index.ids) >= FREEZE_AT_QUESTIONS:
            gc.freeze()
    if index is not None:
        try:
            lazy = LazyBank(path, index)
        except OSError:
            return load_bank(path)  # says why it cannot be read
        if not lazy.unchanged():
            return _load_in_full(path, unindexed)  # changed since its stamp was read
        article = None
        if lazy.source is not None and index.article is not None:
            try:
                article = Path(index.article[0]).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                index = None  # gone since the stamp was read: validate in full
        if index is not None:
            stamp = (index.size, index.mtime_ns)
            return LazyLoadedBank(path=path, bank=lazy, article=article, stamp=stamp)
    return _load_in_full(path, unindexed)


def _load_in_full(path: Path, unindexed: list[LoadedBank]) -> LoadedBank:
    loaded = load_bank(path)
    if len(loaded.bank.questions) >= LAZY_AT_QUESTIONS and loaded.stamp is not None:
        unindexed.append(loaded)
    return loaded


def _index_questions(path: Path, loaded: LoadedBank) -> None:
    """Record a big JSON bank just found valid, for lazy loads while it is unchanged."""
    try:
        with path.open("rb") as f:
            st = os.fstat(f.fileno())
            data = f.read()
    except OSError:
        return
    if (st.st_size, st.st_mtime_ns) != loaded.stamp:
        return  # changed since it was validated: index it at the next full load
    source = loaded.bank.source
    write_question_index(
        path,
        loaded.stamp,
        loaded.bank,
        None if source is None else {"title": source.title, "path": source.path},
        data,
    )


def _fill(catalog: Catalog[Any], paths: Iterable[Path] | None, load: Any) -> None:
    owners: dict[str, Path] = {}
    for path in find_bank_files(default_bank_paths() if paths is None else paths):
        try:
            loaded = load(path)
        except BankLoadError as exc:
            catalog.invalid.append((path, exc.problems))
            continue
        bid = loaded.bank.id
        if bid in owners:
            catalog.invalid.append(
                (
                    path,
                    [
                        Problem(
                            str(path),
                            _line_of(path, ("id",)),
                            None,
                            "id",
                            f"bank id {bid!r} is already used by {owners[bid]}",
                        )
                    ],
                )
            )
            continue
        owners[bid] = path
        catalog.banks.append(loaded)


def loaded_line(loaded: LoadedBank, loc: Sequence[Any]) -> int | None:
    """The line of `loc` in a loaded bank's file (re-read; for messages only)."""
    return _line_of(loaded.path, loc)


def _line_of(path: Path, loc: Sequence[Any]) -> int | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    fmt = FORMATS.get(path.suffix.lower(), "toml")
    return _Locator(text, fmt).line(loc)


# --------------------------------------------------------------------------- writing


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    first = ("schema", "id", "type", "title", "prompt")
    # Where the question came from (its Anki note) reads best after what it asks.
    last = ("anki_guid", "anki_notetype", "anki_fields")
    out = {k: data[k] for k in first if k in data}
    out.update((k, v) for k, v in data.items() if k not in out and k not in last)
    out.update((k, data[k]) for k in last if k in data)
    return out


def bank_data(bank: Bank) -> dict[str, Any]:
    """The bank as plain data, in the order authors write it, defaults left out."""
    data = _ordered(bank.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True))
    data["schema"] = 1
    data = _ordered(data)
    data["questions"] = [_ordered(q) for q in data["questions"]]
    # `correct = false` is the default but reads better than a missing flag.
    for q in data["questions"]:
        for choice in q.get("choices", []):
            choice.setdefault("correct", False)
    return data


def dump_bank(bank: Bank, fmt: str) -> str:
    """The bank as TOML, YAML or JSON text."""
    data = bank_data(bank)
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(data, multiline_strings=False)
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown bank format {fmt!r}; expected toml, yaml or json")


def format_for(path: Path) -> str:
    """The bank format a file name implies; ValueError for other extensions."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{path}: a bank file ends in .toml, .yaml, .yml or .json, not {path.suffix!r}"
        )
    return fmt


def write_bank(bank: Bank, path: Path) -> None:
    """Write a bank atomically, in the format its extension names."""
    write_text_atomic(path, dump_bank(bank, format_for(path)))


# --------------------------------------------------------------------------- replacing a bank

#: What a question shows or says around its answer: changing these keeps its history.
#: Everything else (the type, choices and which are correct, answers, ranges, options of
#: checking) is its answer key.
PRESENTATION_FIELDS = frozenset(
    {
        "prompt",
        "explanation",
        "hint",
        "tags",
        "difficulty",
        "source_quote",
        "shuffle",
        # Where the question goes in Anki: the guid of its note, the card of each gap.
        "anki_guid",
        "anki_notetype",
        "anki_fields",
        "gaps",
    }
)


def answer_key(question: Question) -> Any:
    """The parts of a question that decide which answers are right (for `quiz add --replace`)."""
    data = question.model_dump(mode="json")
    for name in PRESENTATION_FIELDS:
        data.pop(name, None)
    if isinstance(data.get("choices"), list):
        # A choice's feedback is said after answering; its text and `correct` are the key.
        data["choices"] = [{k: v for k, v in c.items() if k != "feedback"} for c in data["choices"]]
    return data


@dataclass(frozen=True)
class BankChanges:
    """How a new version of a bank differs from the loaded one, question by question."""

    added: list[str]
    removed: list[str]
    #: Changed, with the same answer key: the learner's history still applies.
    reworded: list[str]
    #: Changed answer key: the old history is about a different question.
    rekeyed: list[str]
    unchanged: list[str]

    @property
    def changed(self) -> list[str]:
        """Every changed question id, reworded or rekeyed, in the new bank's order."""
        return self.reworded + self.rekeyed


def compare_banks(old: Bank, new: Bank) -> BankChanges:
    """Question ids added, removed, changed (reworded or with a new answer key), unchanged."""
    before = {q.id: q for q in old.questions}
    after_ids = {q.id for q in new.questions}
    added, reworded, rekeyed, unchanged = [], [], [], []
    for q in new.questions:
        was = before.get(q.id)
        if was is None:
            added.append(q.id)
        elif was.model_dump(mode="json") == q.model_dump(mode="json"):
            unchanged.append(q.id)
        elif answer_key(was) == answer_key(q):
            reworded.append(q.id)
        else:
            rekeyed.append(q.id)
    removed = [q.id for q in old.questions if q.id not in after_ids]
    return BankChanges(added, removed, reworded, rekeyed, unchanged)
