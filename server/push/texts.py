"""What a push says: which notifications push, their text in the citizen's language, and
the delivery headers (TTL, Urgency, Topic).

Lock-screen rule: the application's reference number, the service's name, the counter and
what to bring, and the officer's reason for a revision; never a NIK, a name, an address or
a form value. Texts are short (title <= 60, body <= 180 characters) and live in
server/i18n.py with every other message.

The officer console puts into the state_changed notification's `data`: for
revision_requested `requirements: [{code, note}]` and `note`; for ready
`pickup: {counter, hours, bring: [...], visit_date?}`. Each falls back to the catalog (the
requirement's title, the agency's counter, the MPP's hours) or to a general sentence.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sync import states
from sync.reminders import STATE_CHANGED, VISIT_REMINDER, parse_day
from sync.space import WIB

from ..i18n import day_words, translate

TITLE_MAX, BODY_MAX = 60, 180
DAY = 24 * 3600
# Event -> (TTL seconds, Urgency). A revision or a ready document matters today; an
# approval can wait. The reminder's TTL runs to the end of the visit day (computed).
EVENTS = {
    states.REVISION_REQUESTED: (3 * DAY, "high"),
    states.APPROVED: (1 * DAY, "normal"),
    states.READY: (3 * DAY, "high"),
    VISIT_REMINDER: (DAY, "high"),
    # The MPP floor (server/visit_queue): worth nothing once the moment has passed.
    "queue_near": (30 * 60, "high"),
    "queue_called": (10 * 60, "high"),
}
QUEUE_EVENTS = ("queue_near", "queue_called")


@dataclass
class CatalogInfo:
    """What the catalog says about the application's service, for the fallbacks."""

    service_name: dict[str, str] = field(default_factory=dict)  # lang -> name
    requirement_titles: dict[str, dict[str, str]] = field(default_factory=dict)  # code->lang
    counter: str = ""  # the agency's counter, e.g. "Loket 3 (Dukcapil)"
    mpp_name: str = ""
    hours: dict[str, str] = field(default_factory=dict)  # lang -> opening hours


@dataclass(frozen=True)
class Push:
    payload: dict[str, Any]
    ttl: int
    urgency: str
    topic: str


def event_of(kind: str, data: dict[str, Any]) -> str | None:
    """The push event a notification is, or None for one that only goes to the inbox."""
    if kind == STATE_CHANGED and data.get("state") in (
            states.REVISION_REQUESTED, states.APPROVED, states.READY):
        return data["state"]
    if kind == VISIT_REMINDER:
        return VISIT_REMINDER
    if kind == "complaint_update":  # server/complaints/push.py
        from ..complaints.push import event_of as complaint_event

        return complaint_event(data)
    if kind in QUEUE_EVENTS:
        return kind
    return None


def topic_for(application_id: str) -> str:
    """Topic header: at most 32 URL-safe characters; one per application, so a newer
    message waiting at the push service replaces an older one."""
    return application_id.replace("-", "")[:32] or "sekali-datang"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _text(value: Any, lang: str) -> str:
    """A string, or a {lang: text} / {title_id, title_en...} dict, as text in `lang`."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for key in (lang, f"title_{lang}", f"label_{lang}", f"name_{lang}", "id", "title",
                    "label", "name", "code"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key].strip()
    return ""


def _listing(items: list[str], lang: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 2:
        return ", ".join(items)
    return translate("push_and_more", lang, first=", ".join(items[:2]), n=len(items) - 2)


def _pickup_parts(pickup: dict[str, Any], info: CatalogInfo, lang: str, *,
                  with_date: bool) -> list[str]:
    place = _text(pickup.get("counter"), lang) or info.counter
    if place and info.mpp_name and info.mpp_name not in place:
        place = f"{place}, {info.mpp_name}"
    hours = _text(pickup.get("hours"), lang) or info.hours.get(lang, "")
    parts = []
    if place:
        parts.append(translate("push_ready_where", lang, place=place)
                     + (f" ({hours})" if hours else ""))
    day = parse_day(pickup.get("visit_date"))
    if with_date and day is not None:
        parts.append(translate("push_visit_on", lang, date=day_words(day, lang)))
    bring = pickup.get("bring")
    items = [_text(i, lang) for i in bring] if isinstance(bring, list) else []
    if any(items):
        parts.append(translate("push_bring", lang, items=_listing(items, lang)))
    return parts


def compose(kind: str, data: dict[str, Any], *, notification_id: str, application_id: str,
            info: CatalogInfo, lang: str, now: dt.datetime) -> Push | None:
    """The push for a notification in `lang`, or None for a kind that does not push."""
    event = event_of(kind, data)
    if event is None:
        return None
    lang = lang if lang in ("id", "en") else "id"
    if kind == "complaint_update":
        from ..complaints.push import compose as complaint_push

        return complaint_push(data, notification_id=notification_id, lang=lang)
    service = info.service_name.get(lang) or translate("push_service_default", lang)
    reference = data.get("reference") if isinstance(data.get("reference"), str) else ""
    if event in QUEUE_EVENTS:  # numbers and a counter only: fine on a lock screen
        words = {"number": str(data.get("number") or ""), "ahead": data.get("ahead") or 3,
                 "counter": _text(data.get("counter"), lang) or info.counter or service}
        title = translate(f"push_{event}_title", lang, **words)
        body = translate(f"push_{event}_body", lang, **words)
    elif event == states.REVISION_REQUESTED:
        title = translate("push_revision_title", lang, service=service)
        rows = [r for r in data.get("requirements") or [] if isinstance(r, dict)]
        titles = [info.requirement_titles.get(str(r.get("code")), {}).get(lang)
                  or _text(r.get("code"), lang) for r in rows]
        what = _listing(titles, lang) or translate("push_revision_what", lang)
        notes = [_text(r.get("note"), lang) for r in rows] + [_text(data.get("note"), lang)]
        why = next((n for n in notes if n), "") or translate("push_revision_why", lang)
        body = f"{what}: {why}"
    elif event == states.APPROVED:
        title = translate("push_approved_title", lang)
        body = translate("push_approved_body", lang, service=service)
    else:
        pickup = data.get("pickup") if isinstance(data.get("pickup"), dict) else {}
        if event == states.READY:
            title = translate("push_ready_title", lang, service=service)
            parts = _pickup_parts(pickup, info, lang, with_date=True)
        else:
            title = translate("push_reminder_title", lang, service=service)
            parts = _pickup_parts({**pickup, "visit_date": data.get("visit_date")}, info,
                                  lang, with_date=True)
        body = ". ".join(parts) + "." if parts else translate("push_ready_default", lang) + "."
    if reference:
        body = f"{reference} · {body}"
    ttl, urgency = EVENTS[event]
    if event == VISIT_REMINDER:
        # Useless after the visit day: expire at its end (WIB), and never below a minute.
        day = parse_day(data.get("visit_date"))
        if day is not None:
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), WIB)
            ttl = max(60, int((end - now).total_seconds()))
    payload = {
        "title": _clip(title, TITLE_MAX),
        "body": _clip(body, BODY_MAX),
        "url": f"/#/permohonan/{application_id}",
        "tag": f"permohonan-{application_id}",
        "kind": event,
        "application_id": application_id,
        "notification_id": notification_id,
    }
    return Push(payload, ttl, urgency, topic_for(application_id))
