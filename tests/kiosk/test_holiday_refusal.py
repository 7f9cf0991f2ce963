"""A member refused on a holiday reads which day is closed, as `seuil rules explain` says it."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from access.bus.schemas import DecisionEvent
from access.domain.decide import Reason
from kiosk.welcome import WelcomeModel

CHRISTMAS_AFTERNOON = datetime(2026, 12, 25, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))


def refused_on_a_holiday() -> DecisionEvent:
    """What the entrance node sends: the reason and the rule, not the date."""
    return DecisionEvent(event_id=uuid.uuid4(), ts=CHRISTMAS_AFTERNOON, node="entrance", seq=1,
                         tap_id=uuid.uuid4(), resource="front-door", card="a" * 64,
                         allowed=False, reason=Reason.HOLIDAY, rule="members-door", member_id=1,
                         snapshot_version=1)


def test_a_holiday_refusal_names_the_closed_date_in_both_languages(make_ctx, site):
    site.now = lambda: CHRISTMAS_AFTERNOON
    language = {"now": "en"}
    ctx = make_ctx()
    ctx.language = lambda: language["now"]
    model = WelcomeModel(ctx)
    model.tap(refused_on_a_holiday())
    assert model.state["allowed"] is False
    assert "is closed on 25 Dec 2026, a holiday." in model.state["lines"][0]
    language["now"] = "fr"
    model.tap(refused_on_a_holiday())
    assert "est fermé le 25 déc. 2026, jour férié." in model.state["lines"][0]
