"""The one way a list screen over a big table paginates (issue 20: every screen within 100 ms with a million
customers and lines).

Django's paginator counts the whole filtered set to print "page 3 of 20,000": over the visible customers of a
hall that COUNT alone took a second. django-tables2's LazyPaginator does not count: it reads one row more
than a page, so the pager offers the next page while there is one (and the pages seen so far). The table
paginates, not the view: a view with `paginate_by` would page (and count) the queryset a second time.
"""

from datetime import datetime

import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

LIST_PAGE_SIZE = 50


class LazyListMixin(SingleTableMixin):
    """A SingleTableMixin whose table pages without counting (use instead of SingleTableMixin, no
    `paginate_by` on the view)."""

    table_pagination = {"per_page": LIST_PAGE_SIZE, "paginator_class": LazyPaginator}


class DateTimeColumn(tables.Column):
    """A date or a date and time (in the local time zone), formatted as the `date` filter does with `format`.
    django-tables2's DateTimeColumn and DateColumn compile a template for every cell: a sixth of the customer
    list's time."""

    def __init__(self, *, format: str, **kwargs):
        self.format = format
        super().__init__(**kwargs)

    def render(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, self.format)
