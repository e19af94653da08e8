"""Make the Chinese font that ships with DeltaWatch's reports (PDF, chart SVG/PNG, Word).

Subsets Noto Sans CJK SC (SIL OFL 1.1), Regular and Bold, from Debian's fonts-noto-cjk
collection files to: every character of GB2312, printable ASCII, common CJK and typographic
punctuation, and every Han character that occurs in the project's own texts and data (so
region names outside GB2312 still render). Run once by a maintainer, not at install or run time:

    apt-get install -y fonts-noto-cjk
    .venv/bin/python src/deltawatch/reports/fonts/make_subset.py

fontTools (MIT) does the work; it is a development dependency only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parents[1]  # src/deltawatch
SOURCES = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
SC_FACE = 2  # the collection holds JP, KR, SC, TC, HK, then the Mono faces; index 2 is "Noto Sans CJK SC"
EXTRA = ("〔〕《》〈〉「」『』【】“”‘’、。，．：；！？（）［］｛｝—–…·・％‰℃№§×÷±≤≥≠≈∶～￥"
         "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ●○■□▲△▼▽◆◇★☆→←↑↓"
         "０１２３４５６７８９　‐－﹣﹢＋％＜＞＝")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PROJECT_TEXTS = ("*.py", "*.html", "*.po", "*.json", "*.geojson", "*.csv", "*.yaml", "*.yml", "*.md", "*.txt")


def gb2312() -> set[str]:
    """Every character GB2312 encodes (rows 0xA1–0xF7, cells 0xA1–0xFE)."""
    characters = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                characters.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return characters


def project_han() -> set[str]:
    """Han characters in the project's sources and data (names of places, indicators, units…)."""
    found = set()
    for pattern in PROJECT_TEXTS:
        for path in PACKAGE.rglob(pattern):
            if HERE in path.parents:
                continue
            try:
                found.update(HAN.findall(path.read_text(encoding="utf-8")))
            except (UnicodeDecodeError, OSError):
                pass
    return found


def main() -> None:
    characters = gb2312() | {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA) | project_han()
    characters.discard("\n")
    unicodes = ",".join(f"U+{ord(c):04X}" for c in sorted(characters))
    (HERE / "characters.txt").write_text(unicodes.replace(",", "\n") + "\n", encoding="ascii")
    for weight, source in SOURCES.items():
        target = HERE / f"NotoSansCJKsc-{weight}-subset.otf"
        command = [sys.executable, "-m", "fontTools.subset", str(source), f"--font-number={SC_FACE}",
                   f"--unicodes-file={HERE / 'characters.txt'}", "--layout-features=*",
                   "--name-IDs=*", "--name-languages=*", "--notdef-outline", f"--output-file={target}"]
        subprocess.run(command, check=True)
        print(f"{target.name}: {target.stat().st_size / 2**20:.2f} MiB, {len(characters)} characters")
    write_widths(HERE / "NotoSansCJKsc-Regular-subset.otf")


def write_widths(font_path: Path) -> None:
    """widths.json: the advance width (in em) of every character narrower than 1 em, so the
    server-side charts measure text as the font will draw it (ECharts has no canvas there)."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_path)
    em = font["head"].unitsPerEm
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    widths = {chr(code): round(hmtx[glyph][0] / em, 4) for code, glyph in sorted(cmap.items())
              if hmtx[glyph][0] != em}
    (HERE / "widths.json").write_text(json.dumps(widths, ensure_ascii=False, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
