"""Kinds of parameter value: how the raw strings of a query string become a value, how a value is
written back, which values are allowed (from the codebook or the waves in the data), and how the
OpenAPI document and the command line describe them.

Each kind parses one raw string through `ParseContext.bad`, which raises `ParamError` when the
caller is strict (the API, the command line) and otherwise records a notice and lets the
parameter fall back to its default (a shared link that names something gone still opens).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from barometer.codebook import Codebook
from barometer.i18n import LANGUAGES, normalise_lang
from barometer.stats.query import QueryError, breakable, closest_first, filterable

MAX_BANNER = 6
"""Most breakdowns side by side in one banner (`by=gender,age_group,education`)."""
MAX_VALUE_LENGTH = 200
"""Longest raw value accepted for any parameter (a longer one is refused, never echoed whole)."""

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.+\-]*"


class ParamError(ValueError):
    """A query-string parameter with a value that is not allowed; the message is in the
    language the request asked for."""

    def __init__(self, param: str, value: str, allowed: Sequence[str], message: str) -> None:
        self.param, self.value, self.allowed = param, value, list(allowed)
        super().__init__(message)


class Invalid(Exception):
    """Raised by `ParseContext.bad` in lenient mode after recording the notice: the parameter
    falls back to its default."""


@dataclass
class ParseContext:
    """What parsing one parameter can see: the codebook, the waves in the data, the values
    parsed so far (parameters are parsed in table order), and the reporter of bad values."""

    codebook: Codebook
    years: tuple[int, ...]
    strict: bool
    gettext: Callable[[str], str]
    values: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def bad(self, param: str, value: str, allowed: Sequence[str] = (), detail: str = "") -> None:
        """Report a bad value: raise `ParamError` when strict (naming what is allowed), else keep
        a notice for the visitor (and go on)."""
        _ = self.gettext
        if not self.strict:
            self.notices.append(detail or _("The link asks for {param} {value}, which is not "
                                            "available here.").format(param=param,
                                                                      value=repr(value[:80])))
            return
        message = detail or _("{param}={value} is not allowed").format(
            param=param, value=repr(value[:80]))
        if allowed:
            names = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
            message = _("{message}; allowed: {names}").format(message=message, names=names)
        raise ParamError(param, value, allowed, message)

    def reject(self, param: str, value: str, allowed: Sequence[str] = (), detail: str = ""):
        """`bad`, then fall back to the default (lenient mode)."""
        self.bad(param, value, allowed, detail)
        raise Invalid(param)


@dataclass(frozen=True)
class SchemaContext:
    """What describing a parameter can see (OpenAPI schemas, CLI help)."""

    codebook: Codebook
    years: tuple[int, ...]


def alternatives(names: Sequence[object]) -> str:
    """A regular expression matching exactly one of `names`."""
    return "(?:" + "|".join(re.escape(str(n)) for n in names) + ")"


def list_pattern(names: Sequence[object]) -> str:
    one = alternatives(names)
    return f"^{one}(?:,{one})*$"


def pick_codes(name: str, raw: str, allowed: Sequence[str], ctx: ParseContext) -> tuple[str, ...]:
    """Comma-separated codes from `allowed`: case forgiven, repeats dropped, in `allowed`'s
    order; each unknown code is reported (a lenient parse keeps the others); none left: the
    parameter falls back to its default."""
    chosen: list[str] = []
    for part in raw.split(","):
        code = part.strip()
        if not code:
            continue
        if code not in allowed:
            matches = [a for a in allowed if a.lower() == code.lower()]
            if not matches:
                ctx.bad(name, code, closest_first(code, list(allowed)))
                continue
            code = matches[0]
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        raise Invalid(name)
    order = {a: i for i, a in enumerate(allowed)}
    return tuple(sorted(chosen, key=order.__getitem__))


# -- the kinds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of words (`percent=row`). `aliases` map other accepted spellings to
    a value (`weighted=true` -> 1)."""

    choices: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def metavar(self) -> str:
        return "|".join(self.choices)

    def parse(self, name: str, raw: str, ctx: ParseContext) -> str:
        if raw in self.choices:
            return raw
        if raw in self.aliases:
            return self.aliases[raw]
        return ctx.reject(name, raw, self.accepted())

    def encode(self, value: str) -> list[str]:
        return [str(value)]

    def echo(self, value: str) -> str:
        return value

    def accepted(self) -> list[str]:
        return [*self.choices, *self.aliases]

    def schema(self, _ctx: SchemaContext) -> dict:
        return {"type": "string", "enum": self.accepted()}

    def allowed(self, _ctx: SchemaContext) -> list[str]:
        return list(self.choices)


