"""Controls and URLs in step. A page binds each of its controls to a parameter of the table;
one helper turns a view into the controls' values, and the controls' values into the URL's
vocabulary, which the parameter table then parses like any link."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Binding:
    """A control (component id, its `value`) showing one parameter: `to_control` turns the
    parameter's value into the control's, `to_raw` the control's into URL strings."""

    param: str
    control: str
    to_control: Callable[[Any], Any]
    to_raw: Callable[[Any], list[str]]


def select(param: str, control: str) -> Binding:
    """A dropdown or radio group holding one code ("" for none)."""
    return Binding(param, control, lambda v: "" if v is None else str(v),
                   lambda v: [str(v)] if v not in (None, "") else [])


def checklist(param: str, control: str) -> Binding:
    """A checklist holding a list of codes (a comma-separated URL value)."""
    return Binding(param, control, lambda v: [str(x) for x in v],
                   lambda v: [",".join(str(x) for x in v)] if v else [])


def first_of(param: str, control: str) -> Binding:
    """A dropdown showing the first of a comma-separated value (Explore's first breakdown; the
    others of a banner have a control of their own)."""
    return Binding(param, control, lambda v: "" if not v else str(v).split(",")[0],
                   lambda v: [str(v)] if v not in (None, "") else [])


def last_of(param: str, control: str) -> Binding:
    """A radio group showing the last of a list (Compare's single year)."""
    return Binding(param, control, lambda v: str(v[-1]) if v else None,
                   lambda v: [str(v)] if v not in (None, "") else [])


def switch(param: str, control: str, on: str, off: str, on_value: Any) -> Binding:
    """A switch: on means the parameter has `on_value` (written `on` in the URL)."""
    return Binding(param, control, lambda v: v == on_value, lambda v: [on if v else off])


@dataclass(frozen=True)
class Controls:
    """A page's bindings, in the order of its callback's inputs and outputs."""

    bindings: tuple[Binding, ...]

    @property
    def ids(self) -> list[str]:
        return [b.control for b in self.bindings]

    def values(self, params) -> list[Any]:
        """Each control's value for a view."""
        return [b.to_control(getattr(params, _field(params, b.param))) for b in self.bindings]

    def query(self, values: Sequence[Any]) -> dict[str, list[str]]:
        """The controls' values in URL vocabulary (a parsed query string)."""
        return {b.param: b.to_raw(v) for b, v in zip(self.bindings, values, strict=True)}

    def value_of(self, param: str, values: Sequence[Any]) -> Any:
        index = [b.param for b in self.bindings].index(param)
        return values[index]


def _field(params, name: str) -> str:
    """The `ViewParams` field of a parameter name (`country` -> `countries`)."""
    table = type(params)._table
    return table.by_name[name].field_name


def merged(*queries: Mapping[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for query in queries:
        out.update(query)
    return out
