"""Serving the explorer to the public: the API, the assistants' MCP endpoint `/mcp`, caching,
compression, cache lifetimes, security headers, clean errors and `/healthz`, installed on the
Dash app's Flask server by `configure_server(app)`.

Environment:
- `BAROMETER_CACHE_URL=redis://host:port/db` shares query results between instances through
  Redis; without it each process keeps its own in-memory cache.
- `BAROMETER_FRAME_ANCESTORS="'self' https://example.org"` lists who may frame the embed view
  (`?embed=1`); every other page may only be framed by this site.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from urllib.parse import urlparse

import dash
import flask
from flask_caching import Cache
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

from barometer.i18n import choose_lang, gettext_for
from barometer.web.api import CACHE_EXTENSION, register_api
from barometer.web.assistant_route import register_mcp
from barometer.web.edge_cache import install_edge_cache
from barometer.web.plotly_bundle import is_bundle_request, register_plotly_bundle
from barometer.web.preview_route import register_preview
from barometer.web.problems import API_PREFIX, problem_response

log = logging.getLogger(__name__)

CACHE_URL_ENV = "BAROMETER_CACHE_URL"
FRAME_ANCESTORS_ENV = "BAROMETER_FRAME_ANCESTORS"
YEAR = 365 * 24 * 3600
DASH_CALLBACK = "/_dash-update-component"
COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/csv", "application/javascript",
                      "text/javascript", "application/json", "application/problem+json",
                      "image/svg+xml", "application/geo+json"]
_FINGERPRINT = re.compile(r"\.v[\w-]+m[0-9a-fA-F]+\.[\w.]+$")  # Dash's check_fingerprint
_SOURCE = re.compile(r"^(?:'self'|'none'|\*|(?:https?:)?(?://)?(?:\*\.)?[A-Za-z0-9.\-]+(?::\d+|:\*)?"
                     r"(?:/[^\s;,']*)?|https?:)$")


class ConfigError(ValueError):
    """A server setting (environment variable) with a value that cannot work."""


# -- settings ------------------------------------------------------------------------------------


def frame_ancestors(value: str | None = None) -> str:
    """The CSP `frame-ancestors` sources for the embed view, checked."""
    raw = os.environ.get(FRAME_ANCESTORS_ENV, "'self'") if value is None else value
    sources = [s for s in re.split(r"[\s,]+", raw.strip()) if s] or ["'self'"]
    for source in sources:
        if not _SOURCE.match(source):
            raise ConfigError(f"{FRAME_ANCESTORS_ENV}: {source!r} is not a CSP source "
                              "(expected 'self', 'none' or an origin such as https://example.org)")
    if "'none'" in sources and len(sources) > 1:
        raise ConfigError(f"{FRAME_ANCESTORS_ENV}: 'none' cannot be combined with other sources")
    return " ".join(sources)


def cache_config(url: str | None = None) -> dict:
    """flask-caching settings: Redis when `BAROMETER_CACHE_URL` names one, else in-process."""
    url = (os.environ.get(CACHE_URL_ENV, "") if url is None else url).strip()
    if not url:
        return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000,
                "CACHE_DEFAULT_TIMEOUT": 24 * 3600}
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"{CACHE_URL_ENV}={url!r}: expected redis://host:port/db, rediss://… "
                          "or unix://path")
    db = parsed.path.strip("/") if parsed.scheme != "unix" else ""
    if db and not db.isdigit():
        raise ConfigError(f"{CACHE_URL_ENV}={url!r}: the database must be a number, like /0")
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_REDIS_DB": int(db or 0),
            "CACHE_KEY_PREFIX": "barometer:", "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
            "CACHE_OPTIONS": {"socket_timeout": 1.0, "socket_connect_timeout": 1.0,
                              "health_check_interval": 30}}


def source_origins(urls) -> list[str]:
    """scheme://host origins of external stylesheets/scripts the Dash app declares."""
    origins = []
    for item in urls or ():
        href = item.get("href") or item.get("src") if isinstance(item, dict) else item
        parsed = urlparse(str(href or ""))
        if parsed.scheme in ("http", "https") and parsed.netloc:
            origin = f"{parsed.scheme}://{parsed.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


def content_security_policy(app: dash.Dash, ancestors: str) -> str:
    """A CSP under which Dash runs: scripts only from this server plus the hashes of Dash's
    inline scripts; inline styles allowed (Dash and plotly.js set style attributes)."""
    scripts = ["'self'", *app.csp_hashes(), *source_origins(app.config.external_scripts)]
    styles = ["'self'", "'unsafe-inline'", *source_origins(app.config.external_stylesheets)]
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": styles,
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": [ancestors],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


# -- compression of fingerprinted assets --------------------------------------------------------


class StaticCompressionCache:
    """flask-compress cache backend that keeps compressed bodies of fingerprinted static files
    only (plotly.js is megabytes; compressing it per request would cost a core). Keys of other
    responses are empty and never stored."""

    def __init__(self, max_items: int = 256) -> None:
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.max_items = max_items
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            return self.items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";"):
            return
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.max_items:
                self.items.popitem(last=False)


def static_compression_key(request: flask.Request) -> str:
    if request.method == "GET" and (is_fingerprinted(request) or is_bundle_request(request)):
        return request.full_path
    return ""


def is_fingerprinted(request: flask.Request) -> bool:
    """Dash names component-suite files by version and asset URLs carry `?m=<mtime>`."""
    path = request.path
    if path.startswith("/_dash-component-suites/"):
        return bool(_FINGERPRINT.search(path))
    return path.startswith("/assets/") and "m" in request.args


