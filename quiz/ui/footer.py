"""A Footer that rebuilds its keys once per change of what it shows, not once per signal.

Outside quiz.ui.widgets on purpose: importing that package loads the question widgets and
the grading models, which Home (first paint) must not wait for.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

#: Actions every footer keeps, at its right end, however narrow the terminal.
PINNED_ACTIONS = ("help", "quit_checked", "app.help", "app.quit_checked", "quit", "app.quit")

#: Textual's names of the keys that type a printable ASCII character ("at", "minus", ...).
_TYPING_KEYS = frozenset(_character_to_key(chr(code)) for code in range(32, 127))


def types_a_character(key: str) -> bool:
    """Whether `key` types a character into a text box ("u", "at", "question_mark",
    "space"), so that a text box takes it before any binding can."""
    if "+" in key:
        return False
    return (len(key) == 1 and key.isprintable()) or key in _TYPING_KEYS


def takes_text(widget: DOMNode | None) -> bool:
    """Whether the focused widget is a text box (printable keys are characters there)."""
    if isinstance(widget, Input):
        return True
    # TextArea is looked up, not imported: its module (and the document model it brings)
    # costs Home's first paint some milliseconds, and no TextArea exists until it is loaded.
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(widget, text_area.TextArea)


@dataclass(frozen=True)
class FooterEntry:
    """One key as the footer shows it (a group of digit keys shows as one "1-9")."""

    key: str
    display: str
    description: str
    action: str
    tooltip: str

    @property
    def width(self) -> int:
        """Cells taken: key with its padding, description with its padding."""
        return cell_len(self.display) + 2 + cell_len(self.description) + 1


def footer_entries(screen: Screen[object]) -> list[FooterEntry]:
    """The keys that work where the focus is on `screen`, most relevant first, Help and
    Quit last.

    Left out: keys hidden by their binding, keys whose action is not available now
    (`check_action` False or None), and, in a text box, keys that type a character.
    Several keys for one action show once; the focused widget's keys come before the
    screen's, the screen's before the app's.
    """
    app = screen.app
    typing = takes_text(screen.focused)
    ranked: list[tuple[int, int, FooterEntry, Binding.Group | None]] = []
    for n, (key, (node, binding, enabled, tooltip)) in enumerate(screen.active_bindings.items()):
        if not binding.show or not enabled:
            continue
        if typing and types_a_character(key) and not binding.priority:
            continue
        rank = 2 if node is app else 1 if node is screen else 0
        entry = FooterEntry(
            key=key,
            display=app.get_key_display(binding),
            description=binding.description,
            action=binding.action,
            tooltip=tooltip or binding.tooltip or binding.description,
        )
        ranked.append((rank, n, entry, binding.group))
    ranked.sort(key=lambda r: (r[0], r[1]))
    entries: list[FooterEntry] = []
    seen: set[str] = set()
    groups: dict[str, list[FooterEntry]] = {}
    for _, _, entry, group in ranked:
        if group is not None:
            members = groups.setdefault(group.description, [])
            members.append(entry)
            if len(members) > 1:
                continue
            entry = FooterEntry(
                key=entry.key,
                display=entry.display,
                description=group.description,
                action=entry.action,
                tooltip=entry.tooltip,
            )
        elif entry.action.removeprefix("app.") in seen:
            continue  # "q" on Home and the app's ctrl+c both quit: the screen's shows
        seen.add(entry.action.removeprefix("app."))
        entries.append(entry)
    # A group of keys shows as its first and last key: "1-4 Rate".
    for i, entry in enumerate(entries):
        members = groups.get(entry.description, [])
        if len(members) > 1:
            entries[i] = FooterEntry(
                key=entry.key,
                display=f"{members[0].display}-{members[-1].display}",
                description=entry.description,
                action=entry.action,
                tooltip=", ".join(f"{m.display} {m.description}" for m in members),
            )
    pinned = [e for e in entries if e.action in PINNED_ACTIONS]
    pinned.sort(key=lambda e: PINNED_ACTIONS.index(e.action.removeprefix("app.")))
    return [e for e in entries if e.action not in PINNED_ACTIONS] + pinned


def fit_entries(
    entries: list[FooterEntry], width: int, palette_width: int
) -> tuple[list[FooterEntry], bool]:
    """The entries that fit in `width` cells, and whether the palette key fits too.

    Help and Quit always stay; then the other keys in order of relevance; the command
    palette's key (also in Help) goes first when room runs out.
    """
    pinned = [e for e in entries if e.action in PINNED_ACTIONS]
    others = [e for e in entries if e.action not in PINNED_ACTIONS]
    used = sum(e.width for e in pinned)
    if used + sum(e.width for e in others) + palette_width <= width:
        return entries, True
    kept: list[FooterEntry] = []
    for entry in others:
        # A key too wide for what is left is skipped; a shorter one after it may fit.
        if used + entry.width <= width:
            kept.append(entry)
            used += entry.width
    return kept + pinned, False


class QuizFooter(Footer):
    """The keys that work where the focus is, the most relevant first, Help and Quit
    always; and rebuilt once per change of what it shows, not once per signal.

    The stock Footer shows disabled keys dimmed, keys a text box types as characters, and
    clips at the right edge (so Help and Quit are lost first on a narrow terminal). It
    also recomposes (removing and mounting every key) for each `refresh_bindings`, and
    moving to the next question sends several; here they collapse into one check.
    """

    #: Cells the command palette key takes (its key, label, padding and border).
    PALETTE_WIDTH = 14

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._pending = False
        self._shown: Hashable | None = None

    def _fitted(self) -> tuple[list[FooterEntry], bool]:
        width = self.size.width or self.app.size.width
        show_palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        entries = footer_entries(self.screen)
        return fit_entries(entries, width, self.PALETTE_WIDTH if show_palette else 0)

    def compose(self) -> ComposeResult:
        """One FooterKey per entry that fits, born with the footer's `compact`."""
        if not self._bindings_ready:
            return
        entries, palette = self._fitted()
        for entry in entries:
            yield self._key(entry)
        if palette and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, _tip = self.screen.active_bindings[
                    self.app.COMMAND_PALETTE_BINDING
                ]
            except KeyError:
                return
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Coalesce: one check after the next refresh, however many signals arrive."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    def on_resize(self) -> None:
        """A new width may fit more keys, or fewer."""
        if self.is_attached and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        entries, palette = self._fitted()
        signature = (tuple(entries), palette)
        if signature == self._shown:
            return
        previous, self._shown = self._shown, signature
        if previous is None or not self._update_in_place(entries, palette):
            await self.recompose()

    def _update_in_place(self, entries: list[FooterEntry], palette: bool) -> bool:
        """Give the keys on show their new entries, adding or removing keys at the end;
        False when the command palette's key comes or goes (then recompose).

        Answering a question changes the keys (Submit goes, Next comes): removing and
        mounting every key, each styled afresh, cost more than the rest of the answer.
        """
        keys = list(self.query_children(FooterKey))
        palette_keys = [key for key in keys if key.has_class("-command-palette")]
        keys = [key for key in keys if key not in palette_keys]
        if bool(palette_keys) != (
            palette and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        ):
            return False
        for key, entry in zip(keys, entries, strict=False):
            if (key.key, key.key_display, key.description, key.action) != (
                entry.key,
                entry.display,
                entry.description,
                entry.action,
            ):
                key.key = entry.key
                key.key_display = entry.display
                key.description = entry.description
                key.action = entry.action
                key.refresh(layout=True)
            if key.tooltip != entry.tooltip:
                key.tooltip = entry.tooltip
        for key in keys[len(entries) :]:
            key.remove()
        if len(entries) > len(keys):
            self.mount_all(
                [self._key(entry) for entry in entries[len(keys) :]],
                before=palette_keys[0] if palette_keys else None,
            )
        return True

    def _key(self, entry: FooterEntry) -> FooterKey:
        """A FooterKey for `entry`, born with the footer's `compact`."""
        key = FooterKey(
            entry.key, entry.display, entry.description, entry.action, tooltip=entry.tooltip
        )
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)
        return key
