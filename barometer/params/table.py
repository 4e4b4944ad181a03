"""The parameter table: every view parameter declared once.

One `Param` per parameter says its name (the same in URLs, the API, the command line and JSON),
its kind of value, its default (per view where a view needs another), where it applies, how it
enters the statistics query and its help text. `ParamTable` derives from it everything the
surfaces need: the `ViewParams` type, parsing and encoding of query strings, the normalised
echo of the API and `--format json`, and the defaults. The OpenAPI parameters (`barometer.web`)
and the command-line options (`barometer.cli`) are generated from the same entries.

Views: `crosstab` (Explore, the API and CLI crosstab), `frequencies`, `trend` (Trends) and
`compare` (Compare).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from barometer.codebook import Codebook
from barometer.i18n import N_, gettext_for, translate
from barometer.params.values import (
    MAX_VALUE_LENGTH,
    AnswerCategory,
    Breakdown,
    Choice,
    CodeList,
    CombinedCategories,
    FilterCondition,
    Flag,
    IndicatorId,
    Invalid,
    Language,
    NumericBins,
    ParseContext,
)
from barometer.stats.query import PERCENT_BASES, POOLINGS, Query, default_category

VIEWS: tuple[str, ...] = ("crosstab", "frequencies", "trend", "compare")
ALL_VIEWS = frozenset(VIEWS)
MISSING_MODES: tuple[str, ...] = ("hide", "show")
CHART_TYPES: tuple[str, ...] = ("headline", "bars", "stacked", "horizontal", "table", "map")
SORT_ORDERS: tuple[str, ...] = ("none", "value")
MAX_FILTERS = 12
MAX_GROUPS = 24
MAX_BINNED = 4


@dataclass(frozen=True)
class DataDefault:
    """A default that depends on the data (the codebook, the waves, the values parsed so far);
    `text` says it in words for help texts."""

    text: str
    resolve: Callable[[ParseContext], Any]


@dataclass(frozen=True)
class CliAlias:
    """An older command-line flag kept working: `--unweighted` means `--weighted 0`."""

    flag: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Param:
    """One view parameter. `attr` is its `ViewParams` field (default: `name`); `views` where it
    applies; `view_defaults` where a view needs another default than `default`; `default_text`
    how help texts name a default with no value of its own (None, an empty list); `repeats` how
    often it may be given. `to_query` maps the value to fields of the statistics `Query`;
    `presentation` marks a parameter that changes how figures look, not which (the chart type):
    it stays out of the API's echo and cache key."""

    name: str
    kind: Any
    default: Any
    help: str
    attr: str = ""
    views: frozenset[str] = ALL_VIEWS
    view_defaults: Mapping[str, Any] = field(default_factory=dict)
    default_text: str = ""
    repeats: int = 1
    to_query: Callable[[Any], Mapping[str, Any]] | None = None
    presentation: bool = False
    cli_positional: bool = False
    cli_aliases: tuple[CliAlias, ...] = ()
    type_hint: Any = Any

    @property
    def field_name(self) -> str:
        return self.attr or self.name

    def default_for(self, view: str) -> Any:
        return self.view_defaults.get(view, self.default)

    def applies_to(self, view: str) -> bool:
        return view in self.views

    def static_default(self) -> Any:
        """The default a `ViewParams` field starts with (data defaults resolve when parsing)."""
        default = self.default
        if isinstance(default, DataDefault):
            return "" if self.name == "indicator" else None
        return default

    def describe_default(self, view: str, lang: str = "en") -> str:
        """The default in words, for help texts: 'column', 'the latest wave', 'every country'."""
        default = self.default_for(view)
        if isinstance(default, DataDefault):
            return translate(default.text, lang)
        if self.default_text:
            return translate(self.default_text, lang)
        encoded = self.kind.encode(default) if default not in (None, ()) else []
        return ",".join(encoded)


def _first_indicator(ctx: ParseContext) -> str:
    substantive = [i for i in ctx.codebook.indicators if not i.demographic]
    trust = [i for i in substantive if i.topic == "trust" and i.type in ("single", "ordinal")]
    return (trust or substantive or list(ctx.codebook.indicators))[0].id


