"""The REST API on the explorer's Flask server: `/api/v1/...`, the same numbers as page and CLI.

Routes only. Parameters come from the parameter table (`barometer.params`), parsed strictly: a
bad value answers 400 with an RFC 9457 problem (`barometer.web.problems`) naming the parameter,
the value and what is allowed. Tables come from `barometer.stats`, their JSON documents from
`barometer.present.documents` (the same as `barometer crosstab --format json`) and CSV from
`barometer.present.export.tidy_table`. Only aggregated cells leave the server. Rendered bodies
are cached (flask-caching) under a key of the data version, endpoint, format and the normalised
parameters.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence

import flask

from barometer.params import ParamError, ParamTable
from barometer.params.values import breakdowns
from barometer.present.banners import banner_tidy
from barometer.present.documents import banner_document, indicators_document, table_document
from barometer.present.export import tidy_table
from barometer.stats import QueryError, compare, crosstab, frequencies, trend
from barometer.stats.availability import availability
from barometer.stats.banner import banner
from barometer.stats.disclosure import TooFewRespondents
from barometer.stats.groups import grouped
from barometer.web.context import AppContext
from barometer.web.problems import (
    API_PREFIX,
    MAX_ECHO,
    BadRequest,
    parameter_problem,
    problem_response,
)

log = logging.getLogger(__name__)

FORMATS = ("json", "csv")
ENDPOINTS = ("crosstab", "frequencies", "trend", "compare")
"""Table endpoints; each is the view of the parameter table with the same name."""
GEOJSON_MIMETYPE = "application/geo+json"
CACHE_EXTENSION = "barometer_cache"
CACHE_TIMEOUT = 24 * 3600


# -- parameters ----------------------------------------------------------------------------------


def request_args() -> dict[str, list[str]]:
    args = flask.request.args
    return {name: args.getlist(name) for name in args}


def accepted_names(table: ParamTable, endpoint: str) -> tuple[str, ...]:
    """The parameter names an endpoint reads: every view parameter (so that a link copied from
    the explorer works; one that does not apply must keep its default) and `format`."""
    if endpoint == "indicators":
        return ("lang", "format")
    return (*(p.name for p in table.params), "format")


def check_names(table: ParamTable, endpoint: str, args: Mapping[str, Sequence[str]]) -> str:
    """Reject unknown and empty parameters; return the requested format."""
    allowed = accepted_names(table, endpoint)
    for name, values in args.items():
        if name not in allowed:
            raise BadRequest(name, values[-1] if values else "", allowed,
                             f"unknown parameter {name[:MAX_ECHO]!r} for {endpoint}")
        if any(value == "" for value in values):
            raise BadRequest(name, "", [], f"{name} is empty; give a value or leave it out")
    formats = args.get("format") or ["json"]
    if len(formats) > 1:
        raise BadRequest("format", formats[-1], FORMATS,
                         f"format was given {len(formats)} times; give it once")
    usable = ("json",) if endpoint == "indicators" else FORMATS
    if formats[0] not in usable:
        raise BadRequest("format", formats[0], usable,
                         f"format={formats[0][:MAX_ECHO]!r} is not allowed")
    return formats[0]


def parse_view(app_ctx: AppContext, endpoint: str, args: Mapping[str, Sequence[str]]):
    """The strict `ViewParams` of a table request: the endpoint is the view."""
    view_args = {k: v for k, v in args.items() if k != "format"}
    if not any(view_args.get("indicator", [])):
        raise BadRequest("indicator", "", [i.id for i in app_ctx.codebook.indicators],
                         "indicator is required")
    return app_ctx.params.parse(view_args, app_ctx.codebook, app_ctx.years, view=endpoint,
                                strict=True)


def cache_key(version: str, endpoint: str, fmt: str, normalised: Mapping) -> str:
    """Data version + endpoint + format + the normalised parameters (presentation-only ones
    left out): a new wave never meets old keys."""
    canonical = json.dumps(normalised, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
    return f"api:{version}:{endpoint}:{fmt}:{digest}"


def compute(app_ctx: AppContext, endpoint: str, params):
    """The `barometer.stats` result an endpoint shows."""
    if endpoint == "crosstab":
        return crosstab(app_ctx.dataset, params.query())
    if endpoint == "frequencies":
        return frequencies(app_ctx.dataset, params.query(by=None))
    if endpoint == "trend":
        return trend(app_ctx.dataset, params.query(), params.category)
    if endpoint == "compare":
        return compare(app_ctx.dataset, params.query())
    raise ValueError(endpoint)


# -- caching -------------------------------------------------------------------------------------


def cached(key: str, build: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """(mimetype, body) from the shared cache, else built and stored. A cache outage only costs
    speed: errors are logged and the body is computed."""
    cache = flask.current_app.extensions.get(CACHE_EXTENSION)
    if cache is not None:
        try:
            hit = cache.get(key)
        except Exception:  # noqa: BLE001 - an unreachable cache must not fail the request
            log.warning("cache get failed for %s", key, exc_info=True)
            hit = None
        if hit is not None:
            return hit
    value = build()
    if cache is not None:
        try:
            cache.set(key, value, timeout=CACHE_TIMEOUT)
        except Exception:  # noqa: BLE001
            log.warning("cache set failed for %s", key, exc_info=True)
    return value


# -- the blueprint -------------------------------------------------------------------------------


def _respond(app_ctx: AppContext, mimetype: str, body: str,
             filename: str | None = None) -> flask.Response:
    response = flask.Response(body, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Data-Version"] = app_ctx.dataset.version
    return response


def banner_body(app_ctx: AppContext, params, fmt: str) -> tuple[str, str]:
    """(mimetype, body) of a banner (`by=gender,age_group`): CSV or the banner document."""
    result = banner(app_ctx.dataset, params.query(by=None), breakdowns(params.by))
    if fmt == "csv":
        return "text/csv", banner_tidy(result, app_ctx.codebook, params.lang).to_csv(index=False)
    doc = banner_document(result, params, app_ctx.dataset, app_ctx.params)
    return "application/json", json.dumps(doc, ensure_ascii=False, allow_nan=False)


def table_response(app_ctx: AppContext, endpoint: str) -> flask.Response:
    """A table endpoint: parse, look in the cache, else compute and render."""
    args = request_args()
    fmt = check_names(app_ctx.params, endpoint, args)
    params = parse_view(app_ctx, endpoint, args)
    normalised = app_ctx.params.echo(params, endpoint)
    key = cache_key(app_ctx.dataset.version, endpoint, fmt, normalised)

    def build() -> tuple[str, str]:
        if endpoint == "crosstab" and len(breakdowns(params.by)) > 1:
            return banner_body(app_ctx, params, fmt)
        result = compute(app_ctx, endpoint, params)
        dataset = grouped(app_ctx.dataset, result.query)  # `combine`/`bins` groups' labels
        if fmt == "csv":
            return "text/csv", tidy_table(result, dataset.codebook, params.lang).to_csv(index=False)
        doc = table_document(endpoint, result, params, dataset, app_ctx.params)
        return "application/json", json.dumps(doc, ensure_ascii=False, allow_nan=False)

    mimetype, body = cached(key, build)
    name = f"barometer-{endpoint}-{params.indicator}.csv" if fmt == "csv" else None
    return _respond(app_ctx, mimetype, body, name)


def indicators_response(app_ctx: AppContext) -> flask.Response:
    args = request_args()
    check_names(app_ctx.params, "indicators", args)
    langs = args.get("lang") or []
    if len(langs) > 1:
        raise BadRequest("lang", langs[-1], [], "lang was given more than once; give it once")
    params = app_ctx.params.parse({"lang": langs} if langs else {}, app_ctx.codebook,
                                  app_ctx.years, strict=True)
    key = cache_key(app_ctx.dataset.version, "indicators", "json", {"lang": params.lang})
    mimetype, body = cached(key, lambda: ("application/json", json.dumps(indicators_document(
        app_ctx.dataset, params.lang, app_ctx.years, availability(app_ctx.dataset)),
        ensure_ascii=False)))
    return _respond(app_ctx, mimetype, body)


def geo_response(app_ctx: AppContext, indicator: str) -> flask.Response:
    """The boundary file of a mapped indicator, as the codebook links it, with a strong ETag
    (the SHA-256 of its bytes): a client that has it gets 304 Not Modified."""
    boundaries = app_ctx.dataset.boundaries.get(indicator)
    if boundaries is None:
        mapped = list(app_ctx.dataset.boundaries)
        what = ("has no boundary file" if indicator in app_ctx.codebook.by_id
                else "is no indicator")
        return problem_response(404, "not-found", f"{indicator[:MAX_ECHO]!r} {what}; indicators "
                                f"with one: {', '.join(mapped) or 'none'}", allowed=mapped)
    response = flask.Response(boundaries.content, mimetype=GEOJSON_MIMETYPE)
    response.set_etag(boundaries.digest)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Disposition"] = f'inline; filename="{boundaries.path.name}"'
    return response.make_conditional(flask.request)


def register_api(server: flask.Flask, app_ctx: AppContext) -> flask.Blueprint:
    """Mount `/api/v1` on the Flask server of the explorer."""
    from barometer.web.openapi import build_openapi, render_docs

    api = flask.Blueprint("barometer_api", __name__, url_prefix=API_PREFIX)
    memo: dict[str, dict] = {}

    def openapi_document() -> dict:
        if "openapi" not in memo:
            memo["openapi"] = build_openapi(app_ctx)
        return memo["openapi"]

    @api.errorhandler(BadRequest)
    def on_bad_request(exc: BadRequest):
        return parameter_problem(exc.param, exc.value, exc.allowed, exc.detail)

    @api.errorhandler(ParamError)
    def on_param_error(exc: ParamError):
        return parameter_problem(exc.param, exc.value, exc.allowed, str(exc))

    @api.errorhandler(QueryError)
    def on_query_error(exc: QueryError):
        if isinstance(exc, TooFewRespondents):
            return problem_response(400, "too-few-respondents", str(exc), param=exc.param,
                                    value=str(exc.value)[:MAX_ECHO], min_base=exc.minimum)
        return parameter_problem(exc.param, exc.value, exc.allowed, str(exc))

    @api.get("/")
    @api.get("")
    def index():
        return _respond(app_ctx, "application/json", json.dumps({
            "data_version": app_ctx.dataset.version,
            "synthetic": bool(app_ctx.dataset.synthetic),
            "endpoints": {name: f"{API_PREFIX}/{name}" for name in ("indicators", *ENDPOINTS)},
            "openapi": f"{API_PREFIX}/openapi.json",
            "docs": f"{API_PREFIX}/docs",
        }))

    api.add_url_rule("/indicators", "indicators", lambda: indicators_response(app_ctx))
    api.add_url_rule("/geo/<indicator>", "geo", lambda indicator: geo_response(app_ctx, indicator))
    for endpoint in ENDPOINTS:
        api.add_url_rule(f"/{endpoint}", endpoint,
                         lambda endpoint=endpoint: table_response(app_ctx, endpoint))

    @api.get("/openapi.json")
    def openapi_json():
        return _respond(app_ctx, "application/json",
                        json.dumps(openapi_document(), ensure_ascii=False))

    @api.get("/docs")
    def docs():
        return _respond(app_ctx, "text/html", render_docs(openapi_document()))

    @api.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def not_found(unknown: str):
        if unknown.strip("/") in ("indicators", *ENDPOINTS, "openapi.json", "docs") or (
                unknown.startswith("geo/") and unknown.count("/") == 1):
            response = problem_response(405, "method-not-allowed",
                                        f"{API_PREFIX}/{unknown.strip('/')} answers GET only")
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            return response
        return problem_response(404, "not-found",
                                f"no API resource at {API_PREFIX}/{unknown[:MAX_ECHO]}")

    server.register_blueprint(api)

    # Anything else under /api (say /api/v2) is also a problem document, not the Dash page.
    @server.route("/api", defaults={"rest": ""}, methods=["GET", "POST"])
    @server.route("/api/<path:rest>", methods=["GET", "POST"])
    def api_elsewhere(rest: str):
        return problem_response(404, "not-found", f"no API resource at /api/{rest[:MAX_ECHO]}; "
                                f"this server speaks {API_PREFIX}")

    return api
