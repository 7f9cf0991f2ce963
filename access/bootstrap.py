"""The composition root: config, secret and store wired into a ``Site``. No work at import."""

from __future__ import annotations

import os

from access.config import Config, load_config
from access.services.context import Site
from access.store.engine import make_engine
from access.store.migrate import ensure_current
from access.store.uow import Store


def site_from_config(config: Config, *, check_schema: bool = True) -> Site:
    engine = make_engine(config.database_url)
    if check_schema:
        ensure_current(engine)
    return Site(config=config, store=Store(engine), secret=config.read_secret())


def open_site(config_path: str | os.PathLike[str] | None = None, *,
              check_schema: bool = True) -> Site:
    """Load the config (``--config``, ``$SEUIL_CONFIG``, /etc/seuil) and open the database."""
    return site_from_config(load_config(config_path), check_schema=check_schema)
