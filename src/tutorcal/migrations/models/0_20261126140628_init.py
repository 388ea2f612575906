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
    "time_zone" VARCHAR(64) NOT NULL,
    "sync_requested_at" TIMESTAMPTZ,
    "sync_started_at" TIMESTAMPTZ,
    "last_sync_started_at" TIMESTAMPTZ,
    "sync_lease_until" TIMESTAMPTZ,
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
    "last_message_number" BIGINT,
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
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
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
    "user_id" UUID NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "tutor_profiles" IS 'One per tutor; the tutor id in the API is the user id, not this row''s.';
CREATE TABLE IF NOT EXISTS "tutor_subjects" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "subject_id" UUID NOT NULL REFERENCES "subjects" ("id") ON DELETE CASCADE,
    "tutor_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_tutor_subje_tutor_i_3f9934" UNIQUE ("tutor_id", "subject_id")
);
COMMENT ON TABLE "tutor_subjects" IS 'Which subjects a tutor teaches (an explicit table: Tortoise''s many-to-many cannot bind';
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
    "start_minute" SMALLINT NOT NULL,
    "end_minute" SMALLINT NOT NULL,
    "override_id" UUID NOT NULL REFERENCES "availability_overrides" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "availability_rules" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "weekday" SMALLINT NOT NULL,
    "start_minute" SMALLINT NOT NULL,
    "end_minute" SMALLINT NOT NULL,
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
    "eJztXWtz2ziW/Ssofemkys7YsuNk3VtbpThyRhPHylhKd+/EXRREQhLaFMDhw44ym/++AE"
    "hKfIAUST1MMfjSaZO4IHUuCFxcHBz8pzWnBjKdV58RMTCZ3lETfbAhcVuX4D8tAueI/U9m"
    "mSPQgpa1KsEvuHBsCiPLL63ZrLg25eXFfTh2XBvq/AETaDqIXTKQo9vYcjEl3LADuAkQJs"
    "gAL0Yj13OprUMT6DaCLjqGxhyT0egIUBtAAsSfL4FL+R9oDrEJ3Bl0wQw6gFAXOHhKWEWY"
    "gAVyX/GXMKjO3oK93Z6e5xH8bw9pLp0id4Zs9tSvf7LLmBjoG3LCP60HbYKRacSwxwavQF"
    "zX3IUlrn350nt/LUry3zLWdGp6c7IqbS3cGSXL4p6HjVfcht+bIoJs9qOMiAOIZ5qB28JL"
    "/huzC67toeWrGqsLBppAz+RubP33xCM69x4QT+L/Of+f4NUixTTttj/UBt2hprVSXuevkH"
    "BMcEmnhLcYzNsPA+aHX+8KEHG1xR9w9ffO3Yuzi5cCAuq4U1vcFHC1fghD6ELfVIC+Qtl3"
    "tKFBN432e3bHxXMkRzxumUDeCExfhf9TxQPhhZULVh9OCG4I3w4Ab7EfaPSJuQh8n+OAYe"
    "9TdzDsfPrMHzd3nH+bAr/OsMvvtMXVReLqC99flPUJfr+xrAT83hv+HfA/wb/6t92kV5fl"
    "hv9q8XeC7KPVCH3SoBFppuHVEDVWcuV18e2mHX41g7bc2UuDhJ8ZXrv5tnbp1zn8ppmITN"
    "0Z+/OsfZLj2N86d/7H1T5JeOs2uNX27/2I4YsdTXSlaYjfUdblQpLRiUXMEkCPmd2uvqHl"
    "lf32Wu/6/ZvY9/KuN0xg/OXTu+7di1MBPSuEXXG5dztM4y3GpvJ4L80U3mvw5gP15CEyiP"
    "ALY6g/PEHb0FJ3aJtmlU3fmrfnySuQwKnAj/9O/quCWOyLI8KIVIwmrufGZR4rUTgS+0Dp"
    "lMVGUNepR9xfwWg0FVc0xxuPRgA7LPJBABuIuNhdHAXREGWjBYCA+cRl9bN4yWB9tiOLvL"
    "Zev4q0VKSlIq3aRVqrr7pMuBW3alzM1X79ukDMxUplxlzi3o9axbTpb6hhQa3AS3tENmaV"
    "SoaM3FArbawCrhIBrvi3RNsOy++qaacxbu1qNE50HSdFWjYrld11nKRatoV117OR5tmlOp"
    "CEWSWsgz6iNiNxAuzzt4XQPn+bAze/GcebhynfKSnVoqM2e2zVX4ZX+2nYF+cFkL44z8SZ"
    "31JJCJWE+HnwNqHjanzJQcOkwqxKYr6FqVXN+vMDmUmFmOROpQxkomoT6Lil8nKdvexZRs"
    "U0SdxSpUlq7Hbx9iUSyqvmAS2sufQBEUcyzAa21x/vkAkFuumGEKSLOxYe8moOsBn8CBt+"
    "eHXVHCKDI52yYc1BjsNq3xCrG17XwK+qqXhR1jpn2sSkTxuC1e+wiq5ZPQc7jOQDNce2TW"
    "3WzeqQzV0MaG+I16egvquguqY2MBd605nLU7p/Id3dELQhn6AN/KqaChh8hJj9AMwmAAuN"
    "PiLbxuxxG/b6kTr7QZU/BX62Z24TuztWXVNxE8kPzt/bzuA5DKpr+Pg5pvSBVeJo0NEc1+"
    "Pr1pvh9s6v8GfAKytLp9Barp0HwYE2QSzy2Eb8H4Yb16zCRk8E2Ag3t6iLiM5GAaRT29gQ"
    "ud6qwjtRX5OQK8VcSq3yT0NyuBzdPkFDyv6zHmOfHbTkmjdwGiH6PM2y6QSbknWg8pCJcf"
    "bzqr6GYFaSHbdMa0gYctGURzZLLp5gWUuVy/6FipC2j/yuIqSpTGspQpr4trUZdGalVt9j"
    "Vo0jpG1/8b3+hJ29gXtaiLJzmkPZOU1TdsTqredU6r6StmpBsD4rQ+kOy0aPrPOp4ue4pf"
    "Jynb3MN2do5eK+iMk2g7/6OnVNrJdaT42jm4b2mtoIT8lHtBAA99h7QKLLhqHEHpvDhDQ1"
    "uWKXbfi0nH9EGxT77T5pRODeGVx13ndbP55nx1Ns+VUyr0suz2bP7dKLwmp+p+Z3an6n5n"
    "dqfldyfqc79kSrhrXEtIGzvu1D7hN2EapO9l3ZNrBPO5A+rNBsAH2zMKuugqPjlsrNtXaz"
    "mtr/DF4W0yo2tZEtjWaPknGrxu1jfH3aLjA+slKZA6S490MlUVQSRSVR1idRVrRsSQYlxt"
    "nOTp8kOOLrZWT6BAFuQ238XdAXgI2YMx2XS+RNTDydSVT5ihjdk3vW4ixxievE8BzAGPJX"
    "4DJ87KJlUx05DpijObUXR2CMdMg8E8jO/OKwOg0WJ+kumMMFMCExAGV1QmY+Qza4MqlngD"
    "uPsLr89syF/vxnUYJ81T92w+a6gfwiB0XJ0NSlEztSWSGVFYpFBuxbdVHpTEXcSmWF1q/6"
    "02DoL7zsT+WxQhMyQKftIuIRrFT2un87JR2hs2E5lJGxNR1bbJBx0TdJZzZkVzM6spw6Gu"
    "GHvI6r+8cw1meFaL/41PnjZazfuunffgiLR7xzddN/l9RP8WzWX2U0/C7x5qnQOK6jsjKv"
    "M/ytQe/Drda7vQSBasA9uerf3navhtpV56Z7+75zd8ml+QgLq5a745LhXZEP56zI1PAse2"
    "Z4lpoYEta6NQu6pXr/mNEeJ+B/288MfFfiNip3WalfqlFAVSirxX+aN68WSMdNVfayzn5+"
    "tpza4fj0UFJq9UT0UDNq4Q667iOSn5oRL3CUl1lb7u9DvGzB7No7z1kc8w6SFdBdB9CJyE"
    "2JKpZ5q0tfM5kXc454ysr1HMDTXaxy4ljQ5vvYAPsHPCBLko3b1UMkebKvrWjQGGwpEw/i"
    "3v8zkUaLlxa5OD6e/KnSayq9Vs/or8HpteTHmnL9WqnnqGmdJ8FVJ1u7UHy2ke7ZQqqhCv"
    "By6waKuO4Cen+MK5tL9i0a2LxPL4pkOpMdVCTReSEB2B/QS44iUbsGjiEHMmYUI7mRKmHC"
    "ykq5t9bu5bq+pqkZcJF28VpB4JWhkgQuJ8G8mnLJlDjWCV/HjRX25bA3kG5iwuYw44VGn4"
    "gst7POA9IqlB9K+EEJ6GYHbYc5A5UMN9kKWeXSPAkzRQHNz1dHU24b5qwbrHt6lEhgJxpZ"
    "nZLYUaEtSQo7ocOVncCOCoAVPmOQJ/Z/cYBgn/qnML8CQqHJEbniT8xZ+BrZBLlgRVJxAv"
    "IlgqZPx+SDJKsF83OXHWwg2WmDO3ySInzWoMs6UhnpnygeKJKRttGEVTYL9plW48nl1dGE"
    "POm+aXJQ55z8jVySU4XyyIYeqU7cyqlGkXvqM2mSrNvxUIiNcI5OLZk++j8G/duMZbuUZd"
    "LTWHfB/wETOztT6I9EJ2MPsxCOOK/4854jQOFI5X+eyS8x4U5eQfLzzFtlWk8rfo4VJ9YV"
    "uPgRlXRAq3M17P3WvQS+9T0ZXPU/d7VPvcGgd/vhEohGps2x4zDv3JO77m/9j933lyDYBZ"
    "0M+J+HY6w2c/8MPabKLmZ/YIc5myiSXazPxvJn3T62xZximXTXOr5sKJK+XbZsLaHfMll2"
    "o9xhKoMrSSDKsrzZWUT52VrF9pn7qUoQWnKiKgRCZd9P44n/ZXeB/xDnCDxhdwaw6wBnQX"
    "TBWpXkDrdbtZT1ujz+JEiiRtPFSdaryiWqXKIa/bc4+pdgt+YuMa4luOavNDaBBLgboqU3"
    "n0NbQiHKYVquTBonm7QTjGeUdXR5x73lcVbSxoqtUoKtolOPPY+fgjb2nLJMubTxHrEPB/"
    "iDhZ7HZn7OuswKRNxKLTqUX3R4Yr+Tjb9VGd4Sc5Uyq0/uJB0+BQ6rRvdOGStf19nXQmd4"
    "wn6mJvrJikLFyQqUz2vvc+6t6ocRxayVt+vsbe4B7TslpWS+YkZ7nJR9GV7tZ162fSk10f"
    "0FypeVPixpBerbqvO3JVwWyIpW9XjcXPm7zv5ejn0bOD2rDuX5OnteOMxE0EGaR1xsVvrU"
    "E/bK47X2+OFxuehDyeCp1f94CejDPbnu9G4Ec2sCsSk4W19uO7+xi513N91L4BH4yG6Il6"
    "sQbG2fu8Ufh3SPk880/sqeLWND9kimoKrcPOErXOg0+0q+OtlVlDvlb3DcPj1/c/727OL8"
    "LSsi3nJ55U2OL9I5VzFaIb5KXibnGrdSOdfyOVfBMSjJYIraqI2R+RsjlxyODXdFNvxwjG"
    "iTKrsNMiIcshTJS6yVBXbXH++QKY6OyAY6Jc7XEMTjw9oMEhKQrKpD9Tt09dmVX1VTkRIN"
    "k2th5ayCl4BsGFQXOZW2KajtcjdyrKVJ2ITJlpjNJHziJbVo+y+yITkg+lmeMwOBLXgxGv"
    "n9zStR52j08lexGxgbwKAee5wDoANGoz+OufVx8HbHvfejkWwn8i4esX4L8teotraSyFQk"
    "wpr2Og0mEbKaqGfrqLRKY8xM0QaLUdrqcwp0rbDe/jKVOu2hyuhRp86rYPaSWla1RamYpc"
    "pR19nLIs82Z3MWFp5rxJuPpQp2eJqZCM2ooFIetGZ+DjKh/9Vun529aZ+cXbx9ff7mzeu3"
    "J8uUaPpWXm70Xe8DT4/GfC2hBytZMyVrVpOp/9HhyJoNvPFfSJdKmoW3jvLSB45fqFjiIB"
    "tYpQ1Wg+/+SE3F1VQ8NqiKf1P+zjkIMCjfwAnh6clJgRkhK5Ut3c/vpc8oLYNvWL5xB+xu"
    "h6hQQjshkgCB3nTmamPZlrKyCxmRIfPAGnuhtZ8xpQ+skg2XfN75tRzexOZZVnpEu/ps0w"
    "kWkKSitNj93FDNX1K2/KIl9CIsZPvCDf5aiy/nIKRdxd+dzz2AHfG/XFKD3TkChLrsArtq"
    "06dfHLlWxHaqVYGjChxV4Fi7wHGMadrd2bS1oHgDRAj2TVcLWBhVJTcyzJtAHNyH5EaA3g"
    "NaPFG7EvAR0z22/pB1s6uvYA9TJ67jEG22pTRZpcZKljW/d6ogyxr8AAa1BXXsSqZYmQsk"
    "MtP9scRPd/VhbJkl7pjU1eaYeG4pGn7SbH/AXhwK/37sTSbIroBt2lBtbkiCy8BhoaOLdV"
    "QBYLnx/kB+0z4UmGdskP/OV5vgogzASTPVO6QbMItvwmyYZrHP3XE9g58NzP//CaGHMu25"
    "SF0NIgZszQk6X2A2q3ckmfZ7jDPOzw+lybMwT58hwzNRdcRz61Coy87KnBJqo/CYVy1zQ0"
    "/uYZlZdSj9QXVa5k+cyJQw/ZSe/c7JZGV4TkrPvpZ69rG17qw1yUL0MX9NshSJrPX7DOsz"
    "ENqsBOYRZLGFA15AAtA3y8Q6doF40CUYUtul2EG/OID9qMWxS4/5v4BFgHxNccw8m1qj3M"
    "1j7gkE/MsAlo259jJ4QAtfGx+zZ5gOZQ+iBHFT9o+4SwkY/POGjUsvCyjjB++r5PDVKqgK"
    "Hp57FTT4GEvGD3ErxUhXAh1KoOP5SV7JcGu9QIekJ9gCrM2jGCaRjfd/ddos0fG1uLCJ3U"
    "X/Edk2NpAs/pWWy42DYcRCo4FJCY4eH//9MNJGlgl15DPnePbYXADbM5HzKyAU2JBM2b05"
    "gsSJioux0NNklSzkVL2t1p4fv4plB+ZsFb+q+PUwurUGx6/hxyh1udzdEZM8Xx+gn3P8yn"
    "2lolQVpdYvltqOjJw/rktWnUrs+pDFRHe83gahv9ONINkAFoxAl2iXDEO1lfvVDl8V4qkQ"
    "r0khnn84mM/CSPt9MGczt2wWacJ2fwSO3ZOUztpvLpbcDf5HHm1j8Klzc5NmDPCjuKohG7"
    "dUuMZxXQ5M5QaGhJmKsPMjbBpJXG0YZGflww4T5rVBd6Kh1TWDeefJdxSnyhQPGUUqcOeB"
    "YiRdyFOQBlwopVYVPNa112hw8Bh+fSWjm4iZCm1+qHBcheMHjatKdatUdw2i7k1S3TsX8I"
    "mccJHFl40fgrGGMps8gKMYS0Ds/AA4aCmcWBqwWn9xQFAbCHfF++v9OmQzmWC5PywRSBbI"
    "qQLbfcQ9uSdDdt2mT5wfyy4jA4wXomxwPoT/QIf6lUHAT8QG7NtaEB34Gy8cgPkbAcFcuG"
    "R/OFxM6J48CYJvuPMOWJS1LcDrIAbw7/HHBPdZk4PEgX6YblL9wTkChD3bFmdTTFGmGtHX"
    "mGbqVLy0vwWHt9UkzSHK5BXDuTqFQs1t6ts3N3huk/xSU67P1naRmDZQEHMnijo20j1bjG"
    "5VgJdbKzGjQtAjF07LgB2Wb4BoV0KuqP22iFxR+222XBG/l5gkYdcsJfW6NGgeviftIoer"
    "8GI5glDt1AEr0ZdLAZ2tPZcwawDceaPwLjToWDgM5ahnN++oTfM66F018TlCrmZiIpEXyY"
    "Y6ZqSwLor1cv5VMuiP2jUw5D+QED/EJDfG53ndCsdxkQbP6Jrk3gqqg0ptcOVvCfHGnkKC"
    "vyNbQ3OIzTKDkMS0eUPRWbuI0CkrlXOOQUroFLou63EQ8oErJXMqMVUip/nhbwWRU+xoPC"
    "/8KJne5csyRe32KMUUJmmVElPzhu8DTchKhvOUEpM64E/JKdQVULV6v185BXUMZRWMNzyG"
    "Up0D9Zzb/0K0JPSRCJDZtJGoz9azRTogECEWtA0o+BMwpGccAWrHZcq4nnyc6xG2tTRLZH"
    "tVc3ZIn4DPfn88+OeNIGzM8dQWLQ+w2MIBT5wWEgqzhUps6JvFOnDnktVqQdvF0AR+4wKi"
    "Sd0TZv1i+UrB+74EE/ZyzOsTbM85DyVA9EgwRtA33fR8esuqtax4Kfdk+frLCvhPc4QxjG"
    "CSfkBANOHbCkxoFTz26msrqFJE00suyRGQUkz4ZWfFPmI3XM9RzBPFPKnrmHegE50izJOH"
    "QI0ynVrrEm+eCmtifg9t68w3aQ26g0Gvf3sZdvr3ZHDTH16K/jA5XBRaAboosv6T9Ghk9e"
    "dCsvbD+7+KTlhZ73ExeTlslOziWlf92+ve3afu+8vV0HNPrjq3V92bG3FVyOSbKCWR+my+"
    "UetypUagOnWAal1OuZdF4JJceTZDJyyvqDmlqTmKMCIZknZEGAlovxVP4pRbNw/9nXBXl6"
    "hVYQ1LjRXw5YDn+22qxsupSvbY0VvsyeUPQm0N/peFxyw25m/Mw+XP3dv3vdsPlyCo755c"
    "d3oiep5AXJvQeRnJV8koJGy3EGPV7HNpUoi18tZYQn/K6wvjds3rBnf1VWk2gk45DnTKsH"
    "lovy509PPrnKOfX6ePflb8j2z0DzMtWoT/sTo70NAmNp2X5CxkmG+wKFGzD287dJDwXPqS"
    "R5bErBSmyYylf55rSUxjVopmkwT1ec/WaWRDVVyw3XLBIivsG7KWJIohB9lg1x8GExtZYp"
    "SlOxZR3PWuhq10G94Cwj8r306OaoRLonDNba+xUbsIss9wMtSh9gXZB0OxVwC3X25uWrlT"
    "hi2A3DjSYhLkjHlSBtpF2KLRGl2a9sHPzRmN7a/z3DH9pv1FxxtSa/uion/QcYOA2iW5Ni"
    "R/XyNkDOkDkqq0pQsd5RFul6saEyQaPjNQZ2gowqYibB5UZrIIYVN829oMOrMy2f+41XaW"
    "PJ/1oPp45v+iCMfiIpthcZHiV9jokUFW5eOKW6qVy/pk+dMfk8fmhyVTUBETlYHKz0B5we"
    "xbTeLz5kCRBlUnJeGegeYWdRHRF3dIp3Y8wssslBul4lVxzRblC+4Q47K8E2w7XC/XeUI2"
    "cCmAYDT63B8Mwd/CrUujEXjC7oyVYbcir3bM2tpodAQekOWC9jmYpfeJ7eIBUn3e8Jt4QA"
    "t17LCKpw+kL2twPM0/xBKBdFC8zlue6kTZnLDnI9uysSydn41ywqyBaG9/xoIdBuDcEuFD"
    "Cup12kBRyz2qAy2vHKw8EOuILPZcpGXt4stUf5NYVhKBq9n0cNsycEuYxtSQ9NTZemQpw4"
    "3UyGqG8r5lx9A3C7PbVTbKxSz3ExvtMxF1IKGQSodsyakqHfJTpkNWi5ySNEhsBTQ7/ZFY"
    "cd3xsaWrsIKgb3wvuovmljrjRyUa6txLNDjRQC1klz65IGakpsEFpsEWXJgUSvqx7JlCxK"
    "QeisX8sY1RLD5AeZuK+3TT+3Lfs67kEhiUoHru0Q2CgjJpi6jJ/kTrT3bVG205W5EMtUqO"
    "7xLzBg7yBzKoF5oy6yZkTjA0j7iyMwrWhHNJY8UWqbOvTei4GuIKvmlHZwsKxa2asOt637"
    "pC4eJEpRlTwlZ9YXX+wtRm++xI5TBnxhK3p3YiBPSakpnnuJXaXZubex6vtrKoPUn5Ceh4"
    "u6pTDnoInYc7T7pdJLx1lJd/dlkhzfYK7gxp9QkCrDSgE65cjmxMDawDXglnui24ZvgCXJ"
    "nUM8Ag2HPFJcfD/VeAd7SXALsAOwC6xyZigdAxZY0rTb/b7aOkRDxeOb8Z2YDGIjRFyVOZ"
    "chUPPPcWl+DTLLy5JSiv8uMF8uPx/q4EyilDBXehfUQOf98Uzrm8pcBCEZbKrTqk4t/nCd"
    "M6noHdLnHthSxSi9zNDdYgL6chVhCjfdAFoB4uM0aGTsUUUPFPXTvu5sY/7FPMUMbKHp2j"
    "NjvKMT/f9t6zIgufZ9kLn2fphU+9LBNjZaHiniJhZiCfI1AqE2Um7BpwDEPy2O4ibbmdc2"
    "h3FtTlOoxcccLDh3n7LdpArvQY+uxIfmWhaEWNCvCRjfVZSxbc+3fyA/tVmdqI82SyfaS9"
    "g4TnE8QGm0Xstd+VlB2oPyJbLraZ3QFHTBoYUexkNyn/qMqEbH7xBqJ7Wkjp/jRH6f40rX"
    "TPnuhKZTezR7iIyf6HOJWtqj6Y/fh/E23/xQ=="
)
