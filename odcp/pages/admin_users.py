"""/admin/users: search accounts, then change a role, suspend, reactivate, remove or force
a password reset from each row's menu."""

from __future__ import annotations

import reflex as rx

from odcp.components.admin_list import dialog_buttons, pager, results_table, row_dialog
from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.admin_users import (
    ALL,
    ROLE_LABELS,
    STATUS_LABELS,
    SUBROLE_LABELS,
    AdminUsersState,
)

S = AdminUsersState


def _select(label: str, value, on_change, choices: list[tuple[str, str]], **props):
    return rx.select.root(
        rx.select.trigger(aria_label=label, min_width="10rem"),
        rx.select.content(*[rx.select.item(text, value=v) for v, text in choices]),
        value=value, on_change=on_change, **props,
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.hstack(
                rx.input(rx.input.slot(rx.icon("search", size=16)), name="search",
                         placeholder="Name or email", aria_label="Search by name or email",
                         default_value=S.search, type="search", flex="1", min_width="12rem"),
                rx.button("Search", type="submit"),
                spacing="2", width="100%",
            ),
            on_submit=S.apply_search, reset_on_submit=False, flex="1 1 20rem",
        ),
        _select("Role", S.role_filter, S.set_role_filter,
                [(ALL, "All roles"), *ROLE_LABELS.items()]),
        _select("Status", S.status_filter, S.set_status_filter,
                [(ALL, "All statuses"), *STATUS_LABELS.items()]),
        rx.cond((S.search != "") | (S.role_filter != ALL) | (S.status_filter != ALL),
                rx.button("Clear filters", variant="ghost", on_click=S.clear_filters)),
        spacing="2", wrap="wrap", align="center", width="100%",
    )


def _item(text: str, on_click, show, **props) -> rx.Component:
    return rx.cond(show != "", rx.menu.item(text, on_click=on_click, **props))


def _actions(u: dict) -> rx.Component:
    anything = (u["can_role"] + u["can_suspend"] + u["can_reactivate"] + u["can_reset"]
                + u["can_remove"])
    return rx.cond(
        anything != "",
        rx.menu.root(
            rx.menu.trigger(rx.button("Actions", rx.icon("chevron-down", size=14),
                                      size="1", variant="soft",
                                      aria_label="Actions for " + u["name"])),
            rx.menu.content(
                _item("Change role…", S.open_dialog("role", u["id"]), u["can_role"]),
                _item("Reactivate", S.reactivate(u["id"]), u["can_reactivate"]),
                _item("Suspend…", S.open_dialog("suspend", u["id"]), u["can_suspend"]),
                _item("Force password reset…", S.open_dialog("reset", u["id"]),
                      u["can_reset"]),
                rx.cond(u["can_remove"] != "", rx.fragment(
                    rx.menu.separator(),
                    rx.menu.item("Remove account…", color="red",
                                 on_click=S.open_dialog("remove", u["id"])))),
            ),
            modal=False,  # a modal menu that opens a dialog can leave the page unclickable
        ),
        rx.text(rx.cond(u["is_self"] != "", "This is you", "—"), size="1",
                color_scheme="gray"),
    )


_HIDDEN = {"position": "absolute", "width": "1px", "height": "1px", "overflow": "hidden",
           "clip": "rect(0 0 0 0)", "white_space": "nowrap"}  # for screen readers only
# At phone width the role, status and creation date move under the name, and the
# actions column stays in view if the table still scrolls sideways.
_WIDE_ONLY = {"display": rx.breakpoints(initial="none", sm="table-cell")}
_PHONE_ONLY = {"display": rx.breakpoints(initial="flex", sm="none")}
_ROW_LINE = "inset 0 -1px var(--gray-a5)"
_PINNED = {"position": rx.breakpoints(initial="sticky", sm="static"), "right": "0",
           "background_color": "var(--color-background)",
           "box_shadow": rx.breakpoints(initial=f"inset 1px 0 var(--gray-a5), {_ROW_LINE}",
                                        sm=_ROW_LINE)}


def _badges(u: dict) -> list[rx.Component]:
    return [rx.badge(u["role_label"], color_scheme=u["role_color"]),
            rx.badge(u["status_label"], color_scheme=u["status_color"])]


