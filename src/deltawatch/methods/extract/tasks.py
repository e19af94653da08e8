"""Draft tasks from a plan document (issue 17, point 3): rule-based, pure Python, no Django.

:func:`draft_tasks` reads a :class:`~deltawatch.methods.extract.types.Document` and returns its
measures as :class:`~deltawatch.methods.extract.types.DraftTask` rows for a person to review.

How a sentence becomes tasks
----------------------------
1. The text is cut into paragraphs (lines) and sentences (。！？; a following note in brackets
   such as "（责任单位：…）" stays with its sentence). Not read: section headings, lines without
   closing punctuation (a table of contents), a short run-in heading opening a paragraph
   ("联合提升原始创新能力。"), sentences of principle or situation (a clause starting with 是,
   or a sentence starting with 当前 / 目前 / 近年来 / 近日 …), sentences about this document itself
   ("制定本方案", "现将…印发给你们") or its purpose ("为认真贯彻落实《…》…"), a notice's closing
   demands ("各级各部门要高度重视，…"), the aims in a sentence ("…的总体要求是:") and the sections
   of aims and principles (指导思想, 总体要求, 发展目标 …).
2. A sentence is cut into clauses at ；, and clauses into segments at ，. A segment is an
   *action* when, after an enumerator (一是), a subject with 要/将 and adverbs (积极, 加快 …)
   are put aside, it starts with an action verb (:data:`VERBS`). Each action starts a task.
   A segment that is not an action belongs to the next action when it comes first in its
   clause (a preamble: "依托…", "以南京…为极点"), else to the action before it ("…，奋力走在全国前列").
   Segments that are quantitative targets ("到2025年…达到42件") or past results (已, 累计, 同比)
   are dropped: the target extractor reads those.
3. An action whose 、-separated parts each start with a verb ("建设A、推进B") is cut there;
   a list of objects under one verb ("建设A、B、C") stays one task.
4. Each task gets, from its own words (preamble and tail included): lead and participating
   units, places resolved to region codes, named projects and platforms, a deadline. Units
   and deadlines standing in a segment of their own ("由省发展改革委牵头", "2025年底前") or in a
   bracketed note apply to every task of the sentence; a note closing a paragraph
   ("…。（责任单位：…）") applies to the tasks of that paragraph that name no units. A subject
   before 要 ("各设区市要…") is the lead unit of the actions after it in the sentence.
   A unit line under an item (牵头单位:省发展改革委、省经信厅 ⏎ 协同责任单位:…) speaks for the
   item's tasks; a note closing a paragraph may name cities too ("(合肥市,省发展改革委牵头)");
   a section heading's note ("一、…(由市科技局牵头实施)") leads the section's tasks that name
   none. In "责任单位：A、B、C", without a 牵头 word, A leads and B, C take part.
5. A task table (序号 | 重点工作任务 | 牵头责任单位 | 完成时限, its cells parted by "|", tabs or spaces;
   a .docx table is read the same way) gives a task per row: the task cell is the task, the
   lead and partner cells its units, the deadline cell its deadline. A progress column
   (进展情况, 落实情况) is never read, and a unit cell holding other words is no unit. A schedule
   cell of dated steps (①2月上旬前,完成设计招标。②3月底前,…) gives a task per step, with its date.
   A task table scraped one cell per line (序号⏎事项分类⏎事项名称⏎项目内容⏎牵头单位⏎协同单位⏎1⏎…)
   is read the same way, its rows running from one serial line to the next.
6. Not tasks: the outcome a sentence's other actions aim at (提升…能力 / 水平, 发挥…作用, 打造…
   典范 / 高地), a notice's demands with no object of work (树立全局观念, 形成合力), and a measure
   told a second time (a news page's lede retelling its body): the telling naming more is kept.
   These follow the task labelling conventions (tests/fixtures/intake/tasks1/TASK_CONVENTIONS.md).

Confidence is a plain score (0–1) of how sure the rules are: a verb at the very start and
short, named actions score high; a subject before the verb, a long task or one cut out of
a 、-list score lower. It orders the review, it is not a probability.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from deltawatch.methods.extract.reading import SERIAL_CELL_LINE
from deltawatch.methods.extract.tables import SERIAL_HEADER, cell_lines, row_cells
from deltawatch.methods.extract.types import Document, DraftTask

__all__ = ["ADVERBS", "VERBS", "RegionMatcher", "draft_tasks", "find_deadline", "find_projects", "find_units",
           "guess_document_year"]

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def _longest_first(text: str) -> tuple[str, ...]:
    """The words of ``text``, without repeats, longest first (so 建立健全 wins over 建立)."""
    return tuple(sorted(set(_words(text)), key=len, reverse=True))


#: Verbs that open a measure, longest first so that 建立健全 is read before 建立.
VERBS: tuple[str, ...] = _longest_first("""
推进 建设 实施 完善 加快 推动 打造 构建 深化 健全 强化 加强 支持 培育 落实 开展 组织
建立 提升 优化 促进 共建 争创 谋划 发展 发挥 鼓励 引导 探索 研究 制定 制订 编制 规划
开工 启动 争取 参与 配合 提高 增强 扩大 统筹 创建 设立 举办 取消 推行 实行 建成 完成
引进 搭建 布局 加大 延伸 拓展 整合 推广 壮大 保障 保护 治理 整治 修复 承接 对接 融入
突破 共享 抓好 严格落实 筹建 申报 贯彻 出台 印发 修订 畅通 打通 做优做强 做大做强 做强
做优 联通 深入实施 执行 开发建设 改造 新建 扩建 改扩建 主办 承办 实现 设置 优先发展 规范
清理 健全完善 建立健全 开辟 推出 创设 试点 探索建立 部署 加速 提速 增加 减少 降低 控制
严控 严禁 禁止 落地 编报 出资 组建 成立 共推 共享 共创 共保 共治 共育 携手打造 承担 牵引
带动 做好 办好 打击 营造 共筑 发行 防范 树立 招引 开拓 吸引 复制 引育 长期坚持 长期推进
用好 用活 夯实 补齐 激发 释放 稳定 巩固 确保 力促 放大
召开 举行 监控 监测 上报 报送 提供 签订 排查 督查 培训 竣工
听取 征集 公开 汇集 升级 削减 理顺 评估 公布 助力 进场 验收 调试
""")

#: Verbs that another verb may follow in one action ("加快建设", "研究制定", "组织实施").
CHAIN_HEADS = frozenset(_words("""
加快 研究 组织 推进 推动 参与 探索 争取 规划 启动 深入 继续 统筹 配合 抓紧 建立 加强
完善 谋划 开工 开展 共同 积极 协同 联合 加速 严格 带动 支持 鼓励 引导 长期坚持 长期推进
建立健全 深入实施 落实
"""))

#: Words before a verb that do not carry the action (adverbs, modal words, conjunctions).
ADVERBS: tuple[str, ...] = _longest_first("""
积极 大力 协同 共同 联合 全面 深入 进一步 着力 重点 有序 主动 率先 合力 切实 持续 不断
努力 抓紧 稳步 扎实 逐步 继续 全力 奋力 深度 高水平 高标准 高质量 携手 加力 因地制宜 适时
滚动 优先 同步 尽快 依法 依法合规 严厉 坚决 要 将 还要 并 同时 此外 另外 力争 争取 集中
重点围绕 分类 分步 分批 统一 联动 有效 科学 合理 加快 统筹 探索 研究 配合 组织 共同推动
全方位 系统 整体 加紧 认真 严格 充分 创新 定期 及时 如期 按期 按时 慎终如始
""")

#: A segment starting with one of these sets the scene for the action after it.
PREAMBLE_START = ("依托", "围绕", "以", "聚焦", "面向", "按照", "结合", "根据", "坚持", "通过", "借助",
                  "对标", "瞄准", "立足", "针对", "在", "为", "对", "按", "充分利用", "利用")

#: Sections whose sentences are aims and principles, not measures (matched in the title).
AIM_SECTIONS = ("指导思想", "基本原则", "总体要求", "发展目标", "主要目标", "战略定位", "发展基础",
                "面临形势", "重大意义", "政治站位", "总体思路", "目标任务", "发展定位", "编制依据")

SITUATION_START = ("当前", "目前", "近年来", "近年", "过去", "总的看", "总体上看", "同时也要看到",
                   "随着", "“十三五”以来", "十三五以来", "党的十八大以来", "多年来", "一年来", "近日", "日前")

PAST_MARKERS = re.compile(r"已经|已|累计完成|(?:取得|实现|完成|建成|举行|召开|发布|作出|部署|印发|出台|签署|签订|成立|推出|"
                          r"筑起|搭起|开展)了|同比|比上年|上年|去年|较上年")
TARGET_MARKERS = re.compile(
    r"(达到|达|超过|不低于|不少于|不高于|不超过|控制在|提高到|提升到|增加到|降低到|下降到|下降|增长|"
    r"年均|翻一番|以上|左右|以内)\s*[0-9０-９.%％]|[0-9][0-9.]*\s*(%|％|个百分点)|翻一番|"
    r"\d[\d.]*[万亿千百]?[^\d\s，,；;。、]{1,3}(?:左右|以上)|"      # (新增规上工业企业50家左右)
    r"^(力争)?(到|至)\s*20\d\d年")
NARRATIVE = re.compile(r"20\d\d年\d{1,2}月\d{1,2}日|(?:宣布|指出|强调|表示)[，,：:]")
SELF_REFERENCE = re.compile(r"本(?:实施|工作)?(?:方案|规划|意见|计划|纲要|通知|办法|措施|政策|要点|细则)|"
                            r"(?:制定|出台|提出)(?:如下|以下)(?:政策|措施|意见|实施细则|细则|办法)|印发给你们")
# a document's opening purpose (为深入贯彻落实《…》精神，…，制定本方案): its clauses are aims
PURPOSE_OPENER = re.compile(r"为(?:了)?(?:认真|深入|全面|进一步|更好地?)?(?:贯彻|落实|贯彻落实)")
# money a budget sets aside (市级财政预算安排13.06亿元,其中,支持…4.26亿元): funds, not measures
BUDGET_ALLOCATION = re.compile(r"预算安排[^，,。；;]{0,6}\d|安排(?:专项)?资金\d")
# a notice's closing demand of everyone (各级各部门要高度重视，…): no measure of its own
COVER_DEMAND = re.compile(r"(?:各级各部门|各地各部门|各地、各部门|各级各有关部门|各单位|各有关单位)[^，,。]{0,6}要高度重视")

ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+是|首先|其次|再次|最后|第[一二三四五六七八九十]+(?!季度|批|轮|次|届|期|类)[，,]?|"
                        r"[（(][0-9一二三四五六七八九十]+[)）]|[0-9]+[.、．]|[①-⑳])\s*")

UNIT_SUFFIX = (r"(?:人民政府|委员会|办公室|管委会|领导小组|委|厅|局|办|署|院|部|集团|公司|中心|"
               r"政府|各市|各地|各设区市|各县（市、区）|各县\(市、区\))")
UNIT_NAME = (rf"(?:(?:省|市|县|区|国家|中央|上海市|江苏省|浙江省|安徽省)[^\s，。；、：:（）()“”]{{0,14}}?{UNIT_SUFFIX}|各设区市|各地各有关部门|各(?:区|市|县|区县|市县)(?:人民)?政府|各地|各市|省各有关部门|各有关部门|有关部门|有关单位|领导小组办公室|"
             r"各专题工作组牵头部门|各专题工作组|各级党委和政府)")
UNIT_LIST = rf"{UNIT_NAME}(?:[、和及，,]{UNIT_NAME})*(?:等)?"

# a note of units in brackets, (责任单位:…) or 〔责任单位:…,完成时限:全年〕, which may hold short
# bracketed words of its own (各县(区)人民政府)
_NOTE_CHAR = r"(?:[^（）()〔〕【】]|[（(][^（）()〔〕【】]{0,8}[）)])"
NOTE = re.compile(rf"(?:[（(]|(?P<square>[〔【]))\s*(?P<body>(?:[^（）()〔〕【】：:]{{0,12}}[:：]{_NOTE_CHAR}{{0,40}}?[，,；;]\s*)?"
                  rf"(?:责任|牵头|配合|参与|协同|协作|主责|实施)(?:责任)?(?:单位|部门)[:：]{_NOTE_CHAR}*)(?(square)[〕】]|[）)])")
# a note of units alone after a measure, "(区市场局、区大数据中心)": the first leads, as in 责任单位:…
UNITS_NOTE = re.compile(rf"[（(](?P<units>{UNIT_LIST})[）)]")
NOTE_FIELD = re.compile(r"(责任|牵头|配合|参与|协同|协作|主责|实施)(?:责任)?(?:单位|部门)[:：]([^；;，,]*(?:[，,][^；;：:]*?(?=[；;]|$|[，,][^，,；;]*?(?:单位|部门|时限|时间)[:：]))?)")
# an outcome that a sentence's actions aim at, said with a verb of its own: a capacity or level
# raised (提升南京城市首位度, 提高治理能力), a role played (发挥引领作用), a model or pole made
# (打造东中部区域协调发展典范, 打造上海北翼门户) — no task where the sentence has others
OUTCOME = re.compile(r"(?:(?:进一步|全面|大力|着力|合力|努力|不断|充分|更好|持续)?(?:提升|提高|增强|强化|发挥|释放|放大|打造|形成|走出|成为|保障|"
                     r"实现|增创))[^，,；;。]{0,40}?(?:能力|水平|功能|作用|能级|竞争力|效益|素质|首位度|包容性|样板区?|典范|"
                     r"高地|增长极|门户|新空间|新格局|新路子|优势|影响力|辐射力|支撑作用|带动作用|板块|幸福感|满意度|获得感|安全感|便利度|"
                     r"效应|效果)[”\"]?$")


# the state a sentence's actions bring about, closing it (…,逐步实现所有居民小区充电设施全覆盖)
ACHIEVED = re.compile(r"(?:逐步|全面|基本|率先|力争)?实现")


# what a notice asks of those who carry its tasks out, with no object of work: attitudes and
# generic demands (树立全局观念, 形成合力, 确保取得实效, 强化主体责任, 加强工作配合)
EXHORTATION = re.compile(r"(?:认真|积极|切实|进一步)?(?:树立[^，,；;。]{0,8}(?:观念|意识)|形成合力|确保(?:取得|各项)|强化主体责任|抓好工作统筹|"
                         r"靠前一步|主动对接|落实落细|把好事干好|把实事做实|"
                         r"加强工作配合|密切(?:沟通|配合|协作)|发挥积极性|加强研究和调度|积极配合|履职尽责|按要求|提高政治站位|"
                         r"高度重视|抓好落实|压实责任|明确举措|"
                         # (a notice's political lines: 全面贯彻落实县第十五次党代会精神, 衷心拥护“两个确立”)
                         r"(?:坚决|全面|深入|认真)?贯彻(?:落实)?(?:习近平|党中央|[^，,；;。]{0,14}(?:精神|决策部署))|"
                         r"衷心拥护|忠诚践行|不断提高政治|不折不扣贯彻|以优异成绩|落实[^，,；;。]{0,6}工作要求|"
                         r"加强过程管控|奋勇争先|推进工作落实|确保(?:高质量|按时)?完成(?:各项|既定的?)?目标任务|"
                         r"确保不(?:出现|发生))")


# a note closing an item that names its units by 牵头 ("(合肥市,省发展改革委牵头)",
# "（省发展改革委牵头，省财政厅配合）"): cities and counties may lead, named bare
BRACKET_LEAD = re.compile(r"[（(]\s*(?P<leads>[^（）()：:。]{2,60}?)(?:牵头负责|牵头|负责)(?:[，,；;]\s*(?P<partners>[^（）()：:。]{2,60}?)"
                          r"(?:配合|参与|协同|协助))?\s*[）)]")
# a line of its own naming an item's units, under the item (牵头单位:省发展改革委、省经信厅 /
# 牵头责任单位:区发展改革委。⏎协同责任单位:区直相关单位。): it speaks for the item's tasks
UNIT_LINE = re.compile(r"(?:牵头|责任|主责|主办|配合|参与|协同|协作|协办)(?:责任)?(?:单位|部门)\s*[:：]")

PROJECT_SUFFIX = ("示范区", "先导区", "试验区", "自贸区", "开发区", "高新区", "合作区", "新区", "中心", "平台",
                  "走廊", "工程", "项目", "基地", "园区", "产业园", "通道", "铁路", "高铁", "快线", "机场",
                  "枢纽", "港区", "实验室", "实验站", "接收站", "北站", "南站", "东站", "西站", "管道", "专项",
                  "计划", "科学城", "联盟", "设施", "装置", "航道", "大桥", "航站楼", "港")
PROJECT_TAIL = re.compile(r"(?:等)?(?:(?:规划|开工|前期|改扩|推进|一体化)?(?:建设|工作|水平|功能|布局|作用|"
                          r"发展|对接|改造|试点|升级|扩建|改扩建|开工)(?:和|与|及)?)*$")
GENERIC_START = ("全国性", "区域性", "一批", "一些", "各类", "若干", "更多", "相关", "一个", "一流", "有关", "各级", "重大", "重点",
                 "一系列", "多个", "新型")

#: Words that make a generic platform, not a named one ("研发中心", "创新平台").
GENERIC_HEADS = frozenset(_words("""
研发 创新 服务 数据 技术 产业 科技 物流 交通 示范 公共 综合 信息 孵化 实训 共享 合作
应用 检测 展示 人才 重点 重大 相关 各类 这些 该 新
"""))

SPLIT_VERBS = ("建设", "建成", "启动", "开工", "完成", "打造", "推进", "建立", "实施", "支持", "培育", "创建", "共建", "布局", "规划建设",
               "发挥", "推动", "加快")

# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------

#: Short forms of counties that are also common words or names of lakes, seas and rivers.
COUNTY_SHORT_STOP = frozenset(_words("""
太湖 东海 江山 无为 大观 路桥 新北 江北 六合 西湖 南湖 望江 明光 天长 云龙 开化 城区
郊区 金山 黄浦 秦淮 洪泽 高邮 长丰 上城 下城 大通 花山 镜湖
"""))
#: Words that hold a place's short name but name no place (黄浦江 holds 浦江县).
NOT_PLACES = re.compile("黄浦江|金山银山|秦淮河|洪泽湖|高邮湖|太湖|西湖|东海|南湖|江山|无为|大观|路桥")
LEVEL_RANK = {"province": 3, "prefecture": 2, "county": 1}
NAME_SUFFIX = re.compile(r"(省|市|新区|区|县|自治县)$")


class RegionMatcher:
    """Finds place names in text and returns region codes, longest names first.

    ``regions`` has ``code`` and ``name_zh`` and optionally ``level``, ``valid_to`` and a column
    of short names (``short_names``, ``name_short`` or ``aliases``; several separated by | ; or
    ，). Short forms without 省/市/区/县 are added for provinces and prefectures, and for
    counties unless they are common words (:data:`COUNTY_SHORT_STOP`). Where one name belongs
    to several regions, a valid one is preferred over an abolished one, then the higher level;
    a name still shared is ambiguous and not matched.
    """

    def __init__(self, regions):
        self.names: dict[str, str] = {}
        candidates: dict[str, list[tuple[int, int, str]]] = {}
        for row in regions.to_dict("records"):
            code = str(row["code"]).strip()
            full = str(row.get("name_zh") or "").strip()
            if not code or not full:
                continue
            level = str(row.get("level") or "")
            valid = 0 if _filled(row.get("valid_to")) else 1
            rank = (valid, LEVEL_RANK.get(level, 0))
            forms = {full}
            short = NAME_SUFFIX.sub("", full)
            if len(short) >= 2 and (level != "county" or short not in COUNTY_SHORT_STOP):
                forms.add(short)
            for column in ("short_names", "name_short", "aliases"):
                if _filled(row.get(column)):
                    forms.update(p.strip() for p in re.split(r"[|;；,，]", str(row[column])) if p.strip())
            for form in forms:
                candidates.setdefault(form, []).append((*rank, code))
        for form, found in candidates.items():
            found.sort(reverse=True)
            best = [f for f in found if f[:2] == found[0][:2]]
            if len({f[2] for f in best}) == 1:
                self.names[form] = best[0][2]
        ordered = sorted(self.names, key=len, reverse=True)
        # A county's short name is not a place when a lake, river or sea follows it (洪泽湖, 黄浦江).
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def find(self, text: str) -> list[str]:
        """Codes of the places named in ``text``, in order of first mention, without repeats."""
        if self._pattern is None:
            return []
        codes: list[str] = []
        text = NOT_PLACES.sub(lambda m: "□" * len(m.group(0)), text)
        for match in self._pattern.finditer(text):
            name = match.group(0)
            after = text[match.end():match.end() + 1]
            if after in ("湖", "江", "河") and not NAME_SUFFIX.search(name):
                continue
            code = self.names[name]
            if code not in codes:
                codes.append(code)
        return codes


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and str(value).strip() not in ("", "nan", "None")


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------

_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
DEADLINE = re.compile(
    r"(?P<ym>(?P<y1>20\d\d)年(?P<m>1[0-2]|0?[1-9])月(?:底|末|份)?(?:前|之前|以前)?)|"
    r"(?P<half>(?P<y2>20\d\d)年(?P<part>上半年|一季度|第一季度|二季度|第二季度|三季度|第三季度|四季度|第四季度|底|末|年底|年末)(?:前|之前|以前)?)|"
    r"(?P<before>(?P<y3>20\d\d)年(?:前|之前|以前))|"
    r"(?P<by>(?:到|至|于)(?P<y4>20\d\d)年)|"
    r"(?P<period>[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|时期|期末|末)|规划期内|规划期间|规划期末|今后五年|本届政府任期内)|"
    r"(?P<year>年内|今年内|年底前|今年底前|(?<=时限[:：])全年|(?<=时间[:：])全年)|"
    r"(?P<month>(?<![\d年])(?P<m2>1[0-2]|[1-9])月(?P<part2>上旬|中旬|下旬|底|末)?(?:前|之前|以前))|"
    r"(?P<quarter>(?<![\d年])第?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前)?)|"
    r"(?P<long>长期坚持|长期推进|长期实施|(?<=[:：])\s*长期)"
)
_PART_END = {"上半年": (6, 30), "一季度": (3, 31), "第一季度": (3, 31), "二季度": (6, 30), "第二季度": (6, 30),
             "三季度": (9, 30), "第三季度": (9, 30)}


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def find_deadline(text: str, *, plan_period=(2021, 2025), doc_year: int | None = None
                  ) -> tuple[dt.date | None, str] | None:
    """The first deadline written in ``text`` as ``(date or None, text as written)``, or None.

    2025年底前 → 2025-12-31; 2023年6月底前 → 2023-06-30; 2024年上半年 → 06-30; 到2025年 → 12-31;
    十四五期间 / 规划期内 → the last day of the plan period; 年内 → 12-31 of ``doc_year``
    (None when the year is not known); 3月底前 / 2月上旬前 → that day of ``doc_year``; 长期坚持 → None.
    """
    match = DEADLINE.search(text)
    if match is None:
        return None
    written = match.group(0)
    if match.group("ym"):
        return _month_end(int(match.group("y1")), int(match.group("m"))), written
    if match.group("half"):
        year, part = int(match.group("y2")), match.group("part")
        month, day = _PART_END.get(part, (12, 31))
        return dt.date(year, month, day), written
    if match.group("before"):
        return dt.date(int(match.group("y3")), 12, 31), written
    if match.group("by"):
        return dt.date(int(match.group("y4")), 12, 31), written
    if match.group("period"):
        return dt.date(int(plan_period[1]), 12, 31), written
    if match.group("year"):
        return (dt.date(doc_year, 12, 31) if doc_year else None), written
    if match.group("quarter"):               # (第二季度: by the quarter's end, in the document's year)
        quarter = "一二三四".find(match.group("q")) + 1 or int(match.group("q"))
        return (_month_end(doc_year, 3 * quarter) if doc_year else None), written
    if match.group("month"):                 # (2月上旬前, 6月底前: in the document's year)
        if not doc_year:
            return None, written
        month, part = int(match.group("m2")), match.group("part2")
        day = {"上旬": 10, "中旬": 20}.get(part)
        return (dt.date(doc_year, month, day) if day else _month_end(doc_year, month)), written
    return None, written


def guess_document_year(doc: Document) -> int | None:
    """The year a document was issued, from a 发布时间/日期 line or a closing date, else None."""
    head = doc.text[:600]
    found = re.search(r"(?:发布时间|发布日期|日期|时间)[:：]?\s*(20\d\d)[-年./]", head)
    if found:
        return int(found.group(1))
    tail = doc.text[-300:]
    dates = re.findall(r"(20\d\d)年\d{1,2}月\d{1,2}日", tail)
    return int(dates[-1]) if dates else None


# ---------------------------------------------------------------------------------------------
# Units and projects
# ---------------------------------------------------------------------------------------------

_UNIT_RE = re.compile(UNIT_NAME)
LEAD_PATTERNS = (
    re.compile(rf"由(?P<u>{UNIT_LIST})(?:牵头|负责|主责|组织)(?!部门|单位)"),
    re.compile(rf"(?P<u>{UNIT_LIST})(?:牵头|负责|主责)(?!部门|单位)"),
)
PARTICIPANT_PATTERNS = (
    re.compile(rf"(?P<u>{UNIT_LIST})(?:配合|参与|协同|协助)"),
    re.compile(rf"会同(?P<u>{UNIT_LIST})"),
)


def _split_units(text: str, known: Iterable[str] = ()) -> list[str]:
    text = re.sub(r"等$", "", text.strip())
    found: list[str] = []
    for part in (p.strip(" 　等") for p in re.split(r"[、，,；;]", text)):
        if _UNIT_RE.fullmatch(part) or part in known:
            found.append(part)
        else:   # "省科技厅和省财政厅", but not "省工业和信息化厅", which is one unit
            found.extend(p for p in re.split(r"和|及", part) if p and (_UNIT_RE.fullmatch(p) or p in known))
    return found


def find_units(text: str, known: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """Lead and participating units named in ``text``: a bracketed note (责任单位：…；配合单位：…),
    "由X牵头", "X负责", "X配合", "会同X". Names listed in ``known`` are accepted as units
    whatever their ending."""
    known = tuple(known)
    leads: list[str] = []
    participants: list[str] = []
    for note in NOTE.finditer(text):
        for kind, names in NOTE_FIELD.findall(note.group("body")):
            units = _note_units(names, known)
            if kind == "责任":           # 责任单位：A、B、C — the first listed leads, the rest take part
                _extend(leads, units[:1])
                _extend(participants, units[1:])
            else:
                _extend(participants if kind in ("配合", "参与", "协同", "协作") else leads, units)
    for note in UNITS_NOTE.finditer(text):
        units = _split_units(note.group("units"), known)
        _extend(leads, units[:1])
        _extend(participants, units[1:])
    for note in BRACKET_LEAD.finditer(text):
        _extend(leads, _bracket_units(note.group("leads")))
        _extend(participants, _bracket_units(note.group("partners") or ""))
    for pattern in LEAD_PATTERNS:
        for match in pattern.finditer(text):
            _extend(leads, _split_units(match.group("u"), known))
    for pattern in PARTICIPANT_PATTERNS:
        for match in pattern.finditer(text):
            _extend(participants, _split_units(match.group("u"), known))
    if known:
        for name in known:
            for suffix, target in (("牵头", leads), ("负责", leads), ("配合", participants)):
                if f"{name}{suffix}" in text:
                    _extend(target, [name])
    participants = [p for p in participants if p not in leads]
    return leads, participants


def _note_units(text: str, known) -> list[str]:
    """The units of a note's field (责任单位:徐圩新区管委会、市科技局): the field says they are
    units, so a name of any ending is one (管委会, 支行), as long as it is short and no action."""
    text = re.sub(r"﹝[^﹞]*﹞", "", text)              # (各区县政府﹝含南太湖新区管委会,下同﹞)
    parts = [re.sub(r"(?:牵头负责|牵头|负责|配合)$", "", p.strip(" 　等")) for p in re.split(r"[、，,；;]", text.strip())
             if p.strip(" 　等") and not re.match(r"以下|下同", p.strip())]    # (以下责任单位均包含…; A牵头,B配合)
    if all(_UNIT_RE.fullmatch(p) or p in known for p in parts):
        return parts
    return [p for p in parts if 2 <= len(p) <= 20 and not re.search(r"[。:：\d]", p)
            and not any(p.startswith(verb) for verb in VERBS)] or _split_units(text, known)


def _bracket_units(text: str) -> list[str]:
    """The names in a 牵头 note, units or places (合肥市), each short and without a verb."""
    parts = [re.sub(r"^由", "", p.strip(" 　等")) for p in re.split(r"[、，,；;]|和|及", text)]
    return [p for p in parts if 2 <= len(p) <= 15 and re.fullmatch(r"[\u4e00-\u9fff]+", p)
            and not any(p.startswith(verb) for verb in VERBS)]


def _extend(into: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in into:
            into.append(item)


def _strip_verbs(piece: str) -> str:
    """The text after the adverbs and verbs that open ``piece``."""
    changed = True
    while changed:
        changed = False
        for word in (*ADVERBS, *VERBS):
            if piece.startswith(word) and len(piece) > len(word):
                piece = piece[len(word):]
                changed = True
                break
    return piece


def find_projects(text: str) -> list[str]:
    """Named projects and platforms in ``text``: titles in 《》, quoted names that are
    projects (“…”工程, “…平台”), and noun phrases ending in a project word (中心, 平台, 走廊,
    示范区, 工程, 铁路, 机场, 实验室 …) that are not a category after 等 or led by 一批/各类."""
    found: list[str] = [m.group(0) for m in re.finditer(r"《[^》]{2,40}》", text)]
    for quoted in re.finditer(r"“([^”]{2,30})”", text):
        inner = quoted.group(1)
        if inner.endswith(PROJECT_SUFFIX + ("行动", "工程", "计划")) and "个" not in inner:
            _extend(found, [inner])
    plain = re.sub(r"《[^》]*》", "，", text)
    plain = re.sub(r"[（(](?:责任|牵头|配合)[^）)]*[）)]", "，", plain)
    plain = DEADLINE.sub("，", plain)
    # a quoted name may hold 、 (“千村引领、万村升级”工程): hide it from the split below
    plain = re.sub(r"“[^”]{1,30}”", lambda m: m.group(0).replace("、", "\x00"), plain)
    for chunk in re.split(r"[，。；、：:,;]|以及|和|及|或", plain):
        chunk = _balanced(chunk)
        if not chunk:
            continue
        # "X等Y": X is a name, Y the category it belongs to (等重大科技基础设施): only X is read.
        named = chunk.split("等")[0]
        for part in _split_at_inner_verbs(named):
            name = _project_name(part)
            if name:
                _extend(found, [name.replace("\x00", "、")])
    return found


def _split_at_inner_verbs(piece: str) -> list[str]:
    """Cut "支持苏南硕放机场建设区域性枢纽机场" into its two noun phrases."""
    piece = ENUMERATOR.sub("", piece)
    piece = re.sub(rf"^由?(?:{UNIT_LIST})(?:牵头|负责|配合)?", "", piece)
    subject = re.match(r"^[^，]{1,14}?(?:要|将|须)", piece)
    if subject and _verb_at(piece[subject.end():])[0]:
        piece = piece[subject.end():]
    piece = re.sub(r"^(?:依托|围绕|聚焦|面向|借助|立足|瞄准|对标|利用|充分利用)", "", piece)
    piece = _strip_verbs(piece)
    pattern = re.compile("|".join(SPLIT_VERBS))
    parts, last = [], 0
    for match in pattern.finditer(piece):
        if match.start() > last:
            parts.append(piece[last:match.start()])
        last = match.end()
    parts.append(piece[last:])
    return [_strip_verbs(p) for p in parts if p]


def _balanced(text: str) -> str:
    """``text`` without a quotation mark whose partner was cut away."""
    text = text.strip(" 　")
    if text.startswith("“") and "”" not in text[1:]:
        text = text[1:]
    if text.endswith("”") and "“" not in text[:-1]:
        text = text[:-1]
    return text


def _project_name(part: str) -> str | None:
    part = _balanced(PROJECT_TAIL.sub("", _balanced(part)))
    if "的" in part:
        part = part.rsplit("的", 1)[1]
    core = re.sub(r"[一二三四五六七八九]期(?:工程)?$", "", part)
    suffix = next((s for s in PROJECT_SUFFIX if part.endswith(s)), None) or \
        next((s for s in PROJECT_SUFFIX if core != part and core.endswith(s)), None)
    if suffix is None or len(core) < len(suffix) + 2 or part.startswith(GENERIC_START) \
            or core[:-len(suffix)] in GENERIC_HEADS:
        return None
    if suffix == "港" and not re.search(r"港港$|[^\u4e00-\u9fff]港$|(?:南京|苏州|太仓|南通|连云港|盐城|上海|宁波|舟山)港$", part):
        return None  # 港 closes too many words (粤港澳, 枢纽港) to take every word ending in it
    return part


# ---------------------------------------------------------------------------------------------
# Sentences and segments
# ---------------------------------------------------------------------------------------------


@dataclass
class _Segment:
    text: str
    start: int                 # in Document.text
    end: int
    verb: str = ""
    title_start: int = 0       # where the action's words begin (after subject, enumerator)
    subject_led: bool = False
    kind: str = "other"        # action | target | past | unit | time | preamble | other
    subject: list[str] = field(default_factory=list)   # units before 要: "各设区市要…"


@dataclass
class _Group:
    """One task in the making: its action segments, the scene before, the words after."""

    action: _Segment
    before: list[_Segment] = field(default_factory=list)
    after: list[_Segment] = field(default_factory=list)
    from_list: bool = False
    subject: list[str] = field(default_factory=list)   # the sentence's subject, carried on


def _sentences(doc: Document) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number) of each sentence in doc.text; a bracketed unit note
    after the closing 。 is kept in the sentence before it."""
    text = doc.text
    found: list[tuple[int, int, int]] = []
    for paragraph, line in enumerate(re.finditer(r"[^\n]+", text)):
        start = line.start()
        for piece in re.finditer(r"[^。！？!?]+(?:[。！？!?]+[”’」）)]?)?", line.group(0)):
            s, e = start + piece.start(), start + piece.end()
            stripped = text[s:e].strip()
            if not stripped:
                continue
            while s < e and text[s].isspace():
                s += 1
            if found and found[-1][2] == paragraph and NOTE.match(stripped) and len(stripped) < 120:
                prev = found.pop()
                found.append((prev[0], e, paragraph))
                continue
            if UNIT_LINE.match(stripped):     # (责任单位:县财政局二、…工作1.坚持…。: a page that lost its line breaks)
                cuts = [s] + [s + m.start() for m in INLINE_ITEM.finditer(text[s:e])] + [e]
                found += [(a, b, paragraph) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]
                continue
            found.append((s, e, paragraph))
    return found


