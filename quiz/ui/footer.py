"""A Footer that rebuilds its keys once per change of what it shows, not once per signal.

Outside quiz.ui.widgets on purpose: importing that package loads the question widgets and
the grading models, which Home (first paint) must not wait for.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class QuizFooter(Footer):
    """Textual's Footer, minus its recompose storms.

    The stock Footer schedules a full recompose (removing and mounting every key) for each
    `refresh_bindings`, and moving to the next question sends several (focus moves, inputs
    lock, the feedback goes). Here the signals of one refresh collapse into one check, and
    the keys are rebuilt only if what the footer would show has changed.
    """

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._pending = False
        self._shown: Hashable | None = None

    def compose(self) -> ComposeResult:
        """Footer's keys, each born with the footer's `compact` (FooterKey's default is
        True, so the bound value would otherwise restyle every key twice as it mounts).

        The command palette key is not bound to `compact` in Footer: it keeps its own.
        """
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Coalesce: one check after the next refresh, however many signals arrive."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    def _signature(self) -> Hashable:
        """Everything `Footer.compose` reads, as a comparable value."""
        app = self.app
        keys = tuple(
            (
                binding.key,
                binding.action,
                binding.description,
                binding.group,
                app.get_key_display(binding),
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
        )
        return (keys, self.show_command_palette, app.ENABLE_COMMAND_PALETTE)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        signature = self._signature()
        if signature == self._shown:
            return
        self._shown = signature
        await self.recompose()