def _row(u: dict) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.vstack(
            rx.text(u["name"], weight="medium"),
            rx.text(u["email"], size="1", color_scheme="gray"),
            rx.hstack(*_badges(u), spacing="1", wrap="wrap", padding_top="0.25rem",
                      **_PHONE_ONLY),
            spacing="0")),
        *[rx.table.cell(b, **_WIDE_ONLY) for b in _badges(u)],
        rx.table.cell(u["created"], **_WIDE_ONLY),
        rx.table.cell(_actions(u), **_PINNED),
        align="center",
    )


def _table() -> rx.Component:
    return results_table(
        rx.table.row(
            rx.table.column_header_cell("Name"),
            *[rx.table.column_header_cell(h, **_WIDE_ONLY)
              for h in ("Role", "Status", "Created")],
            rx.table.column_header_cell(rx.el.span("Actions", style=_HIDDEN), **_PINNED)),
        rx.foreach(S.users, _row), S.total, "No accounts match.")


def _dialog_frame(kind: str, title: str, *children: rx.Component) -> rx.Component:
    return row_dialog(S, kind, title, (S.target_name, " · ", S.target_email), *children,
                      max_width="28rem")


def _buttons(confirm: rx.Component) -> rx.Component:
    return dialog_buttons(confirm, "Cancel")


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="2", weight="medium"), html_for=html_for)


def _role_dialog() -> rx.Component:
    return _dialog_frame(
        "role", "Change role",
        rx.vstack(
            _label("Role", "role-select"),
            rx.select.root(
                rx.select.trigger(id="role-select", width="100%"),
                rx.select.content(rx.foreach(
                    S.role_choices, lambda c: rx.select.item(c[1], value=c[0]))),
                value=S.form_role, on_change=S.set_form_role,
            ),
            rx.cond(S.form_role == "admin", rx.vstack(
                _label("Admin access", "subrole-select"),
                rx.select.root(
                    rx.select.trigger(id="subrole-select", width="100%"),
                    rx.select.content(*[rx.select.item(text, value=v)
                                        for v, text in SUBROLE_LABELS.items()]),
                    value=S.form_subrole, on_change=S.set_form_subrole,
                ),
                rx.text(S.subrole_help, size="1", color_scheme="gray"),
                spacing="1", width="100%",
            )),
            rx.cond(~S.can_grant_admin,
                    rx.text("Only a super administrator can make someone an administrator.",
                            size="1", color_scheme="gray")),
            rx.text("They are signed out everywhere and get the new role when they sign in "
                    "again.", size="2", color_scheme="gray"),
            spacing="2", width="100%",
        ),
        _buttons(rx.button("Save role", on_click=S.submit_role, disabled=S.role_unchanged)),
    )


def _suspend_dialog() -> rx.Component:
    return _dialog_frame(
        "suspend", "Suspend account",
        rx.form(
            rx.vstack(
                rx.text("They are signed out everywhere and cannot sign in until the account "
                        "is reactivated.", size="2"),
                _label("Reason", "suspend-reason"),
                rx.text_area(id="suspend-reason", name="reason", required=True,
                             min_length=3, max_length=300, width="100%", rows="3"),
                rx.text("Kept in the audit log. Do not include medical details.", size="1",
                        color_scheme="gray"),
                spacing="2", width="100%",
            ),
            _buttons(rx.button("Suspend", color_scheme="orange", type="submit")),
            on_submit=S.submit_suspend, reset_on_submit=False,
        ),
    )


def _confirm_dialog(kind: str, title: str, text, button: str, on_click) -> rx.Component:
    return _dialog_frame(
        kind, title,
        rx.text(text, size="2"),
        _buttons(rx.button(button, color_scheme="red", on_click=on_click, loading=S.busy)),
    )


def admin_users() -> rx.Component:
    return page(
        rx.heading("Users", size="7", as_="h1", margin_bottom="0.5rem"),
        rx.text("Find an account to change its role, suspend or remove it, or make its owner "
                "choose a new password.", color_scheme="gray", margin_bottom="1rem"),
        error_callout(S.error),
        rx.cond(S.error == "", rx.vstack(
            _filters(), _table(), pager(S, "account", "accounts"), spacing="4", width="100%",
        )),
        _role_dialog(),
        _suspend_dialog(),
        _confirm_dialog("remove", "Remove account",
                        "They can no longer sign in and every device is signed out. Their "
                        "records are kept. A removed account cannot be reactivated.",
                        "Remove account", S.confirm_remove),
        _confirm_dialog("reset", "Force a password reset",
                        rx.fragment("Their current password stops working and every device "
                                    "is signed out. A link to choose a new password is "
                                    "emailed to ", S.target_email, "."),
                        "Reset password", S.confirm_reset),
    )

