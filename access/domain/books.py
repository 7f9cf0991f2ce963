"""The association's books: each ledger entry as a double entry, in Paheko's or the FEC's form.

Pure: the service hands over plain ``Movement`` values (ledger entries, cash taken to the
bank, volunteer time) and a ``Chart`` (the account of each kind, from seuil.toml), and gets
lines back. Every movement is one entry with one debit account, one credit account and one
amount, so debits equal credits by construction, entry by entry.

How each movement is booked (``members`` is 4110 by default)::

    charge (dues, day pass, machine, ...)   debit members        credit dues/706/...
    payment                                 debit cash/bank/...  credit members
    waiver                                  debit waivers        credit members
    credit                                  debit credits        credit members
    cash-box surplus                        debit cash           credit cash_surplus
    cash-box shortfall                      debit cash_shortfall credit cash
    cash taken to the bank                  debit bank           credit cash
    volunteer time (in kind)                debit 864            credit 875

>>> chart = Chart()
>>> line = book(Movement("E1", date(2026, 11, 20), MovementKind.PAYMENT, 1250, "Top-up",
...                      member="Ada", method="cash"), chart)
>>> (line.debit, line.credit, line.cents, paheko_amount(line.cents))
('530', '4110', 1250, '12,50')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

TextCell = Callable[[str], str]
"""How a text cell is written: the exports pass the spreadsheets' formula escaping."""


class MovementKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    WAIVER = "waiver"
    CREDIT = "credit"
    SURPLUS = "surplus"
    SHORTFALL = "shortfall"
    DEPOSIT = "deposit"
    VOLUNTEERING = "volunteering"


class ChargeFor(StrEnum):
    DUES = "dues"
    DAY_PASS = "day_pass"
    MACHINE = "machine"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Chart:
    """The account numbers (defaults: ANC 2018-06, as in Paheko's chart for associations)."""

    members: str = "4110"
    cash: str = "530"
    bank: str = "512"
    cheques: str = "5112"
    dues: str = "756"
    day_passes: str = "706"
    machines: str = "706"
    other_charges: str = "7088"
    waivers: str = "709"
    credits: str = "6588"
    cash_surplus: str = "7588"
    cash_shortfall: str = "6588"
    volunteering_use: str = "864"
    volunteering_source: str = "875"

    def payment_account(self, method: str | None) -> str:
        return {"cash": self.cash, "cheque": self.cheques}.get(method or "cash", self.bank)

    def revenue(self, charge_for: ChargeFor) -> str:
        return {ChargeFor.DUES: self.dues, ChargeFor.DAY_PASS: self.day_passes,
                ChargeFor.MACHINE: self.machines}.get(charge_for, self.other_charges)


ACCOUNT_NAMES = {
    "4110": "Autres usagers", "411": "Usagers", "530": "Caisse", "512": "Banques",
    "5112": "Chèques à encaisser", "5115": "Paiements par carte à encaisser",
    "706": "Prestations de services",
    "7088": "Autres produits d'activités annexes", "756": "Cotisations", "709": "RRR accordés",
    "6588": "Charges diverses de gestion courante", "658": "Charges diverses de gestion courante",
    "7588": "Autres produits divers de gestion courante", "758": "Produits divers de gestion courante",
    "864": "Personnel bénévole", "875": "Bénévolat", "870": "Dons en nature",
}
"""Names for the FEC's CompteLib (ANC 2018-06); an account not here is named by its number."""


@dataclass(frozen=True, slots=True)
class Movement:
    """One thing that happened to the association's money (or time, for volunteering)."""

    piece: str
    """Its number in Seuil, unique in the books: ``E42`` (ledger entry), ``D3`` (deposit),
    ``B7`` (volunteer time)."""
    on: date
    kind: MovementKind
    cents: int
    """Positive."""
    label: str
    member: str = ""
    member_id: int | None = None
    method: str | None = None
    charge_for: ChargeFor = ChargeFor.OTHER
    reference: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class BookLine:
    """One entry of the books: ``cents`` from ``debit`` to ``credit``."""

    movement: Movement
    debit: str
    credit: str

    @property
    def cents(self) -> int:
        return self.movement.cents


