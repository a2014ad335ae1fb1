"""Reflex configuration. Ports and URLs can be overridden with REFLEX_* variables."""

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="odcp",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    default_color_mode="system",
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="large"))],
    disable_plugins=[SitemapPlugin],
)