# an item's number run into the text before it (…县财政局二、曹惠明…工作1.坚持…)
INLINE_ITEM = re.compile(r"(?<=[\u4e00-\u9fff）)])(?:\d{1,2}[.．、]|[一二三四五六七八九十]{1,2}、)(?=[\u4e00-\u9fff])")


def _heading_spans(doc: Document) -> list[tuple[int, int]]:
    """Where each section's heading stands: its line, or — for a run-in heading that its
    paragraph goes on after ("1. 稳企业、防风险。扎实做好稳企业各项工作。…") — its title only,
    or only its number when the "title" is a measure's sentence (a long one, with commas, or a
    line that opens with a verb and closes with 。: "1.建立强有力的推进工作体系。")."""
    spans = []
    for section in doc.sections:
        line_end = _heading_line_end(doc, section)
        title_at = doc.text.find(section.title, section.start, line_end) if section.title else -1
        # (…or a unit's: "(一)省工商局牵头负责企业开办难专项整治工作。")
        item_sentence = doc.text[section.start:line_end].rstrip().endswith("。") and (
            _verb_at(section.title)[0] or _classify(section.title, 0, ()).subject_led)
        if title_at != -1 and (item_sentence or len(section.title) > 20 and re.search(r"[，,；;]", section.title)):
            line_end = section.start                     # ("1.深入实施…行动计划,有序推动…。": a measure, no heading)
        elif title_at != -1:
            run_in = re.match(r"[。：:．.]\s*(?=\S)", doc.text[title_at + len(section.title):line_end])
            if run_in:
                line_end = title_at + len(section.title) + run_in.end()
        spans.append((section.start, line_end))
    return spans


