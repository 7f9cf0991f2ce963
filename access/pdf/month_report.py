"""The month's report for the board, drawn as a PDF of three A4 pages (fpdf2).

Page 1: the month in figures, income by kind, money received by method, day passes' pay-what-
you-can spread. Page 2: occupancy (peak per day against capacity, average by weekday and
hour), machine hours. Page 3: the cash-box book, members who joined and left, volunteering.
Charts are drawn with fpdf2's own rectangles and lines: no charting library, no numpy, which
keeps the hub's Pi light. Text is set in DejaVu Sans when the system has it (French, the euro
sign), else in a core font with the few characters it lacks replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from access.domain.books import ChargeFor
from access.services.month_report import MonthReport
from access.texts import Language, money

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
PAGE_WIDTH_MM = 210
MARGIN_MM = 15
CONTENT_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (37, 99, 235)
ALERT = (220, 38, 38)
GRID = (222, 226, 230)

WORDS: dict[str, dict[Language, str]] = {
    "title": {"fr": "Rapport du mois", "en": "Monthly report"},
    "income": {"fr": "Recettes par nature", "en": "Income by kind"},
    "kind": {"fr": "Nature", "en": "Kind"},
    "entries": {"fr": "Écritures", "en": "Entries"},
    "charged": {"fr": "Facturé", "en": "Charged"},
    "waived": {"fr": "Remises", "en": "Waived"},
    "net": {"fr": "Net", "en": "Net"},
    "total": {"fr": "Total", "en": "Total"},
    ChargeFor.DUES: {"fr": "Cotisations", "en": "Dues"},
    ChargeFor.DAY_PASS: {"fr": "Pass journée", "en": "Day passes"},
    ChargeFor.MACHINE: {"fr": "Machines", "en": "Machine use"},
    ChargeFor.OTHER: {"fr": "Autres", "en": "Other"},
    "received": {"fr": "Encaissements par moyen de paiement", "en": "Money received, by method"},
    "cash": {"fr": "Espèces", "en": "Cash"}, "transfer": {"fr": "Virement", "en": "Transfer"},
    "cheque": {"fr": "Chèque", "en": "Cheque"}, "online": {"fr": "En ligne", "en": "Online"},
    "card": {"fr": "Carte", "en": "Card"},
    "paid_twice": {"fr": "Dont payé deux fois pour un même pass ou une recharge : {n} ({amount}), "
                         "gardé au compte du payeur : à rembourser ou à garder en don "
                         "(seuil payments twice).",
                   "en": "Of which paid twice for one pass or top-up: {n} ({amount}), held on the "
                         "payer's account: refund it or keep it as a gift (seuil payments twice)."},
    "passes": {"fr": "Pass journée : prix libre", "en": "Day passes: pay what you can"},
    "passes_line": {"fr": "{n} pass vendus ; minimum {min}, médiane {median}, moyenne {mean}, maximum {max}",
                    "en": "{n} passes sold; lowest {min}, median {median}, mean {mean}, highest {max}"},
    "no_passes": {"fr": "Aucun pass journée ce mois-ci.", "en": "No day pass this month."},
    "occupancy": {"fr": "Fréquentation", "en": "Occupancy"},
    "peak": {"fr": "Pic de présence par jour (ligne : capacité {capacity})",
             "en": "Peak people in, per day (line: capacity {capacity})"},
    "heat": {"fr": "Présence moyenne par jour de la semaine et heure",
             "en": "Average people in, by weekday and hour"},
    "no_visits": {"fr": "Aucune visite ce mois-ci.", "en": "No visits this month."},
    "machines": {"fr": "Heures machine", "en": "Machine hours"},
    "machine_column": {"fr": "Machine", "en": "Machine"}, "sessions": {"fr": "Sessions", "en": "Sessions"},
    "hours": {"fr": "Heures", "en": "Hours"},
    "no_machines": {"fr": "Aucune session machine ce mois-ci.", "en": "No machine session this month."},
    "book": {"fr": "Livre de caisse", "en": "Cash-box book"},
    "count": {"fr": "N°", "en": "No."}, "when": {"fr": "Date", "en": "When"},
    "by": {"fr": "Par", "en": "By"}, "previous": {"fr": "Précédent", "en": "Previous"},
    "declared": {"fr": "Déclaré", "en": "Declared"}, "to_bank": {"fr": "Déposé", "en": "To bank"},
    "expected": {"fr": "Attendu", "en": "Expected"}, "counted": {"fr": "Compté", "en": "Counted"},
    "difference": {"fr": "Écart", "en": "Difference"}, "opening": {"fr": "ouverture", "en": "opening"},
    "no_counts": {"fr": "La caisse n'a pas été comptée ce mois-ci.",
                  "en": "The cash box was not counted this month."},
    "deposits": {"fr": "Déposé en banque ce mois-ci : {amount}",
                 "en": "Taken to the bank this month: {amount}"},
    "members": {"fr": "Adhérents", "en": "Members"},
    "joined": {"fr": "Arrivés ({n})", "en": "Joined ({n})"},
    "left": {"fr": "Partis ({n})", "en": "Left ({n})"},
    "nobody": {"fr": "personne", "en": "nobody"},
    "volunteering": {"fr": "Bénévolat", "en": "Volunteering"},
    "volunteer_line": {"fr": "{hours} h données par {n} bénévoles (valorisées en nature, comptes 86/87)",
                       "en": "{hours} h given by {n} volunteers (in kind in the books, accounts 86/87)"},
    "kpi_income": {"fr": "Recettes nettes", "en": "Net income"},
    "kpi_members": {"fr": "Adhérents actifs", "en": "Active members"},
    "kpi_visits": {"fr": "Visites", "en": "Visits"},
    "kpi_passes": {"fr": "Pass journée", "en": "Day passes"},
    "kpi_machine": {"fr": "Heures machine", "en": "Machine hours"},
    "page": {"fr": "page {n}/{of}", "en": "page {n} of {of}"},
    "weekdays": {"fr": "lun.,mar.,mer.,jeu.,ven.,sam.,dim.", "en": "Mon,Tue,Wed,Thu,Fri,Sat,Sun"},
}
MONTHS: dict[Language, tuple[str, ...]] = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
PASS_BINS = ((0, 1, "0"), (1, 500, "< 5"), (500, 1000, "5-10"), (1000, 1500, "10-15"),
             (1500, 2000, "15-20"), (2000, 10**9, "≥ 20"))
"""Day pass amounts in cents: [low, high) and the label (in currency units)."""


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


class MonthPdf(FPDF):
    """The report's pages: a header line, a footer with the page number, its drawing helpers."""

    def __init__(self, report: MonthReport, language: Language) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.language = language
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=MARGIN_MM)
        fonts = _font_files()
        self.unicode = fonts is not None
        if fonts is not None:
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"
        self.set_title(f"{self.word('title')} {report.month}")
        self.set_creator("Seuil")
        self.set_creation_date(datetime(report.first.year, report.first.month, 1, tzinfo=UTC))

    # --- words and numbers ------------------------------------------------------------------
    def word(self, key: str, **values: object) -> str:
        return WORDS[key][self.language].format(**values)

    def text_of(self, text: str) -> str:
        """``text`` as the font can draw it (a core font has no euro sign or narrow space)."""
        if self.unicode:
            return text
        text = text.replace("€", "EUR").replace("\u202f", " ").replace("≥", ">=")
        return text.encode("latin-1", "replace").decode("latin-1")

    def money(self, cents: int) -> str:
        return money(cents, self.report.currency, self.language)

    def hours(self, seconds: int) -> str:
        """``55,4`` / ``55.4``: hours with one decimal, in the report's language."""
        text = f"{seconds / 3600:.1f}"
        return text.replace(".", ",") if self.language == "fr" else text

    def footer(self) -> None:
        self.set_y(-10)
        self.font(7, color=MUTED)
        self.cell(0, 4, self.text_of(f"Seuil · {self.report.site_name} · {self.report.month} · "
                                     + self.word("page", n=self.page_no(), of="{nb}")), align="C")

    def font(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*color)

    def heading(self, text: str) -> None:
        self.ln(3)
        self.font(12, bold=True, color=ACCENT)
        self.cell(0, 7, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.3)
        self.line(MARGIN_MM, self.get_y(), MARGIN_MM + CONTENT_MM, self.get_y())
        self.ln(2)

    def paragraph(self, text: str, *, size: float = 9, color: tuple[int, int, int] = INK) -> None:
        self.font(size, color=color)
        self.multi_cell(0, 4.5, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rows(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
             *, text_columns: int = 1) -> None:
        """A table; the first ``text_columns`` left-aligned, the others right-aligned (numbers)."""
        self.font(8.5)
        self.set_fill_color(255, 255, 255)  # the table fills its cells with the current colour
        align = tuple(["LEFT"] * text_columns + ["RIGHT"] * (len(headers) - text_columns))
        with self.table(col_widths=tuple(widths), width=sum(widths), align="LEFT", text_align=align,
                        line_height=5, borders_layout="HORIZONTAL_LINES",
                        headings_style=_headings(self.family)) as table:
            for values in [headers, *rows]:
                row = table.row()
                for value in values:
                    row.cell(self.text_of(value))
        self.ln(2)

    # --- charts -----------------------------------------------------------------------------
    def hbars(self, items: Sequence[tuple[str, int, str]], *, width: float = CONTENT_MM,
              colour: tuple[int, int, int] = ACCENT) -> None:
        """Horizontal bars: (label, value, value's text), longest bar = the largest value."""
        if not items:
            return
        label_mm, text_mm, bar_h = 38.0, 28.0, 5.0
        top = max(max(v for _, v, _ in items), 1)
        y = self.get_y()
        for label, value, shown in items:
            self.font(8.5)
            self.set_xy(MARGIN_MM, y)
            self.cell(label_mm, bar_h, self.text_of(label))
            length = (width - label_mm - text_mm) * max(value, 0) / top
            self.set_fill_color(*colour)
            if length > 0:
                self.rect(MARGIN_MM + label_mm, y + 0.8, length, bar_h - 1.6, style="F")
            self.set_xy(MARGIN_MM + label_mm + length + 1.5, y)
            self.cell(text_mm, bar_h, self.text_of(shown))
            y += bar_h + 1.2
        self.set_xy(MARGIN_MM, y + 2)

    def columns(self, values: Sequence[float], labels: Sequence[str], *, height: float = 45,
                line_at: float | None = None, label_every: int = 1) -> None:
        """Vertical bars with a value axis; ``line_at`` draws a dashed red line (capacity)."""
        axis_mm = 8.0
        x0, y0 = MARGIN_MM + axis_mm, self.get_y() + 2
        width = CONTENT_MM - axis_mm
        top = max([*values, line_at or 0, 1])
        step = _nice_step(top)
        top = step * -(-top // step)
        self.set_draw_color(*GRID)
        self.set_line_width(0.2)
        self.font(7, color=MUTED)
        tick = 0.0
        while tick <= top:
            y = y0 + height - height * tick / top
            self.line(x0, y, x0 + width, y)
            self.set_xy(MARGIN_MM, y - 2)
            self.cell(axis_mm - 1, 4, f"{tick:g}", align="R")
            tick += step
        slot = width / max(len(values), 1)
        self.set_fill_color(*ACCENT)
        for i, value in enumerate(values):
            bar = height * value / top
            if bar > 0:
                self.rect(x0 + i * slot + slot * 0.15, y0 + height - bar, slot * 0.7, bar, style="F")
            if i % label_every == 0:
                self.set_xy(x0 + i * slot - 2, y0 + height + 0.5)
                self.cell(slot + 4, 3.5, self.text_of(labels[i]), align="C")
        if line_at is not None:
            y = y0 + height - height * line_at / top
            self.set_draw_color(*ALERT)
            self.set_line_width(0.4)
            self.set_dash_pattern(dash=1.5, gap=1)
            self.line(x0, y, x0 + width, y)
            self.set_dash_pattern()
        self.set_xy(MARGIN_MM, y0 + height + 6)

    def heatmap(self, cells: dict[tuple[int, int], float]) -> None:
        """Weekdays down, hours across; the darker, the fuller."""
        hours = sorted({h for _, h in cells}) or [9]
        first, last = min(hours), max(hours)
        span = list(range(first, last + 1))
        label_mm = 12.0
        cell_w = min((CONTENT_MM - label_mm) / len(span), 9.0)
        cell_h = 6.0
        top = max(cells.values(), default=0) or 1
        x0, y0 = MARGIN_MM + label_mm, self.get_y()
        self.font(6.5, color=MUTED)
        for j, hour in enumerate(span):
            self.set_xy(x0 + j * cell_w, y0)
            self.cell(cell_w, 4, f"{hour}h", align="C")
        y0 += 4
        days = self.word("weekdays").split(",")
        self.set_draw_color(255, 255, 255)
        self.set_line_width(0.3)
        for i, name in enumerate(days):
            self.font(7, color=MUTED)
            self.set_xy(MARGIN_MM, y0 + i * cell_h)
            self.cell(label_mm - 1, cell_h, self.text_of(name))
            for j, hour in enumerate(span):
                value = cells.get((i, hour), 0.0)
                share = value / top
                shade = tuple(int(255 - (255 - c) * share) for c in ACCENT)
                self.set_fill_color(*shade)
                self.rect(x0 + j * cell_w, y0 + i * cell_h, cell_w, cell_h, style="DF")
                if value >= 0.05:
                    self.font(6, color=(255, 255, 255) if share > 0.55 else INK)
                    self.set_xy(x0 + j * cell_w, y0 + i * cell_h)
                    self.cell(cell_w, cell_h, f"{value:.1f}", align="C")
        self.set_xy(MARGIN_MM, y0 + 7 * cell_h + 3)


def _headings(family: str) -> object:
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD", color=INK, fill_color=(241, 243, 245))


def _nice_step(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 6:
            return float(step)
    return 1000.0


def render(report: MonthReport, path: Path, language: Language) -> int:
    """Write the report to ``path``; returns its number of pages."""
    pdf = MonthPdf(report, language)
    pdf.alias_nb_pages("{nb}")
    _first_page(pdf, report)
    _second_page(pdf, report)
    _third_page(pdf, report)
    pdf.output(str(path))
    return int(pdf.page_no())


def _first_page(pdf: MonthPdf, r: MonthReport) -> None:
    pdf.add_page()
    year, number = (int(p) for p in r.month.split("-"))
    pdf.font(18, bold=True)
    pdf.cell(0, 9, pdf.text_of(f"{pdf.word('title')} · {MONTHS[pdf.language][number - 1]} {year}"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(10, color=MUTED)
    pdf.cell(0, 5, pdf.text_of(f"{r.site_name} · {r.first.isoformat()} → {r.last.isoformat()}"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    visits = sum(d.visits for d in r.days)
    figures = [(pdf.word("kpi_income"), pdf.money(r.income_cents)),
               (pdf.word("kpi_members"), str(r.members_active)), (pdf.word("kpi_visits"), str(visits)),
               (pdf.word("kpi_passes"), str(len(r.day_passes))),
               (pdf.word("kpi_machine"), pdf.hours(sum(m.seconds for m in r.machines)))]
    box = CONTENT_MM / len(figures)
    y = pdf.get_y()
    for i, (label, value) in enumerate(figures):
        x = MARGIN_MM + i * box
        pdf.set_fill_color(241, 243, 245)
        pdf.rect(x + 1, y, box - 2, 16, style="F")
        pdf.set_xy(x + 1, y + 1.5)
        pdf.font(13, bold=True)
        pdf.cell(box - 2, 7, pdf.text_of(value), align="C")
        pdf.set_xy(x + 1, y + 9)
        pdf.font(7.5, color=MUTED)
        pdf.cell(box - 2, 5, pdf.text_of(label), align="C")
    pdf.set_xy(MARGIN_MM, y + 19)

    pdf.heading(pdf.word("income"))
    rows = [[pdf.word(i.kind), str(i.entries), pdf.money(i.cents), pdf.money(i.waived_cents),
             pdf.money(i.cents - i.waived_cents)] for i in r.income]
    rows.append([pdf.word("total"), str(sum(i.entries for i in r.income)),
                 pdf.money(sum(i.cents for i in r.income)), pdf.money(sum(i.waived_cents for i in r.income)),
                 pdf.money(r.income_cents)])
    pdf.rows([pdf.word(k) for k in ("kind", "entries", "charged", "waived", "net")], rows,
             (50, 25, 35, 35, 35))
    pdf.hbars([(pdf.word(i.kind), i.cents - i.waived_cents, pdf.money(i.cents - i.waived_cents))
               for i in r.income])

    pdf.heading(pdf.word("received"))
    pdf.hbars([(pdf.word(method) if method in WORDS else method, cents, pdf.money(cents))
               for method, cents in r.received.items()], colour=(16, 185, 129))
    if r.paid_twice:
        pdf.paragraph(pdf.word("paid_twice", n=len(r.paid_twice), amount=pdf.money(sum(r.paid_twice))),
                      size=8.5, color=MUTED)

    pdf.heading(pdf.word("passes"))
    if not r.day_passes:
        pdf.paragraph(pdf.word("no_passes"), color=MUTED)
        return
    amounts = r.day_passes
    pdf.paragraph(pdf.word("passes_line", n=len(amounts), min=pdf.money(min(amounts)),
                           median=pdf.money(int(median(amounts))),
                           mean=pdf.money(sum(amounts) // len(amounts)), max=pdf.money(max(amounts))))
    counts = [sum(1 for a in amounts if low <= a < high) for low, high, _ in PASS_BINS]
    unit = "€" if r.currency == "EUR" else r.currency
    pdf.columns(counts, [f"{label} {unit}" for _, _, label in PASS_BINS], height=32)


def _second_page(pdf: MonthPdf, r: MonthReport) -> None:
    pdf.add_page()
    pdf.heading(pdf.word("occupancy"))
    if not r.days and not r.by_weekday_hour:
        pdf.paragraph(pdf.word("no_visits"), color=MUTED)
    else:
        pdf.paragraph(pdf.word("peak", capacity=r.capacity), size=8.5, color=MUTED)
        peaks = {d.day: d.peak for d in r.days}
        days = [r.first.replace(day=n) for n in range(1, r.last.day + 1)]
        pdf.columns([peaks.get(d, 0) for d in days], [str(d.day) for d in days], height=45,
                    line_at=r.capacity, label_every=1 if len(days) <= 16 else 2)
        pdf.ln(2)
        pdf.paragraph(pdf.word("heat"), size=8.5, color=MUTED)
        pdf.heatmap(r.by_weekday_hour)

    pdf.heading(pdf.word("machines"))
    if not r.machines:
        pdf.paragraph(pdf.word("no_machines"), color=MUTED)
        return
    pdf.hbars([(m.resource, m.seconds, f"{pdf.hours(m.seconds)} h") for m in r.machines],
              colour=(245, 158, 11))
    pdf.rows([pdf.word(k) for k in ("machine_column", "sessions", "hours", "charged")],
             [[m.resource, str(m.sessions), pdf.hours(m.seconds), pdf.money(m.cents)] for m in r.machines],
             (60, 30, 30, 40))


def _third_page(pdf: MonthPdf, r: MonthReport) -> None:
    pdf.add_page()
    pdf.heading(pdf.word("book"))
    if not r.cash:
        pdf.paragraph(pdf.word("no_counts"), color=MUTED)
    else:
        zone = ZoneInfo(r.timezone)
        rows = [[f"#{c.id}", c.counted_at.astimezone(zone).strftime("%d/%m %H:%M") if c.counted_at else "-",
                 c.counted_by[:18], pdf.money(c.opening_cents), pdf.money(c.declared_cents),
                 pdf.money(c.deposited_cents), pdf.money(c.expected_cents), pdf.money(c.counted_cents or 0),
                 pdf.word("opening") if c.opening else pdf.money(c.difference_cents)] for c in r.cash]
        pdf.rows([pdf.word(k) for k in ("count", "when", "by", "previous", "declared", "to_bank", "expected",
                                        "counted", "difference")], rows,
                 (12, 22, 30, 18, 18, 18, 18, 18, 22), text_columns=3)
    pdf.paragraph(pdf.word("deposits", amount=pdf.money(r.deposited_cents)), size=8.5, color=MUTED)

    pdf.heading(pdf.word("members"))
    for key, names in (("joined", r.joined), ("left", r.left)):
        pdf.font(9.5, bold=True)
        pdf.cell(0, 6, pdf.text_of(pdf.word(key, n=len(names))), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.paragraph(", ".join(names) if names else pdf.word("nobody"), color=INK if names else MUTED)
        pdf.ln(1)

    pdf.heading(pdf.word("volunteering"))
    pdf.paragraph(pdf.word("volunteer_line", hours=pdf.hours(r.volunteer_seconds), n=r.volunteers))
