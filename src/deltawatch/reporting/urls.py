"""The statistics workflow's pages under /statistics/: what a reporting region fills in
(``urls_entry``: its forms and the entry grid) and what the office and reviewers follow
(``urls_office``: cycles, completeness, review, validation and outliers)."""

from .urls_entry import urlpatterns as entry_patterns
from .urls_office import urlpatterns as office_patterns

app_name = "reporting"

urlpatterns = entry_patterns + office_patterns
