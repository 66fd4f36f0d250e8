"""Receipt and registration numbers in acknowledgements and notices, English and Korean:
"접수번호: 2AA-2412-0012345", "등록번호 제2026-123호", "Reference no. 1234", "Ref: MOFA/2026/77"."""

import re

#: The words that introduce a number; the number follows after ":", "-", "is", "는" or a space.
_LABEL = (
    r"(?:접수|등록|문서|신청|민원|처리|관리|사건|고유)\s?번호"
    r"|(?:reference|registration|receipt|case|file|ticket|tracking|application|document)"
    r"\s+(?:number|no\.?|num\.?|#)"
    r"|your\s+reference|our\s+reference|ref(?:erence)?\.?\s*(?:no\.?|#)?\s*:"
)
_NUMBER = (
    r"제\s?[0-9][0-9A-Za-z\-/.]*\s?호|[가-힣]{1,20}-[0-9][0-9\-]*"
    r"|[A-Za-z0-9][A-Za-z0-9\-/.]*[0-9][A-Za-z0-9\-/]*|[0-9]"
)
PATTERN = re.compile(
    rf"(?P<label>{_LABEL})\s*(?:[:：#=\-]|\bis\b|은|는)?\s*(?:\(|\[)?\s*(?P<number>{_NUMBER})",
    re.IGNORECASE,
)
#: "제2026-123호" names a document on its own, without a label before it.
STANDALONE = re.compile(r"(?<![\w])제\s?\d{2,4}-\d{1,7}\s?호")
#: What a number may not be: a date (2026.12.01, 2026-12).
_DATE = re.compile(r"^(19|20)\d\d[./-]\d{1,2}([./-]\d{1,2})?\.?$")
MAX_LENGTH = 60


def _clean(number):
    return re.sub(r"\s+", "", number).rstrip(".-/")


def reference_numbers(text):
    """(label, number) pairs found in `text`, in the order they appear, each number once."""
    found = []
    for match in PATTERN.finditer(text or ""):
        number = _clean(match.group("number"))
        if _DATE.match(number) or len(number) > MAX_LENGTH or not any(c.isdigit() for c in number):
            continue
        found.append((match.start("number"), " ".join(match.group("label").split()), number))
    for match in STANDALONE.finditer(text or ""):
        found.append((match.start(), "", _clean(match.group(0))))
    pairs, seen = [], set()
    for _position, label, number in sorted(found):
        if number not in seen:
            seen.add(number)
            pairs.append((label, number))
    return pairs


def numbers_in(*texts):
    """The distinct numbers found in several texts (a subject and a body), in order."""
    numbers = []
    for text in texts:
        numbers += [number for _label, number in reference_numbers(text) if number not in numbers]
    return numbers
