"""The OpenAPI document written on first read (server/api_spec.py) is the one flask-smorest
writes when each blueprint is registered: same paths, operations, components and tags, in the
same order, every documented route in it, and written once when two threads ask at once."""
from __future__ import annotations

import json
import threading

from server import create_app, extensions
from server.api_spec import LazySpecMixin


def build(tmp_path, name: str):
    app = create_app({"NAME": "testing", "INSTANCE_DIR": tmp_path / name,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.db"})
    return app, app.extensions["flask-smorest"]["apis"][""]["ext_obj"]


def eager_document(tmp_path, monkeypatch) -> dict:
    """The document of an app built with our Api class minus LazySpecMixin: the library
    writes each part as the app is built."""
    Api = extensions.Api
    eager = type("EagerApi", tuple(b for b in Api.__bases__ if b is not LazySpecMixin),
                 {k: v for k, v in vars(Api).items() if k not in ("__dict__", "__weakref__")})
    monkeypatch.setattr(extensions, "Api", eager)
    _, api = build(tmp_path, "eager")
    monkeypatch.undo()
    assert type(api) is eager and not isinstance(api, LazySpecMixin)
    assert len(api.spec.to_dict()["paths"]) > 40  # written while the app was built
    return api.spec.to_dict()


def test_the_document_is_written_on_first_read_and_equals_the_eager_one(tmp_path, monkeypatch):
    eager = eager_document(tmp_path, monkeypatch)
    app, api = build(tmp_path, "lazy")
    assert api._pending, "nothing was deferred: the app paid for the document at build"
    raw = api._raw_spec  # (not to_dict(): it changes the key order of later calls)
    assert raw._paths == {} and raw._tags == [] and raw.components.responses_lazy == {}
    assert raw.components.security_schemes == {}
    with app.test_client() as client:
        served = client.get("/api/openapi.json").get_json()
    assert api._pending == []
    # Equal, in the same order (json.dumps keeps the order of every mapping).
    assert json.dumps(served) == json.dumps(eager)
    assert json.dumps(api.spec.to_dict()) == json.dumps(eager)
    assert len(eager["paths"]) > 40 and eager["components"]["schemas"] and eager["tags"]

    # Every route of every documented blueprint, with each of its methods.
    documented = app.extensions["flask-smorest"]["blp_name_to_api"]
    routes = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in documented:
            continue
        path = api.flask_plugin.flaskpath2openapi(rule.rule)
        assert path in eager["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in eager["paths"][path], (method, path)
        routes += 1
    assert routes >= len(eager["paths"])


def test_a_blueprint_registered_after_a_read_is_documented_on_the_next(tmp_path):
    from server.extensions import Blueprint

    _, api = build(tmp_path, "late")
    before = json.loads(json.dumps(api.spec.to_dict()))  # to_dict() shares its dicts
    blp = Blueprint("late_blp", __name__, url_prefix="/api/late", description="Late")

    @blp.route("/thing")
    @blp.response(200)
    def thing():
        return {}

    api.register_blueprint(blp)
    after = api.spec.to_dict()
    assert "/api/late/thing" not in before["paths"]
    assert "get" in after["paths"]["/api/late/thing"]
    assert after["tags"][-1] == {"name": "late_blp", "description": "Late"}


def test_two_threads_reading_first_get_one_complete_document(tmp_path, monkeypatch):
    eager = eager_document(tmp_path, monkeypatch)
    _, api = build(tmp_path, "threads")
    start = threading.Barrier(2)
    documents, errors = [], []

    def read():
        start.wait()
        try:
            documents.append(json.dumps(api.spec.to_dict()))
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert documents == [json.dumps(eager)] * 2
