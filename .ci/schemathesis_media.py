"""Bodies for the media types schemathesis cannot generate by itself (loaded through SCHEMATHESIS_HOOKS).

Uploads take the file as the raw body: a workbook (the xlsx media type) or any file (`*/*`). The strategy
mixes random bytes (the importer must refuse them with a 4xx problem) with a real LibreOffice-saved
workbook from the xlsx crate's fixtures (the import must succeed or answer a 4xx problem).
"""

from pathlib import Path

from hypothesis import strategies as st

import schemathesis

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
workbook = (Path(__file__).resolve().parent.parent / "crates/xlsx/tests/fixtures/libreoffice.xlsx").read_bytes()
files = st.one_of(st.binary(max_size=4096), st.just(workbook))

schemathesis.openapi.media_type(XLSX, files)
schemathesis.openapi.media_type("*/*", files)