@dataclass(frozen=True)
class Flag:
    """Yes or no, written 1/0 (true/false also read)."""

    metavar: str = "1|0"

    def parse(self, name: str, raw: str, ctx: ParseContext) -> bool:
        if raw in ("1", "true"):
            return True
        if raw in ("0", "false"):
            return False
        return ctx.reject(name, raw, ["1", "0", "true", "false"])

    def encode(self, value: bool) -> list[str]:
        return ["1" if value else "0"]

    def echo(self, value: bool) -> bool:
        return value

    def schema(self, _ctx: SchemaContext) -> dict:
        return {"type": "string", "enum": ["1", "0", "true", "false"]}

    def allowed(self, _ctx: SchemaContext) -> list[str]:
        return ["1", "0"]


@dataclass(frozen=True)
class Language:
    """A language of the interface; case and `_` are forgiven and `sr` means Serbian Latin."""

    metavar: str = "LANG"

    def parse(self, name: str, raw: str, ctx: ParseContext) -> str:
        lang = normalise_lang(raw)
        if lang == "en" and raw.lower() not in ("en",) and raw not in LANGUAGES:
            return ctx.reject(name, raw, LANGUAGES)
        return lang

    def encode(self, value: str) -> list[str]:
        return [value]

    def echo(self, value: str) -> str:
        return value

    def schema(self, _ctx: SchemaContext) -> dict:
        return {"type": "string", "enum": list(LANGUAGES)}

    def allowed(self, _ctx: SchemaContext) -> list[str]:
        return list(LANGUAGES)


@dataclass(frozen=True)
class IndicatorId:
    """An indicator id of the codebook."""

    metavar: str = "INDICATOR"

    def parse(self, name: str, raw: str, ctx: ParseContext) -> str:
        ids = [i.id for i in ctx.codebook.indicators]
        if raw not in ctx.codebook.by_id:
            return ctx.reject(name, raw, closest_first(raw, ids))
        return raw

    def describe(self, value: str, ctx: ParseContext, lang: str) -> str:
        """How a visitor knows the question: its short label."""
        return ctx.codebook.indicator(value).label(lang) if value in ctx.codebook.by_id else value

    def encode(self, value: str) -> list[str]:
        return [value]

    def echo(self, value: str) -> str:
        return value

    def schema(self, ctx: SchemaContext) -> dict:
        return {"type": "string", "enum": self.allowed(ctx)}

    def allowed(self, ctx: SchemaContext) -> list[str]:
        return [i.id for i in ctx.codebook.indicators]


@dataclass(frozen=True)
class Breakdown:
    """Another indicator to break the question down by: single or ordinal, or numeric with
    bands; never the question itself, never multiple-response. Several, comma-separated, make a
    banner (the value stays the comma-separated text; `breakdowns` splits it)."""

    metavar: str = "INDICATOR"

    def parse(self, name: str, raw: str, ctx: ParseContext) -> str:
        """One breakdown, or several comma-separated (a banner: `gender,age_group`)."""
        _ = ctx.gettext
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if len(parts) > MAX_BANNER:
            return ctx.reject(name, raw, (), _(
                "{param}={value}: a banner has at most {limit} breakdowns").format(
                param=name, value=repr(raw[:80]), limit=MAX_BANNER))
        if len(set(parts)) < len(parts):
            return ctx.reject(name, raw, (), _(
                "{param}={value} names a breakdown twice").format(param=name,
                                                                  value=repr(raw[:80])))
        if not parts:
            return ctx.reject(name, raw)
        return ",".join(self._one(name, part, ctx) for part in parts)

    def _one(self, name: str, raw: str, ctx: ParseContext) -> str:
        _ = ctx.gettext
        codebook, indicator = ctx.codebook, ctx.values.get("indicator")
        ids = [i.id for i in codebook.indicators if i.id != indicator]
        if raw not in codebook.by_id or raw == indicator:
            return ctx.reject(name, raw, closest_first(raw, ids))
        ind = codebook.indicator(raw)
        if ind.type == "multiple":
            usable = [i.id for i in codebook.indicators if breakable(i) and i.id != indicator]
            return ctx.reject(name, raw, closest_first(raw, usable), _(
                "{param}={value}: a multiple-response question cannot be a breakdown").format(
                param=name, value=repr(raw)))
        if not breakable(ind):
            return ctx.reject(name, raw, (), _(
                "{param}={value} is a numeric indicator without bands").format(
                param=name, value=repr(raw)))
        return raw

    def encode(self, value: str | None) -> list[str]:
        return [value] if value else []

    def echo(self, value: str | None) -> str | None:
        return value

    def schema(self, ctx: SchemaContext) -> dict:
        names = self.allowed(ctx) or ["x"]
        return {"type": "string", "maxLength": MAX_VALUE_LENGTH,
                "pattern": f"^{alternatives(names)}(?:,{alternatives(names)}){{0,{MAX_BANNER - 1}}}$"}

    def allowed(self, ctx: SchemaContext) -> list[str]:
        return [i.id for i in ctx.codebook.indicators if breakable(i)]


