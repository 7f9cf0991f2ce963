"""Commands a node takes from the broker (``cmd/<node>/...``): decoded, and dropped when stale."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from access.bus.schemas import (
    Command,
    PayloadError,
    ServiceCommand,
    StopSessionCommand,
    UnlockCommand,
    decode,
)

log = logging.getLogger(__name__)

COMMANDS: dict[str, type[Command]] = {"unlock": UnlockCommand, "service": ServiceCommand,
                                      "stop-session": StopSessionCommand}


def read_command(action: str, raw: bytes, now: datetime | None = None) -> Command | None:
    """The command, or None (logged) if it is unknown, malformed, too old or from the future.

    Its age is measured on the system clock (``now``), the one the kiosk's and the CLI's
    clocks follow (NTP), not on the clock the node decides by (which a test may fix).
    """
    now = now or datetime.now(UTC)
    model = COMMANDS.get(action)
    if model is None:
        log.warning("ignored an unknown command %r", action)
        return None
    try:
        command = decode(model, raw)
    except PayloadError as error:
        log.warning("ignored a %s command: %s", action, error)
        return None
    if command.expired(now):
        log.warning("dropped the %s command from %s issued at %s: too old or from the future "
                    "(valid %g s; this node's clock says %s)", action, command.actor,
                    command.issued_at.isoformat(), command.valid_s, now.isoformat())
        return None
    return command
