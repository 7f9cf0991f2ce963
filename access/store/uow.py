"""The unit of work: one transaction per use case, committed whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from access.store import generation
from access.store.engine import READONLY_OPTION


class Store:
    """Hands out sessions: ``write()`` for changes, ``read()`` for queries.

    >>> with store.write() as session:
    ...     session.add(member)          # committed at the end of the block, or rolled back
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = sessionmaker(engine, expire_on_commit=False)
        generation.watch(self._writer)
        self._reader = sessionmaker(engine.execution_options(**{READONLY_OPTION: True}),
                                    expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            try:
                yield session
            finally:
                session.rollback()

    def close(self) -> None:
        self.engine.dispose()
