"""Errors of the index engine, in Chinese and English.

Every problem with a spec, its data or a run is an :class:`IndexSpecError` carrying a
``code`` and ``params``; :meth:`IndexSpecError.message` words it in the user's language and
``str()`` gives Chinese first, then English. Each message names what was wrong, the value
received and, where there is one, the fix (the scikit-learn habit: "The 'x' parameter of Y must
be …, got … instead").

:data:`MESSAGES` maps each code to its Chinese text, a msgid of the one catalogue
(``deltawatch.i18n``): the English is in ``locale/en/LC_MESSAGES/django.po``, read without
Django. A parameter that is itself a text (what was expected, a kind of column, a method's
name) is given by the raiser in both languages, ``kind="指标", kind_en="indicator"``; the
English message takes ``kind_en`` where the Chinese takes ``kind``. A longer text parameter is a
:class:`Detail` (a code of :data:`DETAILS` and its parameters, from the same catalogue), worded
in the language of the message it sits in.
"""

from __future__ import annotations

from deltawatch.i18n import gettext_noop, language, word
from deltawatch.methods.errors import Phrase, worded

__all__ = ["DETAILS", "MESSAGES", "Detail", "IndexSpecError"]

MESSAGES: dict[str, str] = {
    "bad_spec": gettext_noop("指数定义应为一个映射（YAML/JSON 对象），收到 {got}"),
    "spec_file": gettext_noop("无法读取指数定义文件 {path}：{reason}"),
    "unknown_key": gettext_noop("{where} 中有未知的键 {keys}；允许的键：{allowed}"),
    "missing_key": gettext_noop("{where} 缺少必填项 '{key}'"),
    "no_nodes": gettext_noop("指数定义没有任何节点（nodes）"),
    "duplicate_node": gettext_noop("节点代码 '{code}' 重复出现"),
    "unknown_parent": gettext_noop("节点 '{code}' 的上级 '{parent}' 不是已定义的节点"),
    "cycle": gettext_noop("指数结构存在循环：{path}"),
    "roots": gettext_noop("指数结构应只有一个根节点（总指数），现有 {n} 个：{codes}"),
    "bad_direction": gettext_noop("指标 '{code}' 的方向应为 1（越大越好）或 -1（越小越好），收到 {got}；方向从不默认"),
    "bad_node_value": gettext_noop("节点 '{code}' 的 {key} 应为{expected}，收到 {got}"),
    "bad_weight": gettext_noop("节点 '{code}' 的权重应为非负数，收到 {got}"),
    "weights_partial": gettext_noop("'{parent}' 的下级权重不完整：{missing} 没有权重（要么都给，要么都不给）"),
    "weights_zero": gettext_noop("'{parent}' 的下级权重全为 0"),
    "unknown_step": gettext_noop("未知的步骤 '{step}'；可用：{allowed}"),
    "unknown_method": gettext_noop("步骤 {step} 没有方法 '{method}'；可用：{allowed}"),
    "unknown_param": gettext_noop("步骤 {step} 的方法 {method} 没有参数 {names}；可用参数：{allowed}"),
    "bad_param": gettext_noop("步骤 {step} 的方法 {method} 的参数 '{name}' 应为{expected}，收到 {got}"),
    "missing_param": gettext_noop("步骤 {step} 的方法 {method} 需要参数 '{name}'"),
    "unknown_override": gettext_noop("步骤 {step} 的单独设置指向不存在的{kind} '{key}'"),
    "step_order": gettext_noop("步骤 {step} 必须在 {before} 之前"),
    "no_aggregate": gettext_noop("流程必须以 aggregate 步骤结束（得到各级得分）"),
    "repeated_step": gettext_noop("步骤 {step} 只能出现一次"),
    "positive_needed": gettext_noop("{where} 的{method}需要正数，但 {detail}；请将标准化下限设为正数（如 minmax low: 1）或改用算术平均"),
    "missing_column": gettext_noop("数据中没有{kind}列 {names}（数据列：{available}）"),
    "duplicate_units": gettext_noop("数据中单元重复出现：{units}"),
    "not_numeric": gettext_noop("指标 '{code}' 第 {row} 行的值 {value!r} 不是数字"),
    "no_target": gettext_noop("指标 '{code}' 没有目标值（target），方法 {method} 需要它"),
    "no_goalposts": gettext_noop("指标 '{code}' 没有目标柱：方法 goalposts 需要节点的 goalposts: [下限, 上限]，或步骤参数 lower 与 upper"),
    "no_years": gettext_noop("方法 {method} 需要多年数据（年份列 '{column}'）"),
    "base_year_missing": gettext_noop("基期 {year} 年没有数据"),
    "unknown_unit": gettext_noop("参照单元 '{unit}' 不在数据中"),
    "ahp_matrix": gettext_noop("'{parent}' 的判断矩阵{problem}"),
    "ahp_inconsistent": gettext_noop("'{parent}' 的判断矩阵一致性比率 CR = {cr:.3f} ≥ {limit}，请修改判断矩阵"),
    "no_level": gettext_noop("指数结构没有第 {level} 层；现有层级：{levels}"),
    "no_units_left": gettext_noop("筛选后没有剩余单元（数据可得率阈值 {threshold}）"),
    "constant_column": gettext_noop("指标 '{code}' 在{where}所有单元取值相同（{value}），无法用 {method} 标准化"),
    "factor": gettext_noop("不确定性因素 {name}：{problem}"),
    "one_year": gettext_noop("不确定性与敏感性分析针对单一年份，数据含 {n} 个年份；请指定年份"),
    "failed_runs_sobol": gettext_noop("{n} 次运行无法计算（如：{example}），Sobol 指数需要全部运行；请调整因素取值"),
    "data_changed": gettext_noop("数据与生成该结果的数据不同（哈希 {got} ≠ {expected}）"),
}

