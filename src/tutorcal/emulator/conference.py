"""Google Meet links for events created with ``conferenceDataVersion=1``.

"Version 0 assumes no conference data support and ignores conference data in the event's
body. Version 1 enables support for copying of ConferenceData as well as for creating new
conferences using the createRequest field of conferenceData."
(https://developers.google.com/workspace/calendar/api/v3/reference/events/insert)
"""

from __future__ import annotations

import copy
import secrets
import string
from typing import Any

_MEET_ICON = "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png"


def meet_code() -> str:
    letters = string.ascii_lowercase
    return "-".join("".join(secrets.choice(letters) for _ in range(n)) for n in (3, 4, 3))


def created_conference(create_request: dict[str, Any]) -> dict[str, Any]:
    code = meet_code()
    uri = f"https://meet.google.com/{code}"
    solution_type = (create_request.get("conferenceSolutionKey") or {}).get("type", "hangoutsMeet")
    return {
        "createRequest": {
            **copy.deepcopy(create_request),
            "status": {"statusCode": "success"},
        },
        "entryPoints": [
            {"entryPointType": "video", "uri": uri, "label": f"meet.google.com/{code}"}
        ],
        "conferenceSolution": {
            "key": {"type": solution_type},
            "name": "Google Meet",
            "iconUri": _MEET_ICON,
        },
        "conferenceId": code,
    }


def apply(
    stored: dict[str, Any],
    requested: object,
    *,
    version: int,
    previous: dict[str, Any] | None,
    is_patch: bool,
) -> None:
    """Set ``conferenceData`` and ``hangoutLink`` on ``stored`` from what the client sent."""
    kept: dict[str, Any] = {
        key: previous[key]
        for key in ("conferenceData", "hangoutLink")
        if previous and key in previous
    }
    stored.pop("conferenceData", None)
    stored.pop("hangoutLink", None)
    if version < 1 or (is_patch and requested is ...):
        stored.update(copy.deepcopy(kept))
        return
    if not isinstance(requested, dict):
        return  # update without conferenceData, or patch with null: the conference goes
    request_id = _request_id(requested)
    if request_id is not None and request_id == _request_id(kept.get("conferenceData")):
        stored.update(copy.deepcopy(kept))  # the same createRequest again: the same meeting
        return
    create_request = requested.get("createRequest")
    data = (
        created_conference(create_request)
        if isinstance(create_request, dict) and not requested.get("entryPoints")
        else copy.deepcopy(requested)
    )
    stored["conferenceData"] = data
    video = next(
        (p for p in data.get("entryPoints", []) if p.get("entryPointType") == "video"), None
    )
    if video and "meet.google.com" in str(video.get("uri", "")):
        stored["hangoutLink"] = video["uri"]


def _request_id(conference: object) -> str | None:
    if not isinstance(conference, dict) or not isinstance(conference.get("createRequest"), dict):
        return None
    request_id = conference["createRequest"].get("requestId")
    return request_id if isinstance(request_id, str) else None
