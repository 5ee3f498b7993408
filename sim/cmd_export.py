"""``python -m sim export redaction DATASET --to presidio|conll --out DIR``: a dataset's narratives in a
redaction benchmark format."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
from pathlib import Path

import orjson

from exporters.evaluation.dataset_files import MANIFEST_NAME, DatasetFiles
from exporters.evaluation.narrative_documents import read_documents
from exporters.evaluation.redaction_export import FORMAT_FILES, WRITERS
from sim.export_folder import RECEIPT, check_export_target, publish_export
from sim.run_folder import check_partial, create_partial, out_folder, partial_dir, remove_own
from sim.version import generator_version
from world.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a dataset's narratives in another tool's format",
        description="Write a dataset's narratives in the formats other tools read.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    redaction = kinds.add_parser(
        "redaction",
        help="the narratives and their PII spans as presidio-research InputSample JSON or CoNLL BIO",
        description="Write every non-empty narrative (jobs' complaint, cause and correction, notes) with "
        "its PII spans: --to presidio writes presidio.json (presidio-research InputSamples), --to conll "
        "writes narratives.conll (token<TAB>BIO tag, a blank line between narratives) and documents.tsv "
        "(the RO and field of each). Nothing is written into DATASET.",
    )
    redaction.add_argument(
        "dataset", type=Path, metavar="DATASET", help="a dataset folder written by `sim run`"
    )
    redaction.add_argument("--to", required=True, choices=tuple(WRITERS), help="the format to write")
    redaction.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    redaction.add_argument("--force", action="store_true", help="replace an earlier export in DIR")
    redaction.set_defaults(func=run_redaction)


def _write(files: DatasetFiles, to: str, work: Path) -> dict[str, int]:
    """The format's files, then the receipt that makes the folder provably an export; the counts."""
    counts = WRITERS[to](read_documents(files), work)
    receipt = {
        "generator": {"name": "roworld", "version": generator_version()},
        "export": "redaction",
        "format": to,
        "dataset": {
            "path": str(files.folder.resolve()),
            "seed": files.seed,
            "manifest_sha256": hashlib.sha256((files.folder / MANIFEST_NAME).read_bytes()).hexdigest(),
        },
        **counts,
        "files": list(FORMAT_FILES[to]),
    }
    (work / RECEIPT).write_bytes(orjson.dumps(receipt, option=orjson.OPT_INDENT_2) + b"\n")
    return counts


def run_redaction(args: argparse.Namespace) -> int:
    files = DatasetFiles(args.dataset)
    out = out_folder(args.out)
    check_export_target(out, args.dataset, args.force)
    work = partial_dir(out)
    check_partial(work)
    try:
        if os.path.lexists(work):
            remove_own(work)
        create_partial(work)
        try:
            counts = _write(files, args.to, work)
        except BaseException:
            shutil.rmtree(work)  # made just now, and half written: nobody can use it
            raise
        publish_export(work, out)
    except OSError as error:
        raise UserError(f"{error.filename or out}: cannot write the export ({error.strerror})") from None
    print(f"{out}: {counts['documents']} narratives, {counts['spans']} PII spans ({args.to})")
    return 0
