"""``deltawatch index …``: build a composite index, analyse its uncertainty and sensitivity.

    deltawatch index build SPEC [--data FILE] [--year Y|Y1-Y2] [--out FILE] [--audit FILE.xlsx] [--save]
    deltawatch index uncertainty SPEC [--data FILE] [--year Y] (--runs N --seed S | --design FILE)
                                      [--design-out FILE] [--out FILE] [--save] [--processes N | --dask ADDRESS]
    deltawatch index sensitivity SPEC [--data FILE] [--year Y] (--n N --seed S | --design FILE)
                                      [--design-out FILE] [--out FILE] [--save] [--processes N | --dask ADDRESS]
    deltawatch index from-coinr IMETA.csv [--out SPEC.yaml]

Without ``--data`` the indicators are read from the database (the members of the spec's
``data.group``, default the 41 YRD cities). The engine is ``deltawatch.methods.index``; this
module reads files, calls it and writes its results.

``--design FILE`` replays runs designed elsewhere (CSV or XLSX, one row per run: a column per
factor with its choice, ``weight:<node>`` columns with weight multipliers; for ``sensitivity``
a Saltelli sample in SALib's order); ``--design-out FILE`` writes the runs made, in the same
format, so that ``--design`` of that file reproduces them exactly.

``--processes N`` computes the runs in N local processes (0: one per core; default 1, this
process); ``--dask tcp://scheduler:8786`` on a Dask cluster (``pip install "deltawatch[dask]"``).
A seed gives the same result whichever computes it (``deltawatch.methods.index.executors``).
"""

from __future__ import annotations

import functools
import io
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from deltawatch.core.commandline import UserError, acting_user, parse_years
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

if TYPE_CHECKING:  # annotations only: pandas is imported by the handlers that run
    import pandas as pd

PACKAGED = Path(__file__).resolve().parents[1] / "defaults" / "data" / "indices"

MESSAGES = {
    "built": gettext_noop("已构建“{name}”：{units} 个单元{years} × {indicators} 个指标，{nodes} 个节点，用时 {seconds:.3f} 秒"),
    "years": gettext_noop(" × {n} 年"),
    "top": gettext_noop("{node} 排名前列：{units}"),
    "excluded": gettext_noop("数据不足被筛除的单元：{n} 个（{units}{more}）"),
    "imputed": gettext_noop("插补 {imputed} 个单元格，处理异常值 {treated} 个"),
    "warning": gettext_noop("注意：{text}"),
    "audit": gettext_noop("审计工作簿已写入 {path}"),
    "saved": gettext_noop("已保存为指数运行 #{id}（管理后台 → 评价指数 → 指数运行）"),
    "uncertainty": gettext_noop("不确定性分析：{runs} 次模拟（因素：{factors}），{failed} 次无法计算，用时 {seconds:.2f} 秒"),
    "failed": gettext_noop("无法计算的模拟（示例）：{reason}"),
    "sensitivity": gettext_noop("敏感性分析：N = {n}，共 {runs} 次模拟，用时 {seconds:.2f} 秒"),
    "one_year": gettext_noop("该命令只接受一个年份：{text}"),
    "spec_written": gettext_noop("已生成指数定义 {path}：{indicators} 个指标，{aggregates} 个汇总节点"),
    "unreadable": gettext_noop("无法读取数据文件 {path}：{reason}"),
    "design_unreadable": gettext_noop("无法读取设计表 {path}：{reason}"),
    "design_fields": gettext_noop("设计表 {path} 第 {line} 行有 {got} 个字段，表头有 {expected} 个（含逗号的值请加引号）"),
    "design_read": gettext_noop("按设计表 {path} 运行 {runs} 次模拟（--runs、--n 与 --seed 不用于抽样）"),
    "bad_processes": gettext_noop("--processes 应为 0（每个处理器核一个进程）或正整数，收到 {n}"),
    "dask_unreachable": gettext_noop("无法连接 Dask 调度器 {address}：{reason}"),
    "no_dask": gettext_noop("--dask 需要安装 dask.distributed：pip install \"deltawatch[dask]\""),
}


def _spec_errors_worded(handler):
    """A spec or design the engine refuses (``IndexSpecError``) is the user's mistake: its
    message, in the user's language, exit status 2. Nothing else is caught."""

    @functools.wraps(handler)
    def run(args) -> int:
        from deltawatch.methods.index import IndexSpecError

        try:
            return handler(args)
        except IndexSpecError as exc:
            print(exc.message(args.lang), file=sys.stderr)
            return 2

    return run


