"""Bodies for the media types schemathesis cannot generate by itself (loaded through SCHEMATHESIS_HOOKS).

Uploads take the file as the raw body: a workbook (the xlsx media type) or any file (`*/*`). The strategy
mixes random bytes (the importer must refuse them with a 4xx problem) with a real LibreOffice-saved
disclosure workbook from the xlsx crate's fixtures and the example hospital's inventory workbook (written
by openpyxl): the disclosure import and the inventory PUT each succeed on one of them and must answer a
4xx problem for the other.
"""

from pathlib import Path

from hypothesis import strategies as st

import schemathesis

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
root = Path(__file__).resolve().parent.parent
workbook = (root / "crates/xlsx/tests/fixtures/libreoffice.xlsx").read_bytes()
inventory = (root / "examples/hospital/inventory.xlsx").read_bytes()
files = st.one_of(st.binary(max_size=4096), st.just(workbook), st.just(inventory))

schemathesis.openapi.media_type(XLSX, files)
schemathesis.openapi.media_type("*/*", files)
