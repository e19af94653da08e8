"""What the admin shows (issue 11, item 9): units as users write them, an index run's spec
readable, and a target list that fits the screen."""

import re

import pytest
from django.urls import reverse

from deltawatch.core.admin import shortened, unit_label
from deltawatch.indices.admin import year_span
from deltawatch.indices.commands import load
from deltawatch.indices.models import IndexRun
from deltawatch.observations.models import Observation


@pytest.mark.parametrize("code, shown", [
    ("100m_yuan", "亿元"), ("100m_yuan_current", "亿元"), ("10k_persons", "万人"), ("pct", "%"),
    ("persons_per_km2", "人/平方公里"), ("亿元", "亿元"), ("", ""),
    ("furlongs", "furlongs"),  # not a unit we know: shown as written, never hidden
])
def test_unit_codes_are_shown_as_chinese_units(code, shown):
    assert unit_label(code) == shown


def test_long_text_is_cut_with_the_whole_in_a_tooltip():
    assert shortened("短", 5) == "短"
    assert shortened("一二三四五六七", 5) == '<span title="一二三四五六七">一二三四五…</span>'
    escaped = "&lt;b&gt;x&lt;/b&gt;"
    assert shortened("<b>x</b>" * 3, 4) == f'<span title="{escaped * 3}">&lt;b&gt;x…</span>'


@pytest.mark.parametrize("years, text", [([], ""), ([2017], "2017"), ([2017, 2015, 2016], "2015–2017"),
                                         ([2010, 2015, 2016, 2017, 2020], "2010, 2015–2017, 2020")])
def test_years_read_as_spans(years, text):
    assert year_span(years) == text


@pytest.mark.django_db
def test_the_observation_list_shows_units_not_codes(admin_client):
    obs = Observation.objects.get(region__code="320500", indicator__code="gdp", year=2019, is_current=True)
    assert obs.unit_supplied == "100m_yuan_current"  # as the city panel file writes it
    url = reverse("admin:observations_observation_changelist") + f"?q=320500&indicator__id__exact={obs.indicator_id}"
    page = admin_client.get(url).content.decode()
    assert "19,235.8\N{NO-BREAK SPACE}亿元" in page
    assert "100m_yuan" not in page


@pytest.mark.django_db
def test_the_change_form_names_a_supplied_unit_code(admin_client):
    obs = Observation.objects.get(region__code="320500", indicator__code="gdp", year=2019, is_current=True)
    page = admin_client.get(reverse("admin:observations_observation_change", args=[obs.pk])).content.decode()
    assert "即 亿元" in page  # under the supplied 100m_yuan_current, which stays as supplied


@pytest.mark.django_db
def test_a_read_only_revision_names_its_supplied_unit(admin_client):
    obs = Observation.objects.get(region__code="320500", indicator__code="gdp", year=2019, is_current=True)
    Observation.objects.filter(pk=obs.pk).update(is_current=False)  # superseded: opens read-only
    page = admin_client.get(reverse("admin:observations_observation_change", args=[obs.pk])).content.decode()
    assert "亿元 (100m_yuan_current)" in page


@pytest.mark.django_db
def test_the_target_list_has_six_short_columns(admin_client):
    response = admin_client.get(reverse("admin:indicators_target_changelist") + "?q=rd_intensity")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('<table id="result_list"')
    table = page[start:page.index("</table>", start)]
    headers = re.findall(r'<th scope="col"', table)
    assert len(headers) == 7  # the selection box and six columns (eleven before)
    assert "3%以上" in table  # the target as the plan words it
    assert "长三角全域" in table  # region or group in one column
    # the sentence cut to 18 characters (研发投入强度达到 8 + 3%以上 4 + ， 1 + 科技进步贡 5), whole in the tooltip
    assert ">研发投入强度达到3%以上，科技进步贡…</span>" in table
    assert 'title="研发投入强度达到3%以上，科技进步贡献率达到65%' in table


@pytest.mark.django_db
def test_an_index_run_shows_its_tree_and_its_spec_as_yaml(admin_client):
    spec = load("yrd_hqd")
    run = IndexRun.objects.create(kind="build", name=spec.name, spec=spec.to_dict(), spec_digest=spec.digest(),
                                  data_hash="0" * 64, data_source="database", years=[2015, 2016, 2017], target="HQD",
                                  summary={"warnings": ["示例警告"], "imputed": 13})
    response = admin_client.get(reverse("admin:indices_indexrun_change", args=[run.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    # the tree: root, a pillar indented under it, an indicator with its ratio and unit
    assert "<td>高质量发展指数</td><td><code>HQD</code></td>" in page
    assert "<td>\N{IDEOGRAPHIC SPACE}└ 创新发展</td><td><code>innovation</code></td>" in page
    assert "gdp ÷ employed_persons_units" in page and "万元/人" in page
    # an indicator reading its own column, with its direction (CO2 per GDP: lower is better)
    assert ('<td><code>co2_per_gdp</code></td><td class="nowrap"></td><td class="nowrap">逆向</td>'
            '<td>co2_per_gdp</td>') in page
    # the spec as YAML, Chinese as written, in the order of a spec file; not escaped JSON
    assert "name: 长三角41城高质量发展指数（演示）\nname_en:" in page
    assert "\\u957f" not in page and '{"name"' not in page
    assert "- 示例警告" in page and "imputed: 13" in page
    assert "2015–2017" in page
    listing = admin_client.get(reverse("admin:indices_indexrun_changelist")).content.decode()
    assert "2015–2017" in listing and "0" * 12 + "</code>" in listing
