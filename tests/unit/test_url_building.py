"""The app's routes compile their URL builders on first use (server/web.py Rule): every
route builds the URL werkzeug's own eagerly compiled Rule builds, with and without extra
query arguments, and nothing is compiled while the app is built."""
from __future__ import annotations

import uuid

import pytest
from werkzeug.routing import Map
from werkzeug.routing import Rule as WerkzeugRule

from server import create_app, web

SAMPLES = {"int": 7, "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
           "code": "langsa.dukcapil.kk-baru", "path": "assets/app.js",
           "default": "abc-1"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("urls")
    return create_app({"NAME": "testing", "INSTANCE_DIR": base,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{base}/x.db"})


def values_for(rule) -> dict:
    out = {}
    for argument, converter in rule._converters.items():
        if type(converter).__name__ == "AnyConverter":
            out[argument] = sorted(converter.items)[0]
            continue
        kind = {"IntegerConverter": "int", "UUIDConverter": "uuid", "CodeConverter": "code",
                "PathConverter": "path"}.get(type(converter).__name__, "default")
        out[argument] = SAMPLES[kind]
    return out


def compiled(bound_builder):
    """The builder werkzeug compiled for this wrapper, or None while it has not."""
    function = bound_builder.__func__
    cells = dict(zip(function.__code__.co_freevars, function.__closure__))
    return cells["compiled"].cell_contents


def test_no_builder_is_compiled_until_a_url_is_built(tmp_path):
    app = create_app({"NAME": "testing", "INSTANCE_DIR": tmp_path,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    assert len(rules) > 40 and all(type(r) is web.Rule for r in rules)
    assert all(compiled(r._build) is None and compiled(r._build_unknown) is None
               for r in rules)
    with app.test_request_context():
        from flask import url_for

        assert url_for("web.healthz") == "/healthz"
        assert url_for("web.healthz", x="1") == "/healthz?x=1"
    healthz = next(r for r in rules if r.endpoint == "web.healthz")
    assert compiled(healthz._build_unknown) is not None  # url_for compiles what it uses
    assert sum(compiled(r._build_unknown) is not None for r in rules) == 1


def test_every_route_builds_the_url_werkzeugs_own_rule_builds(app):
    eager = Map([WerkzeugRule(r.rule, **r.get_empty_kwargs()) for r in app.url_map.iter_rules()],
                converters=app.url_map.converters)
    ours = app.url_map.bind("sekali.example", url_scheme="https")
    theirs = eager.bind("sekali.example", url_scheme="https")
    checked = 0
    for rule in app.url_map.iter_rules():
        values = values_for(rule)
        method = (sorted(rule.methods - {"HEAD", "OPTIONS"}) or sorted(rule.methods))[0]
        for extra in ({}, {"next": "/a b", "page": 2}):
            for full in (False, True):
                built = ours.build(rule.endpoint, {**values, **extra}, method=method,
                                   force_external=full)
                assert built == theirs.build(rule.endpoint, {**values, **extra},
                                             method=method, force_external=full), rule
        # and the URL routes back to the same endpoint with the same values
        path = ours.build(rule.endpoint, values, method=method)
        assert ours.match(path, method=method) == (rule.endpoint,
                                                   {**(rule.defaults or {}), **values})
        checked += 1
    assert checked > 40
