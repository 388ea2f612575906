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
    "eJztXVtz2ziy/isovUymSs7Gl3hSnq1TpThyVhvbyrGV2Tk7nqIgEpKwpgAuL3aUPfnvC4"
    "CkeAMpkrqYYvCSWCQaJLsBdKP768Z/OgtqINN5/RkRA5PZHTXRRxsSt3MB/tMhcIHYH7lt"
    "uqADLStqwS+4cGIKIstvrdmsuTbj7cV9OHFcG+r8AVNoOohdMpCj29hyMSWcsAc4CRAkyA"
    "CvxmPXc6mtQxPoNoIuOoLGApPxuAuoDSAB4ufPwKX8B1pAbAJ3Dl0whw4g1AUOnhHWESZg"
    "idzX/CUMqrO3YG+3p+d5BP/bQ5pLZ8idI5s99Y8/2WVMDPQVOeFP61GbYmQaCd5jg3cgrm"
    "vu0hLXvnwZfLgSLfm3TDSdmt6CRK2tpTunZNXc87DxmtPwezNEkM0+yogJgHimGYgtvOS/"
    "Mbvg2h5avaoRXTDQFHomF2Pnr1OP6Fx6QDyJ/3P2P8GrxZpp2u1wpN33R5rWyUidv0JKMM"
    "ElnRI+YjAfP4wx3/1+I4aIqx3+gMu/9e5enZ7/LFhAHXdmi5uCXZ3vghC60CcVTI+47Ava"
    "0KCb5fYHdsfFCyTneJIyxXkjIH0d/lFHAuGFSATRxAmZG7JvBwzvsA80hsRcBrIvEMBocN"
    "O/H/VuPvPHLRzn36bgX2/U53dOxNVl6uorX16UrQn+urHqBPxjMPob4D/BP4e3/bRUV+1G"
    "/+zwd4Js0mqEPmvQiA3T8GrINdYykrqYu1mBX86hLRf2iiAlZ8av3cytXcp1Ab9qJiIzd8"
    "5+np68KRDsb707f3KdvElJ6za4deLf+57gL3Y0sZRmWfyesiUXkpxFLEaWYvSE0e1qDq2u"
    "7HfVej8cXifmy/vBKMXjLzfv+3evjgXrWSPsisuD21GW30I3Vef3ikzxew2/uaKePsaUCL"
    "8wgfrjM7QNLXOHntC8ttlbi5NF+gokcCb4x7+Tf1Vgi31xhBmRsdHE9UK7zGMtSltiHymd"
    "MdsI6jr1iPsrGI9n4ormeJPxGGCHWT4IYAMRF7vLbmANUaYtAARMJi7rn9lLBluzHZnltf"
    "X+laWlLC1laTXO0opmdRVzK0nVOpvr5O3bEjYXa5Vrc4l73xtl02bnUMuMWsEv7QnZmHUq"
    "URmFplaWWBlcFQxc8X+FsR2239XQzvK4syttnFo63pQZ2axV/tLxJjOyLay7no00z660gK"
    "TIavE6WCMao4lTzD57V4rbZ+8K2M1vJvnNzZRvlFQa0XGaPY7qL6PL/Qzs87MSnD4/y+Uz"
    "v6WcEMoJ8ePw24SOq/GQg4ZJjV2VhHwLW6uGrecHspMKeVK4lTKQieptoJOUSspNlrJnGT"
    "XdJElK5SZpsNjF21dwKEfDA1pYc+kjIo5EzQa0V5/ukAkFd7MDIXAX9yw84t0c4DD4Hg78"
    "8Go0HGLKkc6YWnOQ47DeN+TVNe/r3u+qrfyibHTOtalJnzdk1rDHOrpi/RysGilm1ALbNr"
    "XZMqtDtncxoL0hv26C/i6D7to6wOATxOwDMLNnlxp9QraN2eM2XMRifQ6DLn8I/tmeuU3e"
    "3bHu2so3sZfncLTt6IJR0F3L1QHbeT+yTtjW3NEc1+Nh2M349t7v8EfgV57TSXFrFQoOdJ"
    "02RUyRbsOcDbXnFeuw1XYt03ALi7qI6EwLIJ3axoacG0Qd3on+2sS5SkCcTNB6FmKd5dwd"
    "EjSi7J/1PPbBLivodAutYrHmaZZNp9iUhDWqs0zo2c9Rfy3hWUWw12qXLgF8xXfw+aCvpL"
    "9gLfIr/wsVvmof7kqFr1KOw0r4KjG3tTl05pWCyQmq1uGrth9Lbj7+ZG/MPS6FQDkuQKAc"
    "ZxEoIhjpObWWrzStim81J9CRXbBs9MQWnzpyTlIqKTdZyjzXQKtm98VItmn8NVeoa2y9TH"
    "gwyd0sa6+ojfCMfEJLweABew9IdJkaSqWMHCZLM5srdtmGz6v9R3xAsW/3MRCC7737y96H"
    "fuf7yyTwJKKJkn1dOtqYv7fLxjjV/k7t79T+Tu3v1P6u4v5Od+ypVo/XEtIW7vq2z3Iff4"
    "pQfexqRNvCNe1A1rBSuwH01cKsuxqCTlIqMTdazGpr/yNIWWyr2NZGFhrN15JJqtal5b09"
    "PimhH1mrXAUp7n1XThTlRFFOlPVOlAhlLPGgJCDI+e6TFOR5fVWUIUGA01AbfxPwBWAjJk"
    "zH5RXfpiaezSVF5soQPZAHNuIscYmXPeE+gAnkr8CryrGLlk115DhggRbUXnbBBOmQSSao"
    "ovKTw/o0mJ2ku2ABl8CExACU9QkZ+RzZ4NKkngHuPML68sczr1vnP4sS5BexYzdsXgaPX+"
    "RMUVVVmrKIdZVXSHmFEpYBm6suquypSFIpr9D6qD8NVH/psD+V2wpt8AAdn5SphcBa5cf9"
    "TzKVEHSmlsOqKLamY4spGRd9lSxmI3Y1ZyEr6KMVcihauPq/jxJrVsjtVze9339OrFvXw9"
    "uPYfOYdC6vh+/T5UA8m61XOQO/T7xFxjROlgWJyJvM/s794OOtNri9AEES/AO5HN7e9i9H"
    "2mXvun/7oXd3wSvNEWZWrZK90uZdmYlzWmZreJq/MzzNbAwJG92aBd1Kq3+CaI8b8L/sZw"
    "e+q1otyndZa11qkEFVyqvFP81b1DOkk6TKe9lkOb+YT+1wZHooLrVmcvRQPWphBl3/CckP"
    "gUg26BZ51lb5fYi3Lelde+85yyO+QLIGuusAOhW+KdHFym914ZcA5s2cLndZuZ4DuLuLdU"
    "4cC9o8jw2w/8AjsiTeuF09ROIn+6MTNxqDlDLxIC79P1NutGRr4Yvj+uRP5V5T7rVmWn8t"
    "dq+lJ2tG9GsrF8dJm7wJrrvZ2kUBYxvpni1KNdRhvJy6hTVJd8F6X8dV9SX7FC0c3sfnZT"
    "yd6QUq5ug8lzDYV+gVtUicroU65EB0RjmQG6ljJkRUSryNFi8vU2uamgGXWRGvrW8bEaoK"
    "t9UqCkdbLlkljnV1nJPEivfVeG8g3cSE7WEmS40+E5lvZ50EpF0oOVSQg6oHm2+0HeYOVK"
    "Ju8itkVXPzpMgUBLTYXx13uW3os25xGc9uyoGdGmRNcmLHC21JXNipOlz5Dux4AbDSR+Zx"
    "x/5PDhDoU/9Q4ddAVGhyhK/4hgkLXyGbIBdEIBUnAF8iaPpwTK4kWS+YHyPsYAPJDs/b4Z"
    "MU4LMBS1ZXeaR/IHugjEfaRlPW2TzIM62Hkyvqow1+0n3D5KDOMfkbiaSgCyWRDSVSH7hV"
    "0I0C9zRn0ySJ23FTiGk4R6eWrD763++HtzlhuwxlWtJYd8H/AxM7ZUq41kNKRtbJxMPMhC"
    "POa/68lzBQOKeKp2d6JqbEyTtIT8+iKNN6WPFLRJzYUuDiJ1RRAJ3e5WjwW/8C+NQP5P5y"
    "+Lmv3Qzu7we3Hy+AGGTaAjsOk84Duev/NvzU/3ABgizotMH/Mhhjlcz9I6yYyruYP8EOcz"
    "dRxrvYnMTyF00f26JPsYq7ax1eNiySvl20bCNZv2Ww7Ea+w4wHV+JAlHl5872I8qOiyuWZ"
    "+65KEFJyoCoEosq+78YTf7K7wH+I0wXP2J0D7DrAWRJdoFYlvsPtdi1Fva6OPwmcqHF3cR"
    "r1qnyJypeotP8WtX8FdGthiHEtwLU40tgGEOBugJbeYgFtCYSoAGkZkbSubNJOeDynbKEr"
    "Ou6tCLOSJVZolQpoFZ167Hn8FLSJ51RFymWJ98j7UMEfLOu5beb7rKtEIJJUKuhQPejwzL"
    "6T6d+6CG8JuXKZNcd3kjWfAoHVg3tniJWsmyxrUWd4yj5TE+tkzULF6Q6UzBsvcy6t+ocR"
    "JaiVtJssbS4B7Rsllcp8JYj2uCn7Mrrcz75s+6XUxPIXVL6sNbGkHai51eS5JUQWlBWtK/"
    "EkuZJ34+XNtvcO0thGHpu1BJ6iVxJvtMQPD9FDHyuq0M7w0wWgjw/kqje4FvidKcSmQO58"
    "ue39xi723l/3L4BH4BO7IV6uhsrdPoKHPw7pHocgafyVPVuGiRuQ3LKacvKUrHCpM81rye"
    "rNrmydGX+Do5Pjs1/O3p2en71jTcRbrq78UiCLrOdN2PyIx0qreN6SVMrzVt3z5h86Xy1U"
    "HKdR6XHF6XGrSP6GuXEtPyIhPqSqJsPFykesSqWlIiYB3dWnO2SKAwTyGZ0p0dYSjifV2h"
    "wSEkBt6rPqH9DV55d+V23llBiYvCJSQSy0AstGQXexs0nbwrVd5qQmRpoEU5Yeifl4smfe"
    "UouP/zJpqQHcy/KcOQhowavx2F9vXos+x+OffxU5odgABvXY4xwAHTAe/37EqY+CtzsafB"
    "iPZfmou3jE+kTUP+IVllWhRAUla+iq02IoGeuJeraOKtfqS5Ap8Fg5YFNzzgJuFK+3H6xQ"
    "Nf/raI8mLV4lvZfUsuqFJhKUykfdZCmrUkqqlNILsfiQSynde5N/IV1aRim81S3arDp+o3"
    "Lb1HzGqnpEDZj3XbXxUxu/hFIV/2fkXXD4WNC+hduP4zdvSuw/WKv8cuH8XvZcxCr8Ddu3"
    "7lDP7YTFK+RrRzKYUPrIXnRDr/l7v5eD3QNs3Vmeik9I2HsDyXJE+b8lLUYRmfhs0yk2a+"
    "mJpqbCi8/TUtZX+mNtPgSZGo1SDCPDa0ptIZNHtFwxXLN8WicwOleCCxoF9MFdd25TbzaP"
    "qOPdS+1Vdl2LC2A1ZnJNzcQXSezN9BfnG53JDywXIWEbE2SAyVJEJ0QHPzmiwibARhc4NE"
    "iKD2/69TLF797nAcCO+DNonw2ObL33DQxiVfZjh3bwBNMsY/PRP0HzFmT07hv1EwSz6+av"
    "55C3AX+1j/z1gHtMVzxTuxbjY6R7HP0heGFXs2APewKeFB0ftpUKHEqJVY3D4tWpRo3D4A"
    "MYqy2oY1eSAp8LuJWR7g9se7yribFlsK1jUldbYOK5ldDMabL9Mfb8UGDME286ZdZedd5m"
    "CRVGPM1cxhyNUBfrqAaD5cT7Y/IvJ4fC5jlT8t/4thQuqzA4TaZWh+wAZvZN6BHTLDbdHd"
    "cz+EGb/O9nhB6rjOcyfdWSQdMs8i0LQed+MLP+QpJLv0c74+zsUIY8M/P0OTI8E9XneGEf"
    "iuuyg+dmhNooPDNRy82LKDx5Lq8PVcxLHT33A4d2JYCplXte1TPeTRBnh/WM43UlY0GfzY"
    "JpMXRPW0QgjaPFvjMdQosFJpMBtGRsLB05k4bXNg+g+eiLwghaz888x2wtXw6fkG1jQxpJ"
    "k7brFkXUYIxCowFJhTrWfI33Y1w2skyoIz+ixY18cwlsZhc5vwJCgQ3JjN1bMJXuxFPpAd"
    "PhrJOlvJT1VnsvrmYtdodMUKqEdaPCbgp+1jYbpQz8LJyMUpHLxR0jKZL1Acq5QK5cVqpo"
    "giqa8PKosbQhvJ2iCb5elzgHKgD0ZDbRHe+3RdzfaYJ7PgNLWqArblc0Q7VI/CrDQJl4ys"
    "Rrk4nnF0QP5ZKC1RUkZsap8iR+oNJeI92ECKXii+BF7zITkRNwaSUToYlRWQRxGiWADQWw"
    "UnXVVE2KTNnsxTY7jbnCNjTb8zxsh8nmtWZ8aqA1KYE1Lok7T55ZkGlT3ggVzsWdm54xBy"
    "R3ahpwqSodKXO0qatGi83RcPZlRH6/gKaZC/+Ike0P7LF7QNPpyS/nK5wH/1EE8bi/6V1f"
    "S4C8ysB/eftSGfgvLADljlfu+AbY8Zu443dpxKdrzuZlByfL0q5JEE6XxC2HZBAgQoCDkQ"
    "KYCQtXCb1Bb9GZ2gKToEO2NwogCWGLIPtNDmfY7iMeyAMZses2feaJxI/xTOSgYqv/wDAL"
    "GQJ+Uhlgc4sf8+1j+ByA+RsBga64EIeAY6P7QJ7nWJ+DEMQNLMrGFuB9EAP49/hjgvtsyE"
    "HiQN/wN6n+6HQBYc+2RbXYGXLy8RfxulLB0cPipWWnicc2S6vjFNVuSe2WGro2t3i3lJ6p"
    "GdGvPV88TtrCokE7Sc62ke7ZQrvVYbycWuXFl2I9cuGsCrPD9i2o/5DKfD95Vybz/eRdfu"
    "Y7v5faJGHXrHhAY0DQPv6+OSlT7pg3K6gtcJIpeRx/uQyj88uYpMhawO59lzNh5jCUcz1/"
    "eMdp2rdA72qILxByNRMTSaZqPqsTRIrXZXkdP86+itEfp2uhyX8gJr4kTSxr40dn2FcRcE"
    "SlxNto8dYoYKMK1xTlNVN7Bgn+hmwNLaDscNx8JSQhbZ8qOj0pUzOLtSqo9ZqpmQVdl604"
    "CPmMq1QxS0Kq6mUVm7816mVhR+N+4SfJ9q44wz9Ot8es/tBJq5L626e+D9QhK1Hn2UMz1S"
    "Eo24t2qOi9it4fWPRethZsga/qqJ6yIAl1rMBLpiiG3JLAR2KMzIeNxGVW5szdoJ6dgG1A"
    "gZ+AITyjC6jNflGCjlx6xP4DvDRpEusRjjXZWbvb6pqjQ4YEfPbX4/v/vRaAjQWe2WLkAW"
    "ZbOOCZw0JG1HYpdhCjJYT1h75abAF3LlivFrRdDE3gDy4ghtQDYdSvVq8UvO/PYMpejkl9"
    "iu0Fx6EEHO0KxAj6qpueD2+JRkuES3kgq9dfdcA/zRHEMMaT7AMCoAlPVDChVfpo4aBLYU"
    "2vsCRdIIWY8MtOhD5iN1zPUcgThTxpqs470I1OGeQJm/M5qIc+8RYZsyYh95C2yXiTzn3/"
    "/n4wvL0IF/0Hcn89HF2I9TCtLkpFgM7LxH/ycc78Vib2w9e/mkKIqPcYTF6pjYpLXOdyeH"
    "s1uLvpf7iIVM8DuezdXvavr8VVUXHVDHpugmxUXK6SBmrSAqjickq8zAKXZevkInTC9gqa"
    "UxmaowAjEpW0I8BIAPuteaiTnLp93N8JdnXFtTqoYSmxYnw1xvN8m7r2cqaTPS70Fnty9T"
    "O1Ovf/x8xjZhvzN+bm8uf+7YfB7ccLEPT3QK56A2E9TyFujOm8suTreBRStFuwsRo2Xdpk"
    "YkXSmkjgT0VrYZKufcvgrmaVZiPoVMNAZwjbx+23pU4RfFtwiuDb7CmCCv+Rz/3DdIuWwX"
    "9Ex9AY2tSmi4qYhRzyDYISDZt424GDhEecVmNukkrxNO2x9I8Gq8jTBJWC2aSZmjjHojRT"
    "E1RqoCos2D6xYLEI+4aoJUnFkIMcsGsxS0nNkoAs3TGL4m5wOepkx/AWOPyj4u3kXI1hSR"
    "RfC8drQmuX4Wx0htOGnC1/6tWhrgUJ5Z3gLXsFcPvl+rpTuGXYApNbB1pMMzlnn5TD7TJo"
    "0XiPLs3K4MfGjCby6zx3Qr9q/6KTDaG1Q9HR3+mkRYzaJbg2BH9fIWSM6COSVmnLNuoWAW"
    "5XUY0pEgOfEahzPhRgUwE2D8ozWQawKea2NofOvIr3P0m1nZDni55emvT8n5fBWJznIyzO"
    "M/gKGz0xltWZXElKFblsjpc/O5lixwuX1VYxEuWBKvZAyY+3Vpv4TY643lsl4YGBFhZ1Ed"
    "GXd0indtLCy21UaKXiqLlmi/YlM8R4Wd4pth1eL9d5RjZwKYBgPP48vB+Bv4SpS+MxeMbu"
    "nLVht2KvdsTG2njcBY/IcsHJGZhn88R28QBpfd5wTvAjsNXRyMqePoy1rMX2NJ+IFQzpoH"
    "mTU56aBNmcsucj27KxzJ2fz+UUWQu5vf0dC3YYAxeWMB8yrF5XGyhOucfqQKsrB1seiC1E"
    "Fnsu0vKy+HKrv0koaxWBa9j2cNtl4FZsmlBDslLn1yPLEG5UjaxhXN532TH01cLsdp1EuQ"
    "TlfmyjfTqiDsQUUu6QLQlVuUN+SHdIFOSUuEESEdB890cq4rrjg1Ajs4KgrzwX3UULS53x"
    "oxwNTV4lWuxooBayK59ckCBS2+AS22ALLk0KJetY/k4hRtKMisX8sa2pWHyA5W1q5ulm83"
    "I/sKXkAhiUoGbm6AZGQRW3RZxkf0Xr3+xqNdqytyJtalXU7xLyFir5A1HqpbbMugmZEAzN"
    "I67sjII15lyaWKFFmixrEzquhngF36yg8wsKJanakHW977pCYXCi1o4pRatmWJNnmEq2z7"
    "dUDnNnLBF7JhMhgNdU9DwnqVR2baHveRKlsqicpGIHdHJcNckHPYLO450nTRcJb3WL/M8u"
    "a6TZXsnMkM6QIMBaAzrllcuRjamBdcA74Ui3Ja8ZvgSXJvUMcB/kXPGS42H+FeAL7QXALs"
    "AOgO6RiZghdETZ4MrC73b7KCkQj3fOb8YS0JiFpiB5ylOu7IGXTnEJpmbp5JagvfKPl/CP"
    "J9e7ClzOECp2l8ojcvj7ZvhciFsKKBRgqVrUIWP/voyZ1vMM7PaJay9lllrsbqGxBnk7Db"
    "GGGO0DLgD1MMwYU50KKaDsn6Yu3O21f9hUzKmMla+d4zQ78jG/XHrvaZnA52l+4PM0G/jU"
    "qyIxIgpl95QxM4PyOYJLVazMFF0LjmFIH9tdZiyfFBzancfqagtGYXHCw2fz9ke0gVzpMf"
    "T5lnxEoWBFrTLwkY31eUdm3Pt3ig37qE1jivPkon2kq4ME5xPYBptZ7I3PSso31J+QLS+2"
    "mb8Ax0haaFHsJJuUT6oqJpvfvIXcPS5V6f64oNL9cbbSPXuiKy27ma/hYiT7V3HKW1VfmX"
    "3/L7yZ9Fc="
)
