"""The root of every error GridTokenX raises on purpose.

Each component adds its own branch; the message of every error says what went wrong and what the
user can do about it::

    GridTokenXError
    ├── StackError                 gridtokenx.stack.errors: local services could not be managed
    │   ├── PrerequisiteError      a tool, package or resource the stack needs is missing
    │   ├── PortInUseError         a service's port is taken by a process the stack did not start
    │   ├── ServiceStartError      a service did not start or never became healthy
    │   └── UnknownServiceError    a service name that the stack does not declare
    ├── SchemaError                gridtokenx.db.errors: the schema could not be read or migrated
    │   ├── DatabaseUnavailableError  PostgreSQL could not be reached
    │   └── SchemaAheadError       the database is at a revision this checkout does not have
    ├── CoreError                  gridtokenx.core.errors: a unit, money, time or id rule is broken
    │   ├── InvalidAmountError     an amount is not an int or is outside its range
    │   │   ├── U64OverflowError   an operand or result is outside 0..2**64-1 (the on-chain u64)
    │   │   ├── FractionalWhError  a GXT amount is not a whole number of Wh
    │   │   └── InvalidFeeError    a fee is outside 0..10,000 basis points
    │   ├── AmountParseError       a decimal string is not a valid GXT/USDC amount or price
    │   ├── TimestampError         a timestamp is naive, not UTC, or out of range
    │   └── MeterIdError           a meter id is not a canonical UUID or 16 bytes, or is nil/max
    ├── ReadingFormatError         gridtokenx.telemetry.reading: bytes are not a valid reading
    │   ├── ReadingLengthError     a message is not exactly 56 bytes
    │   ├── ReadingDomainTagError  a message does not start with GRIDTOKENX:RDG:1
    │   └── ReadingRangeError      a field, key or signature is out of range or mis-sized
    ├── TelemetryError             gridtokenx.telemetry.errors: the ingestion pipeline failed
    │   ├── StorageUnavailableError  InfluxDB, PostgreSQL or Kafka failed a write (retried)
    │   └── InfluxRejectedError    InfluxDB refused points as invalid (a defect, not retried)
    ├── SimulatorError             gridtokenx.simulator.errors: the simulator was misused
    │   ├── FleetConfigError       a fleet, site, topology or clock setting is out of range
    │   ├── TickError              a tick does not follow the previous one or is too long
    │   ├── SimulatorStateError    gridtokenx.simulator.runner: a command the run's state forbids
    │   ├── UnknownMeterError      gridtokenx.simulator.runner: a meter id not in the fleet
    │   ├── FaultError             gridtokenx.simulator.faults: a fault rule that cannot apply
    │   └── MeterClashError        gridtokenx.simulator.commissioning: a new run's meter ids
    │                              already reported in an earlier run (choose another seed)
    ├── MarketError                gridtokenx.market.errors: the matching core was misused
    │   ├── MarketConfigError      a market setting (band, interval, start clock) is invalid
    │   ├── SnapshotError          a snapshot is malformed, of another version or inconsistent
    │   └── MatcherError           gridtokenx.market.service_errors: the matching service stopped
    │       ├── SnapshotStoreError       PostgreSQL did not answer a checkpoint read or write
    │       └── MatcherTransactionError  a Kafka transaction failed, or a newer process fenced it
    ├── WireFormatError            gridtokenx.market.wire: a record is not a valid message of its
    │                              market topic (its ``reason`` goes to the dead-letter headers)
    ├── ChainNodeError             gridtokenx.chain.node.errors: the local chain node failed
    │   ├── ChainStateError        the node's state directory is unreadable or incompatible
    │   └── RpcError               a request answered with a JSON-RPC error object
    ├── AnchorCodecError           gridtokenx.chain.anchor.errors: bytes are not the expected
    │                              account or instruction (Anchor discriminator + Borsh layout)
    ├── ProgramFailedError         gridtokenx.chain.anchor.program_errors: a program refused an
    │                              instruction with one of its declared error codes (code, logs)
    ├── TradingRequestError        gridtokenx.chain.trading.errors: a Trading instruction that
    │                              could never succeed (no fills, an unknown side) is not built
    ├── DeployError                gridtokenx.chain.deploy.errors: a program was not deployed
    │   ├── TransactionTooLargeError     a deploy transaction exceeds the 1,232-byte packet
    │   └── DeployTransactionFailedError the runtime rejected a deploy transaction
    ├── ChainClientError           gridtokenx.chain.client.errors: a request or transaction failed
    │   ├── ChainTransportError    the cluster was unreachable or did not answer JSON-RPC
    │   ├── ChainRpcError          the cluster answered with a JSON-RPC error object
    │   │   └── PreflightFailedError  sendTransaction's simulation refused it (-32002)
    │   ├── TransactionFailedError the transaction landed and failed (fee paid)
    │   ├── ConfirmationTimeoutError  not confirmed within chain.confirm_timeout_s
    │   └── BlockhashExpiredError  a signed transaction's blockhash expired before it landed
    ├── AddressesFileError         gridtokenx.chain.addresses: the chain is not bootstrapped
    ├── KeypairFileError           gridtokenx.chain.keys: a keypair file is missing or invalid
    ├── NotLocalNodeError          gridtokenx.chain.local_node: a local-only action (faucet)
    │                              aimed at a cluster with another genesis
    ├── BootstrapError             gridtokenx.chain.bootstrap: the cluster cannot be bootstrapped
    │   └── ProgramNotBuiltError   a program's .so is missing (`make programs`)
    ├── FaucetError                gridtokenx.chain.faucet: amounts out of range
    ├── MintingError               gridtokenx.minting.errors: the minting service cannot work
    │   ├── InvalidTransitionError a submission resolved twice (only pending ones move)
    │   └── MeterRegistrationError a simulated meter did not register, or its address holds
    │                              another fleet's meter on chain
    └── SbfError                   gridtokenx.sbf.errors: an on-chain program was not linked
        ├── ObjectFormatError      an input is not an ELF64 little-endian BPF relocatable object
        ├── WritableDataError      writable globals (.data, .bss, common), which SBPFv0 lacks
        ├── UnsupportedRelocationError  a relocation with no SBPFv0 meaning (e.g. ABS32)
        ├── UnknownSyscallError    a call to a name no object defines and no syscall has
        ├── UndefinedSymbolError   a data reference to a symbol no object defines
        ├── DuplicateSymbolError   two objects define the same global
        ├── MissingEntrypointError no global function `entrypoint`
        └── ForbiddenInstructionError  ALU32/JMP32 in the linked .text
"""

from __future__ import annotations


class GridTokenXError(Exception):
    """Base class of all deliberate GridTokenX errors; ``str(error)`` is for the user."""
