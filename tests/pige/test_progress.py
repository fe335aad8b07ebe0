"""Progress against targets: per indicator, line, plan and nationally; catalog-measured target."""

from __future__ import annotations

import pytest

from portal.pige.frame import default_frame
from portal.pige.progress import (
    NO_TARGET,
    NOT_REPORTED,
    REPORTED,
    Indicator,
    PlanInput,
    ProgressError,
    catalog_attainment,
    indicator_progress,
    national_progress,
    parse_number,
    plan_progress,
)


def ind(ident, line, baseline, targets, achieved=None):
    return Indicator.from_dict({"id": ident, "line": line, "name": ident, "baseline": baseline,
                                "targets": targets, "achieved": achieved or {}})


def test_progress_is_measured_from_the_baseline():
    indicator = ind("tramites-digitales", 6, 20, {2026: 60, 2028: 100}, {2026: 50})
    result = indicator_progress(indicator, 2026)
    assert result.status == REPORTED
    assert result.ratio == pytest.approx(0.75)  # (50 - 20) / (60 - 20)
    assert result.progress == pytest.approx(0.75)
    assert result.met is False


def test_exceeding_the_target_is_capped_and_met():
    result = indicator_progress(ind("x", 3, 0, {2026: 10}, {2026: 15}), 2026)
    assert (result.ratio, result.progress, result.met) == (1.5, 1.0, True)


def test_falling_below_the_baseline_is_zero():
    result = indicator_progress(ind("x", 3, 10, {2026: 20}, {2026: 5}), 2026)
    assert (result.ratio, result.progress) == (-0.5, 0.0)


def test_a_target_below_the_baseline_progresses_downwards():
    """E.g. days to complete a procedure: from 30 down to 10."""
    result = indicator_progress(ind("dias", 6, 30, {2027: 10}, {2027: 15}), 2027)
    assert result.progress == pytest.approx(0.75)


def test_missing_baseline_counts_as_zero_and_equal_target_is_met_or_not():
    assert indicator_progress(ind("x", 1, None, {2026: 8}, {2026: 2}), 2026).progress == 0.25
    assert indicator_progress(ind("x", 1, 5, {2026: 5}, {2026: 5}), 2026).met is True
    assert indicator_progress(ind("x", 1, 5, {2026: 5}, {2026: 4}), 2026).progress == 0.0


def test_no_report_and_no_target_are_told_apart():
    indicator = ind("x", 1, 0, {2027: 10}, {2027: 3})
    assert indicator_progress(indicator, 2026).status == NO_TARGET
    assert indicator_progress(ind("x", 1, 0, {2026: 10}), 2026).status == NOT_REPORTED


def test_numbers_as_text_are_accepted():
    indicator = Indicator.from_dict({"id": "x", "line": 13, "baseline": "0",
                                     "targets": {"2026": "12,5"}, "achieved": {2026: "10.0"}})
    assert indicator.targets == {2026: 12.5}
    assert indicator_progress(indicator, 2026).progress == pytest.approx(0.8)


@pytest.mark.parametrize(("data", "code"), [
    ({"targets": {2026: "alto"}}, "target_not_numeric"),
    ({"targets": {2026: True}}, "target_not_numeric"),
    ({"targets": {2026: "80%"}}, "target_not_numeric"),
    ({"targets": {2026: float("nan")}}, "target_not_numeric"),
    ({"targets": {}}, "missing_targets"),
    ({"targets": {2029: 5}}, "year_outside_period"),
    ({"targets": {2026: 5}, "achieved": {2024: 1}}, "year_outside_period"),
    ({"targets": {2026: 5}, "achieved": {2026: "mucho"}}, "achieved_not_numeric"),
    ({"targets": {2026: 5}, "baseline": "n/d"}, "baseline_not_numeric"),
    ({"targets": {2026: 5}, "line": 15}, "unknown_line"),
])
def test_bad_indicators_are_refused(data, code):
    with pytest.raises(ProgressError) as info:
        Indicator.from_dict({"id": "ind-1", "line": 6, **data})
    assert info.value.code == code
    assert "ind-1" in info.value.message


