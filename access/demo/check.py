"""``seuil demo --check``: the whole stack headless; every sample badge tapped at the door and at
the printer; the relays and the database must agree with what the rules say. Exit 0 or say why."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from access.demo.broker import DemoBroker
from access.demo.dataset import BADGES, Badge, make_site
from access.demo.stack import DemoStack, SimulatedNode
from access.services.context import Site
from access.store.models import AccessEvent, LedgerEntry, Member

log = logging.getLogger(__name__)


class CheckFailed(Exception):
    pass


def _wait(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise CheckFailed(what)
        time.sleep(0.01)


def _decisions(site: Site, since: datetime, resource: str) -> list[bool]:
    """Whether each decision the hub stored at ``resource`` since ``since`` allowed, in order."""
    with site.store.read() as session:
        return [bool(allowed) for allowed in session.scalars(
            select(AccessEvent.allowed)
            .where(AccessEvent.ts >= since, AccessEvent.resource == resource).order_by(AccessEvent.id))]


def _stored(site: Site, since: datetime, resource: str, count: int, who: str) -> None:
    _wait(lambda: len(_decisions(site, since, resource)) >= count, 10,
          f"the hub did not store {who}'s tap at {resource}")


def _tap_and_watch(site: Site, node: SimulatedNode, badge: Badge, since: datetime, resource: str,
                   expected: bool) -> None:
    """Tap; the stored decision and the relay (closed while the hub stored it) must be ``expected``."""
    before = len(_decisions(site, since, resource))
    closed = False
    node.tap(badge.uid)
    deadline = time.monotonic() + 10
    while len(_decisions(site, since, resource)) == before:
        closed = closed or bool(node.relay_on)
        if time.monotonic() > deadline:
            raise CheckFailed(f"the hub did not store {badge.who}'s tap at {resource}")
        time.sleep(0.01)
    if expected and not closed:
        _wait(lambda: bool(node.relay_on), 3, f"{badge.who}'s tap did not close the {resource} relay")
        closed = True
    allowed = _decisions(site, since, resource)[-1]
    if allowed != expected:
        raise CheckFailed(f"{badge.who} at {resource}: {'allowed' if allowed else 'refused'}, "
                          f"expected {'allowed' if expected else 'refused'}")
    if closed != expected:
        raise CheckFailed(f"{badge.who} at {resource}: the relay {'closed' if closed else 'stayed open'}")


def run_check(workdir: Path, *, say: Callable[[str], None] = print, broker_kind: str = "auto") -> None:
    broker = DemoBroker(workdir / "broker", prefer=broker_kind)
    broker.start()
    stack: DemoStack | None = None
    try:
        site = make_site(workdir / "site", broker.url, history=False, mqtt_protocol=broker.protocol)
        say(f"demo site in {workdir / 'site'}, broker: {broker.kind}")
        stack = DemoStack(site)
        stack.start()
        say(f"hub and nodes running: {', '.join(stack.nodes)}")
        since = datetime.now(UTC)
        door, printer = stack.nodes["entrance"], stack.nodes["printer"]
        for badge in BADGES:
            _wait(lambda: not door.relay_on, 5, "the door relay did not close again")
            _tap_and_watch(site, door, badge, since, "front-door", badge.door)
            say(f"  front door  {badge.who:<8} {'opens' if badge.door else 'stays shut'}")
        for badge in BADGES:
            _tap_and_watch(site, printer, badge, since, "3d-printer", badge.printer)
            if badge.printer:
                time.sleep(1.5)  # a short print (a session under a second is free)
                stored = len(_decisions(site, since, "3d-printer"))
                printer.tap(badge.uid)  # the same badge ends the session
                _wait(lambda: not printer.relay_on, 5, f"{badge.who}'s second tap did not stop the printer")
                _stored(site, since, "3d-printer", stored + 1, badge.who)
            say(f"  3D printer  {badge.who:<8} {'powers on, then off' if badge.printer else 'stays off'}")
        _wait(lambda: _charges(site, "Ada Lovelace", since) != [], 10,
              "Ada's print was not priced into the ledger")
        time.sleep(0.5)  # a duplicate would come now
        charges = _charges(site, "Ada Lovelace", since)
        if charges != [-50]:
            raise CheckFailed(f"Ada's print should be one charge of 0.50, the ledger has {charges}")
        say("  ledger      Ada charged 0.50 once for her print")
        say("demo check passed")
    finally:
        if stack is not None:
            stack.stop()
        broker.stop()


def _charges(site: Site, name: str, since: datetime) -> list[int]:
    with site.store.read() as session:
        return list(session.scalars(
            select(LedgerEntry.cents).join(Member, Member.id == LedgerEntry.member_id)
            .where(Member.name == name, LedgerEntry.kind == "charge", LedgerEntry.created_at >= since)))
