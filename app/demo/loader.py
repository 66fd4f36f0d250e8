"""Load the demo campaign from app/demo/data/; loading twice changes nothing."""

import csv
import json
import logging
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app.campaigns.models import Campaign
from app.core.timeutil import utcnow
from app.extensions import db
from app.letters.models import Letter, LetterKind, LetterRecipient, LetterStatus
from app.letters.services import freeze_version
from app.recipients.services import create_recipient, find_by_name
from app.signatures.models import (
    Display,
    Signatory,
    SignatoryKind,
    Signature,
    SignatureSource,
    SignatureStatus,
)
from app.signatures.normalize import stored_name_key

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
SLUG = "free-will-of-north-korean-pows"
LETTER_DATE = date(2025, 3, 11)


def read_sections(path):
    """Parse a letter file made of '---part' headed sections."""
    sections, current = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("---"):
            current = line[3:].strip()
            sections[current] = []
        elif current:
            sections[current].append(line)
    return {part: "\n".join(lines).strip() for part, lines in sections.items()}


def load_demo():
    """Create the demo campaign unless it exists; return (campaign, created)."""
    existing = db.session.scalar(sa.select(Campaign).where(Campaign.slug == SLUG))
    if existing is not None:
        return existing, False
    english, korean = (
        read_sections(DATA / "letter_en.md"),
        read_sections(DATA / "letter_ko.md"),
    )
    campaign = Campaign(
        slug=SLUG,
        title_en="Free will of North Korean POWs",
        title_ko="북한군 포로의 자유의사 존중",
        summary_en="Nine NGOs and two relatives of people detained in North Korea urge Ukraine not to "
        "send captured North Korean soldiers back against their will.",
        summary_ko="9개 단체와 북한 억류자 가족 2명이 우크라이나에 생포된 북한군 병사들을 본인의 의사에 "
        "반해 송환하지 말 것을 촉구합니다.",
        is_demo=True,
    )
    letter = Letter(
        campaign=campaign,
        slug="joint-letter-2025-03-11",
        kind=LetterKind.OPEN_LETTER,
        template="formal",
        letter_date=LETTER_DATE,
        **{f"{part}_en": text for part, text in english.items()},
        **{f"{part}_ko": text for part, text in korean.items()},
    )
    db.session.add_all([campaign, letter])
    recipients = _load_recipients()
    letter.recipient_links = [LetterRecipient(recipient=recipients[0], position=0)]
    db.session.flush()
    version = freeze_version(letter)
    letter.status = LetterStatus.OPEN
    _load_signatories(letter, version)
    db.session.flush()
    log.info("loaded the demo campaign %s", SLUG)
    return campaign, True


#: Said in every demo recipient's notes.
DEMO_NOTE = "Demo record: confirm the contact details before any delivery."


def _load_recipients():
    """The demo's recipients, each made unless one of that name exists (then that one is used)."""
    rows = json.loads((DATA / "recipients.json").read_text(encoding="utf-8"))
    recipients = []
    for row in rows:
        row = {k: v for k, v in row.items() if k != "is_addressee"}
        existing = find_by_name(row["name_en"], row.get("name_ko", ""))
        if existing:
            recipients.append(existing[0])
            continue
        notes = "\n".join(filter(None, [row.get("notes", ""), DEMO_NOTE]))
        recipients.append(create_recipient({**row, "notes": notes}, actor=None, is_demo=True))
    return recipients


def _load_signatories(letter, version):
    now = utcnow()
    with (DATA / "signatories.tsv").open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle, delimiter="\t")):
            kind = SignatoryKind(row["kind"])
            signatory = Signatory(
                kind=kind,
                name_key=stored_name_key(row["name_en"], row["name_ko"])
                if kind == SignatoryKind.ORGANIZATION
                else "",
                name_en=row["name_en"],
                name_ko=row["name_ko"],
                line_en=row["line_en"],
                line_ko=row["line_ko"],
                country="KR",
                display=Display.FULL,
                has_consented=True,
                is_demo=True,
            )
            db.session.add(signatory)
            db.session.add(
                Signature(
                    signatory=signatory,
                    letter_id=letter.id,
                    version_id=version.id,
                    status=SignatureStatus.APPROVED,
                    source=SignatureSource.DEMO,
                    position=position,
                    confirmed_at=now,
                    approved_at=now,
                )
            )
