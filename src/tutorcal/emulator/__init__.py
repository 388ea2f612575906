"""A Google emulator for local development and tests: a separate FastAPI app that speaks
Google's OAuth 2.0 / OpenID Connect wire format (and, later, the Calendar API subset).

tutorcal's production modules never import it; demo mode mounts it, tests run it on a port.
Start with ``tutorcal.emulator.app.create_emulator_app`` or ``tutorcal.emulator.demo``.
"""
