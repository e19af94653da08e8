"""Market integration by the relative price method (相对价格法).

Implements ``docs/METHODS.md`` §3, "Market integration". The price of a category of goods
moves together in integrated markets; a barrier between two cities lets their relative price
wander. Parsley & Wei [1]_ [2]_ measure that wandering by the variance, across categories, of
the change in the relative price; 桂琦寒 et al. [3]_ brought the method to Chinese provinces and
prefecture-level cities, with the statistical yearbooks' chained price indices.

Input layout
------------
One long DataFrame of **chained price indices**, one row per (category k, city i, year t):

============  ==================================================================================
``category``  the goods category k (食品, 衣着, 日用品 … — the same list for every city)
``city``      the city (a code or a name: any sortable, hashable value)
``year``      the year t
``index``     I_it^k, the price index of category k in city i in year t with **the previous
              year = 100** (上年 = 100), e.g. 商品零售价格分类指数 or 居民消费价格分类指数 as the
              yearbooks print them: 103.2 means prices rose 3.2 % since t − 1
============  ==================================================================================

Column names are parameters. A (category, city, year) may appear at most once; a missing
combination is simply absent (or NaN, which is dropped). Indices must be positive. Only the
ratio between cities enters, so any common scale would do (ln(I_i/100) − ln(I_j/100) =
ln I_i − ln I_j); what matters is that the index is chained: an index on a fixed base year
(2000 = 100) measures the level since the base, not the change of the year, and is wrong here.

Steps
-----
For every category k, year t and pair of cities i < j (both with a value):

1. ΔQ_ijt^k = ln(I_it^k / 100) − ln(I_jt^k / 100), the change of the relative price
   ln(P_it/P_jt) − ln(P_i,t−1/P_j,t−1);
2. |ΔQ_ijt^k| — the order of the two cities no longer matters;
3. q_ijt^k = |ΔQ_ijt^k| − mean over the pairs of (k, t) of |ΔQ^k_t|, which removes the part
   common to the category and year (a nationwide shock to food prices) and keeps the part
   specific to the pair;
4. Var_ijt = variance over the categories k of q_ijt^k (``ddof``, default 1: the sample
   variance), the pair's market segmentation in year t; its integration √(1/Var_ijt);
5. a city's segmentation in year t = the mean of Var_ijt over its partners j, and its
   integration √(1/segmentation).

The pairs are all pairs of cities (``partners=None``) or the pairs of a given partner relation
(adjacent cities, say, as 桂琦寒 et al. pair adjacent provinces): the de-meaning of step 3 runs
over those pairs only, and a city's segmentation averages over its partners only. The relation
is made symmetric (j is a partner of i whenever i is one of j) and reported with the result.

Nothing here imports Django: ``deltawatch.methods`` is a plain library.

References
----------
.. [1] Parsley, D. C., Wei, S.-J. Convergence to the law of one price without trade barriers or
   currency fluctuations. Quarterly Journal of Economics, 1996, 111(4): 1211–1236.
.. [2] Parsley, D. C., Wei, S.-J. Limiting currency volatility to stimulate goods market
   integration: a price based approach. NBER Working Paper 8468, 2001.
.. [3] 桂琦寒, 陈敏, 陆铭, 陈钊. 中国国内商品市场趋于分割还是整合：基于相对价格法的分析.
   世界经济, 2006(2): 20–30.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["MarketIntegration", "relative_price_integration"]

PAIR_COLUMNS = ["city_i", "city_j", "year", "n_categories", "variance", "integration"]
CITY_COLUMNS = ["city", "year", "n_partners", "segmentation", "integration"]
DEVIATION_COLUMNS = ["category", "year", "city_i", "city_j", "dq", "abs_dq", "n_pairs", "deviation"]


@dataclass(frozen=True)
class MarketIntegration:
    """The result of :func:`relative_price_integration`.

    Attributes
    ----------
    pairs : DataFrame
        One row per pair of cities and year with at least one deviation (step 3):
        ``city_i`` < ``city_j``, ``year``, ``n_categories`` (categories with a deviation),
        ``variance`` (Var_ijt; NaN with fewer than ``ddof`` + 1 categories) and
        ``integration`` = √(1/Var_ijt) (inf when Var = 0).
    cities : DataFrame
        One row per city and year in some pair with a variance: ``city``, ``year``,
        ``n_partners`` (partners with a variance that year), ``segmentation`` (mean Var_ijt
        over them) and ``integration`` = √(1/segmentation).
    deviations : DataFrame
        The working table of steps 1–3: ``category``, ``year``, ``city_i``, ``city_j``,
        ``dq`` (ΔQ), ``abs_dq``, ``n_pairs`` (pairs in that category-year) and ``deviation``
        (the de-meaned |ΔQ|).
    partners : dict
        Each city's partner set, as a sorted tuple: every other city for ``"all"``, or the
        symmetric closure of the given relation.
    partner_set : {"all", "given"}
    ddof : int
        Delta degrees of freedom of the variance over categories.
    """

    pairs: pd.DataFrame
    cities: pd.DataFrame
    deviations: pd.DataFrame
    partners: dict = field(repr=False)
    partner_set: str
    ddof: int


# --------------------------------------------------------------------------------------------
# checks


def _prices(prices: pd.DataFrame, category, city, year, index) -> pd.DataFrame:
    """The four columns under standard names, missing indices dropped, one row per key."""
    if not isinstance(prices, pd.DataFrame):
        raise TypeError(f"The 'prices' parameter must be a DataFrame, got {type(prices).__name__} instead.")
    names = {"category": category, "city": city, "year": year, "index": index}
    absent = [f"{role}={name!r}" for role, name in names.items() if name not in prices.columns]
    if absent:
        raise InputError("prices_columns", absent=", ".join(absent), columns=list(prices.columns))
    frame = prices[[category, city, year, index]].copy()
    frame.columns = ["category", "city", "year", "index"]
    for key in ("category", "city", "year"):
        if frame[key].isna().any():
            row = frame.index[frame[key].isna().to_numpy()][0]
            raise InputError("prices_missing_key", row=row, column=names[key])
    values = pd.to_numeric(frame["index"], errors="coerce")
    bad = (frame["index"].notna() & ~(values > 0)) | np.isinf(values)
    if bad.any():
        row = frame.index[bad.to_numpy()][0]
        raise InputError("prices_not_positive", row=row, column=index, got=frame.loc[row, "index"])
    frame["index"] = values
    frame = frame[frame["index"].notna()]
    duplicated = frame.duplicated(["category", "city", "year"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise InputError("prices_duplicated", category=category, city=city, year=year, n=int(duplicated.sum()),
                         first_category=first["category"], first_city=first["city"], first_year=first["year"])
    return frame


def _partner_pairs(partners, cities: pd.Index) -> tuple[pd.DataFrame | None, dict, str]:
    """The partner relation as sorted city codes (a, b), a < b, or None for all pairs."""
    if partners is None:
        every = {c: tuple(x for x in cities if x != c) for c in cities}
        return None, every, "all"
    if not isinstance(partners, Mapping):
        raise TypeError(f"The 'partners' parameter must be None (all other cities) or a mapping city → "
                        f"list of partner cities, got {type(partners).__name__} instead.")
    edges = set()
    for c, others in partners.items():
        if isinstance(others, (str, bytes)) or not hasattr(others, "__iter__"):
            raise TypeError(f"The 'partners' parameter must map each city to a list of cities, "
                            f"got {others!r} for {c!r} instead.")
        for o in others:
            if o == c:
                raise InputError("own_partner", city=c)
            edges.add((c, o))
            edges.add((o, c))
    relation: dict = {}
    for a, b in edges:
        relation.setdefault(a, set()).add(b)
    stated = {c: tuple(sorted(v)) for c, v in sorted(relation.items())}
    code = {c: k for k, c in enumerate(cities)}
    known = [(code[a], code[b]) for a, b in edges if a in code and b in code and code[a] < code[b]]
    return pd.DataFrame(known, columns=["a", "b"], dtype=np.int64), stated, "given"


# --------------------------------------------------------------------------------------------
# the method


def _deviations(frame: pd.DataFrame, cities: pd.Index, allowed: pd.DataFrame | None) -> pd.DataFrame:
    """Steps 1–3 for every (category, year) and pair at once, by a self-merge on (k, t)."""
    left = frame[["category", "year", "code", "q"]]
    pairs = left.merge(left, on=["category", "year"], suffixes=("_i", "_j"))
    pairs = pairs[pairs["code_i"] < pairs["code_j"]]
    if allowed is not None:
        pairs = pairs.merge(allowed, left_on=["code_i", "code_j"], right_on=["a", "b"]).drop(columns=["a", "b"])
    pairs = pairs.assign(dq=pairs["q_i"] - pairs["q_j"])
    pairs["abs_dq"] = pairs["dq"].abs()
    cell = pairs.groupby(["category", "year"], sort=False)["abs_dq"]
    pairs["n_pairs"] = cell.transform("size").astype(np.int64)
    # a category-year with one pair has nothing to de-mean against: its deviation would be
    # 0 by construction and would fake perfect integration, so it carries no deviation
    pairs["deviation"] = (pairs["abs_dq"] - cell.transform("mean")).where(pairs["n_pairs"] >= 2)
    pairs["city_i"] = cities[pairs["code_i"].to_numpy()]
    pairs["city_j"] = cities[pairs["code_j"].to_numpy()]
    pairs = pairs.sort_values(["code_i", "code_j", "year", "category"], kind="stable")
    return pairs.reset_index(drop=True)


def _integration(variance: pd.Series) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.sqrt(1.0 / variance.to_numpy(dtype=float))


def relative_price_integration(prices: pd.DataFrame, *, category="category", city="city", year="year",
                               index="index", partners=None, ddof: int = 1) -> MarketIntegration:
    r"""Segmentation and integration of city pairs and cities by the relative price method.

    Parameters
    ----------
    prices : DataFrame
        Long table of chained price indices (previous year = 100), one row per category,
        city and year; see the module docstring for the layout.
    category, city, year, index : str, keyword-only
        Names of the four columns of ``prices``.
    partners : None or mapping city → list of cities, keyword-only
        ``None``: every pair of cities, and each city's partners are all the others. A
        mapping (e.g. adjacent cities): only those pairs, made symmetric; they are the pairs
        the de-meaning runs over and the partners a city's segmentation averages over.
    ddof : int, keyword-only
        Delta degrees of freedom of the variance over categories: 1 (default) the sample
        variance Σ(q − q̄)²/(K − 1), 0 the population variance Σ(q − q̄)²/K.

    Returns
    -------
    MarketIntegration
        ``pairs`` (pair-year variances and integration), ``cities`` (city-year segmentation
        and integration), ``deviations`` (the de-meaned |ΔQ|), ``partners`` and
        ``partner_set`` (the partner sets used), ``ddof``.

    Notes
    -----
    .. math:: \Delta Q_{ijt}^k = \ln\frac{I_{it}^k}{100} - \ln\frac{I_{jt}^k}{100},\qquad
              q_{ijt}^k = |\Delta Q_{ijt}^k| - \overline{|\Delta Q_{t}^k|},\qquad
              \mathrm{Var}_{ijt} = \mathrm{var}_k\, q_{ijt}^k

    where the mean runs over the pairs present in category k and year t. The pairs, their
    de-meaning and the variance are computed per year: a city absent in some years simply
    has no pairs in those years, and a city absent from a category in a year leaves only
    that category out of its pairs' variances (``n_categories`` says how many remain).
    A category-year with a single pair gives no deviation (it would be 0 by construction).
    Var = 0 gives integration inf; fewer than ``ddof`` + 1 categories give NaN, and such
    pairs are left out of the city means (``n_partners`` counts the rest).

    Examples
    --------
    Three cities, two categories, one year (indices 100·e^q, so ln(I/100) = q):

    >>> q = {("food", "A"): 0.02, ("food", "B"): 0.05, ("food", "C"): 0.01,
    ...      ("clothing", "A"): 0.00, ("clothing", "B"): 0.01, ("clothing", "C"): 0.04}
    >>> prices = pd.DataFrame([{"category": k, "city": c, "year": 2020, "index": 100 * np.exp(v)}
    ...                        for (k, c), v in q.items()])
    >>> result = relative_price_integration(prices)
    >>> result.pairs[["city_i", "city_j", "variance"]].round(8).to_dict("list")
    {'city_i': ['A', 'A', 'B'], 'city_j': ['B', 'C', 'C'], 'variance': [0.0002, 0.00045, 5e-05]}
    >>> result.cities[["city", "segmentation"]].round(8).to_dict("list")
    {'city': ['A', 'B', 'C'], 'segmentation': [0.000325, 0.000125, 0.00025]}
    """
    if isinstance(ddof, (bool, np.bool_)) or not isinstance(ddof, (int, np.integer)) or ddof < 0:
        raise InputError("non_negative_integer", name="ddof", got=ddof)
    frame = _prices(prices, category, city, year, index)
    codes, cities = pd.factorize(frame["city"], sort=True)
    frame = frame.assign(code=codes, q=np.log(frame["index"].to_numpy(dtype=float) / 100.0))
    allowed, stated, partner_set = _partner_pairs(partners, cities)

    deviations = _deviations(frame, cities, allowed)

    # step 4: the variance over categories, per pair and year
    usable = deviations[deviations["deviation"].notna()]
    grouped = usable.groupby(["code_i", "code_j", "year"], sort=True)["deviation"]
    pairs = pd.DataFrame({"n_categories": grouped.size().astype(np.int64),
                          "variance": grouped.var(ddof=int(ddof))}).reset_index()
    pairs["integration"] = _integration(pairs["variance"])
    pairs.insert(0, "city_i", cities[pairs["code_i"].to_numpy()])
    pairs.insert(1, "city_j", cities[pairs["code_j"].to_numpy()])

    # step 5: each pair counts for both of its cities
    defined = pairs[pairs["variance"].notna()]
    both = pd.concat([defined[["code_i", "year", "variance"]].set_axis(["code", "year", "variance"], axis=1),
                      defined[["code_j", "year", "variance"]].set_axis(["code", "year", "variance"], axis=1)])
    per_city = both.groupby(["code", "year"], sort=True)["variance"]
    cities_frame = pd.DataFrame({"n_partners": per_city.size().astype(np.int64),
                                 "segmentation": per_city.mean()}).reset_index()
    cities_frame["integration"] = _integration(cities_frame["segmentation"])
    cities_frame.insert(0, "city", cities[cities_frame["code"].to_numpy()])

    return MarketIntegration(
        pairs=pairs[PAIR_COLUMNS].reset_index(drop=True),
        cities=cities_frame[CITY_COLUMNS].reset_index(drop=True),
        deviations=deviations[DEVIATION_COLUMNS],
        partners=stated,
        partner_set=partner_set,
        ddof=int(ddof),
    )
