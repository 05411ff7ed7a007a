"""YAML export and import round trip (#18): the demo catalog loaded, exported with
`flask catalog export`, means what the source files mean; loading the export changes nothing
(same catalog version); exporting again gives the same bytes."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from server.catalog import loader
from server.catalog.export import hours_from_week
from server.catalog.loader import CatalogFileSchema, load_catalog, opening_intervals
from server.catalog.models import CatalogMeta
from server.extensions import db
from tests.conftest import DEMO_CATALOG


def _export(app, target: Path) -> dict[str, bytes]:
    result = app.test_cli_runner().invoke(args=["catalog", "export", str(target)])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(target.iterdir())}


def _meaning(files: dict[str, dict]) -> dict:
    """What a set of data files means to the loader: each top-level list keyed by code (or
    date), every document through the loader's schema (defaults filled), opening hours as
    the weekday intervals they give, a counter's default services made explicit."""
    schema = CatalogFileSchema()
    out: dict = {"document_types": {}, "service_standards": {}, "holidays": {}, "mpps": {}}
    for data in files.values():
        doc = schema.load(data)
        for d in doc.get("document_types", []):
            out["document_types"][d["code"]] = d
        for s in doc.get("service_standards", []):
            out["service_standards"][s["code"]] = s
        for h in doc.get("holidays", []):
            out["holidays"][h["date"]] = h
        if "mpp" in doc:
            mpp = dict(doc["mpp"])
            for key in ("address", "hours_id", "hours_en"):
                mpp.setdefault(key, "")
            mpp["holidays"] = sorted(mpp["holidays"], key=lambda h: h["date"])
            for agency in mpp["agencies"]:
                agency.setdefault("counter", "")
            if "visits" in mpp:
                visits = dict(mpp["visits"])
                visits["hours"] = opening_intervals(visits["hours"])
                offered = {a["code"]: [o["standard"] for o in a["services"]]
                           for a in mpp["agencies"]}
                for counter in visits["counters"]:
                    counter.setdefault("services", offered[counter["agency"]])
                mpp["visits"] = visits
            out["mpps"][mpp["code"]] = mpp
    return out


def _read_dir(path: Path) -> dict[str, dict]:
    return {f.name: yaml.load(f.read_text(encoding="utf-8"), Loader=loader._Loader)
            for f in loader.catalog_files([path])}


def test_export_means_the_source_and_round_trips_byte_for_byte(app, tmp_path):
    with app.app_context():
        first = _export(app, tmp_path / "first")
        assert sorted(first) == sorted(p.name for p in DEMO_CATALOG.iterdir()
                                       if p.suffix == ".yaml")
        assert _meaning(_read_dir(tmp_path / "first")) == _meaning(_read_dir(DEMO_CATALOG))

        version = db.session.get(CatalogMeta, 1).version
        summary = load_catalog([tmp_path / "first"], db.session)
        db.session.commit()
        assert not summary.changed and summary.version == version

        assert _export(app, tmp_path / "second") == first


def test_an_edited_export_loads_and_exports_as_edited(app, tmp_path):
    """Import of an edited file: the fee override lands, and the next export holds it."""
    with app.app_context():
        _export(app, tmp_path / "first")
        path = tmp_path / "first" / "mpp-langsa.yaml"
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=loader._Loader)
        offer = data["mpp"]["agencies"][1]["services"][0]
        assert offer == {"standard": "dukcapil.kk-baru"}
        offer["fee"] = 5000
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        summary = load_catalog([tmp_path / "first"], db.session)
        db.session.commit()
        assert summary.changed
        again = _export(app, tmp_path / "second")
        data = yaml.safe_load(again["mpp-langsa.yaml"])
        assert data["mpp"]["agencies"][1]["services"][0] == {
            "standard": "dukcapil.kk-baru", "fee": 5000}


@pytest.mark.parametrize("week", [
    {"0": [["08:00", "12:00"], ["13:00", "16:00"]], "4": [["08:00", "11:30"],
                                                         ["14:00", "16:00"]]},
    {"0": [["07:30", "15:00"]], "1": [["07:30", "15:00"]], "5": [["08:00", "12:00"]]},
])
def test_opening_hours_regrouped_give_the_same_week(week):
    hours = hours_from_week(week)
    parsed = loader.VisitsSchema().load({"hours": hours, "counters": [
        {"code": "x", "name": "X", "agency": "a", "share": {"online": 100, "walk_in": 0,
                                                            "assisted": 0}}]})
    assert opening_intervals(parsed["hours"]) == week
