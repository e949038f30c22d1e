"""Websocket routes of all apps, mounted by ``portal.asgi``."""

from cases_exchange.routing import websocket_urlpatterns as cases_exchange_routes

websocket_urlpatterns = [*cases_exchange_routes]
