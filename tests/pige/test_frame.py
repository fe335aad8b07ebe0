"""The national frame: what it holds, that it says what the decree says, how it refuses errors."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest

from portal.pige.frame import FRAME_DIR, FrameError, default_frame, load_frame

ROOT = Path(__file__).resolve().parents[2]
DECREE = ROOT.parent / "shared" / "seeds" / "000_d80ac52d757310ea.txt"


def _normalize(text: str) -> str:
    """Whitespace collapsed and the Gaceta's bold/italic asterisks dropped."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


@pytest.fixture(scope="module")
def decree() -> str:
    if not DECREE.exists():
        pytest.skip(f"decree text not available at {DECREE}")
    return _normalize(DECREE.read_text(encoding="utf-8"))


def _in_table(text: str, decree: str, slack: int = 60) -> bool:
    """``text`` read across a table split by a page break: its words, in order, within a span of
    at most ``slack`` extra words of the decree (cells of Cuadro N° 3 are cut by page headers)."""
    words, stream = _normalize(text).split(), decree.split()
    for start, word in enumerate(stream):
        if word != words[0]:
            continue
        i, pos = 1, start + 1
        limit = start + len(words) + slack
        while i < len(words) and pos < min(limit, len(stream)):
            if stream[pos] == words[i]:
                i += 1
            pos += 1
        if i == len(words):
            return True
    return False


def _bases(frame):
    plan, proc = frame.plan, frame.procedure
    yield plan.object_basis
    yield plan.period_basis
    yield from plan.scope
    yield plan.mission
    yield plan.vision
    for group in (proc.plan_kinds, proc.windows, proc.milestones, proc.states):
        for item in group:
            yield from item.legal_basis
    yield from proc.confidentiality_basis
    yield from proc.monitoring.legal_basis
    yield from proc.monitoring.annual_reports_basis
    yield from proc.monitoring.final_evaluation_basis


def test_three_axes_and_fourteen_lines_as_in_cuadro_2():
    frame = default_frame()
    assert [a.name for a in frame.axes] == [
        "Gobierno Soberano", "Gobierno Eficiente", "Gobierno Abierto y Participativo"]
    assert [ln.number for ln in frame.lines] == list(range(1, 15))
    assert [ln.number for ln in frame.lines_of_axis(1)] == [1, 2, 3, 4, 5]
    assert [ln.number for ln in frame.lines_of_axis(2)] == [6, 7, 8, 9, 10, 11, 12]
    assert [ln.number for ln in frame.lines_of_axis(3)] == [13, 14]
    assert frame.line(13).name == "Transparencia y datos abiertos"
    assert [s.number for s in frame.line(10).sections] == ["10.1", "10.2", "10.3"]
    assert frame.line(11).heading_name == "Calidad de los servicios públicos"


def test_every_line_result_has_exactly_one_target_of_cuadro_3():
    frame = default_frame()
    assert len(frame.targets) == 28
    for line in frame.lines:
        indexes = sorted(t.result_index for t in frame.targets_for_line(line.number))
        assert indexes == list(range(1, len(line.results) + 1)), line.number


def test_cuadro_3_rows_are_assigned_to_the_line_whose_results_they_repeat():
    """The Gaceta prints line numbers 11-13 one row off; results decide the line."""
    frame = default_frame()
    for target in frame.targets:
        chapter_iv = frame.line(target.line).results[target.result_index - 1]
        ratio = difflib.SequenceMatcher(None, chapter_iv, target.result).ratio()
        assert ratio > 0.85, (target.id, chapter_iv, target.result)
    assert frame.target("L12.M1").result.startswith("Contar con Instrumentos normativos")
    assert frame.target("L11.M2").responsible[0].slug == "agetic"


def test_numeric_and_qualitative_targets():
    frame = default_frame()
    l1 = frame.target("L1.M1").quantity
    assert (l1.kind, l1.value, l1.unit) == ("numeric", 100.0, "percent")
    training = frame.target("L8.M2").quantity
    assert (training.value, training.per) == (2.0, "año")
    assert training.unit == "programas de capacitación"
    assert frame.target("L1.M2").quantity.value == 1.0
    qualitative = {t.id for t in frame.targets if not t.quantity.is_numeric}
    assert qualitative == {"L2.M2", "L9.M1", "L10.M1", "L10.M2"}


def test_open_data_target_is_measurable_from_the_catalog():
    frame = default_frame()
    measured = frame.catalog_measurable_targets()
    assert [t.id for t in measured] == ["L13.M2"]
    measure = measured[0].measurable_from_catalog
    assert measure.unit == "percent"
    assert measure.numerator_criteria["organization_level"] == "central"
    assert measure.denominator_criteria == {"organization_level": "central"}
    assert "modelo sectorial de datos" in measure.caveat


def test_entities_named_in_cuadro_3_have_slugs():
    frame = default_frame()
    slugs = {e.slug for e in frame.entities}
    assert {"agetic", "adsib", "cgii", "egpp", "mopsv", "mefp", "mpd", "mdpyep", "mjti", "bcb",
            "coplutic", "ctic-epb", "entidades-publicas", "eta"} <= slugs
    assert frame.entity("cgii").part_of == "agetic"
    for target in frame.targets:
        for ref in (*target.responsible, *target.coordinators):
            assert ref.as_written.strip("- .") in (target.responsible_cell or "") + (
                target.coordinator_cell or ""), (target.id, ref)


