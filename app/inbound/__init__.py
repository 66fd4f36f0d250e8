"""Inbound mail: replies read from the coalition's mailbox, filed to their deliveries or held for staff."""
