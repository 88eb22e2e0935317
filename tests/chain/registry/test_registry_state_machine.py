"""Any sequence of valid and invalid instructions keeps GXT supply equal to the verified exports.

Hypothesis drives a real Registry in LiteSVM with minting (single and batched, some readings
stale, forged, misdirected or from suspended meters) and operator actions; after every step the
chain must agree with a model that only counts readings the device signed and that advanced.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction_metadata import TransactionMetadata

from gridtokenx.chain.ed25519 import SignedMessage
from gridtokenx.chain.registry.accounts import MeterStatus
from gridtokenx.chain.registry.instructions import SetMeterStatus
from gridtokenx.chain.registry.pda import config_address, meter_address
from tests.utils.registry import Meter, RegistryHarness, sign_reading
from tests.utils.svm import build_program

WH = 1_000
PROGRAM: list[bytes] = []


@dataclass
class MeterModel:
    meter: Meter
    export_wh: int = 0
    import_wh: int = 0
    timestamp_ms: int = 0
    active: bool = True


FLAWS = ["none", "stale", "forged", "wrong_destination", "old_timestamp"]


class RegistryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.models: list[MeterModel] = []
        self.thief = Keypair()

    @initialize()
    def deploy(self) -> None:
        self.registry = RegistryHarness.deploy(PROGRAM[0])
        self.thief_account = self.registry.token_account(self.thief.pubkey())

    @precondition(lambda self: len(self.models) < 4)
    @rule(share_owner=st.booleans())
    def add_meter(self, share_owner: bool) -> None:
        owner = self.models[0].meter.owner if share_owner and self.models else None
        self.models.append(MeterModel(self.registry.new_meter(owner)))

    def _reading(
        self, model: MeterModel, flaw: str, export_step: int, import_step: int, time_step: int
    ) -> tuple[SignedMessage, bool]:
        export_wh = model.export_wh + export_step
        timestamp_ms = model.timestamp_ms + time_step
        device = model.meter.device
        if flaw == "stale":
            export_wh = model.export_wh
        elif flaw == "forged":
            device = Keypair()
        elif flaw == "old_timestamp":
            timestamp_ms = model.timestamp_ms
        signed = sign_reading(
            device, model.meter.meter_id, export_wh, model.import_wh + import_step, timestamp_ms
        )
        return signed, flaw == "none" and model.active

    @precondition(lambda self: bool(self.models))
    @rule(
        data=st.data(),
        batch=st.integers(1, 3),
    )
    def mint(self, data: st.DataObject, batch: int) -> None:
        chosen = [
            data.draw(st.sampled_from(range(len(self.models))), label="meter") for _ in range(batch)
        ]
        if len(set(chosen)) != len(chosen):
            chosen = sorted(set(chosen))
        readings = []
        all_valid = True
        steps = []
        for index in chosen:
            model = self.models[index]
            flaw = data.draw(st.sampled_from(FLAWS), label="flaw")
            export_step = data.draw(st.integers(1, 50_000), label="export_step")
            import_step = data.draw(st.integers(0, 5_000), label="import_step")
            time_step = data.draw(st.integers(1, 900_000), label="time_step")
            signed, valid = self._reading(model, flaw, export_step, import_step, time_step)
            destination = self.thief_account if flaw == "wrong_destination" else None
            readings.append((model.meter, signed, destination))
            all_valid = all_valid and valid and destination is None
            steps.append((model, export_step, import_step, time_step))
        destinations = {destination for _, _, destination in readings}
        instructions = self.registry.mint(
            [(meter, signed) for meter, signed, _ in readings],
            destination=self.thief_account if self.thief_account in destinations else None,
        )
        result = self.registry.send(instructions)
        assert isinstance(result, TransactionMetadata) == all_valid, result
        if all_valid:
            for model, export_step, import_step, time_step in steps:
                model.export_wh += export_step
                model.import_wh += import_step
                model.timestamp_ms += time_step

    @precondition(lambda self: bool(self.models))
    @rule(data=st.data())
    def toggle_status(self, data: st.DataObject) -> None:
        model = self.models[data.draw(st.sampled_from(range(len(self.models))))]
        status = MeterStatus.SUSPENDED if model.active else MeterStatus.ACTIVE
        instruction = SetMeterStatus(status=status).instruction(
            self.registry.program_id,
            {
                "config": config_address(self.registry.program_id)[0],
                "authority": self.registry.operator.pubkey(),
                "meter": meter_address(self.registry.program_id, model.meter.meter_id)[0],
            },
        )
        self.registry.expect_ok([instruction])
        model.active = not model.active

    @invariant()
    def supply_equals_verified_exports(self) -> None:
        if not hasattr(self, "registry"):
            return
        verified_wh = sum(model.export_wh for model in self.models)
        assert self.registry.supply() == verified_wh * WH
        assert self.registry.balance(self.thief_account) == 0
        per_account: dict[Pubkey, int] = {}
        for model in self.models:
            account = model.meter.token_account
            per_account[account] = per_account.get(account, 0) + model.export_wh * WH
            state = self.registry.meter_state(model.meter)
            assert (state.last_export_wh, state.minted_wh) == (model.export_wh, model.export_wh)
        for account, expected in per_account.items():
            assert self.registry.balance(account) == expected


@pytest.fixture(scope="module", autouse=True)
def _program() -> None:
    PROGRAM[:] = [build_program("registry")]


TestRegistryMachine = RegistryMachine.TestCase
TestRegistryMachine.settings = settings(
    max_examples=20,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
