from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "pending_role_grants" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "email" VARCHAR(320) NOT NULL UNIQUE,
    "is_tutor" BOOL NOT NULL,
    "is_admin" BOOL NOT NULL
);
COMMENT ON TABLE "pending_role_grants" IS 'A role granted (``tutorcal create-admin``, or an admin) to an email that has not signed in yet.';
CREATE TABLE IF NOT EXISTS "users" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "google_sub" VARCHAR(255) NOT NULL UNIQUE,
    "email" VARCHAR(320) NOT NULL,
    "email_verified" BOOL NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "picture_url" VARCHAR(2048),
    "timezone" VARCHAR(64) NOT NULL,
    "is_tutor" BOOL NOT NULL,
    "is_admin" BOOL NOT NULL,
    "last_sign_in_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_users_email_133a6f" ON "users" ("email");
COMMENT ON TABLE "users" IS 'A Google account; ``google_sub`` is the identity, email only a contact address.';
CREATE TABLE IF NOT EXISTS "api_tokens" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "name" VARCHAR(100) NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "login_sessions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "csrf_token_hash" VARCHAR(64) NOT NULL,
    "last_seen_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "user_agent" VARCHAR(512) NOT NULL,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "oauth_flows" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "state_hash" VARCHAR(64) NOT NULL UNIQUE,
    "nonce" VARCHAR(128) NOT NULL,
    "code_verifier_ciphertext" TEXT NOT NULL,
    "purpose" VARCHAR(32) NOT NULL,
    "next_path" VARCHAR(2048) NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "consumed_at" TIMESTAMPTZ,
    "user_id" UUID REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "oauth_flows"."purpose" IS 'SIGN_IN: sign_in\nCONNECT_CALENDAR: connect_calendar';
COMMENT ON TABLE "oauth_flows" IS 'One authorization request in flight.';
CREATE TABLE IF NOT EXISTS "google_grants" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "refresh_token_ciphertext" TEXT,
    "access_token_ciphertext" TEXT,
    "access_token_expires_at" TIMESTAMPTZ,
    "granted_scopes" JSONB NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" UUID NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "google_grants"."status" IS 'ACTIVE: active\nSCOPE_MISSING: scope_missing\nREVOKED: revoked';
COMMENT ON TABLE "google_grants" IS 'A user''s OAuth grant. Tokens are MultiFernet ciphertexts that seal the owner''s id inside.';
CREATE TABLE IF NOT EXISTS "mirrored_calendars" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "google_calendar_id" VARCHAR(255) NOT NULL,
    "summary" VARCHAR(255) NOT NULL,
    "holds_sessions" BOOL NOT NULL,
    "counts_as_busy" BOOL NOT NULL,
    "sync_token" TEXT,
    "window_start_at" TIMESTAMPTZ,
    "window_end_at" TIMESTAMPTZ,
    "last_full_sync_at" TIMESTAMPTZ,
    "last_synced_at" TIMESTAMPTZ,
    "sync_requested_at" TIMESTAMPTZ,
    "status" VARCHAR(32) NOT NULL,
    "consecutive_failures" INT NOT NULL,
    "last_error" TEXT,
    "tutor_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_mirrored_ca_tutor_i_65369c" UNIQUE ("tutor_id", "google_calendar_id")
);
COMMENT ON COLUMN "mirrored_calendars"."status" IS 'OK: ok\nFAILING: failing\nUNAVAILABLE: unavailable';
COMMENT ON TABLE "mirrored_calendars" IS 'One Google calendar of a tutor that tutorcal mirrors, with its sync state.';
CREATE TABLE IF NOT EXISTS "calendar_events" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "google_event_id" VARCHAR(255) NOT NULL,
    "recurring_event_id" VARCHAR(255),
    "status" VARCHAR(16) NOT NULL,
    "start_at" TIMESTAMPTZ NOT NULL,
    "end_at" TIMESTAMPTZ NOT NULL,
    "is_all_day" BOOL NOT NULL,
    "is_transparent" BOOL NOT NULL,
    "is_declined_by_owner" BOOL NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "calendar_id" UUID NOT NULL REFERENCES "mirrored_calendars" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_calendar_ev_calenda_f00f9b" UNIQUE ("calendar_id", "google_event_id")
);
CREATE INDEX IF NOT EXISTS "idx_calendar_ev_calenda_96a7c0" ON "calendar_events" ("calendar_id", "start_at");
COMMENT ON TABLE "calendar_events" IS 'Busy-time facts of one event instance: only times, status and transparency are kept.';
CREATE TABLE IF NOT EXISTS "watch_channels" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "resource_id" VARCHAR(255) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "stopped_at" TIMESTAMPTZ,
    "calendar_id" UUID NOT NULL REFERENCES "mirrored_calendars" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_watch_chann_expires_26cac5" ON "watch_channels" ("expires_at");
