"""API Gateway's resource matching for the template's `Type: Api` events: literal segments before
`{name}`, `{name}` before the greedy `{proxy+}`, a method before ANY."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from ebox_local.model import ApiRoute


@dataclass(frozen=True)
class Match:
    route: ApiRoute
    path_parameters: dict[str, str] | None


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _match_path(template: str, path: str) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """A sort key (lower is more specific) and the path parameters, or None."""
    wanted, given = _segments(template), _segments(path)
    parameters: dict[str, str] = {}
    rank: list[int] = []
    for index, segment in enumerate(wanted):
        if segment.startswith("{") and segment.endswith("+}"):
            if index >= len(given):
                return None
            parameters[segment[1:-2]] = unquote("/".join(given[index:]))
            return (*rank, 2), parameters
        if index >= len(given):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            parameters[segment[1:-1]] = unquote(given[index])
            rank.append(1)
        elif segment == given[index]:
            rank.append(0)
        else:
            return None
    return ((*rank, 0), parameters) if len(wanted) == len(given) else None


def match_route(routes: Iterable[ApiRoute], method: str, path: str) -> Match | None:
    """As API Gateway routes: the most specific resource first, then its method (a method before ANY). A
    resource that lacks the method does not hand the request to a less specific one (`POST /oauth/jwks` is not
    `/{proxy+}`'s): None, API Gateway's MISSING_AUTHENTICATION_TOKEN."""
    candidates = []
    for route in routes:
        found = _match_path(route.path, path)
        if found is not None:
            key, parameters = found
            candidates.append((key, route, parameters))
    if not candidates:
        return None
    best = min(key for key, _, _ in candidates)
    resource = [(route, parameters) for key, route, parameters in candidates if key == best
                and route.method in ("ANY", method.upper())]
    if not resource:
        return None
    route, parameters = min(resource, key=lambda c: c[0].method == "ANY")
    return Match(route, parameters or None)
