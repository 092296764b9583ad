-- CSV imports of app records (APPS.md "CSV import and export"): one row per
-- upload; progress and the errors found are written while it runs; only
-- the person who started it reads it
CREATE TABLE imports (
	id             uuid        PRIMARY KEY,
	tenant_id      text        NOT NULL,
	app_id         uuid        NOT NULL REFERENCES apps (id),
	started_by     text        NOT NULL,
	mode           text        NOT NULL CHECK (mode IN ('dry_run', 'commit')),
	encoding       text        NOT NULL CHECK (encoding IN ('utf-8', 'shift_jis')),
	state          text        NOT NULL DEFAULT 'running'
	                           CHECK (state IN ('running', 'done', 'failed')),
	total_rows     integer     NOT NULL DEFAULT 0,
	processed_rows integer     NOT NULL DEFAULT 0,
	valid_rows     integer     NOT NULL DEFAULT 0,
	created        integer     NOT NULL DEFAULT 0,
	updated        integer     NOT NULL DEFAULT 0,
	errors         jsonb       NOT NULL DEFAULT '[]',
	started_at     timestamptz NOT NULL DEFAULT now(),
	finished_at    timestamptz
);
CREATE INDEX imports_running ON imports (state) WHERE state = 'running';
