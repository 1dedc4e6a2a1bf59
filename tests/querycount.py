"""Query-count check for list pages: the same bound must hold at two data sizes."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

SIZES = (10, 120)


def assert_bounded_queries(
    django_assert_max_num_queries: Callable,
    client: Client,
    url: str,
    grow_to: Callable[[int], None],
    max_queries: int,
    sizes: tuple[int, ...] = SIZES,
) -> None:
    """Grow the data to each size in turn and check the page stays within `max_queries`."""
    for size in sizes:
        grow_to(size)
        with django_assert_max_num_queries(max_queries, info=f"{url} with {size} rows"):
            response = client.get(url)
        assert response.status_code == 200, f"{url} with {size} rows: {response.status_code}"
