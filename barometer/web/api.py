"""The REST API on the explorer's Flask server: `/api/v1/...`, the same numbers as page and CLI.

Parameters are the explorer URL's (`barometer.web.params`), parsed strictly: a bad value answers
400 with an RFC 9457 problem body naming the parameter, the value and what is allowed. Tables
come from `barometer.stats` and CSV from `barometer.present.export.tidy_table`, so the API, the
page, the downloads and `barometer crosstab --format csv` agree. Only aggregated cells leave the
server. Rendered bodies are cached (flask-caching) under a key of the data version, endpoint,
format and the normalised parameters.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import flask
import numpy as np
import pandas as pd

from barometer.dataset import option_column
from barometer.present.export import tidy_table
from barometer.present.labels import base_note, category_labels, country_label, source_caption
from barometer.stats import QueryError, crosstab, frequencies, trend
from barometer.web.context import AppContext
from barometer.web.params import ParamError, ViewParams, encode_params, parse_params
from barometer.web.views import default_trend_category

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
PROBLEM_MIMETYPE = "application/problem+json"
FORMATS = ("json", "csv")
CACHE_EXTENSION = "barometer_cache"
CACHE_TIMEOUT = 24 * 3600
MAX_ECHO = 200
MAX_ALLOWED_SHOWN = 100

# The explorer URL's vocabulary, per endpoint. `chart` is accepted (and ignored) so that a link
# copied from the explorer works unchanged.
VIEW_PARAMS = ("indicator", "by", "country", "year", "filter", "weighted", "percent", "missing",
               "lang", "pool", "chart")
ENDPOINT_PARAMS: Mapping[str, tuple[str, ...]] = {
    "indicators": ("lang", "format"),
    "crosstab": VIEW_PARAMS + ("format",),
    "frequencies": VIEW_PARAMS + ("format",),
    "trend": VIEW_PARAMS + ("category", "format"),
}
PROBLEM_TYPES = {
    "invalid-parameter": "Invalid parameter",
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "internal-error": "Internal server error",
}


def problem_type(name: str) -> str:
    """The URI of a problem type: an anchor on the API docs page, which explains it."""
    return f"{API_PREFIX}/docs#problem-{name}"


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


def html_safe_json(value: Any) -> str:
    """JSON with <, > and & escaped, so an echoed value can never read as markup."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def parameter_problem(param: str, value: object, allowed: Sequence[object], detail: str) -> flask.Response:
    value_text = str(value)
    shown = value_text if len(value_text) <= MAX_ECHO else value_text[:MAX_ECHO] + "…"
    if len(detail) > 2 * MAX_ECHO + 200:
        detail = detail[: 2 * MAX_ECHO + 200] + "…"
    return problem_response(400, "invalid-parameter", detail, param=param, value=shown,
                            allowed=[str(a) for a in list(allowed)[:MAX_ALLOWED_SHOWN]])


class _BadRequest(Exception):
    """Raised inside a request to answer a parameter problem."""

    def __init__(self, param: str, value: object, allowed: Sequence[object], detail: str) -> None:
        super().__init__(detail)
        self.param, self.value, self.allowed, self.detail = param, value, allowed, detail


# -- parameters ----------------------------------------------------------------------------------


def request_args() -> dict[str, list[str]]:
    args = flask.request.args
    return {name: args.getlist(name) for name in args}


def check_names(endpoint: str, args: Mapping[str, Sequence[str]]) -> str:
    """Reject unknown parameter names; return the requested format."""
    allowed = ENDPOINT_PARAMS[endpoint]
    for name, values in args.items():
        if name not in allowed:
            raise _BadRequest(name, values[-1] if values else "", allowed,
                              f"unknown parameter {name[:MAX_ECHO]!r} for {endpoint}")
        if any(value == "" for value in values):
            raise _BadRequest(name, "", [], f"{name} is empty; give a value or leave it out")
    formats = args.get("format") or ["json"]
    if len(formats) > 1:
        raise _BadRequest("format", formats[-1], FORMATS,
                          f"format was given {len(formats)} times; give it once")
    fmt = formats[0] or "json"
    usable = ("json",) if endpoint == "indicators" else FORMATS
    if fmt not in usable:
        raise _BadRequest("format", fmt, usable, f"format={fmt[:MAX_ECHO]!r} is not allowed")
    return fmt


