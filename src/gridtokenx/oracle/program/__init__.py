"""The local stand-in for Pyth's receiver (``programs/pyth_local``): its accounts, instructions,
errors and interface, the source of its IDL and C header (``python -m gridtokenx.chain.idls``)."""
