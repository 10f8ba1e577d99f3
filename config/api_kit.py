"""What every JSON API endpoint gets: a body limit, strict schemas, JSON errors.

- Every operation refuses a request body over its limit with 413 and a JSON error,
  before anything reads the body. The limit is ``API_BODY_LIMIT_BYTES`` (16 KiB by
  default); an endpoint that needs another one says so with ``@body_limit(n)``.
  ``config/api.py`` installs this for every router, so a new endpoint has it
  without doing anything.
- Request bodies are ``StrictSchema``s: no coercion, so ``"1"`` or ``true`` is not
  an integer (a test walks every operation and checks their body schemas).
- Validation errors are 422 with ``{"detail": [{"field": ..., "loc": ..., "msg":
  ..., "type": ...}]}``; every other error is ``{"detail": "..."}`` with its status.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema
from pydantic import BaseModel, ConfigDict

logger = logging.getLogger(__name__)

BODY_LIMIT_ATTRIBUTE = "_weiketang_body_limit"


class StrictSchema(Schema):
    """A request body schema: types are strict and unknown fields are refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class StrictModel(BaseModel):
    """StrictSchema's rules for a body an endpoint validates itself, item by item
    (the progress batches): a plain pydantic model, without ninja's wrap
    validator for Django objects, which cost 2 ms per batch of 20 events."""

    model_config = ConfigDict(strict=True, extra="forbid")


def default_body_limit() -> int:
    return settings.API_BODY_LIMIT_BYTES


def body_limit(max_bytes: int) -> Callable:
    """Give one endpoint its own request body limit (bytes), above or below @route."""

    def mark(view_func: Callable) -> Callable:
        setattr(view_func, BODY_LIMIT_ATTRIBUTE, max_bytes)
        operation = getattr(view_func, "_ninja_operation", None)
        if operation is not None:
            setattr(operation, BODY_LIMIT_ATTRIBUTE, max_bytes)
        return view_func

    return mark


def operation_body_limit(operation: Any) -> int:
    limit = getattr(operation, BODY_LIMIT_ATTRIBUTE, None)
    if limit is None:
        view_func = inspect.unwrap(operation.view_func)
        limit = getattr(view_func, BODY_LIMIT_ATTRIBUTE, None)
    return default_body_limit() if limit is None else limit


def _operation_of(run: Callable) -> Any:
    while True:
        owner = getattr(run, "__self__", None)
        if owner is not None:
            return owner
        run = getattr(run, "__wrapped__", None)
        if run is None:
            return None


def error_response(status: int, detail: Any, **extra: Any) -> HttpResponse:
    return JsonResponse(
        {"detail": detail, **extra},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def too_large(limit: int) -> HttpResponse:
    return error_response(413, f"请求内容过大（上限 {limit} 字节）", limit_bytes=limit)


def enforce_body_limit(run: Callable) -> Callable:
    """A "view" decorator (before validation) for every API operation."""
    operation = _operation_of(run)

    @functools.wraps(run)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = (
            operation_body_limit(operation)
            if operation is not None
            else default_body_limit()
        )
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return error_response(400, "Content-Length 无效")
        if length > limit:
            return too_large(limit)
        return run(request, *args, **kwargs)

    return limited


def _field_name(loc: list) -> str:
    # ninja's loc is ("body", "<argument>", field...) or ("path"/"query", name...)
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts)


def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
    errors = [
        {
            "field": _field_name(list(error.get("loc", ()))),
            "loc": list(error.get("loc", ())),
            "msg": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]
    return error_response(422, errors)


def request_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error at %s", request.path, exc_info=exc)
    return error_response(500, "服务器内部错误")


def install(api: Any) -> None:
    """Body limits, strict JSON errors and JSON 500s for every operation of api."""
    from ninja.errors import ValidationError

    api.add_decorator(enforce_body_limit, mode="view")
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(RequestDataTooBig, request_too_big)
    api.add_exception_handler(Exception, server_error)
