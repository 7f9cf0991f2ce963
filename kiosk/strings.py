"""Every text of the kiosk's screens, in French and in English.

One table, two columns: a key cannot exist in one language only. ``{name}`` fields are filled
by ``text()``. Why a tap was refused is said by ``access.texts.explain`` (the CLI says the
same); money, dates and French typesetting come from ``access.texts`` too.
"""

from __future__ import annotations

from access import texts
from access.texts import LANGUAGES, Language, typeset

STRINGS: dict[str, tuple[str, str]] = {
    # home
    "home.tap": ("Badgez votre carte", "Tap your badge"),
    "home.tap_hint": ("sur le lecteur à côté de la porte", "on the reader by the door"),
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
    "welcome.helper": ("{name} est là et peut vous aider sur « {machine} » ({topics}).",
                       "{name} is in and can help you with “{machine}” ({topics})."),
    "welcome.out_closed": ("La porte ne s'ouvre plus à cette heure : sortez avec le bouton de sortie.",
                           "The door no longer opens at this hour: leave with the exit button."),
    "welcome.door_open": ("La porte est ouverte.", "The door is open."),
    "welcome.membership_until": ("{plan} : jusqu'au {date} ({days})",
                                 "{plan}: until {date} ({days})"),
    "welcome.membership_open": ("{plan} : en cours", "{plan}: current"),
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
    "welcome.pass_later": ("Votre pass journée ouvre la porte {when}.",
                           "Your day pass opens the door {when}."),
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
    "pass.card_bound_later": ("Votre badge ouvre la porte {day}, de {start} à {end}. "
                              "Rendez-le en partant.",
                              "Your badge opens the door {day}, from {start} to {end}. "
                              "Give it back when you leave."),
    "pass.code": ("Un code à 6 chiffres", "A 6-digit code"),
    "pass.code_shown": ("Votre code : {code}", "Your code: {code}"),
    "pass.code_hint": ("Tapez-le sur l'écran « J'ai un code » pour ouvrir, jusqu'à {time}.",
                       "Type it on the “I have a code” screen to open, until {time}."),
    "pass.code_hint_later": ("Tapez-le sur l'écran « J'ai un code » : il ouvre la porte {day}, "
                             "de {start} à {end}.",
                             "Type it on the “I have a code” screen: it opens the door {day}, "
                             "from {start} to {end}."),
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
    # day pass in three screens (issue 17)
    "pass.stage_amount": ("Montant", "Amount"),
    "pass.stage_pay": ("Paiement", "Payment"),
    "pass.stage_done": ("C'est ouvert", "Come in"),
    "pass.stage_done_later": ("Votre pass", "Your pass"),
    "pass.amount_chosen": ("Montant : {amount}", "Amount: {amount}"),
    "pass.own_amount": ("Prix libre", "Other amount"),
    "pass.suggested_short": ("suggéré", "suggested"),
    "pass.cash_then": ("Mettez l'argent dans la caisse, puis touchez :",
                       "Put the money in the box, then touch:"),
    "pass.scan_to_pay": ("Scannez ce code avec votre téléphone.", "Scan this code with your phone."),
    "pass.pay_cash": ("En espèces", "Cash"),
    "pass.pay_online": ("En ligne, par carte", "Online, by card"),
    "pass.cash_button": ("J'ai mis {amount} dans la caisse", "I put {amount} in the box"),
    "pass.online_off": ("Le paiement en ligne est indisponible : payez en espèces.",
                        "Online payment is unavailable: please pay cash."),
    "pass.door_opened": ("La porte est ouverte : entrez !", "The door is open: come in!"),
    "pass.door_no_answer": ("La porte ne répond pas : prévenez un·e bénévole.",
                            "The door does not answer: tell a volunteer."),
    "pass.shut_now": ("À cette heure, un pass journée n'ouvre pas la porte.",
                      "At this hour, a day pass does not open the door."),
    "pass.door_closed_now": ("La porte est fermée : elle ouvre {when}.",
                             "The door is closed: it opens {when}."),
    "pass.valid_on": ("Votre pass sera valable {day}, de {start} à {end}.",
                      "Your pass will be valid {day}, from {start} to {end}."),
    "pass.code_title": ("Votre code pour la porte", "Your door code"),
    "pass.paid_twice": ("Vous avez aussi payé {amount} : pas de second pass, c'est noté. "
                        "Un·e bénévole vous le rend ou le garde en don.",
                        "You also paid {amount}: no second pass, it is recorded. "
                        "A volunteer gives it back or keeps it as a gift."),
    "pass.details": ("Mon prénom, mon reçu", "My name, my receipt"),
    "pass.save": ("Enregistrer", "Save"),
    "pass.card_instead": ("Un badge prêté plutôt", "A spare badge instead"),
    "pass.visitor": ("Visiteur·se", "Visitor"),
    # "are you still there?"
    "idle.title": ("Vous êtes toujours là ?", "Are you still there?"),
    "idle.countdown": ("Retour à l'accueil dans {seconds} s", "Back to the start in {seconds} s"),
    "idle.stay": ("Je suis là", "I'm here"),
    # refusals: a way out
    "denied.day_pass": ("Prendre un pass journée", "Get a day pass"),
    "denied.contact": ("Contacter l'équipe", "Contact the team"),
    "denied.ok": ("OK", "OK"),
    "denied.opens": ("Ouvre {when}", "Opens {when}"),
    "denied.top_up": ("Recharger mon solde", "Top up my balance"),
    "denied.top_up_here": ("ici, en espèces ou en ligne", "here, cash or online"),
    "denied.top_up_cash": ("ici, en espèces", "here, in cash"),
    # top-up at the kiosk (issue 18.4)
    "topup.title": ("Recharger : {name}", "Top up: {name}"),
    "topup.title_anonymous": ("Recharger mon solde", "Top up my balance"),
    "topup.step_amount": ("Combien ajouter ?", "How much to add?"),
    "topup.balance": ("Solde actuel : {amount}", "Balance now: {amount}"),
    "topup.stage_done": ("Rechargé", "Topped up"),
    "topup.done": ("Merci ! {amount} ajoutés. Nouveau solde : {balance}",
                   "Thank you! {amount} added. New balance: {balance}"),
    "topup.paid_twice": ("Vous avez aussi payé {amount} : c'est ajouté à votre solde ({balance}). "
                         "Un·e bénévole peut vous le rendre.",
                         "You also paid {amount}: it is added to your balance ({balance}). "
                         "A volunteer can give it back."),
    "topup.bad_amount": ("Choisissez un montant jusqu'à {amount}.", "Choose an amount up to {amount}."),
    "code.auto": ("Le code part tout seul au 6e chiffre", "The code goes at the 6th digit"),
    # door code
    "code.title": ("Entrez votre code", "Enter your code"),
    "code.open": ("Ouvrir", "Open"),
    "code.opening": ("Ouverture de la porte…", "Opening the door…"),
    "code.opened": ("Bienvenue {name} : la porte est ouverte.", "Welcome {name}: the door is open."),
    "code.closed_until": ("La porte est fermée pour votre pass : elle ouvre {when}.",
                          "The door is closed to your pass: it opens {when}."),
    "code.closed": ("Votre pass n'ouvre plus la porte aujourd'hui.",
                    "Your pass does not open the door any more today."),
    "code.wrong": ("Code inconnu ou expiré.", "Unknown or expired code."),
    "code.locked": ("Trop d'essais : réessayez dans {seconds} s.",
                    "Too many tries: try again in {seconds} s."),
    "code.offline": ("La porte ne répond pas. Prévenez un·e bénévole.",
                     "The door does not answer. Tell a volunteer."),
    # dashboard
    "dash.title": ("Tableau de bord", "Dashboard"),
    "dash.who": ("Qui est là", "Who is in"),
    "dash.ask_me_about": ("aide sur : {topics}", "ask me about: {topics}"),
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
    "dash.backup_late": ("Copie des données hors du Pi en retard (dernière : {time}). Prévenez un "
                         "administrateur.", "Copy of the data off the Pi is late (last one: {time}). "
                         "Tell an admin."),
    "dash.backup_unreachable": ("Copie des données hors du Pi injoignable. Prévenez un administrateur.",
                                "Copy of the data off the Pi cannot be reached. Tell an admin."),
    "dash.nodes_not_recording": ("N'enregistre plus (carte SD pleine ou en lecture seule) : {nodes}",
                                 "Not recording (SD card full or read-only): {nodes}"),
    "dash.nodes_ok": ("Tous les lecteurs sont en ligne", "All readers are online"),
    "dash.roll_call": ("Appel incendie", "Fire roll-call"),
    "roll.made_at": ("Liste faite à {time}", "List made at {time}"),
    "roll.counted": ("{ticked} / {count} comptés", "{ticked} / {count} counted"),
    "roll.visitor": ("Visiteur·se n° {number}", "Visitor no. {number}"),
    "roll.day_pass": ("pass journée", "day pass"),
    "roll.unlock_hint": ("Noms complets : badge d'un·e bénévole", "Full names: a volunteer's badge"),
    "roll.refresh": ("Refaire la liste", "Make the list again"),
    "home.roll_call": ("Appel incendie", "Fire roll-call"),
    "dash.sort_name": ("Par nom", "By name"),
    "dash.sort_time": ("Par arrivée", "By arrival"),
    "dash.print": ("Imprimer", "Print"),
    "dash.printed": ("Liste envoyée à l'imprimante", "List sent to the printer"),
    "dash.since": ("depuis {time}", "since {time}"),
}


