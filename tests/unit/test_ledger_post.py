"""The ledger's one writer: the kind gives the sign, a reference is taken once (real SQLite)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from access.errors import Conflict
from access.services import ledger
from access.services.ledger import EntryKind, PaymentMethod, Posting
from access.store.engine import make_engine
from access.store.models import Base, LedgerEntry, Member
from access.store.uow import Store

AT = datetime(2026, 3, 4, 12, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    Base.metadata.create_all(engine)
    store = Store(engine)
    with store.write() as session:
        session.add(Member(id=1, name="Ada Lovelace", created_at=AT))
    yield store
    store.close()


def posting(kind: EntryKind, cents: int, reference: str | None = None, **extra: object) -> Posting:
    return Posting(1, kind, cents, "EUR", AT, "test", reference, **extra)


def signed(store: Store) -> list[tuple[str, int]]:
    with store.read() as session:
        return [(k, c) for k, c in session.execute(
            select(LedgerEntry.kind, LedgerEntry.cents).order_by(LedgerEntry.id))]


def test_a_charge_lowers_the_balance_and_every_other_kind_raises_it(store):
    with store.write() as session:
        for kind in EntryKind:
            if kind in ledger.CASH_DIFFERENCES:
                continue
            ledger.post(session, posting(kind, 250, method=PaymentMethod.CASH
                                         if kind is EntryKind.PAYMENT else None))
    assert signed(store) == [("charge", -250), ("payment", 250), ("credit", 250), ("waiver", 250)]
    with store.read() as session:
        assert ledger.balances(session) == {1: 500}
        assert ledger.balances(session, 1) == {1: 500}


def test_a_cash_box_difference_belongs_to_nobody_and_moves_no_balance(store):
    with store.write() as session:
        ledger.post(session, Posting(None, EntryKind.SURPLUS, 300, "EUR", AT, "Marie"))
        ledger.post(session, Posting(None, EntryKind.SHORTFALL, 120, "EUR", AT, "Marie"))
    assert signed(store) == [("surplus", 300), ("shortfall", -120)]
    with store.read() as session:
        assert ledger.balances(session) == {}
    with pytest.raises(ValueError, match="belongs to nobody"):
        posting(EntryKind.SURPLUS, 300)
    with pytest.raises(ValueError, match="needs"):
        Posting(None, EntryKind.PAYMENT, 300, "EUR", AT, "Marie")


def test_amounts_are_handed_over_positive():
    for cents in (0, -150):
        with pytest.raises(ValueError, match="positive"):
            posting(EntryKind.CHARGE, cents)


def test_a_reference_already_in_the_ledger_is_refused_with_the_entry_it_belongs_to(store):
    with store.write() as session:
        ledger.post(session, posting(EntryKind.PAYMENT, 1000, "receipt-17"))
    taken = r'"receipt-17" is already in the ledger \(entry #1, €10.00 payment\)'
    with pytest.raises(Conflict, match=taken), store.write() as session:
        ledger.post(session, posting(EntryKind.PAYMENT, 500, "receipt-17"))
    assert signed(store) == [("payment", 1000)]


def test_post_many_writes_a_batch_and_refuses_a_taken_or_repeated_reference(store):
    with store.write() as session:
        ledger.post_many(session, [posting(EntryKind.CHARGE, 100, "session:a"),
                                   posting(EntryKind.CHARGE, 200, "session:b")])
    assert signed(store) == [("charge", -100), ("charge", -200)]
    with pytest.raises(Conflict, match='"session:b" is already'), store.write() as session:
        ledger.post_many(session, [posting(EntryKind.CHARGE, 300, "session:c"),
                                   posting(EntryKind.CHARGE, 300, "session:b")])
    with pytest.raises(Conflict, match='"session:d" is twice'), store.write() as session:
        ledger.post_many(session, [posting(EntryKind.CHARGE, 300, "session:d"),
                                   posting(EntryKind.CHARGE, 300, "session:d")])
    assert signed(store) == [("charge", -100), ("charge", -200)]


def test_restate_corrects_derived_entries_in_place_and_never_a_typed_one(store):
    with store.write() as session:
        ledger.post_many(session, [posting(EntryKind.CHARGE, 100, "session:a"),
                                   posting(EntryKind.CHARGE, 200, "session:b")])
        ledger.post(session, posting(EntryKind.PAYMENT, 50, "receipt-1"))
    with store.write() as session:
        ledger.restate(session, [posting(EntryKind.CHARGE, 80, "session:a", description="less"),
                                 posting(EntryKind.CHARGE, 40, "session:c")], withdrawn=["session:b"])
    with store.read() as session:
        rows = {r: (c, d) for r, c, d in session.execute(
            select(LedgerEntry.reference, LedgerEntry.cents, LedgerEntry.description))}
    assert rows == {"session:a": (-80, "less"), "session:c": (-40, ""), "receipt-1": (50, "")}
    with pytest.raises(ValueError, match="only derived entries"), store.write() as session:
        ledger.restate(session, [posting(EntryKind.PAYMENT, 10, "receipt-1")])