# Texts inside a message above: where a mean needs positive values and why ({where}, {detail}),
# an AHP matrix's problem ('{parent}' 的判断矩阵{problem}), an uncertainty factor's or its
# design's ({name}：{problem}).
DETAILS: dict[str, str] = {
    "at_level": gettext_noop("第 {level} 层"),
    "normalise_floor": gettext_noop("标准化方法 {method} 使 {child} 的值低至 {lowest:g}"),
    "ahp_not_square": gettext_noop("不是方阵：{shape}"),
    "ahp_not_reciprocal": gettext_noop("应为正的互反矩阵 (a_ji = 1/a_ij)"),
    "ahp_missing": gettext_noop("未给出（请在 matrices 中给出该节点的判断矩阵）"),
    "ahp_order": gettext_noop("的顺序 {order} 与下级 {children} 不符"),
    "ahp_size": gettext_noop("应为 {n} 阶"),
    "factor_where": gettext_noop("因素 {name}"),
    "factor_mapping": gettext_noop("应为带 name 的映射"),
    "factor_noise": gettext_noop("权重扰动应为 层级: 0–1 之间的比例，收到 {noise}"),
    "factor_no_step": gettext_noop("流程中没有步骤 {kind}"),
    "factor_range": gettext_noop("取值范围应为 [下限, 上限]，收到 {got}"),
    "factor_kind": gettext_noop("需要 alternatives、values、range 或 noise 之一"),
    "factor_names_repeat": gettext_noop("名称重复：请给每个因素不同的名称"),
    "factor_levels_shared": gettext_noop("权重扰动因素的层级重复：{levels}；每个层级只能属于一个因素"),
    "factor_target": gettext_noop("目标节点 {target} 不在指数结构中"),
    "factor_two": gettext_noop("敏感性分析至少需要两个因素"),
    "sobol_runs": gettext_noop("作为 Sobol 设计，设计表应有 N(d + 2) 次运行，按 SALib 顺序（每组：A、AB_1 … AB_d、B），d = {d}，即 {step} 的倍数；"
                               "现有 {runs} 次"),
    "design_bad_cell": gettext_noop("设计表第 {run} 次运行（文件第 {line} 行）{column} 列为{got}，不是可用值；可用值：{allowed}"),
    "cell_value": gettext_noop("值 {text!r}"),
    "cell_empty": gettext_noop("空值"),
    "multiplier_allowed": gettext_noop("非负有限数（名义权重的乘数，1 = 名义权重）"),
    "design_unknown_column": gettext_noop("设计表有未知的列 {column}；可用的列：{allowed}"),
    "design_weight_without_noise": gettext_noop("设计表有权重列 {column}，但因素中没有权重扰动（noise）因素"),
    "design_weight_node": gettext_noop("设计表的权重列 {column} 不是权重扰动因素所在层级的节点；可用节点：{nodes}"),
    "design_weight_repeated": gettext_noop("设计表有重复的权重列：{nodes}"),
    "design_lacks_column": gettext_noop("设计表缺少因素 {name} 的列（现有列：{columns}）"),
    "design_not_table": gettext_noop("设计表应为表格（DataFrame），收到 {got}"),
    "design_no_runs": gettext_noop("设计表没有任何运行（行）"),
    "design_saltelli": gettext_noop("设计表不是 SALib 顺序的 Saltelli 样本：第 {run} 次运行（文件第 {line} 行）应为 AB_{i}"
                                   "（因素 {varied} 取本组 B 行的值，其余取 A 行的值），{column} 列应为 {expected!r}"
                                   "（第 {source} 次运行，{which} 行），实为 {got!r}"),
}


class Detail(Phrase):
    """A text parameter of an :class:`IndexSpecError` from :data:`DETAILS`, worded with it."""

    catalogue = DETAILS


class IndexSpecError(ValueError):
    """A problem with an index spec, its data or a run.

    Parameters
    ----------
    code : str
        Key of :data:`MESSAGES`.
    **params
        Values named in the message.
    """

    def __init__(self, code: str, /, **params):
        self.code = code
        self.params = params
        super().__init__(self.message("zh") + "\n" + self.message("en"))

    def message(self, lang: str | None = "zh") -> str:
        """The message in ``lang`` ('zh' or 'en'; None: the active language of the page)."""
        lang = language(lang)
        params = worded(self.params, lang)
        if lang == "en":  # a text parameter's English, where the raiser gave one
            params.update({k[:-3]: v for k, v in self.params.items() if k.endswith("_en")})
        return word(MESSAGES[self.code], lang, **params)

    def __str__(self) -> str:
        return self.message("zh") + " / " + self.message("en")
