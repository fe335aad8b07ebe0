"""What goes into the wheel, beyond the metadata of setup.cfg: a wheel installed anywhere must run
the portal without the source tree.

* The top-level data folders (``standards/``, ``schemas/``, ``static/``) stay where the
  developers keep them and are mapped into the package as ``portal/_data/<folder>``;
  ``portal.datafiles`` finds them in either place.
* The package's own files that are not modules: templates, the alembic migrations (their
  ``versions/`` folder is no package), the demo's data.
* The message catalogs, compiled (``.mo``) while the wheel is built, with the same function the
  app uses (``portal.i18n.catalogs.compile_catalog``); the ``.po`` sources stay out of the wheel.

setup.cfg cannot map folders into a package next to ``packages = find:``, hence this file.
"""

import importlib.util
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: Top-level folders read at run time, and their package in the wheel (``portal.datafiles``).
DATA_FOLDERS = {f"portal._data.{name}": name for name in ("standards", "schemas", "static")}


def _catalogs_module():
    """``portal/i18n/catalogs.py`` loaded on its own: importing ``portal`` would need every
    run-time dependency in the build environment, this file needs babel and click only."""
    spec = importlib.util.spec_from_file_location(
        "_portal_i18n_catalogs", HERE / "portal" / "i18n" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithCatalogs(build_py):
    """build_py, then every ``messages.po`` compiled into the build as ``messages.mo``."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install runs from the tree: the app compiles there
            return
        catalogs = _catalogs_module()
        for po in catalogs.catalogs():
            relative = po.relative_to(HERE).with_suffix(".mo")
            target = Path(self.build_lib, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            catalogs.compile_catalog(po, target)
            print(f"compiled {po.relative_to(HERE)} -> {target}")


setup(
    packages=[
        *find_packages(include=["portal", "portal.*", "harvesters", "harvesters.*"]),
        *DATA_FOLDERS,
    ],
    package_dir=DATA_FOLDERS,
    # Only the files listed here: what MANIFEST.in adds to the source distribution (the .po
    # sources) stays out of the wheel.
    include_package_data=False,
    package_data={
        "portal": [
            "templates/**/*.html",
            "migrations/script.py.mako",
            "migrations/versions/*.py",
            "demo/data/*.json",
        ],
        **{package: ["**/*"] for package in DATA_FOLDERS},
    },
    exclude_package_data={package: ["**/__pycache__/*", "**/.*"] for package in DATA_FOLDERS},
    cmdclass={"build_py": BuildPyWithCatalogs},
)
