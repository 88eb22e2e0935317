"""GridTokenX: a peer-to-peer energy market settled on Solana."""

__version__ = "0.1.0"
