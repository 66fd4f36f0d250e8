"""Staff accounts: login, logout, roles, lockout, API tokens."""
