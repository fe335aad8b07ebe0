"""A small HTML5 checker for the page tests, on the standard library's ``html.parser``.

It reports what a browser would silently repair and a screen-reader user would trip over: unclosed
or mismatched tags, duplicate ids, form controls without a label, pages without exactly one
``<h1>``, without ``lang`` or without a ``<main>`` landmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Elements whose end tag HTML5 allows to omit; the portal's templates never omit them, but the
# checker must not report them if they appear inside raw Markdown output.
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "option"}
LABELLED_INPUTS = {"text", "search", "email", "url", "date", "password", "file", "checkbox",
                   "radio", "number", "tel"}


@dataclass
class PageReport:
    problems: list[str] = field(default_factory=list)
    h1_count: int = 0
    lang: str | None = None
    has_main: bool = False
    ids: dict[str, int] = field(default_factory=dict)
    label_for: set[str] = field(default_factory=set)
    controls: list[tuple[str, str | None, bool]] = field(default_factory=list)
    forms: list[dict[str, str]] = field(default_factory=list)
    post_forms_without_csrf: int = 0


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.report = PageReport()
        self.stack: list[tuple[str, int]] = []
        self.form_has_csrf: list[bool] = []
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        report = self.report
        element_id = attributes.get("id")
        if element_id:
            report.ids[element_id] = report.ids.get(element_id, 0) + 1
        if tag == "html":
            report.lang = attributes.get("lang")
        elif tag == "main":
            report.has_main = True
        elif tag == "h1":
            report.h1_count += 1
        elif tag == "label":
            if attributes.get("for"):
                report.label_for.add(attributes["for"])
            self.label_depth += 1
        elif tag == "form":
            report.forms.append(attributes)
            self.form_has_csrf.append(False)
        if tag in ("input", "select", "textarea"):
            kind = attributes.get("type", "text") if tag == "input" else tag
            if tag == "input" and attributes.get("name") == "csrf_token" and self.form_has_csrf:
                self.form_has_csrf[-1] = True
            if kind in LABELLED_INPUTS or tag != "input":
                named = bool(attributes.get("aria-label") or attributes.get("aria-labelledby")
                             or self.label_depth)
                report.controls.append((kind, element_id, named))
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.report.problems.append(f"end tag for void element </{tag}>")
            return
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)
        if tag == "form":
            forms = self.report.forms
            has_csrf = self.form_has_csrf.pop() if self.form_has_csrf else False
            if forms and forms[-1].get("method", "get").lower() == "post" and not has_csrf:
                self.report.post_forms_without_csrf += 1
        while self.stack and self.stack[-1][0] != tag and self.stack[-1][0] in OPTIONAL_END:
            self.stack.pop()
        if not self.stack or self.stack[-1][0] != tag:
            closes = f"<{self.stack[-1][0]}> opened on line {self.stack[-1][1]}" \
                if self.stack else "nothing"
            self.report.problems.append(f"line {self.getpos()[0]}: </{tag}> closes {closes}")
            # Recover like a browser: pop up to the matching tag if it is open.
            if any(name == tag for name, _ in self.stack):
                while self.stack and self.stack.pop()[0] != tag:
                    pass
            return
        self.stack.pop()

    def close(self):
        super().close()
        for tag, line in self.stack:
            if tag not in OPTIONAL_END:
                self.report.problems.append(f"<{tag}> opened on line {line} is never closed")


def check_page(html: str) -> PageReport:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    report = parser.report
    if not html.lstrip().lower().startswith("<!doctype html>"):
        report.problems.append("missing <!doctype html>")
    if report.h1_count != 1:
        report.problems.append(f"{report.h1_count} <h1> elements (want exactly one)")
    if not report.lang:
        report.problems.append("<html> has no lang attribute")
    if not report.has_main:
        report.problems.append("no <main> landmark")
    for element_id, count in report.ids.items():
        if count > 1:
            report.problems.append(f"id {element_id!r} used {count} times")
    for kind, element_id, named in report.controls:
        if not named and (element_id is None or element_id not in report.label_for):
            report.problems.append(f"{kind} control id={element_id!r} has no label")
    if report.post_forms_without_csrf:
        report.problems.append(f"{report.post_forms_without_csrf} POST form(s) without csrf_token")
    return report


def assert_valid_page(html: str, lang: str = "es") -> PageReport:
    report = check_page(html)
    assert report.problems == [], "\n".join(report.problems)
    assert report.lang == lang
    return report
