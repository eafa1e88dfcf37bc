"""Survey results for staff: aggregates only, with small-cell suppression (P19).

No count between 1 and k-1 is ever shown (k = `survey_min_cell`, default 10). Where the
cells of a question add up to its total (one answer per respondent), further cells are
hidden until the hidden ones together reach k, so a hidden cell cannot be worked out by
subtraction. A survey with fewer than k responses shows nothing; a question answered
fewer than k times shows no breakdown. Free-text answers are shown, unattributed and
sorted, only from k answers on, and each one shown is recorded as a read of its author's
survey answers. E-mail and phone answers are counted, never shown.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.surveys import service as surveys
from imbplus.surveys.models import Answer, Question, Response, Survey
from imbplus.surveys.schemas import AGE_BANDS, COMPANY_SIZES, Kind, age_band_of

TABLE = "survey_answers"
MAX_VALUE_CELLS = 11  # a number question with at most this many values gets one cell each


@dataclass
class Cell:
    label: str
    count: int | None  # None: suppressed


@dataclass
class QuestionResult:
    question: Question
    answered: int | None  # None: fewer than k
    cells: list[Cell] = field(default_factory=list)
    median: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    threshold: int
    respondents: int | None  # None: fewer than k, nothing is shown
    questions: list[QuestionResult] = field(default_factory=list)


def suppress(counts: list[int], k: int, *, partition: bool) -> list[int | None]:
    """Hide every count in 1..k-1; for a partition hide more until the hidden sum >= k."""
    shown: list[int | None] = [None if 0 < c < k else c for c in counts]
    if not partition:
        return shown
    hidden = [i for i, c in enumerate(shown) if c is None]
    while hidden and sum(counts[i] for i in hidden) < k:
        rest = [i for i, c in enumerate(shown) if c is not None and c > 0]
        if not rest:
            break
        smallest = min(rest, key=lambda i: counts[i])
        shown[smallest] = None
        hidden.append(smallest)
    return shown


def _cells(labels: list[str], counter: Counter[str], k: int, partition: bool) -> list[Cell]:
    counts = [counter.get(label, 0) for label in labels]
    return [
        Cell(label, count)
        for label, count in zip(labels, suppress(counts, k, partition=partition), strict=True)
    ]


def _number_cells(question: Question, values: list[int], k: int) -> list[Cell]:
    low, high = question.min_value, question.max_value
    if low is None or high is None:
        return []
    if high - low + 1 <= MAX_VALUE_CELLS:
        labels = [str(n) for n in range(low, high + 1)]
        return _cells(labels, Counter(str(n) for n in values), k, partition=True)
    width = (high - low + 1 + 4) // 5
    edges = [(low + i * width, min(high, low + (i + 1) * width - 1)) for i in range(5)]
    edges = [(a, b) for a, b in edges if a <= high]
    labels = [f"{a}–{b}" for a, b in edges]
    counter: Counter[str] = Counter()
    for value in values:
        for (a, b), label in zip(edges, labels, strict=True):
            if a <= value <= b:
                counter[label] += 1
    return _cells(labels, counter, k, partition=True)


def _aggregate(question: Question, answers: list[Answer], k: int) -> QuestionResult:
    respondents = len({a.response_id for a in answers})
    if respondents < k:
        return QuestionResult(question, None)
    result = QuestionResult(question, respondents)
    kind = Kind(question.kind)
    if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
        by_option = Counter(str(a.option_id) for a in answers)
        counts = suppress(
            [by_option.get(str(o.id), 0) for o in question.options],
            k,
            partition=kind == Kind.SINGLE_CHOICE,
        )
        result.cells = [Cell(o.label, c) for o, c in zip(question.options, counts, strict=True)]
    elif kind == Kind.NUMBER:
        values = [a.number_value for a in answers if a.number_value is not None]
        result.cells = _number_cells(question, values, k)
        result.median = statistics.median(values)
    elif kind == Kind.AGE:
        ages = [a.age for a in answers if a.age is not None]
        result.cells = _cells(list(AGE_BANDS), Counter(map(age_band_of, ages)), k, True)
        result.median = statistics.median(ages)
    elif kind == Kind.AGE_BAND:
        bands = Counter(a.age_band for a in answers if a.age_band)
        result.cells = _cells(list(AGE_BANDS), bands, k, True)
    elif kind == Kind.COMPANY_SIZE:
        sizes = Counter(a.company_size for a in answers if a.company_size)
        result.cells = _cells(list(COMPANY_SIZES), sizes, k, True)
    elif kind == Kind.POSTAL_CODE:
        regions = Counter(f"{a.postal_code[:2]}-xxx" for a in answers if a.postal_code)
        result.cells = _cells(sorted(regions), regions, k, True)
    return result


def _texts(ctx: Context, answers: Iterable[tuple[Answer, Response]]) -> list[str]:
    """Decrypt free-text answers; the read is recorded against each author."""
    pairs = [(a, r) for a, r in answers if a.text_ct is not None]
    subjects = sorted({r.customer_id for _, r in pairs if r.customer_id})
    opened = ctx.reveal_rows(
        Answer,
        [a for a, _ in pairs],
        ("text_ct",),
        operation="survey.comments",
        subjects=[*subjects, None] if any(r.customer_id is None for _, r in pairs) else subjects,
    )
    return sorted((text for (text,) in opened), key=str.casefold)


def results(ctx: Context, survey_id: str) -> SurveyResults:
    ctx.check(Action.READ, {Category.SURVEY_RESPONSE}, operation="survey.results")
    survey = surveys.get(ctx.session, survey_id)
    k = ctx.platform.settings.survey_min_cell
    respondents = len(
        ctx.session.execute(select(Response.id).where(Response.survey_id == survey.id)).all()
    )
    if respondents < k:
        return SurveyResults(survey, k, None)
    rows = ctx.session.execute(
        select(Answer, Response)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_id == survey.id)
    ).all()
    by_question: dict[int, list[tuple[Answer, Response]]] = {}
    for answer, response in rows:
        by_question.setdefault(answer.question_id, []).append((answer, response))
    out = SurveyResults(survey, k, respondents)
    for question in survey.questions:
        pairs = by_question.get(question.id, [])
        result = _aggregate(question, [a for a, _ in pairs], k)
        if result.answered is not None and question.kind == Kind.FREE_TEXT:
            result.texts = _texts(ctx, pairs)
        out.questions.append(result)
    return out
