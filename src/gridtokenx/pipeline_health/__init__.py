"""Pipeline health in one document, read by the gateway (``GET /v1/operator/pipeline/health``)
and the pipeline exporter (``gridtokenx pipeline export``, Prometheus gauges): Kafka consumer
lag per group, dead-letter counts, ingest and mint rates, the settlement backlog, and the
chain's slot and health.

Where each figure comes from:

* **Consumer lag** per partition = end offset (Kafka high watermark) minus the group's next
  offset. The matcher (``market.consumer_group`` on ``order-commands``) and settlement
  (``settlement.consumer_group`` on ``trades``) commit to Kafka; ingestion
  (``telemetry.consumer_group`` on ``meter-readings``) stores its next offsets in PostgreSQL
  (``ingest_offsets``, committed with the rows they produced), so its lag is read there. A
  partition never committed counts from its low watermark. Transactional producers leave a
  commit marker after each transaction, which occupies one offset: an idle, fully caught-up
  transactional topic shows a lag of at most one per partition.
* **Dead letters**: records each dead-letter topic holds (high minus low watermark, so records
  removed by retention are not counted).
* **Ingest**: readings produced to ``meter-readings`` in the window (Kafka's offsets at the
  window's start time, ``offsets_for_times``) and meters whose watermark moved in the window
  (``meter_watermarks.updated_at``); **mint**: confirmed mint submissions and their Wh in the
  window (``mint_submissions.resolved_at``).
* **Settlement backlog**: ``settlement_trades`` pending and submitted, with the oldest pending
  trade's age.
* **Chain**: ``getSlot`` and ``getHealth`` of the configured cluster.

Each section that cannot be read carries ``error`` instead of failing the whole document.

Modules: :mod:`.core` (groups and lag, pure), :mod:`.kafka_probe` (Kafka), :mod:`.reader`
(the document).
"""

from gridtokenx.pipeline_health.core import GroupSpec, partition_lag, pipeline_groups
from gridtokenx.pipeline_health.kafka_probe import KafkaProbe
from gridtokenx.pipeline_health.reader import pipeline_health

__all__ = ["GroupSpec", "KafkaProbe", "partition_lag", "pipeline_groups", "pipeline_health"]