FIRST_QUESTION = DataDefault(N_("the first trust question"), _first_indicator)
LATEST_WAVE = DataDefault(N_("the latest wave"),
                          lambda ctx: (max(ctx.years),) if ctx.years else ())
EVERY_WAVE = DataDefault(N_("every wave"), lambda _ctx: ())
LINES = DataDefault(N_("lines"), lambda _ctx: None)
FIRST_NET = DataDefault(
    N_("the first net (e.g. full + some trust), else the first answer"),
    lambda ctx: default_category(ctx.codebook, ctx.values.get("indicator", "")))


PARAMETERS: tuple[Param, ...] = (
    # `lang` first: every message about the others is written in it.
    Param("lang", Language(), "en", N_("Language of labels and messages: `en`, `sq`, "
                                       "`sr-Latn` or `sr-Cyrl`.")),
    Param("indicator", IndicatorId(), FIRST_QUESTION, N_("The question: an indicator id."),
          to_query=lambda v: {"indicator": v}, cli_positional=True),
    # `bins`, then `combine`, before the parameters that name categories: they see the groups.
    Param("bins", NumericBins(), (),
          N_("Bands of a numeric indicator on the fly: `indicator:18-34,35-54,55-` (`55-` or "
             "`55+` open above, `-17` open below); the bands are its categories everywhere."),
          repeats=MAX_BINNED, default_text=N_("no bands"), to_query=lambda v: {"bins": v}),
    Param("combine", CombinedCategories(), (),
          N_("Combine categories into a group: `indicator.group:code,code` (without `.group` "
             "the group is named by its codes); repeat for more groups. The groups are "
             "categories everywhere (filters, `category`)."),
          repeats=MAX_GROUPS, default_text=N_("no groups"), to_query=lambda v: {"combine": v}),
    Param("by", Breakdown(), None, N_("Break down by another single, ordinal or banded "
                                      "numeric indicator; several, comma-separated, side by "
                                      "side with a Total column first (a banner)."),
          views=frozenset({"crosstab", "trend"}), default_text=N_("no breakdown"),
          to_query=lambda v: {"by": v}),
    Param("country", CodeList("countries", metavar="AL,XK,..."), (),
          N_("Country codes, comma-separated."), attr="countries",
          default_text=N_("every country"), to_query=lambda v: {"countries": v}),
    Param("year", CodeList("years", metavar="2024,2025,..."), LATEST_WAVE,
          N_("Survey years, comma-separated."), attr="years",
          view_defaults={"trend": EVERY_WAVE}, to_query=lambda v: {"years": v}),
    Param("filter", FilterCondition(legacy_separator="="), (),
          N_("Keep respondents with these answers: `indicator:code,code`; repeat to "
             "combine (AND)."), attr="filters", repeats=MAX_FILTERS, default_text=N_("no filter"),
          to_query=lambda v: {"filters": v}),
    Param("weighted", Flag(), True, N_("Apply the survey weights (`1`) or count respondents (`0`)."),
          to_query=lambda v: {"weighted": v},
          cli_aliases=(CliAlias("--unweighted", "0", N_("Same as `--weighted 0`.")),)),
    Param("percent", Choice(PERCENT_BASES), "column",
          N_("Percentage base: `column` (within each group), `row` (within each answer) or "
             "`total`."),
          to_query=lambda v: {"percent": v}),
    Param("missing", Choice(MISSING_MODES), "hide",
          N_("`show`: keep don't know / refused as answers and in the base; `hide`: leave "
             "them out."), to_query=lambda v: {"include_missing": v == "show"},
          cli_aliases=(CliAlias("--include-missing", "show", N_("Same as `--missing show`.")),)),
    Param("chart", Choice(CHART_TYPES), "headline",
          N_("Chart type: `headline` (one answer or net per group, as `category` says), `bars`, "
             "`stacked`, `horizontal` (every answer), `table` or `map` (`category` by a breakdown "
             "that has a boundary file, such as region; on a trend, a map per wave)."),
          views=frozenset({"crosstab", "trend", "compare"}), view_defaults={"trend": LINES},
          presentation=True),
    Param("sort", Choice(SORT_ORDERS), "none",
          N_("Order of the groups in the chart: `none` (as in the codebook) or `value` "
             "(highest first)."),
          views=frozenset({"crosstab", "compare"}), presentation=True),
    Param("pool", Choice(POOLINGS), "separate",
          N_("Several countries: `separate`, or pooled with each country counting equally "
             "(`equal`) or by adult population (`population`)."),
          views=frozenset({"crosstab", "frequencies", "compare"}),
          to_query=lambda v: {"pool": v}),
    Param("category", AnswerCategory(), FIRST_NET,
          N_("The answer or net code a trend follows, and the headline chart, the summary and "
             "a map show."), views=frozenset({"crosstab", "trend", "compare"})),
)


