"""Signing in the way a browser does: app → Google's consent → app's callback, cookies kept."""

from __future__ import annotations

from dataclasses import dataclass

import httpx2
from fastapi import FastAPI

from tests.support.emulator import EmulatorServer, path_and_query


@dataclass
class Browser:
    """The app through ``app`` (in-process or a real port), Google through the emulator's port."""

    app: httpx2.AsyncClient
    emulator: EmulatorServer
    app_instance: FastAPI | None = None

    async def to_google(self, path: str, **params: str) -> str:
        """Follow an app route that redirects to Google; returns the Google URL."""
        response = await self.app.get(path, params=params)
        assert response.status_code == 302, response.text
        location = response.headers["location"]
        assert location.startswith(self.emulator.url), location
        return location

    def consent(self, google_url: str) -> str:
        """Google approves (login_hint) and redirects back; returns our callback path and query."""
        response = self.emulator.http.get(google_url)
        assert response.status_code == 302, response.text
        return path_and_query(response.headers["location"])

    async def callback(self, callback: str) -> httpx2.Response:
        return await self.app.get(callback)

    async def sign_in(self, email: str, next_path: str = "/") -> httpx2.Response:
        google = await self.to_google("/api/v1/auth/google/login", login_hint=email, next=next_path)
        return await self.callback(self.consent(google))

    async def connect_calendar(self, next_path: str = "/") -> httpx2.Response:
        google = await self.to_google("/api/v1/auth/google/connect-calendar", next=next_path)
        return await self.callback(self.consent(google))

    @property
    def csrf(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.app.cookies.get("tutorcal_csrf") or ""}
