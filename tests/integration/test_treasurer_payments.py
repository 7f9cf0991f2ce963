"""Online payments are never lost: every checkout is kept until final, and the hub confirms it."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from access.hub.jobs import HubJobs
from access.payments.fake import FakeProvider
from access.services import checkouts
from access.services.checkouts import Purpose
from access.store.models import DayPass, LedgerEntry
from tests.integration.cli_helpers import apply_day_pass_floor, run

pytestmark = pytest.mark.both_backends


@pytest.fixture
def site(site_dir, cli_clock):
    from access.bootstrap import open_site

    opened = open_site()
    yield opened
    opened.store.close()


def listed(what: str) -> list[dict]:
    result = run("payments", what, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def hub_confirms(site, provider) -> None:
    jobs = HubJobs(site, lambda _name, job: job())
    jobs.provider = provider
    jobs.confirm_checkouts()


def test_a_visitor_who_pays_after_the_kiosk_gave_up_still_gets_a_pass(site, cli_clock):
    provider = FakeProvider(paid_after=None)
    opened = checkouts.start(site, provider, Purpose.DAY_PASS, 800, "Day pass", {"name": "Camille"})
    assert opened.url and [c["state"] for c in listed("pending")] == ["pending"]
    # the kiosk restarts; later the visitor pays on their phone
    provider.pay(opened.checkout_id)
    cli_clock.now += timedelta(minutes=5)
    hub_confirms(site, provider)
    assert listed("pending") == [] and listed("orphans") == []
    hub_confirms(site, provider)  # asking again sells nothing twice
    assert checkouts.confirm(site, provider, opened.id).state == "paid"
    with site.store.read() as session:
        assert session.scalar(select(func.count()).select_from(DayPass)) == 1
        payment = session.execute(select(LedgerEntry.cents, LedgerEntry.method, LedgerEntry.reference)
                                  .where(LedgerEntry.kind == "payment")).one()
    assert tuple(payment) == (800, "online", "order-fake-1")


def test_a_paid_checkout_that_can_make_nothing_is_an_orphan_for_the_treasurer(site, site_dir, cli_clock):
    provider = FakeProvider(paid_after=None)
    opened = checkouts.start(site, provider, Purpose.DAY_PASS, 200, "Day pass", {"name": "Dana"})
    apply_day_pass_floor(site_dir / "rules.toml", site_dir)  # the floor rises to 3.00 meanwhile
    provider.pay(opened.checkout_id)
    hub_confirms(site, provider)
    orphans = listed("orphans")
    assert [(o["cents"], o["state"], o["order_reference"]) for o in orphans] == [
        (200, "paid", "order-fake-1")]
    assert "the least you can pay is 3.00" in orphans[0]["problem"]
    assert "order-fake-1" in run("payments", "orphans").out


def test_refused_and_abandoned_checkouts_become_final(site, cli_clock):
    provider = FakeProvider(paid_after=None)
    refused = checkouts.start(site, provider, Purpose.DAY_PASS, 500, "Day pass", {})
    abandoned = checkouts.start(site, provider, Purpose.DAY_PASS, 500, "Day pass", {})
    provider.fail(refused.checkout_id)
    hub_confirms(site, provider)
    assert [c["id"] for c in listed("pending")] == [abandoned.id]
    cli_clock.now += checkouts.EXPIRES_AFTER + timedelta(minutes=1)
    hub_confirms(site, provider)
    assert listed("pending") == []
    assert checkouts.confirm(site, provider, refused.id).state == "failed"
    assert checkouts.confirm(site, provider, abandoned.id).state == "expired"
