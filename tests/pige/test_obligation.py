"""Who is overdue (DS 5468, Disposición Adicional Única, and Chapter VI, 6.1 num. 3).

DA Única I: "El Plan de Implementación de Gobierno Electrónico es aplicable al Órgano Ejecutivo,
a través de los Ministerios, entidades e instituciones bajo dependencia y tuición; y empresas
públicas." II and III: the other organs and central-level entities, the autonomous territorial
entities and the public universities "podrán implementar" it. 6.1 num. 3: "en un plazo máximo de
noventa (90) días calendario, de implementado el componente PIGE en el SRSP, deben registrar la
formulación de su PIGE institucional".
"""

from __future__ import annotations

import pytest

from portal.errors import NotAuthorized
from portal.pige import national, scope
from portal.pige import services as pige
from portal.pige.refusals import PlanRefused
from tests import factories
from tests.pige.builders import D, draft, user

#: The window from the default start (Monday 1 December 2025) ends on Monday 2 March 2026.
WINDOW_END = D(2026, 3, 2)


def _row(board, name):
    return next(r for r in board.rows if r.entity.name == name)


def test_an_obliged_entity_without_a_plan_is_overdue_once_the_window_closes(ctx, world):
    """DA Única I + 6.1 num. 3: a ministry that registered nothing is overdue after the 90
    calendar days, counted in calendar days; before that it is only due."""
    before = _row(national.dashboard(2026, D(2026, 2, 20)), "mefp")
    assert before.scope.obliged and before.plan is None
    assert before.step.status == "due" and not before.overdue
    assert before.step.deadline == WINDOW_END
    after = _row(national.dashboard(2026, D(2026, 3, 12)), "mefp")
    assert after.overdue and after.days_overdue == 10 and after.step.unit == "calendar_days"


def test_opening_a_draft_does_not_make_an_entity_look_worse(ctx, world):
    """An obliged entity with a draft past the window and one that never started are overdue
    by the same number of calendar days."""
    draft("mpd")
    board = national.dashboard(2026, D(2026, 3, 12))
    started, never = _row(board, "mpd"), _row(board, "mefp")
    assert started.overdue and never.overdue
    assert started.days_overdue == never.days_overdue == 10


def test_voluntary_entities_are_shown_as_such_not_as_failing(ctx, world):
    """DA Única II and III: entities that "podrán implementar" the plan are never overdue for
    the registration window; without a plan they are not listed as missing one."""
    factories.entity("umsa", title="Universidad Mayor de San Andrés", kind="universidad",
                     level="territorial")
    scope.set_scope("ine", "II", user("root"))
    draft("gam-la-paz")  # III, from its level
    board = national.dashboard(2026, D(2026, 6, 1))
    municipal = _row(board, "gam-la-paz")
    assert municipal.scope.paragraph == "III" and municipal.scope.kind == "voluntary"
    assert municipal.step.status == "overdue"  # the procedure's own clock...
    assert municipal.window_waived and not municipal.overdue  # ...binds no voluntary entity
    names = [r.entity.name for r in board.rows]
    assert "ine" not in names and "umsa" not in names  # voluntary, no plan
    assert [r.entity.name for r in board.overdue] == ["mefp", "mpd"]
    assert [r.entity.name for r in board.voluntary_with_plan] == ["gam-la-paz"]


def test_unclassified_entities_are_never_flagged(ctx, world):
    """An agency whose kind does not settle its paragraph waits for AGETIC to classify it."""
    board = national.dashboard(2026, D(2026, 6, 1))
    agency = _row(board, "ine")
    assert agency.scope.kind == "unclassified" and not agency.overdue
    scope.set_scope("ine", "i", user("reviewer"), "Bajo tuición del MPD.")
    agency = _row(national.dashboard(2026, D(2026, 6, 1)), "ine")
    assert agency.scope.paragraph == "I" and agency.scope.source == "recorded"
    assert agency.overdue


def test_the_dashboard_page_says_obliged_voluntary_and_days(client, app, world):
    with app.app_context():
        draft("gam-la-paz")
    page = client.get("/pige").get_data(as_text=True)
    assert "entidades obligadas" in page
    assert "Adopción voluntaria: sin plazo de registro" in page
    assert "días calendario de retraso" in page  # MEFP and MPD, obliged, no plan
    assert "Por clasificar" in page  # AGETIC and INE: agencies not yet classified


def test_only_agetic_or_a_sysadmin_classifies_and_bad_paragraphs_are_refused(ctx, world):
    with pytest.raises(NotAuthorized):
        scope.set_scope("ine", "I", user("officer"))
    with pytest.raises(PlanRefused) as info:
        scope.set_scope("ine", "IV", user("root"))
    assert info.value.code == "unknown_scope" and "use I, II o III" in str(info.value)
    assert scope.recorded() == {}


def test_scope_command(runner, app, world):
    result = runner.invoke(args=["pige", "scope", "ine", "I", "--note", "Tuición del MPD"])
    assert result.exit_code == 0, result.output
    assert "ine: paragraph I (obliged)" in result.output
    refused = runner.invoke(args=["pige", "scope", "ine", "IX"])
    assert refused.exit_code != 0 and "use I, II o III" in refused.output
    with app.app_context():
        assert set(scope.recorded().values()) == {"I"}
        assert pige.registration_deadline() == WINDOW_END