def parse_view(app_ctx: AppContext, endpoint: str, args: Mapping[str, Sequence[str]]) -> ViewParams:
    """The strict `ViewParams` of a table request, with the endpoint's own rules on top."""
    view_args = {k: v for k, v in args.items() if k != "format"}
    if not any(view_args.get("indicator", [])):
        raise _BadRequest("indicator", "", [i.id for i in app_ctx.codebook.indicators],
                          "indicator is required")
    params = parse_params(view_args, app_ctx.codebook, app_ctx.years, strict=True)
    if endpoint == "frequencies" and params.by:
        raise _BadRequest("by", params.by, [],
                          "frequencies have no breakdown; ask /api/v1/crosstab for one")
    if endpoint == "trend":
        if params.pool != "separate":
            raise _BadRequest("pool", params.pool, ["separate"],
                              "a trend follows each country separately; pooling does not apply")
        category = params.category or default_trend_category(app_ctx.codebook, params.indicator)
        # A trend spans every wave unless `year` names some.
        years = params.years if args.get("year") else ()
        params = replace(params, category=category, years=years)
    return replace(params, chart="bars")


def normalised_query(params: ViewParams, endpoint: str) -> dict[str, Any]:
    """The query as the server understood it (echoed in JSON and used in the cache key)."""
    echo: dict[str, Any] = {
        "indicator": params.indicator,
        "by": params.by,
        "country": list(params.countries),
        "year": list(params.years),
        "filter": [f"{ind}:{','.join(codes)}" for ind, codes in params.filters],
        "weighted": params.weighted,
        "percent": params.percent,
        "missing": params.missing,
        "pool": params.pool,
        "lang": params.lang,
    }
    if endpoint == "trend":
        echo["category"] = params.category
    return echo


def cache_key(version: str, endpoint: str, fmt: str, params: ViewParams | None, lang: str = "") -> str:
    """Data version + endpoint + format + normalised parameters: a new wave never meets old keys."""
    canonical = encode_params(params) if params is not None else f"?lang={lang}"
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
    return f"api:{version}:{endpoint}:{fmt}:{digest}"


# -- computing -----------------------------------------------------------------------------------


def compute(app_ctx: AppContext, endpoint: str, params: ViewParams):
    """The `barometer.stats` result an endpoint shows."""
    if endpoint == "crosstab":
        return crosstab(app_ctx.dataset, params.query())
    if endpoint == "frequencies":
        return frequencies(app_ctx.dataset, params.query(by=None))
    if endpoint == "trend":
        return trend(app_ctx.dataset, params.query(), params.category)
    raise ValueError(endpoint)


SUPPRESSED_NULLS = ("percent", "se", "ci_low", "ci_high")


