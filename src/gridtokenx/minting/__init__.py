"""Minting GXT on chain from meters' signed readings, and registering simulated meters."""
