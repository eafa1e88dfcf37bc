"""Survey tables.

Answers are rows of typed columns, one per answered question (one per chosen option):
choices and numbers as plain values; the quasi-identifiers postal code, age, age band and
company size in columns of their own, so an anonymized export can generalize them (P06);
direct identifiers (free text, e-mail, phone) encrypted under the respondent's key (the
customer's own key, or the system key for visitors). A response names a customer only by
the pseudonymous customer id, never by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(String(2000), default="")
    lang: Mapped[str] = mapped_column(String(2))
    audience: Mapped[str] = mapped_column(String(16))  # customers | public | everyone
    status: Mapped[str] = mapped_column(String(16))  # draft | open | closed
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questions: Mapped[list[Question]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Question.position"
    )


class Question(Base):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    prompt: Mapped[str] = mapped_column(String(500))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    min_value: Mapped[int | None] = mapped_column(Integer)
    max_value: Mapped[int | None] = mapped_column(Integer)

    options: Mapped[list[Option]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Option.position"
    )

    __table_args__ = (Index("ix_survey_questions_survey", "survey_id", "position"),)


class Option(Base):
    __tablename__ = "survey_options"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))


class Response(Base):
    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    respondent: Mapped[str] = mapped_column(String(16))  # customer | visitor
    customer_id: Mapped[str | None] = mapped_column(String(36))
    key_id: Mapped[int] = mapped_column(ForeignKey("data_keys.id"))
    lang: Mapped[str] = mapped_column(String(2))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # one answer per customer and survey (visitors have no customer id)
        UniqueConstraint("survey_id", "customer_id", name="uq_survey_responses_customer"),
        Index("ix_survey_responses_customer", "customer_id"),
    )


class Answer(Base):
    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(32))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_options.id"))
    number_value: Mapped[int | None] = mapped_column(Integer)
    postal_code: Mapped[str | None] = mapped_column(String(6))
    age: Mapped[int | None] = mapped_column(SmallInteger)
    age_band: Mapped[str | None] = mapped_column(String(8))
    company_size: Mapped[str | None] = mapped_column(String(8))
    text_ct: Mapped[bytes | None] = mapped_column(LargeBinary)


class Invitation(Base):
    """A customer asked to answer a survey, by one channel (portal notice or e-mail)."""

    __tablename__ = "survey_invitations"

    survey_id: Mapped[str] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)  # portal | email
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_survey_invitations_customer", "customer_id"),)


class OptOut(Base):
    """A customer's opt-out of all surveys; given once, for good (P19)."""

    __tablename__ = "survey_opt_outs"

    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime)


_REF = (C.REFERENCE, P.PLAIN)
_QI = (C.SURVEY_RESPONSE, P.PLAIN)
classify(
    Survey.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random survey id."),
        "title": (*_REF, "Title written by staff."),
        "intro": (*_REF, "Introduction written by staff."),
        "lang": (*_REF, "Language the survey is written in."),
        "audience": (*_REF, "customers, public or everyone."),
        "status": (*_REF, "draft, open or closed."),
        "created_by": (*_REF, "Staff id of the author."),
        "created_at": (*_REF, "Created."),
        "opened_at": (*_REF, "Opened for answers."),
        "closed_at": (*_REF, "Closed."),
    },
)
classify(
    Question.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Question id."),
        "survey_id": (*_REF, "Survey."),
        "position": (*_REF, "Order."),
        "kind": (*_REF, "Answer type (free_text, single_choice, postal_code, ...)."),
        "prompt": (*_REF, "Question text written by staff."),
        "required": (*_REF, "An answer is required."),
        "min_value": (*_REF, "Smallest number accepted."),
        "max_value": (*_REF, "Largest number accepted."),
    },
)
classify(
    Option.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Option id."),
        "question_id": (*_REF, "Question."),
        "position": (*_REF, "Order."),
        "label": (*_REF, "Option text written by staff."),
    },
)
classify(
    Response.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random response id."),
        "survey_id": (*_REF, "Survey."),
        "respondent": (*_REF, "customer or visitor."),
        "customer_id": (*_REF, "Pseudonymous customer id (none for visitors)."),
        "key_id": (C.KEY_MATERIAL, P.PLAIN, "Key of the encrypted answers."),
        "lang": (*_REF, "Language the answers were given in."),
        "submitted_at": (*_REF, "Submitted."),
    },
)
classify(
    Answer.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Answer id."),
        "response_id": (*_REF, "Response."),
        "question_id": (*_REF, "Question."),
        "category": (*_REF, "Catalogue category of the answer (survey_response or contact)."),
        "option_id": (C.SURVEY_RESPONSE, P.PLAIN, "Chosen option."),
        "number_value": (C.SURVEY_RESPONSE, P.PLAIN, "Number given."),
        "postal_code": (*_QI, "Quasi-identifier: postal code; generalized before export."),
        "age": (*_QI, "Quasi-identifier: age in years; generalized before export."),
        "age_band": (*_QI, "Quasi-identifier: age band."),
        "company_size": (*_QI, "Quasi-identifier: company size band."),
        "text_ct": (C.SURVEY_RESPONSE, P.ENCRYPTED, "Free text, e-mail or phone given."),
    },
)
classify(
    Invitation.__table__,  # type: ignore[arg-type]
    {
        "survey_id": (*_REF, "Survey."),
        "customer_id": (*_REF, "Invited customer."),
        "channel": (*_REF, "portal or email."),
        "invited_at": (*_REF, "Invited."),
    },
)
classify(
    OptOut.__table__,  # type: ignore[arg-type]
    {
        "customer_id": (*_REF, "Customer who opted out."),
        "opted_out_at": (*_REF, "When (for good)."),
    },
)