class _ViewBase:
    """Methods of every `ViewParams` type (the fields come from the table)."""

    _table: ParamTable

    def query(self, **changes: object) -> Query:
        """The statistics query this view asks (`changes` replace Query fields)."""
        fields: dict[str, Any] = {}
        for param in self._table.params:
            if param.to_query is not None:
                fields.update(param.to_query(getattr(self, param.field_name)))
        fields.update(changes)
        return Query(**fields)

    def replace(self, **changes: object):
        return dataclasses.replace(self, **changes)


class ParamTable:
    """The parameters of views and what derives from them; `extended` gives a new table with
    more entries (tests add a throwaway one and find it on every surface)."""

    def __init__(self, params: Iterable[Param]) -> None:
        self.params: tuple[Param, ...] = tuple(params)
        self.by_name: dict[str, Param] = {p.name: p for p in self.params}
        if len(self.by_name) != len(self.params):
            raise ValueError("parameter names repeat")
        fields = [(p.field_name, p.type_hint, field(default=p.static_default()))
                  for p in self.params]
        fields.append(("notices", tuple, field(default=(), compare=False)))
        self.view_type = dataclasses.make_dataclass(
            "ViewParams", fields, bases=(_ViewBase,), frozen=True,
            namespace={"_table": self, "__doc__": "Everything a view shows, as the URL states it "
                                                  "(fields from the parameter table)."})

    def extended(self, *params: Param) -> ParamTable:
        return ParamTable((*self.params, *params))

    def in_view(self, view: str) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.applies_to(view))

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, query: Mapping[str, Sequence[str]] | str, codebook: Codebook,
              years: Sequence[int], *, view: str = "crosstab", strict: bool = False):
        """A query string (or its parsed multi-dict) as `ViewParams` for `view`.

        Strict (the API, the command line): the first bad value raises `ParamError` naming it.
        Lenient (links): a bad value falls back to the default and adds a notice. A parameter
        that does not apply to `view` is ignored when it has its default value and refused
        otherwise (strict) or dropped with a notice."""
        if isinstance(query, str):
            query = parse_qs(query.lstrip("?"), keep_blank_values=True)
        ctx = ParseContext(codebook, tuple(years), strict, gettext_for(self._lang(query, codebook)))
        for param in self.params:
            value = self._parse_one(param, query.get(param.name) or [], ctx, view)
            settle = getattr(param.kind, "settle", None)
            ctx.values[param.name] = value if settle is None else settle(param.name, value, ctx)
        values = {self.by_name[name].field_name: value for name, value in ctx.values.items()}
        return self.view_type(**values, notices=tuple(ctx.notices))

    @staticmethod
    def _lang_of(ctx: ParseContext) -> str:
        return ctx.values.get("lang", "en")

    def _lang(self, query: Mapping[str, Sequence[str]], codebook: Codebook) -> str:
        """The language asked for, read first so that every message is written in it."""
        param = self.by_name.get("lang")
        raw = (query.get("lang") or [""])[-1][:MAX_VALUE_LENGTH]
        if param is None or not raw:
            return "en"
        quiet = ParseContext(codebook, (), False, gettext_for("en"))
        try:
            return param.kind.parse("lang", raw, quiet)
        except Invalid:
            return "en"

    def _parse_one(self, param: Param, raws: Sequence[str], ctx: ParseContext, view: str) -> Any:
        _ = ctx.gettext
        given = [r for r in raws if r != ""]
        if len(given) > param.repeats:
            if param.repeats == 1:
                ctx.bad(param.name, given[-1], (), _("{name} was given {count} times; give it "
                                                     "once").format(name=param.name,
                                                                    count=len(given)))
                given = given[-1:]
            else:
                ctx.bad(param.name, given[-1], (), _(
                    "at most {limit} filter conditions are allowed").format(limit=param.repeats)
                        if param.name == "filter" else _(
                    "{name} is given {count} times; at most {limit} are allowed").format(
                    name=param.name, count=len(given), limit=param.repeats))
                given = given[: param.repeats]
        parsed, before = [], len(ctx.notices)
        for raw in given:
            if len(raw) > MAX_VALUE_LENGTH:
                ctx.bad(param.name, raw, (), _("{name} is longer than {limit} characters").format(
                    name=param.name, limit=MAX_VALUE_LENGTH))
                continue
            try:
                parsed.append(param.kind.parse(param.name, raw, ctx))
            except Invalid:
                continue
        default = self._default(param, ctx, view)
        value = tuple(parsed) if param.repeats > 1 else (parsed[-1] if parsed else default)
        if len(ctx.notices) > before and not parsed and param.repeats == 1:
            lang = self._lang_of(ctx)
            if value in (None, ()):
                shown = param.describe_default(view, lang)
            elif hasattr(param.kind, "describe"):
                shown = param.kind.describe(value, ctx, lang)
            else:
                shown = ",".join(param.kind.encode(value))
            if shown:
                notice = ctx.notices[-1].rstrip()
                ctx.notices[-1] = (notice if notice.endswith((".", "!", "?")) else notice + ".") \
                    + " " + _("Showing {shown} instead.").format(shown=shown)
        if param.applies_to(view) or param.presentation or value == default:
            return value if param.applies_to(view) else default
        ctx.bad(param.name, given[-1], (), _("{param} does not apply to {view}").format(
            param=param.name, view=view))
        return default

    def _default(self, param: Param, ctx: ParseContext, view: str) -> Any:
        default = param.default_for(view)
        if isinstance(default, DataDefault):
            return default.resolve(ctx)
        return default

    def defaults(self, codebook: Codebook, years: Sequence[int], view: str = "crosstab"):
        """The view a bare URL shows."""
        return self.parse({}, codebook, years, view=view)

    # -- writing -----------------------------------------------------------------------------

    def encode(self, params, view: str | None = None) -> str:
        """The query string (with its leading '?') that `parse` turns back into `params`.

        Every parameter of `view` (all, when None) is written, so a shared link means the same
        view whatever defaults change; `lang` comes last."""
        items: list[tuple[str, str]] = []
        for param in sorted(self.params, key=lambda p: p.name == "lang"):
            if view is not None and not param.applies_to(view):
                continue
            value = getattr(params, param.field_name)
            values = value if param.repeats > 1 else (value,)
            for one in values:
                if one is None:
                    continue
                items += [(param.name, text) for text in param.kind.encode(one)]
        return "?" + urlencode(items, safe=",:")

    def echo(self, params, view: str) -> dict[str, Any]:
        """The query as the server understood it, in JSON terms: every parameter of `view` but
        the presentation ones (the API's `query` and `--format json`'s; the API's cache key)."""
        echo: dict[str, Any] = {}
        for param in self.in_view(view):
            if param.presentation:
                continue
            value = getattr(params, param.field_name)
            if param.repeats > 1:
                echo[param.name] = [param.kind.echo(v) for v in value]
            else:
                echo[param.name] = None if value is None else param.kind.echo(value)
        return echo


    # -- documentation ---------------------------------------------------------------------

    def markdown(self) -> str:
        """The README's table of parameters (a test keeps the README equal to it)."""
        lines = ["| parameter | views | default | meaning |", "|---|---|---|---|"]
        for param in self.params:
            views = ", ".join(v for v in VIEWS if param.applies_to(v))
            defaults = {v: param.describe_default(v) for v in VIEWS if param.applies_to(v)}
            default = " / ".join(dict.fromkeys(defaults.values()))
            if len(set(defaults.values())) > 1:
                default = "; ".join(f"{v}: {d}" for v, d in defaults.items()
                                    if d != param.describe_default("crosstab") or v == "crosstab")
            lines.append(f"| `{param.name}` | {views} | {default} | {param.help} |")
        return "\n".join(lines)


PARAMETER_TABLE = ParamTable(PARAMETERS)
ViewParams = PARAMETER_TABLE.view_type
