"""Page arithmetic shared by the services' paged results (users, audit, appointments).

A mixin, not a dataclass base: each page dataclass keeps its own field order (its items
first), and only the page count, which must agree everywhere, is written once.
"""

from __future__ import annotations


class PageCount:
    """For a frozen dataclass with `total` and `page_size` fields."""

    total: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages `total` rows fill; at least 1, so an empty list is page 1 of 1."""
        return max(1, -(-self.total // self.page_size))
