"""The ledger's invariants, as properties: any sequence of dues, day passes, machine sessions
(priced and priced again), top-ups, payments, waivers, counts of the cash box and deposits,
on a real database, keeps every euro accounted for.

A plain model of the association follows the same operations; after each sequence:

- every member's machine credit and owed dues are what the model says;
- the ledger's sum is the members' balances (credit and dues) plus the cash box's differences;
- a session priced again is one entry with its last price (restate never doubles);
- every count's difference is counted - (previous count + cash declared - cash banked);
- the month's books (Paheko/FEC lines) balance and their account totals are the ledger's.
"""

import uuid
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from access.errors import InvalidInput
from access.services import accounts, books, cash_box, day_passes, dues, members, top_ups
from access.services.ledger import (
    EntryKind,
    PaymentMethod,
    Posting,
    balances,
    dues_owed,
    restate,
)
from access.store.models import LedgerEntry

pytestmark = pytest.mark.both_backends

METHODS = st.sampled_from([PaymentMethod.CASH, PaymentMethod.TRANSFER, PaymentMethod.CHEQUE,
                           PaymentMethod.ONLINE, PaymentMethod.CARD])
CENTS = st.integers(min_value=1, max_value=20_000)
PRICES = st.integers(0, 2_000)
BOX_OR_ONLINE = st.sampled_from([PaymentMethod.CASH, PaymentMethod.ONLINE])
OPERATIONS = st.one_of(
    st.tuples(st.just("dues"), st.integers(0, 15_000), st.integers(0, 100), METHODS),
    st.tuples(st.just("daypass"), st.integers(0, 3_000), BOX_OR_ONLINE),
    st.tuples(st.just("session"), st.integers(0, 50), st.lists(PRICES, min_size=1, max_size=4)),
    st.tuples(st.just("topup"), st.integers(0, 50), CENTS, BOX_OR_ONLINE),
    st.tuples(st.just("paydues"), st.integers(0, 50), METHODS),
    st.tuples(st.just("waive"), st.integers(0, 200)),
    st.tuples(st.just("count"), st.integers(0, 60_000)),
    st.tuples(st.just("deposit"), CENTS),
)


class Association:
    """What the ledger should say, followed by hand."""

    def __init__(self) -> None:
        self.credit: dict[int, int] = defaultdict(int)
        self.owed: dict[int, int] = defaultdict(int)
        self.members: list[int] = []
        self.sessions: dict[str, tuple[int, int]] = {}  # reference -> (member, last price)
        self.waivable: list[tuple[int, int, bool]] = []  # (entry id, cents, is dues)
        self.box_counted = 0  # what the last count found
        self.box_declared = 0  # cash declared since
        self.box_banked = 0  # cash banked since
        self.differences = 0
        self.serial = 0

    def next_id(self) -> str:
        self.serial += 1
        return f"{self.serial}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def association(site_dir, cli_clock):
    from access.bootstrap import open_site

    site = open_site()
    yield site, Association()
    site.store.close()


