#!/usr/bin/env python3
"""Peak memory of importing hostile spreadsheets, for BENCHMARKS.md (issue 19).

Builds, with the standard library only, the files an attack on the import used:
  * sheet.xlsx    ~1 MB whose sheet inflates to 1.15 GB (one row of padding XML repeated)
  * rows.xlsx     ~5 MB holding 2.7 million one-cell rows
  * strings.xlsx  a few KB whose shared-string table declares 99 999 999 999 entries
  * column.xlsx   a few KB with a cell in column ZZZZZZ (about 321 million)
  * cell.csv      30 MB, one cell
and, as the baseline in the same run, a well-formed 100 000-row file (bench/import.py's, if
present, else a smaller one written here). Each is run through `sheji import orgs FILE
--dry-run` against a fresh SQLite database under /usr/bin/time, and the script prints the
answer (refused with which message, or rows read), wall time and peak resident memory.

    cargo build --release -p sheji && python3 bench/bombs.py
"""
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SHEJI_BIN", os.path.join(ROOT, "target", "release", "sheji"))

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""
RELS = b"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"""
SHEET_HEAD = b"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"""
SHEET_TAIL = b"</sheetData></worksheet>"


def workbook(path, sheet_chunks, extra=()):
    """A workbook whose sheet is the concatenation of `sheet_chunks` (streamed, compressed hard)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, body in extra:
            z.writestr(name, body)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            for chunk in sheet_chunks:
                sheet.write(chunk)
            sheet.write(SHEET_TAIL)


def header_row():
    cells = ["统一社会信用代码", "单位名称", "单位类型", "所在区县"]
    xml = "".join('<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i), c) for i, c in enumerate(cells))
    return ('<row r="1">%s</row>' % xml).encode()


def build(folder):
    files = {}
    # 1.15 GB of one padded cell's worth of XML, repeated: compresses to about a megabyte.
    pad = b'<row r="2"><c r="A2"><v>1</v></c></row>' + b" " * 4096
    target = 1_150 * 1024 * 1024

    def padding():
        yield header_row()
        written = 0
        while written < target:
            yield pad * 256
            written += len(pad) * 256

    files["sheet.xlsx"] = os.path.join(folder, "sheet.xlsx")
    workbook(files["sheet.xlsx"], padding())

    def many_rows():
        yield header_row()
        for start in range(2, 2_700_002, 10_000):
            yield "".join('<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(start, start + 10_000)).encode()

    files["rows.xlsx"] = os.path.join(folder, "rows.xlsx")
    workbook(files["rows.xlsx"], many_rows())

    sst = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="99999999999" uniqueCount="99999999999"><si><t>a</t></si></sst>'
    files["strings.xlsx"] = os.path.join(folder, "strings.xlsx")
    workbook(files["strings.xlsx"], [header_row()], extra=[("xl/sharedStrings.xml", sst)])

    files["column.xlsx"] = os.path.join(folder, "column.xlsx")
    workbook(files["column.xlsx"], [header_row(), b'<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>'])

    files["cell.csv"] = os.path.join(folder, "cell.csv")
    with open(files["cell.csv"], "wb") as f:
        f.write("统一社会信用代码,单位名称\n915001,".encode())
        f.write(b"x" * (30 * 1024 * 1024))
        f.write(b"\n")

    baseline = os.path.join(ROOT, "target", "bench-import-100000.xlsx")
    if os.path.exists(baseline):
        files["baseline (100 000 rows)"] = baseline
    return files


def run(path, folder):
    db = "sqlite://" + os.path.join(folder, "bomb-%d.db" % time.time_ns())
    env = dict(os.environ, SHEJI_ADMIN_PASSWORD="Sheji-Bench-2026x", SHEJI_DATA_DIR=folder)
    subprocess.run([BIN, "migrate", "--db", db], check=True, capture_output=True, env=env)
    t = time.monotonic()
    p = subprocess.run(
        ["/usr/bin/time", "-f", "MAXRSS %M", BIN, "import", "orgs", path, "--dry-run", "--db", db],
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.monotonic() - t
    rss_kb = next((int(l.split()[1]) for l in p.stderr.splitlines() if l.startswith("MAXRSS")), 0)
    said = [l for l in (p.stdout + p.stderr).splitlines()
            if l.strip() and not l.startswith("MAXRSS") and not l.startswith("Command exited")]
    return elapsed, rss_kb / 1024, said[-1][:110] if said else ""


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release -p sheji (or set SHEJI_BIN)")
    with tempfile.TemporaryDirectory() as folder:
        files = build(folder)
        print("| file | size | time (s) | peak memory (MB) | answer |")
        print("|---|---:|---:|---:|---|")
        for name, path in files.items():
            size = os.path.getsize(path) / (1024 * 1024)
            elapsed, rss, said = run(path, folder)
            print("| %s | %.1f MB | %.2f | %.0f | %s |" % (name, size, elapsed, rss, said))


if __name__ == "__main__":
    main()
