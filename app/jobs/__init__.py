"""Long staff work run by a worker (bulk moderation, CSV imports), with its progress for the page."""
