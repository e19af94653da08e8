"""``deltawatch disparity | convergence | coordination | moran``: is the Delta integrating?

    deltawatch disparity --indicator gdp_per_capita --by province --weight population --from 1990 --to 2021
    deltawatch convergence --indicator gdp_per_capita --from 2000 --to 2019
    deltawatch coordination --subsystems "经济=gdp_per_capita+share_tertiary_gdp,生态=co2_per_gdp" --year 2017
    deltawatch coordination --spec yrd_hqd --year 2017          # the five HQD dimensions as subsystems
    deltawatch moran --indicator gdp_per_capita --year 2019 [--local]

Units default to the 41 prefecture-level cities (Shanghai one of them); ``--level county |
province`` or ``--group CODE`` choose others. The computing is ``deltawatch.methods``
(disparity, convergence, coordination, spatial); this module reads the panels, calls it and
prints the results — a table in the user's language, or CSV / JSON in long form.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING

from deltawatch.core.commandline import UserError
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop, pgettext_noop, ptranslate, translate, word

if TYPE_CHECKING:  # annotations only: pandas is imported by the handlers that run
    import pandas as pd

MESSAGES = {
    "unknown": gettext_noop("未知的{kind}：{text}"),
    "no_data": gettext_noop("所选范围内没有 {indicator} 的数据"),
    "panel": gettext_noop("{indicator}：{units} 个单元，{first}–{last} 年，{values} 个数值{weight}"),
    "weighted_by": gettext_noop("，按 {code} 加权"),
    "weighted_by_population": gettext_noop("，按人口加权：{parts}"),
    "weight_part": gettext_noop("{source} {n} 个单元年"),
    "weight_part_implied": gettext_noop("{total} ÷ {per_capita} 推算 {n} 个单元年"),
    "dropped": gettext_noop("数据不全而未纳入的单元：{units}"),
    "bad_subsystem": gettext_noop("子系统应写作 指标代码 或 名称=指标+指标，收到：{text}"),
    "spec_scores": gettext_noop("指数 {name} 的得分不在 0–100 之间，不能作为子系统得分"),
    "missing_units": gettext_noop("{year} 年缺少数据的单元：{units}"),
}
KINDS = {"indicator": gettext_noop("指标"), "group": gettext_noop("区域组"), "level": gettext_noop("层级")}
# The disparity table's headers are short labels that other pages word otherwise (变异系数 is
# "Coefficient of variation" there, "CV" here): they have their own context in the catalogue.
HEADERS_CONTEXT = "disparity table"


def _input_errors_worded(handler):
    """Data or options the methods cannot compute on (``methods.errors.InputError``: too few
    units, a value ≤ 0 under a logarithm, weights not summing to 1 …) are told to the user in
    the command's --lang, exit status 2. Nothing else is caught: any other exception is a bug
    and shows as one."""

    @functools.wraps(handler)
    def run(args) -> int:
        from deltawatch.methods.errors import InputError

        try:
            return handler(args)
        except InputError as exc:
            print(exc.message(args.lang), file=sys.stderr)
            return 2

    return run


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def _unknown(kind: str, text: str, lang: str) -> UserError:
    return UserError(say("unknown", lang, kind=translate(KINDS[kind], lang), text=text))


def _years(args) -> list[int] | None:
    first, last = getattr(args, "first", None), getattr(args, "last", None)
    if getattr(args, "year", None):
        return [args.year]
    if first or last:
        return list(range(first or 1949, (last or 2100) + 1))
    return None


def _units(args):
    from .services import UnknownSelection, units

    try:
        return units(level=args.level, group=args.group)
    except UnknownSelection as exc:
        raise _unknown("group" if args.group else "level", str(exc), args.lang) from None


def _panel(indicator: str, table: pd.DataFrame, years, lang: str) -> pd.DataFrame:
    from .services import UnknownSelection, indicator_panel

    try:
        panel = indicator_panel(indicator, table["code"], years)
    except UnknownSelection:
        raise _unknown("indicator", indicator, lang) from None
    if panel.empty:
        raise UserError(say("no_data", lang, indicator=indicator))
    return panel


def _describe(panel: pd.DataFrame, indicator: str, lang: str, weight: str | None = None) -> None:
    extra = ""
    if weight == "population":
        extra = say("weighted_by_population", lang, parts=_weight_sources_text(panel, lang))
    elif weight:
        extra = say("weighted_by", lang, code=weight)
    print(say("panel", lang, indicator=indicator, units=panel["unit"].nunique(), first=int(panel["year"].min()),
              last=int(panel["year"].max()), values=len(panel), weight=extra), file=sys.stderr)


def _weight_sources_text(panel: pd.DataFrame, lang: str) -> str:
    """'population_resident 84 个单元年、gdp ÷ gdp_per_capita 推算 777 个单元年' for the rows used."""
    used = panel.dropna(subset=["value", "weight"])
    parts = []
    for source, n in used["weight_source"].value_counts(sort=False).items():
        total, _, per_capita = str(source).partition("/")
        parts.append(say("weight_part_implied", lang, total=total, per_capita=per_capita, n=n) if per_capita
                     else say("weight_part", lang, source=source, n=n))
    return ptranslate("weight sources", "、", lang).join(parts)


def _emit(frame: pd.DataFrame, args, table: pd.DataFrame | None = None) -> None:
    """CSV or JSON of the long result, or the people's table (Chinese unless --lang en)."""
    fmt = args.format
    if fmt == "table":
        text = (table if table is not None else frame).to_string(index=False, float_format=lambda v: f"{v:.4f}")
        text += "\n"
    elif fmt == "json":
        text = frame.to_json(orient="records", force_ascii=False, indent=1)
    else:
        text = frame.to_csv(index=False)
    _write_text(text, args, len(frame))


