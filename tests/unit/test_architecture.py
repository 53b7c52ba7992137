"""The layers' import rules hold on the real tree, and the checker catches each kind of break on a made-up tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT
from support.architecture import violations


def test_the_project_keeps_every_import_rule():
    assert violations(ROOT) == []


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A minimal helpers/ + generators/ tree with `files` (path → source) added."""
    base = {
        "helpers/__init__.py": "",
        "helpers/core/__init__.py": "",
        "helpers/core/errors.py": "class DataError(ValueError): ...\n",
        "helpers/analysis/__init__.py": "",
        "helpers/analysis/funnel.py": "from helpers.core import errors\n",
        "helpers/io/__init__.py": "",
        "helpers/notebook/__init__.py": "",
        "helpers/workbooks/__init__.py": "",
        "helpers/workbooks/cases.py": "from generators import shop\n",
        "helpers/workbooks/registry.py": "from helpers.workbooks import alpha, beta\n",
        "helpers/workbooks/alpha.py": "from helpers.workbooks import cases\n",
        "helpers/workbooks/beta/__init__.py": "",
        "helpers/workbooks/beta/case.py": "from helpers.workbooks.beta import review\n",
        "helpers/workbooks/beta/review.py": "",
        "helpers/app/__init__.py": "",
        "helpers/app/cli.py": "from helpers.workbooks import registry\n",
        "helpers/__main__.py": "from helpers.app.cli import main\n",
        "generators/__init__.py": "",
        "generators/shop.py": "from helpers.core.errors import DataError\n",
    }
    for name, source in {**base, **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return tmp_path


def test_a_tree_that_follows_the_rules_passes(tmp_path):
    assert violations(tree(tmp_path, {})) == []


@pytest.mark.parametrize(
    ("path", "source", "message"),
    [
        ("helpers/core/fmt.py", "from helpers.analysis import funnel\n", "core must not import analysis"),
        ("generators/shop.py", "from helpers.io import tables\n", "generators must not import io"),
        ("generators/shop.py", "import helpers.notebook.story\n", "generators must not import notebook"),
        ("helpers/analysis/funnel.py", "from generators import shop\n", "analysis must not import generators"),
        ("helpers/analysis/funnel.py", "from helpers.notebook import story\n", "analysis must not import notebook"),
        ("helpers/io/tables.py", "from helpers.workbooks import cases\n", "io must not import workbooks"),
        ("helpers/notebook/story.py", "from generators.shop import SCHEMA\n", "notebook must not import generators"),
        ("helpers/notebook/story.py", "from helpers.app import cli\n", "notebook must not import app"),
        ("helpers/workbooks/alpha.py", "from helpers.app.cli import main\n", "workbooks must not import app"),
        ("helpers/workbooks/alpha.py", "from helpers.workbooks.beta import case\n", "workbook alpha must not import"),
        ("helpers/workbooks/beta/case.py", "from helpers.workbooks import alpha\n", "workbook beta must not import"),
        (
            "helpers/workbooks/cases.py",
            "from helpers.workbooks import alpha\n",
            "the shared cases module must not import",
        ),
        ("helpers/analysis/funnel.py", "def f():\n    from helpers.core import errors\n", "import inside a function"),
        ("helpers/analysis/funnel.py", "def f():\n    import scipy\n", "import inside a function"),
        ("helpers/workbooks/registry.py", "CHECK = 'generators.shop:check_parameters'\n", "code named by a string"),
        (
            "helpers/workbooks/cases.py",
            "import importlib\nm = importlib.import_module('generators.shop')\n",
            "dynamic import import_module()",
        ),
        ("helpers/app/cli.py", "m = __import__(f'generators.{1}')\n", "dynamic import __import__()"),
    ],
)
def test_each_broken_rule_is_reported_with_file_and_line(tmp_path, path, source, message):
    found = violations(tree(tmp_path, {path: source}))
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:") and message in found[0]


def test_a_heavy_third_party_import_may_stay_lazy_when_its_line_says_why(tmp_path):
    source = "def run():\n    import papermill  # lazy: three seconds to import, only runs need it\n"
    assert violations(tree(tmp_path, {"helpers/app/runner.py": source})) == []
    project = "def run():\n    from helpers.workbooks import registry  # lazy: a cycle\n"
    assert "import inside a function" in violations(tree(tmp_path, {"helpers/app/runner.py": project}))[0]
