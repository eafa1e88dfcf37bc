"""The product catalogue: set-top box models and subscription packages (no personal data)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.money import VAT_STANDARD_BP
from imbplus.shop.models import Product
from imbplus.shop.schemas import ProductRead

KINDS = ("stb", "package")

# (id, kind, name, description, gross price in grosze)
DEFAULT_CATALOGUE: tuple[tuple[str, str, str, str, int], ...] = (
    ("stb-hd-s1", "stb", "IMB+ Box HD S1", "Dekoder HD, HDMI, Wi-Fi 5, pilot.", 19900),
    ("stb-4k-x2", "stb", "IMB+ Box 4K X2", "Dekoder 4K HDR, Wi-Fi 6, pilot głosowy.", 39900),
    ("pkg-start", "package", "Pakiet Start", "60 kanałów, w tym 40 HD.", 3999),
    ("pkg-family", "package", "Pakiet Rodzina", "120 kanałów, bajki, VOD.", 6999),
    ("pkg-sport", "package", "Pakiet Sport Max", "160 kanałów z pakietem sportowym.", 9999),
)


def _read(row: Product) -> ProductRead:
    return ProductRead(
        id=row.id,
        kind=row.kind,
        name=row.name,
        description=row.description,
        price_gross=row.price_gross,
        vat_rate_bp=row.vat_rate_bp,
        active=row.active,
    )


def list_products(session: Session, *, kind: str | None = None) -> list[ProductRead]:
    stmt = select(Product).where(Product.active.is_(True)).order_by(Product.kind, Product.id)
    if kind:
        stmt = stmt.where(Product.kind == kind)
    return [_read(r) for r in session.execute(stmt).scalars()]


def get_many(session: Session, ids: set[str]) -> dict[str, Product]:
    rows = session.execute(select(Product).where(Product.id.in_(sorted(ids)))).scalars()
    return {r.id: r for r in rows}


def upsert(
    session: Session,
    *,
    product_id: str,
    kind: str,
    name: str,
    description: str,
    price_gross: int,
    vat_rate_bp: int = VAT_STANDARD_BP,
    active: bool = True,
) -> ProductRead:
    problems = []
    if kind not in KINDS:
        problems.append({"field": "kind", "problem": "stb or package"})
    if price_gross <= 0:
        problems.append({"field": "price_gross", "problem": "must be positive (grosze)"})
    if not 0 <= vat_rate_bp <= 10000:
        problems.append({"field": "vat_rate_bp", "problem": "0 to 10000 basis points"})
    if problems:
        raise ValidationFailed(problems)
    row = session.get(Product, product_id)
    if row is None:
        row = Product(id=product_id, created_at=clock.now())
        session.add(row)
    row.kind, row.name, row.description = kind, name, description
    row.price_gross, row.vat_rate_bp, row.active = price_gross, vat_rate_bp, active
    session.flush()
    return _read(row)


def load_default(session: Session) -> int:
    """The demo catalogue (idempotent)."""
    for pid, kind, name, description, price in DEFAULT_CATALOGUE:
        upsert(
            session,
            product_id=pid,
            kind=kind,
            name=name,
            description=description,
            price_gross=price,
        )
    return len(DEFAULT_CATALOGUE)
