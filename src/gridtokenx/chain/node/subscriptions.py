"""PubSub subscriptions: who is subscribed to what, and the notifications a commit produces.

Pure bookkeeping: connections are opaque hashable keys owned by the WebSocket adapter, which
calls ``drop`` when a connection closes so that nothing it subscribed to outlives it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from solders.account import Account
from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx.chain.node.accounts import AccountEncoding
from gridtokenx.chain.node.errors import RpcError, invalid_params
from gridtokenx.chain.node.ledger import Ledger, TransactionRecord
from gridtokenx.chain.node.outcomes import success_meta
from gridtokenx.chain.node.rpc import account_filter, parse_pubkey, parse_signature

Connection = Hashable
Notification = dict[str, object]

SUBSCRIBE_METHODS = {
    "accountSubscribe": "account",
    "logsSubscribe": "logs",
    "programSubscribe": "program",
    "signatureSubscribe": "signature",
}
UNSUBSCRIBE_METHODS = {
    "accountUnsubscribe": "account",
    "logsUnsubscribe": "logs",
    "programUnsubscribe": "program",
    "signatureUnsubscribe": "signature",
}
_NOTIFICATION_METHODS = {
    "account": "accountNotification",
    "logs": "logsNotification",
    "program": "programNotification",
    "signature": "signatureNotification",
}


@dataclass(frozen=True)
class Subscription:
    id: int
    connection: Connection
    kind: str
    key: Pubkey | Signature | None
    encoding: AccountEncoding
    matches: Callable[[bytes], bool]


def _notification(subscription: Subscription, slot: int, value: object) -> Notification:
    return {
        "jsonrpc": "2.0",
        "method": _NOTIFICATION_METHODS[subscription.kind],
        "params": {
            "result": {"context": {"slot": slot}, "value": value},
            "subscription": subscription.id,
        },
    }


class Subscriptions:
    def __init__(self) -> None:
        self._next_id = 0
        self._by_id: dict[int, Subscription] = {}
        self._by_connection: defaultdict[Connection, set[int]] = defaultdict(set)
        self._by_key: dict[str, defaultdict[object, set[int]]] = {
            kind: defaultdict(set) for kind in _NOTIFICATION_METHODS
        }

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def connection_count(self) -> int:
        return len(self._by_connection)

    def subscribe(self, connection: Connection, method: str, params: list[object]) -> int:
        """Register a subscription from a ``*Subscribe`` request; returns its id."""
        kind = SUBSCRIBE_METHODS[method]
        config = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
        first = params[0] if params else None
        key: Pubkey | Signature | None
        matches: Callable[[bytes], bool] = account_filter(None)
        if kind == "account":
            key = parse_pubkey(first)
        elif kind == "program":
            key = parse_pubkey(first, "program id")
            matches = account_filter(config.get("filters"))
        elif kind == "signature":
            key = parse_signature(first)
        elif first in ("all", "allWithVotes"):
            key = None
        elif isinstance(first, dict) and isinstance(first.get("mentions"), list):
            mentions = first["mentions"]
            if len(mentions) != 1:
                raise invalid_params("Invalid Request: Only 1 address supported")
            key = parse_pubkey(mentions[0], "mentions")
        else:
            raise invalid_params('logs filter must be "all", "allWithVotes" or {"mentions": [...]}')
        encoding = (
            AccountEncoding.from_config(config)
            if kind in ("account", "program")
            else (AccountEncoding())
        )
        self._next_id += 1
        subscription = Subscription(self._next_id, connection, kind, key, encoding, matches)
        self._by_id[subscription.id] = subscription
        self._by_connection[connection].add(subscription.id)
        self._by_key[kind][key].add(subscription.id)
        return subscription.id

    def unsubscribe(self, connection: Connection, method: str, params: list[object]) -> bool:
        kind = UNSUBSCRIBE_METHODS[method]
        subscription_id = params[0] if params else None
        subscription = (
            self._by_id.get(subscription_id) if isinstance(subscription_id, int) else None
        )
        if (
            subscription is None
            or subscription.connection != connection
            or (subscription.kind != kind)
        ):
            raise RpcError(-32602, "Invalid subscription id.")
        self._remove(subscription)
        return True

    def _remove(self, subscription: Subscription) -> None:
        del self._by_id[subscription.id]
        by_key = self._by_key[subscription.kind]
        ids = by_key[subscription.key]
        ids.discard(subscription.id)
        if not ids:
            del by_key[subscription.key]
        owned = self._by_connection[subscription.connection]
        owned.discard(subscription.id)
        if not owned:
            del self._by_connection[subscription.connection]

    def drop(self, connection: Connection) -> None:
        """Forget every subscription of a closed connection."""
        for subscription_id in list(self._by_connection.get(connection, ())):
            self._remove(self._by_id[subscription_id])

    def signature_done(
        self, subscription_id: int, record: TransactionRecord
    ) -> Notification | None:
        """The one notification of a signature subscription, which then ends (as on a real node).

        None if the subscription no longer exists.
        """
        subscription = self._by_id.get(subscription_id)
        if subscription is None:
            return None
        self._remove(subscription)
        return _notification(subscription, record.slot, {"err": record.err})

    def notifications(
        self, records: list[TransactionRecord], ledger: Ledger
    ) -> list[tuple[Connection, Notification]]:
        """Everything subscribers must hear about ``records``, which have just become durable."""
        out: list[tuple[Connection, Notification]] = []
        if not self._by_id:
            return out
        changed: dict[Pubkey, int] = {}
        signatures, logs = self._by_key["signature"], self._by_key["logs"]
        for record in records:
            for subscription_id in list(signatures.get(record.signature, ())):
                connection = self._by_id[subscription_id].connection
                notification = self.signature_done(subscription_id, record)
                if notification is not None:
                    out.append((connection, notification))
            if logs:
                interested = set(logs.get(None, ()))
                for key in record.transaction.message.account_keys:
                    interested.update(logs.get(key, ()))
                if interested:
                    meta_logs = _logs_of(record)
                    value = {
                        "signature": str(record.signature),
                        "err": record.err,
                        "logs": meta_logs,
                    }
                    for subscription_id in sorted(interested):
                        subscription = self._by_id[subscription_id]
                        out.append(
                            (
                                subscription.connection,
                                _notification(subscription, record.slot, value),
                            )
                        )
            for key in record.writable_keys:
                changed[key] = record.slot
        accounts, programs = self._by_key["account"], self._by_key["program"]
        if not accounts and not programs:
            return out
        for key, slot in changed.items():
            account = ledger.account(key) or Account.default()
            for subscription_id in sorted(accounts.get(key, ())):
                self._notify_account(out, subscription_id, slot, account, ledger, None)
            for subscription_id in sorted(programs.get(account.owner, ())):
                self._notify_account(out, subscription_id, slot, account, ledger, key)
        return out

    def _notify_account(
        self,
        out: list[tuple[Connection, Notification]],
        subscription_id: int,
        slot: int,
        account: Account,
        ledger: Ledger,
        program_account: Pubkey | None,
    ) -> None:
        subscription = self._by_id[subscription_id]
        if not subscription.matches(account.data):
            return
        try:
            encoded = subscription.encoding.encode(account, ledger.mint_decimals)
        except RpcError:
            return  # an encoding this account cannot take (base58 of large data): nothing to send
        value: object = (
            encoded
            if program_account is None
            else {"pubkey": str(program_account), "account": encoded}
        )
        out.append((subscription.connection, _notification(subscription, slot, value)))


def _logs_of(record: TransactionRecord) -> list[str]:
    return success_meta(record.outcome).logs()
