"""The parsers of ``deltawatch index …`` and ``deltawatch disparity | convergence | coordination
| moran``, kept apart from the commands themselves: building the parser runs at every start of
``deltawatch``, and the commands need pandas, NumPy and the methods, which are imported only
when one of them runs.
"""

from __future__ import annotations

import importlib
from pathlib import Path

PACKAGED = Path(__file__).resolve().parents[1] / "defaults" / "data" / "indices"


def packaged_specs() -> list[str]:
    """Names of the specs shipped with the package (``deltawatch index build yrd_hqd``)."""
    return sorted(p.stem for p in PACKAGED.glob("*.yaml"))


def _lazy(module: str):
    """A handler that imports ``module`` when the command runs and calls its ``run(args)``."""

    def handler(args) -> int:
        return importlib.import_module(module).run(args)

    return handler


def _index_needs_database(args) -> bool:
    """An index command on a data file that stores nothing never opens the database, so it
    does not pay Django's start (a quarter of a second)."""
    if getattr(args, "index_command", None) == "from-coinr":
        return False
    return not getattr(args, "data", None) or bool(getattr(args, "save", False))


def add_index_parser(commands) -> None:
    index = commands.add_parser("index", help="综合指数：构建、不确定性与敏感性分析 / composite indices")
    sub = index.add_subparsers(dest="index_command", required=True)
    index.set_defaults(handler=_lazy("deltawatch.evaluation.index_cli"), needs_database=_index_needs_database)

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

    build = sub.add_parser("build", help="构建指数: 各级得分与排名 / build: scores and ranks of every node")
    common(build, "年份: 2019, 或面板 2010-2020")
    build.add_argument("--audit", help="审计工作簿 (.xlsx): 每一步的数据、插补、异常值处理、权重、相关性")
    build.set_defaults(index_handler="cmd_build")

    unc = sub.add_parser("uncertainty", help="不确定性分析: 排名区间 / uncertainty analysis: rank intervals")
    common(unc, "年份 (一个)")
    unc.add_argument("--runs", type=int, default=1000, help="模拟次数 (默认 1000)")
    unc.add_argument("--seed", type=int, default=0, help="随机种子 (默认 0; 相同种子结果相同)")
    unc.add_argument("--target", help="分析的节点 (默认: 总指数)")
    design_options(unc, "每行一次运行: 各因素一列 (如 winmax=3 写作 winmax 列的 3), 权重乘数列 weight:<节点>")
    unc.set_defaults(index_handler="cmd_uncertainty")

    sens = sub.add_parser("sensitivity", help="敏感性分析: Sobol 指数 / sensitivity analysis: Sobol indices")
    common(sens, "年份 (一个)")
    sens.add_argument("--n", "-N", type=int, default=100, help="Saltelli 样本数 N (共 N(d+2) 次模拟; 默认 100)")
    sens.add_argument("--seed", type=int, default=0, help="随机种子 (默认 0)")
    sens.add_argument("--bootstrap", type=int, default=100, help="置信区间的自助抽样次数 (默认 100)")
    sens.add_argument("--target", help="分析的节点 (默认: 总指数)")
    design_options(sens, "须为 SALib 顺序的 Saltelli 样本: N(d+2) 行, 每组 A, AB_1…AB_d, B")
    sens.set_defaults(index_handler="cmd_sensitivity")

    coinr = sub.add_parser("from-coinr", help="由 COINr 的 iMeta 表生成指数定义 / a spec from a COINr iMeta table")
    coinr.add_argument("imeta", help="iMeta CSV")
    coinr.add_argument("--out", "-o", help="输出的指数定义 (.yaml/.json; 默认标准输出 YAML)")
    coinr.add_argument("--name", help="指数名称")
    coinr.set_defaults(index_handler="cmd_from_coinr")


def _selection(parser) -> None:
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--level", choices=["prefecture", "county", "province"],
                        help="单元层级 (默认 prefecture: 41 城, 上海为其一)")
    chosen.add_argument("--group", help="区域组代码或名称, 如 central27")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--output", "-o", help="输出文件 (默认标准输出)")


def add_regional_parsers(commands) -> None:
    disparity = commands.add_parser("disparity", help="区域差距: 变异系数、泰尔指数、基尼系数、Dagum 分解")
    disparity.add_argument("--indicator", required=True, help="指标代码, 如 gdp_per_capita")
    disparity.add_argument("--by", help="分解: province (按省) 或区域组代码列表, 如 sunan,suzhong,subei")
    disparity.add_argument("--weight", help="population (人口加权) 或作为权重的指标代码")
    disparity.add_argument("--from", dest="first", type=int, help="起始年份")
    disparity.add_argument("--to", dest="last", type=int, help="截止年份")
    disparity.add_argument("--balanced", action="store_true", help="只用每年都有数据的单元 (平衡面板)")
    _selection(disparity)
    disparity.set_defaults(handler=_lazy("deltawatch.evaluation.regional_cli"), regional_handler="cmd_disparity")

    convergence = commands.add_parser("convergence", help="收敛检验: σ 收敛、β 收敛、面板 β 收敛、俱乐部收敛")
    convergence.add_argument("--indicator", required=True)
    convergence.add_argument("--from", dest="first", type=int)
    convergence.add_argument("--to", dest="last", type=int)
    convergence.add_argument("--tests", default="sigma,beta,panel,club",
                             help="检验, 逗号分隔: sigma, beta, panel, club (默认全部)")
    convergence.add_argument("--controls", help="条件 β 收敛的控制变量 (指标代码, 逗号分隔), 如 share_tertiary_gdp")
    _selection(convergence)
    convergence.set_defaults(handler=_lazy("deltawatch.evaluation.regional_cli"), regional_handler="cmd_convergence")

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
    coordination.set_defaults(handler=_lazy("deltawatch.evaluation.regional_cli"), regional_handler="cmd_coordination")

    moran = commands.add_parser("moran", help="空间自相关: 全局 Moran's I 与局部 LISA")
    moran.add_argument("--indicator", required=True)
    moran.add_argument("--year", type=int, required=True)
    moran.add_argument("--weights", default="queen", help="queen, rook 或 knn:K (默认 queen 邻接)")
    moran.add_argument("--permutations", type=int, default=999)
    moran.add_argument("--seed", type=int, default=0)
    moran.add_argument("--log", action="store_true", help="对数值计算")
    moran.add_argument("--local", action="store_true", help="输出各城市的局部 Moran (LISA)")
    _selection(moran)
    moran.set_defaults(handler=_lazy("deltawatch.evaluation.regional_cli"), regional_handler="cmd_moran")