def _write_text(text: str, args, rows: int) -> None:
    if args.output:
        with open(args.output, "w", encoding="utf-8-sig" if args.format == "csv" else "utf-8", newline="") as out:
            out.write(text)
        print(say("written", args.lang, path=args.output, rows=rows), file=sys.stderr)
    else:
        sys.stdout.write(text)


# ---- disparity --------------------------------------------------------------------------------------
DISPARITY_HEADERS = {  # column → Chinese msgid (context HEADERS_CONTEXT)
    "n": pgettext_noop("disparity table", "单元数"),
    "cv": pgettext_noop("disparity table", "变异系数"),
    "cv_w": pgettext_noop("disparity table", "加权变异系数"),
    "theil_t": pgettext_noop("disparity table", "泰尔T"),
    "theil_t_w": pgettext_noop("disparity table", "加权泰尔T"),
    "theil_l": pgettext_noop("disparity table", "泰尔L"),
    "theil_l_w": pgettext_noop("disparity table", "加权泰尔L"),
    "gini": pgettext_noop("disparity table", "基尼系数"),
    "gini_w": pgettext_noop("disparity table", "加权基尼"),
    "dagum": pgettext_noop("disparity table", "Dagum基尼"),
    "between_share": pgettext_noop("disparity table", "泰尔T组间占比"),
    "dagum_within": pgettext_noop("disparity table", "Dagum组内贡献"),
    "dagum_net_between": pgettext_noop("disparity table", "组间净贡献"),
    "dagum_transvariation": pgettext_noop("disparity table", "超变密度贡献"),
}


def _weights_panel(args, table, years, panel):
    """The panel with its weights (column ``weight``) and where each comes from (``weight_source``):
    :func:`regional.population_weights` for ``--weight population``, else the indicator named."""
    from .services import population_weights

    if not args.weight:
        return panel, None
    if args.weight == "population":
        weights = population_weights(args.indicator, table["code"], years)
    else:
        weights = _panel(args.weight, table, years, args.lang).assign(source=args.weight) \
            .rename(columns={"value": "weight"})
    weights = weights.rename(columns={"source": "weight_source"})[["unit", "year", "weight", "weight_source"]]
    return panel.merge(weights, on=["unit", "year"], how="left"), args.weight


