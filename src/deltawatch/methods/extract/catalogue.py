"""Matching a draft target to the catalogue's indicators (issue 17): names and synonyms by the
Dice coefficient of character bigrams, with the unit's agreement. Pure, no Django."""

from __future__ import annotations

import re

from .types import Candidate, DraftTarget
from .vocabulary import UNITS

MATCH_THRESHOLD = 0.6

# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------

SAME_WORDS = [("国内生产总值", "地区生产总值"), ("GDP", "地区生产总值"), ("R&D", "研发"), ("期望寿命", "预期寿命"),
              ("研究与试验发展", "研发"), ("PM2.5", "细颗粒物"), ("细颗粒物(细颗粒物)", "细颗粒物"),
              ("细颗粒物（细颗粒物）", "细颗粒物"), ("全省", ""), ("全市", ""), ("全区", "")]


def _canonical(name: str) -> str:
    """Spellings of the same words made alike before comparing names."""
    for word, same in SAME_WORDS:
        name = name.replace(word, same)
    return name


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s()（）“”\"'、，,]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def name_similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams; a name held whole inside the other scores by
    how much of the longer it covers, at least 0.75."""
    a_clean, b_clean = re.sub(r"\s", "", _canonical(a)), re.sub(r"\s", "", _canonical(b))
    if not a_clean or not b_clean:
        return 0.0
    if a_clean == b_clean:
        return 1.0
    x, y = _bigrams(a_clean), _bigrams(b_clean)
    dice = 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
    shorter, longer = sorted((a_clean, b_clean), key=len)
    if len(shorter) >= 3 and f"占{shorter}" in longer:
        return dice / 2          # the base of a share: 规模以上工业增加值 ≠ 高新技术产业增加值占规模以上工业增加值比重
    if len(shorter) >= 3 and shorter in longer:
        dice = max(dice, 0.75 + 0.25 * len(shorter) / len(longer))
    return dice


def _unit_score(target_unit: str, catalogue_unit: str) -> float:
    t = (target_unit or "").replace("％", "%").strip()
    c = (catalogue_unit or "").strip() if isinstance(catalogue_unit, str) else ""
    if not t or not c:
        return 0.5
    if t == c or (t == "个百分点" and c == "%") or (t == "ratio" and c in ("比值", "ratio")) \
            or {t, c} == {"岁", "年"}:
        return 1.0
    if c.startswith(t + "/"):
        return 0.8                                     # 件 vs 件/万人: the count of a rate
    if t.lstrip("万亿千百") == c.lstrip("万亿千百") and t.lstrip("万亿千百"):
        return 0.8                                     # 万元 vs 元: same quantity, other scale
    if t == "倍":
        return 0.5
    return 0.0


class CatalogueMatcher:
    """Scores each catalogue row against a draft target's indicator text and unit."""

    def __init__(self, catalogue):
        self.rows = []
        for record in catalogue.to_dict("records"):
            names = [str(record.get("name_zh") or "")]
            synonyms = record.get("synonyms")
            if isinstance(synonyms, str) and synonyms.strip():
                names += [s.strip() for s in re.split(r"[；;]", synonyms) if s.strip()]
            self.rows.append((str(record["code"]), names[0], names, record.get("unit")))

    def score(self, text: str, unit: str) -> list[Candidate]:
        candidates = []
        for code, name, names, catalogue_unit in self.rows:
            similarity = max(name_similarity(text, n) for n in names)
            score = 0.8 * similarity + 0.2 * _unit_score(unit, catalogue_unit)
            candidates.append(Candidate(code=code, name=name, score=round(score, 3)))
        candidates.sort(key=lambda c: -c.score)
        return candidates[:3]

    def match(self, draft: DraftTarget) -> None:
        # (a place or qualifier in brackets at the end, GDP(鹿城) / 增加值(属地), names whose value
        # it is, not another indicator: compared without it)
        name = re.sub(r"[(（][^()（）]{1,8}[)）]$", "", draft.indicator_text) or draft.indicator_text
        draft.candidates = self.score(name, draft.unit)
        known_unit = not draft.numeric or draft.unit in UNITS or draft.unit in ("ratio", "") or "/" in draft.unit
        best = draft.candidates[0] if draft.candidates else None
        if best is not None and best.score >= MATCH_THRESHOLD and known_unit:
            draft.indicator = best.code
