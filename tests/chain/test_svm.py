from __future__ import annotations

import math

import numpy as np
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.transaction import Transaction
from spl.token.instructions import create_associated_token_account

from gridtokenx.chain.svm import execute
from tests.utils.registry import RegistryHarness
from tests.utils.svm import build_program


def _create_token_account(svm: LiteSVM, payer: Keypair, mint: Keypair) -> Transaction:
    svm.expire_blockhash()
    return Transaction.new_signed_with_payer(
        [create_associated_token_account(payer.pubkey(), Keypair().pubkey(), mint.pubkey())],
        payer.pubkey(),
        [payer],
        svm.latest_blockhash(),
    )


def test_floats_stay_correct_after_transactions() -> None:
    registry = RegistryHarness.deploy(build_program("registry"))
    svm, payer = registry.svm, registry.operator
    mint = Keypair()
    registry.expect_ok(registry.create_mint(mint, payer.pubkey()), [mint])
    for _ in range(3):
        result = execute(svm, _create_token_account(svm, payer, mint))
        assert result.__class__.__name__ == "TransactionMetadata"
        assert math.fmod(3.0, 360.0) == 3.0
        assert float(np.float64(370.0) % 360.0) == 10.0
