"""The national-scale pipeline (kgtool.synth + kgtool.scale) at a small size, so it cannot rot:
generate in the real file formats, import through the real importers into a store on disk,
reopen, reason, validate, run every saved query — each step in its own process."""
from __future__ import annotations

import json

import pytest

from kgtool import queries
from kgtool.scale import STEPS, run_steps
from kgtool.synth import figure_1_distribution, generate

pytestmark = pytest.mark.slow


def test_figure_1_distribution_is_read_from_the_ontology():
    counts = figure_1_distribution()
    assert counts["Chonaikai"] == 292227 and counts["ShukyoHojin"] == 182641
    assert sum(counts.values()) == 1524846


def test_generator_is_deterministic_and_plants_what_it_says(tmp_path):
    a = generate(tmp_path / "a", organizations=1500, seed=5, violations=4)
    b = generate(tmp_path / "b", organizations=1500, seed=5, violations=4)
    assert a.organizations == 1500 and a.by_form == b.by_form
    assert (tmp_path / "a" / "nta" / "houjin.csv").read_bytes() == (tmp_path / "b" / "nta" / "houjin.csv").read_bytes()
    assert set(a.planted) == {"invalid_corporate_number_check_digit", "post_ends_before_it_starts",
                              "relation_with_one_participant", "share_above_100"}
    assert json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))["planted"] == a.planted


def test_pipeline_runs_end_to_end_and_validation_finds_the_planted_violations(tmp_path):
    manifest = generate(tmp_path / "data", organizations=1500, seed=2, violations=5)
    results = {r.step: r for r in run_steps(list(STEPS), data=tmp_path / "data", store=tmp_path / "store",
                                            repeats=3, timeout=900, log=lambda _: None)}
    for step in STEPS:
        assert results[step].error is None, (step, results[step].error)
    imported = results["import"].details
    assert imported["rows"] > manifest.organizations and imported["quads"] > 50_000
    assert results["reason"].details["consistent"] and results["reason"].details["organisations_placed"] >= 1450
    found = results["validate"].details["by_shape"]
    planted = manifest.planted
    assert found.get("Post-start LessThanOrEqualsConstraintComponent") == planted["post_ends_before_it_starts"]
    assert found.get("CoProductionRelation-participant MinCountConstraintComponent") == planted["relation_with_one_participant"]
    assert found.get("SurveyIndicator-share MaxInclusiveConstraintComponent") == planted["share_above_100"]
    assert found.get("Organization-corporateNumberCheckDigit SPARQLConstraintComponent") == planted["invalid_corporate_number_check_digit"]
    ran = results["query"].details["per_query"]
    assert set(ran) == set(queries.catalogue())
    assert results["query"].details["partner_samples"] == 3
