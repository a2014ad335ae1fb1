"""Fonts for generated PDFs (prescriptions now, invoices later).

Why not the PDF core fonts: they are Latin-1 only, and patients' and doctors' names are
not. Why a subset: embedding the whole DejaVu Sans (about 6,000 glyphs) costs fpdf2 some
300 ms per document to parse and subset; a one-time subset covering Latin, Greek,
Cyrillic and common punctuation, cached in the instance folder, renders in about a third
of that. A document with a character outside the subset uses the full font; without
DejaVu on the machine (Debian: fonts-dejavu-core) callers fall back to Helvetica.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from odcp.settings import get_settings

log = logging.getLogger("odcp.pdf")

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
STYLES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_RANGES = ((0x20, 0x250), (0x370, 0x530), (0x1E00, 0x1F00), (0x2000, 0x2070),
           (0x20A0, 0x20C0), (0x2100, 0x2130))
COVERED = frozenset(c for low, high in _RANGES for c in range(low, high)) | {0x0A, 0x0D}
_SUBSET_VERSION = "1"

Fonts = tuple[Path, Path]


@lru_cache(maxsize=1)
def full_fonts() -> Fonts | None:
    """DejaVu Sans regular and bold, if the system has them."""
    for folder in FONT_DIRS:
        regular, bold = (folder / name for name in STYLES)
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _make_subset(source: Path, target: Path) -> None:
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "MATH"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(COVERED))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        subset.save_font(font, tmp, options)
        os.replace(tmp, target)  # atomic: a racing process sees a whole file or none
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@lru_cache(maxsize=1)
def subset_fonts() -> Fonts | None:
    full = full_fonts()
    if full is None:
        return None
    folder = get_settings().instance_dir / "fonts"
    made = []
    for source in full:
        target = folder / f"{source.stem}-subset-v{_SUBSET_VERSION}.ttf"
        try:
            if not target.is_file():
                _make_subset(source, target)
        except Exception:  # a broken cache must not stop a download: use the full font
            log.exception("could not build the PDF font subset; using the full font")
            return full
        made.append(target)
    return made[0], made[1]


def fonts_for(text: str) -> Fonts | None:
    """The fonts that can show `text` (fastest first), or None for Helvetica."""
    if full_fonts() is None:
        return None
    if all(ord(ch) in COVERED for ch in text):
        return subset_fonts()
    return full_fonts()
