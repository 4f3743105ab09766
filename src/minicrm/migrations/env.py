"""Alembic environment, run from inside the installed package (no alembic.ini).

`store.migrate` passes an open connection in `config.attributes["connection"]`.
"""

from alembic import context
from sqlmodel import SQLModel

from minicrm.store.core import schema  # noqa: F401  (registers the tables on SQLModel.metadata)

FTS_TABLES = ("contact_fts", "company_fts", "interaction_fts")


def include_object(obj, name, type_, reflected, compare_to):
    # FTS5 virtual tables and their shadow tables are managed by hand in the migrations.
    return not (type_ == "table" and any(name == t or name.startswith(t + "_") for t in FTS_TABLES))


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        url = context.config.get_main_option("sqlalchemy.url")
        assert url is not None  # store.migrate.upgrade sets sqlalchemy.url with the connection
        engine = create_engine(url)
        with engine.begin() as connection:
            _configure_and_run(connection)
        return
    _configure_and_run(connection)


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    context.run_migrations()


run()
