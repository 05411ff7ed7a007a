"""The catalog loader: every bad input names the file and the path, and loads nothing."""
from __future__ import annotations

import copy
import json

import pytest
import yaml
from sqlalchemy import func, select

from server.catalog.loader import CatalogLoadError, catalog_digest, load_catalog
from server.catalog.models import CatalogMeta, Mpp, Requirement, Service
from server.extensions import db
from tests.conftest import DEMO_CATALOG

GOOD = {
    "document_types": [
        {"code": "ktp_uji", "name_id": "KTP uji", "name_en": "Test ID", "validity_days": None},
    ],
    "service_standards": [
        {
            "code": "dukcapil.uji-satu",
            "agency_kind": "dukcapil",
            "name_id": "Layanan Uji Satu", "name_en": "Test Service One",
            "description_id": "Uraian", "description_en": "Description",
            "procedure": [{"id": "Isi formulir", "en": "Fill in the form"}],
            "sla_days": 3, "fee": 0, "product_id": "Kartu", "product_en": "Card",
            "delivery": "pickup",
            "fields": [
                {"key": "nik", "type": "nik", "label_id": "NIK", "label_en": "NIK",
                 "required": True, "profile_key": "nik"},
                {"key": "alasan", "type": "choice", "label_id": "Alasan", "label_en": "Reason",
                 "choices": [{"value": "hilang", "label_id": "Hilang", "label_en": "Lost"}]},
            ],
            "requirements": [
                {"code": "ktp", "document_type": "ktp_uji", "title_id": "KTP",
                 "title_en": "ID card"},
                {"code": "kk", "document_type": "kk", "title_id": "KK", "title_en": "KK",
                 "required": False},
            ],
        },
    ],
    "mpp": {
        "code": "uji", "name": "MPP Uji", "city": "Kota Uji", "province": "Uji",
        "status": "preparing", "ref_prefix": "UJI",
        "agencies": [{"code": "dukcapil", "kind": "dukcapil", "name": "Dukcapil Uji",
                      "services": [{"standard": "dukcapil.uji-satu", "fee": 5000}]}],
    },
}


def write(tmp_path, data, name="uji.yaml"):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data))
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def snapshot():
    return catalog_digest(db.session), db.session.get(CatalogMeta, 1).version


def expect_error(app, paths, file_part, path, message_part):
    with app.app_context():
        before = snapshot()
        with pytest.raises(CatalogLoadError) as info:
            load_catalog(paths, db.session)
        db.session.rollback()
        assert snapshot() == before, "a failed load changed the catalog"
        assert db.session.scalar(select(Mpp).where(Mpp.code == "uji")) is None
    errors = info.value.errors
    assert any(file_part in e.file and e.path == path and message_part in e.message
               for e in errors), [str(e) for e in errors]
    return errors


def test_good_file_loads_and_reloading_changes_nothing(app, tmp_path):
    path = write(tmp_path, GOOD)
    with app.app_context():
        first = load_catalog([path], db.session)
        db.session.commit()
        assert first.changed and first.services == 1
        service = db.session.scalar(select(Service).where(Service.code == "uji.dukcapil.uji-satu"))
        assert service.fee == 5000  # the MPP's override wins over the standard's fee
        assert [r.code for r in service.requirements] == ["ktp", "kk"]
        again = load_catalog([path], db.session)
        db.session.commit()
        assert not again.changed and again.version == first.version


def test_a_changed_title_is_updated_in_place_and_bumps_the_version(app, tmp_path):
    path = write(tmp_path, GOOD)
    with app.app_context():
        v1 = load_catalog([path], db.session).version
        db.session.commit()
        service_id = db.session.scalar(
            select(Service.id).where(Service.code == "uji.dukcapil.uji-satu"))
        changed = copy.deepcopy(GOOD)
        changed["service_standards"][0]["name_en"] = "Test Service One, renamed"
        changed["service_standards"][0]["requirements"].pop()  # kk no longer asked for
        summary = load_catalog([write(tmp_path, changed)], db.session)
        db.session.commit()
        service = db.session.get(Service, service_id)
        assert summary.version == v1 + 1
        assert service.name_en == "Test Service One, renamed"
        assert [r.code for r in service.requirements] == ["ktp"]
        assert db.session.scalar(select(func.count(Requirement.id)).where(
            Requirement.service_id == service_id)) == 1


