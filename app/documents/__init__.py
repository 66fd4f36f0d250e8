"""Documents: signed PDFs of letters, rendered in the background, cached by content, verifiable."""
