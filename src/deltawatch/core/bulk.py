"""Insert many rows fast, on SQLite and PostgreSQL.

Django's ``bulk_create`` builds a model instance per row and an INSERT per batch; for a
million statistics values that alone takes longer than our whole import budget. Here a
DataFrame goes straight to the database: PostgreSQL's COPY in CSV form written by pandas
(psycopg 3), SQLite's ``executemany`` over plain Python values — both inside the caller's
transaction.
"""

from __future__ import annotations

import io

import pandas as pd
from django.db import connection

# Rows converted to text (COPY) or Python tuples (SQLite) at a time: bounds the memory a
# million-row import needs on top of its DataFrame.
CHUNK_ROWS = 200_000


def insert_rows(table: str, frame: pd.DataFrame, *, not_null_text: tuple[str, ...] = ()) -> None:
    """Insert the rows of ``frame`` (columns named as the table's) into ``table``.

    ``not_null_text`` names text columns where an empty value is the empty string, not NULL
    (COPY's CSV form cannot otherwise tell them apart).
    """
    if frame.empty:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            options = "FORMAT csv"
            if not_null_text:
                options += ", FORCE_NOT_NULL (" + ", ".join(quote(c) for c in not_null_text) + ")"
            with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN WITH ({options})") as copy:
                for chunk in _chunks(frame):
                    buffer = io.StringIO()
                    chunk.to_csv(buffer, index=False, header=False)
                    copy.write(buffer.getvalue())
        else:
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({', '.join(['%s'] * len(frame.columns))})"
            for chunk in _chunks(frame):
                # tolist() gives plain Python values, which sqlite3 binds as they are.
                cursor.executemany(sql, list(zip(*(chunk[c].tolist() for c in chunk.columns))))


def _chunks(frame: pd.DataFrame):
    for start in range(0, len(frame), CHUNK_ROWS):
        yield frame.iloc[start:start + CHUNK_ROWS]
