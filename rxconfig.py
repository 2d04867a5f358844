"""Reflex configuration; every value comes from iprodash.settings."""

import reflex as rx

from iprodash.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="iprodash",
    telemetry_enabled=False,
    state_auto_setters=False,
    cors_allowed_origins=_settings.allowed_origins,
    frontend_port=_settings.port,
    backend_port=_settings.port,
    api_url=_settings.public_url,
    deploy_url=_settings.public_url,
    show_built_with_reflex=False,
    # Tab state lives in memory (or Redis for several workers), never in
    # world-readable files under .states/.
    state_manager_mode=(rx.constants.StateManagerMode.REDIS if _settings.redis_url
                        else rx.constants.StateManagerMode.MEMORY),
    redis_url=_settings.redis_url or None,
    disable_plugins=[rx.plugins.SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
)
