"""Write one wave as a delivery file in its agency's layout (`deliveries.Delivery`).

Labels are in the local language only (Albanian, or Serbian in the delivery's script); answer
codes follow the delivery's conventions. The codes used here and the code maps in the codebook
come from the same functions (`source_codes`, `category_codes`), so they cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from barometer.demo.deliveries import Delivery
from barometer.demo.model import DK, REFUSED, Wave
from barometer.demo.spec import (
    AGE_BAND_LABELS,
    AGE_BANDS,
    DEMOGRAPHIC_TEXTS,
    DK_CATEGORY,
    EDUCATION,
    EMPLOYMENT,
    ETHNICITIES,
    ETHNICITY_LABELS,
    GENDER,
    INCOME,
    ITEMS,
    NOT_SELECTED,
    REFUSED_CATEGORY,
    REGIONS,
    SCALES,
    SELECTED,
    SETTLEMENT,
    Item,
    Tr,
    t,
)
from barometer.translit import latin_to_cyrillic

STATA_LABEL_LIMIT = 80
_FILE_LABEL = t(
    "synthetic demonstration data",
    "të dhëna sintetike demonstruese",
    "sintetički demonstracioni podaci",
)
_DESIGN_LABELS = {
    "id": t("Respondent id", "ID e të anketuarit", "ID ispitanika"),
    "weight": t("Weight", "Pesha", "Ponder"),
    "strata": t("Stratum", "Shtresa", "Stratum"),
    "psu": t("Sampling point", "Pika e kampionimit", "Tačka uzorka"),
}


def local(text: Tr, delivery: Delivery) -> str:
    """A text in the delivery's language and script."""
    if delivery.script == "sq":
        return text.sq
    return latin_to_cyrillic(text.sr) if delivery.script == "sr-Cyrl" else text.sr


def is_reversed(item: Item, delivery: Delivery) -> bool:
    return delivery.reversed_trust and item.scale == "trust"


def category_codes(n_categories: int, reversed_order: bool = False) -> list[int]:
    """Source codes of categories 0..n-1: 1..n, or n..1 where the agency reverses the order."""
    codes = list(range(1, n_categories + 1))
    return codes[::-1] if reversed_order else codes


def source_codes(index: np.ndarray, n_categories: int, delivery: Delivery, reversed_order: bool = False) -> np.ndarray:
    """Category indexes (with DK / REFUSED sentinels) as this delivery's integer codes."""
    lookup = np.array(category_codes(n_categories, reversed_order))
    out = lookup[np.clip(index, 0, None)]
    out[index == DK] = delivery.dk_code
    out[index == REFUSED] = delivery.refused_code
    return out


