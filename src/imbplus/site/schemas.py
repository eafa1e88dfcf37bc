"""What the public forms accept. Errors name the field and the rule, never the value."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from imbplus.customers import validation as v
from imbplus.errors import ValidationFailed
from imbplus.web.errors import validation_problems

FORM = ConfigDict(strict=True, extra="forbid")
MESSAGE_MAX = 5000
_ALLOWED_CONTROLS = {"\n", "\t"}


def clean_multiline(value: str, *, max_len: int, min_len: int = 1) -> str:
    """Normalised text of several lines; no control characters but newlines and tabs."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if len(value) < min_len:
        raise ValueError(f"at least {min_len} characters")
    if len(value) > max_len:
        raise ValueError(f"at most {max_len} characters")
    if any(
        unicodedata.category(ch) in {"Cc", "Cs"} and ch not in _ALLOWED_CONTROLS for ch in value
    ):
        raise ValueError("control characters are not allowed")
    return value


def _multiline(max_len: int, min_len: int = 1) -> AfterValidator:
    return AfterValidator(lambda value: clean_multiline(value, max_len=max_len, min_len=min_len))


def _optional_email(value: str) -> str:
    return v.email(value) if value.strip() else ""


def _optional_name(value: str) -> str:
    return v.text(value, max_len=120) if value.strip() else ""


Message = Annotated[str, Field(max_length=MESSAGE_MAX + 200), _multiline(MESSAGE_MAX, 10)]
OptionalName = Annotated[str, Field(max_length=120), AfterValidator(_optional_name)]
RequiredEmail = Annotated[str, Field(max_length=254), AfterValidator(v.email)]
OptionalEmail = Annotated[str, Field(max_length=254), AfterValidator(_optional_email)]

InquiryTopic = Literal["policy", "my_data", "rights", "other"]
FeedbackTopic = Literal["site", "offer", "service", "other"]
INQUIRY_TOPICS: tuple[str, ...] = ("policy", "my_data", "rights", "other")
FEEDBACK_TOPICS: tuple[str, ...] = ("site", "offer", "service", "other")


class InquiryIn(BaseModel):
    """A question to the data-protection officer (P23)."""

    model_config = FORM
    name: OptionalName = ""
    email: RequiredEmail
    topic: InquiryTopic
    message: Message


class FeedbackIn(BaseModel):
    """A comment or suggestion (P24); sent only after accepting the non-confidentiality."""

    model_config = FORM
    topic: FeedbackTopic
    message: Message
    email: OptionalEmail = ""
    understood: Literal[True]


_Form = TypeVar("_Form", bound=BaseModel)


def parse(model: type[_Form], data: dict[str, object]) -> _Form:
    """Validate a submitted form; ValidationFailed names each field (never the value)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc.errors(include_input=False))
        for p in problems:
            if p["field"] == "understood":
                p["problem"] = "must be confirmed"
        raise ValidationFailed(problems) from None
