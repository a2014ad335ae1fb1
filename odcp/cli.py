"""`python -m odcp COMMAND`: migrate, seed, create-admin, check, openapi."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from odcp.db import get_engine, session_scope
from odcp.services import health, migrations
from odcp.services.actor import SYSTEM
from odcp.services.errors import DomainError
from odcp.settings import SettingsError, get_settings


def cmd_migrate(_: argparse.Namespace) -> int:
    migrations.upgrade(get_engine())
    print(f"database at revision {migrations.current_revision(get_engine())}")
    return 0


def cmd_seed(_: argparse.Namespace) -> int:
    from odcp.services.seed import seed_demo_clinic

    with session_scope() as session:
        logins = seed_demo_clinic(session)
    print("Demo clinic logins (development only):")
    for login in logins:
        print(f"  {login.role:8} {login.email:36} {login.password}   {login.name}")
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    from odcp.services.accounts import create_admin

    password = os.environ.get("ODCP_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("error: set ODCP_ADMIN_PASSWORD or run in a terminal", file=sys.stderr)
            return 1
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat password: "):
            print("error: the passwords differ", file=sys.stderr)
            return 1
    with session_scope() as session:
        user = create_admin(session, actor=SYSTEM, email=args.email, password=password,
                            full_name=args.name, super_admin=args.super_admin)
    print(f"created {user.role} {user.email}")
    return 0


def cmd_check(_: argparse.Namespace) -> int:
    settings = get_settings()
    result = health.check(get_engine())
    if result.database != "ok":
        print("error: the database is unreachable", file=sys.stderr)
        return 1
    if result.revision != result.head:
        print(f"error: database at revision {result.revision}, code expects {result.head}; "
              f"run `python -m odcp migrate`", file=sys.stderr)
        return 1
    print(f"ok: env={settings.env} database={get_engine().dialect.name} revision={result.revision}")
    return 0


def cmd_openapi(_: argparse.Namespace) -> int:
    from odcp.api.app import create_api

    print(json.dumps(create_api().openapi(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m odcp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(fn=cmd_migrate)
    sub.add_parser("seed", help="create the demo clinic (idempotent)").set_defaults(fn=cmd_seed)
    admin = sub.add_parser("create-admin", help="create an admin (password from the terminal "
                           "or ODCP_ADMIN_PASSWORD)")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--super-admin", action="store_true")
    admin.set_defaults(fn=cmd_create_admin)
    sub.add_parser("check", help="check settings, database and migrations").set_defaults(
        fn=cmd_check)
    sub.add_parser("openapi", help="print the OpenAPI document").set_defaults(fn=cmd_openapi)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