def _heading_line_end(doc: Document, section) -> int:
    """Where the line of a section's heading ends (the section's end when it has one line)."""
    line_end = doc.text.find("\n", section.start)
    return line_end if line_end != -1 else section.end


def _classify(text: str, start: int, units: tuple[str, ...]) -> _Segment:
    """What a ，-segment is, and where its action verb stands."""
    raw = text
    lead = len(raw) - len(raw.lstrip(" 　“"))
    body = raw[lead:]
    end = start + len(raw)
    segment = _Segment(raw, start, end)
    if not body:
        return segment
    if PAST_MARKERS.search(body):
        segment.kind = "past"
        return segment
    if TARGET_MARKERS.search(body):
        segment.kind = "target"
        return segment
    offset = lead
    enumerator = ENUMERATOR.match(body)
    if enumerator:
        offset += enumerator.end()
        body = body[enumerator.end():]
    lead_in = re.match(r"[^，,；;：:“”|]{2,20}[:：]\s*", body)      # (项目具体实施进度为:第一季度制定方案)
    if lead_in and not re.match(r"\d季度", body) and (DEADLINE.match(body, lead_in.end())
                                                    or _verb_at(body[lead_in.end():])[0]):
        offset += lead_in.end()
        body = body[lead_in.end():]
    leading_time = DEADLINE.match(body)
    if leading_time and leading_time.end() < len(body) and _verb_at(body[leading_time.end():])[0]:
        offset += leading_time.end()
        body = body[leading_time.end():]
    unit_led = re.match(rf"由?(?:{UNIT_LIST}|{'|'.join(map(re.escape, units)) or '(?!x)x'})"
                        rf"(?:牵头|负责|配合|主责|会同[^，]*?)?(?:负责)?", body)
    in_charge = re.search(r"(?:牵头负责|负责)$", unit_led.group(0)) if unit_led else re.match(r"牵头负责", body)
    if in_charge and in_charge.end() < len(body) and not _verb_at(body[in_charge.end():])[0] \
            and re.search(r"(?:工作|任务|事项)$", body.rstrip("，,。；; ")):
        # (省工商局牵头负责企业开办难专项整治工作, …,牵头负责申请材料多专项整治工作: being in charge
        # of a work is the task)
        segment.kind, segment.verb = "action", "负责"
        if unit_led:
            segment.subject_led = True
            segment.subject = _split_units(re.sub(r"^由|(?:牵头负责|负责)$", "", unit_led.group(0)), units)
        segment.title_start = start + offset + in_charge.start()
        return segment
    if unit_led and unit_led.end() < len(body):
        rest = body[unit_led.end():]
        if _verb_at(rest)[0]:
            offset += unit_led.end()
            body = rest
            segment.subject_led = True
            segment.subject = _split_units(re.sub(r"^由|(?:牵头|负责|配合|主责|会同.*)+$", "", unit_led.group(0)), units)
    elif unit_led and unit_led.end() == len(body):
        segment.kind = "unit"
        return segment
    if find_deadline(body) and DEADLINE.fullmatch(body.strip("，, ")):
        segment.kind = "time"
        return segment
    verb, _ = _verb_at(body)
    if not verb:
        subject = re.match(r"^[^，、：“”]{1,16}?(?:要|将|应当|应|须|需要|必须)", body)
        if subject:
            verb, _ = _verb_at(body[subject.end():])
            if verb:
                offset += subject.end()
                segment.subject_led = True
                segment.subject = _split_units(re.sub(r"(?:今年|明年|年内|下一步|今后|同时)?(?:要|将|应当|应|须|需要|必须)$", "",
                                                      subject.group(0)), units)
    if verb:
        segment.kind = "action"
        segment.verb = verb
        segment.title_start = start + offset
        return segment
    beneficiary = BENEFICIARY.match(body)
    if beneficiary and not GIVEN_SUPPORT.search(body):   # (为个体工商户提供集中登记地: done for someone, no preamble)
        segment.kind, segment.verb, segment.title_start = "action", beneficiary.group("verb"), start + offset
        return segment
    guided = GUIDED_ACTION.match(body)
    guided_verb = _verb_at(body[guided.end():])[0] if guided else ""
    if guided_verb:                       # (按照…原则推进简政放权: the action after its guide)
        segment.kind, segment.verb, segment.title_start = "action", guided_verb, start + offset + guided.end()
        return segment
    if body.startswith(PREAMBLE_START):
        segment.kind = "preamble"
    return segment


