"""Writing to the audit log. Callers add the event to the current transaction, so an action
and its audit entry commit (or roll back) together."""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request

from ..extensions import db
from .models import AuditEvent


def record(action: str, *, target_kind: str | None = None, target_id: Any = None,
           outcome: str = "ok", details: dict | None = None, actor=None) -> AuditEvent:
    """Add an audit event for the current principal (or `actor`, a Principal)."""
    principal = actor or (g.get("principal") if has_request_context() else None)
    event = AuditEvent(
        actor_kind=principal.kind if principal else "system",
        actor_id=principal.actor_id if principal else None,
        session_id=str(principal.session_id) if principal and principal.session_id else None,
        ip=request.remote_addr if has_request_context() else None,
        action=action,
        target_kind=target_kind,
        target_id=str(target_id) if target_id is not None else None,
        outcome=outcome,
        details=details or {},
    )
    db.session.add(event)
    return event
