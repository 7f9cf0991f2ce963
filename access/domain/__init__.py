"""Pure domain code: no I/O, no project imports outside this package.

Everything here is plain dataclasses and functions, so it can be tested without a
database, a broker or a Qt event loop.
"""