def book(movement: Movement, chart: Chart) -> BookLine:
    """The double entry for ``movement``."""
    if movement.cents <= 0:
        raise ValueError(f"a movement is positive, not {movement.cents}")
    kind = movement.kind
    pairs = {
        MovementKind.CHARGE: (chart.members, chart.revenue(movement.charge_for)),
        MovementKind.PAYMENT: (chart.payment_account(movement.method), chart.members),
        MovementKind.WAIVER: (chart.waivers, chart.members),
        MovementKind.CREDIT: (chart.credits, chart.members),
        MovementKind.SURPLUS: (chart.cash, chart.cash_surplus),
        MovementKind.SHORTFALL: (chart.cash_shortfall, chart.cash),
        MovementKind.DEPOSIT: (chart.bank, chart.cash),
        MovementKind.VOLUNTEERING: (chart.volunteering_use, chart.volunteering_source),
    }
    debit, credit = pairs[kind]
    return BookLine(movement, debit, credit)


# --- Paheko's "Simplifié" import -------------------------------------------------------------

PAHEKO_COLUMNS = ("Numéro d'écriture", "Type", "Statut", "Libellé", "Date", "Remarques",
                  "Numéro pièce comptable", "Référence paiement", "Compte de débit", "Compte de crédit",
                  "Montant", "Projet analytique", "Membres associés")
PAHEKO_TYPES = ("Avancé", "Recette", "Dépense", "Virement", "Dette", "Créance")
"""Paheko's transaction types (``Transaction::TYPES_NAMES``); an unknown one fails its import."""


def paheko_amount(cents: int) -> str:
    """``12,50``: a decimal comma, no thousands separator."""
    units, rest = divmod(cents, 100)
    return f"{units},{rest:02d}"


def paheko_type(line: BookLine) -> str:
    """The type Paheko gives such an entry: it refuses a ``Recette`` with an expense account
    and a ``Dépense`` with a revenue account, so anything else is ``Avancé``."""
    debit, credit = line.debit[:1], line.credit[:1]
    if debit == "5" and credit == "5":
        return "Virement"
    if debit == "5" and credit == "7":
        return "Recette"
    if debit == "6" and credit == "5":
        return "Dépense"
    if debit == "4" and credit == "7":
        return "Créance"
    return "Avancé"


def paheko_csv(lines: Iterable[BookLine], text: TextCell) -> str:
    """The Simplifié CSV: ``;``-separated, decimal comma, dates ``DD/MM/YYYY``, one line per
    entry. "Numéro d'écriture" stays empty (Paheko numbers new entries; a number there would
    be taken as one of its own to update); Seuil's number is the "Numéro pièce comptable"."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(PAHEKO_COLUMNS)
    for line in lines:
        m = line.movement
        writer.writerow(["", paheko_type(line), "", text(m.label), m.on.strftime("%d/%m/%Y"), text(m.notes),
                         f"SEUIL-{m.piece}", text(m.reference), line.debit, line.credit,
                         paheko_amount(line.cents), "", text(m.member)])
    return out.getvalue()


# --- FEC (fichier des écritures comptables, article A47 A-1 du LPF) ----------------------------

FEC_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
               "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
               "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise")
JOURNALS = {"VT": "Ventes et cotisations", "CA": "Caisse", "BQ": "Banque", "OD": "Opérations diverses",
            "CV": "Contributions volontaires"}


def journal(line: BookLine, chart: Chart) -> str:
    accounts = {line.debit, line.credit}
    kind = line.movement.kind
    if kind is MovementKind.VOLUNTEERING:
        return "CV"
    if kind is MovementKind.CHARGE:
        return "VT"
    if chart.cash in accounts:
        return "CA"
    if chart.bank in accounts or chart.cheques in accounts:
        return "BQ"
    return "OD"


def fec(lines: Sequence[BookLine], chart: Chart, text: TextCell) -> str:
    """The FEC: 18 tab-separated columns, two lines (debit, credit) per entry, numbered in
    order, dates ``YYYYMMDD``, amounts with a decimal comma. Members are auxiliary accounts of
    ``members`` (``CompAuxNum`` ``M00042``)."""

    def clean(value: str) -> str:
        return text(" ".join(value.split()))  # a tab or a newline would break the columns

    rows = ["\t".join(FEC_COLUMNS)]
    for number, line in enumerate(lines, start=1):
        m = line.movement
        code = journal(line, chart)
        day = m.on.strftime("%Y%m%d")
        for account, debit, credit in ((line.debit, line.cents, 0), (line.credit, 0, line.cents)):
            member = account == chart.members and m.member_id is not None
            rows.append("\t".join([
                code, JOURNALS[code], str(number), day, account, ACCOUNT_NAMES.get(account, account),
                f"M{m.member_id:05d}" if member else "", clean(m.member) if member else "",
                f"SEUIL-{m.piece}", day, clean(m.label), paheko_amount(debit), paheko_amount(credit),
                "", "", day, "", ""]))
    return "\r\n".join(rows) + "\r\n"

