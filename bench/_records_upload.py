"""Upload-plus-encrypt throughput of a 10 MB report against a plain file write.

`upload()` returns (and prints) `BENCH upload mb=10 mb_per_s=... raw_mb_per_s=...
ratio=...`. Measured: the median of RUNS calls of odcp.services.patient_documents.upload
on a 10 MB PDF, each in its own committed transaction, which is the whole server-side
path of an upload: the content check, AES-GCM sealing, the atomic write to the local
encrypted store, the row and its audit entry. Baseline in the same run: writing the same
bytes to a file in the same folder (`Path.write_bytes`), median of RUNS. `ratio` is how
many times longer the upload takes (raw_mb_per_s / mb_per_s).

bench.records calls `upload()` inside its throwaway instance; run alone
(`.venv/bin/python -m bench._records_upload`), this module makes its own. Never touches
`instance/`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import bench_line

MB = 10
RUNS = 5
UNUSABLE_HASH = "!bench: this account never signs in"


def report_pdf(size: int = MB * 1024 * 1024) -> bytes:
    """A PDF of exactly `size` bytes: one page whose image stream is noise (scans are
    mostly picture data), seeded so every run checks the same bytes."""
    head = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n3 0 obj<</Length 0>>stream\n")
    tail = b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return head + random.Random(7).randbytes(size - len(head) - len(tail)) + tail


def _median_s(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _patient():
    from odcp.db import session_scope
    from odcp.models.user import AccountStatus, Role
    from odcp.services.accounts import build_user
    from odcp.services.actor import Actor

    with session_scope() as session:
        user = build_user(session, email="bench.patient@bench.example", password="",
                          full_name="Bench Patient", role=Role.PATIENT,
                          status=AccountStatus.ACTIVE, password_hash=UNUSABLE_HASH)
        session.flush()
        session.expunge(user)
    return Actor(user=user, ip="127.0.0.1", user_agent="bench")


def upload() -> str:
    from bench.api import _migrate
    from odcp.db import session_scope
    from odcp.services import file_store, patient_documents

    _migrate()
    actor, data = _patient(), report_pdf()

    def one_upload() -> None:
        with session_scope() as session:
            patient_documents.upload(session, actor=actor, data=data, filename="scan.pdf",
                                     title="Bench scan", kind="imaging",
                                     report_date="2026-01-05")

    one_upload()  # warm-up: imports, the folder, the first SQLite write
    seconds = _median_s(one_upload)
    raw_file = file_store.local_folder(patient_documents.FOLDER) / "raw-baseline.bin"
    _median_s(lambda: raw_file.write_bytes(data), 1)  # warm-up
    raw_seconds = _median_s(lambda: raw_file.write_bytes(data))
    raw_file.unlink(missing_ok=True)
    rate, raw_rate = MB / seconds, MB / raw_seconds
    return bench_line("upload", mb=MB, mb_per_s=f"{rate:.1f}", raw_mb_per_s=f"{raw_rate:.1f}",
                      ratio=f"{raw_rate / rate:.1f}", runs=RUNS)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="odcp-bench-upload-") as instance_dir:
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(ODCP_INSTANCE_DIR=str(Path(instance_dir)), ODCP_ENV="development")
        upload()
    return 0


if __name__ == "__main__":
    sys.exit(main())
