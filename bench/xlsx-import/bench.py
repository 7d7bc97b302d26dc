#!/usr/bin/env python3
"""Excel import speed: kaiji against openpyxl (the peer) and raw calamine reading (the floor),
all in one run on the same files. Not a test: it prints ratios for the README. A fourth column
times kaiji's own workbook reader alone (the work calamine_floor does), to show where an
import's time goes.

    bench/xlsx-import/run.sh          # builds the release binaries, then runs this

Workloads (generated with openpyxl into a temporary directory):
  checklist  one 300-item MDS checklist (cover block, header, section rows, answers, remarks)
  large      one sheet of 50,000 item rows
  batch      1,000 checklists (copies of the 300-item one), imported in one process,
             with one worker and with all cores

Each timing is the best of REPEAT runs of a whole process (start-up included for every
contender: `python3 -c` for openpyxl, the binaries for kaiji and calamine).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from openpyxl import Workbook

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
KAIJI = os.path.join(TARGET, "release", "kaiji")
FLOOR = os.path.join(TARGET, "release", "examples", "calamine_floor")
READER = os.path.join(TARGET, "release", "examples", "kaiji_read")
REPEAT = int(os.environ.get("REPEAT", "5"))


def checklist(path, items):
    wb = Workbook()
    ws = wb.active
    ws.title = "MDS"
    ws.append(["製造業者による医療情報セキュリティ開示書 チェックリスト Rev.5.0h"])
    ws.append(["製造業者名", "株式会社ベンチ"])
    ws.append(["製品名", "Bench PACS"])
    ws.append(["型番", "B-1"])
    ws.append(["バージョン", "1.0"])
    ws.append(["作成日", "2026/04/01"])
    ws.append(["連絡先", "bench@example.jp"])
    ws.append([])
    ws.append(["項番", "確認項目", "回答", "備考"])
    answers = ["はい", "いいえ", "該当なし"]
    for n in range(items):
        section, pos = divmod(n, 20)
        if pos == 0:
            ws.append([f"第{section + 1}章 セクション"])
        ws.append([f"{section + 1}-{pos + 1}", f"確認項目 {n} の内容を記述する文章です。", answers[n % 3], f"備考 {n}: 対策の説明と根拠文書の名前"])
    wb.save(path)


def best(cmd):
    """Best wall time of REPEAT runs. Exit code 1 is fine: kaiji reports findings (the generated
    item numbers are not all in the catalog); 2 or a crash is not."""
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if done.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return min(times)


OPENPYXL = (
    "import sys\n"
    "from openpyxl import load_workbook\n"
    "n = 0\n"
    "for p in sys.argv[1:]:\n"
    "    wb = load_workbook(p)\n"
    "    for ws in wb.worksheets:\n"
    "        for row in ws.iter_rows():\n"
    "            for c in row:\n"
    "                if c.value is not None: n += 1\n"
    "print(n)\n"
)


def measure(name, files, out_dir, jobs=None):
    kaiji_cmd = [KAIJI, "import", "--quiet", "--force", "--out-dir", out_dir, *files]
    if jobs:
        kaiji_cmd[2:2] = ["--jobs", str(jobs)]
    k = best(kaiji_cmd)
    r = best([READER, *files])
    f = best([FLOOR, *files])
    o = best([sys.executable, "-c", OPENPYXL, *files])
    print(f"{name:<22} kaiji {k*1000:8.1f} ms   reader {r*1000:8.1f} ms   calamine {f*1000:8.1f} ms   "
          f"openpyxl {o*1000:8.1f} ms   openpyxl/kaiji {o/k:5.1f}x   kaiji/calamine {k/f:4.2f}x   "
          f"reader/calamine {r/f:4.2f}x")
    return k, f, o


def main():
    for binary in (KAIJI, READER, FLOOR):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: run bench/xlsx-import/run.sh")
    work = tempfile.mkdtemp(prefix="kaiji-bench-")
    try:
        one = os.path.join(work, "checklist.xlsx")
        checklist(one, 300)
        large = os.path.join(work, "large.xlsx")
        checklist(large, 50_000)
        batch_dir = os.path.join(work, "batch")
        os.mkdir(batch_dir)
        batch = []
        for i in range(1000):
            p = os.path.join(batch_dir, f"c{i:04}.xlsx")
            shutil.copyfile(one, p)
            batch.append(p)
        out = os.path.join(work, "out")
        os.mkdir(out)
        print(f"cores: {os.cpu_count()}, best of {REPEAT} runs each")
        measure("checklist (300 items)", [one], out)
        measure("large (50,000 rows)", [large], out)
        measure("batch 1,000, 1 worker", batch, out, jobs=1)
        k_all, _, _ = measure("batch 1,000, all cores", batch, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
