from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from access.domain.decide import Decision, Reason
from access.domain.schedule import SiteClock
from access.texts import LANGUAGES, explain, money

PARIS = ZoneInfo("Europe/Paris")
CLOCK = SiteClock("Europe/Paris", time(4, 0))


@pytest.mark.parametrize("reason", list(Reason))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reason_has_a_sentence_in_both_languages(reason, language):
    text = explain(Decision(reason is Reason.ALLOWED, reason, "3d-printer", 1, "Ada Lovelace",
                            rule="makers", skill="3d-printing"), language, clock=CLOCK)
    assert text
    assert "{" not in text  # every placeholder was filled


def test_expired_membership_names_the_last_valid_day_not_the_cutoff_instant():
    decision = Decision(False, Reason.MEMBERSHIP_EXPIRED, "front-door", 1, "Ada",
                        until=datetime(2026, 11, 4, 4, 0, tzinfo=PARIS))
    assert explain(decision, "en", clock=CLOCK) == (
        "Your membership ended on 3 Nov 2026. Renew it with a volunteer, or take a day pass.")
    assert "a pris fin le 3 nov. 2026" in explain(decision, "fr", clock=CLOCK)


def test_a_membership_not_begun_says_its_first_day_and_none_at_all_says_so():
    starts = Decision(False, Reason.MEMBERSHIP_NOT_STARTED, "front-door", 1, "Ada",
                      until=datetime(2026, 12, 1, 4, 0, tzinfo=PARIS))
    assert explain(starts, "en", clock=CLOCK) == (
        "Your membership starts on 1 Dec 2026. Until then, take a day pass.")
    assert "commence le 1 déc. 2026" in explain(starts, "fr", clock=CLOCK)
    none = Decision(False, Reason.MEMBERSHIP_EXPIRED, "front-door", 1, "Ada")
    assert explain(none, "en", clock=CLOCK) == (
        "You have no current membership. Take a day pass or ask a volunteer.")
    assert "pas d'adhésion en cours" in explain(none, "fr", clock=CLOCK)


def test_money_follows_the_language():
    assert money(250, "EUR", "fr") == "2,50\xa0€"
    assert money(250, "EUR", "en") == "€2.50"
    assert money(-1000, "EUR", "en") == "-€10.00"


def test_welcome_uses_the_first_name():
    decision = Decision(True, Reason.ALLOWED, "front-door", 1, "Ada Lovelace")
    assert explain(decision, "fr") == "Bienvenue Ada !"
