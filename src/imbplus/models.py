"""Imports every domain's tables so that `Base.metadata` (and the catalogue) is complete."""

from __future__ import annotations

from imbplus.db import Base


def load_all() -> type[Base]:
    import imbplus.auth.generations
    import imbplus.auth.models
    import imbplus.billing.models
    import imbplus.customers.models
    import imbplus.devices.models
    import imbplus.notify.models
    import imbplus.portal.models
    import imbplus.privacy.disclosure
    import imbplus.privacy.evidence_models
    import imbplus.privacy.incident_models
    import imbplus.privacy.models
    import imbplus.privacy.retention_models
    import imbplus.privacy.rights_models
    import imbplus.processors.models
    import imbplus.shipping.anchors  # sealed records anchored in the audit chain
    import imbplus.shipping.models
    import imbplus.shop.models
    import imbplus.site.models
    import imbplus.staff.models
    import imbplus.surveys.models
    import imbplus.traffic.models  # noqa: F401

    return Base
