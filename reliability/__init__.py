"""The reliability run: several tutorcal processes under load while Google and the database fail.

``python -m reliability`` (``make reliability``) starts a PostgreSQL cluster of its own, the
Google emulator, three ``tutorcal serve`` processes behind a round-robin front end and one
``tutorcal worker``; drives students and tutors against them while injecting faults; then
checks that no booking was lost, doubled or left out of Google. See docs/reliability.md.
"""
