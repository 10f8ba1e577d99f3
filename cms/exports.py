"""Exports and name lists the way a Chinese office reads them.

One place for every spreadsheet export and every list sorted by name (the people
admin, supervisor dashboards, reports):

- CSV starts with a UTF-8 BOM, or Excel on Chinese Windows opens it as GBK
  mojibake; XLSX needs none.
- Times are Asia/Shanghai (settings.TIME_ZONE) to the minute, never raw UTC.
- File names say whose and what: 江浦路街道-人员-2026-12-02.xlsx.
- Names sort by pinyin: ``PinyinCollate`` orders a queryset in the database
  (PostgreSQL's ICU zh collation; a pypinyin collation registered on SQLite),
  ``pinyin_key`` sorts a list built in Python, both in the same order.

Wagtail index views get all of it from ``ChineseSpreadsheetExportMixin``.
"""

from __future__ import annotations

import codecs
import datetime
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from django.db.models import Func
from django.db.models.functions import Collate
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

T = TypeVar("T")

EXPORT_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# PostgreSQL's ICU collation for Simplified Chinese orders by pinyin.
POSTGRESQL_PINYIN_COLLATION = "zh-Hans-x-icu"
SQLITE_PINYIN_COLLATION = "pinyin"


def local_minute(value: datetime.datetime | None) -> datetime.datetime | None:
    """An aware datetime as naive Asia/Shanghai wall time, seconds dropped."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def local_minute_text(value: datetime.datetime | None) -> str:
    """2026-12-02 09:05 in Asia/Shanghai, or "" for no time."""
    value = local_minute(value)
    return value.strftime(EXPORT_DATETIME_FORMAT) if value else ""


def export_filename(
    *, unit: str | None, subject: str, day: datetime.date | None = None
) -> str:
    """江浦路街道-人员-2026-12-02 (no extension); the day is today in Shanghai."""
    day = day or timezone.localdate()
    parts = [unit, subject, day.isoformat()]
    name = "-".join(str(part) for part in parts if part)
    # Path separators and quotes have no place in a download's name.
    return "".join("_" if char in '/\\"\r\n' else char for char in name)


@lru_cache(maxsize=4096)
def pinyin_key(text: str) -> tuple:
    """A sort key putting Chinese names in pinyin order (安娜, 陈静, 王丽华, 张伟).

    Each Chinese character is keyed by its toneless pinyin, then its tone, then
    the character itself, so homophones stay apart and the order is total. As in
    PostgreSQL's ICU zh collation, digits and punctuation come before Chinese
    and Latin letters after it.
    """
    from pypinyin import Style, pinyin

    text = str(text or "")
    syllables = pinyin(text, style=Style.TONE3, heteronym=False, errors=list)
    key = []
    for char, (syllable,) in zip(text, syllables, strict=False):
        if syllable == char:  # not a Chinese character
            group = 2 if char.isalpha() else 0
            key.append((group, char.lower(), "", char))
            continue
        tone = syllable[-1] if syllable[-1:].isdigit() else "5"
        key.append((1, syllable.rstrip("012345").lower(), tone, char))
    return tuple(key)


def sorted_by_pinyin(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    return sorted(items, key=lambda item: pinyin_key(key(item)))


class PinyinCollate(Collate):
    """ORDER BY a text column in pinyin order, on PostgreSQL and on SQLite."""

    def __init__(self, expression):
        super().__init__(expression, POSTGRESQL_PINYIN_COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        extra_context["collation"] = connection.ops.quote_name(SQLITE_PINYIN_COLLATION)
        return Func.as_sql(self, compiler, connection, **extra_context)


def _sqlite_pinyin_compare(left: str, right: str) -> int:
    a, b = pinyin_key(left), pinyin_key(right)
    return (a > b) - (a < b)


def register_sqlite_pinyin_collation(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite (the embedded demo) learns "pinyin"."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(
            SQLITE_PINYIN_COLLATION, _sqlite_pinyin_compare
        )


class ChineseSpreadsheetExportMixin:
    """For Wagtail views with ``list_export``: BOM, local minutes, a named file.

    Set ``export_subject`` (人员) and override ``get_export_unit_name`` to name
    the unit the rows belong to.
    """

    export_subject = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        preprocess = dict(getattr(cls, "custom_value_preprocess", {}))
        preprocess[datetime.datetime] = {
            "csv": local_minute_text,
            "xlsx": local_minute,
        }
        cls.custom_value_preprocess = preprocess

    def get_export_unit_name(self) -> str | None:
        return None

    def get_filename(self) -> str:
        return export_filename(
            unit=self.get_export_unit_name(), subject=str(self.export_subject)
        )

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        # Wagtail's date format comes from the admin locale; ours is fixed.
        return super().generate_xlsx_row(
            worksheet, row_dict, date_format=XLSX_DATETIME_FORMAT
        )

    def write_csv_response(self, queryset):
        def with_bom():
            yield codecs.BOM_UTF8
            yield from self.stream_csv(queryset)

        response = StreamingHttpResponse(
            with_bom(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.get_filename()}.csv"
        )
        return response
