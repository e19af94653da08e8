"""Spatial weights, spatial autocorrelation and distribution dynamics (METHODS.md §3).

Everything statistical is PySAL's but the LISA inference: weights from ``libpysal``, Moran's I
from ``esda``, Markov and spatial Markov chains from ``giddy``; densities from SciPy's
``gaussian_kde``. This module adds what a user of those libraries must otherwise remember:

* :func:`polygon_weights` — contiguity (queen or rook) from polygons such as the 41 YRD city
  boundaries, with islands attached to their nearest polygon (an island with no neighbour
  would otherwise drop out of every spatial lag); :func:`knn_weights` and
  :func:`distance_weights` on projected or arc (great-circle) distances between centroids.
* :func:`moran` copies the weights before calling esda, because ``esda.Moran`` changes the
  transform of the ``W`` it is given (a caller's binary weights would come back
  row-standardised); :func:`local_moran` computes esda's statistic with its own vectorised
  conditional randomisation (esda's is compiled by numba in every new process, ~25 s).
  Results are plain dataclasses and DataFrames keyed by unit, so they do not depend on the
  order of the rows.
* :func:`markov` and :func:`spatial_markov` classify a units × years panel into ``k`` ≤ 5
  quantile classes (41 cities cannot fill more) and return the transition matrices as
  labelled DataFrames.
* :func:`kde_evolution` gives the density of each year on a common grid, ready to plot as the
  "distribution dynamics" figure of regional studies.

References: Anselin (1995), *Geographical Analysis* 27(2), 93–115 (LISA); Rey (2001),
*Geographical Analysis* 33(3), 195–214 (spatial Markov); Rey & Smith (2013), *Letters in
Spatial and Resource Sciences* 6, 55–70 (spatial Gini, in ``disparity``).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["polygon_weights", "knn_weights", "distance_weights", "moran", "local_moran", "conditional_randomisation",
           "MoranResult", "markov", "spatial_markov", "kde_evolution", "QUADRANTS"]

#: LISA quadrants (esda's q = 1 … 4) with their Chinese and English names
QUADRANTS = {1: ("HH", "高-高集聚", "high-high"), 2: ("LH", "低-高异常", "low-high"),
             3: ("LL", "低-低集聚", "low-low"), 4: ("HL", "高-低异常", "high-low")}


def _features(source) -> list[dict]:
    if isinstance(source, (str, Path)):
        source = json.loads(Path(source).read_text(encoding="utf-8"))
    return source["features"] if isinstance(source, dict) else list(source)


def _frame(source, id_field: str, ids=None):
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features(_features(source))
    frame[id_field] = frame[id_field].astype(str)
    if ids is not None:
        ids = [str(i) for i in ids]
        missing = sorted(set(ids) - set(frame[id_field]))
        if missing:
            raise InputError("no_polygon", units=missing, field=id_field)
        frame = frame.set_index(id_field).loc[ids].reset_index()
    return frame


def polygon_weights(source, id_field: str = "adcode", ids=None, contiguity: str = "queen",
                    attach_islands: bool = True):
    """Contiguity weights from polygons (GeoJSON path, dict or feature list).

    Parameters
    ----------
    source : path, dict or list
        GeoJSON FeatureCollection (e.g. ``yrd41_cities.geojson``) or its features.
    id_field : str
        Property holding the unit code (matched as text).
    ids : sequence, optional
        Keep and order these units.
    contiguity : {'queen', 'rook'}
        Shared vertex or shared edge.
    attach_islands : bool
        Join each polygon without a neighbour to its nearest polygon (by centroid).

    Returns
    -------
    libpysal.weights.W
        Binary weights keyed by unit code, ``transform = 'O'``.
    """
    from libpysal.weights import KNN, Queen, Rook
    from libpysal.weights.util import attach_islands as attach

    frame = _frame(source, id_field, ids)
    builder = {"queen": Queen, "rook": Rook}[contiguity]
    w = builder.from_dataframe(frame, ids=frame[id_field].tolist(), use_index=False, silence_warnings=True)
    if attach_islands and w.islands:
        nearest = KNN.from_dataframe(frame.set_geometry(frame.geometry.representative_point()), k=1,
                                     ids=frame[id_field].tolist(), use_index=False)
        w = attach(w, nearest)
    return w


def _coordinates(coords) -> tuple[np.ndarray, list]:
    if isinstance(coords, pd.DataFrame):
        return coords.to_numpy(dtype=float)[:, :2], [str(i) for i in coords.index]
    coords = np.asarray(coords, dtype=float)
    return coords, [str(i) for i in range(len(coords))]


def knn_weights(coords, k: int = 4, arc: bool = False):
    """k-nearest-neighbour weights. ``coords`` a DataFrame (index = unit, columns x, y — or
    longitude, latitude with ``arc=True`` for great-circle distances) or an (n, 2) array."""
    from libpysal.cg import KDTree, RADIUS_EARTH_KM
    from libpysal.weights import KNN

    points, ids = _coordinates(coords)
    tree = KDTree(points, distance_metric="Arc" if arc else "Euclidean", radius=RADIUS_EARTH_KM) if arc else points
    return KNN(tree, k=k, ids=ids)


def distance_weights(coords, threshold: float, arc: bool = False, binary: bool = True):
    """Distance-band weights: neighbours within ``threshold`` (km with ``arc=True``)."""
    from libpysal.cg import KDTree, RADIUS_EARTH_KM
    from libpysal.weights import DistanceBand

    points, ids = _coordinates(coords)
    data = KDTree(points, distance_metric="Arc", radius=RADIUS_EARTH_KM) if arc else points
    return DistanceBand(data, threshold=threshold, binary=binary, ids=ids, silence_warnings=True)


def _aligned(y, w) -> np.ndarray:
    """The values in the order of ``w.id_order``: a Series is matched by unit, never by position."""
    if isinstance(y, pd.Series):
        y = y.copy()
        y.index = y.index.astype(str)
        missing = sorted(set(map(str, w.id_order)) - set(y.index))
        if missing:
            raise InputError("no_value_units", units=missing[:10])
        return y.loc[[str(i) for i in w.id_order]].to_numpy(dtype=float)
    y = np.asarray(y, dtype=float)
    if len(y) != w.n:
        raise InputError("values_count", n_values=len(y), n_units=w.n)
    return y


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I with its expectation and inference.

    ``z_norm``/``p_norm`` under the normality assumption, ``z_sim``/``p_sim`` (one-sided
    pseudo p-value) from ``permutations`` random permutations.
    """

    I: float  # noqa: E741 — the statistic's name
    EI: float
    z_norm: float
    p_norm: float
    z_sim: float
    p_sim: float
    n: int
    permutations: int
    transform: str


