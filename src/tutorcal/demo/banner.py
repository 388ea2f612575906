"""What `make run` shows once the demo answers: where to go, who to be, what lasts."""

from __future__ import annotations

from tutorcal.config import Settings
from tutorcal.demo.store import DemoStore
from tutorcal.emulator.demo import DEMO_USERS

_RULE = "-" * 72


def demo_people(settings: Settings) -> list[tuple[str, str, str]]:
    """(name, email, roles) of the six demo people, roles as tutorcal gives them."""
    people = []
    for person in DEMO_USERS:
        roles = ["student"]
        roles += ["admin"] if person.email in settings.admin_emails else []
        roles += ["tutor"] if person.email in settings.tutor_emails else []
        people.append((person.name, person.email, ", ".join(roles)))
    return people


def banner(settings: Settings, store: DemoStore) -> str:
    address = settings.public_base_url
    people = demo_people(settings)
    name_width = max(len(name) for name, _, _ in people)
    email_width = max(len(email) for _, email, _ in people)
    lines = [
        _RULE,
        f"  tutorcal demo is ready: open {address}/",
        "",
        '  Sign in: pick one of these people on the "Choose an account" page.',
        *(
            f"    {name:<{name_width}}  {email:<{email_width}}  {roles}"
            for name, email, roles in people
        ),
        "",
        f"  API docs: {address}/docs",
        *_data_lines(store),
        "  Stop: Ctrl+C",
        _RULE,
    ]
    return "\n".join(lines) + "\n"


def _data_lines(store: DemoStore) -> list[str]:
    if store.database is None or store.path is None:
        return [
            "  Data: the Google side starts afresh at every start, so a restart loses the",
            "    Google events of earlier bookings; a SQLite file (the default) keeps both.",
        ]
    lines = [
        f"  Data: {store.database}, its Google side in {store.path}.",
        "    A restart keeps both; stop the demo and delete them to start afresh.",
    ]
    if store.set_aside is not None:
        lines.append(
            f"    An earlier database without a Google side was renamed {store.set_aside}."
        )
    return lines
