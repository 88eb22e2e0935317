"""GridTokenX on Solana: the local chain node, program deployment and clients."""
