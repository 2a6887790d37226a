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
    candidates = []
    for route in routes:
        if route.method not in ("ANY", method.upper()):
            continue
        found = _match_path(route.path, path)
        if found is not None:
            key, parameters = found
            candidates.append((key, route.method == "ANY", route, parameters))
    if not candidates:
        return None
    _, _, route, parameters = min(candidates, key=lambda c: (c[0], c[1]))
    return Match(route, parameters or None)
