"""Clinical records benchmarks: how long a prescription PDF takes to render, and the
upload-plus-encrypt throughput of a 10 MB report (bench._records_upload).

Each measurement is one function returning its BENCH line, listed in MEASUREMENTS,
sharing the throwaway instance set up here.

prescription_pdf: the median of RENDERS renders of a realistic two-line prescription
(after one warm-up render that builds the cached font subset), against a bare one-line
fpdf2 page (core font) rendered as often in the same run: `ratio` is the prescription
over the bare page. Runs on a throwaway instance; never touches `instance/`.

Usage: `.venv/bin/python -m bench.records` from the repository root.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from bench._records_upload import upload
from bench.common import bench_line

RENDERS = 50


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _sample_prescription():
    from odcp.services.medication_rules import validate_lines
    from odcp.services.prescription_verify import new_public_id, reference_for
    from odcp.services.prescriptions import PrescriptionView

    meds = validate_lines([
        {"name": "Amoxicillin", "strength": "500 mg", "route": "oral",
         "frequency": "three times daily", "duration": "7 days", "quantity": "21 capsules",
         "instructions": "Take with food; finish the course."},
        {"name": "Paracetamol", "strength": "500 mg", "route": "oral",
         "frequency": "every 6 hours if needed", "duration": "5 days",
         "quantity": "20 tablets"}])
    return PrescriptionView(
        id=1042, appointment_id=77, patient_id=9, patient_name="Zoë Ångström",
        patient_birth_date=date(1988, 4, 2), doctor_id=3, doctor_name="Dr. Amara Okafor",
        doctor_registration="LIC-00002", issued_at=datetime.now(UTC),
        valid_until=date(2030, 1, 1), status="active", medications=meds,
        instructions="Drink plenty of fluids. Come back if the fever lasts 3 more days.",
        reference=reference_for(new_public_id()))


def _bare_page() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Prescription")
    return bytes(pdf.output())


def prescription_pdf() -> str:
    from odcp.services import prescription_pdf as renderer

    rx = _sample_prescription()
    size = len(renderer.render(rx))  # warm-up: builds the font subset once
    ms = _median_ms(lambda: renderer.render(rx), RENDERS)
    bare = _median_ms(_bare_page, RENDERS)
    return bench_line("prescription_pdf", ms=f"{ms:.1f}", kb=f"{size / 1024:.1f}",
                      renders=RENDERS, bare_page_ms=f"{bare:.2f}",
                      ratio=f"{ms / bare:.1f}" if bare else "nan")


MEASUREMENTS: list[Callable[[], str]] = [prescription_pdf, upload]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="odcp-bench-records-") as instance_dir:
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(ODCP_INSTANCE_DIR=instance_dir, ODCP_ENV="development")
        for measure in MEASUREMENTS:
            measure()
    return 0


if __name__ == "__main__":
    sys.exit(main())