def text(key: str, language: Language, **fields: object) -> str:
    template = STRINGS[key][LANGUAGES.index(language)]
    return typeset(template.format(**fields) if fields else template, language)


def table(language: Language) -> dict[str, str]:
    index = LANGUAGES.index(language)
    return {key: typeset(pair[index], language) for key, pair in STRINGS.items()}


# --- Words that follow a number: a form per CLDR plural category (Babel), per language. -------
# ``one`` is 0 and 1 in French ("1 présent", "0 présent"), 1 only in English; a category a
# language lacks here falls back to ``other``.
PLURALS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "home.people_in": ({"one": "{count} / {capacity} présent", "other": "{count} / {capacity} présents"},
                       {"other": "{count} / {capacity} in"}),
    "home.machines_in_use": ({"one": "{count} machine en marche", "other": "{count} machines en marche"},
                             {"one": "{count} machine in use", "other": "{count} machines in use"}),
    "welcome.days_left": ({"one": "{count} jour", "other": "{count} jours"},
                          {"one": "{count} day", "other": "{count} days"}),
    "dash.people": ({"one": "personne présente", "other": "personnes présentes"},
                    {"one": "person in", "other": "people in"}),
    "dash.desks_free": ({"one": "{count} place libre", "other": "{count} places libres"},
                        {"one": "{count} desk free", "other": "{count} desks free"}),
    "dash.over": ({"one": "{count} de plus que les places", "other": "{count} de plus que les places"},
                  {"one": "{count} more than the desks", "other": "{count} more than the desks"}),
    "dash.others": ({"one": "+ {count} autre", "other": "+ {count} autres"},
                    {"one": "+ {count} other", "other": "+ {count} others"}),
    "dash.roll_call_title": ({"one": "Appel incendie : {count} personne",
                              "other": "Appel incendie : {count} personnes"},
                             {"one": "Fire roll-call: {count} person",
                              "other": "Fire roll-call: {count} people"}),
}