COMMENT ON TABLE "watch_channels" IS 'A Google push channel (``events.watch``); the id doubles as ``X-Goog-Channel-ID``.';
CREATE TABLE IF NOT EXISTS "subjects" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "code" VARCHAR(32) NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS "tutor_profiles" (
    "bio" TEXT NOT NULL,
    "session_calendar_id" VARCHAR(255),
    "session_keyword" VARCHAR(100) NOT NULL,
    "busy_calendar_ids" JSONB NOT NULL,
    "default_capacity" INT NOT NULL,
    "slot_minutes" INT NOT NULL,
    "buffer_minutes" INT NOT NULL,
    "min_notice_minutes" INT NOT NULL,
    "horizon_days" INT NOT NULL,
    "max_bookings_per_student_per_week" INT,
    "cancel_notice_minutes" INT NOT NULL,
    "reschedule_notice_minutes" INT NOT NULL,
    "ignore_all_day_events" BOOL NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" UUID NOT NULL PRIMARY KEY REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "tutor_profiles" IS 'Keyed by the tutor''s user id, so that the tutor id in the API is the user id.';
CREATE TABLE IF NOT EXISTS "availability_overrides" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "on_date" DATE NOT NULL,
    "tutor_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_availabilit_tutor_i_947a88" UNIQUE ("tutor_id", "on_date")
);
COMMENT ON TABLE "availability_overrides" IS 'One date that replaces the weekly rules; no ranges means unavailable all day.';
CREATE TABLE IF NOT EXISTS "availability_override_ranges" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "start_time" TIMETZ NOT NULL,
    "end_time" TIMETZ NOT NULL,
    "override_id" UUID NOT NULL REFERENCES "availability_overrides" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "availability_rules" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "weekday" SMALLINT NOT NULL,
    "start_time" TIMETZ NOT NULL,
    "end_time" TIMETZ NOT NULL,
    "tutor_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_availabilit_tutor_i_b2470b" ON "availability_rules" ("tutor_id", "weekday");
CREATE TABLE IF NOT EXISTS "tutoring_sessions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "google_event_id" VARCHAR(255) NOT NULL,
    "recurring_event_id" VARCHAR(255),
    "etag" VARCHAR(128) NOT NULL,
    "title" VARCHAR(1024) NOT NULL,
    "description" TEXT NOT NULL,
    "location" VARCHAR(1024),
    "meet_link" VARCHAR(1024),
    "start_at" TIMESTAMPTZ NOT NULL,
    "end_at" TIMESTAMPTZ NOT NULL,
    "capacity" INT NOT NULL,
    "organizer_email" VARCHAR(320),
    "attendee_emails" JSONB NOT NULL,
    "is_active" BOOL NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "calendar_id" UUID NOT NULL REFERENCES "mirrored_calendars" ("id") ON DELETE CASCADE,
    "tutor_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_tutoring_se_calenda_81daca" UNIQUE ("calendar_id", "google_event_id")
);
CREATE INDEX IF NOT EXISTS "idx_tutoring_se_tutor_i_174d74" ON "tutoring_sessions" ("tutor_id", "start_at");
COMMENT ON TABLE "tutoring_sessions" IS 'One event instance on a tutor''s session calendar that carries the session keyword.';
CREATE TABLE IF NOT EXISTS "bookings" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "start_at" TIMESTAMPTZ NOT NULL,
    "end_at" TIMESTAMPTZ NOT NULL,
    "note" TEXT NOT NULL,
    "meet_link" VARCHAR(1024),
    "google_calendar_id" VARCHAR(255),
    "calendar_event_id" VARCHAR(255),
    "calendar_sync" VARCHAR(16) NOT NULL,
    "cancelled_at" TIMESTAMPTZ,
    "cancelled_by" VARCHAR(16),
    "cancel_reason" VARCHAR(500),
    "updated_at" TIMESTAMPTZ NOT NULL,
    "rescheduled_from_id" UUID REFERENCES "bookings" ("id") ON DELETE SET NULL,
    "session_id" UUID REFERENCES "tutoring_sessions" ("id") ON DELETE RESTRICT,
    "student_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "subject_id" UUID REFERENCES "subjects" ("id") ON DELETE SET NULL,
    "tutor_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_bookings_student_5d3767" ON "bookings" ("student_id", "start_at");
