"""marshmallow schemas for the catalog API: explicit allow-lists of what is shown."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from sync.fields import published_validation

from ..fields import UtcDateTime


class ListQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=100, validate=v.Range(min=1, max=500))
    offset = ma.fields.Integer(load_default=0, validate=v.Range(min=0, max=1_000_000))


CODE = v.Regexp(r"^[a-z0-9-]{1,40}$", error="Not a valid code.")
NO_CONTROL_CHARACTERS = v.Regexp(r"^[^\x00-\x1f\x7f]*$", error="Contains control characters.")


class ServiceQuerySchema(ListQuerySchema):
    mpp = ma.fields.String(validate=CODE, metadata={"description": "MPP code, e.g. langsa"})
    agency = ma.fields.String(validate=CODE,
                              metadata={"description": "agency code within the MPP"})
    q = ma.fields.String(validate=[v.Length(min=1, max=200), NO_CONTROL_CHARACTERS],
                         metadata={"description": "words, in Bahasa Indonesia or English"})


class MppSummarySchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    city = ma.fields.String()
    province = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["open", "preparing"]})
    opened_on = ma.fields.Date(allow_none=True)
    ref_prefix = ma.fields.String()
    agency_count = ma.fields.Integer()
    service_count = ma.fields.Integer()


class MppListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MppSummarySchema))


class AgencySummarySchema(ma.Schema):
    code = ma.fields.String()
    kind = ma.fields.String()
    name = ma.fields.String()
    counter = ma.fields.String()
    service_count = ma.fields.Integer()


class MppDetailSchema(MppSummarySchema):
    address = ma.fields.String()
    hours_id = ma.fields.String()
    hours_en = ma.fields.String()
    agencies = ma.fields.List(ma.fields.Nested(AgencySummarySchema))


class AgencyRefSchema(ma.Schema):
    code = ma.fields.String()
    kind = ma.fields.String()
    name = ma.fields.String()
    counter = ma.fields.String()


def _visit_states(service) -> list[str]:
    from ..visits.operations import _bookable_states  # the visits domain owns the rule
    return list(_bookable_states(service.visit_after))


class ServiceSummarySchema(ma.Schema):
    code = ma.fields.String()
    mpp = ma.fields.Function(lambda s: s.agency.mpp.code)
    agency = ma.fields.Nested(AgencyRefSchema)
    name_id = ma.fields.String()
    name_en = ma.fields.String()
    sla_days = ma.fields.Integer()
    fee = ma.fields.Integer()
    fee_note_id = ma.fields.String()
    fee_note_en = ma.fields.String()
    delivery = ma.fields.String(metadata={"enum": ["pickup", "digital"]})
    requirement_count = ma.fields.Function(lambda s: len(s.requirements))
    visit_minutes = ma.fields.Integer(metadata={
        "description": "Minutes at the counter in the one visit"})
    visit_states = ma.fields.Function(_visit_states, metadata={
        "description": "Application states in which its visit may be booked (the server's "
                       "rule, published so the phone offers booking only then)"})


class ServiceListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ServiceSummarySchema))
    total = ma.fields.Integer()
    limit = ma.fields.Integer()
    offset = ma.fields.Integer()


class ChoiceSchema(ma.Schema):
    value = ma.fields.String()
    label_id = ma.fields.String()
    label_en = ma.fields.String()


class FieldValidationSchema(ma.Schema):
    min_length = ma.fields.Integer()
    max_length = ma.fields.Integer()
    pattern = ma.fields.String()
    min = ma.fields.Float()
    max = ma.fields.Float()
    choices = ma.fields.List(ma.fields.Nested(ChoiceSchema))
    min_date = ma.fields.String(metadata={"description": "earliest date allowed (YYYY-MM-DD)"})
    max_date = ma.fields.String(metadata={"description": "latest date allowed (YYYY-MM-DD)"})


class FormFieldSchema(ma.Schema):
    key = ma.fields.String()
    type = ma.fields.String()
    label_id = ma.fields.String()
    label_en = ma.fields.String()
    required = ma.fields.Boolean()
    profile_key = ma.fields.String(allow_none=True)
    help_id = ma.fields.String()
    help_en = ma.fields.String()
    validation = ma.fields.Nested(FieldValidationSchema, metadata={
        "description": "every rule the server checks a value against, defaults filled in"})

    @ma.pre_dump
    def _published_rules(self, field, **kwargs):
        # The rules as the server applies them (sync.fields.published_validation), so the
        # phone checks the same before anything is sent.
        out = {name: getattr(field, name, None) for name in self.fields}
        out["validation"] = published_validation(field.type, field.validation or {})
        return out


class RequirementSchema(ma.Schema):
    code = ma.fields.String()
    document_type = ma.fields.String()
    title_id = ma.fields.String()
    title_en = ma.fields.String()
    required = ma.fields.Boolean()
    formats = ma.fields.List(ma.fields.String())
    notes_id = ma.fields.String()
    notes_en = ma.fields.String()


class StepSchema(ma.Schema):
    id = ma.fields.String()
    en = ma.fields.String()


class ServiceDetailSchema(ServiceSummarySchema):
    standard_code = ma.fields.String()
    description_id = ma.fields.String()
    description_en = ma.fields.String()
    procedure = ma.fields.List(ma.fields.Nested(StepSchema))
    product_id = ma.fields.String()
    product_en = ma.fields.String()
    legal_basis = ma.fields.String()
    active = ma.fields.Boolean()
    mpp_name = ma.fields.Function(lambda s: s.agency.mpp.name)
    # "fields" would clash with Schema.fields, so the attribute gets another Python name.
    form_fields = ma.fields.List(ma.fields.Nested(FormFieldSchema), attribute="fields",
                                 data_key="fields")
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema))


class DocumentTypeSchema(ma.Schema):
    code = ma.fields.String()
    name_id = ma.fields.String()
    name_en = ma.fields.String()
    validity_days = ma.fields.Integer(allow_none=True)


class DocumentTypeListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DocumentTypeSchema))


class CatalogVersionSchema(ma.Schema):
    version = ma.fields.Integer()
    hash = ma.fields.String(attribute="content_hash")
    updated_at = UtcDateTime(allow_none=True)
