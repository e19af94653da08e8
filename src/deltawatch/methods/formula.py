"""Derived indicators: arithmetic formulas over other indicators.

A derived indicator (``urbanization_rate = population_urban * 100 / population_resident``)
is computed for every region and year where all its inputs exist, never typed in.

Formulas are parsed with Python's ``ast`` and only names, numbers, ``+ - * /`` and
parentheses are accepted, so a formula stored in the database can never run code.
(``pandas.eval`` would accept attribute access and more than we want to allow.)
"""

from __future__ import annotations

import ast
import operator

import numpy as np
import pandas as pd

__all__ = ["FormulaError", "parse_formula", "evaluate_formula", "compute_derived", "dependency_order"]

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over indicator codes, or a cycle between formulas."""


def _check(node) -> set[str]:
    if isinstance(node, ast.Expression):
        return _check(node.body)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _check(node.left) | _check(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _check(node.operand)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return set()
    if isinstance(node, ast.Name):
        return {node.id}
    raise FormulaError(f"公式只能包含指标代码、数字、+ - * / 和括号 (not allowed: {ast.dump(node)[:60]})")


def parse_formula(formula: str) -> list[str]:
    """The indicator codes a formula uses, sorted; FormulaError if it is not plain arithmetic.

    >>> parse_formula("population_urban * 100 / population_resident")
    ['population_resident', 'population_urban']
    """
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"公式语法错误: {formula!r}") from exc
    return sorted(_check(tree))


def _evaluate(node, columns):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, columns)
    if isinstance(node, ast.BinOp):
        return _OPERATORS[type(node.op)](_evaluate(node.left, columns), _evaluate(node.right, columns))
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, columns)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Constant):
        return float(node.value)
    return columns[node.id]


def evaluate_formula(formula: str, columns) -> np.ndarray | pd.Series:
    """Evaluate ``formula`` with each indicator code bound to ``columns[code]`` (arrays or Series).

    Division by zero gives NaN (no value), not infinity.
    """
    parse_formula(formula)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = _evaluate(ast.parse(formula.strip(), mode="eval"), columns)
    if isinstance(result, pd.Series):
        return result.where(np.isfinite(result))
    result = np.asarray(result, dtype=float)
    return np.where(np.isfinite(result), result, np.nan)


def dependency_order(formulas: dict[str, str]) -> list[str]:
    """Derived indicator codes in an order where every input is computed before it is used.

    Raises FormulaError naming the indicators of a cycle.
    """
    inputs = {code: set(parse_formula(f)) & formulas.keys() for code, f in formulas.items()}
    order, done, visiting = [], set(), []

    def visit(code):
        if code in done:
            return
        if code in visiting:
            cycle = visiting[visiting.index(code):] + [code]
            raise FormulaError("派生指标公式存在循环引用: " + " → ".join(cycle))
        visiting.append(code)
        for dependency in sorted(inputs[code]):
            visit(dependency)
        visiting.pop()
        done.add(code)
        order.append(code)

    for code in sorted(formulas):
        visit(code)
    return order


def compute_derived(observations: pd.DataFrame, formulas: dict[str, str]) -> pd.DataFrame:
    """Values of derived indicators from a long table of observations.

    Parameters
    ----------
    observations : DataFrame with columns region_code, indicator, year, value
        Values in each indicator's catalogue unit.
    formulas : dict
        Derived indicator code → formula.

    Returns
    -------
    DataFrame with columns region_code, indicator, year, value: one row per region and year
    where every input of a formula has a value (derived inputs included, in dependency order).
    """
    empty = pd.DataFrame({"region_code": pd.Series(dtype=str), "indicator": pd.Series(dtype=str),
                          "year": pd.Series(dtype="int64"), "value": pd.Series(dtype=float)})
    if observations.empty or not formulas:
        return empty
    wide = observations.pivot_table(index=["region_code", "year"], columns="indicator", values="value", aggfunc="first")
    results = []
    for code in dependency_order(formulas):
        names = parse_formula(formulas[code])
        if not set(names) <= set(wide.columns):
            continue
        rows = wide[names].notna().all(axis=1)
        if not rows.any():
            continue
        values = evaluate_formula(formulas[code], {n: wide.loc[rows, n] for n in names})
        wide.loc[rows, code] = values
        part = values.dropna().rename("value").reset_index()
        part["indicator"] = code
        results.append(part)
    if not results:
        return empty
    out = pd.concat(results, ignore_index=True)[["region_code", "indicator", "year", "value"]]
    out["year"] = out["year"].astype("int64")
    return out