def test_a_service_no_longer_offered_is_withdrawn_not_deleted(app, tmp_path):
    with app.app_context():
        load_catalog([write(tmp_path, GOOD)], db.session)
        db.session.commit()
        fewer = copy.deepcopy(GOOD)
        fewer["mpp"]["agencies"][0]["services"] = []
        summary = load_catalog([write(tmp_path, fewer)], db.session)
        db.session.commit()
        service = db.session.scalar(select(Service).where(Service.code == "uji.dukcapil.uji-satu"))
        assert summary.deactivated == 1 and service is not None and not service.active


def test_missing_field(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    del bad["service_standards"][0]["requirements"][1]["title_en"]
    expect_error(app, [write(tmp_path, bad)], "uji.yaml",
                 "service_standards[0].requirements[1].title_en", "Missing data")


def test_duplicate_code(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["service_standards"][0]["requirements"][1]["code"] = "ktp"
    expect_error(app, [write(tmp_path, bad)], "uji.yaml",
                 "service_standards[0].requirements[1].code", "duplicate requirement code")


def test_duplicate_standard_code_across_files(app, tmp_path):
    other = {"service_standards": copy.deepcopy(GOOD["service_standards"])}
    errors = expect_error(app, [write(tmp_path, GOOD, "a.yaml"), write(tmp_path, other, "b.yaml")],
                          "b.yaml", "service_standards[0].code", "duplicate code")
    assert "a.yaml" in str(errors[0])


def test_unknown_document_type(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["service_standards"][0]["requirements"][1]["document_type"] = "ktpp"
    expect_error(app, [write(tmp_path, bad)], "uji.yaml",
                 "service_standards[0].requirements[1].document_type",
                 "unknown document type 'ktpp'")


def test_offering_that_refers_to_no_standard(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["mpp"]["agencies"][0]["services"].append({"standard": "dukcapil.tidak-ada"})
    expect_error(app, [write(tmp_path, bad)], "uji.yaml",
                 "mpp.agencies[0].services[1].standard", "refers to no service standard")


def test_standard_offered_by_the_wrong_kind_of_agency(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["mpp"]["agencies"][0]["kind"] = "pdam"
    expect_error(app, [write(tmp_path, bad)], "uji.yaml",
                 "mpp.agencies[0].services[0].standard", "cannot be offered by agency kind")


def test_choice_field_without_choices(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    del bad["service_standards"][0]["fields"][1]["choices"]
    expect_error(app, [write(tmp_path, bad)], "uji.yaml",
                 "service_standards[0].fields[1].choices", "needs choices")


def test_unknown_key_is_an_error_not_ignored(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["service_standards"][0]["fees"] = 10
    expect_error(app, [write(tmp_path, bad)], "uji.yaml", "service_standards[0].fees",
                 "Unknown field")


def test_wrong_type(app, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["service_standards"][0]["sla_days"] = "tiga"
    expect_error(app, [write(tmp_path, bad)], "uji.yaml", "service_standards[0].sla_days",
                 "Not a valid integer")


def test_invalid_yaml(app, tmp_path):
    path = tmp_path / "rusak.yaml"
    path.write_text("mpp:\n  code: uji\n   name: [unclosed\n")
    expect_error(app, [path], "rusak.yaml", "", "invalid YAML at line")


def test_invalid_json(app, tmp_path):
    path = tmp_path / "rusak.json"
    path.write_text('{"mpp": {"code": "uji",}}')
    expect_error(app, [path], "rusak.json", "", "invalid JSON at line 1")


def test_a_bad_file_among_good_ones_loads_nothing_at_all(app, tmp_path):
    good = write(tmp_path, GOOD, "good.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("document_types: {not: a list}\n")
    expect_error(app, [good, bad], "bad.yaml", "document_types", "Not a valid list")


def test_cli_prints_every_error_and_exits_1(app, runner, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["service_standards"][0]["requirements"][1]["document_type"] = "ktpp"
    bad["mpp"]["agencies"][0]["services"].append({"standard": "dukcapil.tidak-ada"})
    path = write(tmp_path, bad)
    result = runner.invoke(args=["catalog", "load", str(path)])
    assert result.exit_code == 1
    assert "nothing changed" in result.output
    assert f"{path}: service_standards[0].requirements[1].document_type: unknown document " \
           f"type 'ktpp'" in result.output
    assert f"{path}: mpp.agencies[0].services[1].standard" in result.output
    with app.app_context():
        assert db.session.scalar(select(Mpp).where(Mpp.code == "uji")) is None


def test_cli_loads_the_demo_catalog_idempotently(app, runner):
    result = runner.invoke(args=["catalog", "load", str(DEMO_CATALOG)])
    assert result.exit_code == 0, result.output
    assert "(unchanged)" in result.output  # the template database already holds it
