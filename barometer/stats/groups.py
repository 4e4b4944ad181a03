"""Combined categories and bands on the fly: a reader's own grouping of an indicator's answers.

`combine` names new groups of an indicator's categories, (indicator, group name, member codes):
a group stands at the place of its first member, categories in no group stay as they are, and
a group of don't know / refused only is itself a don't know / refused group. `bins` cut a
numeric indicator into bands, (indicator, ((low, high), ...)), each [low, high] inclusive as
the codebook's bins (None = open), ascending and not overlapping; values outside every band
count as not answered. A banded or combined numeric indicator is shown as categories.

The grouping is a new codebook (`regroup_codebook`: the indicator's categories replaced by the
groups, its nets kept where they are unions of whole groups) and new integer codes per
respondent (`codes`: the original codes mapped through a look-up array, or the values cut by
`np.searchsorted`). Everything downstream treats a group as any codebook category: bases,
intervals, letters, tests and disclosure control.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from pydantic import PrivateAttr

from barometer.codebook import Bin, Category, Codebook, Indicator, Net, Text
from barometer.dataset import Dataset
from barometer.stats.query import Query, QueryError

Combine = tuple[str, str, tuple[str, ...]]
"""(indicator, group name ("" = the member codes joined by '+'), member codes)."""
Band = tuple[float | None, float | None]
Bands = tuple[str, tuple[Band, ...]]
"""(numeric indicator, its bands as (low, high); None = open)."""

T = TypeVar("T")
LANGS = ("en", "sq", "sr-Latn", "sr-Cyrl")
MAX_GROUP_NAME = 40


class GroupingError(QueryError):
    """A `combine` or `bins` value that cannot be applied; the message names the parameter and
    the value (in the reader's language when parsing a link)."""

    def __init__(self, param: str, value: str, message: str, allowed: Sequence[str] = ()) -> None:
        super().__init__(param, value, allowed, reason=message, ordered=True)
        self.message = message


class RegroupedCodebook(Codebook):
    """A codebook whose indicators named by a grouping carry the groups as their categories."""

    _grouping: tuple = PrivateAttr(default=())
    _original: Codebook | None = PrivateAttr(default=None)

    @property
    def original(self) -> Codebook:
        return self._original or self


def _same(text: str) -> str:
    return text


def number_text(value: float) -> str:
    """18.0 -> '18', 2.5 -> '2.5'."""
    return format(value, "g")


def band_code(band: Band) -> str:
    """The category code of a band: '18-34', '55+' (and over), '-17' (up to)."""
    low, high = band
    if high is None:
        return f"{number_text(low)}+"
    if low is None:
        return f"-{number_text(high)}"
    return f"{number_text(low)}-{number_text(high)}"


def band_label(band: Band) -> str:
    low, high = band
    if high is None:
        return f"{number_text(low)}+"
    if low is None:
        return f"≤{number_text(high)}"
    return f"{number_text(low)}–{number_text(high)}"


def group_code(name: str, members: Sequence[str]) -> str:
    return name or "+".join(members)


# -- the codebook of a grouping ---------------------------------------------------------------


def regroup_codebook(codebook: Codebook, combine: Sequence[Combine] = (),
                     bins: Sequence[Bands] = (),
                     gettext: Callable[[str], str] | None = None) -> Codebook:
    """`codebook` with the indicators named by `bins` and `combine` regrouped (itself when there
    is nothing to do, or when it is already this grouping); a value that cannot be applied
    raises `GroupingError` naming the parameter and the value, in `gettext`'s language."""
    spec = (tuple(bins), tuple(combine))
    if not bins and not combine:
        return codebook.original if isinstance(codebook, RegroupedCodebook) else codebook
    if isinstance(codebook, RegroupedCodebook):
        if codebook._grouping == spec:
            return codebook
        codebook = codebook.original
    _ = gettext or _same
    changed: dict[str, Indicator] = {}
    banded: set[str] = set()
    for indicator_id, bands in bins:
        if indicator_id in banded:
            raise GroupingError("bins", indicator_id, _(
                "bins for {indicator} are given twice; give them once").format(
                indicator=repr(indicator_id)))
        banded.add(indicator_id)
        changed[indicator_id] = _banded(codebook, indicator_id, bands, _)
    by_indicator: dict[str, list[Combine]] = {}
    for item in combine:
        by_indicator.setdefault(item[0], []).append(item)
    for indicator_id, items in by_indicator.items():
        base = changed.get(indicator_id) or _indicator(codebook, "combine", indicator_id, _)
        changed[indicator_id] = _combined(codebook, base, items, _)
    fields = {name: getattr(codebook, name) for name in Codebook.model_fields}
    fields["indicators"] = tuple(changed.get(i.id, i) for i in codebook.indicators)
    regrouped = RegroupedCodebook.model_construct(**fields)
    regrouped._grouping, regrouped._original = spec, codebook
    return regrouped


def _indicator(codebook: Codebook, param: str, indicator_id: str, _) -> Indicator:
    if indicator_id not in codebook.by_id:
        raise GroupingError(param, indicator_id, _("{param} names an unknown indicator {value}")
                            .format(param=param, value=repr(indicator_id[:80])))
    return codebook.indicator(indicator_id)


def _banded(codebook: Codebook, indicator_id: str, bands: Sequence[Band], _) -> Indicator:
    ind = _indicator(codebook, "bins", indicator_id, _)
    value = f"{indicator_id}:{','.join(band_code(b) for b in bands)}"
    if ind.type != "numeric":
        raise GroupingError("bins", value, _(
            "bins={value}: {indicator} is not numeric; combine its categories instead").format(
            value=repr(value[:80]), indicator=repr(indicator_id)))
    if not bands:
        raise GroupingError("bins", value, _("bins={value} gives no bands").format(
            value=repr(value[:80])))
    for i, (low, high) in enumerate(bands):
        if low is not None and high is not None and low > high:
            raise GroupingError("bins", value, _(
                "bins={value}: the band {band} ends before it starts").format(
                value=repr(value[:80]), band=band_code((low, high))))
        if (low is None and i > 0) or (high is None and i < len(bands) - 1):
            raise GroupingError("bins", value, _(
                "bins={value}: only the first band may be open below and only the last open "
                "above").format(value=repr(value[:80])))
        if i and (bands[i - 1][1] is None or low is None or low <= bands[i - 1][1]):
            raise GroupingError("bins", value, _(
                "bins={value}: the bands must be in ascending order without overlapping "
                "({first} and {second})").format(value=repr(value[:80]),
                                                  first=band_code(bands[i - 1]),
                                                  second=band_code((low, high))))
    new_bins = tuple(Bin.model_construct(code=band_code(b), label=Text(en=band_label(b)),
                                         low=-np.inf if b[0] is None else float(b[0]),
                                         high=np.inf if b[1] is None else float(b[1]))
                     for b in bands)
    categories = tuple(Category.model_construct(code=b.code, label=b.label, missing=None)
                       for b in new_bins)
    return ind.model_copy(update={"type": "ordinal", "bins": new_bins, "categories": categories,
                                  "nets": ()})


def _combined(codebook: Codebook, ind: Indicator, items: Sequence[Combine], _) -> Indicator:
    if ind.type == "multiple":
        raise GroupingError("combine", ind.id, _(
            "combine names {indicator}, a multiple-response question: its options cannot be "
            "combined").format(indicator=repr(ind.id)))
    cats = codebook.categories_of(ind)
    if not cats:
        raise GroupingError("combine", ind.id, _(
            "combine names {indicator}, a numeric indicator without bands: give it bins "
            "first").format(indicator=repr(ind.id)))
    codes = [c.code for c in cats]
    group_of: dict[str, str] = {}
    groups: dict[str, tuple[str, tuple[str, ...]]] = {}
    for indicator_id, name, members in items:
        value = f"{indicator_id}{'.' + name if name else ''}:{','.join(members)}"
        shown = repr(value[:80])
        if not members:
            raise GroupingError("combine", value, _("combine={value} lists no categories")
                                .format(value=shown))
        code = group_code(name, members)
        for member in members:
            if member not in codes:
                raise GroupingError("combine", value, _(
                    "combine={value}: {code} is not a category of {indicator}").format(
                    value=shown, code=repr(member), indicator=repr(indicator_id)), codes)
            if member in group_of:
                raise GroupingError("combine", value, _(
                    "combine={value}: {code} is already in the group {group}").format(
                    value=shown, code=repr(member), group=repr(group_of[member])))
            group_of[member] = code
        if code in groups or (code in codes and code not in members) \
                or code in {n.code for n in ind.nets}:
            raise GroupingError("combine", value, _(
                "combine={value}: the name {name} is already used by {indicator}").format(
                value=shown, name=repr(code), indicator=repr(indicator_id)))
        kinds = {cats[codes.index(m)].missing for m in members}
        if len(kinds) > 1 and None in kinds:
            raise GroupingError("combine", value, _(
                "combine={value}: don't know / refused cannot be combined with answers").format(
                value=shown))
        groups[code] = (name, tuple(members))
    new: list[Category] = []
    placed: set[str] = set()
    for cat in cats:
        code = group_of.get(cat.code)
        if code is None:
            new.append(cat)
        elif code not in placed:
            placed.add(code)
            name, members = groups[code]
            member_cats = [cats[codes.index(m)] for m in members]
            label = _group_text(name, member_cats)
            new.append(Category.model_construct(code=code, label=label,
                                                missing=member_cats[0].missing))
    nets = []
    for net in ind.nets:
        mapped = [group_of.get(c, c) for c in net.categories]
        whole = all(set(groups[g][1]) <= set(net.categories) for g in mapped if g in groups)
        if whole:
            nets.append(Net.model_construct(code=net.code, label=net.label,
                                            categories=tuple(dict.fromkeys(mapped))))
    kind = "ordinal" if ind.type == "numeric" else ind.type
    return ind.model_copy(update={"type": kind, "categories": tuple(new), "nets": tuple(nets)})


def _group_text(name: str, members: Sequence[Category]) -> Text:
    """The reader's name in every language, else the members' labels joined."""
    if name:
        return Text.model_validate({lang: name for lang in LANGS})
    return Text.model_validate({lang: " + ".join(c.label.get(lang) for c in members)
                                for lang in LANGS})


def regrouped_ids(query: Query) -> frozenset[str]:
    """The indicators a query regroups."""
    return frozenset({b[0] for b in query.bins} | {c[0] for c in query.combine})


# -- the dataset a query sees -------------------------------------------------------------------


@dataclass(frozen=True)
class GroupedDataset(Dataset):
    """A dataset seen through a grouping: the regrouped codebook, and the regrouped indicators'
    codes from look-up arrays (`np.searchsorted` for bands); everything else (weights, designs,
    other indicators' codes) is the base dataset's, shared through its cache."""

    base: Dataset | None = None
    grouped: frozenset[str] = frozenset()

    def cached(self, key: tuple, build: Callable[[], T], max_entries: int | None = None) -> T:
        """Entries that name a regrouped indicator are this grouping's own; the others are
        shared with the base dataset."""
        if any(isinstance(part, str) and part in self.grouped for part in key):
            return super().cached(key, build, max_entries)
        return self.base.cached(key, build, max_entries)

    def codes(self, indicator_id: str) -> np.ndarray:
        if indicator_id not in self.grouped:
            return self.base.codes(indicator_id)
        return self.cached(("codes", indicator_id), lambda: self._grouped_codes(indicator_id))

    def values(self, indicator_id: str) -> np.ndarray:
        return self.base.values(indicator_id)

    def option_matrix(self, indicator_id: str) -> tuple[np.ndarray, np.ndarray]:
        return self.base.option_matrix(indicator_id)

    def column_codes(self, name: str) -> np.ndarray:
        return self.base.column_codes(name)

    def array(self, name: str) -> np.ndarray:
        return self.base.array(name)

    def _grouped_codes(self, indicator_id: str) -> np.ndarray:
        """int16 position of each respondent's answer among the groups (-1 = missing, or
        outside every band)."""
        spec_bins, spec_combine = self.codebook._grouping
        bands = next((b for i, b in spec_bins if i == indicator_id), None)
        original = self.base.codebook
        if bands is None:
            before = self.base.codes(indicator_id)
            old = [c.code for c in original.categories_of(indicator_id)]
        else:
            values = self.base.values(indicator_id)
            lows = np.array([-np.inf if lo is None else lo for lo, _ in bands])
            highs = np.array([np.inf if hi is None else hi for _, hi in bands])
            pos = np.searchsorted(lows, values, side="right") - 1
            inside = (pos >= 0) & (values <= highs[np.clip(pos, 0, None)])
            before = np.where(inside, pos, -1).astype(np.int16)
            old = [band_code(b) for b in bands]
        group_of = {m: group_code(name, members) for ind, name, members in spec_combine
                    if ind == indicator_id for m in members}
        new = {c.code: i for i, c in enumerate(self.codebook.categories_of(indicator_id))}
        lut = np.array([new[group_of.get(code, code)] for code in old] + [-1], dtype=np.int16)
        return lut[before]


def grouped(dataset: Dataset, query: Query) -> Dataset:
    """The dataset `query` sees: `dataset` regrouped by its `bins` and `combine` (the base
    dataset when there are none; cached per grouping). Raises `GroupingError`."""
    base = dataset.base if isinstance(dataset, GroupedDataset) else dataset
    if not query.bins and not query.combine:
        return base
    if isinstance(dataset, GroupedDataset) and dataset.codebook._grouping == (query.bins,
                                                                              query.combine):
        return dataset

    def build() -> GroupedDataset:
        codebook = regroup_codebook(base.codebook, query.combine, query.bins)
        return GroupedDataset(codebook=codebook, frame=base.frame, version=base.version,
                              info=base.info, boundaries=base.boundaries, base=base,
                              grouped=regrouped_ids(query))

    return base.cached(("groups:dataset", query.bins, query.combine), build, max_entries=32)


def view_codebook(codebook: Codebook, query: Query) -> Codebook:
    """The codebook a query's result is read with: `codebook` regrouped by the query."""
    return regroup_codebook(codebook, query.combine, query.bins)
