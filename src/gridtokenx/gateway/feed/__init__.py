"""Public market data: the feed process and every gateway worker's copy of it.

The feed (``gridtokenx gateway feed``, :mod:`~.service`) reads the matcher's ``book-deltas`` and
``trades`` (read_committed) and keeps, per market, the aggregated book with the matcher's
sequence, the recent trades without counterparties, OHLCV candles (1m, 5m, 15m, 1h, 1d) and
24-hour statistics (the pure core: :mod:`~.state`, :mod:`~.views`, :mod:`~.candles`,
:mod:`~.stats`, :mod:`~.channels`). It keeps each channel's snapshot in Redis and publishes each
change on Redis pub/sub (:mod:`~.bus`). Each gateway worker follows them into memory
(:mod:`~.mirror`) and serves ``/v1/markets...`` and the ``/v1/ws`` WebSocket from there:
workers stay stateless and no public read queries a database.

The feed process also publishes the public ``grid`` channel (:mod:`~.grid_publisher`, document
in :mod:`~.grid_channel`). The private WebSocket channels live in the worker: ``user`` follows
the notifier's per-user events (:mod:`~.user_events`) over a PostgreSQL snapshot
(:mod:`~.user_snapshot`), ``meter:<id>`` polls InfluxDB (:mod:`~.private`).
"""