def say(key: str, lang: str, **params) -> str:
    """A message of this module, or one the ``deltawatch`` command shares (``no_file`` …)."""
    return _say(key, lang, catalogue=MESSAGES, **params)


def load(spec: str):
    """A spec from a file, or one shipped with the package by its name."""
    from deltawatch.methods.index import load_spec

    if not os.path.exists(spec) and (PACKAGED / f"{spec}.yaml").is_file():
        return load_spec(PACKAGED / f"{spec}.yaml")
    return load_spec(spec)


def read_data(path: str, spec) -> pd.DataFrame:
    """A data file (CSV or XLSX) decoded and its numbers read as the statistics importer reads
    them: UTF-8, GBK or another detected encoding; full-width digits and thousands separators
    (``３８，１５５．３２``). Unit codes, names and group labels stay text (leading zeros kept).
    A column with a cell that is not a number is left as text, so that the engine names that
    cell (row and value) in its error."""
    import pandas as pd

    from deltawatch.observations.reader import NOT_A_NUMBER, decode_text, parse_values

    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=object)
    else:
        text, _ = decode_text(Path(path).read_bytes())
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    labels = {spec.data["unit"], spec.data.get("unit_name"), *spec.data["groups"]}
    for column in [c for c in frame.columns if c in labels]:
        frame[column] = frame[column].where(frame[column] != "", None)
    numeric = [c for c in frame.columns if c not in labels]
    if numeric:  # every cell in one call: the parser's fixed cost is paid once, not per column
        cells = frame[numeric]
        values, status = parse_values(cells.to_numpy(dtype=object).ravel(order="F"))
        values, status = values.reshape(cells.shape, order="F"), status.reshape(cells.shape, order="F")
        parsed = [c for j, c in enumerate(numeric) if not (status[:, j] >= NOT_A_NUMBER).any()]
        keep = [numeric.index(c) for c in parsed]
        frame[parsed] = pd.DataFrame(values[:, keep], columns=parsed, index=frame.index)
    return frame


def _years(text: str | None, lang: str):
    try:
        return parse_years(text)
    except ValueError:
        raise UserError(say("bad_years", lang, text=text)) from None


def _input(args, spec, one_year: bool):
    """(data, year for the engine, source label, data vintage)."""
    years = _years(args.year, args.lang)
    if one_year and years and len(years) > 1:
        raise UserError(say("one_year", args.lang, text=args.year))
    if args.data:
        if not os.path.isfile(args.data):
            raise UserError(say("no_file", args.lang, path=args.data))
        try:
            data = read_data(args.data, spec)
        except (OSError, ValueError) as exc:
            raise UserError(say("unreadable", args.lang, path=args.data, reason=exc)) from None
        year_column = spec.data.get("year")
        if years and year_column and year_column in data.columns:
            data = data[data[year_column].isin(years)]
        return data, None, os.path.basename(args.data), None
    from .services import frame_from_database

    data, vintage = frame_from_database(spec, years=years, group=args.group)
    year = years[0] if years and len(years) == 1 else None
    if year is not None and not spec.data.get("year"):
        data = data.drop(columns="year", errors="ignore")
    return data, year, "database", vintage


