"""What a released table costs in information and leaves in re-identification risk.

Risks follow the usual attacker models on the released classes (El Emam, ARX):
* prosecutor: the attacker knows the person is in the release; a record's risk is
  1/|class|; max = 1/smallest class, average = classes/rows;
* journalist: the attacker does not know that; with no population table it is bounded by
  the prosecutor risk, and we report that bound;
* marketer: the share of records re-identified when all are attacked = classes/rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from imbplus.anonymize.encoding import Codes, Column, Groups, Sensitive
from imbplus.anonymize.models import Classes, distances

_BINS = (1, 2, 3, 5, 10, 20, 50, 100, 1000, 10_000)


def size_distribution(sizes: Codes) -> dict[str, Any]:
    if len(sizes) == 0:
        return {"min": 0, "max": 0, "mean": 0.0, "histogram": {}}
    edges = [*_BINS, int(sizes.max()) + 1]
    bins = sorted(set(edges))
    counts, _ = np.histogram(sizes, bins=bins)
    histogram: dict[str, int] = {}
    for low, high, count in zip(bins[:-1], bins[1:], counts, strict=True):
        if count:
            label = str(low) if high - low == 1 else f"{low}-{high - 1}"
            histogram[label] = int(count)
    return {
        "min": int(sizes.min()),
        "max": int(sizes.max()),
        "mean": round(float(sizes.mean()), 3),
        "histogram": histogram,
    }


def risks(kept_sizes: Codes) -> dict[str, Any]:
    rows = int(kept_sizes.sum())
    if rows == 0:
        return {"prosecutor": None, "journalist": None, "marketer": None}
    highest = 1.0 / float(kept_sizes.min())
    average = len(kept_sizes) / rows
    prosecutor = {"max": round(highest, 6), "average": round(average, 6)}
    return {
        "prosecutor": prosecutor,
        "journalist": {
            **prosecutor,
            "note": "no population table was given: reported equal to the prosecutor risk, "
            "its upper bound",
        },
        "marketer": round(average, 6),
    }


def information_loss(
    columns: Sequence[Column], node: Sequence[int], classes: Classes, rows: int, loss: float
) -> dict[str, Any]:
    per_column = {
        c.name: round(level / c.height, 6) if c.height else 0.0
        for c, level in zip(columns, node, strict=True)
    }
    kept = classes.sizes[~classes.failing]
    discernibility = int((kept.astype(np.float64) ** 2).sum()) + classes.suppressed * rows
    return {
        "loss": round(loss, 6),
        "loss_definition": "mean over cells of level/height; a suppressed row counts 1",
        "generalization_intensity": {
            "mean": round(float(np.mean(list(per_column.values()))), 6),
            "per_column": per_column,
        },
        "discernibility": discernibility,
        "discernibility_note": "sum of |class|^2 over released classes + suppressed x rows",
    }


def achieved(
    groups: Groups, classes: Classes, sensitive: Sensitive | None
) -> dict[str, float | int | None]:
    """The k, l and t the release really has (t against the input table's distribution)."""
    keep = ~classes.failing
    k = int(classes.sizes[keep].min()) if keep.any() else None
    if sensitive is None or not keep.any():
        return {"k": k, "l": None, "t": None}
    values = len(sensitive.values)
    key = classes.group_class[groups.pair_group] * values + groups.pair_value
    keys, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount(inverse, weights=groups.pair_count).astype(np.int64)
    pair_class, pair_value = keys // values, keys % values
    distinct = np.bincount(pair_class, minlength=len(classes.sizes))
    emd = distances(pair_class, pair_value, counts, classes.sizes, sensitive)
    return {"k": k, "l": int(distinct[keep].min()), "t": round(float(emd[keep].max()), 6)}