def breakdowns(by: str | None) -> tuple[str, ...]:
    """The breakdowns a `by` value names: () without one, several for a banner."""
    return tuple(by.split(",")) if by else ()


@dataclass(frozen=True)
class CodeList:
    """Comma-separated codes from a list the data define (`countries` or `years`): case is
    forgiven, repeats dropped, the result in the list's order; bad codes are reported one by one
    (a lenient parse keeps the good ones)."""

    source: str  # "countries" | "years"
    metavar: str = "CODES"

    def names(self, ctx: ParseContext | SchemaContext) -> list[str]:
        if self.source == "countries":
            return list(ctx.codebook.countries)
        return [str(y) for y in ctx.years]

    def parse(self, name: str, raw: str, ctx: ParseContext) -> tuple:
        chosen = pick_codes(name, raw, self.names(ctx), ctx)
        return tuple(int(c) for c in chosen) if self.source == "years" else chosen

    def encode(self, value: tuple) -> list[str]:
        return [",".join(str(v) for v in value)] if value else []

    def echo(self, value: tuple) -> list:
        return list(value)

    def schema(self, ctx: SchemaContext) -> dict:
        return {"type": "string", "pattern": list_pattern(self.names(ctx) or ["0"]),
                "maxLength": MAX_VALUE_LENGTH}

    def allowed(self, ctx: SchemaContext) -> list[str]:
        return self.names(ctx)


@dataclass(frozen=True)
class FilterCondition:
    """`indicator:code,code`: keep respondents who gave one of these answers (single, ordinal,
    or the bands of a numeric indicator). `legacy_separator` is also read (the command line's old
    `gender=female`), with a notice."""

    legacy_separator: str = ""
    metavar: str = "INDICATOR:CODE[,CODE...]"

    def parse(self, name: str, raw: str, ctx: ParseContext) -> tuple[str, tuple[str, ...]]:
        _ = ctx.gettext
        indicator, sep, codes_raw = raw.partition(":")
        if not sep and self.legacy_separator and self.legacy_separator in raw:
            indicator, sep, codes_raw = raw.partition(self.legacy_separator)
            ctx.notices.append(_("{param} {value}: write it as {form} (the form links use)").format(
                param=name, value=repr(raw[:80]), form=f"{indicator}:{codes_raw}"))
        if not sep or not indicator or not codes_raw:
            return ctx.reject(name, raw, (), _(
                "{param}={value} should look like indicator:code,code").format(
                param=name, value=repr(raw[:80])))
        codebook = ctx.codebook
        if indicator not in codebook.by_id:
            return ctx.reject(name, raw, closest_first(indicator, [i.id for i in codebook.indicators]),
                              _("filter names an unknown indicator {value}").format(
                                  value=repr(indicator[:80])))
        ind = codebook.indicator(indicator)
        if ind.type == "multiple":
            return ctx.reject(name, raw, (), _(
                "filter on {value}: multiple-response items cannot filter").format(
                value=repr(indicator)))
        return indicator, pick_codes(name, codes_raw, [c.code for c in codebook.categories_of(ind)],
                                     ctx)

    def encode(self, value: tuple[str, tuple[str, ...]]) -> list[str]:
        indicator, codes = value
        return [f"{indicator}:{','.join(codes)}"]

    def echo(self, value: tuple[str, tuple[str, ...]]) -> str:
        return self.encode(value)[0]

    def schema(self, ctx: SchemaContext) -> dict:
        names = [i.id for i in ctx.codebook.indicators if filterable(i)] or ["x"]
        return {"type": "string", "maxLength": MAX_VALUE_LENGTH,
                "pattern": f"^{alternatives(names)}:{CODE_PATTERN}(?:,{CODE_PATTERN})*$"}

    def allowed(self, ctx: SchemaContext) -> list[str]:
        return [i.id for i in ctx.codebook.indicators if filterable(i)]


