"""The 区域差距 page: its series equal the formulas computed here on the same panel (the
Gini, Theil and σ by hand with NumPy, Moran's I from the weights matrix), bad choices are worded
form errors, and the public is shown approved values only.

The panel comes from ``regional.services`` (as ``deltawatch disparity`` reads it); every
expected number is computed in the test, not by the page's code."""

import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import create_sample_accounts
from deltawatch.methods.disparity import gini, theil
from deltawatch.observations.services import import_observations
from deltawatch.regional.services import city_weights, indicator_panel, population_weights, units

pytestmark = pytest.mark.django_db

PAGE = "/regional/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office():
    ensure_roles()
    create_sample_accounts()
    client = Client()
    client.force_login(get_user_model().objects.get(username="js_office"))
    return client


@pytest.fixture(scope="module")
def default_page(django_db_setup, django_db_blocker):
    """The default page (gdp_per_capita 2001–2021, population weights), fetched once: the
    Moran permutations take a second."""
    with django_db_blocker.unblock():
        cache.clear()
        response = Client().get(PAGE)
        cache.clear()
    return response


def panel_of(indicator, years, weighted=True):
    table = units(group="yrd41")
    panel = indicator_panel(indicator, table["code"], years)
    if weighted:
        weights = population_weights(indicator, table["code"], years)
        panel = panel.merge(weights[["unit", "year", "weight"]], on=["unit", "year"], how="left")
    province = dict(zip(table["code"], table["province"]))
    return panel.assign(province=panel["unit"].map(province))


def weighted_gini(y, w):
    """G = Σ_i Σ_j w_i w_j |y_i − y_j| / (2 (Σ w)² μ), μ = Σ w y / Σ w (the O(n²) definition)."""
    mu = (w * y).sum() / w.sum()
    return (np.outer(w, w) * np.abs(y[:, None] - y[None, :])).sum() / (2 * w.sum() ** 2 * mu)


def weighted_theil(y, w, groups):
    """T = Σ s_i ln(s_i / p_i), s_i = w_i y_i / Σ w y, p_i = w_i / Σ w; between = Σ_g S_g ln(S_g / P_g)."""
    s, p = w * y / (w * y).sum(), w / w.sum()
    frame = pd.DataFrame({"s": s, "p": p, "g": groups}).groupby("g").sum()
    return (s * np.log(s / p)).sum(), (frame["s"] * np.log(frame["s"] / frame["p"])).sum()


def test_the_default_page_draws_every_chart(default_page):
    assert default_page.status_code == 200
    html = default_page.content.decode()
    for name in ("chart-disparity", "chart-decomposition", "chart-sigma", "chart-beta", "chart-kde", "chart-moran",
                 "chart-lisa"):
        assert f'id="{name}"' in html and f'data-chart="{name}"' in html
    assert "示意图" in html and default_page.context["result"]["first"] == 2001
    assert default_page.context["result"]["last"] == 2021 and default_page.context["result"]["units"] == 41


def test_the_gini_and_theil_series_equal_the_formulas_on_the_same_panel(default_page):
    shown = default_page.context["result"]["disparity"]
    panel = panel_of("gdp_per_capita", range(2001, 2022)).dropna(subset=["value", "weight"])
    assert shown["years"] == list(range(2001, 2022))
    for k, (year, rows) in enumerate(panel.groupby("year")):
        y, w = rows["value"].to_numpy(), rows["weight"].to_numpy()
        total, between = weighted_theil(y, w, rows["province"].to_numpy())
        assert shown["gini"][k] == pytest.approx(weighted_gini(y, w), rel=1e-9)
        assert shown["theil"][k] == pytest.approx(total, rel=1e-9)
        assert shown["between"][k] == pytest.approx(between, rel=1e-9)
        assert shown["between"][k] + shown["within"][k] == pytest.approx(total, rel=1e-9)
        # and the library's own functions agree (the reference the commands use)
        assert shown["gini"][k] == pytest.approx(gini(y, weights=w), rel=1e-12)
        assert shown["theil"][k] == pytest.approx(theil(y, weights=w, groups=rows["province"].to_numpy()).total,
                                                  rel=1e-12)
    chart = json.loads(re.search(r'<script id="chart-disparity" type="application/json">(.*?)</script>',
                                 default_page.content.decode(), re.S).group(1))
    assert chart["series"][2]["data"] == [round(v, 4) for v in shown["gini"]]


