"""Batch files: reading question lists and writing answer tables (xlsx, csv, jsonl, md).

Rows are plain dicts with the columns of OUTPUT_COLUMNS. `citations` is a list of Citation dicts
while a batch runs; once read back from a CSV it may be the readable text instead (a CSV cannot
hold structure), and writers accept both. Every writer goes through a temporary file and
os.replace, so an output file is either the old one or the complete new one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from planqa.corpus.models import page_label

# `pages`: the source page of each citation ("[1] 第5页；[2] 第7–8页"), for checking against the printed file
OUTPUT_COLUMNS = ["id", "question", "answer", "refused", "refusal_reason", "citations", "pages", "latency_ms"]
FORMATS = ("xlsx", "csv", "jsonl", "md")
_EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".json": "jsonl", ".md": "md", ".markdown": "md"}
QUESTION_COLUMNS = ("question", "questions", "问题", "提问")
ID_COLUMNS = ("id", "qid", "编号", "序号")
# Hidden sheet that keeps the structured citations of an XLSX output, so a resumed run loses nothing.
XLSX_DATA_SHEET = "_planqa"
XLSX_WIDTHS = {"id": 10, "question": 40, "answer": 80, "refused": 9, "refusal_reason": 28,
               "citations": 80, "pages": 18, "latency_ms": 12}
MD_ROW_MARK = "<!-- planqa-row "


class BatchFileError(ValueError):
    """The input file cannot be used at all (unknown format, no question column)."""


def format_for(path: str | Path, fmt: str | None = None) -> str:
    if fmt:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise BatchFileError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    ext = Path(path).suffix.lower()
    if ext not in _EXTENSIONS:
        raise BatchFileError(f"cannot tell the format of {Path(path).name}; pass --format ({', '.join(FORMATS)})")
    return _EXTENSIONS[ext]


# ---------------------------------------------------------------- reading questions

def _clean(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns 7 into 7.0
    return str(value).strip()


def _pick(columns: Iterable[str], wanted: tuple[str, ...]) -> str | None:
    lookup = {str(c).strip().lower(): c for c in columns}
    return next((lookup[w] for w in wanted if w in lookup), None)


def unique_ids(rows: list[dict]) -> list[dict]:
    """Fill missing ids with the 1-based row number and make repeated ids unique (7, 7-2, 7-3)."""
    seen: dict[str, int] = {}
    out = []
    for n, r in enumerate(rows, 1):
        qid = _clean(r.get("id")) or str(n)
        if qid in seen:
            seen[qid] += 1
            qid = f"{qid}-{seen[qid]}"
        seen.setdefault(qid, 1)
        out.append({**r, "id": qid})
    return out


def _records_from_table(records: list[dict], source: str) -> list[dict]:
    columns = list(records[0].keys()) if records else []
    qcol = _pick(columns, QUESTION_COLUMNS)
    if records and qcol is None:
        raise BatchFileError(f"{source}: no 'question' column (columns: {', '.join(map(str, columns))})")
    icol = _pick(columns, ID_COLUMNS)
    rows = [{"id": _clean(r.get(icol)) if icol else "", "question": _clean(r.get(qcol))} for r in records]
    return unique_ids(rows)


def read_questions(path: str | Path) -> list[dict]:
    """Questions from CSV, XLSX or JSONL: [{"id", "question"}]; other columns are ignored."""
    import pandas as pd

    path = Path(path)
    fmt = format_for(path)
    if fmt == "jsonl":
        records = []
        with path.open(encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BatchFileError(f"{path.name}:{n}: not JSON ({exc.msg})") from exc
                records.append(obj if isinstance(obj, dict) else {"question": obj})
        return _records_from_table(records, path.name)
    if fmt == "csv":
        frame = None
        for enc in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
            try:
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
                break
            except UnicodeDecodeError:
                continue
        if frame is None:
            raise BatchFileError(f"{path.name}: neither UTF-8 nor GB18030")
    elif fmt == "xlsx":
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    else:
        raise BatchFileError(f"{path.name}: questions are read from CSV, XLSX or JSONL, not {fmt}")
    return _records_from_table(frame.to_dict("records"), path.name)


# ---------------------------------------------------------------- rendering rows

def citation_line(c: dict) -> str:
    """[1]《标题》第三章 … › 第二节 …：引文"""
    title = c.get("doc_title") or c.get("doc_id") or ""
    where = " › ".join(p for p in (c.get("chapter") or "", c.get("section") or "") if p)
    quote = (c.get("quote") or c.get("text") or "").strip().replace("\n", " ")
    page = page_label(int(c.get("page") or 0), int(c.get("page_end") or 0))
    head = f"[{c.get('n', '')}]《{title}》" + (where if where else "") + (f"（{page}）" if page else "")
    return f"{head}：{quote}" if quote else head


def citations_text(citations) -> str:
    if isinstance(citations, str):
        return citations
    return "\n".join(citation_line(c) for c in citations or [])


def pages_text(citations) -> str:
    """"[1] 第5页；[2] 第7–8页" for the citations whose source has pages ("" for TXT sources)."""
    if isinstance(citations, str):
        return ""
    pages = [(c.get("n", ""), page_label(int(c.get("page") or 0), int(c.get("page_end") or 0)))
             for c in citations or []]
    return "；".join(f"[{n}] {label}" for n, label in pages if label)


def _flat(row: dict) -> dict:
    out = {c: row.get(c, "") for c in OUTPUT_COLUMNS}
    out["citations"] = citations_text(row.get("citations"))
    out["pages"] = row.get("pages") or pages_text(row.get("citations"))
    out["refused"] = bool(row.get("refused"))
    out["latency_ms"] = round(float(row.get("latency_ms") or 0.0), 1)
    return out


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_jsonl(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({c: r.get(c) for c in OUTPUT_COLUMNS}, ensure_ascii=False) + "\n")


def _write_csv(rows: list[dict], path: Path) -> None:
    import pandas as pd

    # utf-8-sig: Excel opens the file with the right encoding.
    pd.DataFrame([_flat(r) for r in rows], columns=OUTPUT_COLUMNS).to_csv(path, index=False, encoding="utf-8-sig")


XLSX_CELL_LIMIT = 32_767  # Excel's hard limit per cell


def _xlsx_value(value):
    """Strip control characters openpyxl refuses (PDF extractions carry \x0c and friends) and
    respect Excel's cell size limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= XLSX_CELL_LIMIT else value[: XLSX_CELL_LIMIT - 1] + "…"


