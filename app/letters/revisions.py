"""Comparing two texts of a letter, part by part, for the revision and conflict views."""

import difflib

from markupsafe import Markup, escape

from app.letters.models import TEXT_PARTS


def word_diff(old, new):
    """HTML of `new` with removed words in <del> and added words in <ins>; everything escaped."""
    old_words, new_words = (old or "").split(" "), (new or "").split(" ")
    out = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            out.append(Markup("<del>%s</del>") % " ".join(old_words[a1:a2]))
        if b2 > b1:
            out.append(Markup("<ins>%s</ins>") % " ".join(new_words[b1:b2]))
    return Markup(" ").join(out)


def compare(old, new):
    """[(part, lang, diff_html)] for every part that differs between two texts (dicts or rows)."""

    def get(obj, key):
        return obj.get(key, "") if isinstance(obj, dict) else getattr(obj, key)

    changes = []
    for part in TEXT_PARTS:
        for lang in ("en", "ko"):
            key = f"{part}_{lang}"
            a, b = get(old, key), get(new, key)
            if a != b:
                changes.append({"part": part, "lang": lang, "diff": word_diff(a, b)})
    return changes


#: The parts a version prints besides its texts, in the order the approval page lists them.
OTHER_PARTS = ("letter_date", "place_en", "place_ko", "template", "single_language", "recipients")


def _other_parts(source):
    recipients = "; ".join(
        link.recipient.name_en or link.recipient.name_ko for link in source.recipient_links
    )
    return {
        "letter_date": source.letter_date.isoformat() if source.letter_date else "",
        "place_en": source.place_en,
        "place_ko": source.place_ko,
        "template": source.template,
        "single_language": str(source.single_language or ""),
        "recipients": recipients,
    }


def unapproved_changes(version, letter):
    """[(part, lang, diff_html)]: what the draft would change in what the version prints."""
    changes = compare(version, letter)
    old, new = _other_parts(version), _other_parts(letter)
    for key in OTHER_PARTS:
        if old[key] != new[key]:
            part, _sep, lang = key.partition("_") if key.startswith("place_") else (key, "", "")
            changes.append({"part": part, "lang": lang, "diff": word_diff(old[key], new[key])})
    return changes
