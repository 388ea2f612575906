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
    "eJztXelz2ziy/1dQ+jKZKjkbH/GkPFuvSnGUrHYcK89WZufteIqCSEjimgK0POJo9uV/3w"
    "ZIihdIkdRhisEXHyQaJLtx9PHrxn86C2YQy3n5iVDDpLM7ZpEPNqZu5wr9p0PxgsAfuW26"
    "qIOXy6gFv+DiiSWIln5rzYbm2oy3F/fxxHFtrPMHTLHlELhkEEe3zaVrMsoJe4iTIEFCDP"
    "RiPHY9l9k6tpBuE+ySE2wsTDoedxGzEaZI/Psjchn/hyywaSF3jl00xw6izEWOOaPQkUnR"
    "irgv+UsYTIe3gLc70PM8av7bI5rLZsSdExue+vsfcNmkBvlKnPDf5aM2NYllJHhvGrwDcV"
    "1zV0tx7fPnwbv3oiX/lommM8tb0Kj1cuXOGV039zzTeMlp+L0ZocSGjzJiAqCeZQViCy/5"
    "bwwXXNsj61c1ogsGmWLP4mLs/HXqUZ1LD4kn8R8X/xO8WqyZpt0OR9p9f6RpnYzU+SukBB"
    "Nc0hnlI8bk4wcY883vN2KIuNrhD7j+W+/uxfnlj4IFzHFntrgp2NX5Jgixi31SwfSIy76g"
    "DQ27WW6/gzuuuSByjicpU5w3AtKX4R91JBBeiEQQTZyQuSH79sDwDnygMaTWKpB9gQBGg4"
    "/9+1Hv4yf+uIXj/NsS/OuN+vzOmbi6Sl194cuLwZrgrxvrTtA/BqO/If4v+ufwtp+W6rrd"
    "6J8d/k4YJq1G2ZOGjdgwDa+GXIOWkdTF3M0K/HqObbmw1wQpOQO/9jO39inXBf6qWYTO3D"
    "n8e372qkCwv/bu/Ml19iolrdvg1pl/71uCv6ajiaU0y+K3DJZcTHMWsRhZitEToNvXHFpf"
    "Oeyq9XY4vEnMl7eDUYrHnz++7d+9OBWsh0amKy4PbkdZfou9qTq/12SK3xv4zTfq6WNsE+"
    "EXJlh/fMK2oWXusDOW1zZ7a3G2SF/BFM8E//h38q8KdLHPjlAjMjqauF6ol3nQorQm9oGx"
    "GehGWNeZR92f0Xg8E1c0x5uMx8h0QPMhyDQIdU131Q20IQa7BcIIZOJC/6AvGbBmOzLNa+"
    "f9K01LaVpK02qcphXN6irqVpKqdTrX2evXJXQuaJWrc4l73xql02bnUMuUWsEv7QuxTehU"
    "smUUqlpZYqVwVVBwxe8KYztsv6+hneVxZ1+7cWrpeFVmZEOr/KXjVWZkL03d9WyieXalBS"
    "RFVovXwRrRmJ04xeyLN6W4ffGmgN38ZpLfXE35k9FKIzpOc8BR/Xl0fZiBfXlRgtOXF7l8"
    "5reUE0I5Ib4fflvYcTUectBMWsOqkpDvwLRq2Hp+JJZUyJNCU8ogFqlnQCcplZSbLGVvad"
    "R0kyQplZukwWIXb1/BoRwND7w0NZc9EupIttmA9v0vd8TCgrvZgRC4i3tLc8S7OcJh8C0c"
    "+OHVaDjENkc2g23NIY4DvW/Jqxve173fVVv5xWB0zrWpxZ62ZNawBx29h36OdhspZtTCtG"
    "1mwzKrY7BdDGxvya+PQX/XQXdtHWD4CzbhA0zQZ1ca+0Js24THbbmIxfocBl1+F/yzPWuX"
    "vLuD7trKN2HLczjabvaCUdBdy7cDsLwfoRMwzR3NcT0eht2Ob2/9Dr8HfuU5nRS31qHgYK"
    "/TpgQ20l2os+Hu+R46bLVeCzvcYslcQnXYBYjObGNLzg2iDu9Ef23iXCUgTiZoPQuxznLu"
    "DikZMfixmcc+2GUNnW6hVizWPG1ps6lpScIa1Vkm9tlPUX8t4VlFsNfaSpcAvuIWfD7oK+"
    "kv2Ij8yv9Cha86hLtS4auU47ASvkrMbW2OnXmlYHKCqnX4qt3HkpuPPzkYc09LIVBOCxAo"
    "p1kEighGek6t5StNq+JbzQl0ZBcsm3yBxaeOnJOUSspNljLPNdCq6X0xkl0qf80V6gZdLx"
    "MeTHI3y9r3zCbmjP5CVoLBA3gPTHXZNpRKGTlOlmaMK7hs46e1/REfUPDtPgZC8L13f917"
    "1+98e54EnkQ0UWLXpaON+bZdNsap7Dtl3yn7Ttl3yr6raN/5YEhC6gMpI9oWTrAjmVClVF"
    "PydWlCdzUEnaRUYm60mJWd+T1IWej4oGfL4nT522OSqnU5Yq9Pz0rsj9Aqd4MU974pi15Z"
    "9Mqi32zRR5BXiTmfwMPm2/Ip/O3mEh1DShCnYbb5p4ilI5uAMB2Xlx+bWuZsLql4VobogT"
    "7AiFuKS7wGBzdIJ5i/Ai9xBheXNtOJ46AFWTB71UUTomOQTFDS4wcH+jRAT9JdtMArZGFq"
    "IAZ9YiCfExtdW8wz0J1HoS9/PPMiav6zGCV+RTW4YfOabPwiZ4oq8dGURayrXBTKRZHQDG"
    "CuuqSyiyJJpVwUm0PQLNj6S8egmVxXaEUQ+qxMYj60yg9Cn2XS8nXYlsMSHbamm0vYZFzy"
    "VbKYjeBqzkJW0Ecr5FC0cPV/GyXWrJDbLz72fvsxsW7dDG8/hM1j0rm+Gb5N16bwbFivcg"
    "Z+n3qLjGqcrFERkTeZ/Z37wYdbbXB7hYKM7Ad6Pby97V+PtOveTf/2Xe/uipc9o6BWrTOP"
    "0updmYlzXsY0PM+3DM8zhiGF0a0tsVtp9U8QHdAA/8thLPB9FQ5Rvsta61KDFKpSXi3+ad"
    "6iniKdJFXeyybL+dl8ascj02NxqTWTo8fqUQvTufpfiPxEgmSDbpFnbZ1sRnjbkt61t56z"
    "OuELJDTQXQexqfBNiS7Wfqsrvx4tb+Z0ucvK9RzE3V3QOXWW2OZJVQh+oUeylHjj9vUQiZ"
    "/s905caQzym8SDuPT/SLnRkq2FL47vJ38o95pyrzVT+2uxey09WTOi31hGN07aZCO4rrG1"
    "j2q6NtE9W9QNqMN4OXULC2Tug/X+HlfVl+xTtHB4n16W8XSmF6iYo/NSwmB/Q6+4i8TpWr"
    "iHHMmeUQ7kRuuoCRGVEm+jxctrplqWZuBVVsQbi61GhKrcarXytpHJJSsLsamocJJY8b4a"
    "7w2iWyYFG2ay0tgTlfl2NklA2oWSQwU5qOKk+UrbcVqgku0mv1xTNTdPikxBQIv91XGX25"
    "Y+6xbXlOymHNipQdYkJ3a86pPEhZ0qCpXvwI5Xoyp9fht37P/gIIE+9U+4fYlEuSBH+Io/"
    "grDM98SmxEURSMUJwJcEWz4ck2+S0IvJz7R1TIPITnLb45MU4LMBS1ZXeaS/I32gjEfaJl"
    "PobO7XFauJkyvqow1+0kPD5LDOMflbiaSgCyWRLSVSH7hV0I0C9zTHaJLE7bgqBDuco7Ol"
    "rFj33++HtzlhuwxlWtKm7qL/R5bplKknWg8pGWknE88EFY46L/nznkNB4Zwqnp7pmZgSJ+"
    "8gPT2LokybYcXPEXGCpcA1v5CKAuj0rkeDX/tXyKd+oPfXw0997ePg/n5w++EKiUGmLUzH"
    "Aek80Lv+r8Nf+u+uUJAFnVb4nwdjrJK5v4cVU3kX8yfYcVoTZbyLzUksf9b0sR36FKu4uz"
    "bhZcOK3btFyzaS9TsGy27lO8x4cCUORJmXN9+LKD+3qFyeue+qRCElB6piJEq++2488Sfc"
    "Rf5DnC56Mt05Ml0HOSuqC9SqxHe4266lqNf1WRyBEzXuLk6jXpUvUfkS1e6/w92/Arq1MM"
    "S4EeBaHGlsAwhwP0BLb7HAtgRCVIC0jEhaVzZpLzyeM1jois4eK8KsZIkVWqUCWkVnHjyP"
    "H8k18ZyqSLks8QF5H27wR8t6rpv5PusqEYgklQo6VA86PMF3wv5bF+EtIVcus+b4TrLqUy"
    "CwenDvDLGSdZNlLeoMT+EzNbFO1ixUnO5AybzxMufSqn8yToJaSbvJ0hbTMqjIWEvg0g6U"
    "zBst8+OLQ7PHigZ5Z/jLFWKPD/R9b3Ajos5TbFoi3vz5tvcrXOy9velfIY8Gp5z7Z34+f9"
    "yZP47oHg+ca/yVPVuG5BjQ3GJwcvKUrMxSx8LWktWrPc1AeFn4dXJ2evHTxZvzy4s30ES8"
    "5frKTwWyyNqLYqci3MNfxV5MUil7sbq96J/bWy3AEadRSR3FSR05Z8Grwt7JyGp8SFVN4Y"
    "glPa8L/KT8fDUOkl8XFmoJx5Pb2hxTGgSI67PqH9jV59d+V23llBiYvI5HgQe/AstGQXex"
    "493awrV9ZlIlRpoECZEeifkoiCfeUouP/zLJVAFIYek5cxTQohfjsb/evBR9jsc//iwymU"
    "wDGcyDxzkIO2g8/u2EU58Eb3cyeDcey7Ko9vGIzelTv8frgqryXgoA0dBVp8UACOiJebZO"
    "KleYSpApyEO5cHxzjlNsFK93f1qBqlRdZ/do0uJV0nvJlst6ruoEpfJRN1nKqgCIKgDyTC"
    "w+5gIg997kX0SXFv8Ib3WLjFXHb6ROdleGnzL8Wmf4id8ZeRccmRO0b6H5cfrqVQn7A1rl"
    "F7nl97KneVXhb9i+dUfR7SYsXiHLMJLBhLFHeNEtveZv/V6O1gbYubM8FZ+QsPcjpqsR4z"
    "9LaowiMvHJZlPTqrVPNDWBU3yeltK+0h9r8yEI22iUGBMpXlNmC5k8ktWa4drSp3UCpXMt"
    "uKBRQB/cdec282bziDrevVRfhetaXADrMZOraia+SKJvpr84X+lMfmC5CAkYJsRAk5WITo"
    "gOfnBEXThkGl3ksCCVM7zpV3kT//c+DZDpiD+D9tngyM5730IhVsnqe9SDJybLMjYf/RM0"
    "b0Ee2qFRP0Ewu27WZQ55G/BXh8i6DLgHe8UTs2sxPkZ6wNEfghf2NQsOYBPwVL74sK1Ulk"
    "tKrCpzFa9ONSpzBR8ArF5i3XQliZu5gFsZ6eHAtqf7mhg7Bts6FnO1hUk9txKaOU12OMZe"
    "HguMeeJNp6DtVedtllBhxNPMBeZolLmmTmowWE58OCb/dHYsbJ7DJv8nN0vxqgqD02Rqdc"
    "gOYNBvQo+YtoTp7riewY+H438/EfJYZTyX6auWDJqmke9YCDr3g1n1F5Jc+gPqGRcXxzLk"
    "Qc3T58TwLFKf44V9KK7LjkuaUWaT8KQvLTcvovC8pLw+VAkadWDSdxzalQCm1u55VYVzP0"
    "GcPVbhjFdDiwV9tgumxdA9bRGBNI4W+850CC0WmEwG0JKxsXTkTBpe2z6A5qMvCiNoPT/z"
    "3IS1fDX8QmzbNKSRNGm7blFEDccoNBaQVKi+ytd4P8Zlk6WFdeJHtLiSb62QDXqR8zOiDN"
    "mYzuDeArZ0J55Kj2APh05W8gKsO+29uAarsA5BUKrwaqPCbgp+1jYdpQz8LJyMUpHLxR0j"
    "KZL1Ecq5QK5cVqpogiqa8PyosbQivJuiCf6+LnEOVADoyXSiO95vi7i/1wT3fAaW1EDX3K"
    "6ohmqR+FWGgVLxlIrXJhXPL+MbyiUFqytIzIxT5Un8SKW9QboJEUrFF8GL3mQmIifg0kom"
    "QlOjsgjiNEoAWwpgvdVV22pSZEpnL9bZWcwVtqXanudhO042b1TjUwOtSQmscUncefLMgk"
    "yb8kqocC7uXfWMOSC5U9PAK1XpSKmjTV01WqyOhrMvI/L7BbasXPhHjOxwYI/9A5rOz366"
    "XOM8+D9FEI/7j72bGwmQVyn4z69fKgX/mQWg3PHKHd8APX4bd/w+lfh0zdm87OBkWdoNCc"
    "LpkrjlkAwCRIjMYKQgUGHxOqE36C06CVZgEnQMtlEASQhbBNlvcjjDbh/xQB/oCK7b7Ikn"
    "Ej/GM5GDiq3+A8MsZIz4+ToI5hY/nNbH8DnI5G+EBLriShxdaxrdB/o0N/U5CkHcaMlgbC"
    "HeBzWQf48/JrgPQw5TB/uKv8X0R6eLKDzbFtViZ8TJx1/E60oFB2aKl5adgRszltaHgClr"
    "SVlLDV2bW2wtpWdqRvQbT8WNk7awaNBekrNtonu22N3qMF5OrfLiS7GeuHhWhdlh+xbUf0"
    "hlvp+9KZP5fvYmP/Od30sZSaZrVSqHtSZoH39fnZUpd8ybFdQWOMuUPI6/XIbR+WVMUmQt"
    "YPehy5mAOozlXM8f3nGa9i3Q+xriC0JczTKpJFM1n9UJIsXrsryue4bzjg9vbpoSeCQqvi"
    "RNLKvj1zu2eafnNSvx7rNseuUCNqpwTVFeM7NnmJp/ElsjC2xaVTYhCWn7tqLzszI1s6BV"
    "Qa3XTM0s7Lqw4hDiM65SxSwJqaqXVaz+1qiXZToa9wt/kZh3xRn+cboDZvWHTlqV1N++7f"
    "tIHbKS7Tx7aKY6BGV30Q4VvVfR+yOL3svWgh3wVR3VUxYkoY4VeM4UxZBbEvhIjJH5sJG4"
    "zMqcuRvUsxOwDSzwEziEZ3QRs+E/RsmJy07gF+KlSZNYj3Csyc7a3VXXHB0ypOiTvx7f/+"
    "+NAGwszJktRh4C3cJBTxwWMmK2y0yHAC2l0B/5uoQF3LmCXpfYdk1sIX9wITGkHihQv1i/"
    "UvC+P6IpvBxIfWraC45DCTjaFYgR8lW3PB/eEo2WCJfyQNevv+6Af5ojiHGMJ9kHBEATnq"
    "hg4WXpo4WDLoU2vcaSdJEUYsIvOxH6CG64nqOQJwp50tQ970gNnTLIE5jzOaiHPvUWGbUm"
    "IfeQtsl4k859//5+MLy9Chf9B3p/MxxdifUwvV2UigBdlon/5OOc+a1M7IevfzWFEFEfMJ"
    "i83jYqLnGd6+Ht+8Hdx/67q2jreaDXvdvr/s2NuCoqrlpBz02QjYrLVdqBmrQAqricEi9o"
    "4LJsnVyETtheQXMqQ3MUYESyJe0JMBLAfmse6iSnbh/394JdXXOtDmpYSqwYX43xPN+mrr"
    "6c6eSAC/0Snlz9TK3O/f+Begy6MX9jri5/6t++G9x+uEJBfw/0fW8gtOcpNhujOq81+Toe"
    "hRTtDnSshk2XNqlYkbQmEvhT0VqYpGvfMrivWaXZBDvVMNAZwvZx+3WpUwRfF5wi+Dp7iq"
    "DCf+Rz/zjdomXwH9ExNIY2tdmiImYhh3yLoETDJt5u4CDhEafVmJukUjxNeyz9o8Eq8jRB"
    "pWA2aaYmzrEozdQElRqoCgt2SCxYLMK+JWpJUjHkKAfsRsxScmdJQJbuQKO4G1yPOtkxvA"
    "MOf694OzlXY1gSxdfC8ZrYtctwNjrDaUvOlj/16ljXgsTmneAtvAK6/Xxz0yk0GXbA5NaB"
    "FtNMzrGTcrhdBi0a79FlWRl835jRRH6d507YV+1fbLIltHYoOvo7m7SIUfsE14bg7/eEGC"
    "P2SKRV2rKNukWA23VUY0rEwAcCdc6HAmwqwOZReSbLADbF3Nbm2JlX8f4nqXYT8nzW00uT"
    "nv/LMhiLy3yExWUGX2GTL8CyOpMrSakil83x8mcnU+x44bK7VYxEeaCKPVDy462VEb/NEd"
    "cHqyQ8MMhiyVxC9dUd0Zmd1PByGxVqqWbUXLNF+5IZYrws79S0HV4v13kiNnIZwmg8/jS8"
    "H6G/hKlL4zF6Mt05tIFbsVc7gbE2HnfRI1m66OwCzbN5Yvt4gLQ+bzgn+BHY6mhkpU8fx1"
    "rWYn2aT8QKinTQvMkpT02CbE7h+cRe2qbMnZ/P5RRZC7m9e4vFdICBi6VQHzKs3lQbKE55"
    "wOpA6ytHWx4IFqIlPJdoeVl8udXfJJS1isA1zDzcdRm4NZsmzJCs1Pn1yDKEW1UjaxiXD1"
    "12jHxdmnC7TqJcgvIwutEhHVFHogopd8iOhKrcId+lOyQKckrcIIkIaL77IxVx3fNBqJFa"
    "QclXnovuksVSnfGjHA1NXiVa7GhgS2JXPrkgQaTM4BJm8BKvLIYl61i+pRAjaUbFYv7Y1l"
    "QsPsLyNjXzdLN5ue9gKblCBqOkmTm6gVJQxW0RJzlc0fpX+1qNduytSKtaFfd3CXkLN/kj"
    "2dRLmcy6hUEIhuZRV3ZGwQZ1Lk2s0CJNlrWFHVcjvIJvVtD5BYWSVG3Iuj50XaEwOFHLYk"
    "rRqhnW5Bmmku3zNZXjtIwlYs9kIgTwmoqe5ySVyq4t9D1PolQWlZNU7IBOjqsm+aBH2Hm8"
    "86TpIuGtbpH/2YVGmu2VzAzpDClB0BqxKa9cTmyTGaaOeCcc6bbiNcNX6NpinoHug5wrXn"
    "I8zL9CfKG9QqaLTAdh98QioAidMBhcWfjdfh8lBeLxzvnNWAIaaGgKkqc85UofeO4Ul2Bq"
    "lk5uCdor/3gJ/3hyvavA5QyhYnepPCKHv2+Gz4W4pYBCAZaqRR0y+u/zqGk9zzDdPnXtlU"
    "xTi90tVNYwb6cRaGiSQ8AFsB6GGWNbp0IKKP2nqQt3e/UfmIo5lbHyd+c4zZ58zM+X3nte"
    "JvB5nh/4PM8GPvWqSIyIQuk9ZdTMoHyO4FIVLTNF14JjGNLHdpcZy2cFh3bnsbraglFYnP"
    "D42bz7EW0QV3oMfb4mH1EoWFGrFHxim/q8I1Pu/TvFin3UpjHFeXLRPtLVQYLzCXSD7TT2"
    "xmcl5SvqX4gtL7aZvwDHSFqoUewlm5RPqioqm9+8hdw9LVXp/rSg0v1pttI9PNGVlt3M3+"
    "FiJIff4pS3qv5m9u2/4ObLlA=="
)
