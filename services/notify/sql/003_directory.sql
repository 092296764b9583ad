-- apps (issue 5): notifications about the records of an app, and notify's
-- own copy of who may read each app (from every carelink.directory event;
-- the newest event time wins)
ALTER TABLE notifications
	ADD COLUMN app_id text;              -- NULL: not about an app's record

CREATE TABLE apps (
	tenant_id     text    NOT NULL,
	app_id        text    NOT NULL,
	professions   text[]  NOT NULL DEFAULT '{}',
	organisations text[]  NOT NULL DEFAULT '{}',
	updated_ms    bigint  NOT NULL,  -- time of the event it was taken from
	PRIMARY KEY (tenant_id, app_id)
);
