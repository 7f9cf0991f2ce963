"""What every screen's view-model shares: one ``state`` map for QML, the language, the I/O.

A view-model keeps raw facts (a ``Welcome``, an offer, a dashboard) and ``render()``s them
into display-ready strings for the current language; switching language renders again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal

from access import texts
from access.texts import Language
from kiosk import strings
from kiosk.background import Background

if TYPE_CHECKING:  # the home screen draws before these are imported (kiosk.screens)
    from access.payments.provider import PaymentProvider
    from access.services.context import Site
    from kiosk.bus import KioskBus


@dataclass
class KioskContext:
    site: Site
    bus: KioskBus | None
    background: Background
    provider: PaymentProvider | None
    language: Callable[[], Language]
    go: Callable[[str], None]


class ViewModel(QObject):
    changed = Signal()

    def __init__(self, ctx: KioskContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._state: dict[str, Any] = {}

    def _get_state(self) -> dict[str, Any]:
        return self._state

    state = Property("QVariantMap", _get_state, notify=changed)  # type: ignore[arg-type]

    def current(self) -> dict[str, Any]:
        """The state map, for Python callers (``state`` is typed for QML's binding)."""
        return self._state

    def t(self, key: str, **fields: object) -> str:
        return strings.text(key, self.ctx.language(), **fields)

    def plural(self, key: str, count: int, **fields: object) -> str:
        """The form of ``key`` for ``count`` (Babel's plural rules), in the current language."""
        return strings.plural(key, self.ctx.language(), count, **fields)

    def money(self, cents: int) -> str:
        return texts.money(cents, self.ctx.site.currency, self.ctx.language())

    def publish(self, **values: Any) -> None:
        self._state = {**self._state, **values}
        self.changed.emit()

    def render(self) -> None:
        """Rebuild ``state`` from the facts held (after a language switch)."""

    def reset(self) -> None:
        """Forget the person in front of the screen (idle return, back home)."""
