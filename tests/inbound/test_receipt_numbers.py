"""Receipt and registration numbers read from acknowledgements in both languages."""

import pytest

from app.inbound.receipt_numbers import reference_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("귀하의 민원이 접수되었습니다. 접수번호: 2AA-2611-0012345", [("접수번호", "2AA-2611-0012345")]),
        ("등록 번호 1234 로 등록되었습니다", [("등록 번호", "1234")]),
        ("문서번호 : 인권외교과-5678", [("문서번호", "인권외교과-5678")]),
        ("접수번호는 다음과 같습니다", []),
        ("Your reference no. is ABC-2026-77.", [("reference no.", "ABC-2026-77")]),
        ("Registration number: 4411/2026", [("Registration number", "4411/2026")]),
        ("We have no reference for you.", []),
    ],
)
def test_reference_numbers_are_picked_out(text, expected):
    assert reference_numbers(text) == expected
