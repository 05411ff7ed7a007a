"""The JSON value of each row of a citizen's space, as pull sends it under its key.

    profile                            -> profile_value
    application/<id>                   -> application_value
    document/<id>                      -> document_value
    notification/<id>                  -> notification_value
    result/<client_id>/<mutation id>   -> result_value

Lists are sorted by a stable key, so two stores holding the same rows give the same values.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import states, tickets
from .model import Application, Document, MutationResult, Notification, Profile


def timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def profile_value(profile: Profile) -> dict[str, Any]:
    return {"values": dict(sorted(profile.values.items())),
            "verified": sorted(profile.verified)}


def application_value(a: Application) -> dict[str, Any]:
    return {
        "id": a.id,
        "service_id": a.service_code,
        "state": a.state,
        "reference": a.reference,
        "fields": dict(sorted(a.fields.items())),
        "requirements": [
            {"code": r.code, "document_id": r.document_id, "review_status": r.review_status,
             "officer_note": r.officer_note}
            for r in sorted(a.requirements.values(), key=lambda r: r.code)],
        "discrepancies": [
            {"field": d.field, "profile_key": d.profile_key, "draft_value": d.draft_value,
             "record_value": d.record_value}
            for d in sorted(a.discrepancies.values(), key=lambda d: d.field)],
        "officer_note": a.officer_note,
        "created_at": timestamp(a.created_at),
        "updated_at": timestamp(a.updated_at),
        "submitted_at": timestamp(a.submitted_at),
        "pickup": a.pickup,
        "ticket": ticket_value(a),
    }


def ticket_value(a: Application) -> dict[str, Any] | None:
    """The visit ticket while it can be used (state ready); None before and after (once the
    application is completed the code is spent)."""
    if a.state != states.READY or not a.ticket_code:
        return None
    return {"code": a.ticket_code, "qr_svg": tickets.qr_svg(a.ticket_code)}


def document_value(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "document_type": d.document_type,
        "status": d.status,
        "reason": d.reason or None,
        "sha256": d.sha256,
        "size": d.size,
        "content_type": d.content_type,
        "source": d.source,
        "verified_at": timestamp(d.verified_at),
        "expires_on": day(d.expires_on),
        "created_at": timestamp(d.created_at),
    }


def notification_value(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "kind": n.kind, "application_id": n.application_id,
            "data": n.data, "created_at": timestamp(n.created_at)}


def result_value(r: MutationResult) -> dict[str, Any]:
    return {"client_id": r.client_id, "mutation_id": r.mutation_id, "name": r.name,
            "status": r.status, "error": r.error}
