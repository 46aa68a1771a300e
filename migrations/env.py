"""Alembic environment. Batch mode so ALTERs work on SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from scholardesk.store.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # FTS5 virtual tables (and their shadow tables) are created by hand in migrations.
    if type_ == "table" and name and "_fts" in name:
        return False
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _wide_version_table(connection) -> None:  # type: ignore[no-untyped-def]
    """Our revision ids run past Alembic's VARCHAR(32), which PostgreSQL enforces (SQLite does
    not): create the version table with room for them before Alembic would."""
    if connection.dialect.name == "sqlite":
        return
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table

    table = Table(
        "alembic_version", MetaData(),
        Column("version_num", String(255), nullable=False),
        PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )
    table.create(connection, checkfirst=True)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(255)"
        )


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    _wide_version_table(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
