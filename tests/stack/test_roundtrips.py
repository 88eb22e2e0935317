"""A real round trip through each service of the running stack."""

from __future__ import annotations

import time
import uuid

import httpx
import psycopg
import pytest
import redis
from confluent_kafka import Consumer, KafkaError, Message, Producer, TopicPartition

from gridtokenx.config import Settings
from gridtokenx.stack.services.influxdb import READINGS_RETENTION_POLICY
from gridtokenx.stack.topics import METER_READINGS

pytestmark = pytest.mark.integration


def test_postgres_insert_then_select(running_stack: Settings) -> None:
    with psycopg.connect(running_stack.postgres.url) as connection:
        connection.execute("CREATE TEMPORARY TABLE probe (meter_id uuid, energy_wh bigint)")
        meter_id = uuid.uuid4()
        connection.execute("INSERT INTO probe VALUES (%s, %s)", (meter_id, 1_234_567))
        row = connection.execute("SELECT meter_id, energy_wh FROM probe").fetchone()
    assert row == (meter_id, 1_234_567)


def test_redis_set_get_and_pubsub(running_stack: Settings) -> None:
    client = redis.Redis.from_url(running_stack.redis.url)
    key = f"test:{uuid.uuid4()}"
    try:
        client.set(key, b"42", ex=60)
        assert client.get(key) == b"42"
        subscriber = client.pubsub()  # type: ignore[no-untyped-call]
        subscriber.subscribe(key)
        assert subscriber.get_message(timeout=2.0) is not None  # the subscribe confirmation
        assert client.publish(key, b"hello") == 1
        message = subscriber.get_message(timeout=2.0)
        assert message is not None
        assert message["data"] == b"hello"
        subscriber.close()
    finally:
        client.delete(key)
        client.close()


def test_kafka_produce_consume_on_meter_readings(running_stack: Settings) -> None:
    bootstrap = running_stack.kafka.bootstrap_servers
    key = str(uuid.uuid4()).encode()
    value = uuid.uuid4().bytes
    delivered: list[Message] = []

    def on_delivery(error: KafkaError | None, message: Message) -> None:
        assert error is None, error
        delivered.append(message)

    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    producer.produce(METER_READINGS, key=key, value=value, on_delivery=on_delivery)
    assert producer.flush(10.0) == 0
    (sent,) = delivered
    partition, offset = sent.partition(), sent.offset()
    assert partition is not None
    assert offset is not None
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"test-{uuid.uuid4()}"})
    try:
        consumer.assign([TopicPartition(METER_READINGS, partition, offset)])
        deadline = time.monotonic() + 10.0
        received = None
        while received is None and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None and message.key() == key:
                received = message
    finally:
        consumer.close()
    assert received is not None
    assert received.value() == value
    metadata = Producer({"bootstrap.servers": bootstrap}).list_topics(METER_READINGS, timeout=5)
    assert len(metadata.topics[METER_READINGS].partitions) >= 6


def test_influxdb_line_protocol_write_then_influxql_query(running_stack: Settings) -> None:
    influx = running_stack.influx
    meter = uuid.uuid4().hex
    timestamp_ns = time.time_ns()
    with httpx.Client(base_url=influx.url, timeout=5.0) as client:
        written = client.post(
            "/write",
            params={"db": influx.database, "rp": READINGS_RETENTION_POLICY},
            content=f"probe,meter={meter} export_wh=1500i,import_wh=20i {timestamp_ns}".encode(),
        )
        assert written.status_code == 204, written.text
        answer = client.get(
            "/query",
            params={
                "db": influx.database,
                "q": f"SELECT export_wh, import_wh FROM {READINGS_RETENTION_POLICY}.probe "
                f"WHERE meter = '{meter}'",
                "epoch": "ns",
            },
        ).json()
    series = answer["results"][0]["series"][0]
    assert series["columns"] == ["time", "export_wh", "import_wh"]
    assert series["values"] == [[timestamp_ns, 1500, 20]]
