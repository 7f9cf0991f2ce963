"""What a person reads about a decision, in French and English.

Used by the CLI (``rules explain``), the kiosk and the nodes' displays, so a reason reads
the same everywhere. Dates and money follow the language's conventions (Babel).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from babel.dates import format_date
from babel.numbers import format_currency

from access.domain.decide import Decision, Reason
from access.domain.schedule import SiteClock

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}

_TEXT: dict[Reason, dict[Language, str]] = {
    Reason.ALLOWED: {"fr": "Bienvenue {first_name} !", "en": "Welcome {first_name}!"},
    Reason.UNKNOWN_CARD: {
        "fr": "Badge inconnu. Demandez à un·e bénévole de l'enregistrer.",
        "en": "Unknown badge. Ask a volunteer to enroll it."},
    Reason.CARD_REVOKED: {
        "fr": "Ce badge n'est plus valide ({card_status}). Demandez un nouveau badge à un·e bénévole.",
        "en": "This badge is no longer valid ({card_status}). Ask a volunteer for a new one."},
    Reason.MEMBER_SUSPENDED: {
        "fr": "Votre adhésion est suspendue. Parlez-en à un·e bénévole.",
        "en": "Your membership is suspended. Please talk to a volunteer."},
    Reason.MEMBERSHIP_EXPIRED: {
        "fr": "Votre adhésion a pris fin{ended}. Renouvelez-la à la borne ou auprès d'un·e bénévole.",
        "en": "Your membership ended{ended}. Renew it at the kiosk or ask a volunteer."},
    Reason.MEMBERSHIP_NOT_STARTED: {
        "fr": "Votre adhésion commence le {starts}. D'ici là, prenez un pass journée.",
        "en": "Your membership starts on {starts}. Until then, take a day pass."},
    Reason.NO_ACCESS: {
        "fr": "Votre formule ne donne pas accès à « {resource} ».",
        "en": "Your plan does not include \u201c{resource}\u201d."},
    Reason.OUTSIDE_HOURS: {
        "fr": "« {resource} » est fermé à cette heure-ci pour vous (règle {rule}).",
        "en": "\u201c{resource}\u201d is closed to you at this time (rule {rule})."},
    Reason.TRAINING_REQUIRED: {
        "fr": "Une formation « {skill} » est nécessaire. Demandez à un·e formateur·rice.",
        "en": "You need the \u201c{skill}\u201d training first. Ask a trainer."},
    Reason.NOT_ENOUGH_CREDIT: {
        "fr": "Solde insuffisant ({balance}, minimum {floor}). Rechargez à la borne.",
        "en": "Not enough credit ({balance}, minimum {floor}). Top up at the kiosk."},
    Reason.MACHINE_IN_USE: {
        "fr": "« {resource} » est déjà utilisé par quelqu'un d'autre.",
        "en": "\u201c{resource}\u201d is in use by someone else."},
    Reason.OUT_OF_SERVICE: {
        "fr": "« {resource} » est hors service. Un·e responsable doit le remettre en route.",
        "en": "\u201c{resource}\u201d is out of service. A maintainer must put it back."},
    Reason.UNKNOWN_RESOURCE: {
        "fr": "« {resource} » n'est pas configuré ici.",
        "en": "\u201c{resource}\u201d is not configured here."},
}

_NO_MEMBERSHIP = {
    "fr": "Vous n'avez pas d'adhésion en cours. Prenez un pass journée ou demandez à un·e bénévole.",
    "en": "You have no current membership. Take a day pass or ask a volunteer."}

_CARD_STATUS = {"fr": {"lost": "déclaré perdu", "revoked": "révoqué", "active": "actif"},
                "en": {"lost": "reported lost", "revoked": "revoked", "active": "active"}}


def money(cents: int, currency: str, language: Language) -> str:
    """``2,50 €`` in French, ``€2.50`` in English."""
    return str(format_currency(cents / 100, currency, locale=_LOCALES[language]))


def day(value: date, language: Language) -> str:
    """``3 nov. 2026`` / ``3 Nov 2026``."""
    return str(format_date(value, format="medium", locale=_LOCALES[language]))


def explain(decision: Decision, language: Language, *, clock: SiteClock | None = None,
            currency: str = "EUR") -> str:
    """The sentence shown for a decision."""
    clock = clock or SiteClock()
    ended = starts = ""
    if decision.reason in (Reason.MEMBERSHIP_EXPIRED, Reason.MEMBERSHIP_NOT_STARTED):
        if decision.until is None:
            return _NO_MEMBERSHIP[language]
        if decision.reason is Reason.MEMBERSHIP_EXPIRED:
            on = day(clock.last_day(decision.until), language)
            ended = f" le {on}" if language == "fr" else f" on {on}"
        else:
            starts = day(clock.service_day(decision.until), language)
    first_name = (decision.member_name or "").split(" ")[0]
    return _TEXT[decision.reason][language].format(
        first_name=first_name,
        resource=decision.resource,
        rule=decision.rule or "",
        skill=decision.skill or "",
        ended=ended,
        starts=starts,
        card_status=_CARD_STATUS[language].get(str(decision.card_status), ""),
        balance=money(decision.balance_cents or 0, currency, language),
        floor=money(decision.floor_cents or 0, currency, language),
    )
