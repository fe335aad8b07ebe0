"""Every scrolling table of the PIGE pages is a named, keyboard-focusable region: its
``.table-scroll`` box has ``tabindex="0"`` (a box that scrolls but takes no focus cannot be
scrolled from the keyboard: axe's scrollable-region-focusable, WCAG 2.1.1), ``role="region"``
and a name (``aria-label``, or ``aria-labelledby`` pointing at elements of the page that have
text), as ``ui.scroll_table`` draws it. No two regions of a page share a name (axe's
landmark-unique: a named ``<section>`` is a region too, so a table region inside it needs a name
of its own), and ids stay unique. The pages are filled with the demo plans, so that every table
is drawn. Without a browser: tests/browser/test_a11y.py runs axe over the same pages."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from portal.pige.demo import DEMO_YEAR
from tests.pige.builders import demo_plans

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
PUBLIC_PAGES = ("/pige", "/pige/marco", "/pige/plan/mpd", "/pige/plan/mefp/v1",
                "/pige/evaluacion-final", f"/pige/evaluacion-final?year={DEMO_YEAR}")
#: The AGETIC's and the officer's pages, as a sysadmin sees them.
SIGNED_IN_PAGES = ("/pige", "/pige/revision", "/pige/evaluacion-final", "/pige/plan/mpd",
                   f"/pige/plan/mpd/v1/avance/{DEMO_YEAR}", "/pige/alcance/ine")


class _Regions(HTMLParser):
    """The attributes of every ``.table-scroll`` box and of every region (a named section or
    ``role="region"``), the text of every element with an id and how many times each id
    occurs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.boxes: list[dict[str, str | None]] = []
        self.regions: list[dict[str, str | None]] = []
        self.text: dict[str, str] = {}
        self.ids: dict[str, int] = {}
        self.open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element_id = attributes.get("id")
        if element_id:
            self.ids[element_id] = self.ids.get(element_id, 0) + 1
            self.text.setdefault(element_id, "")
        if "table-scroll" in (attributes.get("class") or "").split():
            self.boxes.append(attributes)
        named = attributes.get("aria-label") or attributes.get("aria-labelledby")
        if attributes.get("role") == "region" or (tag == "section" and named):
            self.regions.append(attributes)
        if tag not in VOID:
            self.open.append((tag, element_id))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if any(name == tag for name, _ in self.open):
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        for _tag, element_id in self.open:
            if element_id:
                self.text[element_id] += data


def _name(parser: _Regions, attributes: dict[str, str | None]) -> str:
    """The accessible name: the text of the aria-labelledby elements, else the aria-label."""
    refs = (attributes.get("aria-labelledby") or "").split()
    if refs:
        return " ".join(" ".join(parser.text.get(ref, "").split()) for ref in refs).strip()
    return " ".join((attributes.get("aria-label") or "").split())


def problems(html: str) -> tuple[list[str], int]:
    """What is wrong with the page's scrolling tables, and how many there are."""
    parser = _Regions()
    parser.feed(html)
    parser.close()
    found = [f"id {element_id!r} used {count} times"
             for element_id, count in parser.ids.items() if count > 1]
    for number, box in enumerate(parser.boxes, 1):
        where = f".table-scroll #{number}"
        if box.get("tabindex") != "0":
            found.append(f"{where}: tabindex={box.get('tabindex')!r}, not '0'")
        if box.get("role") != "region":
            found.append(f"{where}: role={box.get('role')!r}, not 'region'")
        missing = [ref for ref in (box.get("aria-labelledby") or "").split()
                   if ref not in parser.text]
        if missing:
            found.append(f"{where}: aria-labelledby names no element: {missing}")
        if not _name(parser, box):
            found.append(f"{where}: no accessible name")
    names: dict[str, int] = {}
    for region in parser.regions:
        name = _name(parser, region)
        if name:
            names[name] = names.get(name, 0) + 1
    found += [f"{count} regions named {name!r}" for name, count in names.items() if count > 1]
    return found, len(parser.boxes)


@pytest.fixture
def demo(app):
    """The demo plans (every step of the procedure, reports, a confidential plan) and root."""
    with app.app_context():
        demo_plans()


def _visit(client, paths) -> tuple[list[str], int]:
    found, boxes = [], 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        wrong, count = problems(response.get_data(as_text=True))
        assert count, f"{path}: no scrolling table (the check would pass on nothing)"
        found += [f"{path}: {problem}" for problem in wrong]
        boxes += count
    return found, boxes


def test_public_pige_tables_are_named_focusable_regions(client, demo):
    found, boxes = _visit(client, PUBLIC_PAGES)
    assert found == [], "\n".join(found)
    assert boxes > len(PUBLIC_PAGES)  # the loops' tables (lines, actions, targets) were drawn


def test_signed_in_pige_tables_are_named_focusable_regions(client, demo):
    response = client.post("/user/login", data={"username": "root", "password": "secreto-123"})
    assert response.status_code == 302
    # A classification changed from the portal: the scope page lists it in a table.
    response = client.post("/pige/alcance/ine", data={"paragraph": "II", "note": "Prueba."})
    assert response.status_code == 302, response.get_data(as_text=True)
    found, _boxes = _visit(client, SIGNED_IN_PAGES)
    assert found == [], "\n".join(found)


def test_the_check_sees_what_it_must():
    named = ('<h2 id="t">Tabla</h2><div class="table-scroll" tabindex="0" role="region" '
             'aria-labelledby="t"><table></table></div>')
    assert problems(named) == ([], 1)
    assert problems('<div class="table-scroll" tabindex="0" role="region" '
                    'aria-label="Tabla"><table></table></div>') == ([], 1)
    wrong, count = problems('<h2 id="t"> </h2><div class="table-scroll"><table></table></div>'
                            '<div class="table-scroll" tabindex="0" role="region" '
                            'aria-labelledby="x"></div><p id="t"></p>')
    assert count == 2
    assert wrong == ["id 't' used 2 times", ".table-scroll #1: tabindex=None, not '0'",
                     ".table-scroll #1: role=None, not 'region'",
                     ".table-scroll #1: no accessible name",
                     ".table-scroll #2: aria-labelledby names no element: ['x']",
                     ".table-scroll #2: no accessible name"]
    # A table region named like the section around it: two regions with one name.
    assert problems('<section aria-labelledby="t"><h2 id="t">Tabla</h2>'
                    '<div class="table-scroll" tabindex="0" role="region" aria-label=" Tabla">'
                    '<table></table></div></section>') == (["2 regions named 'Tabla'"], 1)
