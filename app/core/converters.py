"""URL converters: ids in paths are bounded to what the database's integer columns hold."""

from werkzeug.routing import IntegerConverter

#: The largest id a PostgreSQL integer column holds; larger ones cannot name a row.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` that matches only 1..MAX_ID, so a larger number is a plain 404, not a 500."""

    def __init__(self, map, **kwargs):
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, **kwargs)


def register_converters(app):
    """Replace the `int` converter of every route, before the blueprints are registered."""
    app.url_map.converters["int"] = BoundedIntConverter