# -- installation --------------------------------------------------------------------------------


def configure_server(app: dash.Dash) -> None:
    """Install the API and the production behaviour on `app.server`."""
    server = app.server
    app_ctx = server.config["BAROMETER_CONTEXT"]
    ancestors = frame_ancestors()

    cache = Cache()
    cache.init_app(server, config=cache_config())
    server.extensions[CACHE_EXTENSION] = cache
    register_api(server, app_ctx)
    register_mcp(server, app_ctx)
    register_plotly_bundle(app)  # the basic plotly.js where Dash fetches plotly.min.js
    register_preview(server, app_ctx)  # /preview.png, the link-preview image

    server.config.update(
        COMPRESS_MIMETYPES=COMPRESS_MIMETYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=4,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_BACKEND=StaticCompressionCache,
        COMPRESS_CACHE_KEY=static_compression_key,
    )
    Compress().init_app(server)

    policy: dict[str, str] = {}
    policy_lock = threading.Lock()

    def csp_for(embed: bool) -> str:
        # Dash's inline-script hashes are complete once every callback is registered, i.e. by the
        # first request.
        key = "embed" if embed else "page"
        if key not in policy:
            with policy_lock:
                policy[key] = content_security_policy(app, ancestors if embed else "'self'")
        return policy[key]

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        request = flask.request
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers["Content-Security-Policy"] = csp_for(request.args.get("embed") == "1")
        if request.path.startswith(API_PREFIX) and response.status_code < 400:
            headers.setdefault("Access-Control-Allow-Origin", "*")
        if response.status_code in (200, 304) and is_fingerprinted(request):
            headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        elif response.status_code == 200 and request.path.startswith("/assets/"):
            headers["Cache-Control"] = "public, max-age=3600"
        elif request.path == "/_dash-layout":
            # the page's first render, for the page that asked (its Referer): never shared
            headers["Cache-Control"] = "no-store"
            headers["Vary"] = "Referer"
        elif "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-cache"
        return response

    # Registered after security_headers, so it runs before it (Flask runs after-request
    # functions in reverse): pages and API answers get their ETag and shared-cache lifetime.
    install_edge_cache(server, app_ctx.dataset.version)

    @server.before_request
    def check_callback_payload():
        """A malformed Dash callback request is a client error, answered before Dash sees it."""
        request = flask.request
        if request.path != DASH_CALLBACK or request.method != "POST":
            return None
        body = request.get_json(silent=True)
        problem = callback_payload_problem(body, app.callback_map)
        if problem:
            return problem_response(400, "invalid-parameter", problem, param="body",
                                    value="", allowed=[])
        return None

    @server.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return error_response(exc.code, exc.name, exc.description or exc.name)

    @server.errorhandler(Exception)
    def unexpected_error(_exc: Exception):
        log.exception("unhandled error on %s %s", flask.request.method, flask.request.path)
        return error_response(500, "Internal server error",
                              "The server could not answer this request; it has been logged.")

    @server.get("/healthz")
    def healthz():
        status = {"status": "ok", "data_version": app_ctx.dataset.version,
                  "rows": len(app_ctx.dataset), "cache": cache_status(cache)}
        response = flask.Response(json.dumps(status), mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        return response


def callback_payload_problem(body, callback_map) -> str:
    """What is wrong with a `/_dash-update-component` body, or '' when it has Dash's shape."""
    if not isinstance(body, dict):
        return "the callback request body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "the callback request names no known callback output"
    for name in ("inputs", "state", "changedPropIds", "outputs"):
        if name in body and not isinstance(body[name], list | dict):
            return f"the callback request field {name!r} has the wrong type"
    if not isinstance(body.get("inputs"), list):
        return "the callback request lists no inputs"
    return ""


def wants_json(request: flask.Request) -> bool:
    path = request.path
    return (path.startswith("/api") or path.startswith("/_dash-") or path == "/healthz"
            or request.accept_mimetypes.best == "application/json")


def visitor_error_texts(status: int, title: str, detail: str, lang: str) -> tuple[str, str, str]:
    """Title, explanation and way back of an error page, in the visitor's language."""
    _ = gettext_for(lang)
    known = {
        404: (_("Page not found"), _("There is no page at this address.")),
        405: (_("Request not accepted"), _("This address does not accept that kind of request.")),
        500: (_("Something went wrong"),
              _("The server could not answer this request; it has been logged.")),
    }
    title, detail = known.get(status, (title, detail))
    return title, detail, _("Back to the explorer")


def error_response(status: int, title: str, detail: str) -> flask.Response:
    """A problem document for API and Dash requests, a small HTML page for people."""
    names = {404: "not-found", 405: "method-not-allowed", 500: "internal-error"}
    if wants_json(flask.request):
        return problem_response(status, names.get(status, "invalid-parameter"), detail)
    lang = choose_lang(flask.request.args.get("lang"), flask.request.headers.get("Accept-Language"))
    title, detail, back = visitor_error_texts(status, title, detail, lang)
    page = (f"<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><title>{status} "
            f"{html.escape(title)}</title><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(detail)}</p><p><a href=\"/?lang={lang}\">{html.escape(back)}</a></p>"
            "</html>")
    response = flask.Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def cache_status(cache: Cache) -> str:
    backend = getattr(cache, "cache", None)
    if backend is None or type(backend).__name__ != "RedisCache":
        return "in-process"
    try:
        backend._read_client.ping()
    except Exception:  # noqa: BLE001 - health reports, it does not fail
        return "unavailable"
    return "redis"
