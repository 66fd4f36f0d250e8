"""CSV cells a spreadsheet opens safely: formula-like text neutralized on export, restored on import."""

import csv
import io

#: A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """A text cell a spreadsheet would run as a formula, made plain text with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def restore(cell):
    """A cell as it was before neutralize() (a fax number such as +380 ... survives a round trip)."""
    if cell.startswith("'") and neutralize(cell[1:]) != cell[1:]:
        return cell[1:]
    return cell


def csv_bytes(columns, rows):
    """UTF-8 CSV with a byte order mark (so that Excel reads Korean right), every cell neutralized."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for cells in rows:
        writer.writerow([neutralize(cell) for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