def test_chapter_vi_deadlines():
    proc = default_frame().procedure
    periods = {s.id: (s.deadline.days, s.deadline.unit) for s in proc.states
               if s.deadline and s.deadline.kind == "period"}
    assert periods == {
        "registrado": (30, "business_days"), "observado": (15, "business_days"),
        "ajustado": (30, "business_days"), "conforme": (10, "business_days"),
        "codigo_asignado": (10, "business_days"), "aprobado": (10, "business_days"),
    }
    window = proc.window("first_registration")
    assert (window.days, window.unit) == (90, "calendar_days")
    assert proc.plan_kind("adecuacion").registration_window == "ds3251_adaptation"
    assert proc.plan_kind("actualizacion").registration_window is None
    assert proc.monitoring.final_evaluation_year == 2028
    assert proc.approved_states == {"aprobado", "resolucion_registrada", "publicado"}


def test_legal_bases_are_quoted_verbatim(decree):
    bases = list(_bases(default_frame()))
    assert len(bases) > 20
    missing = [b.reference for b in bases if _normalize(b.quote) not in decree]
    assert missing == []


def test_lines_objectives_and_results_are_verbatim(decree):
    frame = default_frame()
    texts = [frame.plan.title.upper().split(" 2025")[0]]
    for line in frame.lines:
        texts.append(line.heading_name or line.name)
        for section in line.sections:
            texts += [section.objective, section.description, *section.results]
            if section.title:
                texts.append(f"{section.number}. {section.title}")
    missing = [t for t in texts if _normalize(t) not in decree]
    assert missing == []


def test_cuadro_3_texts_are_in_the_decree(decree):
    frame = default_frame()
    missing = []
    for t in frame.targets:
        for text in (t.result, t.target, t.responsible_cell, t.coordinator_cell):
            if text and not _in_table(text, decree):
                missing.append((t.id, text))
    assert missing == []


def test_entity_names_from_the_decree_are_in_it(decree):
    names = [e.name for e in default_frame().entities if e.name_source == "decree"]
    assert [n for n in names if n not in decree] == []


def test_the_table_matcher_can_fail(decree):
    assert not _in_table("100% de las entidades publican planes de vuelo.", decree)


# ----------------------------------------------------------------------------- refusals


@pytest.fixture
def frame_dir(tmp_path) -> Path:
    target = tmp_path / "pige"
    shutil.copytree(FRAME_DIR, target)
    return target


def _edit(directory: Path, name: str, change) -> None:
    path = directory / name
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _codes(directory: Path) -> list[str]:
    with pytest.raises(FrameError) as info:
        load_frame(directory)
    return [p.code for p in info.value.problems]


def test_copied_frame_loads(frame_dir):
    assert len(load_frame(frame_dir).targets) == 28


def test_unknown_entity_slug_is_refused(frame_dir):
    _edit(frame_dir, "targets.json",
          lambda d: d["targets"][0]["responsible"][0].update(slug="agetik"))
    with pytest.raises(FrameError) as info:
        load_frame(frame_dir)
    problem = info.value.problems[0]
    assert (problem.code, problem.file) == ("unknown-entity", "targets.json")
    assert "agetik" in str(info.value)


def test_numeric_target_without_a_number_is_refused(frame_dir):
    _edit(frame_dir, "targets.json",
          lambda d: d["targets"][0]["quantity"].update(value="cien"))
    assert "wrong-type" in _codes(frame_dir)


def test_catalog_measure_on_a_qualitative_target_is_refused(frame_dir):
    def change(doc):
        doc["targets"][4]["measurable_from_catalog"] = doc["targets"][25]["measurable_from_catalog"]
    _edit(frame_dir, "targets.json", change)
    assert _codes(frame_dir) == ["measure-not-numeric"]


def test_every_problem_is_reported_at_once(frame_dir):
    def change(doc):
        del doc["targets"][0]
        doc["targets"][1]["id"] = doc["targets"][2]["id"]
        doc["targets"][3]["line"] = 15
    _edit(frame_dir, "targets.json", change)
    _edit(frame_dir, "procedure.json",
          lambda d: d["transitions"][0].update(to="archivado", roles=["director"]))
    codes = _codes(frame_dir)
    for code in ("result-without-target", "duplicate", "unknown-line", "unknown-state",
                 "unknown-role"):
        assert code in codes


def test_line_in_the_wrong_axis_is_refused(frame_dir):
    _edit(frame_dir, "lines.json", lambda d: d["lines"][12].update(axis=2))
    assert "axis-mismatch" in _codes(frame_dir)


def test_unknown_deadline_unit_is_refused(frame_dir):
    _edit(frame_dir, "procedure.json",
          lambda d: d["states"][1]["deadline"].update(unit="working_days"))
    assert _codes(frame_dir) == ["unknown-unit"]


def test_state_without_legal_basis_is_refused(frame_dir):
    _edit(frame_dir, "procedure.json", lambda d: d["states"][2].update(legal_basis=[]))
    assert _codes(frame_dir) == ["missing-legal-basis"]


def test_broken_and_missing_files_are_named(frame_dir):
    (frame_dir / "lines.json").write_text("{not json", encoding="utf-8")
    (frame_dir / "entities.json").unlink()
    with pytest.raises(FrameError) as info:
        load_frame(frame_dir)
    found = {(p.file, p.code) for p in info.value.problems}
    assert ("lines.json", "invalid-json") in found
    assert ("entities.json", "missing-file") in found