# The dashboard's and the home screen's own words (no number in them).
STRINGS.update({
    "home.open_today": ("Ouvert aujourd'hui {hours}", "Open today {hours}"),
    "home.closed_today": ("Fermé aujourd'hui", "Closed today"),
    "home.loading": ("Un instant…", "One moment…"),
    "home.closed_now": ("Fermé : ouvre {when}", "Closed: opens {when}"),
    "dash.full": ("Complet", "Full"),
    "dash.capacity_line": ("{capacity} places", "{capacity} desks"),
    "dash.now": ("maintenant", "now"),
    "dash.hours_minutes": ("{hours} h {minutes:02d}", "{hours} h {minutes:02d}"),
    "dash.machine_in_use": ("Utilisée", "In use"),
    "dash.by_since": ("{name}, depuis {time}", "{name}, since {time}"),
    "dash.since_only": ("depuis {time}", "since {time}"),
    "dash.left": ("reste {duration}", "{duration} left"),
    "dash.minutes": ("{minutes} min", "{minutes} min"),
    "dash.free_title": ("Libre", "Free"),
    "dash.out_title": ("Hors service", "Out of service"),
    "pass.suggested_mark": ("suggéré", "suggested"),
    "pass.visitor": ("Visiteur·se", "Visitor"),  # a day pass bought without a name
    "a11y.language": ("Changer de langue : English", "Change language: Français"),
    "a11y.keyboard": ("Clavier", "Keyboard"),
})


def plural(key: str, language: Language, count: int, **fields: object) -> str:
    """The form of ``key`` for ``count`` in ``language`` (Babel's plural rules), filled in."""
    forms = PLURALS[key][LANGUAGES.index(language)]
    template = forms.get(texts.plural_form(count, language)) or forms["other"]
    return typeset(template.format(count=count, **fields), language)
