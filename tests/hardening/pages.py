"""Finds what a strict Content-Security-Policy would block in a page: inline scripts, inline
event handlers, ``javascript:`` URLs, ``<style>`` elements and ``style=`` attributes, and scripts
or styles from another origin."""

from __future__ import annotations

from html.parser import HTMLParser

#: ``<script>`` types that hold data, not code: CSP does not apply to them.
DATA_SCRIPTS = {"application/ld+json", "application/json"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> (inline event handler)")
            if name == "style":
                self.problems.append(f"<{tag} style=...> (inline style)")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip() \
                    .lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.problems.append("<style> element (inline style)")
        if tag == "script":
            if values.get("src"):
                self.scripts.append(values["src"])
            elif (values.get("type") or "").lower() not in DATA_SCRIPTS:
                self._inline_script = True
        if tag == "link" and "stylesheet" in (values.get("rel") or "").split():
            self.styles.append(values.get("href") or "")

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False


def csp_problems(html: str) -> tuple[list[str], list[str]]:
    """(what CSP would block, the scripts and stylesheets the page loads)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    problems = list(finder.problems)
    loaded = finder.scripts + finder.styles
    problems += [f"from another origin: {url}" for url in loaded if not url.startswith("/")
                 or url.startswith("//")]
    return problems, loaded
