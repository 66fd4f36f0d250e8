"""Signatures: signatories and their sign-ons."""
