"""The data catalogue (P05): one vocabulary of purposes, categories, roles and fields.

Every stored column of every table is classified here (a test enforces it), so the system
knows which values are personal, how each one is protected, and which category the gate
checks before it is revealed. The access policy file relates roles to these names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import Table


class Purpose(StrEnum):
    SERVICE_DELIVERY = "service_delivery"
    SERVICE_IMPROVEMENT = "service_improvement"
    MARKETING = "marketing"
    MARKET_RESEARCH = "market_research"
    PRICING = "pricing"
    CREDIT = "credit"
    BILLING = "billing"
    REGULATORY_COMPLIANCE = "regulatory_compliance"
    SHIPMENT_CONTACT = "shipment_contact"
    SECURITY = "security"
    TRAFFIC_STATISTICS = "traffic_statistics"
    LEGAL_OBLIGATION = "legal_obligation"
    DATA_SUBJECT_REQUEST = "data_subject_request"


PURPOSE_DESCRIPTIONS: dict[Purpose, str] = {
    Purpose.SERVICE_DELIVERY: "Provide the subscribed service: accounts, boxes, support (P03).",
    Purpose.SERVICE_IMPROVEMENT: "Improve the service from usage and device health (P03).",
    Purpose.MARKETING: "Tell customers about other services; honours opt-out (P03).",
    Purpose.MARKET_RESEARCH: "Trend analysis and market research on pseudonymized data (P03).",
    Purpose.PRICING: "Set prices from aggregates (P03).",
    Purpose.CREDIT: "Decide on postpaid credit from payment history (P03).",
    Purpose.BILLING: "Charge, invoice and collect payments (P03, P20).",
    Purpose.REGULATORY_COMPLIANCE: "Reports and records that regulators require (P03).",
    Purpose.SHIPMENT_CONTACT: "Contact a shipment's recipient about it, nothing else (P08).",
    Purpose.SECURITY: "Security and administration: access control, abuse, audit (P11, P21).",
    Purpose.TRAFFIC_STATISTICS: "Web traffic statistics from masked addresses (P21).",
    Purpose.LEGAL_OBLIGATION: "Answer an authority's request on a recorded legal basis (P07).",
    Purpose.DATA_SUBJECT_REQUEST: "Answer a person's own request: access, erasure, ... (B01).",
}


class LegalBasis(StrEnum):
    """GDPR art. 6(1): why a purpose may use personal data at all (art. 13(1)(c))."""

    CONSENT = "consent"  # (a)
    CONTRACT = "contract"  # (b) performing the contract, or steps before it
    LEGAL_OBLIGATION = "legal_obligation"  # (c)
    LEGITIMATE_INTEREST = "legitimate_interest"  # (f)


PURPOSE_LEGAL_BASIS: dict[Purpose, LegalBasis] = {
    Purpose.SERVICE_DELIVERY: LegalBasis.CONTRACT,
    Purpose.SERVICE_IMPROVEMENT: LegalBasis.LEGITIMATE_INTEREST,
    Purpose.MARKETING: LegalBasis.LEGITIMATE_INTEREST,  # own services; objection honoured
    Purpose.MARKET_RESEARCH: LegalBasis.LEGITIMATE_INTEREST,
    Purpose.PRICING: LegalBasis.LEGITIMATE_INTEREST,
    Purpose.CREDIT: LegalBasis.CONTRACT,  # steps before a postpaid contract
    Purpose.BILLING: LegalBasis.CONTRACT,
    Purpose.REGULATORY_COMPLIANCE: LegalBasis.LEGAL_OBLIGATION,
    Purpose.SHIPMENT_CONTACT: LegalBasis.CONTRACT,
    Purpose.SECURITY: LegalBasis.LEGITIMATE_INTEREST,
    Purpose.TRAFFIC_STATISTICS: LegalBasis.LEGITIMATE_INTEREST,
    Purpose.LEGAL_OBLIGATION: LegalBasis.LEGAL_OBLIGATION,
    Purpose.DATA_SUBJECT_REQUEST: LegalBasis.LEGAL_OBLIGATION,
}


class Category(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    ADDRESS = "address"
    PAYMENT_CARD = "payment_card"
    BILLING_RECORD = "billing_record"
    ACCOUNT_CREDENTIALS = "account_credentials"
    STB_DEVICE = "stb_device"
    STB_ACTIVITY = "stb_activity"
    SHIPMENT_RECORD = "shipment_record"
    SHIPMENT_CONTACT = "shipment_contact"
    SURVEY_RESPONSE = "survey_response"
    WEB_REQUEST_LOG = "web_request_log"
    CONSENT_RECORD = "consent_record"
    FEEDBACK = "feedback"
    PRIVACY_INQUIRY = "privacy_inquiry"
    LEGAL_REQUEST = "legal_request"
    STAFF_ACCOUNT = "staff_account"
    AUDIT_RECORD = "audit_record"
    KEY_MATERIAL = "key_material"
    REFERENCE = "reference"


@dataclass(frozen=True)
class CategoryInfo:
    description: str
    personal: bool


CATEGORY_INFO: dict[Category, CategoryInfo] = {
    Category.IDENTITY: CategoryInfo("Names of a customer.", True),
    Category.CONTACT: CategoryInfo("E-mail addresses and phone numbers.", True),
    Category.ADDRESS: CategoryInfo("Postal addresses (home, install, billing).", True),
    Category.PAYMENT_CARD: CategoryInfo("Card numbers and card tokens (P20).", True),
    Category.BILLING_RECORD: CategoryInfo("Invoices, charges, payment history.", True),
    Category.ACCOUNT_CREDENTIALS: CategoryInfo("Password and PIN hashes, 2FA secrets.", True),
    Category.STB_DEVICE: CategoryInfo("Set-top box registry entries tied to a customer.", True),
    Category.STB_ACTIVITY: CategoryInfo("What a box did: power, channels, VOD, errors.", True),
    Category.SHIPMENT_RECORD: CategoryInfo("Shipment transaction records (P09).", True),
    Category.SHIPMENT_CONTACT: CategoryInfo("Phone and e-mail for a shipment (P08).", True),
    Category.SURVEY_RESPONSE: CategoryInfo("Answers to surveys, demographics (P19).", True),
    Category.WEB_REQUEST_LOG: CategoryInfo("Request log with IP addresses (P21).", True),
    Category.CONSENT_RECORD: CategoryInfo("Cookie consent decisions (P18).", True),
    Category.FEEDBACK: CategoryInfo("Comments and suggestions (P24).", True),
    Category.PRIVACY_INQUIRY: CategoryInfo(
        "Questions to the data-protection officer and the answers (P23).", True
    ),
    Category.LEGAL_REQUEST: CategoryInfo("Authority requests and their scope (P07).", True),
    Category.STAFF_ACCOUNT: CategoryInfo("Employee accounts, roles and tokens.", True),
    Category.AUDIT_RECORD: CategoryInfo("The audit trail (no personal values).", False),
    Category.KEY_MATERIAL: CategoryInfo("Wrapped data keys; never leaves the keyring.", False),
    Category.REFERENCE: CategoryInfo("Identifiers, states and times; not personal.", False),
}


# Categories that name or reach a person by themselves, or hold what they wrote: never in a
# release to a third party (P01, P06), whatever is done to the rest. Addresses go out only
# as a generalized quasi-identifier (a postal code rolled up to a region).
IDENTIFYING: frozenset[Category] = frozenset(
    {
        Category.IDENTITY,
        Category.CONTACT,
        Category.PAYMENT_CARD,
        Category.ACCOUNT_CREDENTIALS,
        Category.SHIPMENT_CONTACT,
        Category.WEB_REQUEST_LOG,
        Category.FEEDBACK,
        Category.PRIVACY_INQUIRY,
        Category.LEGAL_REQUEST,
        Category.STAFF_ACCOUNT,
        Category.KEY_MATERIAL,
    }
)


class Role(StrEnum):
    SUPPORT = "support"
    BILLING = "billing"
    SHIPPING = "shipping"
    MARKETING = "marketing"
    ANALYST = "analyst"
    DPO = "dpo"
    ADMIN = "admin"


class ActorKind(StrEnum):
    STAFF = "staff"
    PROCESSOR = "processor"
    CUSTOMER = "customer"
    SYSTEM = "system"


class Action(StrEnum):
    READ = "read"
    WRITE = "write"
    DELETE = "delete"
    EXPORT = "export"


class Protection(StrEnum):
    ENCRYPTED = "encrypted"  # AES-256-GCM under the owner's data key
    BLIND_INDEX = "blind_index"  # keyed HMAC for exact lookup
    HASHED = "hashed"  # one-way (argon2id / SHA-256 of a random token)
    WRAPPED = "wrapped"  # key material wrapped by the master key
    CHAINED = "chained"  # tamper-evident hash chain
    PLAIN = "plain"  # not personal, stored as is


@dataclass(frozen=True)
class FieldSpec:
    table: str
    column: str
    category: Category
    protection: Protection
    description: str
    blind_index_of: str | None = None

    @property
    def personal(self) -> bool:
        return CATEGORY_INFO[self.category].personal and self.protection != Protection.PLAIN


FIELDS: dict[tuple[str, str], FieldSpec] = {}
# Tables whose rows say which category their values hold (table -> column naming it): the
# outbox carries whatever contact data its sender was allowed to use.
CATEGORY_IN_ROW: dict[str, str] = {}


def classify(table: Table, specs: dict[str, tuple[Category, Protection, str]]) -> None:
    """Declare the classification of every column of `table` (called from models modules)."""
    unknown = set(specs) - {c.name for c in table.columns}
    if unknown:
        raise ValueError(f"{table.name}: classified columns that do not exist: {sorted(unknown)}")
    for column, (category, protection, description) in specs.items():
        source = None
        if protection == Protection.BLIND_INDEX and column.removesuffix("_bidx") + "_ct" in table.c:
            # the ciphertext the digest is computed from, when it is in the same row
            source = column.removesuffix("_bidx") + "_ct"
        FIELDS[(table.name, column)] = FieldSpec(
            table.name, column, category, protection, description, source
        )


def classify_all(
    table: Table, category: Category, protection: Protection, description: str
) -> None:
    """Give every column of `table` the same classification (bookkeeping tables)."""
    classify(table, {c.name: (category, protection, description) for c in table.columns})


def category_in_row(table: Table, column: str) -> None:
    """Declare that each row of `table` names, in `column`, the category of its values."""
    if column not in table.columns:
        raise ValueError(f"{table.name}: no column {column}")
    CATEGORY_IN_ROW[table.name] = column


@lru_cache(maxsize=1024)
def categories_of(table: str, columns: tuple[str, ...]) -> frozenset[Category]:
    """The categories the gate decides on before these encrypted columns are revealed."""
    found = set()
    for column in columns:
        spec = FIELDS.get((table, column))
        if spec is None or spec.protection != Protection.ENCRYPTED:
            raise ValueError(f"{table}.{column} is not an encrypted column of the catalogue")
        found.add(spec.category)
    return frozenset(found)


def categories_in_rows(table: str, rows: Iterable[object]) -> frozenset[Category]:
    """For a table of `CATEGORY_IN_ROW`: the categories its rows say they hold."""
    column = CATEGORY_IN_ROW[table]
    return frozenset(Category(getattr(row, column)) for row in rows)


def encrypted_fields() -> list[FieldSpec]:
    return [f for f in FIELDS.values() if f.protection == Protection.ENCRYPTED]


def blind_index_fields() -> list[FieldSpec]:
    return [f for f in FIELDS.values() if f.protection == Protection.BLIND_INDEX]


def field(table: str, column: str) -> FieldSpec:
    return FIELDS[(table, column)]


def parse_purpose(value: str | None) -> Purpose:
    from imbplus.errors import PurposeRequired

    if not value:
        raise PurposeRequired(
            "a purpose is required (X-Purpose header)", allowed=[p.value for p in Purpose]
        )
    try:
        return Purpose(value.strip())
    except ValueError:
        raise PurposeRequired(
            "unknown purpose", purpose=value[:64], allowed=[p.value for p in Purpose]
        ) from None
