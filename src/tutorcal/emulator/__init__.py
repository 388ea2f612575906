"""A Google emulator for local development and tests: a separate FastAPI app that speaks
Google's OAuth 2.0 / OpenID Connect wire format and the Calendar API v3 subset tutorcal uses
(under ``/calendar/v3``: calendarList, events, freeBusy, push channels), with a control API
under ``/_emulator/`` for arranging scenarios and injecting faults.

Calendar modules: ``calendar_api`` (Google's paths) over ``calendar_guard`` (auth, scopes,
faults, rate limits, request log); ``event_ops``, ``event_listing``, ``freebusy`` and
``series``/``recurrence`` (the behaviour) over ``calendar_store`` (the memory);
``event_resource`` and ``conference`` (the wire format); ``push`` (channels and delivery);
``faults``; ``calendar_control`` (the control API); ``demo_calendars`` (the demo seed).

tutorcal's production modules never import it; demo mode mounts it, tests run it on a port.
Start with ``tutorcal.emulator.app.create_emulator_app`` or ``tutorcal.emulator.demo``.
"""
