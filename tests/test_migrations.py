"""Migrations from an empty database build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import (
    BACKENDS,
    create_throwaway_postgres_database,
    dispose_app_engine,
    drop_postgres_database,
    make_test_app,
)


@pytest.fixture(params=BACKENDS)
def empty_database_app(request, tmp_path):
    if request.param == "postgresql":
        url = create_throwaway_postgres_database()
    else:
        url = f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    app = make_test_app(url, str(tmp_path / "photos"))
    yield app
    dispose_app_engine(app)
    if request.param == "postgresql":
        drop_postgres_database(url)


def schema_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_from_empty_database_match_the_models(empty_database_app):
    with empty_database_app.app_context():
        upgrade()
        assert schema_differences() == []


def test_migrations_go_down_and_up_again(empty_database_app):
    with empty_database_app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert schema_differences() == []
