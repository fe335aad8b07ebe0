"""``config.code_fingerprint``: what the kept answers (stored dictionaries, entity tags) are
keyed by besides the version, so that a deploy of other code does not serve what the old code
made."""

from __future__ import annotations

from pathlib import Path

from portal import config

fingerprint = config.code_fingerprint.__wrapped__  # uncached: each call reads the files again


def _tree(root: Path) -> Path:
    (root / "pkg" / "templates").mkdir(parents=True)
    (root / "pkg" / "module.py").write_text("ANSWER = 42\n")
    (root / "pkg" / "templates" / "page.html").write_text("<p>{{ answer }}</p>\n")
    (root / "pkg" / "messages.po").write_text('msgid "Hola"\nmsgstr "Hello"\n')
    return root / "pkg"


def test_a_change_to_code_templates_or_catalogs_changes_it(tmp_path):
    package = _tree(tmp_path)
    first = fingerprint((package,))
    assert fingerprint((package,)) == first  # the same files: the same digest
    for name, text in (("module.py", "ANSWER = 43\n"),
                       ("templates/page.html", "<p>{{ other }}</p>\n"),
                       ("messages.po", 'msgid "Hola"\nmsgstr "Hi"\n')):
        (package / name).write_text(text)
        changed = fingerprint((package,))
        assert changed != first, name
        first = changed
    (package / "renamed.py").write_text((package / "module.py").read_text())
    (package / "module.py").unlink()
    assert fingerprint((package,)) != first  # a moved file too


def test_what_a_process_writes_at_run_time_does_not_count(tmp_path):
    package = _tree(tmp_path)
    before = fingerprint((package,))
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"\0compiled")
    (package / "messages.mo").write_bytes(b"compiled by the app at start-up")
    (package / "notes.txt").write_text("not served")
    assert fingerprint((package,)) == before


def test_a_wheel_s_compiled_catalogs_count_where_no_source_is_shipped(tmp_path):
    package = _tree(tmp_path)
    (package / "messages.po").unlink()
    (package / "messages.mo").write_bytes(b"one")
    first = fingerprint((package,))
    (package / "messages.mo").write_bytes(b"two")
    assert fingerprint((package,)) != first


def test_the_running_portal_s_fingerprint_is_stable():
    assert config.code_fingerprint() == fingerprint()
    assert len(config.code_fingerprint()) == 16
