-- records runs as carelink_records_app, a role that does not own these
-- tables, so that row-level security applies to it (patient files,
-- PATIENTS.md); the owner (carelink_records) runs the migrations. The role
-- must exist before this migration (scripts/pg.sh creates it; see
-- deploy/README.md).
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'carelink_records_app') THEN
		RAISE EXCEPTION 'role carelink_records_app does not exist: create it (LOGIN, NOSUPERUSER, NOBYPASSRLS) before records starts; see deploy/README.md';
	END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO carelink_records_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO carelink_records_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO carelink_records_app;
-- tables and sequences later migrations create (run as the owner)
ALTER DEFAULT PRIVILEGES IN SCHEMA public
	GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO carelink_records_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
	GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO carelink_records_app;
