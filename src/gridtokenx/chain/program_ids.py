"""Program addresses of the local chain.

On the local node the programs are deployed at addresses derived from a public seed, so every
checkout, test and IDL agrees on them without a key file. Anyone can derive these keypairs:
on a public cluster, deploy with keypairs of your own and pass their addresses instead.
"""

from __future__ import annotations

import hashlib

from solders.keypair import Keypair
from solders.pubkey import Pubkey

REGISTRY = "registry"
TRADING = "trading"


def local_program_keypair(program_name: str) -> Keypair:
    seed = hashlib.sha256(f"gridtokenx:local-program:{program_name}:v1".encode()).digest()
    return Keypair.from_seed(seed)


def local_program_id(program_name: str) -> Pubkey:
    return local_program_keypair(program_name).pubkey()
