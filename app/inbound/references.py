"""Receipt and registration numbers picked out of acknowledgements, in Korean and English."""

import re

#: A label, then (after a colon, "no." or "is") the number: digits, letters, dashes.
_NUMBER = re.compile(
    r"(?P<label>접수\s?번호|등록\s?번호|문서\s?번호|민원\s?번호|신청\s?번호|reference\s+(?:no\.?|number)"
    r"|registration\s+(?:no\.?|number)|receipt\s+(?:no\.?|number)|case\s+(?:no\.?|number))"
    r"\s*(?:is|:|：|은|는)?\s*(?:\(|\[)?(?P<number>\w[\w\-/]{2,40})",
    re.IGNORECASE,
)


def reference_numbers(text):
    """(label, number) pairs found in `text`, in order, each number once."""
    found, seen = [], set()
    for match in _NUMBER.finditer(text or ""):
        number = match.group("number").rstrip("-/")
        if number not in seen and any(char.isdigit() for char in number):
            seen.add(number)
            found.append((" ".join(match.group("label").split()), number))
    return found