def moran(y, w, transform: str = "r", permutations: int = 999, seed: int | None = 0) -> MoranResult:
    """Global Moran's I of ``y`` (a Series by unit, or values in ``w.id_order``).

    >>> from libpysal.weights import W
    >>> w = W({"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c"]})
    >>> round(moran(pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd")), w, transform="b").I, 6)
    0.333333
    """
    import esda

    values = _aligned(y, w)
    state = np.random.get_state()  # esda.Moran draws from NumPy's global generator and takes no seed:
    try:                           # seed it for this call only, and leave the caller's state as it was
        if seed is not None:
            np.random.seed(seed)
        result = esda.Moran(values, copy.deepcopy(w), transformation=transform, permutations=permutations)
    finally:
        np.random.set_state(state)
    return MoranResult(I=float(result.I), EI=float(result.EI), z_norm=float(result.z_norm),
                       p_norm=float(result.p_norm), z_sim=float(getattr(result, "z_sim", np.nan)),
                       p_sim=float(getattr(result, "p_sim", np.nan)), n=int(result.n), permutations=permutations,
                       transform=transform)


def _row_weights(w, transform: str):
    """Neighbour indices and weights of each unit after the transform (the caller's W untouched)."""
    w = copy.deepcopy(w)
    w.transform = transform
    position = {u: k for k, u in enumerate(w.id_order)}
    neighbours = [np.array([position[v] for v in w.neighbors[u]], dtype=int) for u in w.id_order]
    weights = [np.asarray(w.weights[u], dtype=float) for u in w.id_order]
    return neighbours, weights


