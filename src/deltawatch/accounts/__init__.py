"""Accounts: organisations (单位), users, roles, and the one helper that scopes what a user sees."""
