"""Programs the local node loads at fixed addresses when it starts, as
``solana-test-validator --bpf-program ADDRESS FILE`` does.

The upgradeable loader deploys a program only at an address whose keypair signs, and nobody here
holds the key of Pyth's receiver (``rec5EK…``); yet a reader that works unchanged on the local
node and on devnet needs PriceUpdateV2 accounts owned by exactly that id. So the node places
``pyth_local.so`` there itself (LiteSVM ``add_program``: an executable account of the BPF loader)
before it replays its log. Like genesis accounts it is not a transaction: the log replays against
the program file present at start, which ``make programs`` builds. A missing file is skipped:
bootstrap then reports that the local prices are unavailable.
"""

from __future__ import annotations

from pathlib import Path

from solders.pubkey import Pubkey

from gridtokenx.config import ChainSettings

CHECKOUT_PROGRAM_DIR = Path(__file__).resolve().parents[4] / "build" / "programs"
FIXED_ADDRESS_PROGRAMS: dict[str, str] = {
    "rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ": "pyth_local",
}
"""Address → program name (``<program_dir>/<name>.so``)."""


def genesis_programs(settings: ChainSettings) -> dict[Pubkey, bytes]:
    program_dir = settings.program_dir or CHECKOUT_PROGRAM_DIR
    found = {}
    for address, name in FIXED_ADDRESS_PROGRAMS.items():
        path = program_dir / f"{name}.so"
        if path.exists():
            found[Pubkey.from_string(address)] = path.read_bytes()
    return found
