"""Golden tests at the model level: spec -> Document dump. `pytest --update-golden` rewrites them."""
from pathlib import Path

import pytest

from shangli_brief.build import Workspace
from shangli_brief.model import dump
from shangli_brief.briefspec import load_spec

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "spec.yaml").exists())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_model_matches_golden(case, update_golden):
    actual = dump(Workspace().document(load_spec(case / "spec.yaml")))
    expected_file = case / "expected.model.txt"
    if update_golden:
        expected_file.write_text(actual, "utf-8")
    # a missing expectation fails: it is written only on request, after a person has looked
    assert expected_file.exists(), f"{expected_file} is missing: check the model, then run " \
        "pytest tests/test_golden.py --update-golden"
    assert actual == expected_file.read_text("utf-8")
