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
    ├── AgentsError                gridtokenx.agents.errors: the trading agents cannot run (a
    │   │                          market whose operator or matcher is not the addresses file's)
    │   ├── NoAgentsError          no stored simulator scenario: no simulated owners to trade for
    │   └── OrderIdExhaustedError  an owner's highest order id is the largest u64
    ├── SettlementError            gridtokenx.settlement.errors: the settlement service failed
    │   ├── InvalidTransitionError a trade or batch status change the rules forbid
    │   ├── SettlementStoreError   PostgreSQL did not answer the settlement ledger (retried)
    │   └── SettlementKeyError     the matcher key is not the market's, or a keypair is unusable
    ├── StatementError             gridtokenx.statements.errors: a statement cannot be computed
    │   ├── TariffError            a tariff period that cannot work (empty, crosses midnight)
    │   └── MonthError             a month that is not YYYY-MM (1970-01 to 9998-12)
    ├── IndexerError               gridtokenx.indexer.errors: the order indexer stopped (its
    │   │                          cursor is unchanged; a restart carries on from it)
    │   ├── TransactionDecodeError a getTransaction document or Trading instruction that does
    │   │                          not match the program's layouts
    │   ├── MirrorUnavailableError PostgreSQL did not answer the order mirror (retried)
    │   └── CommandPublishError    a batch's Kafka transaction failed (nothing of it visible)
    ├── GatewayError               gridtokenx.gateway.errors: an API request was refused; each
    │   │                          kind has a stable ``code`` and an HTTP status
    │   ├── SignInError            401 sign_in_invalid: a signed sign-in/link message refused
    │   │   ├── NonceInvalidError          nonce_invalid: unknown, expired or used nonce
    │   │   ├── MessageMalformedError      400 sign_in_message_malformed
    │   │   ├── DomainMismatchError        sign_in_domain_mismatch
    │   │   ├── FieldMismatchError         sign_in_field_mismatch
    │   │   ├── MessageExpiredError        sign_in_expired
    │   │   ├── MessageNotYetValidError    sign_in_not_yet_valid
    │   │   ├── AddressMismatchError       sign_in_address_mismatch
    │   │   └── SignatureInvalidError      signature_invalid
    │   ├── AuthenticationError    401 unauthenticated: no valid access token
    │   │   ├── TokenInvalidError, TokenExpiredError, SessionRevokedError
    │   │   └── RefreshTokenInvalidError, RefreshTokenReusedError (the family is revoked)
    │   ├── ForbiddenError         403 forbidden_role: the caller's role may not use the route
    │   ├── NotFoundError          404 not_found; SessionNotFoundError session_not_found
    │   ├── ConflictError          409 conflict; WalletAlreadyLinkedError, LastWalletError
    │   ├── EmailTokenInvalidError 400 email_token_invalid
    │   ├── UnavailableError       503 service_unavailable (PostgreSQL, Redis); EmailDeliveryError
    │   ├── (gridtokenx.gateway.energy_errors) MeterNotFoundError 404 meter_not_found,
    │   │   GridTopologyUnknownError 404 grid_topology_unknown, RangeInvalidError 422
    │   │   range_invalid, ReadingRejectedError 422 reading_rejected, ReadingSignatureError 401
    │   │   reading_signature_invalid, MeterRateLimitedError (a RateLimitedError: 429
    │   │   rate_limited, Retry-After, per meter),
    │   │   ReadingsNotAcknowledgedError 503 readings_not_acknowledged (Kafka did not ack)
    │   ├── (gridtokenx.gateway.feed.errors) MarketNotFoundError 404 market_not_found,
    │   │   MarketDataUnavailableError 503 market_data_unavailable (not loaded from Redis yet)
    │   ├── (gridtokenx.gateway.order_errors) OrderRequestError 422 order_invalid:
    │   │   PriceOutOfBoundsError price_out_of_bounds, QuantityOutOfBoundsError
    │   │   quantity_out_of_bounds, ExpiryOutOfBoundsError expiry_out_of_bounds,
    │   │   InsufficientBalanceError insufficient_balance (asset, needed, held);
    │   │   OrderNotFoundError 404 order_not_found; NothingToClaimError 409 nothing_to_claim;
    │   │   OrderIdsExhaustedError 409 order_id_unavailable; CursorInvalidError 422
    │   │   cursor_invalid; TransactionRefusedError 422 transaction_not_allowed
    │   │   (TransactionMalformedError 400 transaction_malformed, TransactionSignerError 403
    │   │   transaction_signer_invalid); TransactionRejectedError 409 transaction_rejected (the
    │   │   cluster refused it); ChainUnavailableError 503 chain_unavailable
    │   ├── (operator routes) AccountDeactivatedError 403 account_deactivated (sign-in and
    │   │   refresh of a deactivated account); OperatorSelfActionError 409
    │   │   operator_self_action, RolePinnedError 409 role_pinned_by_configuration,
    │   │   AccountStateUnchangedError 409 account_state_unchanged, MarketFeeOnChainError 409
    │   │   market_fee_on_chain, MarketModeFixedError 409 market_mode_fixed,
    │   │   FaucetNotLocalError 409 faucet_not_local; MarketParameterError
    │   │   400 market_parameter_invalid, FaucetRequestError 400 faucet_request_invalid;
    │   │   SimulatorRefusedError 409 simulator_refused, SimulatorUnavailableError 503
    │   │   simulator_unavailable
    │   ├── (statements) StatementMonthInvalidError 422 statement_month_invalid,
    │   │   StatementMonthFutureError 422 statement_month_in_future, StatementNotFoundError 404
    │   │   statement_not_found (no such account, or another account's for a non-operator)
    │   ├── RateLimitedError       429 rate_limited: an IP or wallet passed its limit for a
    │   │                          route class (Retry-After; gateway.rate_limits)
    │   ├── (notifications) NotificationNotFoundError 404 notification_not_found
    │   ├── (gridtokenx.gateway.registration_errors) RegistrationNotFoundError 404
    │   │   meter_registration_not_found (also another user's), RegistrationInvalidError 422
    │   │   meter_registration_invalid, RegistrationTransactionMismatchError 422
    │   │   meter_registration_transaction_mismatch, NotRegistryAuthorityError 403
    │   │   not_registry_authority; 409: MeterAlreadyRegisteredError meter_already_registered,
    │   │   RegistrationStateError meter_registration_state, RegistrationLimitError
    │   │   meter_registration_limit, NonceAccountMissingError meter_registration_nonce_missing,
    │   │   NonceStaleError meter_registration_nonce_stale, RegistrationChainMismatchError
    │   │   meter_registration_chain_mismatch
    │   ├── (gridtokenx.gateway.meter_key_errors) MeterKeyInvalidError 422 meter_key_invalid,
    │   │   MeterKeyTransactionMismatchError 422 meter_key_transaction_mismatch; 409:
    │   │   MeterNotOnChainError meter_not_on_chain, MeterKeyChainMismatchError
    │   │   meter_key_chain_mismatch
    │   └── GatewayConfigError     configuration_error: a gateway setting cannot work
    ├── MarketDataError            gridtokenx.gateway.feed.errors: the market-data feed failed
    │   ├── ChannelNameError       a channel name is not book/trades/stats:<market> or
    │   │                          candles:<market>:<interval>
    │   └── FeedUnavailableError   Kafka or its topics are not there for the feed
    ├── OracleError                gridtokenx.oracle.errors: reference prices could not be read,
    │   │                          decoded, trusted or published
    │   ├── PriceAccountError      an account is not the Pyth price update it must be
    │   │   ├── PriceAccountMissingError  no account at the feed's address on this cluster
    │   │   ├── WrongOwnerError           not owned by the Pyth receiver (look-alike refused)
    │   │   ├── WrongDiscriminatorError   not a PriceUpdateV2
    │   │   ├── MalformedPriceUpdateError too short, or an unknown verification level
    │   │   └── FeedIdMismatchError       a price of another feed
    │   ├── PriceUnusableError     stale, low confidence or partially verified (``reasons``)
    │   ├── InvalidPriceError      a valuation with a price <= 0 or an absurd exponent
    │   ├── PriceSourceError       the publisher's source (Hermes) gave no usable prices
    │   ├── OracleConfigError      an unknown currency, a malformed feed id or address
    │   ├── LocalReceiverMissingError  gridtokenx.oracle.local_feeds: the local node has no
    │   │                          program at the receiver's id (loaded at node start)
    │   └── PriceFeedTakenError    a local price account has another write authority
    ├── NotifierError              gridtokenx.notifications.errors: the notifier could not work
    │   │                          (its cursor is unchanged; it carries on later)
    │   ├── NotifierStoreError     PostgreSQL did not answer (retried from the cursor)
    │   └── UserChannelError       Redis did not take a per-user event (retried from the outbox)
    ├── MailboxError               gridtokenx.mailbox.errors: the local mail server cannot
    │                              start (its folder or port is unusable)
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
