"""Campaigns: the public pages and the staff list."""