@dataclass(frozen=True)
class AnswerCategory:
    """An answer or net code of the question being asked (the `indicator` parameter)."""

    metavar: str = "CODE"

    def parse(self, name: str, raw: str, ctx: ParseContext) -> str:
        codes = self.codes(ctx.codebook, ctx.values.get("indicator"))
        if raw not in codes:
            return ctx.reject(name, raw, closest_first(raw, codes))
        return raw

    @staticmethod
    def codes(codebook: Codebook, indicator: str | None) -> list[str]:
        if not indicator or indicator not in codebook.by_id:
            return []
        ind = codebook.indicator(indicator)
        codes = [c.code for c in codebook.categories_of(ind)] + [n.code for n in ind.nets]
        return codes + (["mean"] if ind.type == "numeric" else [])

    def encode(self, value: str | None) -> list[str]:
        return [value] if value else []

    def echo(self, value: str | None) -> str | None:
        return value

    def schema(self, _ctx: SchemaContext) -> dict:
        return {"type": "string", "pattern": f"^{CODE_PATTERN}$", "maxLength": MAX_VALUE_LENGTH}

    def allowed(self, _ctx: SchemaContext) -> list[str]:
        return []


@dataclass(frozen=True)
class Integer:
    """A whole number in [low, high]."""

    low: int
    high: int
    metavar: str = "N"

    def parse(self, name: str, raw: str, ctx: ParseContext) -> int:
        try:
            number = int(raw)
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            return ctx.reject(name, raw, self.allowed(ctx))
        return number

    def encode(self, value: int) -> list[str]:
        return [str(value)]

    def echo(self, value: int) -> int:
        return value

    def schema(self, _ctx: SchemaContext) -> dict:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}

    def allowed(self, _ctx: SchemaContext | ParseContext) -> list[str]:
        return [str(n) for n in range(self.low, self.high + 1)][:20]


def _regroup(ctx: ParseContext, combine: tuple = (), bins: tuple | None = None):
    """The context's codebook regrouped by `combine` and `bins` (default: the bins parsed)."""
    from barometer.stats.groups import regroup_codebook

    bins = ctx.values.get("bins", ()) if bins is None else bins
    return regroup_codebook(ctx.codebook, combine, bins, ctx.gettext)


def _as_typed(part: str, fits: Callable[[str], bool]) -> str:
    """A code as typed: a query string's `+` arrives as a space (`60+` -> `60 `), so a space is
    read as `+` unless the code fits without it."""
    plus = part.lstrip().replace(" ", "+")
    return plus if fits(plus) or not fits(part.strip()) else part.strip()


BAND = re.compile(r"^(?P<low>-?\d+(?:\.\d+)?)?(?P<dash>-)?(?P<high>-?\d+(?:\.\d+)?)?$")


@dataclass(frozen=True)
class NumericBins:
    """`indicator:low-high,low-high,...`: bands of a numeric indicator on the fly, each
    inclusive; `55-` or `55+` is open above, `-17` open below."""

    metavar: str = "INDICATOR:LOW-HIGH[,LOW-HIGH...]"

    def parse(self, name: str, raw: str, ctx: ParseContext):
        _ = ctx.gettext
        indicator, sep, bands_raw = raw.partition(":")
        if not sep or not indicator or not bands_raw.strip():
            return ctx.reject(name, raw, (), _(
                "{param}={value} should look like indicator:18-34,35-54,55-").format(
                param=name, value=repr(raw[:80])))
        bands = []
        for part in bands_raw.split(","):
            text = _as_typed(part, lambda t: bool(BAND.match(t[:-1] if t.endswith("+") else t)))
            if not text:
                continue
            open_above = text.endswith("+")
            match = BAND.match(text[:-1] if open_above else text)
            if match is None or (open_above and (match["dash"] or match["high"])) \
                    or not (match["low"] or match["high"]):
                return ctx.reject(name, raw, (), _(
                    "{param}={value}: {band} is not a band (write 18-34, 55- or -17)").format(
                    param=name, value=repr(raw[:80]), band=repr(text)))
            low = float(match["low"]) if match["low"] else None
            high = float(match["high"]) if match["high"] else None
            if open_above:
                high = None
            elif not match["dash"]:
                high = low  # a single value
            bands.append((low, high))
        value = (indicator, tuple(bands))
        try:
            _regroup(ctx, bins=(value,))
        except QueryError as exc:
            return ctx.reject(name, raw, exc.allowed, exc.reason)
        return value

    def settle(self, name: str, value: tuple, ctx: ParseContext) -> tuple:
        """Every value together (an indicator banded twice is refused); later parameters see
        the bands as categories."""
        try:
            ctx.codebook = _regroup(ctx, bins=value)
        except QueryError as exc:
            ctx.bad(name, str(exc.value), exc.allowed, exc.reason)
            return ()
        return value

    def encode(self, value: tuple) -> list[str]:
        from barometer.stats.groups import band_code

        indicator, bands = value
        return [f"{indicator}:{','.join(band_code(b) for b in bands)}"]

    def echo(self, value: tuple) -> str:
        return self.encode(value)[0]

    def schema(self, ctx: SchemaContext) -> dict:
        names = [i.id for i in ctx.codebook.indicators if i.type == "numeric"] or ["x"]
        band = r"(?:-?[0-9.]+)?-?(?:-?[0-9.]+)?\+?"
        return {"type": "string", "maxLength": MAX_VALUE_LENGTH,
                "pattern": f"^{alternatives(names)}:{band}(?:,{band})*$"}

    def allowed(self, ctx: SchemaContext) -> list[str]:
        return [i.id for i in ctx.codebook.indicators if i.type == "numeric"]


