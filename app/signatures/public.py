"""What the public may see of signatories: display choices honoured, nothing private."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.signatures.models import (
    Display,
    Signatory,
    SignatoryKind,
    Signature,
    SignatureStatus,
)

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def initials(name):
    """'Kim Jeong-sam' -> 'K. J.-s.'; '김정삼' -> '김○○' (a family name alone says little)."""
    name = name.strip()
    if not name:
        return ""
    if _HANGUL.match(name):
        return name[0] + "○" * (len(name.replace(" ", "")) - 1)
    parts = []
    for word in name.split():
        pieces = [p for p in word.split("-") if p]
        parts.append("-".join(p[0] + "." for p in pieces))
    return " ".join(parts)


def listed_condition(letter):
    approved = Signature.status == SignatureStatus.APPROVED
    if letter.is_individual_approval_required:
        return approved
    return sa.or_(
        approved,
        sa.and_(
            Signature.status == SignatureStatus.CONFIRMED,
            Signatory.kind == SignatoryKind.INDIVIDUAL,
        ),
    )


#: The order of the public list: organizations first, in the order staff set, then in the order
#: of confirmation.
PUBLIC_ORDER = (
    sa.case((Signatory.kind == SignatoryKind.ORGANIZATION, 0), else_=1),
    Signature.position.is_(None),
    Signature.position,
    Signature.confirmed_at,
    Signature.id,
)


def public_query(letter, *columns):
    """SELECT columns of the signatures that count publicly, in PUBLIC_ORDER."""
    return (
        sa.select(*columns)
        .join(Signatory, Signature.signatory_id == Signatory.id)
        .where(Signature.letter_id == letter.id, listed_condition(letter))
        .order_by(*PUBLIC_ORDER)
    )


def public_signatures(letter):
    """(signature, signatory) of the signatures that count publicly, in the public order."""
    return db.session.execute(public_query(letter, Signature, Signatory)).all()


def public_list(letter, lang):
    """The public list as plain data: counted-only signatories are left out, initials shown as such."""
    rows = []
    count = 0
    for _signature, signatory in public_signatures(letter):
        count += 1
        if signatory.display == Display.COUNTED or not signatory.has_consented:
            continue
        name = signatory.name(lang)
        if signatory.display == Display.INITIALS:
            rows.append({"kind": str(signatory.kind), "name": initials(name), "line": ""})
        else:
            rows.append(
                {
                    "kind": str(signatory.kind),
                    "name": name,
                    "line": signatory.line(lang),
                }
            )
    return {"count": count, "signatories": rows}
