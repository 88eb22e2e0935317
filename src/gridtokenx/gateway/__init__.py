"""The API gateway: the one HTTP door of the platform for people and web apps.

FastAPI under ``/v1``, served by granian (or hypercorn) over HTTP/1.1 and HTTP/2. Users sign in
with a Solana wallet (Sign-In With Solana, ``siws``); there are no passwords and the gateway
never holds a user's key. Modules, one job each:

* ``siws`` (pure): the sign-in message format, its parser and every check of a sign-in.
* ``tokens`` (pure): access tokens (JWT HS256) and refresh-token helpers; ``roles`` (pure).
* ``store`` (Redis): single-use nonces, sessions, refresh-token rotation and reuse detection.
* ``repository`` (PostgreSQL via SQLAlchemy async/asyncpg): users, wallets, e-mail tokens.
* ``auth_service``, ``account_service``: the rules, over the adapters; ``mailer`` (SMTP).
* ``app``, ``routes/``, ``deps``, ``handlers``, ``middleware``, ``logs``: the HTTP surface.
* ``order_rules``, ``order_transactions`` (pure), ``order_chain`` (cluster),
  ``order_repository`` (the mirrors), ``order_service``: orders without custody.
* ``notification_repository``, ``notification_schemas``, ``routes/notifications``: in-app
  notifications and preferences; ``security_events``: the sign-in and refresh-reuse hook.
* ``server``, ``cli``: ``gridtokenx gateway serve``.
"""

from gridtokenx.gateway.app import create_app

__all__ = ["create_app"]
