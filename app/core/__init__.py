"""Pieces every feature shares: enums, errors, time, audit log, text cleaning."""
