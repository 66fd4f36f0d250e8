"""Moving a whole campaign between instances: `flask campaigns export` and `flask campaigns import`.

The archive is a ZIP: manifest.json (format and version), tables/<table>.jsonl (one row a line,
ids as they were), users.jsonl (the staff referenced, by email) and files/<kind>/<name>.
"""

FORMAT = "undersigned-campaign"
FORMAT_VERSION = 1


class TransferError(Exception):
    """An archive that cannot be exported or imported; the message says why."""
