"""Writing many rows at once, for imports of up to millions of grants.

The ORM's bulk_create spends most of its time preparing each value in Python; these write
plain rows (PostgreSQL's COPY, or executemany) whose values are already as the database
takes them.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def insert_rows(model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def insert_rows_by_ref(
    model: type[Model], columns: tuple[str, ...], rows: list[tuple], compact_id: int
) -> dict[str, int]:
    """Insert rows of a model whose refs are unique in a Compact; returns ref -> primary key
    (neither COPY nor executemany can give the keys back)."""
    insert_rows(model, columns, rows)
    at = columns.index("ref")
    refs = [row[at] for row in rows]
    return dict(
        model._default_manager.filter(compact_id=compact_id, ref__in=refs).values_list("ref", "pk")
    )
