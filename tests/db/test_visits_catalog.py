"""Opening hours, holidays and counters as catalog data (docs/catalog-format.md): every bad
input names the file and the path, all of them at once, and loads nothing."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml
from sqlalchemy import select

from server.catalog.calendar import holidays_of
from server.catalog.loader import CatalogLoadError, catalog_digest, load_catalog
from server.catalog.models import CatalogMeta, Counter, Holiday, Mpp, Service, VisitPolicy
from server.extensions import db
from tests.conftest import DEMO_CATALOG

STANDARDS = {"service_standards": [{
    "code": f"dukcapil.uji-{n}", "agency_kind": "dukcapil",
    "name_id": f"Layanan Uji {n}", "name_en": f"Test Service {n}",
    "description_id": "Uraian", "description_en": "Description",
    "procedure": [{"id": "Isi formulir", "en": "Fill in the form"}],
    "sla_days": 3, "fee": 0, "product_id": "Kartu", "product_en": "Card",
    "delivery": "pickup", "fields": [], "requirements": [], **extra,
} for n, extra in (("satu", {}), ("dua", {"visit_minutes": 20, "visit_after": "accepted"}))]}

MPP = {"mpp": {
    "code": "uji", "name": "MPP Uji", "city": "Kota Uji", "province": "Uji",
    "status": "open", "ref_prefix": "UJI",
    "agencies": [{"code": "dukcapil", "kind": "dukcapil", "name": "Dukcapil Uji",
                  "services": [{"standard": "dukcapil.uji-satu", "visit_minutes": 10},
                               {"standard": "dukcapil.uji-dua"}]}],
    "holidays": [{"date": "2026-12-17", "name_id": "Hari Jadi", "name_en": "Anniversary"}],
    "visits": {
        "slot_minutes": 30,
        "booking_window": {"min_days": 1, "max_days": 14},
        "max_open_bookings": 2,
        "cancel_hold_minutes": 15,
        "hours": [{"days": ["mon", "tue", "wed", "thu"], "open": "08:00", "close": "16:00",
                   "breaks": [{"start": "12:00", "end": "13:00"}]},
                  {"days": ["fri"], "open": "08:00", "close": "11:30"}],
        "counters": [
            {"code": "loket-1", "name": "Loket 1", "agency": "dukcapil", "desks": 2,
             "share": {"online": 50, "walk_in": 40, "assisted": 10},
             "services": ["dukcapil.uji-satu"]},
            {"code": "loket-2", "name": "Loket 2", "agency": "dukcapil",
             "share": {"online": 100, "walk_in": 0, "assisted": 0}},
        ],
    },
}}

HOLIDAYS = {"holidays": [
    {"date": "2026-12-25", "kind": "national", "name_id": "Hari Raya Natal",
     "name_en": "Christmas Day"},
    {"date": "2026-12-24", "kind": "cuti_bersama", "name_id": "Cuti Bersama Natal",
     "name_en": "Christmas Joint Holiday"},
]}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def files(tmp_path, mpp=None, holidays=None):
    return [write(tmp_path, "standards.yaml", STANDARDS),
            write(tmp_path, "mpp.yaml", mpp or MPP),
            write(tmp_path, "holidays.yaml", holidays or HOLIDAYS)]


def changed(mutate, base=MPP):
    data = copy.deepcopy(base)
    mutate(data)
    return data


def expect_errors(app, paths, *expected):
    """Loading fails with every (path, message part) expected, and changes nothing."""
    with app.app_context():
        before = catalog_digest(db.session), db.session.get(CatalogMeta, 1).version
        with pytest.raises(CatalogLoadError) as info:
            load_catalog(paths, db.session)
        db.session.rollback()
        assert (catalog_digest(db.session), db.session.get(CatalogMeta, 1).version) == before
    errors = info.value.errors
    for path, part in expected:
        assert any(e.path == path and part in e.message for e in errors), (
            path, part, [str(e) for e in errors])
    return errors


def test_the_demo_catalog_has_hours_counters_and_the_holidays_of_2026_and_2027(app):
    with app.app_context():
        langsa = db.session.scalar(select(Mpp).where(Mpp.code == "langsa"))
        policy = db.session.get(VisitPolicy, langsa.id)
        assert policy.week["0"] == [["08:00", "12:00"], ["13:00", "16:00"]]
        assert policy.week["4"] == [["08:00", "11:30"], ["14:00", "16:00"]]
        assert "5" not in policy.week and "6" not in policy.week
        days = holidays_of(db.session, "langsa")
        assert {dt.date(2026, 8, 17), dt.date(2027, 8, 17), dt.date(2026, 3, 21),
                dt.date(2026, 3, 23), dt.date(2026, 2, 18)} <= days  # national, cuti, local
        assert dt.date(2026, 12, 17) not in days  # Payakumbuh's own closure
        assert dt.date(2026, 12, 17) in holidays_of(db.session, "payakumbuh")
        # The preparing MPP takes no bookings but shares the national calendar.
        bks = db.session.scalar(select(Mpp).where(Mpp.code == "bengkulu-selatan"))
        assert db.session.get(VisitPolicy, bks.id) is None
        assert dt.date(2026, 8, 17) in holidays_of(db.session, "bengkulu-selatan")
        ktp = db.session.scalar(select(Service).where(
            Service.code == "langsa.dukcapil.ktp-el-baru"))
        assert (ktp.visit_minutes, ktp.visit_after) == (20, "accepted")
        nib = db.session.scalar(select(Service).where(Service.code == "langsa.dpmptsp.nib"))
        assert (nib.visit_minutes, nib.visit_after) == (15, "ready")
        # Every service an open MPP offers is served at one of its counters.
        for code in ("langsa", "payakumbuh"):
            mpp = db.session.scalar(select(Mpp).where(Mpp.code == code))
            offered = {s.id for a in mpp.agencies for s in a.services if s.active}
            served = {s.id for c in db.session.scalars(select(Counter).where(
                Counter.mpp_id == mpp.id)) for s in c.services}
            assert offered == served, code


def test_a_good_file_loads_and_reloading_changes_nothing(app, tmp_path):
    paths = files(tmp_path)
    with app.app_context():
        summary = load_catalog(paths, db.session)
        db.session.commit()
        assert summary.changed and summary.counters == 2 and summary.holidays == 3
        mpp = db.session.scalar(select(Mpp).where(Mpp.code == "uji"))
        counters = {c.code: c for c in db.session.scalars(
            select(Counter).where(Counter.mpp_id == mpp.id))}
        assert [s.standard_code for s in counters["loket-1"].services] == ["dukcapil.uji-satu"]
        assert [s.standard_code for s in counters["loket-2"].services] == [
            "dukcapil.uji-satu", "dukcapil.uji-dua"]  # no list: all the agency offers
        assert (counters["loket-1"].desks, counters["loket-1"].share_online) == (2, 50)
        services = {s.standard_code: s for s in db.session.scalars(
            select(Service).join(Service.agency).where(Service.code.like("uji.%")))}
        assert services["dukcapil.uji-satu"].visit_minutes == 10  # the offering's override
        assert services["dukcapil.uji-dua"].visit_after == "accepted"
        assert db.session.get(VisitPolicy, mpp.id).week["4"] == [["08:00", "11:30"]]
        # The demo calendar was replaced by this load's national list, plus uji's own day.
        assert holidays_of(db.session, "uji") == {
            dt.date(2026, 12, 17), dt.date(2026, 12, 24), dt.date(2026, 12, 25)}
        version = db.session.get(CatalogMeta, 1).version
        assert not load_catalog(paths, db.session).changed
        db.session.commit()
        assert db.session.get(CatalogMeta, 1).version == version


def test_editing_the_calendar_and_counters_updates_them_and_bumps_the_version(app, tmp_path):
    with app.app_context():
        load_catalog(files(tmp_path), db.session)
        db.session.commit()
        version = db.session.get(CatalogMeta, 1).version

        def edit(data):
            data["mpp"]["holidays"] = []
            data["mpp"]["visits"]["counters"].pop()  # loket-2 closes
            data["mpp"]["visits"]["counters"][0]["services"].append("dukcapil.uji-dua")
        later = {"holidays": HOLIDAYS["holidays"][:1]}
        summary = load_catalog(files(tmp_path, changed(edit), later), db.session)
        db.session.commit()
        assert summary.changed and db.session.get(CatalogMeta, 1).version == version + 1
        assert holidays_of(db.session, "uji") == {dt.date(2026, 12, 25)}
        mpp = db.session.scalar(select(Mpp).where(Mpp.code == "uji"))
        counters = {c.code: c for c in db.session.scalars(
            select(Counter).where(Counter.mpp_id == mpp.id))}
        assert counters["loket-2"].active is False  # kept for the slots that cite it
        assert len(counters["loket-1"].services) == 2


def test_a_load_without_a_holidays_file_keeps_the_national_calendar(app, tmp_path):
    with app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(Holiday).where(
            Holiday.mpp_id.is_(None)))
        load_catalog([write(tmp_path, "standards.yaml", STANDARDS),
                      write(tmp_path, "mpp.yaml", MPP)], db.session)
        db.session.commit()
        after = db.session.scalar(select(db.func.count()).select_from(Holiday).where(
            Holiday.mpp_id.is_(None)))
        assert before == after > 50


def test_every_error_of_the_visit_data_is_named_at_once_and_nothing_loads(app, tmp_path):
    def break_it(data):
        visits = data["mpp"]["visits"]
        visits["booking_window"] = {"min_days": 10, "max_days": 2}
        visits["hours"][0]["close"] = "07:00"
        visits["hours"][1]["days"] = ["fri", "mon"]
        visits["hours"][1]["breaks"] = [{"start": "09:00", "end": "10:00"},
                                        {"start": "09:30", "end": "10:30"}]
        visits["counters"][0]["share"] = {"online": 50, "walk_in": 50, "assisted": 10}
        visits["counters"][0]["services"] = ["dukcapil.uji-tiga"]
        visits["counters"][1]["agency"] = "imigrasi"
        data["mpp"]["holidays"].append(dict(data["mpp"]["holidays"][0]))
    holidays = {"holidays": HOLIDAYS["holidays"] + HOLIDAYS["holidays"][:1]}
    errors = expect_errors(
        app, files(tmp_path, changed(break_it), holidays),
        ("mpp.visits.booking_window", "min_days must not be after max_days"),
        ("mpp.visits.hours[0].close", "must be after open"),
        ("mpp.visits.hours[1].days", "'mon' already has opening hours"),
        ("mpp.visits.hours[1].breaks[1]", "must not overlap"),
        ("mpp.visits.counters[0].share", "must be 100"),
        ("mpp.visits.counters[0].services[0]", "does not offer 'dukcapil.uji-tiga'"),
        ("mpp.visits.counters[1].agency", "no agency 'imigrasi'"),
        ("mpp.agencies[0].services[0]", "served at no counter"),
        ("mpp.holidays[1].date", "duplicate date 2026-12-17"),
        ("holidays[2].date", "duplicate date 2026-12-25"),
    )
    assert all(e.file.endswith((".yaml")) for e in errors)


def test_a_time_yaml_reads_as_a_number_is_refused_with_a_hint(app, tmp_path):
    path = tmp_path / "mpp.yaml"
    text = yaml.safe_dump(MPP, sort_keys=False).replace("'13:00'", "13:00")
    assert "end: 13:00" in text  # unquoted: YAML 1.1 reads 13:00 as 780 (base 60)
    path.write_text(text)
    expect_errors(app, [write(tmp_path, "standards.yaml", STANDARDS), path],
                  ("mpp.visits.hours[0].breaks[0].end", "in quotes"))


@pytest.mark.parametrize("mutate, path, part", [
    (lambda d: d["mpp"]["visits"]["hours"][0].update(open="8 pagi"),
     "mpp.visits.hours[0].open", "HH:MM"),
    (lambda d: d["mpp"]["visits"]["hours"][0].update(days=["senin"]),
     "mpp.visits.hours[0].days[0]", "Must be one of"),
    (lambda d: d["mpp"]["visits"]["hours"][0]["breaks"][0].update(end="17:00"),
     "mpp.visits.hours[0].breaks[0]", "before closing"),
    (lambda d: d["mpp"]["visits"]["counters"][0].update(desks=0),
     "mpp.visits.counters[0].desks", "greater than or equal to 1"),
    (lambda d: d["mpp"]["visits"].pop("counters"), "mpp.visits.counters", "required"),
    # A 120-minute visit fits in no counter's online time of a 30-minute slot.
    (lambda d: d["mpp"]["agencies"][0]["services"][0].update(visit_minutes=120),
     "mpp.agencies[0].services[0]", "fits in no counter's online time"),
    (lambda d: d["mpp"]["visits"].update(closes_on_rain=True),
     "mpp.visits.closes_on_rain", "Unknown field"),
])
def test_bad_visit_data(app, tmp_path, mutate, path, part):
    expect_errors(app, files(tmp_path, changed(mutate)), (path, part))


def test_a_bad_standard_flag_is_named(app, tmp_path):
    standards = copy.deepcopy(STANDARDS)
    standards["service_standards"][1]["visit_after"] = "approved"
    expect_errors(app, [write(tmp_path, "standards.yaml", standards),
                        write(tmp_path, "mpp.yaml", MPP)],
                  ("service_standards[1].visit_after", "Must be one of"))


def test_the_demo_catalog_loads_with_its_calendar_from_the_command_line(runner):
    result = runner.invoke(args=["catalog", "load", str(DEMO_CATALOG)])
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output
