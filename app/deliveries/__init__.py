"""Deliveries: a letter sent to a recipient over a channel."""
