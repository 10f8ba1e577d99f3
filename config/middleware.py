"""Project middleware: JSON errors under /api/, the Content-Security-Policy."""

from __future__ import annotations

from http import HTTPStatus

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    """Under /api/, an error that did not come from the API itself still is JSON.

    Unknown paths (Wagtail's 404 page), methods an endpoint does not take (ninja's
    plain-text 405), Django's own 400/403/500 pages: each becomes
    ``{"detail": "<reason>"}`` with the same status. The staff-only docs pages
    are left as they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _json_error(response)
        return response


def _json_error(response: HttpResponse) -> HttpResponse:
    from config.api_kit import error_response

    try:
        reason = HTTPStatus(response.status_code).phrase
    except ValueError:
        reason = response.reason_phrase
    replacement = error_response(response.status_code, reason)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            replacement[header] = response[header]
    return replacement


class WeiketangCSPMiddleware(CSPMiddleware):
    """django-csp with a second, looser policy for the Wagtail admin.

    The learner site gets ``CONTENT_SECURITY_POLICY`` (no inline script or style);
    paths under ``WEIKETANG_CSP_ADMIN_PREFIXES`` get ``WEIKETANG_ADMIN_CSP``, since
    Wagtail's admin still writes inline styles and scripts.
    """

    def get_policy_parts(
        self, request: HttpRequest, response, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(
                tuple(settings.WEIKETANG_CSP_ADMIN_PREFIXES)
            )
        ):
            parts.config = settings.WEIKETANG_ADMIN_CSP["DIRECTIVES"]
        return parts
