"""The ``portal`` command line."""

import subprocess
import sys

from portal.auth import services as auth


def test_user_create_makes_a_sysadmin_who_can_log_in(runner, app):
    result = runner.invoke(args=["user", "create", "admin", "--email", "admin@example.org",
                                 "--password", "muy-secreto", "--sysadmin"])
    assert result.exit_code == 0, result.output
    assert "admin (sysadmin)" in result.output
    with app.app_context():
        user = auth.authenticate("admin", "muy-secreto")
        assert user is not None and user.sysadmin
        assert auth.authenticate("admin", "otra-clave") is None


def test_user_create_refuses_bad_input_with_a_message(runner):
    result = runner.invoke(args=["user", "create", "Con Espacio", "--email", "x",
                                 "--password", "corta"])
    assert result.exit_code != 0
    assert "name" in result.output and "email" in result.output and "password" in result.output


def test_console_script_is_installed_and_lists_commands():
    result = subprocess.run([sys.executable, "-m", "portal.cli", "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    for command in ("init", "run", "user"):
        assert command in result.stdout