# a guide opening a segment whose action follows in it (按照“能减尽减、能放尽放”原则推进简政放权)
GUIDED_ACTION = re.compile(r"(?:按照|根据|依据|遵循)[^，,；;。]{2,30}?(?:原则|要求|部署|规定|标准)|"
                           r"(?:及时|定期|积极)?通过[^，,；;。]{2,30}?(?:平台|渠道|方式|形式|载体)")


# an action done for someone, opening with 为 (为居民服务业个体工商户提供集中登记地)
BENEFICIARY = re.compile(r"为[^，,；;。为]{1,24}?(?P<verb>提供|搭建|开辟|开通|开设)")
# …but what is given is no work when it is support in general (为一体化发展提供强劲内生动力)
GIVEN_SUPPORT = re.compile(r"(?:动力|支撑|保障|条件|环境|机遇|空间|引擎|基础)$")


def _verb_at(body: str) -> tuple[str, int]:
    """The main verb opening ``body`` after adverbs ("积极推动" → 推动, "加快建设" → 建设,
    "加快南沿江高铁建设" → 加快), and how many characters the adverbs and verbs take."""
    position, chain = 0, []
    while position < len(body):
        verb = next((v for v in VERBS if body.startswith(v, position)), None)
        adverb = next((a for a in ADVERBS if body.startswith(a, position)), None)
        if verb and chain and chain[-1] not in CHAIN_HEADS:
            break                         # "成立推进…领导小组": 推进 belongs to the object
        if verb and (not adverb or len(verb) >= len(adverb)):
            chain.append(verb)
            position += len(verb)
        elif adverb and chain:
            break                         # "加快建立协同治理机制": 协同 belongs to the object
        elif adverb:
            if adverb in VERBS:
                chain.append(adverb)
            position += len(adverb)
        else:
            break
    if not chain or position >= len(body) - 1 and len(chain) == 1 and len(body) <= 3:
        return "", 0
    return chain[-1].replace("长期", ""), position


