"""Notifications: platform events → per-user events, in-app notifications and e-mail.

The notifier (`gridtokenx notifier run`, stack service ``notifier``, metrics on 9109) follows
the changes that the triggers of migration ``0012_notifications`` record for wallets linked to
accounts — the indexer's order mirror (``chain_orders``), the settlement ledger
(``settlement_trades``) and the mint ledger (``mint_submissions``) — with a durable cursor in
PostgreSQL, and for each change and party that is a user:

* publishes a per-user event on Redis ``gtx:user:<uuid>`` (contract and fields:
  :mod:`~gridtokenx.notifications.events`), exactly once (:mod:`~.channel`, :mod:`~.service`);
* writes an in-app notification (order filled, trade settled, tokens minted) unless the user's
  preferences turn it off, exactly once with the cursor (:mod:`~.store`);
* e-mails a verified address when the preferences allow (at least once; see :mod:`~.service`).

Modules: ``events`` (kinds, channels, defaults), ``core`` (pure decisions), ``channel`` (Redis
publish), ``smtp`` (sending, shared with the gateway), ``store`` (PostgreSQL), ``service`` (the
loop), ``app``/``cli`` (the process), ``metrics``, ``errors``. The gateway writes the security
notifications itself (``gridtokenx.gateway.security_events``).
"""
