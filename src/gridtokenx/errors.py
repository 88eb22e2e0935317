"""The root of every error GridTokenX raises on purpose.

Each component adds its own branch; the message of every error says what went wrong and what the
user can do about it::

    GridTokenXError
    ├── StackError                 gridtokenx.stack.errors: local services could not be managed
    │   ├── PrerequisiteError      a tool, package or resource the stack needs is missing
    │   ├── PortInUseError         a service's port is taken by a process the stack did not start
    │   ├── ServiceStartError      a service did not start or never became healthy
    │   └── UnknownServiceError    a service name that the stack does not declare
    ├── CoreError                  gridtokenx.core.errors: a unit, money, time or id rule is broken
    │   ├── InvalidAmountError     an amount is not an int or is outside its range
    │   │   ├── U64OverflowError   an operand or result is outside 0..2**64-1 (the on-chain u64)
    │   │   ├── FractionalWhError  a GXT amount is not a whole number of Wh
    │   │   └── InvalidFeeError    a fee is outside 0..10,000 basis points
    │   ├── AmountParseError       a decimal string is not a valid GXT/USDC amount or price
    │   ├── TimestampError         a timestamp is naive, not UTC, or out of range
    │   └── MeterIdError           a meter id is not a canonical UUID or 16 bytes, or is nil/max
    └── ChainNodeError             gridtokenx.chain.node.errors: the local chain node failed
        ├── ChainStateError        the node's state directory is unreadable or incompatible
        └── RpcError               a request answered with a JSON-RPC error object
"""

from __future__ import annotations


class GridTokenXError(Exception):
    """Base class of all deliberate GridTokenX errors; ``str(error)`` is for the user."""
