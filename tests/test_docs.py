"""Documentation is tested: a setting missing from the README fails the suite."""

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from portal.catalog import services as catalog
from portal.config import SETTINGS
from portal.feeds.queries import PAGE_SIZE
from tests import factories
from tests.loopback import serving

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in README]
    assert missing == []


def test_readme_opens_with_the_two_commands():
    block = README.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in block] == [
        "python3 dev.py serve", "python3 dev.py test"]


def _readme_curl_commands() -> list[list[str]]:
    """The README's example ``curl`` reads, as argument lists (comments cut; those needing a
    token or a name to fill in left out)."""
    commands = []
    for block in README.split("```sh")[1:]:
        for line in block.split("```", 1)[0].splitlines():
            line = line.split("   #", 1)[0].strip()
            if line.startswith("curl ") and "$" not in line and "<" not in line \
                    and not line.endswith("\\"):
                commands.append(shlex.split(line))
    return commands


def test_readme_curl_examples_work_as_written(app, tmp_path):
    """Each example runs with the real curl against the portal served on a loopback port, as a
    reader would paste it (only the host changes): no globbing error, no HTTP error."""
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    commands = _readme_curl_commands()
    assert any("package_search" in " ".join(c) for c in commands)
    with app.app_context(), catalog.announcements_in_batches():
        # enough datasets for a second page of the DCAT catalog
        factories.entity("ine", title="Instituto Nacional de Estadística")
        for number in range(PAGE_SIZE + 1):
            factories.dataset(f"conjunto-{number}", title=f"Conjunto {number}")
    with serving(app) as base:
        for command in commands:
            args = [arg.replace("http://127.0.0.1:5000", base) for arg in command[1:]]
            done = subprocess.run([curl, "-sS", "-f", "-o", os.devnull, *args], cwd=tmp_path,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, (command, done.stderr)
