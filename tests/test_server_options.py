"""``portal serve``'s gunicorn settings come from the portal's settings."""

from __future__ import annotations

from portal import config, server


def test_workers_are_replaced_after_the_configured_number_of_requests():
    settings = config.load({})
    chosen = server.options(settings, bind="127.0.0.1:9000", workers=3, threads=2)
    assert chosen["bind"] == ["127.0.0.1:9000"] and chosen["workers"] == 3
    assert chosen["worker_class"] == "gthread" and chosen["threads"] == 2
    assert chosen["max_requests"] == 100_000 and chosen["max_requests_jitter"] == 10_000
    never = server.options(config.load({"PORTAL_SERVE_MAX_REQUESTS": 0}))
    assert never["max_requests"] == 0 and never["max_requests_jitter"] == 0


def test_a_worker_that_crashes_in_native_code_logs_its_python_stack(tmp_path):
    """A segmentation fault in a worker (here: the signal, as the kernel sends it) leaves the
    Python stack of its threads in the log, not only gunicorn's 'sent SIGSEGV'."""
    import os
    import signal
    import subprocess
    import time
    from pathlib import Path

    from bench.load import PORTAL, ROOT, environment, free_port, start_server

    env = {**environment(f"sqlite:///{tmp_path}/portal.db", tmp_path / "instance"),
           "PORTAL_SERVE_WORKERS": "1", "PORTAL_JOBS_MODE": "off"}
    subprocess.run([*PORTAL, "init"], env=env, check=True, capture_output=True, cwd=ROOT)
    log = tmp_path / "serve.log"
    process = start_server(env, free_port(), log)
    try:
        worker = int(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
                     .split()[0])
        os.kill(worker, signal.SIGSEGV)
        deadline = time.monotonic() + 20
        while "was sent SIGSEGV" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        text = log.read_text()
        assert "Fatal Python error: Segmentation fault" in text
        assert 'File "' in text  # the stack, frame by frame
    finally:
        process.terminate()
        process.wait(30)
