"""URL converters: ids in paths are bounded to what the database's integer columns hold."""

from werkzeug.routing import IntegerConverter

#: The largest id a PostgreSQL integer column holds; larger ones cannot name a row.
MAX_ID = 2**31 - 1


def digits_at_most(limit):
    """A regex for the whole numbers 0..limit, leading zeros allowed (255: 0*(?:\\d{1,2}|...|255))."""
    digits = str(limit)
    alternatives = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        rest = len(digits) - position - 1
        if digit != "0":
            alternatives.append(
                digits[:position] + f"[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else "")
            )
    return "0*(?:" + "|".join([*alternatives, digits]) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` that matches only 1..MAX_ID, so a larger number is a plain 404, not a 500."""

    # Out of range in the pattern too, not only in to_python: a GET and a PATCH rule on one path
    # would otherwise answer a PATCH of a too-large id with 405 (the GET rule's path matched).
    regex = digits_at_most(MAX_ID)

    def __init__(self, map, **kwargs):
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, **kwargs)


def register_converters(app):
    """Replace the `int` converter of every route, before the blueprints are registered."""
    app.url_map.converters["int"] = BoundedIntConverter
