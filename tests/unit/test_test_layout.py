"""Test modules import their helpers from helper modules (tests/survey/world.py,
tests/api/concurrency.py, tests/push/helpers.py, a folder's conftest.py ...), never from
another test module: importing one runs its module-level code a second time under the
importer's collection, ties one test file's edits to another's, and a fixture imported that
way needs `noqa` markers that hide real redefinitions (issue #15)."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def is_test_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1].startswith("test_")


def imports_of_test_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, imported module) for each import in `source` (a module of `package`, e.g.
    "tests.api") of a module whose name starts with test_."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names
                      if any(part.startswith("test_") for part in alias.name.split("."))]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if any(part.startswith("test_") for part in module.split(".")):
                found.append((node.lineno, module))
            elif module.split(".")[0] == "tests":
                # `from tests.survey import test_survey_api`: the name is the module
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                          if is_test_module(alias.name)]
    return found


def test_the_finder_sees_each_way_of_importing_a_test_module():
    source = "\n".join([
        "from tests.survey.test_survey_api import completed",
        "from .test_worker import one",
        "from ..api.test_walk_in import BASE",
        "from tests.survey import test_survey_api",
        "import tests.api.test_accounts",
        "from . import test_worker",
        "from tests.survey.world import completed",  # these three are fine
        "from .helpers import one",
        "import pytest",
    ])
    assert imports_of_test_modules(source, "tests.push") == [
        (1, "tests.survey.test_survey_api"), (2, "tests.push.test_worker"),
        (3, "tests.api.test_walk_in"), (4, "tests.survey.test_survey_api"),
        (5, "tests.api.test_accounts"), (6, "tests.push.test_worker")]


def test_no_test_module_imports_another_test_module():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS.parent)
        package = ".".join(relative.parent.parts)
        for line, module in imports_of_test_modules(path.read_text(encoding="utf-8"),
                                                    package):
            offenders.append(f"{relative}:{line} imports {module}")
    assert not offenders, ("move the helpers these import into a helper module (or the "
                           "folder's conftest.py) and import them from there:\n"
                           + "\n".join(offenders))