CREATE INDEX IF NOT EXISTS "idx_bookings_tutor_i_7bc6ea" ON "bookings" ("tutor_id", "start_at");
CREATE INDEX IF NOT EXISTS "idx_bookings_session_ff8515" ON "bookings" ("session_id", "status");
COMMENT ON COLUMN "bookings"."kind" IS 'SESSION: session\nSLOT: slot';
COMMENT ON COLUMN "bookings"."status" IS 'CONFIRMED: confirmed\nCANCELLED: cancelled';
COMMENT ON COLUMN "bookings"."calendar_sync" IS 'SYNCED: synced\nPENDING: pending\nFAILED: failed';
COMMENT ON TABLE "bookings" IS 'A student''s seat in a session, or a one-to-one slot on a tutor''s calendar.';
CREATE TABLE IF NOT EXISTS "calendar_feed_tokens" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "revoked_at" TIMESTAMPTZ,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "idempotency_records" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "fingerprint" VARCHAR(64) NOT NULL,
    "is_complete" BOOL NOT NULL,
    "response_status" INT,
    "response_body" JSONB,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_idempotency_user_id_1462fb" UNIQUE ("user_id", "key")
);
CREATE INDEX IF NOT EXISTS "idx_idempotency_expires_c48357" ON "idempotency_records" ("expires_at");
COMMENT ON TABLE "idempotency_records" IS 'The first answer to a ``POST /bookings`` with an ``Idempotency-Key``, kept 24 h.';
CREATE TABLE IF NOT EXISTS "outbox_jobs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "operation" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ NOT NULL,
    "claimed_until" TIMESTAMPTZ,
    "last_error" TEXT,
    "completed_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "booking_id" UUID REFERENCES "bookings" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_outbox_jobs_status_988644" ON "outbox_jobs" ("status", "next_attempt_at");
COMMENT ON COLUMN "outbox_jobs"."status" IS 'PENDING: pending\nDONE: done\nFAILED: failed';
CREATE TABLE IF NOT EXISTS "task_runs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "task" VARCHAR(64) NOT NULL,
    "scheduled_for" VARCHAR(64) NOT NULL,
    "result" JSONB,
    CONSTRAINT "uid_task_runs_task_0e37f1" UNIQUE ("task", "scheduled_for")
);
COMMENT ON TABLE "task_runs" IS 'One run of a periodic task, keyed by Cloud Scheduler''s schedule time: it is at-least-once.';
CREATE TABLE IF NOT EXISTS "audit_entries" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" VARCHAR(36),
    "action" VARCHAR(64) NOT NULL,
    "subject_type" VARCHAR(32) NOT NULL,
    "subject_id" VARCHAR(64) NOT NULL,
    "detail" JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_entri_actor_i_0d7271" ON "audit_entries" ("actor_id");
