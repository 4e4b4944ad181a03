"""The OpenAPI 3 document of `/api/v1` and the plain-HTML docs page rendered from it.

Parameters come from the parameter table (`barometer.params`): each one's schema is built by its
kind of value from the codebook and the waves in the data (enumerations of ids, patterns of
comma-separated codes), so the document tells clients, and schemathesis, exactly which values
are valid. The docs page uses no external assets (the CSP allows none).
"""

from __future__ import annotations

import html
import json

from barometer.params import Param, ParamTable
from barometer.params.values import SchemaContext
from barometer.present.labels import disclosure_rules
from barometer.web.context import AppContext
from barometer.web.problems import API_PREFIX, PROBLEM_MIMETYPE, PROBLEM_TYPES, problem_type

TABLE_ENDPOINTS = {
    "crosstab": ("A weighted crosstab",
                 "Percentages of `indicator` by `by` (or overall), per country and wave, with "
                 "column letters of significant differences in `sig`."),
    "frequencies": ("Weighted frequencies of one indicator",
                    "The answers to one question per country and wave (no breakdown)."),
    "trend": ("One answer across waves",
              "The share giving one answer (or net) in every wave, per country."),
    "compare": ("Countries side by side, optionally pooled",
                "The answers to one question in one wave (one `year`; default the latest), each "
                "country separately and, with `pool` `equal` or `population`, the pooled figure "
                "(country `pooled`) after them; the pooling rule is in `base_note` and `notes`."),
}
FORMAT_HELP = "`csv` answers the tidy table of `barometer crosstab --format csv`."


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def parameter_object(param: Param, view: str, ctx: SchemaContext) -> dict:
    """One OpenAPI parameter object of `param` as `view` reads it."""
    schema = param.kind.schema(ctx)
    default = param.default_for(view)
    if isinstance(default, str | bool | int) and "enum" in schema:
        schema = {**schema, "default": param.kind.encode(default)[0]}
    description = param.help
    stated = param.describe_default(view)
    if stated:
        description += f" Default: {stated}."
    if param.presentation:
        description += " Accepted so that explorer links work; it does not change the answer."
    obj = {"name": param.name, "in": "query", "required": param.name == "indicator",
           "description": description}
    if param.repeats > 1:
        obj.update(schema={"type": "array", "maxItems": param.repeats, "items": schema},
                   style="form", explode=True)
    else:
        obj["schema"] = schema
    return obj


def endpoint_parameters(table: ParamTable, view: str, ctx: SchemaContext) -> list[dict]:
    """The parameters of a table endpoint: those of its view, presentation ones, `format`."""
    shown = [p for p in table.params if p.applies_to(view) or p.presentation]
    return [parameter_object(p, view, ctx) for p in shown] + [
        {"name": "format", "in": "query", "required": False, "description": FORMAT_HELP,
         "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}}]


def _schemas() -> dict[str, dict]:
    num = _nullable({"type": "number"})
    string = {"type": "string"}
    row = {
        "type": "object",
        "required": ["country", "year", "category", "n", "percent", "suppressed"],
        "properties": {
            "country": string, "country_label": string, "year": {"type": "integer"},
            "by": _nullable(string), "by_label": _nullable(string),
            "category": string, "category_label": string,
            "is_net": {"type": "boolean"}, "is_missing": {"type": "boolean"},
            "n": num, "weighted": num, "percent": num, "se": num, "ci_low": num,
            "ci_high": num, "base_n": num, "base_weighted": num,
            "eff_base": {**num, "description": "Design-effective base p(1-p)/se² (a mean's: s²/se²)."},
            "deff": {**num, "description": "Kish's design effect of the weights, n·Σw²/(Σw)²."},
            "small": {"type": "boolean"}, "suppressed": {"type": "boolean"},
            "complementary": {"type": "boolean"},
            "sig": _nullable(string),
        },
    }
    test = {"type": "object", "properties": {
        "country": string, "year": {"type": "integer"}, "statistic": num, "df": num,
        "ddf": {**num, "description": "Denominator degrees of freedom of an F reference (null for chi-square)."},
        "p_value": num, "method": _nullable(string)}}
    labelled = {"type": "object", "properties": {"id": string, "label": string,
                                                 "question": string}}
    table = {
        "type": "object",
        "required": ["endpoint", "query", "data_version", "synthetic", "rows", "tests"],
        "properties": {
            "endpoint": {"type": "string", "enum": list(TABLE_ENDPOINTS)},
            "query": {"type": "object"},
            "data_version": string,
            "synthetic": {"type": "boolean"},
            "dataset": {"type": "object"},
            "source": string,
            "indicator": labelled,
            "by": _nullable(labelled),
            "kind": string,
            "variance": string,
            "thresholds": {"type": "object", "properties": {
                "small_base": {"type": "integer"}, "min_base": {"type": "integer"}}},
            "base_note": string,
            "summary": {"type": "array", "items": string},
            "notes": {"type": "array", "items": string},
            "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Cell"}},
            "tests": {"type": "array", "items": {"$ref": "#/components/schemas/Test"}},
            "protection": {"type": "object"},
            "category": {"type": "object"},
        },
    }
    indicators = {
        "type": "object",
        "required": ["data_version", "synthetic", "indicators"],
        "properties": {
            "data_version": string, "synthetic": {"type": "boolean"},
            "countries": {"type": "array", "items": {"type": "object"}},
            "years": {"type": "array", "items": {"type": "integer"}},
            "topics": {"type": "array", "items": {"type": "object"}},
            "indicators": {"type": "array", "items": {"type": "object", "required": [
                "id", "type", "question", "categories", "availability"]}},
        },
    }
    problem = {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": string, "title": string, "status": {"type": "integer"}, "detail": string,
            "instance": string, "param": string, "value": string,
            "allowed": {"type": "array", "items": string},
        },
    }
    return {"Cell": row, "Test": test, "Table": table, "Indicators": indicators,
            "Problem": problem}


