/*
** fst_schema.c -- the store's schema, one template for both backends.
**
** FST_SCHEMA_V1(ID, INT, REAL, BLOB) is instantiated with each backend's
** spelling of an auto-increment key, a 64-bit integer, a double and a byte
** string; everything else is the same text. Booleans are 0/1 integers,
** times milliseconds since 1970, JSON kept as text. A later schema version
** adds a migration from the one before (fst_store.c runs them in order and
** records the version in fleet_meta). A migration that needs only TEXT and
** BIGINT columns is one text for both backends (SQLite reads BIGINT as an
** INTEGER column).
**
** An artifact's image_sha256 is the digest in its CVM1 trailer, what a
** device reports running (its bank's digest); the store maps one to the
** other when a device reports (fst_device_report).
**
** v2 (ingest, #14): events are told apart by (device, boot id, seq, kind,
** dedup) instead of (device, boot id, seq). An event's seq is the device's
** uptime in ms (events carry no sequence number of their own), so two
** different events in the same millisecond -- a guest's event_emit twice,
** `exited` and `started` -- must not collide; dedup is a digest of the
** message (fleet_ingest.h), the same for a QoS 1 redelivery. SQLite cannot
** drop a table constraint, so its events table is rebuilt (ids kept);
** PostgreSQL drops the v1 constraint by its generated name. devices gains
** `reported`: the time of the newest status/heartbeat report applied, which
** orders reports (last_seen is moved by every message).
**
** v3 (dashboard, #15): sessions (fst_session.c).
**
** v4 (commands, #14): device commands (fst_cmd.c). Ids come from the
** counters table ('commands'), so the text needs no backend's spelling of
** an auto-increment key and is one for both.
*/
#include "fst_int.h"

#define FST_SCHEMA_V1(ID, INT, REAL, BLOB) \
  "CREATE TABLE counters (name TEXT PRIMARY KEY, value " INT " NOT NULL);" \
  "INSERT INTO counters (name, value) VALUES ('security', 0), ('deployments', 0);" \
  "CREATE TABLE artifacts (sha256 TEXT PRIMARY KEY, size " INT " NOT NULL," \
  "  version TEXT NOT NULL, counter " INT " NOT NULL, filename TEXT NOT NULL," \
  "  created " INT " NOT NULL, content " BLOB " NOT NULL, image_sha256 TEXT NOT NULL DEFAULT '');" \
  "CREATE INDEX artifacts_image ON artifacts (image_sha256);" \
  "CREATE TABLE tokens (id " ID ", hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL," \
  "  name TEXT NOT NULL, created " INT " NOT NULL, revoked " INT " NOT NULL DEFAULT 0);" \
  "CREATE TABLE audit (id " ID ", time " INT " NOT NULL, token TEXT NOT NULL," \
  "  method TEXT NOT NULL, path TEXT NOT NULL, status " INT " NOT NULL, detail TEXT NOT NULL);" \
  "CREATE TABLE devices (id TEXT PRIMARY KEY, online " INT " NOT NULL DEFAULT 0," \
  "  last_seen " INT " NOT NULL DEFAULT 0, running_sha TEXT NOT NULL DEFAULT ''," \
  "  running_version TEXT NOT NULL DEFAULT '', vm_state TEXT NOT NULL DEFAULT ''," \
  "  banks TEXT, boot_id TEXT NOT NULL DEFAULT '', uptime_ms " INT " NOT NULL DEFAULT 0," \
  "  reset_reason TEXT NOT NULL DEFAULT '', desired_sha TEXT NOT NULL DEFAULT ''," \
  "  created " INT " NOT NULL);" \
  "CREATE TABLE device_tags (device TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE," \
  "  tag TEXT NOT NULL, PRIMARY KEY (device, tag));" \
  "CREATE INDEX device_tags_tag ON device_tags (tag);" \
  "CREATE TABLE telemetry (id " ID ", device TEXT NOT NULL, boot_id TEXT NOT NULL," \
  "  seq " INT " NOT NULL, name TEXT NOT NULL, time " INT " NOT NULL, value " REAL " NOT NULL," \
  "  UNIQUE (device, boot_id, seq, name));" \
  "CREATE INDEX telemetry_time ON telemetry (device, name, time);" \
  "CREATE INDEX telemetry_age ON telemetry (time);" \
  "CREATE TABLE logs (id " ID ", device TEXT NOT NULL, boot_id TEXT NOT NULL," \
  "  seq " INT " NOT NULL, time " INT " NOT NULL, text TEXT NOT NULL," \
  "  UNIQUE (device, boot_id, seq));" \
  "CREATE INDEX logs_age ON logs (time);" \
  "CREATE TABLE events (id " ID ", device TEXT NOT NULL, boot_id TEXT NOT NULL," \
  "  seq " INT " NOT NULL, time " INT " NOT NULL, kind TEXT NOT NULL, detail TEXT," \
  "  UNIQUE (device, boot_id, seq));" \
  "CREATE TABLE crashes (id " ID ", device TEXT NOT NULL, boot_id TEXT NOT NULL," \
  "  seq " INT " NOT NULL, time " INT " NOT NULL, file TEXT NOT NULL DEFAULT ''," \
  "  line " INT " NOT NULL DEFAULT 0, function TEXT NOT NULL DEFAULT ''," \
  "  version TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT ''," \
  "  reason TEXT NOT NULL DEFAULT '', pc " INT " NOT NULL DEFAULT 0, detail TEXT," \
  "  UNIQUE (device, boot_id, seq));" \
  "CREATE TABLE deployments (id " ID ", artifact TEXT NOT NULL REFERENCES artifacts(sha256)," \
  "  target TEXT NOT NULL, max_failures " INT " NOT NULL, job_timeout_s " INT " NOT NULL," \
  "  rollback " INT " NOT NULL, state TEXT NOT NULL, current_stage " INT " NOT NULL DEFAULT 0," \
  "  created_by TEXT NOT NULL, created " INT " NOT NULL, updated " INT " NOT NULL," \
  "  lease_owner TEXT NOT NULL DEFAULT '', lease_until " INT " NOT NULL DEFAULT 0," \
  "  settled " INT " NOT NULL DEFAULT 0);" \
  "CREATE INDEX deployments_claim ON deployments (settled, lease_until);" \
  "CREATE TABLE stages (deployment " INT " NOT NULL REFERENCES deployments(id)," \
  "  idx " INT " NOT NULL, percent " INT " NOT NULL, PRIMARY KEY (deployment, idx));" \
  "CREATE TABLE jobs (id " ID ", deployment " INT " NOT NULL REFERENCES deployments(id)," \
  "  device TEXT NOT NULL, stage " INT " NOT NULL, rollback " INT " NOT NULL DEFAULT 0," \
  "  artifact TEXT NOT NULL DEFAULT '', state TEXT NOT NULL," \
  "  reason TEXT NOT NULL DEFAULT '', phase TEXT NOT NULL DEFAULT '', progress " INT " NOT NULL DEFAULT 0," \
  "  previous_sha TEXT NOT NULL DEFAULT '', seq " INT " NOT NULL DEFAULT 0," \
  "  sent " INT " NOT NULL DEFAULT 0, deadline " INT " NOT NULL DEFAULT 0," \
  "  owed " INT " NOT NULL DEFAULT 0, rev " INT " NOT NULL DEFAULT 0," \
  "  created " INT " NOT NULL, updated " INT " NOT NULL," \
  "  UNIQUE (deployment, device, rollback));" \
  "CREATE INDEX jobs_device ON jobs (device, state);"

