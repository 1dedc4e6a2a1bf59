from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

# Lists counted up to this many rows; past it they say "more than 1,000".
COUNT_CAP = 1000


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int | None = None) -> Page:
    """The requested page of `queryset`; a bad or too large page number gives the last page.

    Templates link to other pages with `{% querystring page=... %}`, which keeps the filter."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


class WindowPage:
    """One page of a list that was never counted in full (see `paginate_window`).

    `total` is exact when `total_is_capped` is false; otherwise there are more than
    `total` rows and the page says so ("more than 1,000")."""

    def __init__(
        self,
        object_list: list[Any],
        number: int,
        paginator: WindowPaginator,
        *,
        has_next: bool,
        total: int,
        total_is_capped: bool,
    ) -> None:
        self.object_list = object_list
        self.number = number
        self.paginator = paginator
        self._has_next = has_next
        self.total = total
        self.total_is_capped = total_is_capped

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the total is exact; None past the cap."""
        if self.total_is_capped:
            return None
        return max(1, -(-self.total // self.paginator.per_page))

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class WindowPaginator:
    """Pages by fetching one row more than a page (is there a next page?) instead of
    counting every row: an exact COUNT(*) reads every matching row on each request,
    which made large lists slow. The total is counted only up to `count_cap` rows,
    past what the page itself reached (a later page has paid for its OFFSET already)."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        count_queryset: QuerySet | None = None,
        count_cap: int | None = None,
    ) -> None:
        self.object_list = object_list
        self.per_page = per_page
        self.count_queryset = object_list if count_queryset is None else count_queryset
        self.count_cap = COUNT_CAP if count_cap is None else count_cap

    def get_page(self, number: object) -> WindowPage:
        try:
            page_number = max(1, int(str(number)))
        except ValueError:
            page_number = 1
        rows = self._rows(page_number)
        if not rows and page_number > 1:
            # Past the end (an old link, a typed number): the last page, as Django's
            # paginator gives it; rare, so it may count exactly.
            page_number = max(1, -(-self.count_queryset.count() // self.per_page))
            rows = self._rows(page_number)
        offset = (page_number - 1) * self.per_page
        has_next = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not has_next:
            total, capped = offset + len(rows), False
        else:
            cap = max(self.count_cap, offset + self.per_page)
            total = self.count_queryset.order_by().values("pk")[: cap + 1].count()
            total, capped = min(total, cap), total > cap
        return WindowPage(
            rows, page_number, self, has_next=has_next, total=total, total_is_capped=capped
        )

    def _rows(self, number: int) -> list[Any]:
        offset = (number - 1) * self.per_page
        return list(self.object_list[offset : offset + self.per_page + 1])


def paginate_window(
    request: HttpRequest,
    queryset: QuerySet,
    per_page: int | None = None,
    *,
    count_queryset: QuerySet | None = None,
) -> WindowPage:
    """The requested page of `queryset` without an exact count of the whole list.

    For lists that can grow large (ideas, trainees, applicants, people, the audit log).
    `templates/includes/_pagination.html` links to the previous and next page with
    `{% querystring page=... %}`; `page.total` (with `page.total_is_capped`) is the count.
    `count_queryset`, when given, is what the total counts: the same rows without the
    page's annotations, so that counting them stays a plain count."""
    paginator = WindowPaginator(
        queryset, per_page or settings.PAGE_SIZE, count_queryset=count_queryset
    )
    return paginator.get_page(request.GET.get("page"))
