"""Form helpers shared by every feature."""

from wtforms.fields.choices import SelectChoice


def choices(pairs):
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]