def apply(site, model: Association, operation: tuple) -> None:
    kind = operation[0]
    if kind == "dues":
        _, price, paid_percent, method = operation
        paid = price * paid_percent // 100
        made = members.add_member(site, f"Member {model.next_id()}", plan="monthly",
                                  price=members.Dues(price_cents=price, paid_cents=paid or None,
                                                     method=method if paid else None))
        model.members.append(made.id)
        model.owed[made.id] += price - paid
        if paid and method is PaymentMethod.CASH:
            model.box_declared += paid
        with site.store.read() as session:
            charge = session.scalar(select(LedgerEntry.id).where(
                LedgerEntry.member_id == made.id, LedgerEntry.kind == "charge"))
        if charge is not None:
            model.waivable.append((charge, price, True))
    elif kind == "daypass":
        _, cents, method = operation
        online = method is PaymentMethod.ONLINE
        sold = day_passes.sell(site, cents=cents, method=method,
                               payment_reference=f"HA-{model.next_id()}" if online else None)
        assert sold.cents == cents  # the visitor's charge and payment cancel: no credit, nothing owed
        if cents and not online:
            model.box_declared += cents
    elif kind in ("session", "topup", "paydues") and not model.members:
        return
    elif kind == "session":
        _, who, prices = operation
        member = model.members[who % len(model.members)]
        reference = f"session:{model.next_id()}"
        for price in prices:  # priced, then priced again as earlier sessions arrive late
            with site.store.write() as session:
                if price:
                    restate(session, [Posting(member, EntryKind.CHARGE, price, "EUR", site.now(), "hub",
                                              reference, f"3d-printer {price}")])
                else:
                    restate(session, [], withdrawn=[reference])
        model.sessions[reference] = (member, prices[-1])
        model.credit[member] -= prices[-1]
    elif kind == "topup":
        _, who, cents, method = operation
        member = model.members[who % len(model.members)]
        if method is PaymentMethod.CASH:
            top_ups.top_up_cash(site, member, cents)
            model.box_declared += cents
        else:
            accounts.add_entry(site, f"#{member}", EntryKind.PAYMENT, cents, method=method,
                               reference=f"HA-{model.next_id()}")
        model.credit[member] += cents
    elif kind == "paydues":
        _, who, method = operation
        member = model.members[who % len(model.members)]
        if model.owed[member] <= 0:
            with pytest.raises(InvalidInput, match="owes no dues"):
                dues.pay(site, f"#{member}", method)
            return
        paid = dues.pay(site, f"#{member}", method)
        assert paid.cents == model.owed[member]
        if method is PaymentMethod.CASH:
            model.box_declared += paid.cents
        model.owed[member] = 0
    elif kind == "waive":
        if not model.waivable:
            return
        entry, cents, is_dues = model.waivable.pop(operation[1] % len(model.waivable))
        waiver = accounts.waive(site, entry, description="property")
        assert waiver.cents == cents
        target = model.owed if is_dues else model.credit
        member = waiver.member_id
        assert member is not None
        target[member] += -cents if is_dues else cents
    elif kind == "count":
        counted = operation[1]
        line = cash_box.count(site, counted, counted_by="Marie")
        expected = model.box_counted + model.box_declared - model.box_banked
        assert (line.declared_cents, line.deposited_cents, line.expected_cents) == (
            model.box_declared, model.box_banked, expected)
        assert line.difference_cents == counted - expected
        model.differences += counted - expected
        model.box_counted, model.box_declared, model.box_banked = counted, 0, 0
    elif kind == "deposit":
        cash_box.deposit(site, operation[1])
        model.box_banked += operation[1]


def check(site, model: Association) -> None:
    with site.store.read() as session:
        credit = {m: c for m, c in balances(session).items() if c}  # visitors' passes net to 0
        owed = dues_owed(session)
        total = int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.cents), 0))))
        box = int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.cents), 0)).where(
            LedgerEntry.member_id.is_(None))))
        sessions = dict(session.execute(select(LedgerEntry.reference, LedgerEntry.cents).where(
            LedgerEntry.reference.like("session:%"))).all())
    assert credit == {m: c for m, c in model.credit.items() if c}
    assert owed == {m: c for m, c in model.owed.items() if c}
    assert box == model.differences
    # every euro in = every euro out + balances: the ledger's sum is what members hold (credit
    # less owed dues) plus the differences the box showed
    assert total == sum(credit.values()) - sum(owed.values()) + model.differences
    # restate never doubles: one entry per priced session, at its last price; none if free
    assert sessions == {r: -price for r, (_, price) in model.sessions.items() if price}
    box_now = model.box_counted + model.box_declared - model.box_banked
    assert cash_box.open_period(site).expected_cents == box_now

    # the month's books: balanced, every entry once, account totals = ledger totals
    booked = books.month_books(site, "2026-11")
    entries = accounts.list_entries(site, month="2026-11")
    assert sorted(line.movement.piece for line in booked.lines if line.movement.piece[0] == "E") == sorted(
        f"E{e.id}" for e in entries)
    net: dict[str, int] = defaultdict(int)
    for line in booked.lines:
        net[line.debit] += line.cents
        net[line.credit] -= line.cents
    assert sum(net.values()) == 0
    chart = site.config.accounts.chart()
    assert net[chart.members] == -sum(e.cents for e in entries if e.member_id is not None)
    cash_in = sum(e.cents for e in entries if e.kind == "payment" and e.method == "cash")
    banked = sum(d.cents for d in cash_box.deposits(site))
    assert net[chart.cash] == cash_in + box - banked


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=10))
def test_every_euro_is_accounted_for_whatever_the_month_brings(association, operations):
    site, model = association
    for operation in operations:
        apply(site, model, operation)
    check(site, model)
