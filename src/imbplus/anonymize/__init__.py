"""Anonymized releases (P06): k-anonymity, distinct l-diversity and t-closeness by
full-domain generalization and suppression, with a re-identification risk report.

    from imbplus.anonymize import anonymize
    result = anonymize(table, quasi=["age", "postal_code"], sensitive="plan", k=5, l=2)
    result.table   # the release (pyarrow.Table)
    result.report  # what it guarantees and what it cost (JSON-ready dict)
"""

from imbplus.anonymize.engine import Result, anonymize
from imbplus.anonymize.errors import AnonymizationError
from imbplus.anonymize.hierarchies import Hierarchy, detect, load_dir, read_arx, table, write_arx

__all__ = [
    "AnonymizationError",
    "Hierarchy",
    "Result",
    "anonymize",
    "detect",
    "load_dir",
    "read_arx",
    "table",
    "write_arx",
]