def weight_source_rows(panel: pd.DataFrame) -> pd.DataFrame:
    """Long rows ``year, weight_source, <source>, <units>``: how many units of each year were
    weighted by each source (a population indicator, or ``gdp/gdp_per_capita`` when implied)."""
    used = panel.dropna(subset=["value", "weight"])
    counts = used.groupby(["year", "weight_source"]).size().reset_index(name="value")
    counts.insert(1, "statistic", "weight_source")
    return counts.rename(columns={"weight_source": "component"})[LONG]


def disparity_table(result: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Years × the totals of each statistic, with the between-province share of Theil T and the
    Dagum contributions."""
    import pandas as pd

    from deltawatch.methods.disparity import STATISTICS

    totals = result[result["component"] == "total"].pivot(index="year", columns="statistic", values="value")
    totals = totals[[s for s in STATISTICS if s in totals.columns]]
    n = result[result["component"] == "n"].groupby("year")["value"].max().astype(int)
    table = pd.DataFrame({"n": n}).join(totals)
    theil = "theil_t_w" if "theil_t_w" in totals else "theil_t"
    between = result[(result["statistic"] == theil) & (result["component"] == "between")]
    if len(between):
        table["between_share"] = between.set_index("year")["value"] / totals[theil]
    for part in ("within", "net_between", "transvariation"):
        rows = result[(result["statistic"] == "dagum") & (result["component"] == part)]
        if len(rows):
            table[f"dagum_{part}"] = rows.set_index("year")["value"] / totals["dagum"]
    table = table.reset_index().rename(columns={"year": translate("年份", lang)})
    return table.rename(columns={k: ptranslate(HEADERS_CONTEXT, v, lang) for k, v in DISPARITY_HEADERS.items()})


@_input_errors_worded
def cmd_disparity(args) -> int:
    import pandas as pd

    from deltawatch.methods.disparity import disparity_panel

    from .services import UnknownSelection, grouping

    table = _units(args)
    years = _years(args)
    panel = _panel(args.indicator, table, years, args.lang)
    panel, weight_code = _weights_panel(args, table, years, panel)
    if args.balanced:
        panel = _balanced(panel.dropna(subset=["value", *(["weight"] if weight_code else [])]), args.lang)
    try:
        groups = grouping(table, args.by, args.lang)
    except UnknownSelection as exc:
        raise _unknown("group", str(exc), args.lang) from None
    if groups is not None:
        panel["group"] = panel["unit"].map(groups)
    _describe(panel, args.indicator, args.lang, weight_code)
    result = disparity_panel(panel.drop(columns=["weight_source"], errors="ignore"), value="value", unit="unit",
                             year="year", weight="weight" if weight_code else None,
                             group="group" if groups is not None else None)
    if weight_code:
        result = pd.concat([result, weight_source_rows(panel)], ignore_index=True)
    _emit(result, args, disparity_table(result, args.lang))
    return 0


def _balanced(panel: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`regional.balanced`, saying which units were left out."""
    from .services import balanced

    kept, dropped = balanced(panel)
    if dropped:
        print(say("dropped", lang, units=", ".join(dropped)), file=sys.stderr)
    return kept


# ---- convergence -----------------------------------------------------------------------------------


LONG = ["year", "statistic", "component", "value"]


def convergence_rows(panel: pd.DataFrame, tests: list[str], controls: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long result ``year, statistic, component, value``: σ by year (component ``total``), then
    for the whole period (year ``2001-2021``) the σ trend, β and panel β estimates (component =
    the estimate's name), club membership (component = unit, value = club, 0 = divergent) and
    each club's log t test (statistic ``club_test``, component ``<club>:<b|se|t|n>``).
    ``controls`` (index unit, year; one column per control) make the β tests conditional: the
    cross-section takes their values in the first year, the panel their values at the start of
    each interval."""
    import pandas as pd

    from deltawatch.methods import convergence

    from .services import balanced

    period = f"{int(panel['year'].min())}-{int(panel['year'].max())}"
    rows = []
    if "sigma" in tests:
        sigma = convergence.sigma_convergence(panel, unit="unit", year="year", value="value")
        rows += [(str(int(r.year)), "sigma", "total", r.sigma) for r in sigma.series.itertuples()]
        rows += [(period, "sigma_trend", name, getattr(sigma, name)) for name in ("slope", "se", "t", "p")]
    complete = balanced(panel[panel["value"] > 0])[0]  # logs need positive values in every year
    if "beta" in tests:
        start, end = int(complete["year"].min()), int(complete["year"].max())
        initial = None if controls is None else controls.xs(start, level="year")
        beta = convergence.beta_convergence(complete, start, end, controls=initial, unit="unit", year="year",
                                            value="value")
        rows += [(f"{start}-{end}", "beta", name, getattr(beta, name))
                 for name in ("alpha", "beta", "se", "t", "p", "r2", "n", "speed", "half_life")]
    if "panel" in tests:
        beta = convergence.panel_beta_convergence(complete, controls=controls, unit="unit", year="year",
                                                  value="value")
        rows += [(period, "panel_beta", name, getattr(beta, name))
                 for name in ("beta", "se", "t", "p", "n", "speed", "half_life")]
    if "club" in tests:
        clubs = convergence.club_convergence(complete, unit="unit", year="year", value="value")
        for number, members in enumerate(clubs.clubs, start=1):
            rows += [(period, "club", str(unit), number) for unit in members]
        rows += [(period, "club", str(unit), 0) for unit in clubs.divergent]
        rows += [(period, "club_test", f"{r.club}:{name}", getattr(r, name)) for r in clubs.tests.itertuples()
                 for name in ("n", "b", "se", "t")]
    return pd.DataFrame(rows, columns=LONG)


REPORT = {  # the report's headings and verdicts → Chinese msgid
    "sigma": gettext_noop("σ 收敛（对数标准差）"),
    "sigma_trend": gettext_noop("σ 的时间趋势（HAC 标准误）"),
    "beta": gettext_noop("β 收敛（横截面；有控制变量时为条件收敛）"),
    "panel_beta": gettext_noop("面板 β 收敛（城市与年份固定效应）"),
    "club": gettext_noop("俱乐部收敛（Phillips–Sul）"),
    "club_test": gettext_noop("各俱乐部的 log t 检验"),
    "divergent": gettext_noop("发散单元"),
    "converging": gettext_noop("收敛"),
    "not_converging": gettext_noop("未见收敛"),
}


def _label(key: str, lang: str) -> str:
    return translate(REPORT[key], lang)


def _verdict(values: dict, lang: str) -> str:
    import numpy as np

    if "p" in values and ("slope" in values or "beta" in values):
        sign = values.get("slope", values.get("beta"))
        return _label("converging" if sign < 0 and values["p"] < 0.05 else "not_converging", lang)
    return _label("converging" if values.get("t", -np.inf) > -1.65 else "not_converging", lang)


def convergence_report(result: pd.DataFrame, names: dict, lang: str) -> str:
    """The convergence results as text for people: each test with its verdict, clubs by name."""
    lines = []
    for statistic, rows in result.groupby("statistic", sort=False):
        lines.append(f"【{_label(statistic, lang)}】")
        if statistic == "sigma":
            lines.append("  " + "  ".join(f"{y}: {v:.4f}" for y, v in zip(rows["year"], rows["value"])))
        elif statistic == "club":
            clubs = sorted(rows.groupby("value"), key=lambda item: (item[0] == 0, item[0]))  # divergent last
            for club, members in clubs:
                label = _label("divergent", lang) if club == 0 else word("俱乐部 {n}", lang, n=int(club))
                lines.append(f"  {label} ({len(members)}): " + "、".join(names.get(k, k) for k in members["component"]))
        elif statistic == "club_test":
            parts = rows["component"].str.split(":", expand=True)
            for club, group in rows.assign(club=parts[0], name=parts[1]).groupby("club", sort=False):
                values = dict(zip(group["name"], group["value"]))
                text = "  ".join(f"{k} = {v:.4g}" for k, v in values.items())
                lines.append(f"  {club}: {text}  → {_verdict(values, lang)}")
        else:
            values = dict(zip(rows["component"], rows["value"]))
            text = "  ".join(f"{k} = {v:.4g}" for k, v in values.items())
            lines.append(f"  {rows['year'].iloc[0]}: {text}  → {_verdict(values, lang)}")
    return "\n".join(lines) + "\n"


@_input_errors_worded
def cmd_convergence(args) -> int:
    import pandas as pd

    table = _units(args)
    panel = _panel(args.indicator, table, _years(args), args.lang)
    panel = panel[panel["value"] > 0]  # logs of non-positive values are undefined
    _describe(panel, args.indicator, args.lang)
    tests = [t.strip() for t in args.tests.split(",") if t.strip()]
    if {"beta", "panel", "club"} & set(tests):
        _balanced(panel, args.lang)  # say which units the β and club tests leave out
    controls = None
    if args.controls:
        codes = [c.strip() for c in args.controls.split(",") if c.strip()]
        frames = [_panel(code, table, _years(args), args.lang).set_index(["unit", "year"])["value"].rename(code)
                  for code in codes]
        controls = pd.concat(frames, axis=1).dropna()
    result = convergence_rows(panel, tests, controls)
    if args.format == "table":
        names = dict(zip(table["code"], table["name_zh" if args.lang != "en" else "name_en"]))
        _write_text(convergence_report(result, names, args.lang), args, len(result))
    else:
        _emit(result, args)
    return 0


# ---- coordination ----------------------------------------------------------------------------------
def parse_subsystems(text: str, lang: str) -> dict[str, list[str]]:
    """'经济=gdp_per_capita+share_tertiary_gdp,co2_per_gdp' → {'经济': [...], 'co2_per_gdp': [...]}."""
    out: dict[str, list[str]] = {}
    for item in [t.strip() for t in text.replace("，", ",").split(",") if t.strip()]:
        name, _, codes = item.partition("=")
        codes = codes or name
        parts = [c.strip() for c in codes.split("+") if c.strip()]
        if not parts:
            raise UserError(say("bad_subsystem", lang, text=item))
        out[name.strip()] = parts
    if len(out) < 2:
        raise UserError(say("bad_subsystem", lang, text=text))
    return out


def subsystem_scores(subsystems: dict[str, list[str]], table, years, lang: str) -> pd.DataFrame:
    """Each subsystem's score in [0, 1]: the mean of its indicators, each min-max normalised over
    all units and years in the indicator's own direction. Index (unit, year)."""
    import pandas as pd

    from deltawatch.indicators.models import Indicator

    directions = dict(Indicator.objects.values_list("code", "direction"))
    columns = {}
    for name, codes in subsystems.items():
        parts = []
        for code in codes:
            if code not in directions:
                raise _unknown("indicator", code, lang)
            values = _panel(code, table, years, lang).set_index(["unit", "year"])["value"]
            span = values.max() - values.min()
            scaled = (values - values.min()) / span if span > 0 else values * 0 + 1.0
            parts.append(scaled if directions[code] > 0 else 1 - scaled)
        columns[name] = pd.concat(parts, axis=1).mean(axis=1, skipna=False)
    return pd.DataFrame(columns).dropna()


def index_subsystem_scores(spec_name: str, nodes: str | None, table, years, lang: str) -> pd.DataFrame:
    """Subsystem scores from a composite index: the scores of the chosen nodes (default: the
    root's children, e.g. the five HQD dimensions) over the spec's normalisation range, so in
    [0, 1]. Index (unit, year)."""
    from deltawatch.indices.commands import load
    from deltawatch.indices.services import frame_from_database
    from deltawatch.methods.index import build

    spec = load(spec_name)
    chosen = [n.strip() for n in nodes.split(",")] if nodes else spec.children[spec.root]
    unknown = [n for n in chosen if n not in spec.levels]
    if unknown:
        raise UserError(say("bad_subsystem", lang, text=", ".join(unknown)))
    normalise = spec.step("normalise")
    low, high = (normalise.params["low"], normalise.params["high"]) if normalise.method == "minmax" else (0.0, 100.0)
    data, _ = frame_from_database(spec, years=years, group=None)
    scores = build(spec, data).scores[chosen]
    scores = (scores - low) / (high - low)
    scores.index = scores.index.set_names(["unit", "year"])
    return scores.dropna()


@_input_errors_worded
def cmd_coordination(args) -> int:
    from deltawatch.methods.coordination import coupling_coordination

    table = _units(args)
    years = _years(args)
    if args.spec:
        scores = index_subsystem_scores(args.spec, args.subsystems, table, years, args.lang)
        scores = scores[scores.index.get_level_values("unit").isin(table["code"])]
    elif args.subsystems:
        scores = subsystem_scores(parse_subsystems(args.subsystems, args.lang), table, years, args.lang)
    else:
        raise UserError(say("bad_subsystem", args.lang, text=""))
    weights = [float(w) for w in args.weights.split(",")] if args.weights else None
    result = coupling_coordination(scores, weights=weights, model=args.model, closed=args.closed)
    names = dict(zip(table["code"], table["name_zh" if args.lang != "en" else "name_en"]))
    full = scores.join(result).reset_index()
    long = full.melt(id_vars=["unit", "year"], value_vars=[*scores.columns, "C", "T", "D", "band"],
                     var_name="statistic", value_name="value").rename(columns={"unit": "component"})
    full.insert(1, "name", full["unit"].map(names))
    _emit(long[LONG], args, full.drop(columns=["grade_en" if args.lang != "en" else "grade_zh"]))
    return 0


# ---- moran -------------------------------------------------------------------------------------------
def _spatial_weights(spec: str, codes):
    from .services import city_weights

    if spec.startswith("knn:"):
        return city_weights(codes, k=int(spec.split(":", 1)[1]))
    return city_weights(codes, contiguity=spec)


@_input_errors_worded
def cmd_moran(args) -> int:
    import numpy as np
    import pandas as pd

    from deltawatch.methods.spatial import local_moran, moran

    table = _units(args)
    panel = _panel(args.indicator, table, [args.year], args.lang)
    values = panel.set_index("unit")["value"]
    missing = sorted(set(table["code"]) - set(values.index))
    if missing:
        print(say("missing_units", args.lang, year=args.year, units=", ".join(missing)), file=sys.stderr)
    if args.log:
        values = np.log(values[values > 0])
    w = _spatial_weights(args.weights, values.index)
    result = moran(values, w, permutations=args.permutations, seed=args.seed)
    stats = {"I": result.I, "EI": result.EI, "z_norm": result.z_norm, "p_norm": result.p_norm,
             "z_sim": result.z_sim, "p_sim": result.p_sim, "n": result.n}
    long = pd.DataFrame([(args.year, "moran", name, value) for name, value in stats.items()], columns=LONG)
    people = pd.DataFrame([{"year": args.year, "indicator": args.indicator, **stats, "weights": args.weights}])
    if args.local:
        print(people.to_string(index=False), file=sys.stderr)
        local = local_moran(values, w, permutations=args.permutations, seed=args.seed)
        long = pd.concat([long, pd.DataFrame(
            [(args.year, f"lisa_{name}", unit, value) for name in ("Ii", "z_sim", "p_sim", "quadrant")
             for unit, value in local[name].items()], columns=LONG)], ignore_index=True)
        names = dict(zip(table["code"], table["name_zh" if args.lang != "en" else "name_en"]))
        people = local.reset_index()
        people.insert(1, "name", people["unit"].map(names))
        people = people.drop(columns=["cluster_en" if args.lang != "en" else "cluster_zh"])
    _emit(long, args, people)
    return 0


# ---- parsers ---------------------------------------------------------------------------------------


def _selection(parser) -> None:
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--level", choices=["prefecture", "county", "province"],
                        help="单元层级 (默认 prefecture: 41 城, 上海为其一)")
    chosen.add_argument("--group", help="区域组代码或名称, 如 central27")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--output", "-o", help="输出文件 (默认标准输出)")


def add_parsers(commands) -> None:
    disparity = commands.add_parser("disparity", help="区域差距: 变异系数、泰尔指数、基尼系数、Dagum 分解")
    disparity.add_argument("--indicator", required=True, help="指标代码, 如 gdp_per_capita")
    disparity.add_argument("--by", help="分解: province (按省) 或区域组代码列表, 如 sunan,suzhong,subei")
    disparity.add_argument("--weight", help="population (人口加权) 或作为权重的指标代码")
    disparity.add_argument("--from", dest="first", type=int, help="起始年份")
    disparity.add_argument("--to", dest="last", type=int, help="截止年份")
    disparity.add_argument("--balanced", action="store_true", help="只用每年都有数据的单元 (平衡面板)")
    _selection(disparity)
    disparity.set_defaults(handler=cmd_disparity)

    convergence = commands.add_parser("convergence", help="收敛检验: σ 收敛、β 收敛、面板 β 收敛、俱乐部收敛")
    convergence.add_argument("--indicator", required=True)
    convergence.add_argument("--from", dest="first", type=int)
    convergence.add_argument("--to", dest="last", type=int)
    convergence.add_argument("--tests", default="sigma,beta,panel,club",
                             help="检验, 逗号分隔: sigma, beta, panel, club (默认全部)")
    convergence.add_argument("--controls", help="条件 β 收敛的控制变量 (指标代码, 逗号分隔), 如 share_tertiary_gdp")
    _selection(convergence)
    convergence.set_defaults(handler=cmd_convergence)

    coordination = commands.add_parser("coordination", help="耦合协调度 / coupling coordination degree")
    coordination.add_argument("--subsystems",
                              help="子系统: 指标代码, 或 名称=指标+指标, 逗号分隔 (至少两个); 与 --spec 同用时为指数节点")
    coordination.add_argument("--spec", help="以综合指数的节点为子系统 (如 yrd_hqd: 五个维度得分), 得分按标准化区间换算到 0–1")
    coordination.add_argument("--year", type=int)
    coordination.add_argument("--from", dest="first", type=int)
    coordination.add_argument("--to", dest="last", type=int)
    coordination.add_argument("--model", choices=["traditional", "wang2021"], default="traditional",
                              help="traditional (传统模型) 或 wang2021 (王淑佳等 2021 修正模型)")
    coordination.add_argument("--weights", help="各子系统权重, 逗号分隔, 和为 1 (默认等权)")
    coordination.add_argument("--closed", choices=["left", "right"], default="left",
                              help="等级区间闭合: left [0.1,0.2) 或 right (0.1,0.2]")
    _selection(coordination)
    coordination.set_defaults(handler=cmd_coordination)

    moran = commands.add_parser("moran", help="空间自相关: 全局 Moran's I 与局部 LISA")
    moran.add_argument("--indicator", required=True)
    moran.add_argument("--year", type=int, required=True)
    moran.add_argument("--weights", default="queen", help="queen, rook 或 knn:K (默认 queen 邻接)")
    moran.add_argument("--permutations", type=int, default=999)
    moran.add_argument("--seed", type=int, default=0)
    moran.add_argument("--log", action="store_true", help="对数值计算")
    moran.add_argument("--local", action="store_true", help="输出各城市的局部 Moran (LISA)")
    _selection(moran)
    moran.set_defaults(handler=cmd_moran)
