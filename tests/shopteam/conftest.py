"""A scratch PostgreSQL database beside the test database, for what must start from an empty one (a restore, a
deployment's migrate); dropped afterwards."""
import os

import psycopg2
import pytest
from django.db import connection


@pytest.fixture
def scratch_database(request):
    """The URL of a new, empty database on the test database's server (its name from the test's module)."""
    source = connection.settings_dict
    name = f"{source['NAME']}_{request.module.__name__.rsplit('_', 1)[-1]}_{os.getpid()}"
    admin = psycopg2.connect(dbname="postgres", host=source["HOST"], port=source["PORT"] or 5432,
                             user=source["USER"], password=source["PASSWORD"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{source['PASSWORD']}" if source["PASSWORD"] else ""
    yield f"postgres://{source['USER']}{password}@{source['HOST']}:{source['PORT'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
