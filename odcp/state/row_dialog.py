"""One confirm/edit dialog about one row of an admin list (cancel, reassign, suspend...).

Written once so every list opens, closes and reports errors in its dialog the same way:
closing the dialog (its X, Escape, a click outside or a finished action) forgets the row.
"""

from __future__ import annotations

import reflex as rx


class RowDialogMixin(rx.State, mixin=True):
    dialog: str = ""  # which dialog is open; "" for none
    dialog_error: str = ""
    _target_id: int | None = None

    @rx.event
    def dialog_open_change(self, is_open: bool):
        if not is_open:
            self.close_dialog()

    @rx.event
    def close_dialog(self):
        self.dialog, self.dialog_error, self._target_id = "", "", None
