"""The local stack: installs, starts, provisions, checks and stops the platform's services."""
