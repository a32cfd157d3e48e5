"""Create the PostgreSQL database named in a URL if it does not exist yet (for `make serve`).

    .venv/bin/python scripts/ensure_database.py postgres://postgres@127.0.0.1:5432/guidebook_serve

Connects to the server's `postgres` maintenance database; never drops or changes anything.
"""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def ensure_database(url: str) -> bool:
    """Create the database if missing; returns True when it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        raise SystemExit(f"Expected a postgres://…/name URL, not {url!r}.")
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        connection.close()


if __name__ == "__main__":
    created = ensure_database(sys.argv[1])
    print(f"Created database {urlsplit(sys.argv[1]).path.lstrip('/')}." if created else "Database exists.")