def _comma_segments(clause: str, start: int) -> list[tuple[str, int]]:
    """Cut at ，/, that are not inside brackets or quotes."""
    pieces, depth, last = [], 0, 0
    for i, ch in enumerate(clause):
        if ch in "（(“《":
            depth += 1
        elif ch in "）)”》" and depth:
            depth -= 1
        elif ch in "，," and depth == 0:
            pieces.append((clause[last:i], start + last))
            last = i + 1
    pieces.append((clause[last:], start + last))
    return [(t, s) for t, s in pieces if t.strip()]


def _list_actions(segment: _Segment, units: tuple[str, ...]) -> list[_Segment]:
    """Cut an action at 、 when every part starts with a verb ("建设A、推进B"); else keep it."""
    parts, depth, last = [], 0, 0
    text = segment.text
    for i, ch in enumerate(text):
        if ch in "（(“《":
            depth += 1
        elif ch in "）)”》" and depth:
            depth -= 1
        elif ch == "、" and depth == 0:
            parts.append((text[last:i], segment.start + last))
            last = i + 1
    parts.append((text[last:], segment.start + last))
    if len(parts) < 2:
        return [segment]
    classified = [_classify(t, s, units) for t, s in parts]
    # "加强政策制定、执行和评估的衔接": the parts qualify one noun after 的; not actions
    # "采取合作办院、设立分院、组建医联体等形式": objects of one verb, closed by 等 + a noun
    if re.search(r"等[\u4e00-\u9fff]{1,4}$", parts[-1][0].strip()):
        return [segment]
    if "的" in parts[-1][0] and not re.search(r"的[^、]*[、]", parts[-1][0]) and len(parts[-1][0].split("的")[0]) <= 6:
        return [segment]
    if all(c.kind == "action" and len(c.text.strip()) >= 4 and len(_strip_verbs(c.text)) >= 2
           for c in classified):
        return classified
    return [segment]


def _groups(sentence: str, start: int, units: tuple[str, ...]) -> tuple[list[_Group], list[_Segment]]:
    """The tasks of one sentence, and the segments (units, times) that apply to all of them."""
    groups: list[_Group] = []
    shared: list[_Segment] = []
    body = UNITS_NOTE.sub(lambda m: "，" * len(m.group(0)), NOTE.sub(lambda m: "，" * len(m.group(0)), sentence))
    # (notes are read separately)
    body = re.sub(r"[。！？!?]+[”’」）)]?\s*$", lambda m: " " * len(m.group(0)), body)
    position = 0
    subject: list[str] = []
    for clause in re.split(r"(?<=[；;])", body):
        clause_start = start + position
        position += len(clause)
        clause_text = clause.rstrip("；; ")
        pending: list[_Segment] = []
        clause_groups: list[_Group] = []
        for text, s in _comma_segments(clause_text, clause_start):
            segment = _classify(text, s, units)
            if segment.kind in ("target", "past"):
                continue
            if segment.kind in ("unit", "time"):
                shared.append(segment)
                continue
            if segment.kind == "action":
                subject = segment.subject or subject
                actions = _list_actions(segment, units)
                for action in actions:
                    group = _Group(action, before=pending, from_list=len(actions) > 1, subject=subject)
                    pending = []
                    clause_groups.append(group)
                continue
            if clause_groups:
                clause_groups[-1].after.append(segment)
            else:
                pending.append(segment)
        groups.extend(clause_groups)
    return groups, shared


# a sentence giving the aims in a section of measures ("2022年全市政务公开工作的总体要求是:…")
AIMS_OPENER = re.compile(r"[^。；;]{0,30}?(?:总体要求|指导思想|总体思路|主要目标|工作目标|总体目标)(?:是|为)?[:：]")


def _skip_sentence(text: str, location_title: str) -> bool:
    stripped = ENUMERATOR.sub("", text.strip())
    if stripped.startswith(SITUATION_START):
        return True
    if any(word in location_title for word in AIM_SECTIONS):
        return True
    if SELF_REFERENCE.search(stripped) or AIMS_OPENER.match(stripped) or COVER_DEMAND.match(stripped) \
            or PURPOSE_OPENER.match(stripped) or BUDGET_ALLOCATION.search(stripped):
        return True
    if NARRATIVE.search(stripped):
        return True
    # a principle: "…，是…" (a clause opening with the copula)
    return bool(re.search(r"[，,；;]\s*是(?!否)", stripped))


def _section_titles(doc: Document, position: int) -> str:
    return " ".join(s.title for s in doc.sections if s.start <= position < s.end)


# ---------------------------------------------------------------------------------------------
# Task tables: a row per task, its lead unit and deadline in columns of their own
# ---------------------------------------------------------------------------------------------

# the columns of a task-division table (重点工作任务分解表, 责任分工表, a progress report's table)
TASK_COLUMN = re.compile(r"(?:重点|主要|具体)?(?:工作)?(?:任务|内容|事项|举措|措施)(?:内容|名称|与要求)?|目标(?:与|和)?任务|主要目标|"
                         r"(?:内容与|工作)要求|工作要点|项目(?:名称|内容)")
LEAD_COLUMN = re.compile(r"(?:牵头|责任|主办|主责|负责)(?:责任)?(?:单位|部门|科室|处室)|牵头(?:市|县|区)?领导|责任领导")
PARTNER_COLUMN = re.compile(r"(?:配合|协办|参与|协同|协作)(?:责任)?(?:单位|部门)")
PROGRESS_COLUMN = re.compile(r"[^\s]{0,8}?(?:进展|完成|推进|落实|执行)情况")
DEADLINE_COLUMN = re.compile(r"(?:完成)?(?:时限|期限)|(?:完成|计划)?时间(?:节点|要求)?|进度(?:要求|安排)")
ROW_SERIAL = re.compile(r"[★☆*]?\d{1,3}[.、．]?")


@dataclass
class _TaskColumns:
    task: int
    leads: list[int]            # 牵头单位 (and 责任领导, whose names are people, not units)
    partners: list[int]
    deadline: int | None
    serial_first: bool
    width: int
    spaced: bool                # cells parted by spaces, not by "|" or tabs


