"""The tidy export table: one function behind the CLI's `--format csv`, the API and the web
CSV/XLSX downloads, so all of them show the same figures with the same columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from barometer.codebook import Codebook
from barometer.present.labels import category_labels
from barometer.stats.groups import view_codebook

EXPORT_COLUMNS: tuple[str, ...] = (
    "country",
    "year",
    "by",
    "category",
    "n",
    "weighted",
    "percent",
    "se",
    "ci_low",
    "ci_high",
    "flag",
)
"""The leading columns, in order; the Result's other columns follow."""


def tidy_table(result, codebook: Codebook, lang: str = "en") -> pd.DataFrame:
    """`result.table` for export: `category` and `by` as labels in `lang` (`by` empty without a
    breakdown), country as its code, `flag` = "suppressed" (base under the minimum: no figure),
    "withheld" (hidden so that a suppressed figure cannot be worked out), "small" or empty; columns
    `EXPORT_COLUMNS` first, then the rest of the Result's columns."""
    table = result.table
    query = result.query
    codebook = view_codebook(codebook, query)
    out = pd.DataFrame(index=table.index)
    out["country"] = table["country"].astype(object)
    out["year"] = table["year"]
    if query.by is not None:
        by_labels = category_labels(codebook, query.by, lang)
        out["by"] = [by_labels.get(code, code) for code in table["by"].to_numpy(dtype=object)]
    else:
        out["by"] = ""
    cat_labels = category_labels(codebook, query.indicator, lang)
    out["category"] = [cat_labels.get(code, code)
                       for code in table["category"].to_numpy(dtype=object)]
    for name in ("n", "weighted", "percent", "se", "ci_low", "ci_high"):
        out[name] = table[name]
    out["flag"] = np.select(
        [table["suppressed"] & table["complementary"], table["suppressed"], table["small"]],
        ["withheld", "suppressed", "small"], "")
    rest = [c for c in table.columns if c not in out.columns]
    for name in rest:
        out[name] = table[name]
    # the codes stay available beside the labels
    out["category_code"] = table["category"]
    if query.by is not None:
        out["by_code"] = table["by"]
    return out.reset_index(drop=True)
