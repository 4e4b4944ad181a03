"""JSON documents of results: one shape for the API and `barometer … --format json`.

A table document carries the normalised query (from the parameter table), the data version, the
demonstration-data flag, labels in the reader's language, the rows (suppressed cells without
figures), the tests and the notes in words. The indicators document is the codebook with the
country-years where each question was asked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from barometer.dataset import Dataset
from barometer.params import PARAMETER_TABLE, ParamTable
from barometer.present.labels import (
    base_note,
    category_labels,
    country_label,
    result_notes,
    source_caption,
)
from barometer.present.sentences import result_sentences
from barometer.stats.query import breakable

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


def table_rows(result, dataset: Dataset, lang: str) -> list[dict[str, Any]]:
    """Result cells with their labels. Suppressed cells carry no percent, se or interval."""
    codebook = dataset.codebook
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


def table_document(view: str, result, params, dataset: Dataset,
                   table: ParamTable = PARAMETER_TABLE) -> dict[str, Any]:
    """The document of one table (`view`: crosstab, frequencies or trend)."""
    codebook, lang = dataset.codebook, params.lang
    ind = codebook.indicator(params.indicator)
    doc: dict[str, Any] = {
        "endpoint": view,
        "query": table.echo(params, view),
        "data_version": dataset.version,
        "synthetic": bool(dataset.synthetic),
        "dataset": {"id": codebook.dataset.id, "title": codebook.dataset.title.get(lang)},
        "source": source_caption(codebook, lang, dataset.version),
        "indicator": {"id": ind.id, "label": ind.label(lang), "question": ind.question.get(lang),
                      "type": ind.type},
        "by": None,
        "kind": result.kind,
        "variance": result.variance,
        "thresholds": {"small_base": result.thresholds.small_base,
                       "min_base": result.thresholds.min_base},
        "base_note": base_note(result, codebook, lang),
        "notes": list(result_notes(result, codebook, lang)),
        "summary": result_sentences(result, codebook, lang, view=view,
                                    category=getattr(params, "category", None)),
        "protection": protection_document(result),
        "rows": table_rows(result, dataset, lang),
        "tests": [{k: jsonable(v) for k, v in r.items()}
                  for r in result.tests.to_dict(orient="records")],
    }
    if result.query.by:
        by = codebook.indicator(result.query.by)
        doc["by"] = {"id": by.id, "label": by.label(lang), "question": by.question.get(lang),
                     "letters": dict(result.by_letters)}
    if view == "trend":
        category = getattr(params, "category", None)
        doc["category"] = {"code": category,
                           "label": category_labels(codebook, params.indicator, lang)
                           .get(category or "", category)}
    return doc


def protection_document(result) -> dict[str, Any]:
    """What disclosure control hid: groups under the minimum base, groups hidden to protect
    them, country-years withheld whole, tables without tests."""
    facts = result.protection

    def groups(items) -> list[dict[str, Any]]:
        return [{"country": c, "year": y, "by": b} for c, y, b in items]

    return {"min_base": facts.min_base, "applied": facts.applied,
            "suppressed": groups(facts.small), "withheld": groups(facts.complementary),
            "withheld_country_years": [{"country": c, "year": y} for c, y in facts.withheld],
            "tests_dropped": [{"country": c, "year": y} for c, y in facts.tests_dropped]}


def indicators_document(dataset: Dataset, lang: str, years: Sequence[int],
                        available: Mapping[str, Sequence[tuple[str, int]]]) -> dict[str, Any]:
    """The codebook in `lang`: indicators with categories, nets, bands and availability."""
    codebook = dataset.codebook
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
            "can_break_down": breakable(ind),
            "categories": [{"code": c.code, "label": c.label.get(lang), "missing": c.missing}
                           for c in codebook.categories_of(ind)],
            "nets": [{"code": n.code, "label": n.label.get(lang), "categories": list(n.categories)}
                     for n in ind.nets],
            "bins": [{"code": b.code, "label": b.label.get(lang), "low": b.low, "high": b.high}
                     for b in ind.bins],
            "availability": [{"country": c, "year": y} for c, y in available.get(ind.id, ())],
        })
    return {
        "data_version": dataset.version,
        "synthetic": bool(dataset.synthetic),
        "dataset": {"id": codebook.dataset.id, "title": codebook.dataset.title.get(lang)},
        "lang": lang,
        "countries": [{"code": code, "name": c.name.get(lang),
                       "adult_population": c.adult_population}
                      for code, c in codebook.countries.items()],
        "years": list(years),
        "topics": [{"id": k, "label": v} for k, v in topics.items()],
        "thresholds": {"small_base": codebook.dataset.thresholds.small_base,
                       "min_base": codebook.dataset.thresholds.min_base},
        "indicators": indicators,
    }


def banner_document(result, params, dataset: Dataset,
                    table: ParamTable = PARAMETER_TABLE) -> dict[str, Any]:
    """The document of a banner (`by=gender,age_group`): the Total as a crosstab document
    without a breakdown, and under `banner` each breakdown's rows, letters, tests and
    protection facts (letters run on across the banner)."""
    from barometer.stats.groups import grouped

    dataset = grouped(dataset, result.query)
    codebook, lang = dataset.codebook, params.lang
    doc = table_document("crosstab", result.total, params, dataset, table)
    doc["banner"] = []
    for by_id, part in zip(result.breakdowns, result.parts, strict=True):
        by = codebook.indicator(by_id)
        doc["banner"].append({
            "by": {"id": by.id, "label": by.label(lang), "question": by.question.get(lang),
                   "letters": dict(part.by_letters)},
            "rows": table_rows(part, dataset, lang),
            "tests": [{k: jsonable(v) for k, v in r.items()}
                      for r in part.tests.to_dict(orient="records")],
            "protection": protection_document(part),
        })
    return doc
