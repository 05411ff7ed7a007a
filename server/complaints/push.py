"""What a push says for a complaint's step (server/push/texts.py hands `complaint_update`
notifications here). Lock-screen rule: the reference and the step, never the complaint's
text or the answer (an anonymous or confidential report is nobody else's business)."""
from __future__ import annotations

from typing import Any

from ..i18n import translate

# The officer's steps and the escalation push; the citizen's own steps (received,
# confirmed, reopened) only go to the inbox.
PUSHED_STEPS = ("acknowledged", "assigned", "answered", "closed", "escalated")
DAY = 24 * 3600


def event_of(data: dict[str, Any]) -> str | None:
    step = data.get("step")
    return f"complaint_{step}" if step in PUSHED_STEPS else None


def compose(data: dict[str, Any], *, notification_id: str, lang: str):
    from ..push.texts import TITLE_MAX, BODY_MAX, Push, _clip

    step = data["step"]
    complaint_id = str(data.get("complaint_id") or "")
    reference = data.get("reference") if isinstance(data.get("reference"), str) else ""
    title = translate("push_complaint_title", lang, reference=reference)
    body = translate(f"push_complaint_{step}", lang)
    payload = {"title": _clip(title, TITLE_MAX), "body": _clip(body, BODY_MAX),
               "url": f"/#/pengaduan/{complaint_id}", "tag": f"pengaduan-{complaint_id}",
               "kind": f"complaint_{step}", "complaint_id": complaint_id,
               "notification_id": notification_id}
    urgency = "high" if step in ("answered", "escalated") else "normal"
    return Push(payload, 3 * DAY, urgency, complaint_id.replace("-", "")[:32] or "pengaduan")
