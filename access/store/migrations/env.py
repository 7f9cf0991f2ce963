"""Alembic environment: runs on the engine handed in by access.store.migrate."""

from alembic import context
from sqlalchemy import Engine

from access.store.models import Base

config = context.config


def _engine() -> Engine:
    engine: Engine | None = config.attributes.get("engine")
    if engine is not None:
        return engine
    # `alembic` run by hand: build one from the URL it was given.
    from access.store.engine import make_engine

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url, or run `seuil db upgrade`")
    return make_engine(url)


def run_offline() -> None:
    context.configure(url=str(_engine().url), target_metadata=Base.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with _engine().connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
