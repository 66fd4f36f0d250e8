"""Rendering letters to HTML and PDF in a sandbox."""
