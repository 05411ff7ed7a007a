"""Marshmallow schemas of the SKM API: the query each route accepts (unknown keys are a 400)
and what it answers (dumped through these: the OpenAPI document is what is sent)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from . import skm

Text = ma.fields.String
Num = ma.fields.Float


class PeriodQuerySchema(ma.Schema):
    period = Text(validate=v.Length(1, 10), metadata={
        "description": "2026 (year), 2026-Q1..Q4 (quarter), 2026-S1..S2 (semester), 2026-03 "
                       "(month); or give `from` and `to`. Default: this year so far (WIB)"})
    first = ma.fields.Date(data_key="from", metadata={"description": "First day of a range"})
    last = ma.fields.Date(data_key="to", metadata={"description": "Last day of a range"})


class SuggestionQuerySchema(PeriodQuerySchema):
    mpp = Text(validate=v.Length(1, 40), metadata={
        "description": "MPP code (admins; a supervisor always sees their own MPP)"})
    agency = Text(validate=v.Length(1, 40), metadata={"description": "Only this agency"})
    limit = ma.fields.Integer(load_default=200, validate=v.Range(1, 500))
    offset = ma.fields.Integer(load_default=0, validate=v.Range(0, 10**7))


class SkmBandSchema(ma.Schema):
    grade = Text(metadata={"description": "A, B, C or D (Permen PANRB 14/2017)"})
    words_id = Text()
    words_en = Text()


# Each element's mean score (NRR) on the 1-4 scale, two decimals: u1..u9.
ElementScoresSchema = ma.Schema.from_dict({key: Num() for key in skm.ELEMENTS},
                                          name="ElementScores")


class SkmGroupSchema(ma.Schema):
    responses = ma.fields.Integer(metadata={"description": "Answers in the period"})
    population = ma.fields.Integer(metadata={
        "description": "Applications completed in the period"})
    minimum_sample = ma.fields.Integer(metadata={
        "description": "Krejcie-Morgan minimum for the population (the table itself)"})
    sample_below_minimum = ma.fields.Boolean()
    shown = ma.fields.Boolean(metadata={
        "description": "False: fewer than 5 answers (or hidden so a smaller group cannot be "
                       "worked out): no scores"})
    suppressed = Text(metadata={"description": "'secondary' when hidden to protect another"})
    ikm = Num(allow_none=True, metadata={"description": "IKM, 25-100, two decimals"})
    band = ma.fields.Nested(SkmBandSchema, allow_none=True)
    elements = ma.fields.Nested(ElementScoresSchema, allow_none=True)


class ServiceResultSchema(SkmGroupSchema):
    code = Text()
    name_id = Text()
    name_en = Text()


class AgencyResultSchema(SkmGroupSchema):
    code = Text()
    name = Text()
    services = ma.fields.List(ma.fields.Nested(ServiceResultSchema))


class SkmPeriodSchema(ma.Schema):
    code = Text()
    first = Text()
    last = Text()
    label_id = Text()
    label_en = Text()


class SkmMppSchema(ma.Schema):
    code = Text()
    name = Text()
    city = Text()
    province = Text()


class SkmElementSchema(ma.Schema):
    key = Text()
    name_id = Text()
    name_en = Text()


class SkmBandLimitSchema(SkmBandSchema):
    lowest = Num(metadata={"description": "The band's lowest IKM"})


class ResultsSchema(ma.Schema):
    mpp = ma.fields.Nested(SkmMppSchema)
    period = ma.fields.Nested(SkmPeriodSchema)
    unit = ma.fields.Nested(SkmGroupSchema, metadata={"description": "The whole MPP"})
    agencies = ma.fields.List(ma.fields.Nested(AgencyResultSchema))
    elements = ma.fields.List(ma.fields.Nested(SkmElementSchema))
    bands = ma.fields.List(ma.fields.Nested(SkmBandLimitSchema))
    minimum_group = ma.fields.Integer()


class SuggestionSchema(ma.Schema):
    service = Text()
    agency = Text()
    month = Text(metadata={"description": "YYYY-MM: never the day"})
    suggestion = Text()


class SuggestionListSchema(ma.Schema):
    mpp = Text()
    period = ma.fields.Dict()
    total = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(SuggestionSchema))
