"""Previous/next paging shared by list pages; the page class supplies `_query()`."""

from __future__ import annotations

import reflex as rx


class PagingMixin(rx.State, mixin=True):
    page: int = 1
    pages: int = 1

    def _query(self) -> None:
        raise NotImplementedError

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
