"""Typed dependencies of the routes: the worker's context and the caller's identity and role.

Every route names its access with one of these aliases: ``Caller`` (any signed-in account),
``OperatorCaller`` (operators only) or, for the few public routes, none (they are listed in
``PUBLIC_ROUTES`` and a test checks that no other route goes without one).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.errors import AuthenticationError, ForbiddenError
from gridtokenx.gateway.roles import Role

PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/v1/health"),
        ("GET", "/v1/version"),
        ("POST", "/v1/auth/nonce"),
        ("POST", "/v1/auth/sign-in"),
        ("POST", "/v1/auth/refresh"),
        ("POST", "/v1/auth/sign-out"),
        ("POST", "/v1/me/email/verify"),
        ("POST", "/v1/readings/batch"),
        ("GET", "/v1/grid/topology"),
        ("GET", "/v1/grid/zones/live"),
        ("GET", "/v1/markets"),
        ("GET", "/v1/markets/{market}/book"),
        ("GET", "/v1/markets/{market}/trades"),
        ("GET", "/v1/markets/{market}/candles"),
        ("GET", "/v1/markets/{market}/stats"),
        ("GET", "/v1/markets/{market}/auction"),
    }
)
"""Routes without an access token: sign-in itself, health, the e-mail link (whose
single-use token is the credential), field meters' readings (each device signature is the
credential), the public, per-zone grid views (a token there only adds the caller's meters) and
the public market data (``/v1/markets...``; the ``/v1/ws`` WebSocket accepts anyone, and its
private channels need the access token in an ``auth`` message: see ``routes/ws.py``)."""

_bearer = HTTPBearer(auto_error=False, description="The access token from /v1/auth/sign-in")


# async, like every dependency here: FastAPI runs a plain ``def`` dependency in its thread pool,
# a thread hop on every request.
async def get_context(request: Request) -> GatewayContext:
    context: GatewayContext = request.app.state.context
    return context


ContextDep = Annotated[GatewayContext, Depends(get_context)]


async def current_principal(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("this route needs 'Authorization: Bearer <access token>'")
    return await context.auth.authenticate(credentials.credentials)


class RoleCheck:
    """The dependency that admits a signed-in caller only in one of ``roles``."""

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles

    async def __call__(
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if principal.role not in self.roles:
            raise ForbiddenError(
                f"this route is for {', '.join(sorted(self.roles))}; this account is a "
                f"{principal.role}",
                {"required": sorted(self.roles), "role": principal.role},
            )
        return principal


def require_role(*roles: Role) -> RoleCheck:
    return RoleCheck(frozenset(roles))


Caller = Annotated[Principal, Depends(require_role("prosumer", "consumer", "operator"))]
OperatorCaller = Annotated[Principal, Depends(require_role("operator"))]