def write_wave(wave: Wave, delivery: Delivery, path: Path) -> None:
    """Write `wave` to `path` in the delivery's format (.sav, compressed .zsav or Stata .dta)."""
    columns: dict[str, np.ndarray] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[int, str]] = {}
    user_missing: list[str] = []
    stata = delivery.format == "dta"

    def add(name, values, label: Tr, vlabels: dict[int, str] | None = None, nonresponse=False):
        columns[name] = values
        text = local(label, delivery)
        labels[name] = _stata_label(text) if stata else text
        if vlabels is not None:
            if nonresponse:
                vlabels = vlabels | _nonresponse_labels(delivery)
                user_missing.append(name)
            value_labels[name] = vlabels

    n = len(wave)
    id_values = _respondent_ids(delivery, n)
    add(delivery.respondent_id, id_values, _DESIGN_LABELS["id"])
    names = delivery.demographic_names
    add(names["gender"], wave.female.astype(np.int16) + 1, DEMOGRAPHIC_TEXTS["gender"][1], _labels(GENDER.categories, delivery))
    if delivery.age_in_bands:
        band_labels = {i + 1: local(AGE_BAND_LABELS[code], delivery) for i, (code, _, _) in enumerate(AGE_BANDS)}
        add(names["age_band"], wave.age_band + 1, DEMOGRAPHIC_TEXTS["age_group"][1], band_labels)
    else:
        add(names["age"], wave.age, DEMOGRAPHIC_TEXTS["age"][1])
    add(names["education"], wave.education + 1, DEMOGRAPHIC_TEXTS["education"][1], _labels(EDUCATION.categories, delivery))
    add(names["settlement"], wave.rural.astype(np.int16) + 1, DEMOGRAPHIC_TEXTS["settlement"][1], _labels(SETTLEMENT.categories, delivery))
    region_labels = {i + 1: local(r.label, delivery) for i, r in enumerate(REGIONS[delivery.country])}
    add(names["region"], wave.region + 1, DEMOGRAPHIC_TEXTS["region"][1], region_labels)
    ethnicity_labels = {
        i + 1: local(ETHNICITY_LABELS[code], delivery) for i, (code, _) in enumerate(ETHNICITIES[delivery.country])
    }
    add(names["ethnicity"], wave.ethnicity + 1, DEMOGRAPHIC_TEXTS["ethnicity"][1], ethnicity_labels)
    add(names["employment"], wave.employment + 1, DEMOGRAPHIC_TEXTS["employment"][1], _labels(EMPLOYMENT.categories, delivery))
    add(names["income"], source_codes(wave.income, len(INCOME.categories), delivery), DEMOGRAPHIC_TEXTS["income"][1],
        _labels(INCOME.categories, delivery), nonresponse=True)  # fmt: skip

    for item in ITEMS:
        if not item.asked(delivery.country, delivery.year):
            continue
        scale = SCALES[item.scale]
        question = item.short if stata else item.question
        if item.type == "multiple":
            status = wave.answers[item.id]
            for j, option in enumerate(scale.categories):
                values = wave.chosen[item.id][:, j].astype(np.int16)
                values = np.where(status == DK, delivery.dk_code, values)
                values = np.where(status == REFUSED, delivery.refused_code, values)
                option_label = Tr(*(f"{q}: {o}" for q, o in zip(
                    (item.short.en, item.short.sq, item.short.sr), (option.label.en, option.label.sq, option.label.sr), strict=True)))
                mr_labels = {0: local(NOT_SELECTED, delivery), 1: local(SELECTED, delivery)}
                add(delivery.variable(item.number, j + 1), values, option_label, mr_labels, nonresponse=True)
            continue
        rev = is_reversed(item, delivery)
        codes = source_codes(wave.answers[item.id], len(scale.categories), delivery, rev)
        vlabels = dict(zip(category_codes(len(scale.categories), rev), (local(c.label, delivery) for c in scale.categories), strict=True))
        add(delivery.variable(item.number, item.sub), codes, question, dict(sorted(vlabels.items())), nonresponse=True)

    add(delivery.weight, np.round(wave.weight, 6), _DESIGN_LABELS["weight"])
    if delivery.strata:
        add(delivery.strata, wave.stratum, _DESIGN_LABELS["strata"])
    if delivery.psu:
        add(delivery.psu, wave.psu + 1, _DESIGN_LABELS["psu"])

    frame = pd.DataFrame(columns)
    file_label = f"WBSB {delivery.year}, {local(_FILE_LABEL, delivery)}"
    if stata:  # Stata stores int64 as double: use its int (16 bit) and long (32 bit) types
        for name, values in columns.items():
            if values.dtype.kind in "iub":
                frame[name] = values.astype(np.int16 if np.abs(values).max() < 32_000 else np.int32)
        pyreadstat.write_dta(
            frame, str(path), file_label=file_label, column_labels=labels,
            variable_value_labels=value_labels,
        )  # fmt: skip
        _fix_timestamp(path, delivery.year)
        return
    for name, values in columns.items():
        if values.dtype.kind in "iub":
            frame[name] = values.astype(np.float64)
    missing_ranges = (
        {name: [delivery.dk_code, delivery.refused_code] for name in user_missing}
        if delivery.declare_missing else None
    )  # fmt: skip
    pyreadstat.write_sav(
        frame, str(path), column_labels=labels, variable_value_labels=value_labels,
        missing_ranges=missing_ranges, compress=delivery.format == "zsav",
        row_compress=delivery.format == "sav", file_label=file_label,
    )  # fmt: skip
    _fix_timestamp(path, delivery.year)


def _fix_timestamp(path: Path, year: int) -> None:
    """Replace the writing time in the file header by a fixed end-of-fieldwork date, so the
    same seed gives byte-identical files (and regenerating leaves git clean)."""
    data = bytearray(path.read_bytes())
    if data[:4] in (b"$FL2", b"$FL3"):  # SPSS: creation date and time at bytes 92..108
        data[92:109] = f"15 Nov {year % 100:02d}12:00:00".encode("ascii")
    else:  # Stata 118: <timestamp>, a length byte, "dd Mon yyyy hh:mm"
        start = data.index(b"<timestamp>") + len(b"<timestamp>")
        stamp = f"15 Nov {year} 12:00".encode("ascii")
        end = data.index(b"</timestamp>", start)
        data[start:end] = bytes([len(stamp)]) + stamp
    path.write_bytes(bytes(data))


def _stata_label(text: str) -> str:
    """Stata keeps at most 80 bytes of a variable label (UTF-8): cut at a character boundary."""
    return text.encode("utf-8")[:STATA_LABEL_LIMIT].decode("utf-8", errors="ignore")


def _labels(categories, delivery: Delivery) -> dict[int, str]:
    return {i + 1: local(c.label, delivery) for i, c in enumerate(categories)}


def _nonresponse_labels(delivery: Delivery) -> dict[int, str]:
    return {delivery.dk_code: local(DK_CATEGORY.label, delivery), delivery.refused_code: local(REFUSED_CATEGORY.label, delivery)}


def _respondent_ids(delivery: Delivery, n: int) -> np.ndarray:
    serial = np.arange(1, n + 1)
    if delivery.country == "RS":  # the Serbian agency uses text ids
        return np.array([f"RS{delivery.year % 100:02d}-{i:05d}" for i in serial], dtype=object)
    return (delivery.year % 100) * 100_000 + serial
