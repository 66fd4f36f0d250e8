"""What each kind of timeline event is called, in the reader's language."""

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.responses.models import StatusKind as K

KIND_LABELS = {
    K.PUBLISHED: _l("Published"),
    K.SUBMITTED: _l("Submitted"),
    K.DELIVERED: _l("Delivered"),
    K.RECEIVED: _l("Received"),
    K.REGISTERED: _l("Registered"),
    K.ACKNOWLEDGED: _l("Acknowledged"),
    K.UNDER_CONSIDERATION: _l("Under consideration"),
    K.RESPONDED: _l("Responded"),
    K.REFERRED: _l("Referred to another body"),
    K.FOLLOWED_UP: _l("Followed up"),
    K.RESOLVED: _l("Resolved"),
    K.DECLINED: _l("Declined"),
    K.CLOSED: _l("Closed"),
    K.EXTENDED: _l("Extension granted"),
    K.PAUSED: _l("Clarification requested"),
    K.RESUMED: _l("Clarification given"),
    K.OTHER: _l("Update"),
}

STATE_LABELS = {
    "awaiting": _l("awaiting an answer"),
    "overdue": _l("overdue"),
    "long_overdue": _l("long overdue"),
    "not_started": _l("not sent yet"),
    "stopped": _l("answered or closed"),
}


def reply_label(lang):
    """The public timeline's name for a response the recipient posted itself."""
    with force_locale(lang):
        return _("Answer on the record, in the recipient's own words")


def kind_label(kind, lang):
    with force_locale(lang):
        return _(str(KIND_LABELS[K(kind)]))


def explain_clock(clock, lang):
    """'sent 11 March 2025, 20 working days, skipped: …, due 8 April 2025', in `lang`."""
    from app.core.i18n import localized_date
    from app.timeline.deadlines import holiday_name

    if clock.get("state") == "not_started":
        return kind_label_text(STATE_LABELS["not_started"], lang)
    with force_locale(lang):
        skipped = ", ".join(
            f"{holiday_name(day, clock['country'], lang) or name} ({localized_date(day, lang)})"
            for day, name in clock["skipped"]
        )
        parts = [
            _("sent %(date)s", date=localized_date(clock["started_on"], lang)),
            _("%(num)d working days", num=clock["working_days"]),
        ]
        if skipped:
            parts.append(_("skipped: %(holidays)s", holidays=skipped))
        if clock.get("extended_to"):
            parts.append(_("extended to %(date)s", date=localized_date(clock["extended_to"], lang)))
        for start, end in clock.get("pauses", ()):
            parts.append(
                _(
                    "paused from %(start)s to %(end)s",
                    start=localized_date(start, lang),
                    end=localized_date(end, lang),
                )
            )
        parts.append(_("due %(date)s", date=localized_date(clock["due_on"], lang)))
        return ", ".join(parts)


def kind_label_text(label, lang):
    with force_locale(lang):
        return _(str(label))
