"""Survey vocabulary and what staff send to build a survey."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

from imbplus.customers import validation as v
from imbplus.customers.schemas import STRICT
from imbplus.privacy.catalog import Category


class Kind(StrEnum):
    FREE_TEXT = "free_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    POSTAL_CODE = "postal_code"
    AGE = "age"
    AGE_BAND = "age_band"
    COMPANY_SIZE = "company_size"
    EMAIL = "email"
    PHONE = "phone"


class Audience(StrEnum):
    CUSTOMERS = "customers"  # subscribers, in the portal and by invitation
    PUBLIC = "public"  # visitors of the public site
    EVERYONE = "everyone"


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE})
# asked as contact data; stored encrypted with the category `contact`
CONTACT_KINDS = frozenset({Kind.EMAIL, Kind.PHONE})
# stored encrypted (they may name or reach a person)
ENCRYPTED_KINDS = frozenset({Kind.FREE_TEXT, Kind.EMAIL, Kind.PHONE})
# demographic quasi-identifiers, stored typed so that an export can generalize them (P06)
QUASI_IDENTIFIERS = frozenset({Kind.POSTAL_CODE, Kind.AGE, Kind.AGE_BAND, Kind.COMPANY_SIZE})
AGE_BANDS = ("<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
COMPANY_SIZES = ("1", "2-9", "10-49", "50-249", "250+")  # people employed (EU size classes)
MAX_OPTIONS = 20
MAX_QUESTIONS = 50
NUMBER_LIMIT = 1_000_000_000
AGE_MAX = 120


def category_of(kind: Kind) -> Category:
    return Category.CONTACT if kind in CONTACT_KINDS else Category.SURVEY_RESPONSE


def age_band_of(age: int) -> str:
    edges = ((18, "<18"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))
    for upper, band in edges:
        if age < upper:
            return band
    return "65+"


def _text(limit: int) -> object:
    return AfterValidator(lambda s: v.text(s, max_len=limit))


Title = Annotated[str, Field(max_length=400), _text(200)]
Prompt = Annotated[str, Field(max_length=1000), _text(500)]
OptionLabel = Annotated[str, Field(max_length=400), _text(200)]


def _intro(value: str) -> str:
    return v.text(value, max_len=2000, min_len=0) if value.strip() else ""


class SurveyCreate(BaseModel):
    model_config = STRICT
    title: Title
    intro: Annotated[str, Field(max_length=4000), AfterValidator(_intro)] = ""
    lang: Annotated[str, Field(pattern=r"^(pl|en)$")] = "pl"
    audience: Audience = Audience.CUSTOMERS


class QuestionCreate(BaseModel):
    model_config = STRICT
    kind: Kind
    prompt: Prompt
    required: bool = False
    options: list[OptionLabel] = Field(default_factory=list, max_length=MAX_OPTIONS)
    min_value: int | None = Field(default=None, ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)
    max_value: int | None = Field(default=None, ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)

    @model_validator(mode="after")
    def _consistent(self) -> QuestionCreate:
        if self.kind in CHOICE_KINDS:
            if len(self.options) < 2:
                raise ValueError("options: a choice question needs at least two options")
            if len({o.casefold() for o in self.options}) != len(self.options):
                raise ValueError("options: each option must be different")
        elif self.options:
            raise ValueError("options: only choice questions have options")
        if self.kind != Kind.NUMBER and (self.min_value is not None or self.max_value is not None):
            raise ValueError("min_value: only number questions have limits")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError("min_value: must not be larger than max_value")
        return self