def _task_columns(cells: list[tuple[str, int]], spaced: bool) -> _TaskColumns | None:
    """The columns of a task table's header row, else None: a task column and a lead unit, a
    deadline or a progress column after it (完成情况, whose cells are never read), every cell
    short and without a digit."""
    names = [re.sub(r"\s", "", cell) for cell, _ in cells]
    if len(names) < 2 or any(len(n) > 16 or re.search(r"\d", n) for n in names):     # (完成时限及项目推进完成情况)
        return None
    task = next((i for i, n in enumerate(names) if TASK_COLUMN.fullmatch(n)), None)
    leads = [i for i, n in enumerate(names) if LEAD_COLUMN.fullmatch(n) and "领导" not in n]
    partners = [i for i, n in enumerate(names) if PARTNER_COLUMN.fullmatch(n)]
    deadline = next((i for i, n in enumerate(names) if DEADLINE_COLUMN.fullmatch(n)), None)
    progress = task is not None and any(PROGRESS_COLUMN.fullmatch(n) for n in names[task + 1:])
    if task is None or not leads and deadline is None and not progress:
        return None
    return _TaskColumns(task, leads, partners, deadline, bool(SERIAL_HEADER.fullmatch(names[0])), len(names), spaced)


def _table_tasks(doc: Document, known_units, matcher, plan_period, year) -> tuple[list[DraftTask], list[tuple[int, int]]]:
    """Draft tasks of the task tables of ``doc`` (see TASK_COLUMN) and the spans of the rows read.
    A row's task cell is the task, its lead and partner cells its units, its deadline cell (else
    the task) its deadline; a row without its serial (a task's second line) has its cells one
    place to the left. Rows parted by spaces are read only when as wide as the header, since a
    name with a space in it (路 军) would shift the columns. Hand-written: scraped tables keep no
    structure but their lines."""
    tasks, spans, columns = [], [], None
    for line in re.finditer(r"[^\n]+", doc.text):
        cells, spaced = row_cells(line.group())
        header = _task_columns(cells, spaced)
        if header is not None:
            columns = header
            continue
        if columns is None:
            continue
        if spaced != columns.spaced:
            columns = None                # (a line of another kind ends the table)
            continue
        if len(cells) < 2:
            continue
        # (a row without its serial — a task's second line — has its cells one place to the left)
        shift = 0 if not cells[0][0] or ROW_SERIAL.fullmatch(cells[0][0]) or not columns.serial_first else 1
        if columns.spaced and (shift or len(cells) != columns.width):
            continue
        by_column = {index + shift: cell for index, cell in enumerate(cells)}
        text, offset = by_column.get(columns.task, ("", 0))
        schedule, schedule_at = by_column.get(columns.deadline, ("", 0)) if columns.deadline is not None else ("", 0)
        steps = _schedule_steps(doc, schedule, line.start() + schedule_at, known_units, matcher, plan_period, year)
        task = _table_task(doc, text, line.start() + offset, line.group().strip(),
                           [by_column.get(i, ("", 0))[0] for i in columns.leads],
                           [by_column.get(i, ("", 0))[0] for i in columns.partners],
                           "" if steps else schedule, known_units, matcher, plan_period, year)
        if task is not None:
            tasks += _cell_actions(doc, task, text, line.start() + offset, known_units, matcher, plan_period, year)
            spans.append(line.span())
        for step in steps:                # (the row's units are the steps' too)
            step.lead_units, step.participants = step.lead_units or list(task.lead_units if task else []), \
                step.participants or list(task.participants if task else [])
        tasks += steps
    return tasks, spans


# a cell of a unit column: a unit by name (UNIT_NAME), or a short name with a unit's ending
# (团区委, 区消防救援大队, 区总工会, 区妇联, 各乡镇(街道), a bureau's section: 城建科, 环卫处),
# perhaps in brackets, as a table gives a unit's other name: (市地方金融局)
UNIT_CELL = re.compile(rf"{UNIT_NAME}|[^\s，,。；;、:：\d]{{1,12}}(?:委|局|办|会|联|队|院|站|中心|集团|公司|政府|街道|乡|镇|科|处|"
                       r"[（(]街道[）)])")
# a unit cell left empty (/, —, 无)
EMPTY_UNIT = re.compile(r"[/／—–\-－]{1,2}|无")
SERIAL_CELL = re.compile(r"\d{1,3}")


def _unit_cell(cell: str, known_units) -> str | None:
    """The unit a cell of a unit column names, else None."""
    bare = re.fullmatch(r"[（(](.+)[）)]", cell)
    name = bare.group(1) if bare else cell
    return name if UNIT_CELL.fullmatch(name) or name in known_units else None


def _cell_unit_names(cell: str, known_units) -> list[tuple[str, bool]] | None:
    """The units a unit cell names, each with whether it is marked as the lead (区农业农村委*),
    else None when a part of the cell is no unit."""
    parts = [part for part in re.split(r"[、，,；;\s]+", cell.strip("、，,；; ")) if part]
    names = [(_unit_cell(part.strip("*＊"), known_units), part.strip("（()）").endswith(("*", "＊"))) for part in parts]
    return names if names and all(name for name, _ in names) else None


def _table_cells(doc: Document, start: int) -> tuple[list[tuple[str, int, int]], bool]:
    """The cells of a table scraped as lines, from ``start``: one a line (a closing "|" dropped),
    or — when the scraper put "|" alone on a line between cells — the lines between two such
    marks, joined (a cell of several lines: 区农业农村委*、⏎区规划资源局、…). (cell, start, end),
    relative to ``start``, and whether the cells are so parted (then a cell is a column's)."""
    lines = cell_lines(doc, start)
    marks = sum(set(cell) == {"|"} for cell, _, _ in lines[:12])
    closed = sum(cell.endswith("|") and set(cell) != {"|"} for cell, _, _ in lines[:12])   # (序号 | ⏎ 项目内容 |)
    if marks < 3 or closed >= 2:
        return [(cell.rstrip("| \t"), a, b) for cell, a, b in lines if cell.rstrip("| \t")], False
    cells, parts = [], []
    for cell, a, b in lines + [("|", 0, 0)]:
        if set(cell) == {"|"}:
            if parts:
                cells.append(("".join(part for part, _, _ in parts), parts[0][1], parts[-1][2]))
            parts = []
        else:
            parts.append((cell, a, b))
    return cells, True


def _line_task_tables(doc: Document, known_units, matcher, plan_period,
                      year) -> tuple[list[DraftTask], list[tuple[int, int]]]:
    """Draft tasks of task tables scraped one cell per line (序号⏎事项分类⏎事项名称⏎项目内容⏎
    牵头单位⏎协同单位⏎1⏎…, each line perhaps closed by "|", or cells of several lines parted by
    "|" lines: ``_table_cells``), and the spans of the rows read. A row runs from its serial
    cell to the next (serials rising, not always by one); its lead cell is its first unit cell
    after the columns left of the lead column (less one, as a category cell spanning rows stands
    only in a group's first row); the cells before it are those columns, aligned on the right;
    the unit cells after it are its partners (or more leads when the table has no partner
    column); a unit marked * leads (责任部门(加*号为牵头部门)). When a content column (任务要求及
    举措) after the task's name lists several actions, they are the row's tasks, as the name only
    heads them. Cells after the units (进展情况) are no tasks: the whole row is the table's.
    Hand-written for the reason of ``_table_tasks``: the page keeps no column marks."""
    tasks, spans = [], []
    for serial in SERIAL_CELL_LINE.finditer(doc.text):
        lines, by_columns = _table_cells(doc, serial.start())
        first_row = next((i for i, line in enumerate(lines[1:16], start=1) if SERIAL_CELL.fullmatch(line[0])), None)
        if first_row is None:
            continue
        names = _header_names([cell for cell, _, _ in lines[1:first_row]])
        columns = _task_columns([(name, 0) for name in ["序号", *names]], spaced=False)
        if columns is None:
            continue
        task_column = columns.task - 1
        # (a table of tasks and what was done, 工作内容 | 完成情况, its units noted in the task cell)
        before_lead = columns.leads[0] - 1 if columns.leads else task_column + 1
        content_column = next((i for i in range(task_column + 1, before_lead)
                               if re.search(r"要求|举措|内容|措施", names[i])), None)
        starts = [first_row]
        for index in range(first_row + 1, len(lines)):
            if SERIAL_CELL.fullmatch(lines[index][0]) and int(lines[index][0]) > int(lines[starts[-1]][0]) \
                    and index - starts[-1] >= 3:
                starts.append(index)
        longest = max((b - a for a, b in zip(starts, starts[1:])), default=len(names) + 1)
        for first, last in zip(starts, starts[1:] + [min(len(lines), starts[-1] + longest)]):
            row = lines[first + 1:last]
            cells = [cell for cell, _, _ in row]
            if not columns.leads:
                lead_at = min(before_lead, len(cells))
                leads, partners = find_units(" ".join(cells[:lead_at]), known_units)
            else:
                units_of = [_cell_unit_names(cell, known_units) for cell in cells]
                lead_at = next((i for i in range(max(1, before_lead - 1), len(cells)) if units_of[i]), None)
                if lead_at is None or lead_at > before_lead:
                    break                                  # (not a row of this table: the table has ended)
                unit_cells = [units or [] for units, cell in itertools.takewhile(
                    lambda pair: pair[0] or EMPTY_UNIT.fullmatch(pair[1]), zip(units_of[lead_at:], cells[lead_at:]))]
                leads, partners = _row_units(unit_cells, bool(columns.partners))
            shift = lead_at - before_lead                  # (0, or -1 in a row without its category cell)
            task_at = max(0, task_column + shift)
            deadline_at = None
            if columns.leads and columns.deadline is not None:
                # (cells parted by "|" lines are the columns; one per line, each unit stands on a
                # line of its own: the deadline comes after the units, less the unit columns)
                last_unit = max(columns.leads + columns.partners)
                deadline_at = lead_at + columns.deadline - columns.leads[0] if by_columns else (
                    lead_at + len(unit_cells) + columns.deadline - last_unit - 1 if columns.deadline > last_unit else None)
            deadline_cell = cells[deadline_at] if deadline_at is not None and deadline_at < len(cells) else ""
            text_at, content_groups = task_at, None
            if content_column is not None and 0 <= content_column + shift < lead_at:
                content, content_start = cells[content_column + shift], serial.start() + row[content_column + shift][1]
                found = _cell_groups(doc, content, content_start, known_units) if len(content) >= 30 else []
                if len(found) >= 2:               # (the name heads the actions of its content)
                    text_at, content_groups = content_column + shift, found
            sentence = cells[text_at] if text_at != task_at else " ".join(cells[task_at:lead_at])
            task = _table_task(doc, cells[text_at], serial.start() + row[text_at][1], sentence, leads, partners,
                               deadline_cell, known_units, matcher, plan_period, year)
            if task is not None:
                row_tasks = _cell_actions(doc, task, cells[text_at], serial.start() + row[text_at][1], known_units,
                                          matcher, plan_period, year, groups=content_groups)
                for row_task in row_tasks:        # (the table's place: a numbered line in a cell is no section)
                    row_task.location = doc.location(serial.start())
                tasks += row_tasks
                spans.append((serial.start() + lines[first][1], serial.start() + row[-1][2]))
    return tasks, spans


