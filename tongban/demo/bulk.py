"""Insert many rows of one model without building model instances.

bulk_create spends about 0.2 ms a row on model instances and SQL compilation, five times what the
database itself needs; the demo writes some 20,000 guide rows, so that alone would take most of the
load time. Here each value still goes through its field's get_db_prep_save (and missing fields get
their defaults), so SQLite and PostgreSQL receive exactly what bulk_create would send them. Only for
rows whose primary keys nobody needs back.
"""

from typing import Any

from django.db import connection
from django.db.models import AutoField, Model


def rows_insert(model: type[Model], rows: list[dict[str, Any]], *, batch_size: int = 500) -> int:
    """INSERT the rows (field name or attname → value) of `model`, many rows per statement (one round
    trip per batch on PostgreSQL, where executemany would make one per row); returns how many."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    max_params = connection.features.max_query_params or 999
    batch_size = max(1, min(batch_size, max_params // len(fields)))
    prepare = [_preparer(f) for f in fields]
    if connection.vendor == "postgresql":
        return _copy(model, fields, prepare, rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            params = [p(_value(row, f)) for row in batch for f, p in zip(fields, prepare, strict=True)]
            values = ", ".join([row_sql] * len(batch))
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values}", params)  # noqa: S608
    return len(rows)


def _copy(model, fields, prepare, rows) -> int:
    """PostgreSQL: COPY, through psycopg's own connection (the same one, in the same transaction);
    building a many-row INSERT costs psycopg more time than the database takes to run it."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as wrapper, wrapper.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([p(_value(row, f)) for f, p in zip(fields, prepare, strict=True)])
    return len(rows)


# Types whose Python values the database adapters take as they are (checked per field, once).
PLAIN_TYPES = {
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _preparer(field):
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in PLAIN_TYPES or target.get_internal_type() == "BigAutoField":
        return lambda value: value
    return lambda value: field.get_db_prep_save(value, connection)


def _value(row: dict[str, Any], field) -> Any:
    if field.attname in row:
        return row[field.attname]
    if field.name in row:
        value = row[field.name]
        return value.pk if isinstance(value, Model) else value
    return field.get_default()