def jsonable(value: Any) -> Any:
    """numpy/pandas scalars as JSON values; NaN/NA as null."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    return value


def table_rows(result, app_ctx: AppContext, lang: str) -> list[dict[str, Any]]:
    """Result cells with their labels. Suppressed cells carry no percent, se or interval."""
    codebook = app_ctx.codebook
    query = result.query
    cats = category_labels(codebook, query.indicator, lang)
    by_labels = category_labels(codebook, query.by, lang) if query.by else {}
    rows = []
    for record in result.table.to_dict(orient="records"):
        row = {name: jsonable(value) for name, value in record.items()}
        if row.get("suppressed"):
            for name in SUPPRESSED_NULLS:
                row[name] = None
        row["country_label"] = country_label(codebook, str(row["country"]), lang)
        row["category_label"] = cats.get(str(row["category"]), str(row["category"]))
        by = row.get("by")
        row["by_label"] = by_labels.get(str(by), str(by)) if by not in (None, "") else None
        rows.append(row)
    return rows


def table_document(endpoint: str, result, params: ViewParams, app_ctx: AppContext) -> dict:
    codebook, lang = app_ctx.codebook, params.lang
    ind = codebook.indicator(params.indicator)
    doc: dict[str, Any] = {
        "endpoint": endpoint,
        "query": normalised_query(params, endpoint),
        "data_version": app_ctx.dataset.version,
        "synthetic": bool(app_ctx.dataset.synthetic),
        "dataset": {"id": codebook.dataset.id, "title": codebook.dataset.title.get(lang)},
        "source": source_caption(codebook, lang, app_ctx.dataset.version),
        "indicator": {"id": ind.id, "label": ind.label(lang), "question": ind.question.get(lang),
                      "type": ind.type},
        "by": None,
        "kind": result.kind,
        "variance": result.variance,
        "thresholds": {"small_base": result.thresholds.small_base,
                       "min_base": result.thresholds.min_base},
        "base_note": base_note(result, codebook, lang),
        "notes": list(result.notes),
        "rows": table_rows(result, app_ctx, lang),
        "tests": [{k: jsonable(v) for k, v in r.items()}
                  for r in result.tests.to_dict(orient="records")],
    }
    if params.by:
        by = codebook.indicator(params.by)
        doc["by"] = {"id": by.id, "label": by.label(lang), "question": by.question.get(lang),
                     "letters": dict(result.by_letters)}
    if endpoint == "trend":
        doc["category"] = {"code": params.category,
                           "label": category_labels(codebook, params.indicator, lang)
                           .get(params.category or "", params.category)}
    return doc


def table_csv(result, app_ctx: AppContext, lang: str) -> str:
    """Exactly `barometer crosstab --format csv`: the tidy table."""
    return tidy_table(result, app_ctx.codebook, lang).to_csv(index=False)


def availability(app_ctx: AppContext) -> dict[str, list[dict[str, Any]]]:
    """Indicator id -> the (country, year) groups where someone answered it."""
    frame = app_ctx.dataset.frame
    present: dict[str, pd.Series] = {}
    for ind in app_ctx.codebook.indicators:
        if ind.type == "multiple":
            cols = [option_column(ind.id, c.code) for c in app_ctx.codebook.categories_of(ind)]
            cols = [c for c in cols if c in frame.columns]
            if cols:
                present[ind.id] = frame[cols].notna().any(axis=1)
        elif ind.id in frame.columns:
            present[ind.id] = frame[ind.id].notna()
    if not present:
        return {}
    answered = pd.DataFrame(present)
    groups = answered.groupby([frame["country"].astype(str), frame["year"].astype(int)],
                              observed=True, sort=True).any()
    out: dict[str, list[dict[str, Any]]] = {}
    for ind_id in groups.columns:
        hits = groups.index[groups[ind_id].to_numpy()]
        out[ind_id] = [{"country": c, "year": int(y)} for c, y in hits]
    return out


def indicators_document(app_ctx: AppContext, lang: str, avail: Mapping[str, list]) -> dict:
    codebook = app_ctx.codebook
    breakdowns = {i.id for i in codebook.indicators
                  if i.type in ("single", "ordinal") or (i.type == "numeric" and i.bins)}
    topics = {t.id: t.label.get(lang) for t in codebook.topics}
    indicators = []
    for ind in codebook.indicators:
        indicators.append({
            "id": ind.id,
            "topic": ind.topic,
            "topic_label": topics.get(ind.topic, ind.topic),
            "type": ind.type,
            "label": ind.label(lang),
            "question": ind.question.get(lang),
            "demographic": ind.demographic,
            "unit": ind.unit.get(lang) if ind.unit else None,
            "can_break_down": ind.id in breakdowns,
            "categories": [{"code": c.code, "label": c.label.get(lang), "missing": c.missing}
                           for c in codebook.categories_of(ind)],
            "nets": [{"code": n.code, "label": n.label.get(lang), "categories": list(n.categories)}
                     for n in ind.nets],
            "bins": [{"code": b.code, "label": b.label.get(lang), "low": b.low, "high": b.high}
                     for b in ind.bins],
            "availability": avail.get(ind.id, []),
        })
    return {
        "data_version": app_ctx.dataset.version,
        "synthetic": bool(app_ctx.dataset.synthetic),
        "dataset": {"id": codebook.dataset.id, "title": codebook.dataset.title.get(lang)},
        "lang": lang,
        "countries": [{"code": code, "name": c.name.get(lang),
                       "adult_population": c.adult_population}
                      for code, c in codebook.countries.items()],
        "years": list(app_ctx.years),
        "topics": [{"id": k, "label": v} for k, v in topics.items()],
        "thresholds": {"small_base": codebook.dataset.thresholds.small_base,
                       "min_base": codebook.dataset.thresholds.min_base},
        "indicators": indicators,
    }


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


def register_api(server: flask.Flask, app_ctx: AppContext) -> flask.Blueprint:
    """Mount `/api/v1` on the Flask server of the explorer."""
    from barometer.web.openapi import build_openapi, render_docs

    api = flask.Blueprint("barometer_api", __name__, url_prefix=API_PREFIX)
    memo: dict[str, Any] = {}

    def avail() -> Mapping[str, list]:
        if "availability" not in memo:
            memo["availability"] = availability(app_ctx)
        return memo["availability"]

    def openapi_document() -> dict:
        if "openapi" not in memo:
            memo["openapi"] = build_openapi(app_ctx)
        return memo["openapi"]

    def respond(mimetype: str, body: str, filename: str | None = None) -> flask.Response:
        response = flask.Response(body, mimetype=mimetype)
        if filename:
            response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
        response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["X-Data-Version"] = app_ctx.dataset.version
        return response

    def table_endpoint(endpoint: str) -> flask.Response:
        args = request_args()
        fmt = check_names(endpoint, args)
        params = parse_view(app_ctx, endpoint, args)
        key = cache_key(app_ctx.dataset.version, endpoint, fmt, params)

        def build() -> tuple[str, str]:
            result = compute(app_ctx, endpoint, params)
            if fmt == "csv":
                return "text/csv", table_csv(result, app_ctx, params.lang)
            doc = table_document(endpoint, result, params, app_ctx)
            return "application/json", json.dumps(doc, ensure_ascii=False, allow_nan=False)

        mimetype, body = cached(key, build)
        name = f"barometer-{endpoint}-{params.indicator}.csv" if fmt == "csv" else None
        return respond(mimetype, body, name)

    @api.errorhandler(_BadRequest)
    def on_bad_request(exc: _BadRequest):
        return parameter_problem(exc.param, exc.value, exc.allowed, exc.detail)

    @api.errorhandler(ParamError)
    def on_param_error(exc: ParamError):
        return parameter_problem(exc.param, exc.value, exc.allowed, str(exc))

    @api.errorhandler(QueryError)
    def on_query_error(exc: QueryError):
        return parameter_problem(exc.param, exc.value, exc.allowed, str(exc))

    @api.get("/")
    @api.get("")
    def index():
        base = API_PREFIX
        return respond("application/json", json.dumps({
            "data_version": app_ctx.dataset.version,
            "synthetic": bool(app_ctx.dataset.synthetic),
            "endpoints": {name: f"{base}/{name}" for name in ENDPOINT_PARAMS},
            "openapi": f"{base}/openapi.json",
            "docs": f"{base}/docs",
        }))

    @api.get("/indicators")
    def indicators():
        args = request_args()
        check_names("indicators", args)
        langs = args.get("lang") or [""]
        params = parse_params({"lang": langs[-1:]} if langs[-1] else {}, app_ctx.codebook,
                              app_ctx.years, strict=True) if len(langs) == 1 else None
        if params is None:
            raise _BadRequest("lang", langs[-1], [], "lang was given more than once; give it once")
        key = cache_key(app_ctx.dataset.version, "indicators", "json", None, params.lang)
        mimetype, body = cached(key, lambda: (
            "application/json",
            json.dumps(indicators_document(app_ctx, params.lang, avail()), ensure_ascii=False)))
        return respond(mimetype, body)

    @api.get("/crosstab")
    def crosstab_endpoint():
        return table_endpoint("crosstab")

    @api.get("/frequencies")
    def frequencies_endpoint():
        return table_endpoint("frequencies")

    @api.get("/trend")
    def trend_endpoint():
        return table_endpoint("trend")

    @api.get("/openapi.json")
    def openapi_json():
        return respond("application/json", json.dumps(openapi_document(), ensure_ascii=False))

    @api.get("/docs")
    def docs():
        return respond("text/html", render_docs(openapi_document()))

    @api.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def not_found(unknown: str):
        if unknown.strip("/") in (*ENDPOINT_PARAMS, "openapi.json", "docs"):
            response = problem_response(405, "method-not-allowed",
                                        f"{API_PREFIX}/{unknown.strip('/')} answers GET only")
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            return response
        return problem_response(404, "not-found", f"no API resource at {API_PREFIX}/{unknown[:MAX_ECHO]}")

    server.register_blueprint(api)

    # Anything else under /api (say /api/v2) is also a problem document, not the Dash page.
    @server.route("/api", defaults={"rest": ""}, methods=["GET", "POST"])
    @server.route("/api/<path:rest>", methods=["GET", "POST"])
    def api_elsewhere(rest: str):
        return problem_response(404, "not-found", f"no API resource at /api/{rest[:MAX_ECHO]}; "
                                f"this server speaks {API_PREFIX}")

    return api
