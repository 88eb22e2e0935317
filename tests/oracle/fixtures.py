"""Real PriceUpdateV2 account bytes (base64), as Solana RPC returned them, with their sources.

Found in public repositories through the stored code index (find_string on the discriminator's
base64 prefix ``IvEjY51+``); each is a test fixture there, quoted here as data:

- ``SOL_USD_MAINNET_FULL``: the account at ``7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE``, owner
  ``rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ``, 1 825 020 lamports (a LiteSVM test loading
  "sample pyth accounts"). That address is the SOL/USD push feed Pyth's docs list for Solana
  mainnet, and its write authority is the address itself, as the push oracle's PDAs are.
- ``SOL_USD_DEVNET_FULL``: "a real PriceUpdateV2 account, fetched from Solana devnet and owned by
  Pyth's own receiver program" (a Rust unit test; address not given).
- ``SOL_USD_PARTIAL``: a ``Partial { num_signatures: 2 }`` update of SOL/USD (Drift's test of its
  pull oracle accounts at ``BAtFj4kQttZRVep3UZS2aZRDixkGYgWsbqTBVDbnSsPF``).
"""

from __future__ import annotations

import base64

SOL_USD_FEED_ID = "ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d"
SOL_USD_PUSH_ADDRESS = "7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE"

SOL_USD_MAINNET_FULL = base64.b64decode(
    "IvEjY51+9M1gMUcENA3t3zcf1CRyFI8kjp0abRpesqw6zYt/1dayQwHvDYtv2izrpB2hXUCV0do5Kg0vjtDGx7wPTPr"
    "IwoC1bbLod+YDAAAA6QJ4AAAAAAD4////lZpJaAAAAACVmkloAAAAAMC2EeIDAAAALL2AAAAAAADcSaEUAAAAAAA="
)
SOL_USD_DEVNET_FULL = base64.b64decode(
    "IvEjY51+9M3eCjrdOHe3JwHpJGT50AGgyv4tF5TVDc11W4u4dPpIBQHvDYtv2izrpB2hXUCV0do5Kg0vjtDGx7wPTPr"
    "IwoC1baINgvYBAAAAEEhyAAAAAAD4////0jgRagAAAADSOBFqAAAAAAQ4EfcBAAAA2h2BAAAAAACfgawbAAAAAAA="
)
SOL_USD_PARTIAL = base64.b64decode(
    "IvEjY51+9M2XHQyryJjMHoB2Eq6pUa+Jj5v4KkT1g/vJZQFqePw+CgAC7w2Lb9os66QdoV1AldHaOSoNL47Qxse8D0z"
    "6yMKAtW2LxapyAwAAAAsOyAAAAAAA+P///6+cu2YAAAAAr5y7ZgAAAAAIoMNyAwAAABY0tgAAAAAA9zfkEAAAAAA="
)
