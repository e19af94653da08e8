"""Errors of the index engine, in Chinese and English.

Every problem with a spec, its data or a run is an :class:`IndexSpecError` carrying a
``code`` and ``params``; :meth:`IndexSpecError.message` words it in the user's language and
``str()`` gives Chinese first, then English. Each message names what was wrong, the value
received and, where there is one, the fix (the scikit-learn habit: "The 'x' parameter of Y must
be …, got … instead").
"""

from __future__ import annotations

__all__ = ["IndexSpecError", "MESSAGES"]

MESSAGES: dict[str, dict[str, str]] = {
    "bad_spec": {
        "zh": "指数定义应为一个映射（YAML/JSON 对象），收到 {got}",
        "en": "An index spec must be a mapping (a YAML/JSON object), got {got} instead",
    },
    "spec_file": {
        "zh": "无法读取指数定义文件 {path}：{reason}",
        "en": "Cannot read the index spec {path}: {reason}",
    },
    "unknown_key": {
        "zh": "{where} 中有未知的键 {keys}；允许的键：{allowed}",
        "en": "{where} has unknown keys {keys}; allowed: {allowed}",
    },
    "missing_key": {
        "zh": "{where} 缺少必填项 '{key}'",
        "en": "{where} lacks the required key '{key}'",
    },
    "no_nodes": {
        "zh": "指数定义没有任何节点（nodes）",
        "en": "The index spec has no nodes",
    },
    "duplicate_node": {
        "zh": "节点代码 '{code}' 重复出现",
        "en": "Node code '{code}' appears more than once",
    },
    "unknown_parent": {
        "zh": "节点 '{code}' 的上级 '{parent}' 不是已定义的节点",
        "en": "The parent '{parent}' of node '{code}' is not a node of the spec",
    },
    "cycle": {
        "zh": "指数结构存在循环：{path}",
        "en": "The index tree has a cycle: {path}",
    },
    "roots": {
        "zh": "指数结构应只有一个根节点（总指数），现有 {n} 个：{codes}",
        "en": "The index tree must have exactly one root (the index), found {n}: {codes}",
    },
    "bad_direction": {
        "zh": "指标 '{code}' 的方向应为 1（越大越好）或 -1（越小越好），收到 {got}；方向从不默认",
        "en": "The direction of indicator '{code}' must be 1 (higher is better) or -1 (lower is better), "
              "got {got} instead; it is never defaulted",
    },
    "bad_node_value": {
        "zh": "节点 '{code}' 的 {key} 应为{expected}，收到 {got}",
        "en": "The {key} of node '{code}' must be {expected_en}, got {got} instead",
    },
    "bad_weight": {
        "zh": "节点 '{code}' 的权重应为非负数，收到 {got}",
        "en": "The weight of node '{code}' must be a non-negative number, got {got} instead",
    },
    "weights_partial": {
        "zh": "'{parent}' 的下级权重不完整：{missing} 没有权重（要么都给，要么都不给）",
        "en": "The weights under '{parent}' do not cover the level: {missing} have none "
              "(give a weight to every child or to none)",
    },
    "weights_zero": {
        "zh": "'{parent}' 的下级权重全为 0",
        "en": "Every weight under '{parent}' is 0",
    },
    "unknown_step": {
        "zh": "未知的步骤 '{step}'；可用：{allowed}",
        "en": "Unknown step '{step}'; available: {allowed}",
    },
    "unknown_method": {
        "zh": "步骤 {step} 没有方法 '{method}'；可用：{allowed}",
        "en": "Step {step} has no method '{method}'; available: {allowed}",
    },
    "unknown_param": {
        "zh": "步骤 {step} 的方法 {method} 没有参数 {names}；可用参数：{allowed}",
        "en": "Method {method} of step {step} has no parameter {names}; its parameters: {allowed}",
    },
    "bad_param": {
        "zh": "步骤 {step} 的方法 {method} 的参数 '{name}' 应为{expected}，收到 {got}",
        "en": "The '{name}' parameter of method {method} (step {step}) must be {expected_en}, got {got} instead",
    },
    "missing_param": {
        "zh": "步骤 {step} 的方法 {method} 需要参数 '{name}'",
        "en": "Method {method} of step {step} needs the parameter '{name}'",
    },
    "unknown_override": {
        "zh": "步骤 {step} 的单独设置指向不存在的{kind} '{key}'",
        "en": "Step {step} has a setting for the unknown {kind_en} '{key}'",
    },
    "step_order": {
        "zh": "步骤 {step} 必须在 {before} 之前",
        "en": "Step {step} must come before {before}",
    },
    "no_aggregate": {
        "zh": "流程必须以 aggregate 步骤结束（得到各级得分）",
        "en": "The pipeline must end with an aggregate step (to score every level)",
    },
    "repeated_step": {
        "zh": "步骤 {step} 只能出现一次",
        "en": "Step {step} may appear only once",
    },
    "positive_needed": {
        "zh": "{where} 的{method}需要正数，但 {detail}；请将标准化下限设为正数（如 minmax low: 1）或改用算术平均",
        "en": "The {method_en} at {where} needs positive values, but {detail}; normalise to a positive "
              "range (e.g. minmax low: 1) or use the arithmetic mean",
    },
    "missing_column": {
        "zh": "数据中没有{kind}列 {names}（数据列：{available}）",
        "en": "The data has no {kind_en} column {names} (its columns: {available})",
    },
    "duplicate_units": {
        "zh": "数据中单元重复出现：{units}",
        "en": "Units appear more than once in the data: {units}",
    },
    "not_numeric": {
        "zh": "指标 '{code}' 第 {row} 行的值 {value!r} 不是数字",
        "en": "Indicator '{code}', row {row}: {value!r} is not a number",
    },
    "no_target": {
        "zh": "指标 '{code}' 没有目标值（target），方法 {method} 需要它",
        "en": "Indicator '{code}' has no target, which method {method} needs",
    },
    "no_goalposts": {
        "zh": "指标 '{code}' 没有目标柱：方法 goalposts 需要节点的 goalposts: [下限, 上限]，或步骤参数 lower 与 upper",
        "en": "Indicator '{code}' has no goalposts: the goalposts method needs the node's goalposts: [lower, upper] "
              "or the step's lower and upper parameters",
    },
    "no_years": {
        "zh": "方法 {method} 需要多年数据（年份列 '{column}'）",
        "en": "Method {method} needs a panel of years (year column '{column}')",
    },
    "base_year_missing": {
        "zh": "基期 {year} 年没有数据",
        "en": "The base year {year} has no data",
    },
    "unknown_unit": {
        "zh": "参照单元 '{unit}' 不在数据中",
        "en": "The reference unit '{unit}' is not in the data",
    },
    "ahp_matrix": {
        "zh": "'{parent}' 的判断矩阵{problem}",
        "en": "The comparison matrix of '{parent}' {problem_en}",
    },
    "ahp_inconsistent": {
        "zh": "'{parent}' 的判断矩阵一致性比率 CR = {cr:.3f} ≥ {limit}，请修改判断矩阵",
        "en": "The comparison matrix of '{parent}' is inconsistent: CR = {cr:.3f} ≥ {limit}; revise it",
    },
    "no_level": {
        "zh": "指数结构没有第 {level} 层；现有层级：{levels}",
        "en": "The index tree has no level {level}; its levels: {levels}",
    },
    "no_units_left": {
        "zh": "筛选后没有剩余单元（数据可得率阈值 {threshold}）",
        "en": "No unit is left after screening (availability threshold {threshold})",
    },
    "constant_column": {
        "zh": "指标 '{code}' 在{where}所有单元取值相同（{value}），无法用 {method} 标准化",
        "en": "Indicator '{code}' has the same value ({value}) for every unit{where_en}; {method} cannot normalise it",
    },
    "factor": {
        "zh": "不确定性因素 {name}：{problem}",
        "en": "Uncertainty factor {name}: {problem_en}",
    },
    "one_year": {
        "zh": "不确定性与敏感性分析针对单一年份，数据含 {n} 个年份；请指定年份",
        "en": "Uncertainty and sensitivity analysis take one year; the data holds {n} years — choose one",
    },
    "failed_runs_sobol": {
        "zh": "{n} 次运行无法计算（如：{example}），Sobol 指数需要全部运行；请调整因素取值",
        "en": "{n} runs could not be computed (e.g. {example}); Sobol indices need every run — change the factors",
    },
    "data_changed": {
        "zh": "数据与生成该结果的数据不同（哈希 {got} ≠ {expected}）",
        "en": "The data differ from those that made this result (hash {got} ≠ {expected})",
    },
}


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

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang`` ('zh' or 'en')."""
        template = MESSAGES[self.code]["en" if lang == "en" else "zh"]
        params = {**{f"{k}_en": v for k, v in self.params.items()}, **self.params}
        return template.format(**params)

    def __str__(self) -> str:
        return self.message("zh") + " / " + self.message("en")
