"""The indexer's Kafka side: a transactional (hence idempotent) producer of ``order-commands``.

Records are keyed by market, so a market's commands share a partition and keep the order they
were produced in. Each batch's commands are one Kafka transaction: the matcher reads
``read_committed``, so it sees all of a batch or none of it. That rules out the gap an
idempotent producer alone can leave when a record times out while a later one of the same
partition is written: after a restart the lost command would be produced again behind a later
slot, and the matcher refuses a command older than the market's last slot. The transactional id
(``indexer.instance_id``) also fences an older process still running with the same id.

``publish`` returns only when the transaction is committed, or raises CommandPublishError with
nothing of the batch visible; the caller advances its cursor only after it returned.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from confluent_kafka import KafkaError, KafkaException, Producer

from gridtokenx.config import KafkaSettings
from gridtokenx.indexer.decoder import ChainCommand
from gridtokenx.indexer.errors import CommandPublishError
from gridtokenx.market.wire import encode_command


class CommandProducer:
    def __init__(
        self,
        kafka: KafkaSettings,
        topic: str,
        *,
        transactional_id: str,
        transaction_timeout_ms: int,
        linger_ms: int,
    ) -> None:
        self.topic = topic
        self._timeout_s = transaction_timeout_ms / 1000 + 5
        self._producer = Producer(
            {
                "bootstrap.servers": kafka.bootstrap_servers,
                "transactional.id": transactional_id,
                "enable.idempotence": True,
                "transaction.timeout.ms": transaction_timeout_ms,
                "linger.ms": linger_ms,
            }
        )
        try:
            self._producer.init_transactions(self._timeout_s)
        except KafkaException as exc:
            raise CommandPublishError(
                f"Kafka transactions unavailable for {transactional_id}: {exc}; check that Kafka "
                "is up (`gridtokenx stack status`)"
            ) from exc

    def publish(self, commands: Sequence[ChainCommand]) -> None:
        """Produce ``commands`` in order in one transaction and commit it."""
        producer = self._producer
        try:
            producer.begin_transaction()
            for command in commands:
                while True:
                    try:
                        producer.produce(
                            self.topic, key=command.market.encode(), value=encode_command(command)
                        )
                        break
                    except BufferError:
                        producer.poll(0.1)  # the local queue is full: let it drain
            producer.commit_transaction(self._timeout_s)
        except KafkaException as exc:
            self._abort(exc)
            raise CommandPublishError(
                f"a transaction of {len(commands)} commands on {self.topic} failed: {exc}; "
                "nothing of it is visible and the cursor was not advanced"
            ) from exc

    def _abort(self, cause: KafkaException) -> None:
        error = cause.args[0] if cause.args else None
        if isinstance(error, KafkaError) and error.fatal():
            return  # a fenced producer cannot abort; its transaction is aborted already
        # If aborting fails too, the broker aborts it at its timeout; the caller stops anyway.
        with contextlib.suppress(KafkaException):
            self._producer.abort_transaction(self._timeout_s)

    def close(self) -> None:
        self._producer.flush(self._timeout_s)
