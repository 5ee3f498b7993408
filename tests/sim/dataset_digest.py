"""One hash over a dataset folder: equal digests mean byte-identical datasets."""

import hashlib
from pathlib import Path


def dataset_digest(folder: Path) -> str:
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return total.hexdigest()