def conditional_randomisation(z: np.ndarray, neighbours, weights, observed: np.ndarray, permutations: int,
                              seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Pseudo p-values of local Moran's I by conditional randomisation (Anselin 1995).

    Each unit keeps its own value; its neighbours' values are drawn without replacement from
    the other n − 1 units, ``permutations`` times. As in PySAL, one set of draws is shared by all
    units (the draw for unit i skips i). Returns (p_sim, simulated statistics (permutations, n)),
    p_sim folded as GeoDa and esda do: (min(#sim ≥ I, #sim < I) + 1)/(permutations + 1).

    Written here, vectorised over the units of equal neighbour count, because esda's version is
    compiled by numba on first use in every process (about 25 s on this machine) — too slow for
    a command that answers one question.
    """
    n = len(z)
    rng = np.random.default_rng(seed)
    cardinality = np.array([len(k) for k in neighbours])
    widest = int(cardinality.max(initial=0))
    draws = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, :widest]
    simulated = np.zeros((permutations, n))
    scale = (n - 1) / float(z @ z)
    for k in np.unique(cardinality[cardinality > 0]):
        units = np.flatnonzero(cardinality == k)
        picks = draws[None, :, :k] + (draws[None, :, :k] >= units[:, None, None])  # skip the unit itself
        w = np.stack([weights[u] for u in units])  # (m, k)
        lag = np.einsum("mpk,mk->mp", z[picks], w)
        simulated[:, units] = (scale * z[units, None] * lag).T
    above = (simulated >= observed[None, :]).sum(axis=0)
    folded = np.minimum(above, permutations - above)
    return (folded + 1.0) / (permutations + 1.0), simulated


def local_moran(y, w, transform: str = "r", permutations: int = 999, seed: int | None = 0,
                significance: float = 0.05) -> pd.DataFrame:
    """Local Moran's I (LISA) of each unit: statistic, z, pseudo p-value, quadrant, cluster label.

    The statistic is esda's (z standardised with the population sd, I_i = (n − 1) z_i Σ_j w_ij z_j
    / Σ z²; the tests check it equals ``esda.Moran_Local``); the inference is
    :func:`conditional_randomisation`.

    Returns
    -------
    DataFrame
        Index unit; columns Ii, z_sim, p_sim, quadrant (HH, LH, LL, HL), significant,
        cluster_zh and cluster_en (the quadrant's name when significant at ``significance``,
        else 不显著 / not significant).
    """
    values = _aligned(y, w)
    z = (values - values.mean()) / values.std()
    neighbours, weights = _row_weights(w, transform)
    lag = np.array([z[k] @ v if len(k) else 0.0 for k, v in zip(neighbours, weights)])
    Ii = (len(z) - 1) * z * lag / float(z @ z)
    quadrant = np.where(z > 0, np.where(lag > 0, "HH", "HL"), np.where(lag > 0, "LH", "LL"))
    if permutations:
        p_sim, simulated = conditional_randomisation(z, neighbours, weights, Ii, permutations, seed)
        with np.errstate(invalid="ignore", divide="ignore"):
            z_sim = (Ii - simulated.mean(axis=0)) / simulated.std(axis=0)
    else:
        p_sim = z_sim = np.full(len(z), np.nan)
    significant = p_sim < significance
    names = {code: (zh, en) for code, zh, en in QUADRANTS.values()}
    return pd.DataFrame({
        "Ii": Ii, "z_sim": z_sim, "p_sim": p_sim, "quadrant": quadrant, "significant": significant,
        "cluster_zh": [names[q][0] if s else "不显著" for q, s in zip(quadrant, significant)],
        "cluster_en": [names[q][1] if s else "not significant" for q, s in zip(quadrant, significant)],
    }, index=pd.Index([str(i) for i in w.id_order], name="unit"))


def _wide(panel: pd.DataFrame, w=None) -> pd.DataFrame:
    """Units × years, complete (a Markov chain needs every year of every unit)."""
    panel = panel.copy()
    panel.index = panel.index.astype(str)
    if w is not None:
        panel = panel.loc[[str(i) for i in w.id_order]]
    incomplete = panel.index[panel.isna().any(axis=1)].tolist()
    if incomplete:
        raise InputError("panel_gaps", units=incomplete[:10])
    return panel


def _matrix(values: np.ndarray, k: int) -> pd.DataFrame:
    labels = [f"C{c + 1}" for c in range(k)]
    return pd.DataFrame(values, index=pd.Index(labels, name="from"), columns=pd.Index(labels, name="to"))


def markov(panel: pd.DataFrame, k: int = 4) -> dict:
    """Classic Markov chain of quantile classes (pooled over years, as giddy does).

    ``panel`` is units × years (relative values such as y / mean are usual). Returns the
    transition counts and probabilities (DataFrames, class C1 the lowest) and the steady state.
    """
    import mapclassify
    from giddy.markov import Markov

    if not 2 <= k <= 5:
        raise InputError("markov_k", k=k)
    data = _wide(panel).to_numpy(dtype=float)
    classes = mapclassify.Quantiles(data.ravel(), k=k).yb.reshape(data.shape)
    with contextlib.redirect_stdout(io.StringIO()):  # giddy prints a summary of the chain's classes
        chain = Markov(classes)
    steady = np.asarray(chain.steady_state, dtype=float)
    if steady.shape != (k,):  # a reducible chain has no single steady state
        steady = np.full(k, np.nan)
    return {"counts": _matrix(chain.transitions, k), "probabilities": _matrix(chain.p, k),
            "steady_state": pd.Series(steady, index=[f"C{c + 1}" for c in range(k)])}


def spatial_markov(panel: pd.DataFrame, w, k: int = 4, fixed: bool = True) -> dict:
    """Spatial Markov chain (Rey 2001): transitions conditional on the class of each unit's
    spatial lag. ``panel`` units × years; ``k`` ≤ 5 quantile classes (pooled over all years
    when ``fixed``). Returns the global matrix and one matrix per lag class (DataFrames), and
    giddy's χ² test of spatial independence of the transitions."""
    from giddy.markov import Spatial_Markov

    if not 2 <= k <= 5:
        raise InputError("markov_k", k=k)
    data = _wide(panel, w).to_numpy(dtype=float)
    with contextlib.redirect_stdout(io.StringIO()):
        chain = Spatial_Markov(data, copy.deepcopy(w), k=k, m=k, fixed=fixed)
    return {"probabilities": _matrix(chain.p, k),
            "by_lag": {f"L{c + 1}": _matrix(chain.P[c], k) for c in range(k)},
            "chi2": float(chain.chi2[0][0] if np.ndim(chain.chi2) > 1 else chain.chi2[0]),
            "p_value": float(chain.chi2[0][1] if np.ndim(chain.chi2) > 1 else chain.chi2[1])}


def kde_evolution(panel: pd.DataFrame, points: int = 200, bandwidth="scott", log: bool = False) -> pd.DataFrame:
    """Kernel density of each year's values on one grid (long: year, x, density).

    ``panel`` is units × years; missing values are left out of their year. ``log`` estimates
    the density of ln y (income-type data).
    """
    from scipy.stats import gaussian_kde

    values = np.log(panel) if log else panel
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    span = finite.max() - finite.min()
    grid = np.linspace(finite.min() - 0.1 * span, finite.max() + 0.1 * span, points)
    rows = []
    for year in values.columns:
        column = values[year].to_numpy(dtype=float)
        column = column[np.isfinite(column)]
        if len(column) < 2 or np.ptp(column) == 0:
            continue
        density = gaussian_kde(column, bw_method=bandwidth)(grid)
        rows.append(pd.DataFrame({"year": year, "x": grid, "density": density}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["year", "x", "density"])
