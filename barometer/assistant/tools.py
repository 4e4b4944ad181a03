"""The assistant's tools: the API's views with the parameter table's schemas and checks, answered
with the API's JSON document plus the citation and the permalink of the same view in the
explorer.

A view tool's arguments are the parameter table's entries for that view (`Param.kind.schema`,
`Param.help`, `Param.describe_default`, as the OpenAPI document builds them), parsed strictly:
a bad value is a `ToolError` naming the parameter and the closest valid values. Figures come
from `barometer.stats`, documents from `barometer.present` (so disclosure control and notes are
the API's). An answer carries at most `MAX_ROWS` rows. Explorer paths for permalinks come from
the page registry (`barometer.web.registry`, a data-only module: no Dash is imported).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from barometer.dataset import Dataset
from barometer.params import PARAMETER_TABLE, Param, ParamError, ParamTable
from barometer.params.values import MAX_VALUE_LENGTH, SchemaContext
from barometer.present.documents import indicators_document, table_document
from barometer.present.labels import citation
from barometer.stats import QueryError, compare, crosstab, frequencies, trend
from barometer.stats.availability import availability
from barometer.stats.query import data_years, default_category
from barometer.textsearch import indicator_index
from barometer.web.registry import PAGES

MAX_ROWS = 200
"""Most rows one tool answer carries (about 140 kB of JSON); a bigger view is refused with a
message saying how to narrow it."""
MAX_SEARCH_RESULTS = 50

VIEW_TOOLS: dict[str, str] = {
    "crosstab": (
        "Weighted percentages of one survey question (`indicator`), optionally broken down by "
        "another (`by`: gender, age_group, education, … or any single-choice question), per "
        "country and survey year, each with its 95% confidence interval (Wilson, on the "
        "design-effective base), standard error, unweighted base, column letters of "
        "significant differences (`sig`) and a Rao-Scott chi-square test per country-year."),
    "frequencies": (
        "The answers to one survey question (`indicator`) per country and survey year: "
        "weighted percentages with 95% confidence intervals and bases (no breakdown)."),
    "trend": (
        "One answer (or net, e.g. 'trust' = full + some trust; `category`, default the first "
        "net) of one question across survey years, per country (and `by` group): the share in "
        "each wave with its 95% confidence interval and base."),
    "compare": (
        "One question in one survey year (`year`, default the latest; one only) for several "
        "countries side by side and, with `pool` `equal` (each country counts equally) or "
        "`population` (countries weighted by adult population), the pooled figure (country "
        "`pooled`) after them; the pooling rule is stated in `base_note` and `notes`."),
}
ANSWER_HELP = (
    " Answer: the API's JSON document (`rows`: country, year, by, category with labels, "
    "`percent`, `ci_low`, `ci_high`, `se`, `base_n`, `small` = base under the small-base "
    "threshold, `suppressed` = base under the minimum, figures withheld; `tests`; `base_note` "
    "and `notes` in words; `synthetic` = demonstration data), plus `citation` and `permalink` "
    "(the same view in the explorer). At most {max_rows} rows: narrow a bigger view with "
    "`country`, `year` or a `by` with fewer groups.")
REPORTING_RULES = (
    "Report every percentage with its 95% interval (ci_low to ci_high) and its base (base_n).",
    "Say so next to any figure whose row is `small`; never estimate a `suppressed` figure.",
    "Call a difference real only when the intervals do not overlap or the test or significance "
    "letters say so.",
    "Give the citation and the permalink so that readers can check the figures.",
)
SYNTHETIC_WARNING = ("SYNTHETIC DEMONSTRATION DATA: every figure here is invented; never report "
                     "it as a finding about real people or countries.")
EXPLORER_VIEW = {"crosstab": "crosstab", "frequencies": "crosstab", "trend": "trend",
                 "compare": "compare"}
"""The explorer page whose view shows a tool's view (frequencies: Explore without breakdown)."""