def _write_xlsx(rows: list[dict], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "answers"
    ws.append(OUTPUT_COLUMNS)
    for r in rows:
        f = _flat(r)
        ws.append([_xlsx_value(f[c]) for c in OUTPUT_COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for i, col in enumerate(OUTPUT_COLUMNS, 1):
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(i)].width = XLSX_WIDTHS.get(col, 15)
    ws.freeze_panes = "A2"
    data = wb.create_sheet(XLSX_DATA_SHEET)
    data.append(["id", "citations_json"])
    for r in rows:
        blob = json.dumps(r.get("citations") or [], ensure_ascii=False)
        # Oversized blobs are left out (a resumed run then keeps the readable text instead).
        if not isinstance(r.get("citations"), str) and len(blob) <= XLSX_CELL_LIMIT:
            data.append([_xlsx_value(str(r.get("id", ""))), blob])
    data.sheet_state = "hidden"
    wb.save(path)


def _md_escape(text: str) -> str:
    return text.replace("-->", "-- >")


def _write_md(rows: list[dict], path: Path) -> None:
    n_ref = sum(bool(r.get("refused")) for r in rows)
    parts = [f"# 批量问答结果\n\n共 {len(rows)} 题,其中拒答/出错 {n_ref} 题。\n"]
    for r in rows:
        f = _flat(r)
        # The whole row as a hidden comment: the Markdown file can be read back losslessly on resume.
        parts.append(f"{MD_ROW_MARK}{_md_escape(json.dumps({c: r.get(c) for c in OUTPUT_COLUMNS}, ensure_ascii=False))} -->")
        parts.append(f"## {f['id']}. {f['question']}\n")
        if f["refused"]:
            parts.append(f"**未作答**:{f['refusal_reason'] or '无依据'}\n")
        if f["answer"]:
            parts.append(f"{f['answer']}\n")
        if f["citations"]:
            parts.append("**引用**\n\n" + "\n".join(f"- {line}" for line in f["citations"].splitlines()) + "\n")
        parts.append(f"<sub>耗时 {f['latency_ms']:.0f} ms</sub>\n")
    path.write_text("\n".join(parts), encoding="utf-8")


WRITERS = {"jsonl": _write_jsonl, "csv": _write_csv, "xlsx": _write_xlsx, "md": _write_md}


def write_rows(rows: list[dict], path: str | Path, fmt: str | None = None) -> Path:
    path = Path(path)
    writer = WRITERS[format_for(path, fmt)]
    _atomic_write(path, lambda tmp: writer(rows, tmp))
    return path


# ---------------------------------------------------------------- reading outputs back (resume)

def _bool(value) -> bool:
    return _clean(value).lower() in {"true", "1", "yes", "是", "y"}


def _from_flat(rec: dict) -> dict:
    try:
        latency = float(_clean(rec.get("latency_ms")) or 0)
    except ValueError:
        latency = 0.0
    return {"id": _clean(rec.get("id")), "question": _clean(rec.get("question")),
            "answer": _clean(rec.get("answer")), "refused": _bool(rec.get("refused")),
            "refusal_reason": _clean(rec.get("refusal_reason")), "citations": _clean(rec.get("citations")),
            "latency_ms": latency}


def read_rows(path: str | Path, fmt: str | None = None) -> list[dict]:
    """Rows of an earlier output file ([] when it does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    fmt = format_for(path, fmt)
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "md":
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(MD_ROW_MARK) and line.endswith("-->"):
                rows.append(json.loads(line[len(MD_ROW_MARK):-3]))
        return rows
    import pandas as pd

    if fmt == "csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return [_from_flat(r) for r in frame.to_dict("records")]
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    ws = wb["answers"] if "answers" in wb.sheetnames else wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = [str(h) for h in next(it, [])]
    rows = [_from_flat(dict(zip(header, values, strict=False))) for values in it]
    if XLSX_DATA_SHEET in wb.sheetnames:
        cites = {str(i): c for i, c in list(wb[XLSX_DATA_SHEET].iter_rows(values_only=True))[1:]}
        for r in rows:
            if r["id"] in cites:
                with contextlib.suppress(TypeError, json.JSONDecodeError):  # else keep the readable text
                    r["citations"] = json.loads(cites[r["id"]])
    wb.close()
    return rows


def read_jsonl(path: str | Path) -> list[dict]:
    """JSONL rows; a torn last line (a crash mid-write of the sidecar) is dropped."""
    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return rows