def test_message_names_the_value_and_the_period():
    with pytest.raises(ProgressError) as info:
        Indicator.from_dict({"id": "ind-1", "line": 6, "targets": {2029: 5}})
    assert info.value.message == (
        "El año 2029 de la meta del indicador ind-1 está fuera del periodo del plan (2025-2028).")
    with pytest.raises(ProgressError) as info:
        parse_number("alto", what="La meta 2026 del indicador ind-1", code="target_not_numeric")
    assert info.value.message == (
        "La meta 2026 del indicador ind-1 debe ser un número; se recibió «alto».")


def test_progress_for_a_year_outside_the_period_is_refused():
    with pytest.raises(ProgressError) as info:
        indicator_progress(ind("x", 1, 0, {2026: 1}), 2030)
    assert info.value.code == "year_outside_period"


def plan_a():
    return PlanInput("agetic", (
        ind("a1", 13, 0, {2026: 10}, {2026: 10}),  # 1.0
        ind("a2", 13, 0, {2026: 10}, {2026: 5}),  # 0.5
        ind("a3", 6, 0, {2026: 4}, {2026: 1}),  # 0.25
        ind("a4", 6, 0, {2026: 4}),  # not reported
    ), state="publicado")


def test_plan_progress_weighs_each_line_equally():
    result = plan_progress(plan_a(), 2026)
    assert [ln.line for ln in result.lines] == [6, 13]
    assert result.line(13).progress == pytest.approx(0.75)
    assert result.line(6).progress == pytest.approx(0.25)
    assert result.progress == pytest.approx(0.5)
    assert result.coverage == pytest.approx(0.75)
    assert (result.line(13).reported, result.line(13).met) == (2, 1)


def test_national_progress_and_entities_with_and_without_plan():
    plan_b = PlanInput("mopsv", (ind("b1", 13, 0, {2026: 4}, {2026: 1}),), state="registrado")
    secret = PlanInput("mefp", (ind("c1", 7, 0, {2026: 1}, {2026: 1}),), state="aprobado",
                       confidential=True)
    result = national_progress([plan_a(), plan_b, secret],
                               ["agetic", "mopsv", "mefp", "adsib", "egpp"], 2026)
    assert result.entities_total == 5
    assert result.entities_with_plan == ("agetic", "mopsv", "mefp")
    assert result.entities_without_plan == ("adsib", "egpp")
    assert result.entities_with_approved_plan == ("agetic", "mefp")
    # The confidential plan's content stays out of the averages.
    assert result.plans_counted == 2
    assert result.progress == pytest.approx((0.5 + 0.25) / 2)
    assert result.by_line[13] == pytest.approx((0.75 + 0.25) / 2)
    assert result.by_line[7] is None
    assert set(result.by_line) == set(range(1, 15))
    with_secret = national_progress([plan_a(), plan_b, secret], ["agetic"], 2026,
                                    include_confidential=True)
    assert with_secret.by_line[7] == 1.0


def test_national_progress_refuses_two_plans_of_one_entity():
    with pytest.raises(ProgressError) as info:
        national_progress([plan_a(), plan_a()], ["agetic"], 2026)
    assert info.value.code == "duplicate_plan"


def test_plan_from_plain_data():
    plan = PlanInput.from_dict({"entity": "adsib", "state": "aprobado", "indicators": [
        {"id": "d1", "line": 13, "targets": {2026: 100}, "achieved": {2026: 40}}]})
    assert plan_progress(plan, 2026).progress == pytest.approx(0.4)


def test_open_data_target_measured_from_the_catalog():
    target = default_frame().target("L13.M2")
    result = catalog_attainment(target, numerator=12, denominator=48)
    assert (result.value, result.target_value, result.met) == (25.0, 100.0, False)
    assert result.progress == pytest.approx(0.25)
    assert catalog_attainment(target, 48, 48).met is True
    assert catalog_attainment(target, 0, 0).value is None


def test_catalog_attainment_refusals():
    frame = default_frame()
    with pytest.raises(ProgressError) as info:
        catalog_attainment(frame.target("L13.M1"), 1, 2)
    assert info.value.code == "not_measurable_from_catalog"
    with pytest.raises(ProgressError) as info:
        catalog_attainment(frame.target("L13.M2"), 3, 2)
    assert info.value.code == "invalid_count"
    with pytest.raises(ProgressError) as info:
        catalog_attainment(frame.target("L13.M2"), -1, 2)
    assert info.value.code == "invalid_count"
