#!/usr/bin/env python3
"""Checks, with openpyxl (a second reader), that `kaiji export --into BLANK` changed only the
filled cells. Run by hand, not by CI (the Rust tests check the same with calamine):

    kaiji import crates/xlsx/tests/fixtures/blank-official.xlsx -o /tmp/blank.kaiji.json
    # answer some items in /tmp/blank.kaiji.json, then:
    kaiji export /tmp/blank.kaiji.json --into crates/xlsx/tests/fixtures/blank-official.xlsx -o /tmp/filled.xlsx
    python3 testdata/check_filled.py crates/xlsx/tests/fixtures/blank-official.xlsx /tmp/filled.xlsx

Prints every changed cell and the sheet-level properties compared; exits 1 when anything other
than cell values changed (styles, data validations, merged cells, defined names, comments).
"""
import sys

from openpyxl import load_workbook


def main(blank_path, filled_path):
    keep_vba = blank_path.endswith(".xlsm")
    blank = load_workbook(blank_path, keep_vba=keep_vba)
    filled = load_workbook(filled_path, keep_vba=keep_vba)
    problems = []
    if blank.sheetnames != filled.sheetnames:
        problems.append(f"sheets differ: {blank.sheetnames} / {filled.sheetnames}")
    if sorted(blank.defined_names.keys()) != sorted(filled.defined_names.keys()):
        problems.append("defined names differ")
    changed = 0
    for name in blank.sheetnames:
        a, b = blank[name], filled[name]
        if str(a.merged_cells) != str(b.merged_cells):
            problems.append(f"{name}: merged cells differ")
        if len(a.data_validations.dataValidation) != len(b.data_validations.dataValidation):
            problems.append(f"{name}: data validations differ")
        if a.freeze_panes != b.freeze_panes:
            problems.append(f"{name}: frozen panes differ")
        rows = max(a.max_row, b.max_row)
        cols = max(a.max_column, b.max_column)
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                x, y = a.cell(r, c), b.cell(r, c)
                if x.comment and (not y.comment or x.comment.text != y.comment.text):
                    problems.append(f"{name}!{x.coordinate}: comment lost")
                if x.value != y.value:
                    changed += 1
                    print(f"{name}!{x.coordinate}: {x.value!r} -> {y.value!r}")
                    if x.value not in (None, ""):
                        problems.append(f"{name}!{x.coordinate}: a non-empty cell was overwritten")
                # Style indexes into styles.xml, which must be byte-identical: equal indexes
                # mean equal styles.
                if x.has_style and tuple(x._style) != tuple(y._style):
                    problems.append(f"{name}!{x.coordinate}: style changed")
    if keep_vba and blank.vba_archive is not None and filled.vba_archive is None:
        problems.append("macros lost")
    print(f"{changed} cells filled; openpyxl opened both files")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