def read_design(path: str, lang: str) -> pd.DataFrame:
    """A design file (CSV in any encoding the importer reads, or XLSX) as text cells: the
    engine reads each cell itself, numbers with Python's ``float`` so that a design it wrote
    reads back to the same floats."""
    import pandas as pd

    if not os.path.isfile(path):
        raise UserError(say("no_file", lang, path=path))
    try:
        if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=object)
        from deltawatch.observations.reader import decode_text

        text, _ = decode_text(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise UserError(say("design_unreadable", lang, path=path, reason=exc)) from None
    return _csv_rows(text, path, lang)


def _csv_rows(text: str, path: str, lang: str) -> pd.DataFrame:
    """A CSV design with every line as long as its header. Read with the ``csv`` module, not
    pandas: pandas takes the extra fields of a line as its index and shifts the cells, so an
    unquoted comma would put a value under the wrong factor."""
    import csv

    import pandas as pd

    reader = csv.reader(io.StringIO(text))
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        return pd.DataFrame()
    (_, header), body = rows[0], rows[1:]
    for line, row in body:
        if len(row) != len(header):
            raise UserError(say("design_fields", lang, path=path, line=line, got=len(row), expected=len(header)))
    return pd.DataFrame([row for _, row in body], columns=header, dtype=str)


def _design(args):
    """The design of ``--design``, or None."""
    if not args.design:
        return None
    design = read_design(args.design, args.lang)
    print(say("design_read", args.lang, path=args.design, runs=len(design)), file=sys.stderr)
    return design


def _executor(args):
    """The executor of ``--dask`` or ``--processes`` (a context manager: a Dask client is
    closed when the command ends)."""
    import contextlib

    from deltawatch.methods.index.executors import DaskExecutor, executor_for

    if args.processes is not None and args.processes < 0:
        raise UserError(say("bad_processes", args.lang, n=args.processes))
    executor = executor_for(processes=args.processes, dask=args.dask)
    if isinstance(executor, DaskExecutor):  # connect now: a wrong address is said before any run
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise UserError(say("no_dask", args.lang)) from None
        try:
            executor.client
        except (OSError, ValueError) as exc:
            raise UserError(say("dask_unreachable", args.lang, address=args.dask, reason=exc)) from None
        return executor
    return contextlib.nullcontext(executor)


def _write_design(result, args) -> None:
    if args.design_out:
        _write(result.design, args.design_out, args.lang)


def _write(frame: pd.DataFrame, path: str | None, lang: str) -> None:
    if not path:
        frame.to_csv(sys.stdout, index=False)
        return
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        frame.to_excel(path, index=False)
    elif suffix == ".json":
        frame.to_json(path, orient="records", force_ascii=False, indent=1)
    else:
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    print(say("written", lang, path=path, rows=len(frame)), file=sys.stderr)


def write_audit(result, path: str) -> None:
    """Every dataset and record of a build in one workbook, for a reviewer: the data of each
    step, the records, the diagnostics (correlations within and between levels with p-values,
    indicator–denominator correlations, a statistics table per dataset, Cronbach's alpha,
    principal components)."""
    import pandas as pd

    from deltawatch.methods.index import diagnostics

    spec = result.spec
    about = pd.DataFrame({"项目 item": ["指数 index", "定义摘要 spec SHA-256", "数据摘要 data SHA-256", "流程 pipeline"],
                          "值 value": [spec.name or spec.name_en, spec.digest(), result.data_hash,
                                      " → ".join(f"{s.kind}:{s.method}" for s in spec.pipeline)]})
    levels = sorted(set(spec.levels.values()))
    between = pd.concat([diagnostics.correlate(result, a, b) for a in levels for b in levels if a <= b],
                        ignore_index=True)
    components = diagnostics.pca(result, level=None)
    sheets = {"说明 about": about, **{f"数据 {name}": result.datasets[name].reset_index() for name in result.datasets},
              "插补 imputed": result.imputed, "异常值 treatment": result.treatment, "处理点 treated": result.treated,
              "筛选 screening": result.screening, "权重 weights": result.weights,
              "排名 ranks": result.ranks.reset_index(), "相关 correlations": diagnostics.correlations(result),
              "层级相关 level correlations": between,
              "分母相关 denominator corr": diagnostics.denominator_correlations(result),
              **{f"统计 stats {name}": diagnostics.statistics(result, name) for name in result.datasets},
              "信度 alpha": diagnostics.cronbach_alpha(result),
              "主成分 PCA loadings": components.loadings, "主成分 PCA variance": components.variance,
              "主成分 PCA weights": components.weights}
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)


def _top(result, data: pd.DataFrame, lang: str, n: int = 5) -> str:
    """The first ``n`` units of the root (in the last year of a panel), by name when the data
    have a name column."""
    import pandas as pd

    spec = result.spec
    ranks = result.ranks[spec.root]
    if isinstance(ranks.index, pd.MultiIndex):
        ranks = ranks.xs(ranks.index.get_level_values("year").max(), level="year")
    names = {}
    name_column = spec.data.get("unit_name")
    if name_column and name_column in data.columns:
        names = dict(zip(data[spec.data["unit"]].astype(str), data[name_column]))
    best = ranks.sort_values().head(n)
    return say("top", lang, node=spec.root, units=", ".join(f"{int(r)}. {names.get(str(u), u)}" for u, r in best.items()))


