"""What a person reads, in French and English: the sentence for each decision, money, dates.

The one source of these texts: ``seuil rules explain`` and the kiosk's refusal screen say the
same thing for the same decision. Money and dates follow the language's conventions (Babel);
:func:`typeset` gives French its non-breaking spaces for a screen.

>>> money(250, "EUR", "en")
'€2.50'
>>> typeset("Bienvenue Ada !", "fr") == "Bienvenue Ada\\u00a0!"
True
>>> plural(1, "session"), plural(0, "visit"), plural(0, "visite", language="fr")
('1 session', '0 visits', '0 visite')
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency

from access.domain.decide import Decision, Reason
from access.domain.plain_text import printable
from access.domain.schedule import SiteClock

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
LOCALES: dict[Language, str] = {"fr": "fr_FR", "en": "en_GB"}
NBSP = "\u00a0"

_REASONS: dict[Reason, dict[Language, str]] = {
    Reason.ALLOWED: {"fr": "Bienvenue {first_name} !", "en": "Welcome {first_name}!"},
    Reason.UNKNOWN_CARD: {
        "fr": "Ce badge n'est pas enregistré. Un·e bénévole peut l'ajouter, ou prenez un pass journée.",
        "en": "This badge is not registered. A volunteer can add it, or take a day pass."},
    Reason.CARD_REVOKED: {
        "fr": "Ce badge n'est plus valide ({card_status}). Demandez un nouveau badge à un·e bénévole.",
        "en": "This badge is no longer valid ({card_status}). Ask a volunteer for a new one."},
    Reason.MEMBER_SUSPENDED: {
        "fr": "Votre adhésion est suspendue. Parlez-en à un·e bénévole.",
        "en": "Your membership is suspended. Please talk to a volunteer."},
    Reason.MEMBERSHIP_EXPIRED: {
        "fr": "Votre adhésion a pris fin{ended}. Renouvelez-la auprès d'un·e bénévole, "
              "ou prenez un pass journée.",
        "en": "Your membership ended{ended}. Renew it with a volunteer, or take a day pass."},
    Reason.MEMBERSHIP_NOT_STARTED: {
        "fr": "Votre adhésion commence le {starts}. D'ici là, prenez un pass journée.",
        "en": "Your membership starts on {starts}. Until then, take a day pass."},
    Reason.NO_ACCESS: {
        "fr": "Votre formule ne donne pas accès à « {resource} ».",
        "en": "Your plan does not include \u201c{resource}\u201d."},
    Reason.OUTSIDE_HOURS: {
        "fr": "« {resource} » est fermé à cette heure-ci pour vous.",
        "en": "\u201c{resource}\u201d is closed to you at this time."},
    Reason.HOLIDAY: {
        "fr": "« {resource} » est fermé {closed_on}, jour férié.",
        "en": "\u201c{resource}\u201d is closed {closed_on}, a holiday."},
    Reason.TRAINING_REQUIRED: {
        "fr": "Une formation « {skill} » est nécessaire. Demandez à un·e formateur·rice.",
        "en": "You need the \u201c{skill}\u201d training first. Ask a trainer."},
    Reason.NOT_ENOUGH_CREDIT: {
        "fr": "Solde insuffisant ({balance}, minimum {floor}). Réglez auprès d'un·e bénévole, "
              "puis réessayez.",
        "en": "Not enough credit ({balance}, minimum {floor}). Pay a volunteer, then try again."},
    Reason.MACHINE_IN_USE: {
        "fr": "« {resource} » est déjà utilisé par quelqu'un d'autre.",
        "en": "\u201c{resource}\u201d is in use by someone else."},
    Reason.OUT_OF_SERVICE: {
        "fr": "« {resource} » est hors service. Un·e responsable doit le remettre en route.",
        "en": "\u201c{resource}\u201d is out of service. A maintainer must put it back."},
    Reason.UNKNOWN_RESOURCE: {
        "fr": "« {resource} » n'est pas configuré ici. Prévenez un·e bénévole.",
        "en": "\u201c{resource}\u201d is not set up here. Tell a volunteer."},
}

_NO_MEMBERSHIP: dict[Language, str] = {
    "fr": "Vous n'avez pas d'adhésion en cours. Prenez un pass journée ou demandez à un·e bénévole.",
    "en": "You have no current membership. Take a day pass or ask a volunteer."}

_CARD_STATUS: dict[Language, dict[str, str]] = {
    "fr": {"lost": "déclaré perdu", "revoked": "révoqué", "active": "actif"},
    "en": {"lost": "reported lost", "revoked": "revoked", "active": "active"}}


def typeset(value: str, language: Language) -> str:
    """French puts a space before ! ? : ; » and after «: make it one that never breaks a line."""
    if language != "fr":
        return value
    for mark in ("!", "?", ":", ";", "»"):
        value = value.replace(f" {mark}", f"{NBSP}{mark}")
    return value.replace("« ", f"«{NBSP}")


def plural_form(count: int, language: Language) -> str:
    """The CLDR plural category of ``count`` in ``language``, through Babel: ``one`` for 0 and 1
    in French, for 1 only in English; ``other`` (or ``many``) for the rest."""
    return str(Locale.parse(LOCALES[language]).plural_form(abs(count)))


def money(cents: int, currency: str, language: Language) -> str:
    """``2,50 €`` in French, ``€2.50`` in English (exact: integer cents, never a float)."""
    return str(format_currency(Decimal(cents) / 100, currency, locale=LOCALES[language]))


def plural(count: int, one: str, other: str | None = None, language: Language = "en") -> str:
    """``1 session``, ``2 sessions``: the count and the word in the form the language's plural
    rule asks (Babel's CLDR rules: French says ``0 visite``, English ``0 visits``).
    ``other`` defaults to ``one`` + ``s``.

    >>> plural(1, "session"), plural(0, "session")
    ('1 session', '0 sessions')
    >>> plural(0, "pass", "passes", "fr")
    '0 pass'
    """
    return f"{count} {one if plural_form(count, language) == 'one' else (other or one + 's')}"


ADMIN_LANGUAGE: Language = "en"
"""The CLI and the messages of its use cases speak English."""


def admin_money(cents: int, currency: str) -> str:
    """Money as the CLI writes it everywhere (``€12.50``, ``-€4.50``): the one format of the
    admin's screen; files for other programs (CSV, ``--json``) keep plain numbers."""
    return money(cents, currency, ADMIN_LANGUAGE)


def day(value: date, language: Language) -> str:
    """``3 nov. 2026`` / ``3 Nov 2026``."""
    return str(format_date(value, format="medium", locale=LOCALES[language]))


def short_day(value: date, language: Language) -> str:
    """``3 nov.`` / ``3 Nov``: a day of this month or the next, on a screen."""
    return str(format_date(value, "d MMM", locale=LOCALES[language]))


def long_day(value: date, language: Language) -> str:
    return str(format_date(value, "EEEE d MMMM y", locale=LOCALES[language]))


def clock_time(value: datetime, tz: ZoneInfo, language: Language) -> str:
    return str(format_time(value.astimezone(tz), "HH:mm", locale=LOCALES[language]))


def on_day(at: datetime, now: datetime, tz: ZoneInfo, language: Language) -> str:
    """The day of ``at`` as a screen says it from ``now`` (the calendar days of the site's
    zone): ``aujourd'hui`` / ``today``, ``demain`` / ``tomorrow``, the weekday within the week
    (``lundi`` / ``on Monday``), else the date (``le 3 déc.`` / ``on 3 Dec``, with the year
    when it is another).

    >>> from datetime import UTC
    >>> paris, now = ZoneInfo("Europe/Paris"), datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    >>> on_day(datetime(2026, 12, 3, 7, tzinfo=UTC), now, paris, "fr")
    'demain'
    >>> on_day(datetime(2026, 12, 7, 7, tzinfo=UTC), now, paris, "en")
    'on Monday'
    >>> on_day(datetime(2027, 1, 4, 7, tzinfo=UTC), now, paris, "fr")
    'le 4 janv. 2027'
    """
    local, today = at.astimezone(tz).date(), now.astimezone(tz).date()
    days = (local - today).days
    fr = language == "fr"
    if days <= 0:
        return "aujourd'hui" if fr else "today"
    if days == 1:
        return "demain" if fr else "tomorrow"
    if days < 7:
        weekday = str(format_date(local, "EEEE", locale=LOCALES[language]))
        return weekday if fr else f"on {weekday}"
    on = short_day(local, language) if local.year == today.year else day(local, language)
    return f"le {on}" if fr else f"on {on}"


def when(at: datetime, now: datetime, tz: ZoneInfo, language: Language) -> str:
    """When something happens next, as every screen says it (the refusal, the code screen,
    the day pass, the home screen's hours): :func:`on_day` and the time, ``demain à 08:00`` /
    ``tomorrow at 08:00``, ``lundi à 08:00`` / ``on Monday at 08:00``.

    >>> from datetime import UTC
    >>> paris, now = ZoneInfo("Europe/Paris"), datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    >>> when(datetime(2026, 12, 2, 7, tzinfo=UTC), now, paris, "fr")
    "aujourd'hui à 08:00"
    >>> when(datetime(2026, 12, 3, 7, tzinfo=UTC), now, paris, "en")
    'tomorrow at 08:00'
    """
    hour = clock_time(at, tz, language)
    return f"{on_day(at, now, tz, language)} {'à' if language == 'fr' else 'at'} {hour}"


def first_name(name: str) -> str:
    """What a screen calls a member: the first word of their name, its control characters
    escaped (a name stored before they were refused shows as text, never as a command)."""
    words = printable(name).split()
    return words[0] if words else name


def _closed_on(closed: date | None, language: Language) -> str:
    """``on 25 Dec 2026``; ``today`` for a node's decision, which does not carry the date."""
    if closed is None:
        return "aujourd'hui" if language == "fr" else "today"
    return f"le {day(closed, language)}" if language == "fr" else f"on {day(closed, language)}"


def explain(decision: Decision, language: Language, *, clock: SiteClock | None = None,
            currency: str = "EUR", resource_label: str | None = None) -> str:
    """The sentence for a decision; ``resource_label`` names the resource (its description on
    a screen; the CLI says its name)."""
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
    return _REASONS[decision.reason][language].format(
        first_name=first_name(decision.member_name or ""),
        resource=resource_label or decision.resource,
        skill=decision.skill or "",
        ended=ended,
        starts=starts,
        closed_on=_closed_on(decision.closed_on, language),
        card_status=_CARD_STATUS[language].get(str(decision.card_status), ""),
        balance=money(decision.balance_cents or 0, currency, language),
        floor=money(decision.floor_cents or 0, currency, language),
    )
