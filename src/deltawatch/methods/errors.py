"""The error the methods raise for input they cannot compute on, worded in the user's language.

An :class:`InputError` carries a ``code`` and ``params``, never worded text: :data:`MESSAGES`
maps each code to its Chinese text, a msgid of the one catalogue (``deltawatch.i18n``), whose
English is in ``locale/en/LC_MESSAGES/django.po`` — read without Django, so the pure library
words its errors in both languages. :meth:`InputError.message` words it in the user's language
(a page's active language by default); ``str()`` gives Chinese first, then English, as
:class:`~deltawatch.methods.index.IndexSpecError` does.

Each message says what was wrong, the value received and, where there is one, the fix. A part of
a message that is itself a text (where in the data, what total) is a :class:`Phrase`, worded in
the same language as the message it sits in; the names of parameters and columns (``weights``,
``ddof``) are code and stay as they are.
"""

from __future__ import annotations

from deltawatch.i18n import gettext_noop, language, word

__all__ = ["MESSAGES", "InputError", "Phrase", "worded"]

MESSAGES: dict[str, str] = {
    # said by several methods
    "one_of": gettext_noop("参数 {name} 应为 {choices} 之一，收到 {got!r}"),
    "non_negative_integer": gettext_noop("参数 {name} 应为非负整数，收到 {got!r}"),
    "positive": gettext_noop("参数 {name} 应为正数，收到 {got!r}"),
    "open_unit_interval": gettext_noop("参数 {name} 应在 (0, 1) 之间，收到 {got!r}"),
    "not_numbers": gettext_noop("{name} 的值应为数字，收到的列类型为 {types}"),
    # phrases: parts of a message, worded with it
    "at_position": gettext_noop("第 {i} 个位置"),
    "at_position_unit": gettext_noop("第 {i} 个位置（单元 {unit!r}）"),
    "at_unit_year": gettext_noop("单元 {unit!r} 的 {year!r} 年"),
    "mean_of_y": gettext_noop("y 的均值"),
    "weighted_mean_of_y": gettext_noop("y 的加权均值"),
    "total_of_y": gettext_noop("y 的总和"),
    "total_wy": gettext_noop("总量 Σ w·y"),
    "log_t_test": gettext_noop("对数 t 检验"),
    # disparity
    "one_dimensional": gettext_noop("{name} 应为一维数据，收到形状 {shape}"),
    "empty": gettext_noop("{name} 至少要有一个值，收到的为空"),
    "not_finite": gettext_noop("{name} 应为有限值，而{at}为 {got}：请先删去缺失值（disparity_panel 会逐年删去）"),
    "negative": gettext_noop("{name} 应 ≥ 0，而{at}为 {got}：差距指数只适用于非负值"),
    "weights_shape": gettext_noop("weights 应为每个单元一个值（{n} 个），收到形状 {shape}"),
    "weights_positive": gettext_noop("{name} 应为有限的正数（人口），而{at}为 {got}"),
    "groups_length": gettext_noop("groups 应为每个单元一个标签（{n} 个），收到 {got} 个"),
    "groups_missing": gettext_noop("{name} 应给每个单元一个分组，而{at}没有分组"),
    "total_not_positive": gettext_noop("{what}应 > 0，收到 {total}：该指数无定义"),
    "ddof_weighted": gettext_noop("ddof 只用于不加权的变异系数，加权时收到 ddof={ddof!r}：请用 ddof=0"),
    "theil_l_zero": gettext_noop("有值为 0 时 Theil L 无定义（s = 0 时 ln(p/s) 无意义）：y 在{at}为 0；请改用 Theil T 或去掉该单元"),
    "w_symmetric": gettext_noop("空间权重 w 应对称（i 是 j 的邻居 ⇔ j 是 i 的邻居），因为空间基尼系数按邻居对计数；"
                                "请先将 k 近邻权重对称化（libpysal.weights.symmetrize）"),
    "y_missing_units": gettext_noop("y 中没有 w 的单元 {units} 的值：请补齐或从 w 中去掉"),
    "y_length": gettext_noop("y 应为 w 的每个单元一个值（{n} 个），收到 {got} 个"),
    "unknown_statistics": gettext_noop("statistics 应取自 {allowed}，收到 {got}"),
    "needs_weight": gettext_noop("统计量 {name!r} 是加权的：请给出 weight='<人口列>'"),
    "needs_group": gettext_noop("统计量 {name!r} 按组分解：请给出 group='<分组列>'"),
    "not_a_column": gettext_noop("{parameter}={column!r} 不是 frame 的列；现有列：{columns}"),
    "missing_years": gettext_noop("列 {year!r} 有缺失的年份：请先删去这些行"),
    "panel_repeats": gettext_noop("frame 应每个单元每年一行，而有 {n} 行键值重复，如单元 {unit!r} 的 {year!r} 年"),
    "group_clash": gettext_noop("分组标签 {clash} 与成分名称 {reserved} 冲突：请改名"),
    "theil_l_zero_panel": gettext_noop("{name}：有值为 0 时 Theil L 无定义，而{at}为 0；请从 statistics 中去掉 theil_l 或删去该单元"),
    "in_year": gettext_noop("{name}，{year!r} 年：{reason}"),
    # convergence
    "not_a_year": gettext_noop("不是年份：{got!r}"),
    "repeated_rows": gettext_noop("frame 中有 {n} 行（{unit}, {year}）重复，第一处为 {first}：每个单元每年只保留一个值"),
    "wide_repeated_units": gettext_noop("frame（宽表）中单元重复：{units}：每个单元应只有一行"),
    "frame_shape": gettext_noop("frame 应为长表，含列 {unit!r}、{year!r}、{value!r}（列名不同时用 unit=、year=、value= 指明），"
                                "或以年份为列的宽表；收到的列：{columns}"),
    "wide_repeated_years": gettext_noop("frame（宽表）的列中年份重复：{columns}：每年应只有一列"),
    "log_positive": gettext_noop("log=True 需要正值，而单元 {unit!r} 在 {year} 年为 {got!r}：请删去或更正该值，或设 log=False"),
    "unbalanced": gettext_noop("{what}需要平衡面板；单元 {units} 缺少年份：请补齐或删去这些单元"),
    "consecutive_years": gettext_noop("{what}需要连续的年份，收到 {years}：请补齐缺失的年份"),
    "maxlags": gettext_noop("参数 maxlags 应为 ≥ 0 的整数，或 None（Newey–West 规则），收到 {got!r}"),
    "sigma_few_years": gettext_noop("σ 收敛检验至少需要 3 个年份的 σ，收到 {n} 个：请增加年份，或选用单元数多于 ddof = {ddof} 的年份"),
    "controls_clash": gettext_noop("控制变量不能使用列名 {names}：请改名"),
    "not_a_panel_year": gettext_noop("{name} = {got!r} 不是面板中的年份（{first}–{last}）"),
    "end_before_start": gettext_noop("end 必须晚于 start，收到 start = {start!r}、end = {end!r}"),
    "beta_few_units": gettext_noop("β 收敛回归需要单元数多于系数个数（{k}），收到 {n} 个单元：请增加单元或减少控制变量"),
    "interval": gettext_noop("参数 interval 应为 ≥ 1 的整数年数，收到 {got!r}"),
    "no_interval_fits": gettext_noop("年份 {years} 中放不下 {interval} 年的时间段：请用更短的 interval"),
    "controls_index": gettext_noop("面板形式的控制变量应以（单元, 年份）为索引"),
    "time_effects": gettext_noop("时间效应至少需要 2 个时间段，interval = {interval} 时只有 1 个：请用更短的 interval 或不用时间效应"),
    "hp_few_years": gettext_noop("HP 滤波至少需要 3 个年份，收到 {n} 个"),
    "logt_shape": gettext_noop("X 应为“单元 × 时期”的矩阵且至少有 2 个单元，收到形状 {shape}"),
    "logt_missing": gettext_noop("X 中有缺失值或无穷值：对数 t 检验需要平衡面板"),
    "logt_positive": gettext_noop("X 应为正值（h_it = X_it / 当期均值）：请对大于 1 的值取对数，例如人均 GDP 以元而非万元为单位"),
    "logt_few_periods": gettext_noop("对数 t 检验需要从 t = [rT] = {first} 到 T = {T} 至少 3 个时期：请增加年份或减小 r"),
    "logt_no_dispersion": gettext_noop("X 在某一时期没有截面离散（H_t = 0）：对数 t 检验无定义"),
    "r_share": gettext_noop("r（舍去的时期比例）应在 (0, 1) 之间，收到 {got!r}"),
    # coordination
    "u_shape": gettext_noop("参数 U 应为表格（行为单元，列为子系统），收到形状为 {shape} 的数组"),
    "u_two_subsystems": gettext_noop("参数 U 至少需要两个子系统（列），收到 {n} 个：耦合是子系统之间的关系"),
    "u_score": gettext_noop("U[{row!r}, {column!r}] 应为 [0, 1] 内的标准化子系统得分，收到 {got!r}：耦合前请把各子系统得分标准化到 [0, 1]（并补齐或删去缺失值）"),
    "weights_names": gettext_noop("参数 weights 应为每个子系统 {columns} 各给一个权重，而缺少 {missing}、多出未知的 {extra}"),
    "weights_count": gettext_noop("参数 weights 应为每个子系统一个权重（{n} 个），收到 {got} 个"),
    "weights_negative": gettext_noop("参数 weights 应为非负数，收到 {got}"),
    "weights_sum": gettext_noop("参数 weights 之和应为 1（容差 {tolerance:g}），收到 {got}，其和为 {total!r}："
                                "权重之和不为 1 会使 T 和 D 超出 [0, 1]；请将各权重除以其和"),
    "d_shape": gettext_noop("参数 D 应为一个数或一维数组，收到形状 {shape}"),
    "d_range": gettext_noop("参数 D 应在 [0, 1] 之间，收到 {got!r}：标准化得分的 D = √(C·T) 不会超出 [0, 1]"),
    # market
    "prices_columns": gettext_noop("参数 prices 缺少列 {absent}（现有列：{columns}）：请用关键字参数指明列名"),
    "prices_missing_key": gettext_noop("prices[{row!r}, {column!r}] 不能为空：请补全或删去该行"),
    "prices_not_positive": gettext_noop("prices[{row!r}, {column!r}] 应为正的价格指数（上年 = 100），收到 {got!r}"),
    "prices_duplicated": gettext_noop("参数 prices 应每个（{category}, {city}, {year}）一行，而有 {n} 行键值重复，"
                                      "如（{first_category!r}, {first_city!r}, {first_year!r}）"),
    "own_partner": gettext_noop("参数 partners 不能把城市设为自己的伙伴，收到 {city!r}"),
    # spatial
    "no_polygon": gettext_noop("单元 {units} 没有边界多边形（字段 {field!r}）"),
    "no_value_units": gettext_noop("单元 {units} 没有值"),
    "values_count": gettext_noop("{n_values} 个值对应 {n_units} 个单元：应每个单元一个值"),
    "panel_gaps": gettext_noop("缺少年份的单元无法跨期追踪：{units}"),
    "markov_k": gettext_noop("k 应为 2 到 5 个类别，收到 {k}"),
    # validation rules
    "rule_syntax": gettext_noop("校验规则 {rule!r} 应为“左式 运算符 右式”，运算符为 >=、<=、>、<、== 或 !=，两边只含指标代码、数字、+ - * / 和括号"),
    "rule_unknown_indicator": gettext_noop("校验规则 {rule!r} 引用了未知指标 {codes}：请检查指标代码"),
    "rule_division_by_zero": gettext_noop("校验规则 {rule!r} 的除数恒为零：请改写该规则"),
    # assessment (绩效考核)
    "assessment_no_components": gettext_noop("考核方案至少要有一个考核内容（指标水平、目标进展或任务落实），收到的为空"),
    "assessment_weight": gettext_noop("考核内容 {code!r} 的权重应为正数，收到 {weight!r}"),
    "assessment_missing_component": gettext_noop("考核数据中没有考核内容 {code!r} 的列：请先计算该内容的得分"),
    "assessment_grading": gettext_noop("等次只能按分数线或按比例划定，不能同时给出两者"),
    "assessment_cutoffs": gettext_noop("等次分数线应给出优秀、良好、一般三档且逐档不升高，收到 {cutoffs!r}"),
    "assessment_shares": gettext_noop("等次比例应为非负数且合计不超过 1，收到 {shares!r}"),
    "assessment_too_few_to_cluster": gettext_noop("有完整数据的单元只有 {n} 个，不能分为 {k} 组：请减少组数或补齐数据"),
    "assessment_direction": gettext_noop("指标 {indicator!r} 的方向应为 1（越大越好）或 -1（越小越好），收到 {direction!r}"),
}


