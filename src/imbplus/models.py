"""Imports every domain's tables so that `Base.metadata` (and the catalogue) is complete."""

from __future__ import annotations

from imbplus.db import Base


def load_all() -> type[Base]:
    import imbplus.auth.models
    import imbplus.customers.models
    import imbplus.devices.models
    import imbplus.privacy.models
    import imbplus.staff.models  # noqa: F401

    return Base
