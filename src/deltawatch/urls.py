from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("长三角一体化发展监测评估系统")
admin.site.site_title = "DeltaWatch"
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", include("deltawatch.site.urls")),
    path("indicators/", include("deltawatch.indicators.urls")),
    path("regions/", include("deltawatch.regions.urls")),
    path("progress/", include("deltawatch.progress.urls")),
    path("indices/", include("deltawatch.indices.urls")),
    path("regional/", include("deltawatch.regional.urls")),
    path("data/", include("deltawatch.observations.urls")),
    path("", include("deltawatch.plans.urls")),  # /tasks/… and /plans/…
    path("statistics/", include("deltawatch.reporting.urls")),  # 统计填报: forms, cycles, review
    path("assessment/", include("deltawatch.assessment.urls")),  # 绩效考核 / 对照学习
    path("reports/", include("deltawatch.reports.urls")),  # 通报 / 评估报告
    path("intake/", include("deltawatch.intake.urls")),  # 文件解析
    path("api/", include("deltawatch.api.urls")),  # the REST API; its namespace "api" is ninja's own
    path("accounts/", include("django.contrib.auth.urls")),  # login, logout, password change
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: 简体中文 ↔ English
]
