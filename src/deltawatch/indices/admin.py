import yaml
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deltawatch.core.admin import ReadOnlyAdmin

from .models import IndexRankInterval, IndexRun, IndexScore, IndexSensitivity


SPEC_KEY_ORDER = ["name", "name_en", "description", "data", "nodes", "pipeline", "uncertainty"]


def as_yaml(data) -> str:
    """A stored spec (or summary) as the YAML an analyst writes: block style, Chinese as is."""
    if isinstance(data, dict):
        data = {**{k: data[k] for k in SPEC_KEY_ORDER if k in data},
                **{k: v for k, v in data.items() if k not in SPEC_KEY_ORDER}}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=88)


def year_span(years) -> str:
    """``[2015, 2016, 2017]`` → ``2015–2017``; gaps listed (``2010, 2015–2017``)."""
    years = sorted({int(y) for y in years or []})
    spans, start = [], None
    for i, year in enumerate(years):
        start = year if start is None else start
        if i + 1 == len(years) or years[i + 1] != year + 1:
            spans.append(str(year) if year == start else f"{start}–{year}")
            start = None
    return ", ".join(spans)


def _node_row(node: dict, depth: int, leaf: bool) -> tuple:
    """One node as a table row: name indented by its depth, code, weight, and for an
    indicator its direction, the data it reads (``column ÷ denominator``) and its unit."""
    indent = "\N{IDEOGRAPHIC SPACE}" * depth + ("└ " if depth else "")
    weight = "" if node.get("weight") is None else f"{node['weight']:g}"
    direction = data = ""
    if leaf:
        direction = gettext("逆向") if node.get("direction") == -1 else gettext("正向")
        column = node.get("column") or node["code"]
        data = f"{column} ÷ {node['denominator']}" if node.get("denominator") else column
    return indent + (node.get("name") or node["code"]), node["code"], weight, direction, data, node.get("unit") or ""


def node_tree(nodes: list[dict]) -> str:
    """The spec's nodes as a table in tree order (each node followed by its children, as the
    spec lists them), names indented by depth.

    A table rather than nested lists: the admin's form style indents every nested list by
    160 pixels, which pushes a four-level tree off the page. ``nowrap`` is the admin's own
    class (no inline style, which a Content-Security-Policy would block).
    """
    children = {}
    for node in nodes:
        children.setdefault(node.get("parent"), []).append(node)

    def walk(parent, depth):
        for node in children.get(parent, []):
            yield _node_row(node, depth, leaf=node["code"] not in children)
            yield from walk(node["code"], depth + 1)

    header = [gettext("节点"), gettext("代码"), gettext("权重"), gettext("方向"), gettext("数据列"), gettext("单位")]
    return format_html(
        "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        format_html_join("", '<th class="nowrap">{}</th>', ((h,) for h in header)),
        format_html_join("", '<tr><td>{}</td><td><code>{}</code></td><td class="nowrap">{}</td>'
                             '<td class="nowrap">{}</td><td>{}</td><td class="nowrap">{}</td></tr>', walk(None, 0)),
    )


@admin.register(IndexRun)
class IndexRunAdmin(ReadOnlyAdmin):
    """A stored index run, its spec shown as a tree and as YAML rather than as escaped JSON."""

    list_display = ["started_at", "kind", "name", "data_source", "year_range", "target", "runs", "run_by",
                    "data_hash_short"]
    list_filter = ["kind", "name"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "started_at", "run_by", "data_source", "data_vintage", "year_range",
                           "target", "runs", "seed", "spec_digest", "data_hash"]}),
        (_("指标体系"), {"fields": ["tree"]}),
        (_("摘要"), {"fields": ["summary_yaml"]}),
        (_("指数定义 (YAML)"), {"fields": ["spec_yaml"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    @admin.display(description=_("年份"), ordering="years")
    def year_range(self, obj):
        return year_span(obj.years)

    @admin.display(description=_("数据摘要"))
    def data_hash_short(self, obj):
        return format_html('<code title="{}">{}</code>', obj.data_hash, obj.data_hash[:12])

    @admin.display(description=_("指标体系"))
    def tree(self, obj):
        return node_tree((obj.spec or {}).get("nodes") or [])

    @admin.display(description=_("指数定义"))
    def spec_yaml(self, obj):
        return format_html('<pre class="literal-block">{}</pre>', as_yaml(obj.spec or {}))

    @admin.display(description=_("摘要"))
    def summary_yaml(self, obj):
        return format_html('<pre class="literal-block">{}</pre>', as_yaml(obj.summary)) if obj.summary else "-"


@admin.register(IndexScore)
class IndexScoreAdmin(ReadOnlyAdmin):
    list_display = ["run", "unit_code", "region", "year", "node", "level", "score", "rank"]
    list_filter = ["run", "level", "node", "year"]
    search_fields = ["unit_code", "region__name_zh", "node"]
    list_select_related = ["run", "region"]


@admin.register(IndexRankInterval)
class IndexRankIntervalAdmin(ReadOnlyAdmin):
    list_display = ["run", "unit_code", "region", "nominal_rank", "mean_rank", "median_rank", "q05_rank", "q95_rank"]
    list_filter = ["run"]
    search_fields = ["unit_code", "region__name_zh"]
    list_select_related = ["run", "region"]


@admin.register(IndexSensitivity)
class IndexSensitivityAdmin(ReadOnlyAdmin):
    list_display = ["run", "factor", "s1", "s1_conf", "st", "st_conf"]
    list_filter = ["run"]