class Phrase:
    """A text inside a message (``第 3 个位置`` / ``position 3``): a code of :attr:`catalogue`
    (:data:`MESSAGES`) and its parameters, worded when the message is, in the message's language.
    A subclass may word the codes of another table (the index engine's ``Detail``)."""

    catalogue: dict[str, str] = MESSAGES

    def __init__(self, code: str, /, **params):
        self.code = code
        self.params = params

    def message(self, lang: str | None = "zh") -> str:
        """The text in ``lang`` ('zh' or 'en'; None: the active language of the page). A code
        that is not in the catalogue is taken as the text itself (a caller's own wording)."""
        lang = language(lang)
        params = worded(self.params, lang)
        if self.code not in self.catalogue:
            return self.code.format(**params) if params else self.code
        return word(self.catalogue[self.code], lang, **params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, **{self.params!r})"


def worded(params: dict, lang: str) -> dict:
    """``params`` with every :class:`Phrase` among them worded in ``lang``."""
    return {key: value.message(lang) if isinstance(value, Phrase) else value for key, value in params.items()}


class InputError(Phrase, ValueError):
    """The data or the parameters given do not allow the computation (too few units, a
    negative value where a logarithm is taken, weights that do not sum to 1 …); the message
    says which and why, in the user's language.

    A ``ValueError``, so code that catches those keeps working; an application can catch this
    class alone and show ``message(lang)``, and let any other exception — a bug — surface.

    Parameters
    ----------
    code : str
        Key of :data:`MESSAGES`.
    **params
        Values named in the message; a :class:`Phrase` (or another ``InputError``, the reason
        of this one) is worded in the message's language.

    >>> error = InputError("markov_k", k=7)
    >>> error.message("en")
    'k must be between 2 and 5 classes, got 7'
    >>> str(error)
    'k 应为 2 到 5 个类别，收到 7 / k must be between 2 and 5 classes, got 7'
    """

    def __init__(self, code: str, /, **params):
        Phrase.__init__(self, code, **params)
        ValueError.__init__(self, self.message("zh") + "\n" + self.message("en"))

    def __str__(self) -> str:
        return self.message("zh") + " / " + self.message("en")
