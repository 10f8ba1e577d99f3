"""Supervisors' export of the 学时 ledger (CSV with a BOM, Asia/Shanghai days)."""

import csv
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from cms.roles import is_supervisor
from cms.scoping import supervised_root
from progress.selectors import learning_ledger_for
from progress.services.assignments import today_local


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def ledger_export(request: HttpRequest) -> HttpResponse:
    """GET ?start=YYYY-MM-DD&end=YYYY-MM-DD: one row per worker and day, in scope."""
    user = request.user
    if not (user.is_superuser or is_supervisor(user)):
        raise PermissionDenied
    end = _day(request.GET.get("end"), today_local())
    start = _day(request.GET.get("start"), end - timedelta(days=29))
    root = supervised_root(user)
    unit = root.name if root else _("全部")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{unit}-学时-{start.isoformat()}-{end.isoformat()}.csv"
    response["Content-Disposition"] = (
        f"attachment; filename=\"ledger.csv\"; filename*=UTF-8''{_quote(filename)}"
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("日期"), _("组织单元"), _("姓名"), _("用户名"), _("观看（分钟）"),
         _("阅读（分钟）"), _("学时（分钟）"), _("完成微课数")]
    )  # fmt: skip
    for row in learning_ledger_for(viewer=user, start=start, end=end):
        profile = getattr(row.user, "profile", None)
        writer.writerow(
            [
                row.day.isoformat(),
                profile.org_unit.name if profile else "",
                row.user.get_full_name(),
                row.user.get_username(),
                round(row.watched_seconds / 60, 1),
                round(row.read_seconds / 60, 1),
                round(row.minutes, 1),
                row.lessons_completed,
            ]
        )
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)
