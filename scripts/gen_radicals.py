"""Regenerate corpus/data/radicals.tsv from Unicode's EquivalentUnifiedIdeograph.txt.

Usage: python scripts/gen_radicals.py [/usr/share/unicode/EquivalentUnifiedIdeograph.txt]
(the file ships in Debian's `unicode-data` package). Only the two radical blocks PDF fonts map
glyphs to are kept: CJK Radicals Supplement (U+2E80–U+2EFF) and Kangxi Radicals (U+2F00–U+2FDF).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SOURCE = Path("/usr/share/unicode/EquivalentUnifiedIdeograph.txt")
OUT = Path(__file__).resolve().parents[1] / "corpus" / "data" / "radicals.tsv"
BLOCKS = [(0x2E80, 0x2EFF), (0x2F00, 0x2FDF)]
_LINE = re.compile(r"^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*([0-9A-F]{4,6})")


def main(source: Path = SOURCE) -> None:
    lines = source.read_text(encoding="utf-8").splitlines()
    version = lines[0].lstrip("# ").strip()  # "EquivalentUnifiedIdeograph-15.0.0.txt"
    rows = []
    for line in lines:
        m = _LINE.match(line)
        if not m:
            continue
        first = int(m.group(1), 16)
        last = int(m.group(2) or m.group(1), 16)
        target = int(m.group(3), 16)
        for cp in range(first, last + 1):
            if any(a <= cp <= b for a, b in BLOCKS):
                rows.append(f"{cp:04X}\t{target:04X}\t{chr(cp)}\t{chr(target)}")
    header = [
        f"# Source: Unicode Character Database, {version} (Debian package unicode-data)",
        "# Regenerate: python scripts/gen_radicals.py",
        "# radical code point, equivalent unified ideograph, both characters",
    ]
    OUT.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} mappings → {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
