"""Apache Kafka in KRaft mode (one combined broker and controller), resolved from Maven Central.

The broker's jars are copied by Maven into the cache folder once per version; the broker runs
from them with the JDK alone, logging through log4j2 to its log file.
"""

from __future__ import annotations

import base64
import re
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

from confluent_kafka import (
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewPartitions, NewTopic

from gridtokenx.stack.errors import HealthCheckFailed, PrerequisiteError, ServiceStartError
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort
from gridtokenx.stack.topics import STACK_HEALTH, declared_topics

_LOG4J_VERSION = "2.25.4"
_MIN_JAVA_MAJOR = 17
_TIMEOUT_S = 10.0
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.gridtokenx.stack</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>{kafka}</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>{kafka}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>
      <version>{kafka}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version>
    </dependency>
  </dependencies>
</project>
"""
_LOG4J2_PROPERTIES = """status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
"""


class KafkaService(Service):
    name = "kafka"
    version = "4.3"

    @property
    def runtime_dir(self) -> Path:
        return self.settings.cache_dir / f"kafka-{self.settings.kafka.version}"

    @property
    def classpath(self) -> str:
        return str(self.runtime_dir / "lib" / "*")

    @property
    def properties_path(self) -> Path:
        return self.home / "server.properties"

    def ports(self) -> list[ServicePort]:
        kafka = self.settings.kafka
        return [
            ServicePort("broker", kafka.host, kafka.port, "GRIDTOKENX_KAFKA__PORT"),
            ServicePort(
                "controller", kafka.host, kafka.controller_port, "GRIDTOKENX_KAFKA__CONTROLLER_PORT"
            ),
        ]

    def prepare(self) -> None:
        self._check_java()
        self._resolve_jars()
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_config()
        if not (self.home / "data" / "meta.properties").exists():
            self._format_storage()

    def _check_java(self) -> None:
        java = self.settings.stack.java_bin
        fix = (
            "install OpenJDK 17 (`apt-get install openjdk-17-jre-headless`) "
            "or point GRIDTOKENX_STACK__JAVA_BIN at a Java 17+ binary"
        )
        if shutil.which(java) is None:
            raise PrerequisiteError(
                f"kafka needs Java {_MIN_JAVA_MAJOR}+ but {java!r} was not found: {fix}"
            )
        result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
        match = re.search(r'version "(\d+)', result.stderr)
        if match is None or int(match.group(1)) < _MIN_JAVA_MAJOR:
            raise PrerequisiteError(
                f"kafka needs Java {_MIN_JAVA_MAJOR}+ but {java!r} reports "
                f"{result.stderr.strip().splitlines()[:1]}: {fix}"
            )

    def _resolve_jars(self) -> None:
        marker = self.runtime_dir / "lib" / ".complete"
        if marker.exists():
            return
        maven = self.settings.stack.maven_bin
        if shutil.which(maven) is None:
            raise PrerequisiteError(
                f"kafka's jars come from Maven Central but {maven!r} was not found: "
                "install Maven (`apt-get install maven`) or set GRIDTOKENX_STACK__MAVEN_BIN"
            )
        shutil.rmtree(self.runtime_dir / "lib", ignore_errors=True)
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        (self.runtime_dir / "pom.xml").write_text(
            _POM.format(kafka=self.settings.kafka.version, log4j=_LOG4J_VERSION)
        )
        result = subprocess.run(
            [
                maven,
                "-B",
                "-q",
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                "-DoutputDirectory=lib",
            ],
            cwd=self.runtime_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            errors = [line for line in result.stdout.splitlines() if "[ERROR]" in line]
            cause = errors[0] if errors else result.stderr.strip() or f"exit {result.returncode}"
            shutil.rmtree(self.runtime_dir / "lib", ignore_errors=True)
            raise PrerequisiteError(
                f"kafka {self.settings.kafka.version}: Maven could not resolve the broker's jars: "
                f"{cause} (check the network and GRIDTOKENX_KAFKA__VERSION, then retry)"
            )
        marker.write_text(self.settings.kafka.version)

    def _write_config(self) -> None:
        kafka = self.settings.kafka
        (self.home / "log4j2.properties").write_text(_LOG4J2_PROPERTIES)
        self.properties_path.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@{kafka.host}:{kafka.controller_port}",
                    f"listeners=PLAINTEXT://{kafka.host}:{kafka.port},"
                    f"CONTROLLER://{kafka.host}:{kafka.controller_port}",
                    f"advertised.listeners=PLAINTEXT://{kafka.host}:{kafka.port}",
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    f"log.dirs={self.home / 'data'}",
                    "num.partitions=1",
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "",
                ]
            )
        )

    def _java_argv(self, main_class: str, *args: str, heap_mb: int) -> tuple[str, ...]:
        return (
            self.settings.stack.java_bin,
            f"-Xmx{heap_mb}m",
            f"-Dlog4j2.configurationFile={self.home / 'log4j2.properties'}",
            "-cp",
            self.classpath,
            main_class,
            *args,
        )

    def _format_storage(self) -> None:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        argv = self._java_argv(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            cluster_id,
            "-c",
            str(self.properties_path),
            heap_mb=256,
        )
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            shutil.rmtree(self.home / "data", ignore_errors=True)
            raise ServiceStartError(
                f"kafka: formatting storage failed: {result.stdout}{result.stderr}"
            )

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=self._java_argv(
                "kafka.Kafka", str(self.properties_path), heap_mb=self.settings.kafka.heap_mb
            ),
            cwd=self.home,
            env=self._base_env(),
        )

    def _client_config(self) -> dict[str, str | int | float | bool]:
        # librdkafka would print every refused connection to stderr; failures reach the user
        # through the health check's own message instead.
        return {"bootstrap.servers": self.settings.kafka.bootstrap_servers, "log_level": 2}

    def _admin(self) -> AdminClient:
        return AdminClient(self._client_config())

    def check_ready(self) -> None:
        kafka = self.settings.kafka
        try:
            socket.create_connection((kafka.host, kafka.port), timeout=1.0).close()
        except OSError as exc:
            raise HealthCheckFailed(f"kafka: broker port {kafka.port}: {exc}") from exc
        try:
            metadata = self._admin().list_topics(timeout=2.0)
        except KafkaException as exc:
            raise HealthCheckFailed(f"kafka: {exc}") from exc
        if not metadata.brokers:
            raise HealthCheckFailed("kafka: no broker in the cluster metadata yet")

    def provision(self) -> None:
        admin = self._admin()
        existing = admin.list_topics(timeout=_TIMEOUT_S).topics
        to_create = []
        to_grow = []
        for topic in declared_topics(self.settings.kafka):
            if topic.name not in existing:
                to_create.append(NewTopic(topic.name, topic.partitions, 1, config=topic.config))
            elif len(existing[topic.name].partitions) < topic.partitions:
                to_grow.append(NewPartitions(topic.name, topic.partitions))
        futures = {}
        if to_create:
            futures.update(admin.create_topics(to_create, request_timeout=_TIMEOUT_S))
        if to_grow:
            futures.update(admin.create_partitions(to_grow, request_timeout=_TIMEOUT_S))
        for topic_name, future in futures.items():
            try:
                future.result()
            except KafkaException as exc:
                raise ServiceStartError(f"kafka: creating topic {topic_name}: {exc}") from exc

    def check_health(self) -> None:
        """Produce a unique message to the health topic and read that very message back."""
        token = uuid.uuid4().bytes
        delivered: list[int] = []
        errors: list[str] = []

        def on_delivery(error: KafkaError | None, message: Message) -> None:
            offset = message.offset()
            if error is not None or offset is None:
                errors.append(str(error))
            else:
                delivered.append(offset)

        producer = Producer({**self._client_config(), "message.timeout.ms": 5000})
        producer.produce(STACK_HEALTH, value=token, partition=0, on_delivery=on_delivery)
        producer.flush(_TIMEOUT_S)
        if not delivered:
            raise HealthCheckFailed(f"kafka: produce failed: {errors or 'no delivery report'}")
        consumer = Consumer(
            {
                **self._client_config(),
                "group.id": "stack-health",
                "enable.auto.commit": False,
            }
        )
        try:
            consumer.assign([TopicPartition(STACK_HEALTH, 0, delivered[0])])
            deadline = time.monotonic() + _TIMEOUT_S
            while time.monotonic() < deadline:
                message = consumer.poll(0.5)
                if message is not None and message.error() is None and message.value() == token:
                    return
            raise HealthCheckFailed("kafka: produced message was not consumed back in time")
        finally:
            consumer.close()