class ToolError(Exception):
    """A tool call refused: `param` names the argument at fault ("" when the view as a whole is
    refused), `value` what was given, `allowed` valid values (closest first)."""

    def __init__(self, param: str, value: str, allowed: Sequence[str], detail: str,
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.param, self.value, self.allowed = param, value, tuple(allowed)
        self.detail, self.extra = detail, dict(extra or {})

    def document(self) -> dict[str, Any]:
        """The error as JSON: what, where, what would do."""
        return {"error": {"param": self.param or None, "value": self.value[:MAX_VALUE_LENGTH],
                          "allowed": list(self.allowed[:20]), "detail": self.detail,
                          **self.extra}}


@dataclass(frozen=True)
class ToolSpec:
    """A tool as the protocol lists it: name, description and JSON schema of its arguments."""

    name: str
    description: str
    input_schema: dict[str, Any]


# -- schemas and arguments ---------------------------------------------------------------------


def argument_schema(param: Param, view: str, ctx: SchemaContext) -> dict[str, Any]:
    """The JSON schema of one tool argument, as the OpenAPI document describes the parameter."""
    schema = param.kind.schema(ctx)
    default = param.default_for(view)
    if isinstance(default, str | bool | int) and "enum" in schema:
        schema = {**schema, "default": param.kind.encode(default)[0]}
    description = param.help
    stated = param.describe_default(view)
    if stated:
        description += f" Default: {stated}."
    if param.repeats > 1:
        return {"type": "array", "maxItems": param.repeats, "items": schema,
                "description": description}
    return {**schema, "description": description}


def view_arguments(table: ParamTable, view: str) -> tuple[Param, ...]:
    """The parameters a view tool takes: the view's, less those that only change the look."""
    return tuple(p for p in table.in_view(view) if not p.presentation)


def object_schema(properties: Mapping[str, dict], required: Sequence[str]) -> dict[str, Any]:
    return {"type": "object", "properties": dict(properties), "required": list(required),
            "additionalProperties": False}


def argument_text(name: str, value: Any) -> str:
    """One JSON argument as the string a URL would carry (true -> "1", 2024 -> "2024")."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if isinstance(value, str):
        return value
    raise ToolError(name, str(value)[:80], (), f"{name} should be a string, not "
                    f"{type(value).__name__}")


def query_strings(tool: str, params: Sequence[Param], arguments: Mapping[str, Any],
                  extra: Sequence[str] = ()) -> dict[str, list[str]]:
    """Tool arguments as the parameter table's query strings: unknown names and empty values
    refused, null taken as absent, a list for a comma-separated parameter joined."""
    known = {p.name: p for p in params}
    raw: dict[str, list[str]] = {}
    for name, value in arguments.items():
        if name not in known and name not in extra:
            raise ToolError(name, str(value)[:80], (*known, *extra),
                            f"unknown argument {name[:80]!r} for {tool}")
        if value is None or name in extra:
            continue
        many = known[name].repeats > 1
        if isinstance(value, list):
            texts = [argument_text(name, v) for v in value]
            texts = texts if many else [",".join(texts)]
        else:
            texts = [argument_text(name, value)]
        if any(text == "" for text in texts) or not texts:
            raise ToolError(name, "", (), f"{name} is empty; give a value or leave it out")
        raw[name] = texts
    return raw


# -- the tools ---------------------------------------------------------------------------------


def page_path(view: str) -> str:
    """The explorer page that shows `view` (the page registry's first page of that view)."""
    return next(page.path for page in PAGES if page.view == view)


def by_country(groups: Sequence[tuple[str, int]]) -> dict[str, list[int]]:
    """(country, year) pairs as country -> years."""
    grouped: dict[str, list[int]] = {}
    for country, year in groups:
        grouped.setdefault(country, []).append(int(year))
    return grouped


class Assistant:
    """The tools over one dataset and parameter table: their specs and their answers. Built once
    per process (the search index and schemas too) and shared by every request."""

    def __init__(self, dataset: Dataset, table: ParamTable = PARAMETER_TABLE) -> None:
        self.dataset = dataset
        self.codebook = dataset.codebook
        self.table = table
        self.years = data_years(dataset)
        self.available = availability(dataset)
        self.index = indicator_index(self.codebook)
        self.schema_context = SchemaContext(self.codebook, self.years)
        self.specs = {spec.name: spec for spec in self._specs()}
        self._calls: dict[str, Callable[[Mapping[str, Any], str], dict[str, Any]]] = {
            "search_indicators": self.search_indicators,
            "describe_indicator": self.describe_indicator,
            **{view: (lambda arguments, base_url, view=view:
                      self.view_answer(view, arguments, base_url)) for view in VIEW_TOOLS},
        }

    # -- listing ---------------------------------------------------------------------------

    def _specs(self) -> list[ToolSpec]:
        ctx = self.schema_context
        lang = self.table.by_name["lang"]
        indicator = self.table.by_name["indicator"]
        specs = [
            ToolSpec("search_indicators", (
                "Find survey questions by words in English, Albanian or Serbian (Latin or "
                "Cyrillic): every word, in any order, whole or as the start of a word, in the "
                "question, its short label, its topic or its answers. Answer: indicator ids "
                "(the `indicator` argument of the other tools) with question, topic, type, "
                "whether they can break a table down, where every word was found, and the "
                "countries and survey years where each was asked; questions holding every word "
                f"first. At most {MAX_SEARCH_RESULTS} results."),
                object_schema({
                    "query": {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_LENGTH,
                              "description": "Words to look for, e.g. 'trust police' or "
                                             "'korupcija sudovi'."},
                    "lang": argument_schema(lang, "crosstab", ctx),
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH_RESULTS,
                              "default": 10, "description": "How many questions to return."},
                }, ["query"])),
            ToolSpec("describe_indicator", (
                "One survey question in full: wording, type, answer categories (codes for "
                "`filter` and `category`), nets, numeric bands, topic, whether it can be a `by` "
                "breakdown, the default trend category, the countries and survey years where "
                "it was asked, and the permalink of its page in the explorer."),
                object_schema({"indicator": argument_schema(indicator, "crosstab", ctx),
                               "lang": argument_schema(lang, "crosstab", ctx)}, ["indicator"])),
        ]
        for view, description in VIEW_TOOLS.items():
            properties = {p.name: argument_schema(p, view, ctx)
                          for p in view_arguments(self.table, view)}
            specs.append(ToolSpec(view, description + ANSWER_HELP.format(max_rows=MAX_ROWS),
                                  object_schema(properties, ["indicator"])))
        return specs

    # -- calling ---------------------------------------------------------------------------

    def call(self, name: str, arguments: Mapping[str, Any] | None, base_url: str) -> dict:
        """The answer of tool `name`; a `ToolError` names what is wrong with the call.
        `base_url` is the explorer's address, for permalinks and citations."""
        if name not in self._calls:
            raise ToolError("", name[:80], tuple(self._calls), f"unknown tool {name[:80]!r}")
        if arguments is not None and not isinstance(arguments, Mapping):
            raise ToolError("", "", (), "the arguments must be a JSON object")
        return self._calls[name](arguments or {}, base_url.rstrip("/"))

    def parse(self, tool: str, view: str, raw: Mapping[str, list[str]]):
        """Strict `ViewParams` of a view, a bad value as a `ToolError` naming it."""
        if not raw.get("indicator") and tool != "search_indicators":
            raise ToolError("indicator", "", tuple(i.id for i in self.codebook.indicators),
                            "indicator is required (search_indicators finds ids)")
        try:
            return self.table.parse(raw, self.codebook, self.years, view=view, strict=True)
        except ParamError as exc:
            raise ToolError(exc.param, str(exc.value), tuple(exc.allowed), str(exc)) from exc

    def permalink(self, base_url: str, view: str, params) -> str:
        """The explorer's link to the same view."""
        shown = EXPLORER_VIEW[view]
        return base_url + page_path(shown) + self.table.encode(params, shown)

    def common(self, lang: str, link: str) -> dict[str, Any]:
        """What every answer carries: the demonstration-data warning, citation and link."""
        head: dict[str, Any] = {}
        if self.dataset.synthetic:
            head["warning"] = SYNTHETIC_WARNING
        return {**head, "data_version": self.dataset.version,
                "synthetic": bool(self.dataset.synthetic), "permalink": link,
                "citation": citation(self.codebook, self.dataset.version, lang, link)}

    def view_answer(self, view: str, arguments: Mapping[str, Any], base_url: str) -> dict:
        """A table view: parse, compute with `barometer.stats`, the API's document around it."""
        raw = query_strings(view, view_arguments(self.table, view), arguments)
        params = self.parse(view, view, raw)
        try:
            result = self.compute(view, params)
        except QueryError as exc:  # TooFewRespondents too: disclosure control refuses the view
            minimum = getattr(exc, "minimum", None)
            raise ToolError(exc.param, str(exc.value), tuple(exc.allowed), str(exc),
                            {"min_base": minimum} if minimum is not None else None) from exc
        rows = len(result.table)
        if rows > MAX_ROWS:
            raise ToolError("", "", (), (
                f"this view has {rows} rows, more than the {MAX_ROWS} one answer may carry: "
                "narrow it with country or year (or a by with fewer groups), or fetch the "
                "whole table from the API"), {"rows": rows, "limit": MAX_ROWS,
                                              "api": self.api_link(base_url, view, params)})
        doc = table_document(view, result, params, self.dataset, self.table)
        link = self.permalink(base_url, view, params)
        common = self.common(params.lang, link)
        warning = {"warning": common.pop("warning")} if "warning" in common else {}
        return {**warning, **doc, "notices": list(params.notices), **common,
                "api": self.api_link(base_url, view, params),
                "reporting_rules": list(REPORTING_RULES)}

    def compute(self, view: str, params):
        """The `barometer.stats` result a view shows (as `/api/v1/<view>` computes it)."""
        if view == "crosstab":
            return crosstab(self.dataset, params.query())
        if view == "frequencies":
            return frequencies(self.dataset, params.query(by=None))
        if view == "trend":
            return trend(self.dataset, params.query(), params.category)
        return compare(self.dataset, params.query())

    def api_link(self, base_url: str, view: str, params) -> str:
        return f"{base_url}/api/v1/{view}{self.table.encode(params, view)}"

    def search_indicators(self, arguments: Mapping[str, Any], base_url: str) -> dict:
        """Questions matching words of any language, ranked, with where they were asked."""
        raw = query_strings("search_indicators", [self.table.by_name["lang"]], arguments,
                            extra=("query", "limit"))
        query = arguments.get("query")
        if not isinstance(query, str) or not query.strip():
            raise ToolError("query", str(query or "")[:80], (),
                            "query is required: words to look for")
        if len(query) > MAX_VALUE_LENGTH:
            raise ToolError("query", query[:80], (),
                            f"query is longer than {MAX_VALUE_LENGTH} characters")
        limit = 10 if arguments.get("limit") is None else arguments["limit"]
        if isinstance(limit, bool) or not isinstance(limit, int) or not (
                1 <= limit <= MAX_SEARCH_RESULTS):
            raise ToolError("limit", str(limit)[:80], (),
                            f"limit must be a whole number from 1 to {MAX_SEARCH_RESULTS}")
        lang = self.parse("search_indicators", "crosstab", raw).lang
        hits = self.index.search(query)
        entries = self.entries(lang)
        results = []
        for hit in hits[:limit]:
            entry = entries[hit.key]
            results.append({
                "id": hit.key, "label": entry["label"], "question": entry["question"],
                "topic": entry["topic"], "topic_label": entry["topic_label"],
                "type": entry["type"], "demographic": entry["demographic"],
                "can_break_down": entry["can_break_down"],
                "every_word_found": hit.complete, "found_in": list(hit.fields),
                "asked_in": by_country(self.available.get(hit.key, ())),
            })
        answer: dict[str, Any] = {"query": query, "results": results,
                                  "more": max(0, len(hits) - limit)}
        if hits and not hits[0].complete:
            answer["note"] = "No question holds every word; these hold some of them."
        if not hits:
            answer["note"] = ("No question matches; try fewer or other words, or another "
                              "language.")
        head = self.common(lang, base_url + page_path("crosstab") + f"?lang={lang}")
        return {**head, **answer}

    def entries(self, lang: str) -> dict[str, dict[str, Any]]:
        """The codebook's indicators as `/api/v1/indicators` gives them, by id."""
        doc = indicators_document(self.dataset, lang, self.years, self.available)
        return {entry["id"]: entry for entry in doc["indicators"]}

    def describe_indicator(self, arguments: Mapping[str, Any], base_url: str) -> dict:
        """One indicator in full, with where it was asked and its explorer page."""
        params_in = [self.table.by_name["indicator"], self.table.by_name["lang"]]
        raw = query_strings("describe_indicator", params_in, arguments)
        params = self.parse("describe_indicator", "crosstab", raw)
        entry = dict(self.entries(params.lang)[params.indicator])
        entry["availability"] = by_country(self.available.get(params.indicator, ()))
        entry["default_trend_category"] = default_category(self.codebook, params.indicator)
        defaults = self.table.parse({"indicator": [params.indicator], "lang": [params.lang]},
                                    self.codebook, self.years, view="crosstab")
        return {**self.common(params.lang, self.permalink(base_url, "crosstab", defaults)),
                "indicator": entry}
