"""Every text on the kiosk, in French and in English, and how money and dates are written.

One table, two columns: a key cannot exist in one language only. ``{name}`` fields are filled
by ``text()``. Money and dates follow the language through Babel (2,50 € / €2.50).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}

STRINGS: dict[str, tuple[str, str]] = {
    # home
    "home.tap": ("Badgez votre carte", "Tap your badge"),
    "home.tap_hint": ("sur le lecteur à côté de la porte", "on the reader by the door"),
    "home.people_in": ("{count} / {capacity} présents", "{count} / {capacity} in"),
    "home.machines_in_use": ("Machines en marche : {count}", "Machines in use: {count}"),
    "home.day_pass": ("Pass journée", "Day pass"),
    "home.day_pass_hint": ("Sans badge ? Entrez pour la journée", "No badge? Come in for the day"),
    "home.code": ("J'ai un code", "I have a code"),
    "home.dashboard": ("Tableau de bord", "Dashboard"),
    "language.other": ("English", "Français"),
    "common.back": ("Retour", "Back"),
    "common.home": ("Accueil", "Home"),
    "common.next": ("Suivant", "Next"),
    "common.cancel": ("Annuler", "Cancel"),
    "common.done": ("Terminé", "Done"),
    "common.working": ("Un instant…", "One moment…"),
    "common.error": ("Quelque chose n'a pas marché : {message}", "Something went wrong: {message}"),
    # welcome
    "welcome.hello": ("Bonjour {name} !", "Hello {name}!"),
    "welcome.hello_anonymous": ("Bonjour !", "Hello!"),
    "welcome.in": ("Vous êtes enregistré·e : bonne journée !", "You are checked in: have a good day!"),
    "welcome.out": ("Vous êtes sorti·e : à bientôt !", "You are checked out: see you soon!"),
    "welcome.door_open": ("La porte est ouverte.", "The door is open."),
    "welcome.membership_until": ("Adhésion {plan} jusqu'au {date} ({days} j)",
                                 "{plan} membership until {date} ({days} days)"),
    "welcome.membership_open": ("Adhésion {plan}", "{plan} membership"),
    "welcome.day_pass_until": ("Pass journée jusqu'à {time}", "Day pass until {time}"),
    "welcome.balance": ("Solde : {amount}", "Balance: {amount}"),
    "welcome.month": ("Contributions ce mois-ci : {amount}", "Contributions this month: {amount}"),
    "welcome.trained": ("Formé·e sur : {machines}", "Trained on: {machines}"),
    "welcome.trained_none": ("Pas encore formé·e sur une machine", "Not yet trained on a machine"),
    "welcome.reminder": ("Petit rappel : le {date}, vous n'aviez pas badgé en partant. "
                         "Pensez à badger en sortant, merci !",
                         "A small reminder: on {date} you did not tap out. "
                         "Please tap when you leave, thank you!"),
    "denied.title": ("Accès refusé", "Access denied"),
    "denied.unknown_card": ("Ce badge n'est pas enregistré. Un·e bénévole peut l'ajouter, "
                            "ou prenez un pass journée.",
                            "This badge is not registered. A volunteer can add it, "
                            "or take a day pass."),
    "denied.card_revoked": ("Ce badge est désactivé (perdu ou remplacé). Demandez à un·e bénévole.",
                            "This badge is disabled (lost or replaced). Ask a volunteer."),
    "denied.member_suspended": ("Votre adhésion est suspendue. Parlez-en à un·e bénévole.",
                                "Your membership is on hold. Please talk to a volunteer."),
    "denied.membership_expired": ("Votre adhésion a pris fin le {date} : renouvelez-la auprès "
                                  "d'un·e bénévole, ou prenez un pass journée.",
                                  "Your membership ended on {date}: renew it with a volunteer, "
                                  "or take a day pass."),
    "denied.membership_not_started": ("Votre adhésion commence le {date} : d'ici là, prenez un pass "
                                      "journée ou demandez à un·e bénévole.",
                                      "Your membership starts on {date}: until then, take a day pass "
                                      "or ask a volunteer."),
    "denied.membership_none": ("Vous n'avez pas d'adhésion en cours : prenez un pass journée ou "
                               "demandez à un·e bénévole.",
                               "You have no current membership: take a day pass or ask a volunteer."),
    "denied.no_access": ("Votre adhésion n'ouvre pas cette porte. Demandez à un·e bénévole.",
                         "Your membership does not open this door. Ask a volunteer."),
    "denied.outside_hours": ("L'espace est fermé à cette heure-ci pour votre adhésion.",
                             "The space is closed to your membership at this hour."),
    "denied.training_required": ("Cette machine demande une formation : demandez à un·e formateur·rice.",
                                 "This machine needs a training: ask a trainer."),
    "denied.not_enough_credit": ("Votre solde ({amount}) est sous le seuil de {floor} : "
                                 "réglez au bureau ou en ligne, puis réessayez.",
                                 "Your balance ({amount}) is below the {floor} floor: "
                                 "pay at the desk or online, then try again."),
    "denied.machine_in_use": ("La machine est déjà utilisée.", "The machine is already in use."),
    "denied.out_of_service": ("La machine est hors service.", "The machine is out of service."),
    "denied.unknown_resource": ("Ce lecteur n'est pas encore configuré. Prévenez un·e bénévole.",
                                "This reader is not set up yet. Tell a volunteer."),
    # day pass
    "pass.title": ("Pass journée", "Day pass"),
    "pass.step_name": ("Votre prénom (facultatif)", "Your first name (optional)"),
    "pass.name_placeholder": ("Prénom", "First name"),
    "pass.step_amount": ("Payez ce que vous pouvez", "Pay what you can"),
    "pass.suggested": ("Prix suggéré : {amount}", "Suggested price: {amount}"),
    "pass.floor": ("Minimum : {amount}", "Minimum: {amount}"),
    "pass.free_amount": ("Autre montant", "Other amount"),
    "pass.amount_zero": ("Gratuit", "Free"),
    "pass.below_floor": ("Le minimum est {amount}", "The minimum is {amount}"),
    "pass.step_method": ("Comment payez-vous ?", "How do you pay?"),
    "pass.cash": ("Espèces, dans la caisse", "Cash, in the box"),
    "pass.cash_hint": ("Mettez {amount} dans la caisse, puis touchez « C'est fait ».",
                       "Put {amount} in the box, then touch “Done”."),
    "pass.cash_done": ("C'est fait", "Done"),
    "pass.online": ("En ligne (carte bancaire)", "Online (bank card)"),
    "pass.online_hint": ("Scannez ce code avec votre téléphone pour payer {amount}.",
                         "Scan this code with your phone to pay {amount}."),
    "pass.online_waiting": ("En attente du paiement…", "Waiting for the payment…"),
    "pass.online_failed": ("Le paiement n'a pas abouti. Réessayez ou payez en espèces.",
                           "The payment did not go through. Try again or pay cash."),
    "pass.online_unreachable": ("Le paiement en ligne est indisponible ({message}). "
                                "Payez en espèces ou réessayez plus tard.",
                                "Online payment is unavailable ({message}). "
                                "Pay cash or try again later."),
    "pass.nothing_to_pay": ("Rien à payer : bienvenue !", "Nothing to pay: welcome!"),
    "pass.step_credential": ("Comment ouvrir la porte ?", "How will you open the door?"),
    "pass.card": ("Un badge prêté", "A spare badge"),
    "pass.card_hint": ("Prenez un badge dans la boîte et posez-le sur le lecteur.",
                       "Take a badge from the box and tap it on the reader."),
    "pass.card_waiting": ("En attente du badge…", "Waiting for the badge…"),
    "pass.card_bound": ("Votre badge ouvre la porte jusqu'à {time}. Rendez-le en partant.",
                        "Your badge opens the door until {time}. Give it back when you leave."),
    "pass.code": ("Un code à 6 chiffres", "A 6-digit code"),
    "pass.code_shown": ("Votre code : {code}", "Your code: {code}"),
    "pass.code_hint": ("Tapez-le sur l'écran « J'ai un code » pour ouvrir, jusqu'à {time}.",
                       "Type it on the “I have a code” screen to open, until {time}."),
    "pass.receipt": ("Reçu", "Receipt"),
    "pass.receipt_line": ("{name} — pass journée du {date}", "{name} — day pass of {date}"),
    "pass.receipt_paid": ("Payé : {amount} ({method})", "Paid: {amount} ({method})"),
    "pass.method_cash": ("espèces", "cash"),
    "pass.method_online": ("en ligne", "online"),
    "pass.receipt_number": ("Reçu n° {number}", "Receipt no. {number}"),
    "pass.email": ("Recevoir le reçu par e-mail", "Email me the receipt"),
    "pass.email_placeholder": ("adresse@exemple.fr", "address@example.org"),
    "pass.email_send": ("Envoyer", "Send"),
    "pass.email_sent": ("Reçu envoyé à {email}", "Receipt sent to {email}"),
    "pass.email_invalid": ("« {email} » n'est pas une adresse e-mail.",
                           "“{email}” is not an e-mail address."),
    "pass.email_failed": ("Le reçu n'a pas pu être envoyé : demandez-le à un·e bénévole.",
                          "The receipt could not be sent: please ask a volunteer."),
    "keypad.decimal": (",", "."),
    "pass.thanks": ("Merci et bienvenue !", "Thank you and welcome!"),
    # door code
    "code.title": ("Entrez votre code", "Enter your code"),
    "code.open": ("Ouvrir", "Open"),
    "code.opened": ("Bienvenue {name} : la porte est ouverte.", "Welcome {name}: the door is open."),
    "code.wrong": ("Code inconnu ou expiré.", "Unknown or expired code."),
    "code.locked": ("Trop d'essais : réessayez dans {seconds} s.",
                    "Too many tries: try again in {seconds} s."),
    "code.offline": ("La porte ne répond pas. Prévenez un·e bénévole.",
                     "The door does not answer. Tell a volunteer."),
    # dashboard
    "dash.title": ("Tableau de bord", "Dashboard"),
    "dash.count": ("{count} présents sur {capacity} places", "{count} in, {capacity} desks"),
    "dash.who": ("Qui est là", "Who is in"),
    "dash.others": ("+ {count} autres", "+ {count} others"),
    "dash.nobody": ("Personne pour l'instant", "Nobody yet"),
    "dash.machines": ("Machines", "Machines"),
    "dash.free": ("libre", "free"),
    "dash.in_use": ("utilisée par {name} depuis {time}", "in use by {name} since {time}"),
    "dash.in_use_anonymous": ("utilisée depuis {time}", "in use since {time}"),
    "dash.time_left": ("reste {minutes} min", "{minutes} min left"),
    "dash.out_of_service": ("hors service", "out of service"),
    "dash.today": ("Aujourd'hui, heure par heure", "Today, hour by hour"),
    "dash.typical": ("jour habituel", "typical day"),
    "dash.today_legend": ("aujourd'hui", "today"),
    "dash.nodes_offline": ("Hors ligne : {nodes}", "Offline: {nodes}"),
    "dash.nodes_ok": ("Tous les lecteurs sont en ligne", "All readers are online"),
    "dash.roll_call": ("Appel incendie", "Fire roll-call"),
    "dash.roll_call_title": ("Appel incendie : {count} personnes", "Fire roll-call: {count} people"),
    "dash.sort_name": ("Par nom", "By name"),
    "dash.sort_time": ("Par arrivée", "By arrival"),
    "dash.print": ("Imprimer", "Print"),
    "dash.printed": ("Liste envoyée à l'imprimante", "List sent to the printer"),
    "dash.since": ("depuis {time}", "since {time}"),
}


NBSP = "\u00a0"


def _typeset(value: str, language: Language) -> str:
    """French puts a space before ! ? : ; » and after «: make it one that never breaks a line."""
    if language != "fr":
        return value
    for mark in ("!", "?", ":", ";", "»"):
        value = value.replace(f" {mark}", f"{NBSP}{mark}")
    return value.replace("« ", f"«{NBSP}")


def text(key: str, language: Language, **fields: object) -> str:
    template = STRINGS[key][LANGUAGES.index(language)]
    return _typeset(template.format(**fields) if fields else template, language)


def table(language: Language) -> dict[str, str]:
    index = LANGUAGES.index(language)
    return {key: _typeset(pair[index], language) for key, pair in STRINGS.items()}


def money(cents: int, currency: str, language: Language) -> str:
    return format_currency(Decimal(cents) / 100, currency, locale=LOCALES[language])


def day(value: date, language: Language) -> str:
    """``3 nov.`` / ``3 Nov``: the day a membership ends, a reminder's day."""
    return format_date(value, "d MMM", locale=LOCALES[language])


def long_day(value: date, language: Language) -> str:
    return format_date(value, "EEEE d MMMM y", locale=LOCALES[language])


def clock_time(value: datetime, tz: ZoneInfo, language: Language) -> str:
    return format_time(value.astimezone(tz), "HH:mm", locale=LOCALES[language])
