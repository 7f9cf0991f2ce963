"""Cells of a file a spreadsheet opens: text that it would read as a formula is escaped.

A visitor types their name at the public kiosk; the treasurer opens the month's export in
LibreOffice or Excel. A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula there (``=HYPERLINK(...)``, DDE), so text cells get a leading apostrophe,
which spreadsheets show as text and do not display (OWASP's advice for CSV injection).
Amounts are written by us and never pass through here.

>>> text_cell("=HYPERLINK(\\"http://evil.example\\",\\"click\\")")
'\\'=HYPERLINK("http://evil.example","click")'
>>> text_cell("Ada Lovelace"), text_cell("-4.50 of tea"), text_cell("")
('Ada Lovelace', "'-4.50 of tea", '')
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it: text, never a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
