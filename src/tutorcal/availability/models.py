"""Weekly availability in the tutor's time zone, and per-date overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields

from tutorcal.core.models import TimestampedModel

if TYPE_CHECKING:
    from tutorcal.users.models import User


class AvailabilityRule(TimestampedModel):
    tutor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="availability_rules", on_delete=fields.CASCADE
    )
    weekday = fields.SmallIntField()  # Monday 0, as Python's date.weekday()
    # Wall-clock minutes since local midnight in the tutor's zone (an end of 1440 is 24:00):
    # plain numbers behave alike on every database, where TIME columns do not.
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()

    class Meta:
        table = "availability_rules"
        indexes = (("tutor", "weekday"),)


class AvailabilityOverride(TimestampedModel):
    """One date that replaces the weekly rules; no ranges means unavailable all day."""

    tutor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="availability_overrides", on_delete=fields.CASCADE
    )
    on_date = fields.DateField()

    class Meta:
        table = "availability_overrides"
        unique_together = (("tutor", "on_date"),)


class AvailabilityOverrideRange(TimestampedModel):
    override: fields.ForeignKeyRelation[AvailabilityOverride] = fields.ForeignKeyField(
        "models.AvailabilityOverride", related_name="ranges", on_delete=fields.CASCADE
    )
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()

    class Meta:
        table = "availability_override_ranges"
        # The slots read loads a tutor's overrides' ranges by override id (the scale bench
        # found it reading the whole table: no index on the foreign key).
        indexes = (("override",),)
