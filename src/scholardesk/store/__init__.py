"""The only package that talks SQL: ORM models, repositories, the engine and migrations."""