@_spec_errors_worded
def cmd_build(args) -> int:
    import pandas as pd

    from deltawatch.methods.index import build

    spec = load(args.spec)
    data, year, source, vintage = _input(args, spec, one_year=False)
    start = time.perf_counter()
    result = build(spec, data, year=year)
    seconds = time.perf_counter() - start
    lang = args.lang
    index = result.scores.index
    panel = isinstance(index, pd.MultiIndex)
    units = index.get_level_values("unit_code").nunique() if panel else len(index)
    years = say("years", lang, n=index.get_level_values("year").nunique()) if panel else ""
    print(say("built", lang, name=spec.name or spec.name_en, units=units, years=years, indicators=len(spec.indicators),
              nodes=len(spec.nodes), seconds=seconds), file=sys.stderr)
    print(_top(result, data, lang), file=sys.stderr)
    print(say("imputed", lang, imputed=len(result.imputed), treated=len(result.treated)), file=sys.stderr)
    if result.excluded:
        shown = ", ".join("/".join(map(str, u)) if isinstance(u, tuple) else str(u) for u in result.excluded[:10])
        print(say("excluded", lang, n=len(result.excluded), units=shown, more=" …" if len(result.excluded) > 10 else ""),
              file=sys.stderr)
    for text in result.warnings:
        print(say("warning", lang, text=text), file=sys.stderr)
    _write(result.long(), args.out, lang)
    if args.audit:
        write_audit(result, args.audit)
        print(say("audit", lang, path=args.audit), file=sys.stderr)
    if args.save:
        from .services import save_build

        run = save_build(result, source=source, vintage=vintage, user=acting_user(args.user))
        print(say("saved", lang, id=run.pk), file=sys.stderr)
    return 0


@_spec_errors_worded
def cmd_uncertainty(args) -> int:
    from deltawatch.methods.index.uncertainty import uncertainty

    spec = load(args.spec)
    data, year, source, vintage = _input(args, spec, one_year=True)
    design = _design(args)
    start = time.perf_counter()
    with _executor(args) as executor:
        result = uncertainty(spec, data, runs=args.runs, seed=args.seed, target=args.target, year=year, design=design,
                             executor=executor)
    seconds = time.perf_counter() - start
    runs = len(result.choices)
    print(say("uncertainty", args.lang, runs=runs, factors=", ".join(f.name for f in result.factors),
              failed=len(result.failures), seconds=seconds), file=sys.stderr)
    if len(result.failures):
        print(say("failed", args.lang, reason=result.failures["reason"].iloc[0]), file=sys.stderr)
    columns = ["unit_code", "nominal_rank", "mean_rank", "median_rank", "q05_rank", "q95_rank"]
    _write(result.rank_stats[columns], args.out, args.lang)
    _write_design(result, args)
    if args.save:
        from .services import save_uncertainty

        run = save_uncertainty(result, spec, data, year=year, runs=runs, source=source, vintage=vintage,
                               user=acting_user(args.user))
        print(say("saved", args.lang, id=run.pk), file=sys.stderr)
    return 0


@_spec_errors_worded
def cmd_sensitivity(args) -> int:
    from deltawatch.methods.index.uncertainty import sensitivity

    spec = load(args.spec)
    data, year, source, vintage = _input(args, spec, one_year=True)
    design = _design(args)
    start = time.perf_counter()
    with _executor(args) as executor:
        result = sensitivity(spec, data, n=args.n, seed=args.seed, target=args.target, year=year,
                             bootstrap=args.bootstrap, design=design, executor=executor)
    seconds = time.perf_counter() - start
    print(say("sensitivity", args.lang, n=result.n, runs=len(result.output), seconds=seconds), file=sys.stderr)
    _write(result.indices, args.out, args.lang)
    _write_design(result.uncertainty, args)
    if args.save:
        from .services import save_sensitivity

        run = save_sensitivity(result, spec, data, year=year, runs=len(result.output), source=source,
                               vintage=vintage, user=acting_user(args.user))
        print(say("saved", args.lang, id=run.pk), file=sys.stderr)
    return 0


@_spec_errors_worded
def cmd_from_coinr(args) -> int:
    from deltawatch.methods.index.coinr import spec_from_coinr

    if not os.path.isfile(args.imeta):
        raise UserError(say("no_file", args.lang, path=args.imeta))
    spec = spec_from_coinr(args.imeta, name=args.name or "", name_en=args.name or "")
    out = args.out or "-"
    if out == "-":
        import yaml

        sys.stdout.write(yaml.safe_dump(spec.to_dict(), allow_unicode=True, sort_keys=False, default_flow_style=None))
    else:
        spec.dump(out)
        print(say("spec_written", args.lang, path=out, indicators=len(spec.indicators),
                  aggregates=len(spec.aggregates)), file=sys.stderr)
    return 0


def packaged_specs() -> list[str]:
    """Names of the specs shipped with the package (``deltawatch index build yrd_hqd``)."""
    return sorted(p.stem for p in PACKAGED.glob("*.yaml"))