def test_sigma_and_beta_equal_numpy_on_the_logs(default_page):
    result = default_page.context["result"]
    wide = panel_of("gdp_per_capita", range(2001, 2022), weighted=False).pivot(index="unit", columns="year",
                                                                               values="value")
    logs = np.log(wide)
    assert result["sigma"]["sigma"] == pytest.approx(logs.std(axis=0, ddof=1).tolist(), rel=1e-9)
    slope, intercept = np.polyfit(np.arange(21), logs.std(axis=0, ddof=1).to_numpy(), 1)
    assert result["sigma"]["slope"] == pytest.approx(slope, rel=1e-9)
    assert result["sigma"]["trend"][0] == pytest.approx(intercept, rel=1e-9)
    growth = (logs[2021] - logs[2001]) / 20
    beta, alpha = np.polyfit(logs[2001].to_numpy(), growth.to_numpy(), 1)
    assert result["beta"]["beta"] == pytest.approx(beta, rel=1e-9) and result["beta"]["alpha"] == pytest.approx(alpha)
    assert len(result["beta"]["points"]) == 41


def test_morans_i_equals_the_matrix_formula(default_page):
    """I = (n / S₀) · z′Wz / z′z with the row-standardised queen weights (S₀ = n)."""
    rows = {r["year"]: r for r in default_page.context["result"]["moran"]["rows"]}
    table = units(group="yrd41")
    w = city_weights(table["code"])
    w.transform = "r"
    matrix, ids = w.full()
    values = indicator_panel("gdp_per_capita", table["code"], [2019]).set_index("unit")["value"].loc[ids].to_numpy()
    z = values - values.mean()
    assert rows[2019]["I"] == pytest.approx(z @ matrix @ z / (z @ z), rel=1e-9)
    assert rows[2019]["p"] <= 0.05  # neighbours alike: Shanghai and southern Jiangsu high, northern Anhui low


def test_the_lisa_map_names_every_city_with_its_cluster(default_page):
    lisa = default_page.context["lisa"]
    assert lisa["year"] == 2021 and len(lisa["cities"]) == 41
    clusters = {c["name_zh"]: c["cluster"] for c in lisa["cities"]}
    assert clusters["苏州市"] == "HH" and set(clusters.values()) <= {"HH", "LL", "HL", "LH", "NS"}
    assert all((c["cluster"] == "NS") == (c["p"] >= 0.05) for c in lisa["cities"])
    counts = {cls: n for cls, _, n in default_page.context["lisa_counts"]}
    assert sum(counts.values()) == 41 and counts["hh"] == sum(v == "HH" for v in clusters.values())


def test_the_yearly_table_downloads_as_csv(office):
    response = office.get(PAGE + "?indicator=gdp_per_capita&first=2018&last=2020&weight=none&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["2018", "2019", "2020"]
    y = panel_of("gdp_per_capita", [2019], weighted=False)["value"].to_numpy()
    assert float(rows[2][5]) == pytest.approx(np.abs(y[:, None] - y[None, :]).sum() / (2 * len(y) ** 2 * y.mean()))


@pytest.mark.parametrize("query, message", [
    ("?indicator=no_such_indicator", "没有这个指标"),
    ("?indicator=%3Cscript%3E", "没有这个指标"),
    ("?indicator=gdp_per_capita&first=2020&last=2010", "截止年份应不早于起始年份"),
    ("?indicator=gdp_per_capita&first=abc", ""),
])
def test_bad_choices_are_worded_form_errors_not_server_errors(office, query, message):
    response = office.get(PAGE + query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode().split("</header>", 1)[1]


def test_a_period_without_data_says_so(office):
    response = office.get(PAGE + "?indicator=gdp_per_capita&first=1960&last=1961")
    assert response.status_code == 200 and "没有 41 城的" in response.content.decode()


def test_negative_values_are_explained_not_computed(office):
    response = office.get(PAGE + "?indicator=pop_natural_growth_rate&weight=none")
    assert response.status_code == 200
    assert "差距指数要求非负值" in response.context["result"]["disparity"]["error"]


def test_the_public_is_shown_approved_values_only(office, write_csv):
    """A submitted (not yet approved) revision is current for the office and absent for the
    public: the public's 2020 panel has 40 cities."""
    import_observations(write_csv("region,indicator,year,value,unit\n320500,avg_wage,2020,999999,元\n"))
    query = PAGE + "?indicator=avg_wage&first=2018&last=2020&weight=none"
    public = Client().get(query).context["result"]["disparity"]
    internal = office.get(query).context["result"]["disparity"]
    assert public["n"][-1] == 40 and internal["n"][-1] == 41
    y = panel_of("avg_wage", [2020], weighted=False)["value"]
    assert y.max() == 999999
    assert internal["cv"][-1] == pytest.approx(y.std(ddof=0) / y.mean())
