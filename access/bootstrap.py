"""The composition root: config, secret and store wired into a ``Site``. No work at import."""

from __future__ import annotations

import os

from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError

from access.config import Config, load_config, masked
from access.errors import NotInitialised, Unavailable
from access.services.context import Site
from access.store.engine import make_engine
from access.store.migrate import ensure_current
from access.store.uow import Store


def site_from_config(config: Config, *, check_schema: bool = True) -> Site:
    try:
        engine = make_engine(config.database_url)
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError, ValueError) as error:  # a bad port too
        raise NotInitialised(f"database.url of {config.source} cannot be used: {masked(str(error))}",
                             hint="sqlite:///seuil.db, or postgresql+psycopg://user@host/seuil "
                             "with the postgres extra installed") from None
    if check_schema:
        try:
            ensure_current(engine)  # the first connection
        except DatabaseError as error:  # cannot connect, or the file is not a database
            raise Unavailable(f"cannot open the database {masked(config.database_url)}: {error.orig}",
                              hint="is the folder there and writable, the file Seuil's own, the "
                              "PostgreSQL server up?") from None
    return Site(config=config, store=Store(engine), secret=config.read_secret())


def open_site(config_path: str | os.PathLike[str] | None = None, *,
              check_schema: bool = True) -> Site:
    """Load the config (``--config``, ``$SEUIL_CONFIG``, /etc/seuil) and open the database."""
    return site_from_config(load_config(config_path), check_schema=check_schema)
