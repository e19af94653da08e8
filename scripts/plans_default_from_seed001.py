"""Derive the embedded default plan's sections, measures and demonstration task list from
seed 001 (长江三角洲区域一体化发展规划纲要 江苏实施方案, full text).

    PYTHONPATH=<opencc> python scripts/plans_default_from_seed001.py SEED001.txt

Run once by a developer; its output is committed under src/deltawatch/defaults/data/plans/.
The seed is scraped text in traditional characters with pinyin after some characters
(一(yī)體(tǐ)化): the pinyin is stripped and the text converted with OpenCC (Apache-2.0, t2s) —
a developer's tool only, not a dependency of the application.

What comes from the text: the chapters and their parts (sections), and each measure — a
paragraph of chapters 二 and 三 opens with its heading ("提升区域发展整体水平。"), kept with the
sentence that follows as the measure's source. What is invented (示例): one task per measure,
its lead unit (chosen by the area and keywords below), the cities named in the paragraph as
participating units, and the due dates (days from the day the default is loaded).
"""

import csv
import re
import sys
from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parents[1] / "src/deltawatch/defaults/data/plans"
CHAPTER = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
PART = re.compile(r"^\(([一二三四五六七八九十]+)\)(.+)$")
CITIES = ["南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"]
CITY_CODE = dict(zip(CITIES, ["nj-gov", "wx-gov", "xz-gov", "cz-gov", "sz-gov", "nt-gov", "lyg-gov", "ha-gov",
                              "yc-gov", "yz-gov", "zj-gov", "tz-gov", "sq-gov"]))
# area → default lead; (keyword, lead) pairs tried first, in order
LEADS = {
    "二(一)": "js-drc", "二(二)": "js-nynct", "二(三)": "js-drc",
    "三(一)": "js-kjt", "三(二)": "js-jtt", "三(三)": "js-sthjt", "三(四)": "js-drc",
    "三(五)": "js-swt", "三(六)": "js-drc", "三(七)": "sz-gov",
}
KEYWORDS = [("制造业", "js-gxt"), ("服务经济", "js-drc"), ("信息", "js-gxt"), ("能源", "js-drc"),
            ("水利", "js-slt"), ("互联网", "js-gxt"), ("智慧", "js-gxt"), ("教育", "js-jyt"), ("医疗", "js-wjw"), ("健康", "js-wjw"), ("文化", "js-wlt"),
            ("旅游", "js-wlt"), ("就业", "js-rst"), ("社会保障", "js-rst"), ("城乡", "js-nynct"), ("乡村", "js-nynct")]


def clean(path: str) -> list[str]:
    text = Path(path).read_text(encoding="utf-8")
    text = re.sub(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", "", text)
    text = opencc.OpenCC("t2s").convert(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    body = lines.index("一、紧抓长三角区域一体化发展国家战略机遇", lines.index("目 录") + 1)
    return lines[lines.index("一、紧抓长三角区域一体化发展国家战略机遇", body + 1):]


def main(path: str) -> None:
    sections, measures, tasks = [], [], []
    chapter = part = None
    paragraph_no = 0
    for line in clean(path):
        m = CHAPTER.match(line)
        if m and len(line) < 40:
            chapter, part = m[1], None
            sections.append({"number": chapter, "parent": "", "title": m[2], "order": len(sections) + 1})
            continue
        m = PART.match(line)
        if m and len(line) < 40 and chapter:
            part = f"{chapter}({m[1]})"
            paragraph_no = 0
            sections.append({"number": part, "parent": chapter, "title": m[2], "order": len(sections) + 1})
            continue
        if not part:
            continue
        paragraph_no += 1
        head, _, rest = line.partition("。")
        if chapter not in ("二", "三") or len(head) > 20 or not rest:
            continue
        sentence = head + "。" + rest.split("。")[0] + "。"
        code = f"{part}-{paragraph_no}"
        measures.append({"section": part, "code": code, "title": head, "source_sentence": sentence,
                         "source_location": f"{part} 第{paragraph_no}段", "order": len(measures) + 1})
        lead = next((unit for word, unit in KEYWORDS if word in head), LEADS[part])
        cities = [CITY_CODE[c] for c in CITIES if c in line and CITY_CODE[c] != lead][:3]
        n = len(tasks) + 1
        tasks.append({"code": str(n), "measure": code, "title": head, "description": sentence, "lead": lead,
                      "participants": "、".join(cities), "start_in_days": -200,
                      "due_in_days": 20 + (n * 37) % 400, "regions": "320000"})
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("sections.csv", sections), ("measures.csv", measures), ("tasks.csv", tasks)):
        with open(OUT / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(name, len(rows))


if __name__ == "__main__":
    main(sys.argv[1])