const char fst_schema_sqlite_v1[] =
  FST_SCHEMA_V1("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER", "REAL", "BLOB");
const char fst_schema_pg_v1[] =
  FST_SCHEMA_V1("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT",
                "DOUBLE PRECISION", "BYTEA");

const char fst_schema_sqlite_v2[] =
  "CREATE TABLE events_v2 (id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,"
  "  boot_id TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, kind TEXT NOT NULL,"
  "  detail TEXT, dedup TEXT NOT NULL DEFAULT '', UNIQUE (device, boot_id, seq, kind, dedup));"
  "INSERT INTO events_v2 (id, device, boot_id, seq, time, kind, detail)"
  "  SELECT id, device, boot_id, seq, time, kind, detail FROM events;"
  "DROP TABLE events;"
  "ALTER TABLE events_v2 RENAME TO events;"
  "CREATE INDEX events_device ON events (device, id);"
  "ALTER TABLE devices ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;";
const char fst_schema_pg_v2[] =
  "ALTER TABLE events ADD COLUMN dedup TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events DROP CONSTRAINT events_device_boot_id_seq_key;"
  "ALTER TABLE events ADD CONSTRAINT events_dedup_key UNIQUE (device, boot_id, seq, kind, dedup);"
  "CREATE INDEX events_device ON events (device, id);"
  "ALTER TABLE devices ADD COLUMN reported BIGINT NOT NULL DEFAULT 0;";

/* v3: dashboard sessions (fst_session.c); hash is the SHA-256 of the id. */
const char fst_schema_v3[] =
  "CREATE TABLE sessions (hash TEXT PRIMARY KEY, token_id BIGINT NOT NULL REFERENCES tokens(id),"
  "  created BIGINT NOT NULL, expires BIGINT NOT NULL);"
  "CREATE INDEX sessions_expires ON sessions (expires);"
  "CREATE INDEX sessions_token ON sessions (token_id);";

/* v4: commands to devices (fst_cmd.c): what an operator asked (op, value),
** the id it went out with (msg_id, unique: the device's replay table keys
** on it), its state and the device's answer (result, reason). */
const char fst_schema_v4[] =
  "INSERT INTO counters (name, value) VALUES ('commands', 0);"
  "CREATE TABLE commands (id BIGINT PRIMARY KEY, device TEXT NOT NULL, msg_id TEXT NOT NULL UNIQUE,"
  "  op TEXT NOT NULL, value BIGINT, state TEXT NOT NULL, result BIGINT, reason TEXT NOT NULL DEFAULT '',"
  "  created_by TEXT NOT NULL, created BIGINT NOT NULL, updated BIGINT NOT NULL, expires BIGINT NOT NULL,"
  "  sent BIGINT NOT NULL DEFAULT 0);"
  "CREATE INDEX commands_device ON commands (device, id);"
  "CREATE INDEX commands_open ON commands (state, expires);";