CREATE INDEX IF NOT EXISTS "idx_audit_entri_action_c0553a" ON "audit_entries" ("action", "created_at");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS "tutor_subjects" (
    "tutor_profiles_id" UUID NOT NULL REFERENCES "tutor_profiles" ("user_id") ON DELETE CASCADE,
    "subject_id" UUID NOT NULL REFERENCES "subjects" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "uidx_tutor_subje_tutor_p_79507f" ON "tutor_subjects" ("tutor_profiles_id", "subject_id");

-- Written by hand: rules Tortoise cannot express, which make double booking impossible
-- however many app instances race (DESIGN.md, "Booking without double booking").
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "bookings" ADD CONSTRAINT "ck_bookings_time_order" CHECK ("end_at" > "start_at");
ALTER TABLE "tutoring_sessions" ADD CONSTRAINT "ck_tutoring_sessions_capacity" CHECK ("capacity" >= 0);
CREATE UNIQUE INDEX "uq_bookings_confirmed_seat" ON "bookings" ("session_id", "student_id")
    WHERE "status" = 'confirmed' AND "session_id" IS NOT NULL;
ALTER TABLE "bookings" ADD CONSTRAINT "ex_bookings_tutor_slot_overlap" EXCLUDE USING gist (
    "tutor_id" WITH =, tstzrange("start_at", "end_at", '[)') WITH &&
) WHERE ("status" = 'confirmed' AND "kind" = 'slot');
ALTER TABLE "bookings" ADD CONSTRAINT "ex_bookings_student_overlap" EXCLUDE USING gist (
    "student_id" WITH =, tstzrange("start_at", "end_at", '[)') WITH &&
) WHERE ("status" = 'confirmed');
CREATE INDEX "idx_outbox_jobs_due" ON "outbox_jobs" ("next_attempt_at") WHERE "status" = 'pending';
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXVtz2ziy/isovUymSs7Gl3hSnq1TpThKVjuOlWMrs3N2PEVBJCRxTQFaXuJo9uS/bw"
    "MkxRtIkdTFFIMXX0g0SHYD6Eb3143/dBbMIJbz8hOhhklnd8wiH2xM3c4V+k+H4gWBP3Lb"
    "dFEHL5dRC37BxRNLEC391poNzbUZby/u44nj2ljnD5hiyyFwySCObptL12SUE/YQJ0GChB"
    "joxXjsei6zdWwh3SbYJSfYWJh0PO4iZiNMkfj3R+Qy/g9ZYNNC7hy7aI4dRJmLHHNGoSOT"
    "ohVxX/KXMJgObwFvd6DnedT8t0c0l82IOyc2PPX3P+CySQ3ylTjhv8tHbWoSy0jw3jR4B+"
    "K65q6W4trnz4N370VL/i0TTWeWt6BR6+XKnTO6bu55pvGS0/B7M0KJDR9lxARAPcsKxBZe"
    "8t8YLri2R9avakQXDDLFnsXF2Pnr1KM6lx4ST+I/Lv4neLVYM027HY60+/5I0zoZqfNXSA"
    "kmuKQzykeMyccPMOab32/EEHG1wx9w/bfe3Yvzyx8FC5jjzmxxU7Cr800QYhf7pILpEZd9"
    "QRsadrPcfgd3XHNB5BxPUqY4bwSkL8M/6kggvBCJIJo4IXND9u2B4R34QGNIrVUg+wIBjA"
    "Yf+/ej3sdP/HELx/m3JfjXG/X5nTNxdZW6+sKXF4M1wV831p2gfwxGf0P8X/TP4W0/LdV1"
    "u9E/O/ydMExajbInDRuxYRpeDbkGLSOpi7mbFfj1HNtyYa8JUnIGfu1nbu1Trgv8VbMInb"
    "lz+Pf87FWBYH/t3fmT6+xVSlq3wa0z/963BH9NRxNLaZbFbxksuZjmLGIxshSjJ0C3rzm0"
    "vnLYVevtcHiTmC9vB6MUjz9/fNu/e3EqWA+NTFdcHtyOsvwWuqk6v9dkit8b+M0V9fQxpk"
    "T4hQnWH5+wbWiZO+yM5bXN3lqcLdJXMMUzwT/+nfyrAlvssyPMiIyNJq4X2mUetChtiX1g"
    "bAa2EdZ15lH3ZzQez8QVzfEm4zEyHbB8CDINQl3TXXUDa4iBtkAYgUxc6B/sJQPWbEdmee"
    "28f2VpKUtLWVqNs7SiWV3F3EpStc7mOnv9uoTNBa1ybS5x71ujbNrsHGqZUSv4pX0htgmd"
    "SlRGoamVJVYGVwUDV/yuMLbD9vsa2lked/aljVNLx6syIxta5S8drzIje2nqrmcTzbMrLS"
    "Apslq8DtaIxmjiFLMv3pTi9sWbAnbzm0l+czPlT0Yrjeg4zQFH9efR9WEG9uVFCU5fXuTy"
    "md9STgjlhPh++G1hx9V4yEEzaY1dlYR8B1urhq3nR7KTCnlSuJUyiEXqbaCTlErKTZaytz"
    "RqukmSlMpN0mCxi7ev4FCOhgdemprLHgl1JGo2oH3/yx2xsOBudiAE7uLe0hzxbo5wGHwL"
    "B354NRoOMeXIZqDWHOI40PuWvLrhfd37XbWVXwxG51ybWuxpS2YNe9DRe+jnaNVIMaMWpm"
    "0zG5ZZHcPexcD2lvz6GPR3HXTX1gGGv2ATPsAEe3alsS/Etk143JaLWKzPYdDld8E/27N2"
    "ybs76K6tfBN7eQ5H240uGAXdtVwdwM77ETqBrbmjOa7Hw7Db8e2t3+H3wK88p5Pi1joUHO"
    "g6bUpAke7CnA2153vosNV2LWi4xZK5hOqgBYjObGNLzg2iDu9Ef23iXCUgTiZoPQuxznLu"
    "DikZMfixmcc+2GUNnW6hVSzWPG1ps6lpScIa1Vkm9OynqL+W8Kwi2Gu9S5cAvuI7+HzQV9"
    "JfsBH5lf+FCl91CHelwlcpx2ElfJWY29ocO/NKweQEVevwVbuPJTcff3Iw5p6WQqCcFiBQ"
    "TrMIFBGM9Jxay1eaVsW3mhPoyC5YNvkCi08dOScplZSbLGWea6BVs/tiJLs0/por1A22Xi"
    "Y8mORulrXvmU3MGf2FrASDB/AemOoyNZRKGTlOlmY2V3DZxk/r/Ud8QMG3+xgIwffe/XXv"
    "Xb/z7XkSeBLRRMm+Lh1tzN/bZWOcan+n9ndqf6f2d2p/V3F/pzv2VKvHawlpC3d9u2e5jz"
    "8lpD52NaJt4Zp2JGtYqd0A+bo0obsagk5SKjE3Wsxqa/89SFlsq2BrIwuN5mvJJFXr0vJe"
    "n56V0I/QKldBinvflBNFOVGUE2WzEyVCGUs8KAkIcr77JAV53lwVZUgJ4jTMNv8U8AVkEx"
    "Cm4/KKb1PLnM0lRebKED3QBxhxS3GJlz3hPoAJ5q/Aq8rBxaXNdOI4aEEWzF510YToGCQT"
    "VFH5wYE+DbCTdBct8ApZmBqIQZ8YyOfERtcW8wx051Hoyx/PvG6d/yxGiV/EDm7YvAwev8"
    "iZoqqqNGUR6yqvkPIKJSwDmKsuqeypSFIpr9DmqD8LVH/psD+T2wpt8ACdnpWphQCt8uP+"
    "Z5lKCDqo5bAqiq3p5hKUjEu+ShazEVzNWcgK+miFHIoWrv5vo8SaFXL7xcfebz8m1q2b4e"
    "2HsHlMOtc3w7fpciCeDetVzsDvU2+RMY2TZUEi8iazv3M/+HCrDW6vUJAE/0Cvh7e3/euR"
    "dt276d++691d8UpzFMyqdbJX2rwrM3HOy2wNz/N3hueZjSGF0a0tsVtp9U8QHXAD/pfD7M"
    "D3VatF+S5rrUsNMqhKebX4p3mLeoZ0klR5L5ss52fzqR2PTI/FpdZMjh6rRy3MoOt/IfJD"
    "IJINukWetXV+H+FtS3rX3nrO6oQvkNBAdx3EpsI3JbpY+62u/BLAvJnT5S4r13MQd3dB59"
    "RZYpvnsSH4hR7JUuKN29dDJH6y3ztxozFIKRMP4tL/I+VGS7YWvjiuT/5Q7jXlXmum9ddi"
    "91p6smZEv7FycZy0yZvguputfRQwtonu2aJUQx3Gy6lbWJN0H6z3dVxVX7JP0cLhfXpZxt"
    "OZXqBijs5LCYN9hV5Ri8TpWqhDjkRnlAO50TpmQkSlxNto8fIytZalGXiVFfHG+rYRoapw"
    "W62icLTlklXi2FTHOUmseF+N9wbRLZPCHmay0tgTlfl2NklA2oWSQwU5qHqw+Ubbce5AJe"
    "omv0JWNTdPikxBQIv91XGX25Y+6xaX8eymHNipQdYkJ3a80JbEhZ2qw5XvwI4XACt9ZB53"
    "7P/gIIE+9Q8VfolEhSZH+Io/grDM98SmxEURSMUJwJcEWz4ckytJ6MXkxwg7pkFkh+ft8U"
    "kK8NmAJaurPNLfkT1QxiNtkyl0Ng/yTOvh5Ir6aIOf9NAwOaxzTP5WIinoQklkS4nUB24V"
    "dKPAPc3ZNEnidtwUAg3n6Gwpq4/+9/vhbU7YLkOZlrSpu+j/kWU6ZUq41kNKRtbJxDPBhK"
    "POS/685zBQOKeKp2d6JqbEyTtIT8+iKNNmWPFzRJxgKXDNL6SiADq969Hg1/4V8qkf6P31"
    "8FNf+zi4vx/cfrhCYpBpC9NxQDoP9K7/6/CX/rsrFGRBpw3+58EYq2Tu72HFVN7F/Al2nL"
    "uJMt7F5iSWP2v62A59ilXcXZvwsmGR9N2iZRvJ+h2DZbfyHWY8uBIHoszLm+9FlB8VVS7P"
    "3HdVopCSA1UxElX2fTee+BPuIv8hThc9me4cma6DnBXVBWpV4jvcbddS1Ov6+JPAiRp3F6"
    "dRr8qXqHyJSvvvUPtXQLcWhhg3AlyLI41tAAHuB2jpLRbYlkCICpCWEUnryibthcdzBgtd"
    "0XFvRZiVLLFCq1RAq+jMg+fxU9AmnlMVKZclPiDvQwV/tKzntpnvs64SgUhSqaBD9aDDE3"
    "wn6N+6CG8JuXKZNcd3kjWfAoHVg3tniJWsmyxrUWd4Cp+piXWyZqHidAdK5o2XOZdW/cOI"
    "EtRK2k2WtpiWQUXGWgKXdqBk3miZH18cmj1W3JB3hr9cIfb4QN/3Bjci6jzFpiXizZ9ve7"
    "/Cxd7bm/4V8mhwsLx/zOrzx53544ju8cC5xl/Zs2VIjgHNLQYnJ0/Jyix1Em8tWb3a0wyE"
    "l4VfJ2enFz9dvDm/vHgDTcRbrq/8VCCL7H5RaCrCPfxV9otJKrVfrL5f9I9KrhbgiNOopI"
    "7ipI51/GnLjI6WF/aOD6mqKRyxpOd1gZ+Un6/CCfSZwkIt4XhSrc0xpUGAuD6r/oFdfX7t"
    "d9VWTomByet4FHjwK7BsFHQXO1GvLVzbZyZVYqRJkBDpkZiPgnjiLbX4+C+TTBWAFJaeM0"
    "cBLXoxHvvrzUvR53j8488ik8k0kME8eJyDsIPG499OOPVJ8HYng3fjsSyLah+P2Jw+9Xu8"
    "Lqgq76UAEA1ddVoMgICemGfrpHKFqQSZgjyUC8c35wTLRvF696cVqErVdbRHkxavkt5Ltl"
    "zWc1UnKJWPuslSVgVAVAGQZ2LxMRcAufcm/yK6tPhHeKtbtFl1/Ebltqn5jFVVNBow77tq"
    "46c2fgmlKn5n5F1wZE7QvoXbj9NXr0rsP6BVfpFbfi97mlcV/obtW3cU3W7C4hWyDCMZTB"
    "h7hBfd0mv+1u/laPcAO3eWp+ITEvZ+xHQ1YvxnSYtRRCY+2WxqWrX0RFMTOMXnaSnrK/2x"
    "Nh+CoEajxJjI8JoyW8jkkazWDNeWPq0TGJ1rwQWNAvrgrju3mTebR9Tx7qX2KlzX4gJYj5"
    "lcUzPxRRJ7M/3F+UZn8gPLRUhgY0IMNFmJ6ITo4AdH1IVDptFFDgtSOcObfpU38X/v0wCZ"
    "jvgzaJ8Njuy89y0MYpWsvkc7eGKyLGPz0T9B8xbkoR0a9RMEs+tmXeaQtwF/dYisy4B7oC"
    "uemF2L8THSA47+ELywr1lwgD0BT+WLD9tKZbmkxKoyV/HqVKMyV/ABwOol1k1XkriZC7iV"
    "kR4ObHu6r4mxY7CtYzFXW5jUcyuhmdNkh2Ps5bHAmCfedArWXnXeZgkVRjzNXGCORplr6q"
    "QGg+XEh2PyT2fHwuY5KPk/+bYUr6owOE2mVofsAAb7JvSIaUuY7o7rGfx4OP73EyGPVcZz"
    "mb5qyaBpFvmOhaBzP5hVfyHJpT+gnXFxcSxDHsw8fU4MzyL1OV7Yh+K67LikGWU2CU/60n"
    "LzIgrPS8rrQ5WgUQcmfcehXQlgau2eV1U49xPE2WMVzng1tFjQZ7tgWgzd0xYRSONose9M"
    "h9BigclkAC0ZG0tHzqThte0DaD76ojCC1vMzz01Yy1fDL8S2TUMaSZO26xZF1HCMQmMBSY"
    "Xqq3yN92NcNllaWCd+RIsb+dYK2WAXOT8jypCN6QzuLUClO/FUegQ6HDpZyQuw7rT34hqs"
    "YncIglKFVxsVdlPws7bZKGXgZ+FklIpcLu4YSZGsj1DOBXLlslJFE1TRhOdHjaUN4d0UTf"
    "D1usQ5UAGgJ7OJ7ni/LeL+XhPc8xlY0gJdc7uiGapF4lcZBsrEUyZem0w8v4xvKJcUrK4g"
    "MTNOlSfxI5X2BukmRCgVXwQvepOZiJyASyuZCE2NyiKI0ygBbCmAtaqrpmpSZMpmL7bZWc"
    "wVtqXZnudhO042bzTjUwOtSQmscUncefLMgkyb8kaocC7u3fSMOSC5U9PAK1XpSJmjTV01"
    "WmyOhrMvI/L7BbasXPhHjOxwYI/9A5rOz366XOM8+D9FEI/7j72bGwmQVxn4z29fKgP/mQ"
    "Wg3PHKHd8AO34bd/w+jfh0zdm87OBkWdoNCcLpkrjlkAwCRIjMYKQgMGHxOqE36C06CVZg"
    "EnQMe6MAkhC2CLLf5HCG3T7igT7QEVy32RNPJH6MZyIHFVv9B4ZZyBjx83UQzC1+OK2P4X"
    "OQyd8ICXTFlTi61jS6D/RpbupzFIK40ZLB2EK8D2og/x5/THAfhhymDvYNf4vpj04XUXi2"
    "LarFzoiTj7+I15UKDswULy07Aze2WVofAqZ2S2q31NC1ucW7pfRMzYh+46m4cdIWFg3aS3"
    "K2TXTPFtqtDuPl1CovvhTriYtnVZgdtm9B/YdU5vvZmzKZ72dv8jPf+b3UJsl0rUrlsNYE"
    "7ePvq7My5Y55s4LaAmeZksfxl8swOr+MSYqsBew+dDkTMIexnOv5wztO074Fel9DfEGIq1"
    "kmlWSq5rM6QaR4XZbXdc9w3vHhzU0zAo/ExJekiWVt/HrHNu/0vGYl3n2WTa9cwEYVrinK"
    "a2b2DFPzT2JrZIFNq4oSkpC2TxWdn5WpmQWtCmq9ZmpmYdeFFYcQn3GVKmZJSFW9rGLzt0"
    "a9LNPRuF/4i2R7V5zhH6c7YFZ/6KRVSf3tU99H6pCVqPPsoZnqEJTdRTtU9F5F748sei9b"
    "C3bAV3VUT1mQhDpW4DlTFENuSeAjMUbmw0biMitz5m5Qz07ANrDAT+AQntFFzIb/GCUnLj"
    "uBX4iXJk1iPcKxJjtrd1ddc3TIkKJP/np8/783ArCxMGe2GHkIbAsHPXFYyIjZLjMdArSU"
    "Qn/k6xIWcOcKel1i2zWxhfzBhcSQeqBA/WL9SsH7/oim8HIg9alpLzgOJeBoVyBGyFfd8n"
    "x4SzRaIlzKA12//roD/mmOIMYxnmQfEABNeKKChZeljxYOuhTW9BpL0kVSiAm/7EToI7jh"
    "eo5CnijkSVN13pFudMogT2DO56Ae+tRbZMyahNxD2ibjTTr3/fv7wfD2Klz0H+j9zXB0Jd"
    "bDtLooFQG6LBP/ycc581uZ2A9f/2oKIaI+YDB5rTYqLnGd6+Ht+8Hdx/67q0j1PNDr3u11"
    "/+ZGXBUVV62g5ybIRsXlKmmgJi2AKi6nxAsWuCxbJxehE7ZX0JzK0BwFGJGopD0BRgLYb8"
    "1DneTU7eP+XrCra67VQQ1LiRXjqzGe59vUtZcznRxwoV/Ck6ufqdW5/z8wj8E25m/MzeVP"
    "/dt3g9sPVyjo74G+7w2E9TzFZmNM57UlX8ejkKLdgY3VsOnSJhMrktZEAn8qWguTdO1bBv"
    "c1qzSbYKcaBjpD2D5uvy51iuDrglMEX2dPEVT4j3zuH6dbtAz+IzqGxtCmNltUxCzkkG8R"
    "lGjYxNsNHCQ84rQac5NUiqdpj6V/NFhFniaoFMwmzdTEORalmZqgUgNVYcEOiQWLRdi3RC"
    "1JKoYc5YDdiFlKapYEZOkOLIq7wfWokx3DO+Dw94q3k3M1hiVRfC0crwmtXYaz0RlOW3K2"
    "/KlXx7oWJJR3grfwCuj2881Np3DLsAMmtw60mGZyzj4ph9tl0KLxHl2WlcH3jRlN5Nd57o"
    "R91f7FJltCa4eio7+zSYsYtU9wbQj+fk+IMWKPRFqlLduoWwS4XUc1pkQMfCBQ53wowKYC"
    "bB6VZ7IMYFPMbW2OnXkV73+Sajchz2c9vTTp+b8sg7G4zEdYXGbwFTb5AiyrM7mSlCpy2R"
    "wvf3YyxY4XLqutYiTKA1XsgZIfb6028dsccX2wSsIDgyyWzCVUX90RndlJCy+3UaGVakbN"
    "NVu0L5khxsvyTk3b4fVynSdiI5chjMbjT8P7EfpLmLo0HqMn051DG7gVe7UTGGvjcRc9kq"
    "WLzi7QPJsnto8HSOvzhnOCH4GtjkZW9vRxrGUttqf5RKxgSAfNm5zy1CTI5hSeT+ylbcrc"
    "+flcTpG1kNu737GYDjBwsRTmQ4bVm2oDxSkPWB1ofeVoywPBQrSE5xItL4svt/qbhLJWEb"
    "iGbQ93XQZuzaYJMyQrdX49sgzhVtXIGsblQ5cdI1+XJtyukyiXoDyMbXRIR9SRmELKHbIj"
    "oSp3yHfpDomCnBI3SCICmu/+SEVc93wQamRWUPKV56K7ZLFUZ/woR0OTV4kWOxrYktiVTy"
    "5IEKltcIlt8BKvLIYl61j+TiFG0oyKxfyxralYfITlbWrm6Wbzct/BUnKFDEZJM3N0A6Og"
    "itsiTnK4ovWv9rUa7dhbkTa1Kup3CXkLlfyRKPVSW2bdwiAEQ/OoKzujYIM5lyZWaJEmy9"
    "rCjqsRXsE3K+j8gkJJqjZkXR+6rlAYnKi1Y0rRqhnW5Bmmku3zLZXj3BlLxJ7JRAjgNRU9"
    "z0kqlV1b6HueRKksKiep2AGdHFdN8kGPsPN450nTRcJb3SL/swuNNNsrmRnSGVKCoDViU1"
    "65nNgmM0wd8U440m3Fa4av0LXFPAPdBzlXvOR4mH+F+EJ7hUwXmQ7C7olFwBA6YTC4svC7"
    "/T5KCsTjnfObsQQ0sNAUJE95ypU98NwpLsHULJ3cErRX/vES/vHkeleByxlCxe5SeUQOf9"
    "8MnwtxSwGFAixVizpk7N/nMdN6nmG6feraK5mlFrtbaKxh3k4j0NAkh4ALYD0MM8ZUp0IK"
    "KPunqQt3e+0fmIo5lbHytXOcZk8+5udL7z0vE/g8zw98nmcDn3pVJEZEoeyeMmZmUD5HcK"
    "mKlZmia8ExDOlju8uM5bOCQ7vzWF1twSgsTnj8bN79iDaIKz2GPt+SjygUrKhVBj6xTX3e"
    "kRn3/p1iwz5q05jiPLloH+nqIMH5BLbBdhZ747OS8g31L8SWF9vMX4BjJC20KPaSTconVR"
    "WTzW/eQu6elqp0f1pQ6f40W+kenuhKy27ma7gYyeFVnPJW1Vdm3/4L0fVDHQ=="
)
