"""The wheel is a complete deployment: installed anywhere, it runs the portal without the source
tree (standards/, schemas/, static/, templates, migrations, compiled catalogs; see setup.py and
portal/datafiles.py).

The wheel is built as ``python -m build`` builds it (a source distribution, then the wheel from
that alone), offline: ``--no-isolation`` uses this environment's setuptools, wheel, babel and
click (the test extras) instead of downloading the build requirements.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
#: The top-level folders read at run time, and where the wheel puts them (portal.datafiles).
DATA_FOLDERS = ("standards", "schemas", "static")
SHIPPED = "portal/_data"
SKIP_LINK = "Saltar al contenido principal"  # a msgid of base.html, on every page


def _files(folder: Path) -> list[Path]:
    """The files under ``folder`` (no caches, no hidden files), relative to the source root."""
    return sorted(path.relative_to(ROOT) for path in folder.rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts
                  and not any(part.startswith(".") for part in path.relative_to(folder).parts))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built once per run: xdist's workers share the folder above their own temporary ones (the
    run's), and two builds at once would both write the tree's .egg-info."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    out = shared / "test-wheel-dist"
    with (shared / "test-wheel.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not list(out.glob("*.whl")):
            done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                                   str(out), str(ROOT)],
                                  capture_output=True, text=True, timeout=300, check=False)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [built] = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.parametrize("folder", DATA_FOLDERS)
def test_wheel_carries_the_top_level_data_folders(names, folder):
    expected = [f"{SHIPPED}/{path.as_posix()}" for path in _files(ROOT / folder)]
    assert expected, folder
    assert [name for name in expected if name not in names] == []


def test_wheel_carries_every_file_of_the_package_that_is_not_code(names):
    """Templates, the migrations (``versions/`` is no package), the demo's data: every file of
    ``portal/`` and ``harvesters/`` but the catalogs' sources, which the wheel carries compiled."""
    sources = (".py", ".pyc", ".po", ".pot", ".mo", ".tmp")
    expected = [path.as_posix() for package in ("portal", "harvesters")
                for path in _files(ROOT / package) if not path.name.endswith(sources)]
    assert any(name.startswith("portal/templates/") for name in expected)
    assert "portal/migrations/script.py.mako" in expected
    assert [name for name in expected if name not in names] == []
    versions = [path.as_posix() for path in _files(ROOT / "portal" / "migrations" / "versions")
                if path.suffix == ".py"]
    assert versions and [name for name in versions if name not in names] == []


def _po(code: str) -> Path:
    return ROOT / "portal" / "translations" / code / "LC_MESSAGES" / "messages.po"


def _translation(code: str, msgid: str) -> str:
    with _po(code).open("rb") as handle:
        return read_po(handle)[msgid].string


def test_wheel_carries_compiled_catalogs_not_their_sources(wheel, names):
    from babel.support import Translations

    translated = [code for code in LANGUAGES if _po(code).exists()]
    assert "en" in translated  # Spanish is the source language: its msgids need no catalog
    for code in translated:
        assert f"portal/translations/{code}/LC_MESSAGES/messages.mo" in names, code
    assert [name for name in names if name.endswith((".po", ".pot"))] == []
    with zipfile.ZipFile(wheel) as archive, \
            archive.open("portal/translations/en/LC_MESSAGES/messages.mo") as handle:
        english = Translations(handle)
    assert english.gettext(SKIP_LINK) == _translation("en", SKIP_LINK) != SKIP_LINK


# --- installed in a fresh virtual environment ----------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_installed_wheel_runs_the_portal_without_the_source_tree(wheel, tmp_path):
    """``pip install`` of the wheel into a new virtual environment, outside the source tree,
    then ``portal init``, ``portal demo load`` and ``portal serve``: pages in Spanish and in
    English, a static file, and the pages that read standards/ and schemas/. The dependencies
    are not installed again: the new environment sees this one's site-packages after its own
    (a .pth file; this environment's editable install of the portal stays out of it)."""
    bindir = "Scripts" if os.name == "nt" else "bin"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / bindir / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    purelib = subprocess.run([str(python), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = sysconfig.get_paths()
    Path(purelib, "_test_dependencies.pth").write_text(
        "\n".join(dict.fromkeys([ours["purelib"], ours["platlib"]])) + "\n")

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PORTAL_", "PYTHON", "FLASK_", "VIRTUAL_ENV"))}
    env.update(PORTAL_INSTANCE_PATH=str(run_dir / "instance"), PORTAL_SECRET_KEY="test")

    def run(*args: str) -> str:
        done = subprocess.run([str(venv / bindir / "portal"), *args], cwd=run_dir, env=env,
                              capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
        return done.stdout

    where = subprocess.run(
        [str(python), "-c", "import json, portal, portal.datafiles as d; print(json.dumps("
         "[portal.__file__, str(d.STANDARDS_DIR), str(d.SCHEMAS_DIR), str(d.STATIC_DIR)]))"],
        cwd=run_dir, env=env, capture_output=True, text=True, check=True).stdout
    for path in json.loads(where):
        assert Path(path).is_relative_to(venv.resolve()), path
        assert not Path(path).is_relative_to(ROOT), path

    run("init")
    assert "datasets" in run("demo", "load")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([str(venv / bindir / "portal"), "serve", "--bind",
                               f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
                              cwd=run_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(f"{base}/api/3/action/status_show")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "portal serve did not answer"
                time.sleep(0.3)
        assert status == 200

        status, body = _get(f"{base}/")
        page = body.decode()
        assert status == 200 and '<html lang="es"' in page and SKIP_LINK in page

        status, body = _get(f"{base}/?lang=en")
        page = body.decode()
        assert status == 200 and '<html lang="en"' in page
        assert _translation("en", SKIP_LINK) in page and SKIP_LINK not in page

        status, body = _get(f"{base}/api/3/action/package_list")
        assert status == 200
        name = json.loads(body)["result"][0]
        status, body = _get(f"{base}/dataset/{name}")
        assert status == 200 and '<html lang="es"' in body.decode()

        for path in ("/licenses", "/schemas/ejecucion-presupuestaria",  # standards/, schemas/
                     "/mapas/bolivia/departamentos.geojson"):
            status, body = _get(base + path)
            assert status == 200, (path, body[:500])

        static = next(path for path in _files(ROOT / "static") if path.suffix == ".css")
        status, body = _get(f"{base}/{static.as_posix()}")
        assert status == 200 and body == (ROOT / static).read_bytes()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
