"""The gateway's routes as the tests see them: every (method, path, route) and its access rule."""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from gridtokenx.gateway.app import ROUTERS
from gridtokenx.gateway.deps import RoleCheck
from gridtokenx.gateway.roles import ROLES, Role


def api_routes() -> list[tuple[str, str, APIRoute]]:
    return [
        (method, route.path, route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
    ]


def depends_on(route: APIRoute, target: object) -> bool:
    return any(dependant.call is target for dependant in _dependants(route))


def allowed_roles(route: APIRoute) -> frozenset[Role]:
    """The roles the route's :class:`RoleCheck` admits (all roles for a route without one)."""
    checks = [d.call for d in _dependants(route) if isinstance(d.call, RoleCheck)]
    assert len(checks) <= 1, route.path
    return checks[0].roles if checks else frozenset(ROLES)


def _dependants(route: APIRoute) -> list[Dependant]:
    found: list[Dependant] = []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        found.append(dependant)
        pending.extend(dependant.dependencies)
    return found
