"""Letters: drafting, revisions, frozen versions."""