def _header_names(cells: list[str]) -> list[str]:
    """A line table's column names: a note in brackets dropped (责任部门(加*号为牵头部门)), a name
    broken over two lines joined (协同责任⏎单位, 完成⏎时限: a tail that names no column by itself
    after a head that names none either), a group's heading under the header (一、主要发展目标)
    passed over."""
    names: list[str] = []
    for cell in cells:
        name = re.sub(r"[（(][^（）()]*[）)]", "", cell)
        if re.match(r"[一二三四五六七八九十]+、", name):
            continue
        if names and name in ("单位", "部门", "时限", "任务", "事项") and not any(
                column.fullmatch(names[-1]) for column in (TASK_COLUMN, LEAD_COLUMN, PARTNER_COLUMN, DEADLINE_COLUMN)):
            names[-1] += name             # (牵头责任⏎单位, 完成⏎时限, 重点工作⏎任务: one name the page broke)
            continue
        names.append(name)
    return names


def _row_units(unit_cells: list[list[tuple[str, bool]]], has_partner_column: bool) -> tuple[list[str], list[str]]:
    """(leads, partners) of a row's unit cells: the units marked * lead when any is; else the
    first cell's units lead and the others' take part (all lead without a partner column)."""
    named = [(name, starred) for cell in unit_cells for name, starred in cell]
    if any(starred for _, starred in named):
        return [n for n, starred in named if starred], [n for n, starred in named if not starred]
    if not unit_cells or not has_partner_column:
        return [n for n, _ in named], []
    return [n for n, _ in unit_cells[0]], [n for cell in unit_cells[1:] for n, _ in cell]


# the steps of a schedule cell, each with its date (①2月上旬前,完成设计招标。②3月底前,完成…)
SCHEDULE_STEP = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]\s*(?P<step>[^①②③④⑤⑥⑦⑧⑨⑩]+)")


def _schedule_steps(doc, cell: str, start: int, known_units, matcher, plan_period, year) -> list[DraftTask]:
    """A schedule cell (进度安排) that lists dated steps is a list of tasks: each step's actions
    with the step's own deadline. A cell that only gives a date ("2023年6月底前") gives none."""
    steps = []
    for match in SCHEDULE_STEP.finditer(cell):
        text = match.group("step").rstrip()
        at = start + match.start("step")
        groups, shared = _groups(text, at, known_units)
        shared_text = "，".join(seg.text for seg in shared)
        deadline = find_deadline(shared_text or text, plan_period=plan_period, doc_year=year)
        for group in groups:
            task = _task(doc, group, text.strip(), matcher, known_units, plan_period, year)
            if not task.deadline_text and deadline:
                task.deadline, task.deadline_text = deadline
            task.confidence = _confidence(group, task)
            steps.append(task)
    return steps


def _cell_units(cell: str, known) -> list[str]:
    """The units named in a unit cell (市发展改革委、市统计局); nothing when the cell holds other
    words, as when a row lacks its unit cell and the next column's text has moved into it."""
    parts = [part for part in re.split(r"[、，,；;/\s]+", cell) if part]
    if not all(_UNIT_RE.fullmatch(part) or part in known or len(part) <= 12 and not re.search(r"[。:：\d]", part)
               for part in parts):
        return []
    return parts


def _table_task(doc, text, start, row, lead_cells, partner_cells, deadline_cell, known_units, matcher,
                plan_period, year) -> DraftTask | None:
    """One row's task (see _table_tasks); None when its cell holds no action."""
    title = UNITS_NOTE.sub("", NOTE.sub("", ENUMERATOR.sub("", text))).strip(" ，,；;。")   # (its units are read apart)
    verb, _ = _verb_at(title)
    if len(title) < 4 or not re.search(r"[\u4e00-\u9fff]", title):
        return None
    if not verb and TARGET_MARKERS.search(title) and not _cell_groups(doc, text, start, known_units):
        return None                       # (空气优良率均保持在98%以上: a target, the target extractor's)
    leads = [u for cell in lead_cells for u in _cell_units(cell, known_units)]
    partners = [u for cell in partner_cells for u in _cell_units(cell, known_units)]
    deadline = find_deadline(deadline_cell, plan_period=plan_period, doc_year=year) if deadline_cell else None
    if deadline_cell and deadline is None:          # (a deadline column's bare 10月底 or 全年 means by then)
        by_then = find_deadline(deadline_cell.strip() + "前", plan_period=plan_period, doc_year=year) or find_deadline(
            "时限:" + deadline_cell.strip(), plan_period=plan_period, doc_year=year)
        deadline = (by_then[0], deadline_cell.strip()) if by_then else None
    deadline = deadline or find_deadline(title, plan_period=plan_period, doc_year=year)
    task = DraftTask(title=title, sentence=row, location=doc.location(start), start=start, end=start + len(text),
                     verb=verb, lead_units=leads, participants=[p for p in partners if p not in leads],
                     regions=matcher.find(title) if matcher else [], projects=find_projects(title),
                     deadline=deadline[0] if deadline else None, deadline_text=deadline[1] if deadline else "")
    task.confidence = 0.8 if verb and leads else 0.65 if verb or leads else 0.5
    return task


def _kept_groups(doc: Document, groups: list[_Group]) -> list[_Group]:
    """The actions of a sentence that are tasks: not a notice's demands (EXHORTATION), nor — when
    there are others — the outcome they aim at (OUTCOME) or the state they bring about (ACHIEVED)."""
    groups = [g for g in groups if not EXHORTATION.match(_action_words(doc, g))]
    if len(groups) > 1:               # (the outcome the sentence's actions aim at is no task of its own)
        groups = [g for g in groups if not OUTCOME.match(_action_words(doc, g))] or groups
    if len(groups) > 1 and ACHIEVED.match(_action_words(doc, groups[-1])):
        groups = groups[:-1]          # (…,实现企业设立、变更、注销全程电子化: what the actions achieve)
    return groups


def _cell_groups(doc: Document, text: str, start: int, known_units) -> list[tuple[_Group, str]]:
    """The actions of a table cell, sentence by sentence, each with its sentence."""
    found = []
    for piece in re.finditer(r"[^。！？!?]+[。！？!?]?", text):
        groups, _ = _groups(piece.group(), start + piece.start(), known_units)
        found += [(group, piece.group().strip()) for group in _kept_groups(doc, groups)]
    return found


def _cell_actions(doc, task: DraftTask, text: str, start: int, known_units, matcher, plan_period, year,
                  groups: list[tuple[_Group, str]] | None = None) -> list[DraftTask]:
    """A task cell that lists actions with verbs of their own (全面优化整合政策体系,统筹好…政策工具,
    放大组合效应。) gives a task per action, each with its sentence and the row's units and
    deadline; the outcome the actions aim at and a notice's demands are none. A cell of one
    action is the row's task, unless the cell opens with something else (新增…50家左右,推进…:
    a target, then the action). ``groups``: the cell's ``_cell_groups`` when already found."""
    groups = groups if groups is not None else _cell_groups(doc, text, start, known_units)
    if len(groups) < 2 and (task.verb or not groups):
        return [task]                     # (one action; or a cell opening with a target: its action, below)
    actions = []
    for group, sentence in groups:
        action = _task(doc, group, sentence if "。" in text[:-1] else task.sentence, matcher, known_units,
                       plan_period, year)
        action.lead_units, action.participants = list(task.lead_units), list(task.participants)
        if not action.deadline_text:
            action.deadline, action.deadline_text = task.deadline, task.deadline_text
        action.confidence = _confidence(group, action)
        actions.append(action)
    return actions


# ---------------------------------------------------------------------------------------------
# The public function
# ---------------------------------------------------------------------------------------------


