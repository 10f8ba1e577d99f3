"""Raw SQL helpers that work on either database: a literal table of rows to join,
and bulk writes (COPY on PostgreSQL).

PostgreSQL gets `unnest(array, array)`: one parameter per column, whatever the
number of rows (the trainers' aggregates join hundreds of lessons). SQLite (the
embedded run) gets a VALUES list, one parameter per cell.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def literal_table(
    alias: str, columns: list[tuple[str, str]], rows: list[tuple]
) -> tuple[str, list]:
    """(SQL for a FROM/JOIN item named alias, its parameters).

    columns: (name, PostgreSQL type) pairs; rows: tuples in that order.
    """
    names = [name for name, _ in columns]
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{pg_type}[]" for _, pg_type in columns)
        params = [[row[i] for row in rows] for i in range(len(columns))]
        return f"unnest({arrays}) AS {alias}({', '.join(names)})", params
    if not rows:
        nulls = ", ".join(f"NULL AS {name}" for name in names)
        return f"(SELECT {nulls} WHERE 1 = 0) AS {alias}", []
    cells = "(" + ", ".join(["%s"] * len(columns)) + ")"
    picks = ", ".join(f"column{i + 1} AS {name}" for i, name in enumerate(names))
    values = ", ".join([cells] * len(rows))
    return (
        f"(SELECT {picks} FROM (VALUES {values})) AS {alias}",
        [cell for row in rows for cell in row],
    )


def copy_rows(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> int:
    """COPY rows into table (text format); returns the number of rows.

    On SQLite (the embedded run) plain INSERTs in batches instead.
    """
    count = 0
    if connection.vendor != "postgresql":
        columns = list(columns)
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            batch = []
            for row in rows:
                batch.append(row)
                count += 1
                if len(batch) == 1000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        return count
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count
