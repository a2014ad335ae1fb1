"""/admin/specialties: a table of specialties with a create form and edit, deactivate and
merge dialogs."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.admin_specialties import AdminSpecialtiesState

S = AdminSpecialtiesState


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="2", weight="medium"), html_for=html_for)


def _create_form() -> rx.Component:
    return rx.card(rx.form(
        rx.vstack(
            rx.heading("Add a specialty", size="4", as_="h2"),
            error_callout(S.create_error),
            rx.flex(
                rx.vstack(_label("Name", "new-name"),
                          rx.input(id="new-name", name="name", required=True, min_length=2,
                                   max_length=80, width="100%"),
                          spacing="1", flex="1 1 12rem"),
                rx.vstack(_label("Description", "new-description"),
                          rx.input(id="new-description", name="description", max_length=500,
                                   width="100%", placeholder="Shown to patients"),
                          spacing="1", flex="2 1 18rem"),
                rx.button("Add specialty", type="submit", align_self="end"),
                spacing="3", wrap="wrap", width="100%", align="end",
            ),
            spacing="3", width="100%",
        ),
        on_submit=S.create, reset_on_submit=False, key=S.create_key,
    ), width="100%")


def _actions(r: dict) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.button("Actions", rx.icon("chevron-down", size=14), size="1",
                                  variant="soft", aria_label="Actions for " + r["name"])),
        rx.menu.content(
            rx.menu.item("Rename or describe…", on_click=S.open_dialog("edit", r["id"])),
            rx.cond(r["active"] != "", rx.fragment(
                rx.menu.item("Merge into…", on_click=S.open_dialog("merge", r["id"])),
                rx.menu.separator(),
                rx.menu.item("Deactivate…", color="red",
                             on_click=S.open_dialog("deactivate", r["id"])),
            ), rx.menu.item("Reactivate", on_click=S.reactivate(r["id"]))),
        ),
        modal=False,  # a modal menu that opens a dialog can leave the page unclickable
    )


def _row(r: dict) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.vstack(
            rx.text(r["name"], weight="medium"),
            rx.text(r["description"], size="1", color_scheme="gray", white_space="normal"),
            spacing="1", min_width="12rem")),
        rx.table.cell(rx.code(r["slug"], size="1")),
        rx.table.cell(r["main"], " main · ", r["other"], " other", white_space="nowrap"),
        rx.table.cell(rx.badge(r["status"], color_scheme=r["status_color"])),
        rx.table.cell(_actions(r)),
        align="center",
    )


def _table() -> rx.Component:
    headers = ("Specialty", "Web address", "Doctors", "Status", "")
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(S.rows, _row)),
            size="2", width="100%",
        ),
        overflow_x="auto", width="100%",
        border=f"1px solid {rx.color('gray', 5)}", border_radius="8px",
    )


def _dialog(kind: str, title: str, *children: rx.Component) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(title), error_callout(S.dialog_error), *children,
                          max_width="30rem"),
        open=S.dialog == kind, on_open_change=S.dialog_open_change,
    )


def _buttons(confirm: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray",
                                  type="button")),
        confirm, justify="end", spacing="3", margin_top="1rem", width="100%",
    )


def _edit_dialog() -> rx.Component:
    return _dialog("edit", "Rename or describe", rx.form(
        rx.vstack(
            _label("Name", "edit-name"),
            rx.input(id="edit-name", name="name", default_value=S.target["name"],
                     required=True, min_length=2, max_length=80, width="100%"),
            _label("Description", "edit-description"),
            rx.text_area(id="edit-description", name="description", rows="3",
                         default_value=S.target["description"], max_length=500,
                         width="100%"),
            rx.text("A new name also changes the web address, and search finds the doctors "
                    "under the new name at once.", size="1", color_scheme="gray"),
            spacing="2", width="100%",
        ),
        _buttons(rx.button("Save", type="submit")),
        on_submit=S.save_edit, reset_on_submit=False, key=S.target["id"],
    ))


def _deactivate_dialog() -> rx.Component:
    return _dialog(
        "deactivate", "Deactivate specialty",
        rx.text("Patients will no longer see ", rx.text.strong(S.target["name"]), " and "
                "doctors cannot choose it. If listed doctors use it as their main specialty, "
                "merge it into another one instead.", size="2"),
        _buttons(rx.button("Deactivate", color_scheme="red", on_click=S.confirm_deactivate)),
    )


def _merge_dialog() -> rx.Component:
    return _dialog(
        "merge", "Merge specialty",
        rx.vstack(
            rx.text("Every doctor of ", rx.text.strong(S.target["name"]), " (",
                    S.target["main"], " main, ", S.target["other"], " other) moves to the "
                    "specialty you choose; ", rx.text.strong(S.target["name"]),
                    " is then deactivated. This cannot be undone automatically.", size="2"),
            _label("Move its doctors to", "merge-into"),
            rx.select.root(
                rx.select.trigger(id="merge-into", placeholder="Choose a specialty",
                                  width="100%"),
                rx.select.content(rx.foreach(S.merge_choices,
                                             lambda c: rx.select.item(c[1], value=c[0]))),
                value=S.merge_into, on_change=S.set_merge_into,
            ),
            spacing="2", width="100%",
        ),
        _buttons(rx.button("Merge", color_scheme="red", on_click=S.confirm_merge,
                           disabled=S.merge_into == "")),
    )


def admin_specialties() -> rx.Component:
    return page(
        rx.heading("Specialties", size="7", as_="h1", margin_bottom="0.5rem"),
        rx.text("What patients can search by and doctors can practise. Deactivated "
                "specialties are hidden from patients.", color_scheme="gray",
                margin_bottom="1rem"),
        error_callout(S.error),
        rx.cond(S.error == "", rx.vstack(_create_form(), _table(), spacing="4",
                                         width="100%")),
        _edit_dialog(), _deactivate_dialog(), _merge_dialog(),
    )
