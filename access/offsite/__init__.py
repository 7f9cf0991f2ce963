"""The copy of a site off its SD card: where it goes (``target``), what goes there besides the
database (``site_files``), Litestream for SQLite (``litestream``), ``pg_dump`` for PostgreSQL
(``dumps``), how fresh the copy is (``status``) and how a blank card gets the site back
(``restore``). docs/operations.md says how to choose a target and what to do when a card dies.
"""
