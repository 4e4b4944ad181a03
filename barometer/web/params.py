"""The URL is the state: parse and encode the query-string parameters of a view.

One vocabulary serves the explorer's URLs and the REST API: `indicator`, `by`, `country`
(comma-separated codes), `year` (comma-separated), `filter` (repeatable, `indicator:code,code`),
`weighted` (1/0), `percent` (column/row/total), `missing` (show/hide), `chart`, `lang`, `pool`,
`category` (the answer category a trend follows). Parsing is pure; `strict=True` (the API) raises
`ParamError` on the first bad value, `strict=False` (shared links) drops bad values and reports
them as notices so an old link still opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from barometer.codebook import Codebook
from barometer.i18n import LANGUAGES, gettext_for, normalise_lang
from barometer.stats import Query
from barometer.stats.query import PERCENT_BASES, POOLINGS, closest_first

MISSING_MODES = ("hide", "show")
CHART_TYPES = ("bars", "stacked", "horizontal", "table")
POOL_MODES = POOLINGS
MAX_FILTERS = 12
MAX_VALUE_LENGTH = 200


class ParamError(ValueError):
    """A query-string parameter with a value that is not allowed; the message is in the
    language the request asked for."""

    def __init__(self, param: str, value: str, allowed: Sequence[str], message: str) -> None:
        self.param, self.value, self.allowed = param, value, list(allowed)
        super().__init__(message)


@dataclass(frozen=True)
class ViewParams:
    """Everything a view shows, as the URL states it."""

    indicator: str
    by: str | None = None
    countries: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    weighted: bool = True
    percent: str = "column"
    missing: str = "hide"
    chart: str = "bars"
    lang: str = "en"
    pool: str = "separate"
    category: str | None = None
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query(self, **changes: object) -> Query:
        """The statistics query this view asks."""
        query = Query(
            indicator=self.indicator,
            by=self.by,
            countries=self.countries,
            years=self.years,
            filters=self.filters,
            weighted=self.weighted,
            percent=self.percent,  # type: ignore[arg-type]
            include_missing=self.missing == "show",
            pool=self.pool,  # type: ignore[arg-type]
        )
        return replace(query, **changes) if changes else query


def default_params(codebook: Codebook, years: Sequence[int]) -> ViewParams:
    """The first screen: the first trust item, every country, the latest wave."""
    substantive = [i for i in codebook.indicators if not i.demographic]
    trust = [i for i in substantive if i.topic == "trust" and i.type in ("single", "ordinal")]
    first = (trust or substantive or list(codebook.indicators))[0]
    return ViewParams(indicator=first.id, years=(max(years),) if years else ())


def parse_params(
    query: Mapping[str, Sequence[str]] | str,
    codebook: Codebook,
    years: Sequence[int],
    *,
    strict: bool = False,
    defaults: ViewParams | None = None,
) -> ViewParams:
    """Parse a query string (or its parsed multi-dict) into a `ViewParams`.

    `years` are the waves present in the data. Unknown names raise `ParamError` when `strict`,
    else fall back to the default and add a notice.
    """
    if isinstance(query, str):
        query = parse_qs(query.lstrip("?"), keep_blank_values=True)
    defaults = defaults or default_params(codebook, years)
    notices: list[str] = []
    # The language first, so that every notice below is written in it.
    lang_values = query.get("lang") or [""]
    lang = normalise_lang(lang_values[-1][:MAX_VALUE_LENGTH]) if lang_values[-1] else defaults.lang
    _ = gettext_for(lang)

    def bad(param: str, value: str, allowed: Sequence[str], detail: str = "") -> None:
        message = detail or _("{param}={value} is not allowed").format(
            param=param, value=repr(value[:80]))
        if allowed:
            names = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
            message = _("{message}; allowed: {names}").format(message=message, names=names)
        error = ParamError(param, value, allowed, message)
        if strict:
            raise error
        notices.append(message)

    def single(name: str) -> str | None:
        values = query.get(name)
        if not values:
            return None
        if len(values) > 1:
            bad(name, values[-1], [], _("{name} was given {count} times; give it once").format(
                name=name, count=len(values)))
        value = values[-1]
        if len(value) > MAX_VALUE_LENGTH:
            bad(name, value, [], _("{name} is longer than {limit} characters").format(
                name=name, limit=MAX_VALUE_LENGTH))
            return None
        return value

    def choice(name: str, allowed: Sequence[str], default: str) -> str:
        value = single(name)
        if value is None or value == "":
            return default
        if value not in allowed:
            bad(name, value, allowed)
            return default
        return value

    ids = [i.id for i in codebook.indicators]
    indicator = single("indicator") or defaults.indicator
    if indicator not in codebook.by_id:
        bad("indicator", indicator, closest_first(indicator, ids))
        indicator = defaults.indicator

    by = single("by") or None
    if by is not None and (by not in codebook.by_id or by == indicator):
        allowed = [i for i in ids if i != indicator]
        bad("by", by, closest_first(by, allowed))
        by = None
    if by is not None and codebook.indicator(by).type == "numeric" and not codebook.indicator(by).bins:
        bad("by", by, [], _("{param}={value} is a numeric indicator without bands").format(
            param="by", value=repr(by)))
        by = None
    if by is not None and codebook.indicator(by).type == "multiple":
        breakable = [i.id for i in codebook.indicators if i.type != "multiple" and i.id != indicator]
        bad("by", by, closest_first(by, breakable), _(
            "{param}={value}: a multiple-response question cannot be a breakdown").format(
            param="by", value=repr(by)))
        by = None

    countries = _codes(single("country"), list(codebook.countries), "country", bad)
    year_names = [str(y) for y in years]
    years_given = _codes(single("year"), year_names, "year", bad)
    chosen_years = tuple(int(y) for y in years_given) if years_given else defaults.years

    filters: list[tuple[str, tuple[str, ...]]] = []
    raw_filters = list(query.get("filter", []))
    if len(raw_filters) > MAX_FILTERS:
        bad("filter", raw_filters[-1], [], _("at most {limit} filter conditions are allowed").format(
            limit=MAX_FILTERS))
        raw_filters = raw_filters[:MAX_FILTERS] if not strict else []
    for raw in raw_filters:
        parsed = _parse_filter(raw, codebook, bad, _)
        if parsed:
            filters.append(parsed)

    weighted_raw = choice("weighted", ("1", "0", "true", "false"), "1")
    lang_raw = single("lang")
    if lang_raw and lang_raw not in LANGUAGES and normalise_lang(lang_raw) == "en" and lang_raw != "en":
        bad("lang", lang_raw, LANGUAGES)

    category = single("category") or None
    if category is not None:
        codes = [c.code for c in codebook.categories_of(indicator)]
        codes += [n.code for n in codebook.indicator(indicator).nets]
        if category not in codes:
            bad("category", category, closest_first(category, codes))
            category = None

    return ViewParams(
        indicator=indicator,
        by=by,
        countries=countries,
        years=chosen_years,
        filters=tuple(filters),
        weighted=weighted_raw in ("1", "true"),
        percent=choice("percent", PERCENT_BASES, defaults.percent),
        missing=choice("missing", MISSING_MODES, defaults.missing),
        chart=choice("chart", CHART_TYPES, defaults.chart),
        lang=lang,
        pool=choice("pool", POOL_MODES, defaults.pool),
        category=category,
        notices=tuple(notices),
    )


def encode_params(params: ViewParams, *, include: Iterable[str] | None = None) -> str:
    """The query string (with its leading '?') that `parse_params` turns back into `params`.

    Every parameter is written, so a shared link means the same view whatever defaults change.
    `include` limits the names (e.g. a page that has no chart control).
    """
    items: list[tuple[str, str]] = [("indicator", params.indicator)]
    if params.by:
        items.append(("by", params.by))
    if params.countries:
        items.append(("country", ",".join(params.countries)))
    if params.years:
        items.append(("year", ",".join(str(y) for y in params.years)))
    items += [("filter", f"{ind}:{','.join(codes)}") for ind, codes in params.filters]
    items += [
        ("weighted", "1" if params.weighted else "0"),
        ("percent", params.percent),
        ("missing", params.missing),
        ("chart", params.chart),
        ("pool", params.pool),
    ]
    if params.category:
        items.append(("category", params.category))
    items.append(("lang", params.lang))
    if include is not None:
        keep = set(include)
        items = [(k, v) for k, v in items if k in keep]
    return "?" + urlencode(items, safe=",:")


def _codes(raw: str | None, allowed: list[str], name: str, bad) -> tuple[str, ...]:
    if not raw:
        return ()
    chosen: list[str] = []
    for part in raw.split(","):
        code = part.strip()
        if not code:
            continue
        if code not in allowed:
            matches = [a for a in allowed if a.lower() == code.lower()]
            if matches:
                code = matches[0]
            else:
                bad(name, code, closest_first(code, allowed))
                continue
        if code not in chosen:
            chosen.append(code)
    order = {a: i for i, a in enumerate(allowed)}
    return tuple(sorted(chosen, key=order.__getitem__))


def _parse_filter(raw: str, codebook: Codebook, bad, _) -> tuple[str, tuple[str, ...]] | None:
    indicator, sep, codes_raw = raw.partition(":")
    if not sep or not indicator or not codes_raw:
        bad("filter", raw, [], _("{param}={value} should look like indicator:code,code").format(
            param="filter", value=repr(raw[:80])))
        return None
    if indicator not in codebook.by_id:
        bad("filter", raw, closest_first(indicator, [i.id for i in codebook.indicators]),
            _("filter names an unknown indicator {value}").format(value=repr(indicator[:80])))
        return None
    ind = codebook.indicator(indicator)
    if ind.type == "multiple":
        bad("filter", raw, [], _("filter on {value}: multiple-response items cannot filter").format(
            value=repr(indicator)))
        return None
    allowed = [c.code for c in codebook.categories_of(ind)]
    codes = _codes(codes_raw, allowed, "filter", bad)
    return (indicator, codes) if codes else None