def _index_needs_database(args) -> bool:
    """An index command on a data file that stores nothing never opens the database, so it
    does not pay Django's start (a quarter of a second)."""
    if getattr(args, "index_command", None) == "from-coinr":
        return False
    return not getattr(args, "data", None) or bool(getattr(args, "save", False))


def add_parsers(commands) -> None:
    index = commands.add_parser("index", help="综合指数：构建、不确定性与敏感性分析 / composite indices")
    sub = index.add_subparsers(dest="index_command", required=True)
    index.set_defaults(needs_database=_index_needs_database)

    def common(parser, years_help: str):
        parser.add_argument("spec", help=f"指数定义文件 (YAML/JSON), 或内置定义名: {', '.join(packaged_specs())}")
        parser.add_argument("--data", help="数据文件 (CSV/XLSX, 单元×指标宽表); 缺省时读取系统数据库")
        parser.add_argument("--year", help=years_help)
        parser.add_argument("--group", help="读取数据库时的单元范围 (区域组代码, 默认 yrd41)")
        parser.add_argument("--out", "-o", help="输出文件 (.csv/.xlsx/.json; 默认标准输出 CSV)")
        parser.add_argument("--save", action="store_true", help="把结果保存到数据库 (指数运行)")
        parser.add_argument("--user", help="运行人账号 (默认: 当前系统用户)")

    def design_options(parser, what: str):
        parser.add_argument("--design", metavar="FILE",
                            help=f"按设计表 (CSV/XLSX) 运行, 代替随机抽样; {what} / replay the runs of a design file")
        parser.add_argument("--design-out", metavar="FILE",
                            help="写出所用的设计表 (同一格式; 以 --design 读回得到相同排名) / write the design used")

    def executor_options(parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--processes", type=int, default=1, metavar="N",
                           help="在 N 个本地进程中计算各次模拟 (0: 每个处理器核一个; 默认 1, 本进程); "
                                "相同种子结果相同 / compute the runs in N local processes")
        where.add_argument("--dask", metavar="ADDRESS",
                           help="在 Dask 集群上计算 (调度器地址, 如 tcp://scheduler:8786; 需安装 dask[distributed]); "
                                "相同种子结果相同 / compute the runs on a Dask cluster")

    build = sub.add_parser("build", help="构建指数: 各级得分与排名 / build: scores and ranks of every node")
    common(build, "年份: 2019, 或面板 2010-2020")
    build.add_argument("--audit", help="审计工作簿 (.xlsx): 每一步的数据、插补、异常值处理、权重、相关性")
    build.set_defaults(handler=cmd_build)

    unc = sub.add_parser("uncertainty", help="不确定性分析: 排名区间 / uncertainty analysis: rank intervals")
    common(unc, "年份 (一个)")
    unc.add_argument("--runs", type=int, default=1000, help="模拟次数 (默认 1000)")
    unc.add_argument("--seed", type=int, default=0, help="随机种子 (默认 0; 相同种子结果相同)")
    unc.add_argument("--target", help="分析的节点 (默认: 总指数)")
    design_options(unc, "每行一次运行: 各因素一列 (如 winmax=3 写作 winmax 列的 3), 权重乘数列 weight:<节点>")
    executor_options(unc)
    unc.set_defaults(handler=cmd_uncertainty)

    sens = sub.add_parser("sensitivity", help="敏感性分析: Sobol 指数 / sensitivity analysis: Sobol indices")
    common(sens, "年份 (一个)")
    sens.add_argument("--n", "-N", type=int, default=100, help="Saltelli 样本数 N (共 N(d+2) 次模拟; 默认 100)")
    sens.add_argument("--seed", type=int, default=0, help="随机种子 (默认 0)")
    sens.add_argument("--bootstrap", type=int, default=100, help="置信区间的自助抽样次数 (默认 100)")
    sens.add_argument("--target", help="分析的节点 (默认: 总指数)")
    design_options(sens, "须为 SALib 顺序的 Saltelli 样本: N(d+2) 行, 每组 A, AB_1…AB_d, B")
    executor_options(sens)
    sens.set_defaults(handler=cmd_sensitivity)

    coinr = sub.add_parser("from-coinr", help="由 COINr 的 iMeta 表生成指数定义 / a spec from a COINr iMeta table")
    coinr.add_argument("imeta", help="iMeta CSV")
    coinr.add_argument("--out", "-o", help="输出的指数定义 (.yaml/.json; 默认标准输出 YAML)")
    coinr.add_argument("--name", help="指数名称")
    coinr.set_defaults(handler=cmd_from_coinr)
