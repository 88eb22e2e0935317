"""A local Solana node: LiteSVM behind Solana's standard JSON-RPC (HTTP) and PubSub (WebSocket)."""
