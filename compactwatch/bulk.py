"""Writing many rows at once, for imports of up to millions of grants.

The ORM's bulk_create spends most of its time preparing each value in Python; these write
plain rows (PostgreSQL's COPY, or executemany) whose values are already as the database
takes them. Rows are given by column name; every column not given takes the model field's
default (so a new column with a default needs no change here), and a column with none is
an error at once, not a NULL in the table.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import DateTimeField, Field, Model
from django.utils import timezone

from compactwatch.guard import Guarded, require_way_in


def default_of(field: Field) -> Any:
    """A column's value when a row does not give it, as the database takes it."""
    if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
        return connection.ops.adapt_datetimefield_value(timezone.now())
    if field.has_default() or field.null or field.empty_strings_allowed:
        # Django's own default: the field's, else NULL, else "" for text.
        return field.get_db_prep_save(field.get_default(), connection)
    raise ValueError(f"{field.model.__name__}.{field.name} has no default: give it in each row")


def columns_of(model: type[Model]) -> list[Field]:
    """Every column of the model's table but its automatic primary key."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def insert_rows(model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    if issubclass(model, Guarded):
        require_way_in(model.__name__)
    missing = [field for field in columns_of(model) if field.column not in columns]
    defaults = tuple(default_of(field) for field in missing)
    names = (*columns, *(field.column for field in missing))
    if defaults:
        rows = [(*row, *defaults) for row in rows]
    quote = connection.ops.quote_name
    table, listed = quote(model._meta.db_table), ", ".join(quote(column) for column in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({listed}) VALUES ({marks})", rows)


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
