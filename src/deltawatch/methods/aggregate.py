"""Values of a region group computed from its members, by each indicator's own aggregation.

A target set on "长三角中心区" or "苏南" is a target on the group's value, which no
yearbook publishes: it is computed here from the members' values, year by year.

* ``sum`` — Σ y_i; only years where **every** member has a value (a partial sum would read
  as a fall);
* ``mean`` — the plain mean of the members' values;
* ``weighted_mean`` — Σ w_i y_i / Σ w_i with w the indicator's weight indicator (population
  for a per-capita value, GDP for a share of GDP), members with both values only;
* ``formula`` — the formula evaluated on the group's values of its inputs, each aggregated by
  its own rule (the urbanisation rate of a group is its urban over its resident population,
  not the mean of its members' rates);
* ``none`` — no group value (indices, counts of measures).

Means accept a year when the members with data cover at least ``min_coverage`` of the group
(default 1: all members); sums always need all members.

Nothing here imports Django.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .formula import compute_derived, dependency_order, parse_formula

__all__ = ["AGGREGATIONS", "aggregate_groups"]

AGGREGATIONS = ("sum", "mean", "weighted_mean", "formula", "none")
COLUMNS = ["region_code", "indicator", "year", "value", "members"]
_SPAN = {"members": "min", "vintage": "max"}  # a derived value: fewest members, newest input


def _check_rules(rules: pd.DataFrame) -> None:
    unknown = sorted(set(rules["aggregation"]) - set(AGGREGATIONS))
    if unknown:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {unknown}")
    weighted = rules[rules["aggregation"] == "weighted_mean"]
    no_weight = weighted.index[weighted["weight"].isna() | (weighted["weight"].astype(str).str.strip() == "")]
    if len(no_weight):
        raise ValueError(f"weighted_mean needs a weight indicator: {sorted(no_weight)}")
    formula = rules[rules["aggregation"] == "formula"]
    no_formula = formula.index[formula["formula"].isna() | (formula["formula"].astype(str).str.strip() == "")]
    if len(no_formula):
        raise ValueError(f"aggregation 'formula' needs a formula: {sorted(no_formula)}")


def _member_values(observations: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    """Observations of group members, one row per (group, member, indicator, year). Region
    codes are matched as text (320000 = "320000"), converting only the distinct codes."""
    codes, uniques = pd.factorize(observations["region_code"])
    known = pd.Index([str(u) for u in uniques])
    links = memberships.assign(group_code=memberships["group_code"].astype(str),
                               region_code=memberships["region_code"].astype(str)).drop_duplicates()
    links = links.assign(_region=known.get_indexer(links["region_code"])).query("_region >= 0")
    members = observations.assign(_region=codes).merge(links[["group_code", "_region"]], on="_region")
    return members.assign(region_code=known[members["_region"].to_numpy()]).drop(columns="_region")


def _with_vintage(frame: pd.DataFrame, grouped, out: pd.DataFrame) -> pd.DataFrame:
    if "vintage" in frame.columns:
        out["vintage"] = grouped["vintage"].max().to_numpy()
    return out


def aggregate_groups(observations: pd.DataFrame, memberships: pd.DataFrame, indicators: pd.DataFrame, *,
                     min_coverage: float = 1.0) -> pd.DataFrame:
    """Group values for every group, indicator and year the members' data allow.

    Parameters
    ----------
    observations : DataFrame
        Long member values ``region_code, indicator, year, value`` (one per key). An optional
        ``vintage`` column (an orderable data-revision marker such as an observation id) is
        carried as the maximum over the values a group value uses.
    memberships : DataFrame
        ``group_code, region_code``: the members of each group.
    indicators : DataFrame
        ``code, aggregation, weight, formula`` (weight: the code of the weight indicator of a
        ``weighted_mean``; formula: of a ``formula``).
    min_coverage : float in (0, 1]
        Share of a group's members that must have a value for a mean to be computed.

    Returns
    -------
    DataFrame
        ``region_code`` (the group's code), ``indicator, year, value, members`` (members
        used), plus ``vintage`` when given.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["a", "b"], "indicator": "pop", "year": 2020, "value": [1.0, 2.0]})
    >>> links = pd.DataFrame({"group_code": "g", "region_code": ["a", "b"]})
    >>> rules = pd.DataFrame({"code": ["pop"], "aggregation": ["sum"], "weight": [None], "formula": [None]})
    >>> aggregate_groups(obs, links, rules)[["region_code", "indicator", "year", "value"]].to_dict("records")
    [{'region_code': 'g', 'indicator': 'pop', 'year': 2020, 'value': 3.0}]
    """
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage must be in (0, 1], got {min_coverage!r}")
    rules = indicators.assign(code=indicators["code"].astype(str)).set_index("code")
    for column in ("weight", "formula"):
        if column not in rules.columns:
            rules[column] = None
    _check_rules(rules)
    size = memberships.assign(group_code=memberships["group_code"].astype(str)) \
        .drop_duplicates().groupby("group_code").size()
    members = _member_values(observations[observations["value"].notna()], memberships)
    kind = members["indicator"].astype(str).map(rules["aggregation"])
    parts = [
        _sums(members[kind == "sum"], size),
        _means(members[kind == "mean"], size, min_coverage),
        _weighted_means(members, kind, rules, size, min_coverage),
    ]
    frames = [p for p in parts if not p.empty]
    extra = ["vintage"] if "vintage" in observations.columns else []
    direct = (pd.concat(frames, ignore_index=True) if frames
              else pd.DataFrame(columns=COLUMNS + extra))
    derived = _formulas(direct, rules)
    out = pd.concat([direct, derived], ignore_index=True) if not derived.empty else direct
    out = out[COLUMNS + extra].astype({"region_code": str, "indicator": str, "year": "int64",
                                       "value": float, "members": "int64"})
    return out.sort_values(["region_code", "indicator", "year"], ignore_index=True)


def _sums(frame: pd.DataFrame, size: pd.Series) -> pd.DataFrame:
    grouped = frame.groupby(["group_code", "indicator", "year"], sort=False, observed=True)
    out = grouped["value"].agg(["sum", "count"]).reset_index()
    out = _with_vintage(frame, grouped, out)
    out = out[out["count"].to_numpy() == out["group_code"].map(size).to_numpy()]
    return out.rename(columns={"group_code": "region_code", "sum": "value", "count": "members"})


def _means(frame: pd.DataFrame, size: pd.Series, min_coverage: float) -> pd.DataFrame:
    grouped = frame.groupby(["group_code", "indicator", "year"], sort=False, observed=True)
    out = grouped["value"].agg(["mean", "count"]).reset_index()
    out = _with_vintage(frame, grouped, out)
    out = out[out["count"].to_numpy() >= min_coverage * out["group_code"].map(size).to_numpy() - 1e-9]
    return out.rename(columns={"group_code": "region_code", "mean": "value", "count": "members"})


def _weighted_means(members: pd.DataFrame, kind: pd.Series, rules: pd.DataFrame, size: pd.Series,
                    min_coverage: float) -> pd.DataFrame:
    """Σ w·y / Σ w. Each member value finds its weight (same region and year, the weight
    indicator) through integer cell keys and a sorted search, not a merge on text columns."""
    rows = (kind == "weighted_mean").to_numpy()
    if not rows.any():
        return members.iloc[0:0]
    region, _ = pd.factorize(members["region_code"])
    indicator, names = pd.factorize(members["indicator"])
    names = pd.Index([str(n) for n in names])
    year = members["year"].to_numpy(dtype=np.int64)
    year = year - year.min()
    span = int(year.max()) + 1

    def cell_keys(indicator_codes):  # one int64 per (region, indicator, year)
        return (region * len(names) + indicator_codes) * span + year

    unique_keys, first = np.unique(cell_keys(indicator), return_index=True)
    weight_code = names.get_indexer(pd.Index(rules["weight"].reindex(names).astype(str)))  # per indicator
    wanted = cell_keys(np.where(weight_code[indicator] >= 0, weight_code[indicator], 0))
    pos = np.minimum(np.searchsorted(unique_keys, wanted), len(unique_keys) - 1)
    found = rows & (weight_code[indicator] >= 0) & (unique_keys[pos] == wanted)
    source = first[pos[found]]
    values = members["value"].to_numpy()
    frame = members[found].assign(w=values[source])
    frame["wy"] = frame["w"] * frame["value"]
    if "vintage" in frame.columns:
        frame["vintage"] = np.maximum(frame["vintage"].to_numpy(), members["vintage"].to_numpy()[source])
    grouped = frame.groupby(["group_code", "indicator", "year"], sort=False, observed=True)
    out = grouped[["wy", "w"]].sum()
    out["members"] = grouped.size()
    out = out.reset_index()
    out = _with_vintage(frame, grouped, out)
    out["value"] = out["wy"] / out["w"].where(out["w"] != 0)
    keep = (out["members"].to_numpy() >= min_coverage * out["group_code"].map(size).to_numpy() - 1e-9) \
        & out["value"].notna().to_numpy()
    return out[keep].drop(columns=["wy", "w"]).rename(columns={"group_code": "region_code"})


def _formulas(direct: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Formula indicators on the group values (``formula.compute_derived``, which also handles a
    formula over another formula); each derived value counts the fewest members and carries the
    newest vintage of its inputs."""
    formulas = {code: str(f) for code, f in rules.loc[rules["aggregation"] == "formula", "formula"].items()}
    if not formulas or direct.empty:
        return direct.iloc[0:0]
    derived = compute_derived(direct[["region_code", "indicator", "year", "value"]], formulas)
    derived = derived[np.isfinite(derived["value"])]
    extra = [c for c in ("members", "vintage") if c in direct.columns]
    known, parts = direct, []
    for code in dependency_order(formulas):
        rows = derived[derived["indicator"] == code]
        if rows.empty:
            continue
        inputs = known[known["indicator"].isin(parse_formula(formulas[code]))]
        spans = inputs.groupby(["region_code", "year"])[extra].agg({c: _SPAN[c] for c in extra})
        rows = rows.join(spans, on=["region_code", "year"])
        parts.append(rows)
        known = pd.concat([known, rows], ignore_index=True)
    return pd.concat(parts, ignore_index=True) if parts else direct.iloc[0:0]