def draft_tasks(doc: Document, *, regions=None, units: list[str] | None = None,
                plan_period=(2021, 2025), doc_year: int | None = None) -> list[DraftTask]:
    """The measures of ``doc`` as draft tasks, in document order.

    Parameters
    ----------
    doc : Document
        The cleaned document (``doc.text`` simplified, ``doc.sections`` for locations).
    regions : pandas.DataFrame, optional
        ``code``, ``name_zh`` (and optionally ``level``, ``valid_to``, short names) to resolve
        places to codes; without it ``regions`` of every task is empty.
    units : list of str, optional
        Names of units (departments) to recognise besides the usual endings (委, 厅, 局 …).
    plan_period : (int, int)
        First and last year of the plan; 十四五期间 / 规划期内 end on the last year's Dec 31.
    doc_year : int, optional
        The year the document was issued (for 年内, 3月底前); guessed from the text when not
        given, else the plan period's year when it is one year.

    Returns
    -------
    list of DraftTask
        ``start``/``end`` cover the task's words in ``doc.text`` (its scene and tail
        included); ``title`` is the action from its verb on.
    """
    known_units = tuple(units or ())
    matcher = RegionMatcher(regions) if regions is not None and len(regions) else None
    year = doc_year if doc_year is not None else guess_document_year(doc)
    if year is None and plan_period[0] == plan_period[1]:
        year = plan_period[0]             # (a year's plan: its 3月底前 is that year's)
    headings = _heading_spans(doc)
    sentences = _sentences(doc)
    paragraph_rest: dict[int, int] = {}       # characters of a paragraph outside unit notes
    for s_start, s_end, paragraph in sentences:
        length = len(NOTE.sub("", doc.text[s_start:s_end]).strip())
        paragraph_rest[paragraph] = paragraph_rest.get(paragraph, 0) + length

    tasks, table_rows = _table_tasks(doc, known_units, matcher, plan_period, year)
    line_tasks, line_rows = _line_task_tables(doc, known_units, matcher, plan_period, year)
    tasks, table_rows = tasks + line_tasks, table_rows + line_rows
    paragraph_tasks: dict[int, list[DraftTask]] = {}
    seen_in_paragraph: dict[int, int] = {}
    for s_start, s_end, paragraph in sentences:
        order = seen_in_paragraph.get(paragraph, 0)
        seen_in_paragraph[paragraph] = order + 1
        sentence = doc.text[s_start:s_end]
        stripped = sentence.strip()
        if any(h0 <= s_start < h1 for h0, h1 in headings) or any(r0 <= s_start < r1 for r0, r1 in table_rows):
            continue                      # (a table's row is read as its task cell, above)
        if UNIT_LINE.match(stripped):
            _apply_unit_line(_item_tasks(doc, tasks, s_start), stripped, known_units)
            continue
        if not re.search(r"[。！？!?；;）)〕】]\s*$", stripped) and len(stripped) < 60:
            continue                      # a heading or a line of the table of contents
        if order == 0 and len(stripped) <= 22 and not re.search(r"[，,；;]", stripped) \
                and paragraph_rest[paragraph] - len(stripped) >= 60:
            continue                      # a run-in heading: the tasks follow it
        if ENUMERATOR.match(stripped) and len(ENUMERATOR.sub("", stripped)) <= 10 and not re.search(r"[，,；;]", stripped) \
                and paragraph_rest[paragraph] - len(stripped) >= 30:
            continue                      # "一是加强党的领导。" heading the sentences after it
        if NOTE.fullmatch(stripped.rstrip("。")) or BRACKET_LEAD.fullmatch(stripped.rstrip("。")):
            note_deadline = find_deadline(stripped, plan_period=plan_period, doc_year=year)
            # (a note on the line under its item speaks for the item's tasks)
            _apply_paragraph_note(paragraph_tasks.get(paragraph) or _item_tasks(doc, tasks, s_start), stripped,
                                  known_units, note_deadline)
            continue
        if _skip_sentence(stripped, _section_titles(doc, s_start)):
            continue
        groups, shared = _groups(sentence, s_start, known_units)
        groups = _kept_groups(doc, groups)
        # (a sentence without actions may still close its paragraph with a note, below)
        notes = [m.group(0) for note in (NOTE, UNITS_NOTE) for m in note.finditer(sentence)]
        shared_text = "，".join(seg.text for seg in shared) + "，" + "，".join(notes)
        shared_leads, shared_participants = find_units(shared_text, known_units)
        shared_deadline = find_deadline(shared_text, plan_period=plan_period, doc_year=year)
        for group in groups:
            task = _task(doc, group, stripped, matcher, known_units, plan_period, year)
            if not task.lead_units and not task.participants:
                task.lead_units, task.participants = list(shared_leads), list(shared_participants)
            if not task.lead_units and group.subject:
                task.lead_units = list(group.subject)
            if not task.deadline_text and shared_deadline:
                task.deadline, task.deadline_text = shared_deadline
            task.confidence = _confidence(group, task)
            tasks.append(task)
            paragraph_tasks.setdefault(paragraph, []).append(task)
        closing_note = re.search(r"[。！？!?]\s*(" + NOTE.pattern + "|" + BRACKET_LEAD.pattern + r")\s*[。]?$", stripped)
        if closing_note:      # "…。（责任单位：…）" closes the paragraph: it speaks for all of it
            _apply_paragraph_note(paragraph_tasks.get(paragraph, []), closing_note.group(1), known_units,
                                  find_deadline(closing_note.group(1), plan_period=plan_period, doc_year=year))
    _apply_heading_units(doc, tasks, known_units)
    return _without_repeats(sorted(tasks, key=lambda task: task.start))


def _apply_heading_units(doc: Document, tasks: list[DraftTask], known: tuple[str, ...]) -> None:
    """Units a section's heading names ("一、推进教育科技人才一体发展(由市科技局牵头实施)") lead
    the section's tasks that name none; the innermost heading first."""
    for section in sorted(doc.sections, key=lambda sec: -sec.start):
        leads, participants = find_units(doc.text[section.start:_heading_line_end(doc, section)], known)
        if not leads:
            continue
        for task in tasks:
            if section.start <= task.start < section.end and not task.lead_units:
                task.lead_units = list(leads)
                task.participants = task.participants or [p for p in participants if p not in leads]


def _item_tasks(doc: Document, tasks: list[DraftTask], position: int) -> list[DraftTask]:
    """The tasks drafted so far in the item (the innermost section) that ``position`` closes."""
    item = max((sec.start for sec in doc.sections if sec.start <= position), default=0)
    return [t for t in tasks if item <= t.start < position]


def _action_words(doc: Document, group: _Group) -> str:
    """An action's words as its title has them (after a subject or an enumerator)."""
    return doc.text[group.action.title_start or group.action.start:group.action.end]


def _without_repeats(tasks: list[DraftTask]) -> list[DraftTask]:
    """A measure told twice — a news page's lede retelling its body word for word — is one task:
    the telling that names more (units, a deadline) is kept, else the first. Only in one place
    of the document, or with one telling outside its sections (the lede): the same words under
    two chapters are two chapters' tasks."""
    kept: list[DraftTask] = []
    by_title: dict[str, list[int]] = {}
    for task in tasks:
        twins = by_title.setdefault(re.sub(r"\W", "", task.title), [])
        twin = next((i for i in twins if _same_words(kept[i].sentence, task.sentence)
                     and (kept[i].location == task.location or not kept[i].location or not task.location)), None)
        if twin is None:
            twins.append(len(kept))
            kept.append(task)
        elif _named(task) > _named(kept[twin]):
            kept[twin] = task
    return kept


def _same_words(a: str, b: str) -> bool:
    x, y = re.sub(r"[\W（）()]", "", NOTE.sub("", a)), re.sub(r"[\W（）()]", "", NOTE.sub("", b))
    return x in y or y in x


def _named(task: DraftTask) -> int:
    return len(task.lead_units) + len(task.participants) + bool(task.deadline_text)


def _apply_unit_line(tasks: list[DraftTask], line: str, known: tuple[str, ...]) -> None:
    """A unit line under an item gives its leads to the item's tasks that have none, and its
    participants (协同责任单位, 配合单位) to those that have none."""
    leads, participants = find_units(f"（{line.rstrip('。；;')}）", known)
    for task in tasks:
        if leads and not task.lead_units:
            task.lead_units = list(leads)
        if participants and not task.participants:
            task.participants = list(participants)


def _apply_paragraph_note(tasks: list[DraftTask], note: str, known: tuple[str, ...], deadline=None) -> None:
    """A note's units, and its deadline (〔责任单位:…,完成时限:全年〕), for the tasks naming none."""
    leads, participants = find_units(note, known)
    for task in tasks:
        if not task.lead_units and not task.participants:
            task.lead_units, task.participants = list(leads), list(participants)
        if deadline and not task.deadline_text:
            task.deadline, task.deadline_text = deadline


def _task(doc: Document, group: _Group, sentence: str, matcher, known_units, plan_period, year) -> DraftTask:
    action = group.action
    start = min([action.start] + [s.start for s in group.before])
    end = max([action.end] + [s.end for s in group.after])
    words = doc.text[start:end]
    title_start = action.title_start or action.start
    title = doc.text[title_start:end].strip(" ，,；;。")
    title = re.sub(r"^(?:同时要?|并且?|还要|要|将)(?=.{4})", "", title)   # modal words carry no action
    start = _lstrip_offset(doc.text, start, end)
    leads, participants = find_units(words, known_units)
    deadline = find_deadline(words, plan_period=plan_period, doc_year=year)
    return DraftTask(
        title=title,
        sentence=sentence,
        location=doc.location(action.start),
        start=start,
        end=end,
        verb=action.verb,
        lead_units=leads,
        participants=participants,
        regions=matcher.find(words) if matcher else [],
        projects=find_projects(words),
        deadline=deadline[0] if deadline else None,
        deadline_text=deadline[1] if deadline else "",
    )


def _lstrip_offset(text: str, start: int, end: int) -> int:
    while start < end and text[start] in " 　，,":
        start += 1
    return start


def _confidence(group: _Group, task: DraftTask) -> float:
    score = 0.7
    if group.action.subject_led:
        score -= 0.1
    if group.from_list:
        score -= 0.1
    length = len(task.title)
    if length > 80:
        score -= 0.2
    elif length > 50:
        score -= 0.1
    if length < 6:
        score -= 0.2
    if task.lead_units or task.deadline_text or task.projects:
        score += 0.15
    if group.before and all(s.kind == "other" for s in group.before):
        score -= 0.05
    return round(max(0.05, min(0.95, score)), 2)
