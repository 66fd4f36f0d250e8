"""Responses and the public status timeline."""
