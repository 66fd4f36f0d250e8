"""Outgoing mail: queue it as a row, send it from the mail queue, read the outbox."""
