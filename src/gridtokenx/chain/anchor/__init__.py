"""Anchor's wire conventions for the project's C programs: discriminators, Borsh layouts, IDL."""
