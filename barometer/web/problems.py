"""RFC 9457 problem documents: how the API (and Dash's callback endpoint) says what is wrong
with a request, naming the parameter, the value and what is allowed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import flask

API_PREFIX = "/api/v1"
PROBLEM_MIMETYPE = "application/problem+json"
MAX_ECHO = 200
MAX_ALLOWED_SHOWN = 100
PROBLEM_TYPES = {
    "invalid-parameter": "Invalid parameter",
    "too-few-respondents": "Too few respondents to show",
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "internal-error": "Internal server error",
}


class BadRequest(Exception):
    """Raised inside a request to answer a parameter problem."""

    def __init__(self, param: str, value: object, allowed: Sequence[object], detail: str) -> None:
        super().__init__(detail)
        self.param, self.value, self.allowed, self.detail = param, value, allowed, detail


def problem_type(name: str) -> str:
    """The URI of a problem type: an anchor on the API docs page, which explains it."""
    return f"{API_PREFIX}/docs#problem-{name}"


def html_safe_json(value: Any) -> str:
    """JSON with <, > and & escaped, so an echoed value can never read as markup."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def problem_response(status: int, name: str, detail: str, **extra: Any) -> flask.Response:
    """An RFC 9457 problem document."""
    body = {"type": problem_type(name), "title": PROBLEM_TYPES.get(name, name), "status": status,
            "detail": detail}
    if flask.has_request_context():
        body["instance"] = flask.request.path[:MAX_ECHO]
    body.update(extra)
    response = flask.Response(html_safe_json(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


def parameter_problem(param: str, value: object, allowed: Sequence[object],
                      detail: str) -> flask.Response:
    """A 400 problem naming the parameter, the value (shortened) and the allowed values."""
    value_text = str(value)
    shown = value_text if len(value_text) <= MAX_ECHO else value_text[:MAX_ECHO] + "…"
    if len(detail) > 2 * MAX_ECHO + 200:
        detail = detail[: 2 * MAX_ECHO + 200] + "…"
    return problem_response(400, "invalid-parameter", detail, param=param, value=shown,
                            allowed=[str(a) for a in list(allowed)[:MAX_ALLOWED_SHOWN]])
