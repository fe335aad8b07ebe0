#!/usr/bin/env python3
"""Set up and run the portal, or its test suite, on a machine with only Python 3 and git.

    python3 dev.py serve    # virtualenv + install + database + demo catalog, then serve
    python3 dev.py test     # virtualenv + install + conformance files + ruff + the whole suite

Everything goes into ./.venv and ./instance; nothing is installed system-wide, except that
``test`` with PORTAL_TEST_POSTGRES=1 (as CI sets it) installs and starts a throwaway PostgreSQL
server with the system's package manager and runs the suite a second time against it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PG_DIR = ROOT / ".postgres"
PG_PORT = int(os.environ.get("PORTAL_TEST_PG_PORT", "54329"))


def run(*args: str | Path, env: dict | None = None, check: bool = True) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=check).returncode


def ensure_venv(extras: str = "") -> None:
    """Create .venv and install the project; reinstall only when its packaging changed."""
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
        run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    stamp = VENV / f".installed{extras}"
    digest = hashlib.sha256(b"".join((ROOT / name).read_bytes()
                                     for name in ("setup.cfg", "setup.py"))).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    run(BIN / "python", "-m", "pip", "install", "-q", "-e", target)
    stamp.write_text(digest)


def serve() -> None:
    ensure_venv()
    portal = BIN / "portal"
    run(portal, "init")
    run(portal, "demo", "load")
    host = os.environ.get("PORTAL_HOST", "127.0.0.1")
    port = os.environ.get("PORTAL_PORT", "5000")
    print(f"\nPortal running at http://{host}:{port}/  (Ctrl+C to stop)\n", flush=True)
    os.execv(str(portal), [str(portal), "run", "--host", host, "--port", port])


def _pg_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


def start_postgres() -> str:
    """A throwaway PostgreSQL cluster in ./.postgres, owned by the postgres system user."""
    if _pg_bin() is None:
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            sys.exit("PostgreSQL is not installed; install it or unset PORTAL_TEST_POSTGRES.")
        run("apt-get", "update", "-q")
        run("apt-get", "install", "-y", "-q", "postgresql")
    pg_bin = _pg_bin()
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = PG_DIR / "data"
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(PG_DIR, ignore_errors=True)
        PG_DIR.mkdir()
        if as_pg:
            shutil.chown(PG_DIR, "postgres", "postgres")
        run(*as_pg, pg_bin / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
    status = subprocess.run([*as_pg, str(pg_bin / "pg_ctl"), "-D", str(data), "status"],
                            capture_output=True)
    if status.returncode == 0:  # already running: on the port it was started with
        port = int((data / "postmaster.pid").read_text().splitlines()[3])
    else:
        port = PG_PORT if _port_free(PG_PORT) else _port_free(0)
        if port != PG_PORT:  # another checkout's cluster, say
            print(f"Port {PG_PORT} is taken: the test PostgreSQL listens on {port}.", flush=True)
        run(*as_pg, pg_bin / "pg_ctl", "-D", data, "-l", PG_DIR / "server.log", "-w", "-o",
            f"-p {port} -k {PG_DIR} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    for _ in range(30):
        ready = subprocess.run([str(pg_bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                               capture_output=True)
        if ready.returncode == 0:
            break
        time.sleep(1)
    subprocess.run([*as_pg, str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                    "-U", "postgres", "portal_test"], capture_output=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/portal_test"


def _port_free(port: int) -> int:
    """``port`` when nothing listens on it on 127.0.0.1 (0: any free port), else 0."""
    with socket.socket() as probe:
        # As PostgreSQL binds: closed connections' TIME_WAIT do not make a port taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return 0
        return probe.getsockname()[1]


def ensure_chromium() -> None:
    """Debian's Chromium for the browser tests (Playwright drives it; it comes with the test
    extra). Installed with apt-get when missing and running as root; otherwise the browser
    tests skip with the reason."""
    if shutil.which("chromium") or shutil.which("chromium-browser") \
            or os.environ.get("PORTAL_TEST_CHROMIUM"):
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print("Chromium is not installed: the browser tests will be skipped.", flush=True)
        return
    run("apt-get", "update", "-q")
    run("apt-get", "install", "-y", "-q", "chromium")


def test(pytest_args: list[str]) -> None:
    ensure_venv("test")
    ensure_chromium()
    python = BIN / "python"
    if not os.environ.get("PORTAL_CONFORMANCE_DIR") and not (ROOT.parent / "shared").is_dir():
        run(python, ROOT / "scripts" / "fetch_conformance.py")
    run(BIN / "ruff", "check", ".")
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in pytest_args):
        # One test process per core (pytest-xdist); files stay whole on one process.
        workers = os.environ.get("PORTAL_TEST_WORKERS", "auto")
        pytest_args = ["-n", workers, "--dist", "loadfile", *pytest_args]
    run(python, "-m", "pytest", *pytest_args)
    if os.environ.get("PORTAL_TEST_POSTGRES") == "1":
        env = {**os.environ, "PORTAL_TEST_DATABASE_URL": start_postgres()}
        print("\nThe same suite against PostgreSQL:", flush=True)
        run(python, "-m", "pytest", *pytest_args, env=env)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"serve", "test"}:
        sys.exit(__doc__)
    try:
        if sys.argv[1] == "serve":
            serve()
        else:
            test(sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
