"""Alembic environment: runs on the engine handed in by access.store.migrate."""

from alembic import context

from access.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` run by hand: build one from the URL it was given
    from access.store.engine import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url"))


def run_offline() -> None:
    context.configure(url=str(engine.url), target_metadata=Base.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