def build_openapi(app_ctx: AppContext) -> dict:
    """The OpenAPI 3.0 document of this server's API for its dataset."""
    info = app_ctx.codebook.dataset
    ctx = SchemaContext(app_ctx.codebook, app_ctx.years)
    table = app_ctx.params
    problem_400 = {"description": "A parameter is invalid (RFC 9457 problem).",
                   "content": {PROBLEM_MIMETYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    table_ok = {"description": "The table: JSON, or CSV with `format=csv`.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Table"}},
                            "text/csv": {"schema": {"type": "string"}}}}
    paths = {f"{API_PREFIX}/indicators": {"get": {
        "operationId": "indicators",
        "summary": "The codebook: indicators, categories, topics and availability",
        "description": "Every indicator with its question, answer categories, nets, bands and "
                       "the country-years where it was asked.",
        "parameters": [parameter_object(table.by_name["lang"], "crosstab", ctx),
                       {"name": "format", "in": "query", "required": False,
                        "description": "Only JSON.",
                        "schema": {"type": "string", "enum": ["json"], "default": "json"}}],
        "responses": {"200": {"description": "The codebook.", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Indicators"}}}},
            "400": problem_400}}}}
    for view, (summary, description) in TABLE_ENDPOINTS.items():
        paths[f"{API_PREFIX}/{view}"] = {"get": {
            "operationId": view, "summary": summary, "description": description,
            "parameters": endpoint_parameters(table, view, ctx),
            "responses": {"200": table_ok, "400": problem_400}}}
    mapped = list(app_ctx.dataset.boundaries)
    paths[f"{API_PREFIX}/geo/{{indicator}}"] = {"get": {
        "operationId": "geo",
        "summary": "The boundary file of an indicator with a map",
        "description": "The GeoJSON FeatureCollection the codebook links to `indicator` (each "
                       "feature's key property is one of its category codes), as the file is. "
                       "A strong ETag (the SHA-256 of the file) comes with it: send it back in "
                       "If-None-Match and an unchanged file answers 304 Not Modified.",
        "parameters": [{"name": "indicator", "in": "path", "required": True,
                        "description": "An indicator with a boundary file.",
                        "schema": {"type": "string", "enum": mapped} if mapped
                        else {"type": "string"}}],
        "responses": {
            "200": {"description": "The boundary file (GeoJSON).",
                    "headers": {"ETag": {"schema": {"type": "string"},
                                         "description": "Strong: the file's SHA-256."}},
                    "content": {"application/geo+json": {"schema": {"type": "object"}}}},
            "304": {"description": "Not modified: the If-None-Match ETag is current."},
            "404": {"description": "No such indicator, or it has no boundary file.",
                    "content": {PROBLEM_MIMETYPE: {"schema": {
                        "$ref": "#/components/schemas/Problem"}}}}}}}
    synthetic = (" The data are synthetic demonstration data: no figure is a finding."
                 if info.synthetic else "")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{info.title.en} API",
            "version": "1",
            "description": (
                "Aggregated survey tables: weighted percentages with standard errors, 95% "
                "confidence intervals and significance tests; the same numbers as the explorer "
                "and the `barometer` command line. Parameters are those of the explorer's URLs. "
                f"Data version {app_ctx.dataset.version}. Disclosure control: "
                + " ".join(disclosure_rules("en", info.thresholds.min_base))
                + " A hidden cell has `suppressed` true and every figure null (`complementary` "
                "true when it is hidden to protect another); the document's `protection` lists "
                "what was hidden." + synthetic),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": _schemas()},
        "x-problem-types": {problem_type(k): v for k, v in PROBLEM_TYPES.items()},
    }


