"""The printable prescription (fpdf2): clinic header, doctor and registration number, the
patient, medications, instructions, a signature block and a QR code to the public check.

CPU-bound (about 100 ms, `python -m bench.records`): callers on the event loop run
`render` in a thread (odcp.cpu.run_cpu_bound); the API's sync route already runs in one.
The QR code is a PNG drawn in memory by segno and is also a link annotation to the same
verification URL, so a reader of the PDF on screen can click it. Fonts: see
odcp.services.pdf_fonts (without them, Helvetica with "?" for what Latin-1 lacks).
"""

from __future__ import annotations

import io
from dataclasses import astuple
from typing import TYPE_CHECKING

import segno
from fpdf import FPDF, FontFace

from odcp.services.pdf_fonts import Fonts, fonts_for
from odcp.services.prescription_verify import verify_url
from odcp.settings import get_settings

if TYPE_CHECKING:
    from odcp.services.prescriptions import PrescriptionView

FAMILY = "odcp"
QR_MM = 32


class _Document(FPDF):
    def __init__(self, fonts: Fonts | None) -> None:
        super().__init__(format="A4")
        self.unicode = fonts is not None
        if fonts:
            self.add_font(FAMILY, "", str(fonts[0]))
            self.add_font(FAMILY, "B", str(fonts[1]))
        self.family = FAMILY if fonts else "helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def text_of(self, value: object) -> str:
        text = "" if value is None else str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def line_text(self, value: object, size: float = 10, bold: bool = False,
                  align: str = "L") -> None:
        self.use(size, bold)
        self.multi_cell(0, size * 0.5, self.text_of(value), align=align,
                        new_x="LMARGIN", new_y="NEXT")


def _date(value) -> str:
    return value.strftime("%d %B %Y") if value else "not recorded"


def _header(pdf: _Document, rx: PrescriptionView, clinic: str) -> None:
    pdf.line_text(clinic, 18, bold=True)
    pdf.line_text("Prescription", 12)
    pdf.ln(2)
    pdf.set_draw_color(0, 128, 128)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)
    pdf.line_text(f"Prescriber: {rx.doctor_name}", 11, bold=True)
    pdf.line_text(f"Registration number: {rx.doctor_registration or 'not recorded'}")
    pdf.ln(2)
    pdf.line_text(f"Patient: {rx.patient_name}", 11, bold=True)
    pdf.line_text(f"Date of birth: {_date(rx.patient_birth_date)}")
    pdf.ln(2)
    pdf.line_text(f"Date issued: {_date(rx.issued_at)}    Valid until: {_date(rx.valid_until)}"
                  f"    Prescription no. {rx.id}")
    if rx.status != "active":
        pdf.set_text_color(180, 0, 0)
        pdf.line_text(f"Status: {rx.status.upper()}. Do not dispense.", 12, bold=True)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _medications(pdf: _Document, rx: PrescriptionView) -> None:
    pdf.line_text("Medications", 12, bold=True)
    pdf.ln(1)
    pdf.use(9)
    heading = FontFace(emphasis="BOLD", fill_color=(224, 242, 241))
    with pdf.table(col_widths=(46, 22, 30, 22, 22, 32), headings_style=heading,
                   line_height=5, padding=1.5, text_align="LEFT") as table:
        table.row(["Medication", "Route", "Frequency", "Duration", "Quantity",
                   "Instructions"])
        for med in rx.medications:
            table.row([pdf.text_of(v) for v in (f"{med.name} {med.strength}", med.route,
                                                 med.frequency, med.duration, med.quantity,
                                                 med.instructions or "-")])
    pdf.ln(4)
    if rx.instructions:
        pdf.line_text("Instructions", 12, bold=True)
        pdf.line_text(rx.instructions)
        pdf.ln(3)


def _signature_and_qr(pdf: _Document, rx: PrescriptionView) -> None:
    url = verify_url(rx.reference)
    if pdf.get_y() + QR_MM + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 4
    pdf.set_xy(pdf.l_margin, top)
    pdf.use(10)
    pdf.cell(90, 5, pdf.text_of("Signature"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(80, 80, 80)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, top + 16, pdf.l_margin + 90, top + 16)
    pdf.set_xy(pdf.l_margin, top + 18)
    pdf.multi_cell(95, 4.5, pdf.text_of(
        f"Electronically signed by {rx.doctor_name}, registration number "
        f"{rx.doctor_registration or 'not recorded'}, on {_date(rx.issued_at)}."),
        align="L", new_x="LMARGIN", new_y="NEXT")
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=6, border=2)
    png.seek(0)
    x = pdf.w - pdf.r_margin - QR_MM
    pdf.image(png, x=x, y=top, w=QR_MM, h=QR_MM, link=url)
    pdf.set_xy(x - 30, top + QR_MM + 1)
    pdf.use(7)
    pdf.multi_cell(QR_MM + 30, 3.5, pdf.text_of(f"Check this prescription: scan the code "
                                                 f"or open {url}"), align="R", link=url)


def _all_text(rx: PrescriptionView, clinic: str) -> str:
    meds = "".join("".join(astuple(m)) for m in rx.medications)
    return "".join((clinic, rx.patient_name, rx.doctor_name, rx.doctor_registration,
                    rx.instructions, meds))


def render(rx: PrescriptionView, *, clinic_name: str | None = None) -> bytes:
    """The prescription as PDF bytes."""
    clinic = clinic_name or get_settings().clinic_name
    pdf = _Document(fonts_for(_all_text(rx, clinic)))
    pdf.set_title(pdf.text_of(f"Prescription {rx.id}"))
    pdf.set_author(pdf.text_of(rx.doctor_name))
    pdf.set_creator(pdf.text_of(clinic))
    pdf.add_page()
    _header(pdf, rx, clinic)
    _medications(pdf, rx)
    _signature_and_qr(pdf, rx)
    return bytes(pdf.output())


def filename(rx: PrescriptionView) -> str:
    return f"prescription-{rx.id}-{rx.issued_at:%Y-%m-%d}.pdf"
