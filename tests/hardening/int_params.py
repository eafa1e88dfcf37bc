"""Every whole-number parameter of every route, found by walking the application: path,
query, header and form parameters and the int fields of JSON bodies, with the bounds their
schema declares. New routes are covered without being listed anywhere."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import FastAPI
from fastapi import params as fastapi_params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from pydantic.fields import FieldInfo

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class IntParam:
    method: str
    path: str  # the route's template, e.g. /api/v1/rights/requests/{request_id}/close
    where: str  # path | query | header | cookie | form | json
    loc: Loc  # the name, or the place inside a JSON body: ("lines", 0, "quantity")
    low: int | None
    high: int | None

    @property
    def name(self) -> str:
        return ".".join(str(part) for part in self.loc)


def _bounds(metadata: Sequence[Any]) -> tuple[int | None, int | None]:
    low: int | None = None
    high: int | None = None
    for item in metadata:
        if isinstance(item, FieldInfo):
            inner_low, inner_high = _bounds(item.metadata)
            low = inner_low if inner_low is not None else low
            high = inner_high if inner_high is not None else high
            continue
        if getattr(item, "ge", None) is not None:
            low = int(item.ge)
        if getattr(item, "gt", None) is not None:
            low = int(item.gt) + 1
        if getattr(item, "le", None) is not None:
            high = int(item.le)
        if getattr(item, "lt", None) is not None:
            high = int(item.lt) - 1
    return low, high


def _ints(annotation: Any, metadata: Sequence[Any], loc: Loc) -> Iterator[tuple[Loc, Any]]:
    """(place, bounds) of every int reachable from `annotation`."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        yield from _ints(args[0], [*metadata, *args[1:]], loc)
    elif annotation is int:
        yield loc, _bounds(metadata)
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _ints(arg, metadata, loc)
    elif origin in (list, tuple, set, frozenset, typing.Sequence):
        for arg in args:
            if arg is not Ellipsis:
                yield from _ints(arg, [], (*loc, 0))
    elif inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            yield from _ints(field.annotation, field.metadata, (*loc, field.alias or name))


def _where(kind: str, field_info: FieldInfo) -> str:
    if kind != "body":
        return kind
    return "form" if isinstance(field_info, fastapi_params.Form) else "json"


def _walk(dependant: Dependant) -> Iterator[tuple[str, Loc, Any]]:
    embed = len(dependant.body_params) > 1
    for kind in ("path", "query", "header", "cookie", "body"):
        for param in getattr(dependant, f"{kind}_params"):
            info = param.field_info
            where = _where(kind, info)
            nested = where == "json" and not embed and not getattr(info, "embed", False)
            start: Loc = () if nested else (param.alias,)
            for loc, bounds in _ints(info.annotation, info.metadata, start):
                yield where, loc, bounds
    for sub in dependant.dependencies:
        yield from _walk(sub)


def int_params(app: FastAPI) -> list[IntParam]:
    found: list[IntParam] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path is None:
            continue
        method = sorted((context.methods or {"GET"}) - {"HEAD"})[0]
        for where, loc, (low, high) in _walk(route.dependant):
            found.append(IntParam(method, context.path, where, loc, low, high))
    return found