# -- the docs page -------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1f24}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f3f4f6;padding:0 .2em}
pre{padding:.6rem;overflow-x:auto}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}h2{border-bottom:1px solid #d0d7de;margin-top:2.5rem}
.note{background:#fff8c5;padding:.5rem .8rem;border-left:4px solid #d4a72c}
"""


def _schema_text(schema: dict) -> str:
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
        shown = ", ".join(values[:40]) + (f" … ({len(values)} in all)" if len(values) > 40 else "")
        return f"one of: {shown}"
    if schema.get("type") == "array":
        return "repeatable; each " + _schema_text(schema.get("items", {}))
    text = schema.get("type", "")
    if "pattern" in schema and len(schema["pattern"]) < 120:
        text += f" matching {schema['pattern']}"
    return text


def render_docs(document: dict) -> str:
    """A self-contained HTML page describing every operation of `document`."""
    esc = html.escape
    info = document["info"]
    parts = [
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{esc(info['title'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(info['title'])}</h1>",
        f"<p>{esc(info['description'])}</p>",
        f"<p>Machine-readable: <a href=\"{API_PREFIX}/openapi.json\">{API_PREFIX}/openapi.json"
        "</a> (OpenAPI " + esc(document["openapi"]) + "). Back to the <a href=\"/\">explorer</a>.</p>",
        "<p class=\"note\">Every request is a GET with query parameters named as in the "
        "explorer's links, so a link copied from the page works here. JSON by default; "
        "<code>format=csv</code> for the tidy table.</p>",
    ]
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            parts.append(f"<h2 id=\"{esc(op['operationId'])}\"><code>{method.upper()} "
                         f"{esc(path)}</code></h2>")
            parts.append(f"<p><strong>{esc(op['summary'])}.</strong> {esc(op['description'])}</p>")
            parts.append("<table><thead><tr><th>Parameter</th><th>Required</th><th>Values</th>"
                         "<th>Meaning</th></tr></thead><tbody>")
            for p in op["parameters"]:
                flag = " (deprecated)" if p.get("deprecated") else ""
                parts.append(
                    f"<tr><td><code>{esc(p['name'])}</code>{flag}</td>"
                    f"<td>{'yes' if p.get('required') else 'no'}</td>"
                    f"<td>{esc(_schema_text(p['schema']))}</td><td>{esc(p['description'])}</td></tr>")
            parts.append("</tbody></table><p>Responses: " + ", ".join(
                f"<code>{esc(code)}</code> {esc(r['description'])} ("
                + ", ".join(esc(m) for m in r.get("content", {})) + ")"
                for code, r in op["responses"].items()) + "</p>")
            example = _example(path, op)
            if example:
                parts.append(f"<p>Example: <a href=\"{esc(example)}\"><code>{esc(example)}</code></a></p>")
    parts.append("<h2 id=\"problems\">Errors</h2><p>Errors are RFC 9457 problem documents "
                 f"(<code>{PROBLEM_MIMETYPE}</code>) with <code>type</code>, <code>title</code>, "
                 "<code>status</code>, <code>detail</code> and, for a bad parameter, "
                 "<code>param</code>, <code>value</code> and <code>allowed</code> (closest "
                 "first).</p><dl>")
    for uri, title in document.get("x-problem-types", {}).items():
        anchor = uri.rsplit("#", 1)[-1]
        parts.append(f"<dt id=\"{esc(anchor)}\"><code>{esc(uri)}</code></dt><dd>{esc(title)}</dd>")
    parts.append("</dl><h2>Schemas</h2>")
    for name, schema in document["components"]["schemas"].items():
        parts.append(f"<h3 id=\"schema-{esc(name)}\">{esc(name)}</h3><pre>"
                     f"{esc(json.dumps(schema, indent=1))}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _example(path: str, op: dict) -> str:
    if path.endswith("/indicators"):
        return path
    if "{indicator}" in path:
        values = op["parameters"][0]["schema"].get("enum") or []
        return path.replace("{indicator}", values[0]) if values else ""
    indicator = next((p for p in op["parameters"] if p["name"] == "indicator"), None)
    if not indicator or not indicator["schema"].get("enum"):
        return ""
    return f"{path}?indicator={indicator['schema']['enum'][0]}"
