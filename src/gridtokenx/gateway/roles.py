"""Who may do what: the three roles and the rule that makes an account an operator.

The rule: an account is an ``operator`` when one of its wallets is listed in
``gateway.operator_wallets`` or, with ``gateway.operators_from_chain``, is the bootstrapped
chain's operator key (``addresses.json``: the Registry's operator authority, which co-signs meter
registrations). The rule is applied at every sign-in (an account signing in with such a wallet
is promoted). Every other new account starts as ``gateway.default_role``; roles are stored on
the account (``users.role``) and travel inside each access token.
"""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["prosumer", "consumer", "operator"]
ROLES: tuple[Role, ...] = get_args(Role)


def role_at_sign_in(
    *, current: Role | None, wallet: str, operators: frozenset[str], default: Role
) -> Role:
    """The account's role after ``wallet`` signed in (``current`` None: a new account)."""
    if wallet in operators:
        return "operator"
    return current if current is not None else default