@dataclass(frozen=True)
class CombinedCategories:
    """`indicator.group:code,code`: one new group of an indicator's answers (or bands), named
    `group` (none: the codes joined by `+`); repeat for more groups."""

    metavar: str = "INDICATOR[.GROUP]:CODE,CODE[,...]"

    def parse(self, name: str, raw: str, ctx: ParseContext):
        _ = ctx.gettext
        head, sep, codes_raw = raw.partition(":")
        indicator, _dot, group = head.partition(".")
        indicator, group = indicator.strip(), group.strip()
        if not sep or not indicator or not codes_raw.strip():
            return ctx.reject(name, raw, (), _(
                "{param}={value} should look like indicator.group:code,code").format(
                param=name, value=repr(raw[:80])))
        codebook = ctx.codebook
        if indicator not in codebook.by_id:
            return ctx.reject(name, raw, closest_first(indicator, [i.id for i in
                                                                   codebook.indicators]),
                              _("{param} names an unknown indicator {value}").format(
                                  param=name, value=repr(indicator[:80])))
        if len(group) > 40 or "," in group:
            return ctx.reject(name, raw, (), _(
                "{param}={value}: a group name has at most 40 characters and no comma").format(
                param=name, value=repr(raw[:80])))
        allowed = [c.code for c in codebook.categories_of(indicator)]
        members: list[str] = []
        for part in codes_raw.split(","):
            code = _as_typed(part, lambda c, allowed=allowed: c in allowed)
            if not code:
                continue
            if code not in allowed:
                matches = [a for a in allowed if a.lower() == code.lower()]
                if not matches:
                    return ctx.reject(name, raw, closest_first(code, allowed), _(
                        "{param}={value}: {code} is not a category of {indicator}").format(
                        param=name, value=repr(raw[:80]), code=repr(code),
                        indicator=repr(indicator)))
                code = matches[0]
            if code not in members:
                members.append(code)
        value = (indicator, group, tuple(members))
        try:
            _regroup(ctx, combine=(value,))
        except QueryError as exc:
            return ctx.reject(name, raw, exc.allowed, exc.reason)
        return value

    def settle(self, name: str, value: tuple, ctx: ParseContext) -> tuple:
        """Every group together (a code in two groups, a name used twice are refused); later
        parameters see the groups as categories."""
        try:
            ctx.codebook = _regroup(ctx, combine=value)
        except QueryError as exc:
            ctx.bad(name, str(exc.value), exc.allowed, exc.reason)
            return ()
        return value

    def encode(self, value: tuple) -> list[str]:
        indicator, group, members = value
        return [f"{indicator}{'.' + group if group else ''}:{','.join(members)}"]

    def echo(self, value: tuple) -> str:
        return self.encode(value)[0]

    def schema(self, ctx: SchemaContext) -> dict:
        names = [i.id for i in ctx.codebook.indicators if breakable(i)] or ["x"]
        return {"type": "string", "maxLength": MAX_VALUE_LENGTH,
                "pattern": f"^{alternatives(names)}(?:\\.[^,:]{{1,40}})?:{CODE_PATTERN}"
                           f"(?:,{CODE_PATTERN})*$"}

    def allowed(self, ctx: SchemaContext) -> list[str]:
        return [i.id for i in ctx.codebook.indicators if breakable(i)]
