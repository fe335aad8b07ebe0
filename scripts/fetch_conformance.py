#!/usr/bin/env python3
"""Download the public conformance files the tests read, from their upstream repositories.

Used when the checkout has no ``../shared/conformance`` beside it (a user's fresh clone). Files go
to ``.conformance/`` (ignored by git), each pinned to a commit and checked against its sha256 from
``scripts/conformance-sources.tsv``. Files derived from upstream material (a decoded cassette, a
schema archive) cannot be fetched this way: the tests that need them skip and say so. A file that
cannot be downloaded (no network) is reported, not fatal: its tests skip too.
"""

from __future__ import annotations

import hashlib
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "conformance-sources.tsv"
DEST = ROOT / ".conformance"
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def main() -> int:
    fetched = failed = 0
    for line in MANIFEST.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        local, repo, commit, path, sha256 = line.split("\t")
        target = DEST / local
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
            continue
        url = RAW.format(repo=repo, commit=commit, path=path)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                body = response.read()
        except OSError as exc:
            print(f"could not fetch {local}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if hashlib.sha256(body).hexdigest() != sha256:
            print(f"checksum mismatch for {local} from {url}; not kept", file=sys.stderr)
            failed += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        fetched += 1
    print(f"conformance files: {fetched} fetched, {failed} unavailable, in {DEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
