"""The demo catalog (data/catalog) as the sync engine sees it: ServiceSpec and
DocumentTypeSpec, read straight from the YAML so engine tests need no database.

This is a reader for tests, not a second loader: the files are assumed valid (the server's
loader and its tests check them). It builds codes and validation exactly like
server/catalog/loader.py does: service code "<mpp>.<standard>", validation from the keys
min_length, max_length, pattern, min, max, choices.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from sync.model import DocumentTypeSpec, FieldSpec, RequirementSpec, ServiceSpec

CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog"
VALIDATION_KEYS = ("min_length", "max_length", "pattern", "min", "max", "choices")


def _read(name: str) -> dict:
    with open(CATALOG / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=1)
def document_types() -> tuple[DocumentTypeSpec, ...]:
    return tuple(DocumentTypeSpec(d["code"], d["validity_days"])
                 for d in _read("document-types.yaml")["document_types"])


def _service(mpp: dict, agency: dict, std: dict, offer: dict) -> ServiceSpec:
    return ServiceSpec(
        code=f"{mpp['code']}.{std['code']}",
        ref_prefix=mpp["ref_prefix"],
        mpp_code=mpp["code"],
        agency_code=agency["code"],
        sla_days=offer.get("sla_days", std["sla_days"]),
        fields=tuple(FieldSpec(f["key"], f["type"], f.get("required", False),
                               f.get("profile_key"),
                               {k: f[k] for k in VALIDATION_KEYS if k in f})
                     for f in std["fields"]),
        requirements=tuple(RequirementSpec(r["code"], r["document_type"],
                                           r.get("required", True),
                                           tuple(r.get("formats", ("jpeg", "png", "webp",
                                                                   "pdf"))))
                           for r in std["requirements"]),
    )


@lru_cache(maxsize=1)
def services() -> dict[str, ServiceSpec]:
    standards = {s["code"]: s for s in _read("service-standards.yaml")["service_standards"]}
    out = {}
    for path in sorted(CATALOG.glob("mpp-*.yaml")):
        mpp = yaml.safe_load(path.read_text(encoding="utf-8"))["mpp"]
        for agency in mpp["agencies"]:
            for offer in agency.get("services", []):
                spec = _service(mpp, agency, standards[offer["standard"]], offer)
                out[spec.code] = spec
    return out


def service(code: str) -> ServiceSpec:
    return services()[code]
