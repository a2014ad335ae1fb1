"""Previous/next paging shared by list pages; the page class supplies `_query()`.

Also the two steps every filtered list repeats around its query, so they are written once:
a changed filter starts again at page one, and a shrunken result never leaves the viewer
past its last page.
"""

from __future__ import annotations

import reflex as rx


class PagingMixin(rx.State, mixin=True):
    page: int = 1
    pages: int = 1

    def _query(self) -> None:
        raise NotImplementedError

    def _first_page(self) -> None:
        """A filter or search changed: show its results from page one."""
        self.page = 1
        self._query()

    def _set_pages(self, pages: int) -> None:
        """Take the query's page count; past the end (the last row of the last page went
        away), move to the new last page and query again."""
        self.pages = pages
        if self.page > self.pages:
            self.page = self.pages
            self._query()

    @rx.event
    def next_page(self):
        if self.page < self.pages:
            self.page += 1
            self._query()

    @rx.event
    def previous_page(self):
        if self.page > 1:
            self.page -= 1
            self._query()
