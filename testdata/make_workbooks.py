#!/usr/bin/env python3
"""Writes the workbook fixtures of kaiji's Excel import (crates/xlsx/tests/fixtures/).

Run by hand, not by CI, from the repository root:

    python3 testdata/make_workbooks.py              # everything
    python3 testdata/make_workbooks.py inventory    # only examples/hospital/inventory.xlsx

The generated files are committed; CI only reads them. Run this again after changing it and
commit what changes. Needs:

- python3 with openpyxl (3.1) and msoffcrypto-tool (`pip install openpyxl msoffcrypto-tool`);
- LibreOffice (`soffice` on PATH) for libreoffice.{xlsx,ods,xls};
- optionally target/debug/kaiji (built from this repository): when it is there, the item
  numbers used below are checked against `kaiji catalog show jahis-mds-sds@5.0h|4.1`.

Each good workbook `X` gets a sibling `X.expected.json` that says what a correct import must
yield (see the README.md this script writes next to the fixtures). The workbooks under bad/
must be refused; bad/README.md says with what.

Every vendor, product, person, address and phone number here is fictional. The question texts
are kaiji's own short phrasings, not the wording of the JAHIS forms; the item numbers are the
`no` of the working catalogs shipped with kaiji.

Output is reproducible (fixed timestamps inside the zips) except for bad/encrypted.xlsx (the
encryption salt is random) and the LibreOffice conversions (LibreOffice stamps its own times).
"""

from __future__ import annotations

import copy
import datetime
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "xlsx" / "tests" / "fixtures"
BAD = OUT / "bad"
KAIJI = ROOT / "target" / "debug" / "kaiji"

CAT50 = "jahis-mds-sds@5.0h"
CAT41 = "jahis-mds-sds@4.1"

# The catalog items used here: form number (`no`) -> (item id, forms). Taken from
# `kaiji catalog show jahis-mds-sds@5.0h --format json` (and @4.1); checked again at run time
# when target/debug/kaiji exists.
ITEMS = {
    CAT50: {
        "0-1": ("MDS-C00-01", {"mds"}),
        "2-1": ("MDS-C02-01", {"mds"}),
        "2-2": ("SDS-C02-01", {"sds"}),
        "2-4": ("SDS-C02-03", {"sds"}),
        "3-1": ("SDS-C03-01", {"sds"}),
        "3-3": ("SDS-C03-03", {"sds"}),
        "4-1": ("SDS-C04-01", {"mds", "sds"}),
        "4-2": ("SDS-C04-02", {"mds", "sds"}),
        "5-1": ("MDS-C05-01", {"mds"}),
        "7-1": ("MDS-C07-01", {"mds"}),
        "7-2": ("MDS-C07-02", {"mds"}),
        "7-3": ("MDS-C07-03", {"mds"}),
        "7-4": ("SDS-C07-01", {"mds", "sds"}),
        "7-5": ("SDS-C07-02", {"sds"}),
        "8-1": ("MDS-C08-01", {"mds"}),
        "8-2": ("MDS-C08-02", {"mds"}),
        "8-3": ("MDS-C08-03", {"mds"}),
        "8-4": ("MDS-C08-04", {"mds"}),
        "8-5": ("MDS-C08-05", {"mds", "sds"}),
        "8-6": ("SDS-C08-01", {"sds"}),
        "10-1": ("SDS-C10-05", {"mds", "sds"}),
        "10-2": ("MDS-C10-01", {"mds", "sds"}),
        "10-3": ("SDS-C10-03", {"mds", "sds"}),
        "11-4": ("SDS-C11-02", {"sds"}),
        "12-2": ("SDS-C12-02", {"sds"}),
        "13-1": ("MDS-C13-01", {"mds"}),
        "13-8": ("SDS-C13-06", {"sds"}),
        "14-1": ("MDS-C14-01", {"mds", "sds"}),
        "14-2": ("MDS-C14-02", {"mds"}),
        "14-3": ("SDS-C14-01", {"sds"}),
        "14-4": ("MDS-C14-03", {"mds", "sds"}),
        "15-1": ("MDS-C15-01", {"mds"}),
        "16-1": ("MDS-C16-01", {"mds"}),
        "16-3": ("MDS-C16-03", {"mds"}),
        "16-4": ("SDS-C16-01", {"sds"}),
        "17-1": ("MDS-C17-01", {"mds"}),
        "17-4": ("SDS-C17-03", {"sds"}),
        "A-1": ("MDS-CEA-01", {"mds"}),
    },
    CAT41: {
        "6.2-1": ("SDS-6.2-01", {"mds", "sds"}),
        "6.2-2": ("SDS-6.2-02", {"sds"}),
        "6.3-1": ("MDS-6.3-01", {"mds"}),
        "6.3-2": ("SDS-6.3-01", {"sds"}),
        "6.4-1": ("MDS-6.4-01", {"mds"}),
        "6.4-2": ("SDS-6.4-01", {"sds"}),
        "6.5-1": ("MDS-6.5-01", {"mds", "sds"}),
        "6.5-3": ("MDS-6.5-03", {"mds"}),
        "6.5-4": ("MDS-6.5-04", {"mds"}),
        "6.5-10": ("MDS-6.5-10", {"mds"}),
        "6.5-13": ("MDS-6.5-13", {"mds"}),
        "6.5-15": ("SDS-6.5-01", {"sds"}),
        "6.6-1": ("SDS-6.6-01", {"sds"}),
        "6.7-1": ("MDS-6.7-01", {"mds"}),
        "6.8-1": ("MDS-6.8-01", {"mds", "sds"}),
        "6.8-2": ("MDS-6.8-02", {"mds", "sds"}),
        "6.8-6": ("SDS-6.8-01", {"sds"}),
        "6.9-1": ("MDS-6.9-01", {"mds", "sds"}),
        "6.10-1": ("MDS-6.10-01", {"mds"}),
        "6.10-3": ("SDS-6.10-01", {"sds"}),
        "6.11-2": ("SDS-6.11-01", {"sds"}),
        "7-1": ("MDS-7-01", {"mds"}),
        "8-1": ("SDS-8-01", {"sds"}),
    },
}

# The date stamped into every zip entry and docProps/core.xml, so that a rerun changes nothing.
FIXED = datetime.datetime(2026, 4, 1, 9, 0, 0)

# ----------------------------------------------------------------------------------------------
# Styles


THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
TITLE_FONT = Font(name="游ゴシック", size=14, bold=True)
BOLD = Font(name="游ゴシック", bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def col_index(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


def col_letter(index: int) -> str:
    s = ""
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(ord("A") + rem) + s
    return s


def widths(ws, **w):
    for letter, width in w.items():
        ws.column_dimensions[letter].width = width


def title(ws, row: int, first: str, last: str, text: str):
    ws[f"{first}{row}"] = text
    ws[f"{first}{row}"].font = TITLE_FONT
    ws.merge_cells(f"{first}{row}:{last}{row}")


def header_cell(ws, ref: str, text: str):
    ws[ref] = text
    ws[ref].font = BOLD
    ws[ref].fill = HEAD_FILL
    ws[ref].border = BOX
    ws[ref].alignment = CENTER


# ----------------------------------------------------------------------------------------------
# Checklist tables and what they must import as


class Table:
    """Writes checklist rows below a header and records what a correct import must read.

    `cols` maps roles to column letters: no, q (question), answer (one answer column) or
    marks ({"yes": "C", "no": "D", "na": "E"}), remark, and any others (gl, memo) that an
    item may fill through `cells`.
    """

    def __init__(self, ws, catalog: str, form: str, cols: dict, first_row: int):
        self.ws = ws
        self.catalog = catalog
        self.form = form
        self.cols = cols
        self.row = first_row
        self.answers: dict[str, dict] = {}
        self.findings: list[dict] = []
        self.last_col = max(
            [col_index(v) for k, v in cols.items() if isinstance(v, str)]
            + [col_index(v) for v in cols.get("marks", {}).values()]
        )

    def _box(self, row: int):
        for c in range(1, self.last_col + 1):
            self.ws.cell(row=row, column=c).border = BOX

    def section(self, text: str, merged: bool = True):
        """A section title across the table (no number)."""
        ws, r = self.ws, self.row
        ws.cell(row=r, column=1, value=text).font = BOLD
        for c in range(1, self.last_col + 1):
            ws.cell(row=r, column=c).fill = SECTION_FILL
        if merged:
            ws.merge_cells(f"A{r}:{col_letter(self.last_col)}{r}")
        self._box(r)
        self.row += 1

    def blank(self):
        self.row += 1

    def item(
        self,
        no: str,
        written: str | None,
        question: str,
        *,
        answer=None,
        expect: str | None = None,
        marks: dict | None = None,
        remark=None,
        expect_remark: str | None = None,
        cells: dict | None = None,
        stray: dict | None = None,
        spill: list | None = None,
        finding: tuple | None = None,
        source_answer: str | None = None,
    ):
        """One item row.

        no: the catalog's form number; written: how the row writes it (default: as no).
        answer: the answer cell's value (answer-column layout); marks: {"yes"|"no"|"na": mark}
        (mark-column layout); expect: the answer a correct import reads (yes/no/na/None).
        remark: the remark cell (a value or a formula); expect_remark: what it reads as, when
        that is not the cell's text (a formula). cells: other known columns {letter: text}
        (GL参照); stray: cells in columns kaiji does not read {letter: text}, appended to the
        remark as "[A1] text" with a stray-text finding. spill: remark continuation rows.
        finding: (code, column letter) of an import finding this row provokes.
        """
        item_id, forms = ITEMS[self.catalog][no]
        if self.form not in forms:
            raise SystemExit(f"{no} ({item_id}) is not on the {self.form} form of {self.catalog}")
        ws, r, cols = self.ws, self.row, self.cols
        ws[f"{cols['no']}{r}"] = no if written is None else written
        ws[f"{cols['q']}{r}"] = question
        if "answer" in cols and answer is not None:
            ws[f"{cols['answer']}{r}"] = answer
        for which, mark in (marks or {}).items():
            ws[f"{cols['marks'][which]}{r}"] = mark
        if remark is not None:
            ws[f"{cols['remark']}{r}"] = remark
        for letter, text in {**(cells or {}), **(stray or {})}.items():
            ws[f"{letter}{r}"] = text
        self._box(r)
        for c in range(1, self.last_col + 1):
            ws.cell(row=r, column=c).alignment = WRAP

        if expect_remark is None:
            expect_remark = "" if remark is None else str(remark).strip()
        parts = [expect_remark] if expect_remark else []
        for letter, text in (stray or {}).items():
            ref = f"{letter}{r}"
            parts.append(f"[{ref}] {text.strip()}")
            self.findings.append({"code": "stray-text", "cell": ref})
        if finding:
            code, letter = finding
            self.findings.append({"code": code, "cell": f"{letter}{r}"})
        self.row += 1
        for more in spill or []:
            ws[f"{cols['remark']}{self.row}"] = more
            ws[f"{cols['remark']}{self.row}"].alignment = WRAP
            self._box(self.row)
            parts.append(more.strip())
            self.row += 1
        entry = {"answer": expect, "remark": "\n".join(parts), "source_text": question.strip()}
        if source_answer is not None:
            entry["source_answer"] = source_answer
        if item_id in self.answers:
            raise SystemExit(f"{item_id} twice")
        self.answers[item_id] = entry

    def formula_finding(self, ref: str):
        self.findings.append({"code": "formula-without-value", "cell": ref})


def expected(sheet, kind, catalog, subject, table: Table, extra_findings=()):
    return {
        "sheet": sheet,
        "kind": kind,
        "catalog": catalog,
        "subject": subject,
        "answers": table.answers,
        "findings": sorted(
            list(table.findings) + list(extra_findings),
            key=lambda f: (int(re.sub(r"\D", "", f["cell"])), f["cell"]),
        ),
    }


def cover_block(ws, pairs, label_cols=("A", "D"), first_row=3, value_offset=1):
    """label/value pairs, two per row: [(label, value), ...]. Returns nothing; values may be
    None (an empty, styled input cell)."""
    for i, (label, value) in enumerate(pairs):
        r = first_row + i // 2
        lc = label_cols[i % 2]
        vc = col_letter(col_index(lc) + value_offset)
        ws[f"{lc}{r}"] = label
        ws[f"{lc}{r}"].font = BOLD
        ws[f"{lc}{r}"].fill = HEAD_FILL
        ws[f"{lc}{r}"].border = BOX
        cell = ws[f"{vc}{r}"]
        if value is not None:
            cell.value = value
        cell.border = BOX
        cell.fill = INPUT_FILL


# ----------------------------------------------------------------------------------------------
# Saving: fixed timestamps, zip surgery


def save(wb: Workbook, path: Path, *, edits=None, add=None):
    """Saves through openpyxl, then rewrites the zip: `edits` maps entry names to functions
    bytes -> bytes, `add` maps new entry names to bytes; timestamps are fixed."""
    wb.properties.creator = "kaiji test fixtures"
    wb.properties.created = FIXED
    buf = io.BytesIO()
    wb.save(buf)
    rezip(buf.getvalue(), path, edits=edits, add=add)


def rezip(data: bytes, path: Path, *, edits=None, add=None):
    edits = dict(edits or {})
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def core(b: bytes) -> bytes:
        return re.sub(
            rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", b
        )

    edits.setdefault("docProps/core.xml", core)
    src = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: src.read(info.filename) for info in src.infolist()}
    shared_strings(entries)
    for name, edit in edits.items():
        if name not in entries:
            raise SystemExit(f"{path.name}: no {name} to edit")
        entries[name] = edit(entries[name])
    entries.update(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in entries.items():
            dst.writestr(zip_info(name), body)
    path.write_bytes(out.getvalue())


def shared_strings(entries: dict):
    """openpyxl writes strings inline (t="inlineStr"); Excel keeps them in
    xl/sharedStrings.xml. Moves them there, as Excel would."""
    table: dict[bytes, int] = {}
    count = 0
    inline = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is>(<t(?: [^>]*)?>.*?</t>)</is></c>', re.S)

    def to_shared(m):
        nonlocal count
        count += 1
        index = table.setdefault(m.group(3), len(table))
        return b'<c ' + m.group(1) + b't="s"' + m.group(2) + b"><v>" + str(index).encode() + b"</v></c>"

    for name in [n for n in entries if re.match(r"xl/worksheets/sheet\d+\.xml$", n)]:
        entries[name] = inline.sub(to_shared, entries[name])
    if not table or "xl/sharedStrings.xml" in entries:
        return
    body = b"".join(b"<si>" + t + b"</si>" for t in table)
    entries["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        + f'count="{count}" uniqueCount="{len(table)}">'.encode()
        + body
        + b"</sst>"
    )
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    entries["xl/_rels/workbook.xml.rels"] = entries["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )


def zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def vba_blob() -> bytes:
    """A small stand-in for a VBA project: not a real one (Excel will say the project is
    damaged and open the book without macros); kaiji must only not trip over it."""
    rng = random.Random(5)
    return b"kaiji fixture: placeholder vbaProject.bin, not a real VBA project\n" + bytes(
        rng.randrange(256) for _ in range(1024)
    )


def macro_enabled(wb: Workbook, path: Path, edits=None):
    """Saves as .xlsm: the vbaProject.bin part, its content type and relationship, and the
    macro-enabled workbook content type."""

    def types(b: bytes) -> bytes:
        s = b.decode()
        s = s.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        s = s.replace(
            "</Types>",
            '<Override PartName="/xl/vbaProject.bin" '
            'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
        return s.encode()

    def rels(b: bytes) -> bytes:
        return b.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdVba1" '
            b'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            b'Target="vbaProject.bin"/></Relationships>',
        )

    all_edits = {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels}
    all_edits.update(edits or {})
    save(wb, path, edits=all_edits, add={"xl/vbaProject.bin": vba_blob()})


def write_expected(path: Path, value):
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    Path(f"{path}.expected.json").write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------------------------
# 1. answer-column.xlsx


def answer_column():
    wb = Workbook()
    ws = wb.active
    ws.title = "MDS"
    widths(ws, A=12, B=52, C=16, D=40, E=18)
    title(ws, 1, "A", "E", "製造業者による医療情報セキュリティ開示書 チェックリスト Rev.5.0h")
    subject = {
        "organisation": "株式会社あおば医療システム",
        "product": "あおばPACS Lumina",
        "model": "ALX-500",
        "version": "5.2.1",
        "date": "2026-04-01",
        "contact": "品質保証部 セキュリティ窓口 security@aoba-med.example.jp",
    }
    cover_block(
        ws,
        [
            ("製造業者名", subject["organisation"]),
            ("作成日", datetime.date(2026, 4, 1)),
            ("製品名", subject["product"]),
            ("型番", subject["model"]),
            ("バージョン", subject["version"]),
            ("連絡先", subject["contact"]),
        ],
    )
    ws["E3"].number_format = 'yyyy"年"m"月"d"日"'
    for ref, text in [
        ("A7", "項番"),
        ("B7", "確認項目"),
        ("C7", "回答(はい/いいえ/該当なし)"),
        ("D7", "備考(いいえ・該当なしの場合は理由)"),
        ("E7", "GL参照"),
    ]:
        header_cell(ws, ref, text)
    cols = {"no": "A", "q": "B", "answer": "C", "remark": "D", "gl": "E"}
    t = Table(ws, CAT50, "mds", cols, first_row=8)

    t.section("0. 基本情報")
    t.item("0-1", None, "本製品は医療機器として承認・認証を受けている。", answer="はい", expect="yes",
           remark="管理医療機器(クラスII)として認証取得済み。", cells={"E": "—"})
    t.section("2. 規程類")
    t.item("2-1", None, "管理者向けのセキュリティ設定手順書を添付している。", answer="Yes", expect="yes",
           remark="「Lumina 運用管理ガイド」第2版を納品時に提供。", cells={"E": "運用編 2"})
    t.section("4. リスク評価")
    t.item("4-1", "4-1", "製品のリスク評価を実施し、結果を開示できる。", answer="いいえ", expect="no",
           remark="次期バージョン(6.0)で開示資料を整備予定。", cells={"E": "運用編 4"})
    t.section("7. 情報の保存と媒体")
    t.item("7-1", "7.1", "保存データを暗号化する機能がある。", answer="○", expect="yes",
           remark="AES-256 によるデータベース暗号化。")
    t.item("7-3", "7–3", "外部記録媒体の利用を制限できる。", answer="×", expect="no",
           remark="OS の設定で制限する運用を推奨。")
    t.section("8. 製品の保守")
    t.item("8-1", "８－１", "サポート期間中はセキュリティ修正を提供する。", answer="\u3000はい\u3000",
           expect="yes", remark="月次で修正プログラムを提供。")
    t.item("8-3", "8ー3", "初期パスワードの変更を利用者に求める。", answer="Ｙｅｓ", expect="yes",
           remark="初回ログイン時に変更を強制。")
    t.item("8-4", "8 - 4", "使用している第三者ソフトウェアの一覧を提供できる。", answer="No",
           expect="no", remark='=CONCATENATE("SBOM は","個別に提供")', expect_remark="")
    t.formula_finding(f"D{t.row - 1}")
    formula_row = t.row - 1
    t.section("10. リモート保守")
    t.item("10-1", None, "リモート保守を提供している。", answer="いいえ", expect="no",
           remark="保守はオンサイトのみ。")
    t.item("10-2", None, "リモート接続の前に医療機関の承認を得る。", answer="非該当", expect="na",
           remark="リモート保守なし。")
    t.item("10-3", None, "リモート保守の接続記録を提供できる。", answer="N/A", expect="na")
    t.section("13. ネットワーク")
    t.item("13-1", None, "通信路を暗号化している。", answer="はい", expect="yes",
           remark="TLS 1.2 以上。", cells={"E": "運用編 13"})
    t.section("14. 認証・アクセス制御")
    t.item("14-1", "14.1", "利用者ごとに固有の ID を発行している。", answer="はい", expect="yes",
           remark="パスワードは 8 文字以上。\n管理者は 12 文字以上。")
    t.item("14-2", "１４－２", "ログインに二要素認証を使える。", answer="対象外", expect="na",
           remark="単体ログインのない組込み端末のため。")
    t.item("14-4", "14-4", "ログイン失敗が続いたらアカウントを止める。", answer="×", expect="no")
    t.section("16. ログ")
    t.item("16-1", None, "操作ログを利用者 ID・日時付きで残す。", answer="○", expect="yes")
    t.item("16-3", None, "ログの改ざんを防ぎ、外部へ出力できる。", answer="検討中", expect=None,
           remark="外部出力は次版で対応予定。", finding=("unreadable-answer", "C"),
           source_answer="検討中")
    t.section("17. 外部からの攻撃")
    t.item("17-1", None, "マルウェア対策を備えている。", answer="－", expect="na",
           remark="ウイルス対策ソフトは医療機関側で導入。")
    t.section("A. 電子保存")
    t.item("A-1", "Ａ－１", "記録の作成者を識別でき、修正履歴を残す。", answer="該当なし", expect="na",
           remark="本製品は記録の原本を保存しない。")
    t.blank()
    note = "※ 記載内容は 2026年4月1日時点のものです。"
    ws[f"A{t.row}"] = note
    # A note under the table is no item and no section title: kept as an item of its own under
    # its row number, with a stray-text finding at its cell.
    t.answers[f"row-{t.row}"] = {"answer": None, "remark": f"[A{t.row}] {note}", "source_text": None}
    t.findings.append({"code": "stray-text", "cell": f"A{t.row}"})
    ws.freeze_panes = "A8"

    path = OUT / "answer-column.xlsx"
    save(wb, path)
    exp = expected("MDS", "mds", CAT50, subject, t)
    write_expected(path, exp)
    return path, exp, formula_row


# ----------------------------------------------------------------------------------------------
# 2. mark-columns.xlsx


def mark_columns():
    wb = Workbook()
    cover = wb.active
    cover.title = "表紙"
    widths(cover, A=4, B=20, C=20, D=20, E=20)
    title(cover, 2, "B", "E", "サービス事業者による医療情報セキュリティ開示書")
    cover["B3"] = "チェックリスト Rev.5.0h"
    subject = {
        "organisation": "株式会社みなと医療クラウド",
        "product": "みなとカルテクラウド",
        "model": "MKC-STD",
        "version": "2026.04",
        "date": "2026-03-15",
        "contact": "サービス運用部 support@minato-cloud.example.jp",
    }
    rows = [
        ("サービス事業者名", subject["organisation"]),
        ("サービス名称", subject["product"]),
        ("型番", subject["model"]),
        ("バージョン", subject["version"]),
        ("作成日", "令和8年3月15日"),
    ]
    for i, (label, value) in enumerate(rows):
        r = 5 + i
        cover[f"B{r}"] = label
        cover[f"B{r}"].font = BOLD
        cover[f"B{r}"].border = BOX
        cover[f"C{r}"] = value
        cover.merge_cells(f"C{r}:E{r}")
        cover[f"C{r}"].border = BOX
    # the contact's value sits below its label
    cover["B11"] = "連絡先"
    cover["B11"].font = BOLD
    cover["B12"] = subject["contact"]
    cover.merge_cells("B12:E12")

    ws = wb.create_sheet("SDS")
    widths(ws, A=8, B=50, C=7, D=7, E=8, F=36, G=18)
    title(ws, 1, "A", "G", "サービス事業者 確認項目一覧")
    for ref, text in [
        ("A3", "番号"),
        ("B3", "確認項目"),
        ("C3", "回答"),
        ("F3", "備考"),
        ("G3", "担当者メモ"),
        ("C4", "はい"),
        ("D4", "いいえ"),
        ("E4", "該当なし"),
    ]:
        header_cell(ws, ref, text)
    for ref in ["D3", "E3", "A4", "B4", "F4", "G4"]:
        ws[ref].border = BOX
        ws[ref].fill = HEAD_FILL
    for rng in ["A3:A4", "B3:B4", "C3:E3", "F3:F4", "G3:G4"]:
        ws.merge_cells(rng)
    cols = {"no": "A", "q": "B", "marks": {"yes": "C", "no": "D", "na": "E"}, "remark": "F",
            "memo": "G"}
    t = Table(ws, CAT50, "sds", cols, first_row=5)
    t.section("2. 規程類")
    t.item("2-2", None, "非常時のサービス継続計画を示せる。", marks={"yes": "○"}, expect="yes",
           remark="BCP 概要を契約時に提示。")
    t.item("2-4", None, "第三者認証(ISMS 等)を取得している。", marks={"yes": "●"}, expect="yes",
           remark="ISMS 認証取得(2024年)。")
    t.section("3. 契約と責任分界")
    t.item("3-1", None, "契約に安全管理の条項がある。", marks={"yes": "✓"}, expect="yes")
    t.item("3-3", None, "再委託先にも同等の保護を課している。", marks={"na": "✔"}, expect="na",
           remark="再委託なし。")
    t.section("4. リスク評価")
    t.item("4-1", None, "サービスのリスク評価を行い、結果を示せる。", marks={"yes": 1}, expect="yes")
    t.section("7. 情報の保存と媒体")
    t.item("7-5", None, "機器廃棄時の消去証明を出せる。", marks={"no": "x"}, expect="no",
           remark="現在は消去証明書を発行していない。", spill=["2026年度下期から発行予定。"])
    t.section("8. サーバ・ネットワーク機器")
    t.item("8-6", None, "サーバ・ネットワーク機器を最新に保つ。", marks={"yes": "◯"}, expect="yes")
    t.section("10. 保守")
    t.item("10-1", None, "リモート保守を行う。", marks={"yes": "X"}, expect="yes")
    t.item("10-3", None, "リモート保守のログを提供する。", marks={"yes": "○", "no": "○"}, expect=None,
           remark="要望があれば提供。", finding=("conflicting-answers", "C"))
    t.section("11. バックアップ")
    t.item("11-4", None, "バックアップを複数世代保管する。", marks={"yes": "○"}, expect="yes",
           remark="7世代。", stray={"G": "要確認:世代数の根拠"})
    t.section("12. 設置場所")
    t.item("12-2", None, "サーバは国内にある。", marks={"no": "×"}, expect="no",
           remark="バックアップの一部を海外リージョンに保管。")
    t.section("13. ネットワーク")
    t.item("13-8", None, "保守アクセスに多要素認証を使う。", marks={"yes": "△"}, expect=None,
           remark="一部の保守経路のみ。", finding=("unreadable-answer", "C"), source_answer="はい=△")
    t.section("14. 認証・アクセス制御")
    t.item("14-1", None, "利用者ごとに固有の ID を発行する。", marks={"yes": "○"}, expect="yes")
    t.item("14-3", None, "サービス利用に二要素認証を使える。", marks={"yes": "○"}, expect="yes",
           remark="オプション。")
    t.section("16. 監査と証跡")
    t.item("16-4", None, "医療機関がアクセスログを確認できる。", marks={"na": "●"}, expect="na",
           remark="ログは当社で保管し、求めに応じて提出。")
    t.section("17. インシデント対応")
    t.item("17-4", None, "当社でインシデントが起きたら速やかに知らせる。", marks={"no": "✓"},
           expect="no", remark="通知手順を整備中。")
    ws.freeze_panes = "C5"

    path = OUT / "mark-columns.xlsx"
    save(wb, path)
    write_expected(path, expected("SDS", "sds", CAT50, subject, t))


# ----------------------------------------------------------------------------------------------
# 3. two-sheets-4.1.xlsx


def two_sheets():
    wb = Workbook()
    heading = "医療情報セキュリティ開示書チェックリスト MDS/SDS Ver.4.1"

    mds = wb.active
    mds.title = "MDS"
    widths(mds, A=10, B=50, C=12, D=40)
    title(mds, 1, "A", "D", heading)
    mds["A2"] = "製造業者記入欄(MDS)"
    mds_subject = {
        "organisation": "株式会社ひばり電子",
        "product": "ひばり検査システム LabNote",
        "model": "HL-300",
        "version": "4.0.2",
        "date": "2025-10-01",
        "contact": "技術部 製品セキュリティ担当 03-0000-5678",
    }
    cover_block(
        mds,
        [
            ("製造業者名", mds_subject["organisation"]),
            ("作成日", "2025/10/1"),
            ("製品名", mds_subject["product"]),
            ("型番", mds_subject["model"]),
            ("バージョン", mds_subject["version"]),
            ("連絡先", mds_subject["contact"]),
        ],
        label_cols=("A", "C"),
        first_row=3,
    )
    for ref, text in [("A7", "No."), ("B7", "質問"), ("C7", "回答"), ("D7", "補足")]:
        header_cell(mds, ref, text)
    t = Table(mds, CAT41, "mds", {"no": "A", "q": "B", "answer": "C", "remark": "D"}, 8)
    t.section("6.2 リスク分析")
    t.item("6.2-1", None, "製品のリスク分析を実施している。", answer="はい", expect="yes")
    t.section("6.3 組織的安全管理")
    t.item("6.3-1", "6.3－1", "管理者向けの設定手引きを用意している。", answer="はい", expect="yes",
           remark="導入時に手引書を提供。")
    t.section("6.4 物理的安全管理")
    t.item("6.4-1", "6.4.1", "記憶装置の取り外しを防止できる。", answer="いいえ", expect="no",
           remark="筐体の施錠機構なし。設置場所での管理を依頼。")
    t.section("6.5 技術的安全管理")
    t.item("6.5-1", None, "利用者ごとに ID を発行し認証する。", answer="はい", expect="yes")
    t.item("6.5-3", None, "ログイン失敗が続くとロックする。", answer="はい", expect="yes",
           remark="5回失敗で30分ロック。")
    t.item("6.5-4", "(6.5-4)", "二要素認証に対応する。", answer="いいえ", expect="no",
           remark="次期版で対応予定。")
    t.item("6.5-10", "６．５－１０", "OS 等の修正プログラムを提供する。", answer="はい", expect="yes")
    t.item("6.5-13", None, "通信を暗号化する。", answer="Yes", expect="yes", remark="TLS 1.2。")
    t.section("6.7 情報の破棄")
    t.item("6.7-1", None, "廃棄時にデータを消去できる。", answer="はい", expect="yes")
    t.section("6.8 保守")
    t.item("6.8-1", None, "リモート保守を提供している。", answer="はい", expect="yes")
    t.item("6.8-2", None, "保守接続は医療機関の承認を得て行う。", answer="はい", expect="yes")
    t.section("6.9 外部への持出し")
    t.item("6.9-1", None, "持ち出すデータを暗号化する。", answer="該当なし", expect="na",
           remark="データを持ち出す機能がない。")
    t.section("6.10 非常時")
    t.item("6.10-1", None, "バックアップとリストアの機能がある。", answer="はい", expect="yes")
    t.section("7 電子保存")
    t.item("7-1", None, "作成者を識別でき、修正履歴が残る。", answer="N/A", expect="na",
           remark="検査結果の原本は上位システムで保存。")
    exp_mds = expected("MDS", "mds", CAT41, mds_subject, t)

    sds = wb.create_sheet("SDS")
    widths(sds, A=12, B=50, C=12, D=40)
    title(sds, 1, "A", "D", heading)
    sds["A2"] = "サービス事業者記入欄(SDS)"
    sds_subject = {
        "organisation": "株式会社ひばり電子",
        "product": "LabNote 保守サービス",
        "model": "",
        "version": "",
        "date": "2025-10-01",
        "contact": "カスタマーサポート部 0120-000-000",
    }
    cover_block(
        sds,
        [
            ("サービス事業者名", sds_subject["organisation"]),
            ("作成日", "2025年10月1日"),
            ("サービス名称", sds_subject["product"]),
            ("連絡先", sds_subject["contact"]),
        ],
        label_cols=("A", "C"),
        first_row=3,
    )
    for ref, text in [("A6", "項目番号"), ("B6", "チェック項目"), ("C6", "回答"), ("D6", "コメント")]:
        header_cell(sds, ref, text)
    u = Table(sds, CAT41, "sds", {"no": "A", "q": "B", "answer": "C", "remark": "D"}, 7)
    u.section("6.2 リスク分析")
    u.item("6.2-1", None, "サービスのリスク分析を実施している。", answer="はい", expect="yes")
    u.item("6.2-2", None, "ISMS 等の認証を取得している。", answer="いいえ", expect="no",
           remark="2026年度に取得予定。")
    u.section("6.3 組織的安全管理")
    u.item("6.3-2", None, "安全管理の責任者を置いている。", answer="はい", expect="yes")
    u.section("6.4 物理的安全管理")
    u.item("6.4-2", None, "サーバ室の入退室を管理している。", answer="該当なし", expect="na",
           remark="サーバを持たない保守サービスのため。")
    u.section("6.5 技術的安全管理")
    u.item("6.5-1", None, "保守要員ごとに ID を発行し認証する。", answer="はい", expect="yes")
    u.item("6.5-15", None, "保守環境でマルウェア対策と監視を行う。", answer="Yes", expect="yes")
    u.section("6.6 人的安全管理")
    u.item("6.6-1", None, "再委託先にも同等の義務を課す。", answer="N/A", expect="na",
           remark="再委託なし。")
    u.section("6.8 保守")
    u.item("6.8-1", None, "リモート保守を提供している。", answer="はい", expect="yes")
    u.item("6.8-6", None, "保守作業の記録を残す。", answer="はい", expect="yes",
           remark="作業報告書を毎回提出。")
    u.section("6.10 非常時")
    u.item("6.10-3", None, "緊急時に使うアカウントを準備している。", answer="No", expect="no")
    u.section("6.11 外部との通信")
    u.item("6.11-2", None, "外部との通信は VPN 等で保護する。", answer="はい", expect="yes",
           remark="IPsec-VPN(IKEv2)。")
    u.section("8 外部保存")
    u.item("8-1", None, "医療情報を国内で保存する。", answer="該当なし", expect="na",
           remark="医療情報を保存しない。")
    exp_sds = expected("SDS", "sds", CAT41, sds_subject, u)

    hist = wb.create_sheet("改版履歴")
    widths(hist, A=8, B=14, C=50, D=14)
    for ref, text in [("A1", "版数"), ("B1", "改版日"), ("C1", "改版内容"), ("D1", "記入者")]:
        header_cell(hist, ref, text)
    hist.append(["1", datetime.date(2024, 4, 1), "初版", "山田"])
    hist.append(["2", datetime.date(2025, 10, 1), "MDS/SDS Ver.4.1 の様式に移行", "佐藤"])
    for r in (2, 3):
        hist[f"B{r}"].number_format = "yyyy/m/d"

    path = OUT / "two-sheets-4.1.xlsx"
    save(wb, path)
    write_expected(path, [exp_mds, exp_sds])


# ----------------------------------------------------------------------------------------------
# 4. furigana.xlsx


def phonetic(text: str, runs) -> str:
    """The <si> body of `text` with phonetic runs [(word, reading)]: each word's first
    occurrence gets <rPh sb eb> with its reading."""
    body = f"<t>{xml_escape(text)}</t>"
    for word, reading in runs:
        sb = text.index(word)
        body += f'<rPh sb="{sb}" eb="{sb + len(word)}"><t>{reading}</t></rPh>'
    return body + '<phoneticPr fontId="0" type="fullwidthKatakana"/>'


def xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def furigana():
    wb = Workbook()
    ws = wb.active
    ws.title = "MDS"
    widths(ws, A=10, B=48, C=10, D=40)
    title(ws, 1, "A", "D", "MDS チェックリスト Rev.5.0h")
    subject = {
        "organisation": "株式会社白樺医療機器",
        "product": "白樺モニタ HM-7",
        "model": "HM-7",
        "version": "1.3",
        "date": "2026-02-20",
        "contact": "開発部 03-0000-9012",
    }
    cover_block(
        ws,
        [
            ("製造業者名", subject["organisation"]),
            ("作成日", "2026年2月20日"),
            ("製品名", subject["product"]),
            ("型番", subject["model"]),
            ("バージョン", subject["version"]),
            ("連絡先", subject["contact"]),
        ],
        label_cols=("A", "C"),
    )
    for ref, text in [("A7", "番号"), ("B7", "質問"), ("C7", "回答"), ("D7", "備考")]:
        header_cell(ws, ref, text)
    t = Table(ws, CAT50, "mds", {"no": "A", "q": "B", "answer": "C", "remark": "D"}, 8)
    rich_remark = "暗号鍵は装置内の専用領域に保管。"
    t.section("7. 情報の保存と媒体")
    t.item("7-1", None, "保存データを暗号化できる。", answer="はい", expect="yes",
           remark="__RICH__", expect_remark=rich_remark)
    t.item("7-2", None, "廃棄時に記憶装置を消去できる。", answer="はい", expect="yes",
           remark="消去ツールを保守員が実行。")
    t.section("13. ネットワーク")
    t.item("13-1", None, "通信を暗号化し改ざんを検知する。", answer="いいえ", expect="no",
           remark="院内閉域網での利用を前提とする。")
    t.section("14. 認証・アクセス制御")
    t.item("14-2", None, "端末ログインに二要素認証を使える。", answer="該当なし", expect="na",
           remark="利用者認証を行わない単体機器。")
    t.section("15. 電子署名")
    t.item("15-1", None, "電子署名と時刻認証に対応する。", answer="該当なし", expect="na")
    t.section("16. ログ")
    t.item("16-1", None, "操作履歴を利用者と日時付きで記録する。", answer="はい", expect="yes",
           remark="装置内に 90 日分保存。")

    readings = {
        "株式会社白樺医療機器": [("株式会社", "カブシキガイシャ"), ("白樺", "シラカバ")],
        "製造業者名": [("製造業者名", "セイゾウギョウシャメイ")],
        "作成日": [("作成日", "サクセイビ")],
        "保存データを暗号化できる。": [("保存", "ホゾン"), ("暗号化", "アンゴウカ")],
        "廃棄時に記憶装置を消去できる。": [("廃棄時", "ハイキジ"), ("消去", "ショウキョ")],
        "通信を暗号化し改ざんを検知する。": [("通信", "ツウシン")],
        "端末ログインに二要素認証を使える。": [("二要素認証", "ニヨウソニンショウ")],
        "操作履歴を利用者と日時付きで記録する。": [("操作履歴", "ソウサリレキ")],
        "消去ツールを保守員が実行。": [("保守員", "ホシュイン")],
        "院内閉域網での利用を前提とする。": [("閉域網", "ヘイイキモウ")],
        "利用者認証を行わない単体機器。": [("単体機器", "タンタイキキ")],
    }

    def shared_strings(b: bytes) -> bytes:
        s = b.decode()
        for text, runs in readings.items():
            plain = re.compile(f"<si><t(?: [^>]*)?>{re.escape(xml_escape(text))}</t></si>")
            s, n = plain.subn(lambda _: f"<si>{phonetic(text, runs)}</si>", s)
            if n != 1:
                raise SystemExit(f"furigana: {text!r} found {n} times in sharedStrings.xml")
        # a remark in two runs (the second bold), with a phonetic run over the first
        rich = (
            "<si><r><t>暗号鍵は</t></r>"
            '<r><rPr><b/><sz val="11"/><rFont val="游ゴシック"/></rPr><t>装置内の専用領域</t></r>'
            "<r><t>に保管。</t></r>"
            '<rPh sb="0" eb="3"><t>アンゴウカギ</t></rPh>'
            '<phoneticPr fontId="0" type="fullwidthKatakana"/></si>'
        )
        if "<si><t>__RICH__</t></si>" not in s:
            raise SystemExit("furigana: placeholder not in sharedStrings.xml")
        s = s.replace("<si><t>__RICH__</t></si>", rich)
        return s.encode()

    path = OUT / "furigana.xlsx"
    save(wb, path, edits={"xl/sharedStrings.xml": shared_strings})
    write_expected(path, expected("MDS", "mds", CAT50, subject, t))


# ----------------------------------------------------------------------------------------------
# 5. macro.xlsm


def macro():
    wb = Workbook()
    ws = wb.active
    ws.title = "チェックリスト"
    widths(ws, A=10, B=48, C=10, D=40)
    title(ws, 1, "A", "D", "製造業者による開示書 チェックリスト Rev.5.0h")
    subject = {
        "organisation": "有限会社つばめメディカル",
        "product": "つばめ輸液ポンプ管理ソフト",
        "model": "TSP-20",
        "version": "2.0",
        "date": "2026-01-10",
        "contact": "営業技術課 info@tsubame-med.example.jp",
    }
    cover_block(
        ws,
        [
            ("製造業者名", subject["organisation"]),
            ("作成日", "2026/1/10"),
            ("製品名", subject["product"]),
            ("型番", subject["model"]),
            ("バージョン", subject["version"]),
            ("連絡先", subject["contact"]),
        ],
        label_cols=("A", "C"),
    )
    for ref, text in [("A7", "項番"), ("B7", "確認項目"), ("C7", "回答"), ("D7", "備考")]:
        header_cell(ws, ref, text)
    t = Table(ws, CAT50, "mds", {"no": "A", "q": "B", "answer": "C", "remark": "D"}, 8)
    t.item("2-1", None, "管理者向けの設定手引きを提供する。", answer="はい", expect="yes")
    t.item("8-1", None, "修正プログラムを継続して提供する。", answer="はい", expect="yes",
           remark="四半期ごと。")
    t.item("8-2", None, "不要なサービスを止めている。", answer="はい", expect="yes")
    t.item("14-1", None, "利用者ごとに ID を発行する。", answer="いいえ", expect="no",
           remark="共用アカウントで運用(病棟単位)。")
    t.item("16-1", None, "操作ログを記録する。", answer="はい", expect="yes")
    help_ = wb.create_sheet("使い方")
    help_["A1"] = "回答欄に はい・いいえ・該当なし を入力し、「チェック」ボタンで入力漏れを確認してください。"

    path = OUT / "macro.xlsm"
    macro_enabled(wb, path)
    write_expected(path, expected("チェックリスト", "mds", CAT50, subject, t))


# ----------------------------------------------------------------------------------------------
# 6. LibreOffice conversions of answer-column.xlsx


def libreoffice(source: Path, exp: dict, formula_row: int):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: libreoffice.* not written", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        for ext in ("xlsx", "ods", "xls"):
            outdir = Path(tmp) / ext
            outdir.mkdir()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    ext,
                    "--outdir",
                    str(outdir),
                    str(source),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            produced = outdir / f"{source.stem}.{ext}"
            target = OUT / f"libreoffice.{ext}"
            shutil.copyfile(produced, target)
            e = copy.deepcopy(exp)
            # LibreOffice computes the formula and stores its value.
            ref = f"D{formula_row}"
            e["findings"] = [f for f in e["findings"] if f["cell"] != ref]
            e["answers"]["MDS-C08-04"]["remark"] = "SBOM は個別に提供"
            write_expected(target, e)


# ----------------------------------------------------------------------------------------------
# 7. blank-official.xlsx / .xlsm


def blank_official(macro_book: bool):
    wb = Workbook()
    ws = wb.active
    ws.title = "MDS"
    widths(ws, A=10, B=56, C=14, D=44)
    ws.row_dimensions[1].height = 30
    title(ws, 1, "A", "D", "製造業者による医療情報セキュリティ開示書(MDS) チェックリスト Rev.5.0h")
    ws["A1"].alignment = CENTER
    cover_block(
        ws,
        [
            ("製造業者名", None),
            ("作成日", None),
            ("製品名", None),
            ("型番", None),
            ("バージョン", None),
            ("連絡先", None),
        ],
        label_cols=("A", "C"),
    )
    for ref, text in [("A7", "項番"), ("B7", "確認項目"), ("C7", "回答"), ("D7", "備考")]:
        header_cell(ws, ref, text)
    ws["C7"].comment = Comment("はい・いいえ・該当なし をリストから選んでください。", "様式作成者")
    t = Table(ws, CAT50, "mds", {"no": "A", "q": "B", "answer": "C", "remark": "D"}, 8)
    blank = [
        ("基本情報", [("0-1", "医療機器としての承認・認証を受けている。")]),
        ("規程類", [("2-1", "管理者向けのセキュリティ手引きを提供する。")]),
        ("リスク評価", [("4-1", "リスク評価の結果と残るリスクを示せる。"),
                    ("4-2", "構成図とデータの流れを提供できる。")]),
        ("データ交換", [("5-1", "標準規格でデータを交換できる。")]),
        ("情報の保存と媒体", [("7-1", "保存データを暗号化できる。"),
                        ("7-2", "廃棄時にデータを復元不能にできる。"),
                        ("7-3", "外部記録媒体の接続を制限できる。"),
                        ("7-4", "持ち出すデータは暗号化される。")]),
        ("製品の保守", [("8-1", "修正プログラムをサポート期間中提供する。"),
                   ("8-2", "不要なサービスやポートを止めている。"),
                   ("8-3", "初期パスワードを変更させる。"),
                   ("8-4", "第三者コンポーネントの一覧を示せる。"),
                   ("8-5", "脆弱性への対応手順を定めている。")]),
        ("リモート保守", [("10-1", "リモート保守を提供している。"),
                    ("10-2", "接続前に医療機関の承認を得る。")]),
        ("ネットワーク", [("13-1", "通信を暗号化し改ざんを検知できる。")]),
        ("認証・アクセス制御", [("14-1", "利用者ごとに固有の ID で認証する。"),
                         ("14-2", "二要素認証を使える。")]),
        ("ログ", [("16-1", "操作ログを利用者と日時付きで残す。")]),
    ]
    for name, items in blank:
        t.section(name)
        for no, q in items:
            t.item(no, None, q, expect=None)
            r = t.row - 1
            ws[f"C{r}"].fill = INPUT_FILL
            ws[f"D{r}"].fill = INPUT_FILL
    last = t.row - 1
    dv = DataValidation(type="list", formula1='"はい,いいえ,該当なし"', allow_blank=True,
                        showErrorMessage=True, errorTitle="回答",
                        error="はい・いいえ・該当なし から選んでください")
    dv.add(f"C8:C{last}")
    ws.add_data_validation(dv)
    wb.defined_names["回答欄"] = DefinedName("回答欄", attr_text=f"MDS!$C$8:$C${last}")
    ws.freeze_panes = "A8"
    ws.print_title_rows = "7:7"
    ws.print_area = f"A1:D{last}"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "&P / &N"
    ws.protection.sheet = False

    subject = {k: "" for k in ("organisation", "product", "model", "version", "contact")}
    subject["date"] = None
    exp = expected("MDS", "mds", CAT50, subject, t)
    exp["subject"] = {k: subject[k] for k in
                      ("organisation", "product", "model", "version", "date", "contact")}
    if macro_book:
        path = OUT / "blank-official.xlsm"
        macro_enabled(wb, path)
    else:
        path = OUT / "blank-official.xlsx"
        save(wb, path)
    write_expected(path, exp)


# ----------------------------------------------------------------------------------------------
# 8. bad/


BAD_README = """\
# Workbooks kaiji must refuse

Written by `testdata/make_workbooks.py`. Importing any of these must fail with an error
(`kaiji import` exits with code 2), never panic and never yield a document.

| file | what it is | error kaiji-xlsx must give |
|---|---|---|
| encrypted.xlsx | answer-column.xlsx encrypted with msoffcrypto-tool, password `kaiji` (an OLE file with an EncryptedPackage stream) | `Error::Encrypted` (パスワードで保護(暗号化)されたワークブックです…) |
| csv-renamed.xlsx | UTF-8 CSV text (with BOM) saved under .xlsx | `Error::NotAWorkbook`: a CSV or other text file (CSV などのテキストファイルです…) |
| not-a-zip.xlsx | 2048 random bytes (seeded), neither zip nor OLE | `Error::NotAWorkbook`: not an Excel workbook (Excel ワークブック…ではありません) |
| zip-not-workbook.xlsx | a zip holding only readme.txt | `Error::NotAWorkbook`: a zip archive without a workbook (ワークブックを含まない zip ファイルです) |
| empty-workbook.xlsx | a valid openpyxl workbook with one empty sheet | `Error::NoChecklist` (チェックリストの表…が見つかりません) |
| word-document.xlsx | a zip holding [Content_Types].xml and word/document.xml (a minimal .docx) | `Error::NotAWorkbook`: a Word document (Word 文書です) |

encrypted.xlsx differs on every run of the script (the encryption salt is random).
"""


def bad(answer_column_path: Path):
    import msoffcrypto.format.ooxml

    with open(answer_column_path, "rb") as f:
        plain = msoffcrypto.format.ooxml.OOXMLFile(f)
        out = io.BytesIO()
        plain.encrypt("kaiji", out)
    (BAD / "encrypted.xlsx").write_bytes(out.getvalue())

    csv = (
        "\ufeff項番,確認項目,回答,備考\r\n"
        "0-1,本製品は医療機器として承認・認証を受けている。,はい,\r\n"
        "7-1,保存データを暗号化する機能がある。,はい,AES-256\r\n"
        '14-2,ログインに二要素認証を使える。,いいえ,"次期版で対応予定"\r\n'
    )
    (BAD / "csv-renamed.xlsx").write_bytes(csv.encode("utf-8"))

    rng = random.Random(20260401)
    noise = bytes(rng.randrange(256) for _ in range(2048))
    assert not noise.startswith(b"PK") and not noise.startswith(b"\xd0\xcf")
    (BAD / "not-a-zip.xlsx").write_bytes(noise)

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zip_info("readme.txt"), "これはワークブックではありません。\n")
    (BAD / "zip-not-workbook.xlsx").write_bytes(buf.getvalue())

    wb = Workbook()
    save(wb, BAD / "empty-workbook.xlsx")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            zip_info("[Content_Types].xml"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            zip_info("_rels/.rels"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            zip_info("word/document.xml"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>MDS チェックリストは別添の Excel ファイルをご覧ください。</w:t></w:r></w:p></w:body>"
            "</w:document>",
        )
    (BAD / "word-document.xlsx").write_bytes(buf.getvalue())
    (BAD / "README.md").write_text(BAD_README, encoding="utf-8")


# ----------------------------------------------------------------------------------------------

FIXTURES_README = """\
# Workbook fixtures of kaiji's Excel import

Written by `testdata/make_workbooks.py` (run by hand: `python3 testdata/make_workbooks.py` from
the repository root); do not edit by hand. All vendors and products are fictional; question
texts are kaiji's own short phrasings, not JAHIS wording.

Each good workbook `X` has `X.expected.json`: what a correct import must yield, one object per
checklist sheet (a list when the book holds two):

- `sheet`, `kind` (mds/sds), `catalog` (`id@revision`);
- `subject`: organisation, product, model, version, date (YYYY-MM-DD; `null` when the book has
  no date: the importer then fills a placeholder and validation reports the date missing),
  contact; a field the book does not have is `""`;
- `answers`: only the items the sheet has, keyed by catalog item id: `answer` (yes/no/na/null),
  `remark` (exact, with `\\n` joins for spilled remarks and `[CELL] text` for stray text),
  `source_text` (the question cell, trimmed), and `source_answer` only where the answer cell
  could not be read (the text kept as typed);
- `findings`: only the import findings the book provokes on purpose (code and cell); validation
  findings (missing answers, remarks required, …) are not listed.

| file | what it exercises |
|---|---|
| answer-column.xlsx | MDS 5.0h, cover block above the table (real date cell), one answer column written many ways, item numbers written many ways, section rows, an unreadable answer, a formula without a cached value |
| mark-columns.xlsx | SDS 5.0h, cover sheet 表紙 (和暦 date, a value below its label), two-row header with merged 回答 over はい/いいえ/該当なし, marks ○ ● ◯ ✓ ✔ 1 x X ×, two marks in one row, an unreadable mark, a spilled remark, text under 担当者メモ |
| two-sheets-4.1.xlsx | MDS and SDS sheets of Ver.4.1 in one book, each with its own cover block, plus 改版履歴 |
| furigana.xlsx | MDS 5.0h; shared strings with phonetic runs (rPh) and a rich-text remark |
| macro.xlsm | MDS 5.0h saved as a macro-enabled book with a (placeholder) vbaProject.bin |
| libreoffice.{xlsx,ods,xls} | answer-column.xlsx converted by LibreOffice 7.4 (the formula has a cached value there) |
| blank-official.{xlsx,xlsm} | a blank MDS 5.0h form as a vendor receives it: styles, data validation, comment, defined name, merged title, frozen panes, print settings; everything unanswered |
| bad/ | files that must be refused (see bad/README.md) |
"""


def check_catalog():
    """Checks ITEMS against the shipped catalogs when the kaiji binary is built."""
    if not KAIJI.exists():
        print(f"note: {KAIJI} not built; item numbers not checked", file=sys.stderr)
        return
    for key, items in ITEMS.items():
        out = subprocess.run(
            [str(KAIJI), "catalog", "show", key, "--format", "json"],
            check=True,
            capture_output=True,
        ).stdout
        doc = json.loads(out)
        by_no = {}
        for section in doc["body"]["sections"]:
            for item in section["items"]:
                by_no[item["no"]] = (item["id"], set(item["forms"]))
        for no, want in items.items():
            if by_no.get(no) != want:
                raise SystemExit(f"{key} {no}: catalog has {by_no.get(no)}, script says {want}")


def inventory():
    """examples/hospital/inventory.xlsx: the example hospital's system inventory as hospitals keep
    it, in Excel (the same eight systems as inventory.yaml), for `kaiji checklist mhlw`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "システム台帳"
    ws.append(["医療情報システム台帳"])
    ws.append(["施設名", "サンプル総合病院"])
    ws.append(["更新日", datetime.date(2026, 10, 1)])
    ws.append([])
    ws.append(["No.", "システム名", "事業者名", "製品名", "バージョン", "リモート保守", "事業者への確認日", "開示書ファイル", "リモートサービスプロファイル", "備考"])
    rows = [
        ("PACS(本院)", "株式会社サンプルメディカルイメージング", "SampleView PACS", "9.2.0", "あり", None, "../pacs-mds-5.0h.kaiji.json", "../rss/pacs-remote-service.yaml", ""),
        ("PACS(健診センター)", "株式会社サンプルメディカルイメージング", "SampleView PACS", "8.4.2", "○", None, "../pacs-mds-4.1.kaiji.json", None, "更新予定"),
        ("画像連携クラウド", "サンプルクラウドヘルス株式会社", "SampleShare 画像連携クラウド", "2026.1", "はい", None, "../cloud-share-sds-5.0h.kaiji.json", None, ""),
        ("電子カルテ", "株式会社サンプルシステムズ", "SampleChart", "7.1", "あり", datetime.date(2026, 9, 12), None, None, "開示書は依頼中"),
        ("検体検査システム", "サンプルラボ株式会社", "SampleLIS", "3.0", None, None, None, None, ""),
        ("医事会計システム", "株式会社サンプル医事", "SampleReceipt", 12, "あり", None, None, None, ""),
        ("給食管理システム", "株式会社サンプルフード", "SampleMeal", None, "なし", None, None, None, ""),
        ("ナースコール", "サンプル通信株式会社", "SampleCall", None, "×", None, "nurse-call-sds.kaiji.json", None, ""),
    ]
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    for row in ws.iter_rows(min_row=6, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = "yyyy/m/d"
    ws["B3"].number_format = "yyyy/m/d"
    for col, width in zip("ABCDEFGHIJ", [5, 22, 36, 30, 10, 12, 16, 34, 34, 16]):
        ws.column_dimensions[col].width = width
    save(wb, ROOT / "examples" / "hospital" / "inventory.xlsx")


def main():
    os.chdir(ROOT)
    if sys.argv[1:] == ["inventory"]:
        inventory()
        return
    inventory()
    check_catalog()
    OUT.mkdir(parents=True, exist_ok=True)
    BAD.mkdir(parents=True, exist_ok=True)
    path, exp, formula_row = answer_column()
    mark_columns()
    two_sheets()
    furigana()
    macro()
    libreoffice(path, exp, formula_row)
    blank_official(False)
    blank_official(True)
    bad(path)
    (OUT / "README.md").write_text(FIXTURES_README, encoding="utf-8")
    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            size = p.stat().st_size
            if size >= 200 * 1024:
                raise SystemExit(f"{p} is {size} bytes (limit 200 KB)")
            print(f"{size:>8}  {p.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
