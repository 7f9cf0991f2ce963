"""What every use case needs: the config, the store, the site secret, who acts, and now.

``EventContext`` is what the handlers of node events get from the hub's intake.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from access.config import Config
from access.domain.cards import card_hash
from access.domain.plain_text import LABEL_LENGTH, problem
from access.domain.ruleset import RuleSet
from access.domain.schedule import SiteClock
from access.errors import InvalidInput
from access.store.uow import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


def unix_actor() -> str:
    """The person behind the command: the sudo caller if any, else the Unix user.

    Both come from the environment (``SUDO_USER``, ``LOGNAME``...), which the caller controls:
    one that a terminal could not show as a name is refused, before it reaches the audit log."""
    sudo_user = os.environ.get("SUDO_USER")
    try:
        user = getpass.getuser()
    except OSError:  # no name for this uid (a container)
        user = f"uid:{os.getuid()}"
    for name in (sudo_user or "", user):
        found = problem(name, "the Unix user name (SUDO_USER, LOGNAME, USER)", LABEL_LENGTH)
        if found is not None:
            raise InvalidInput(found)
    return f"{sudo_user} (via sudo)" if sudo_user and sudo_user != user else user


@dataclass
class Site:
    config: Config
    store: Store
    secret: bytes
    actor: str = field(default_factory=unix_actor)
    now: Callable[[], datetime] = utc_now

    @property
    def clock(self) -> SiteClock:
        return self.config.clock

    @property
    def currency(self) -> str:
        return self.config.site.currency

    def hash_uid(self, uid: str) -> str:
        return card_hash(uid, self.secret)

    def today(self) -> date:
        return self.clock.service_day(self.now())


@dataclass
class EventContext:
    """One transaction of the hub's intake, as its handlers see it."""

    session: Session
    site: Site
    rules: RuleSet
    """The rules in force (the newest applied)."""
    now: datetime
    priced: int = 0
    """Machine sessions priced (or priced again) in this transaction: the hub's figures."""
