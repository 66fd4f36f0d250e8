"""Letters: drafting in two languages, revisions, review, frozen versions."""
