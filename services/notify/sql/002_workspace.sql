-- the workspace (issue 4): one event may make several notifications (a
-- broad one matched on read and targeted ones), each about a subject that
-- can be withdrawn, inside a space whose readers notify copies
ALTER TABLE notifications DROP CONSTRAINT notifications_source_event_id_key;
ALTER TABLE notifications
	ADD CONSTRAINT notifications_source_event_kind UNIQUE (source_event_id, kind),
	ADD COLUMN exclude_users text[]  NOT NULL DEFAULT '{}',
	ADD COLUMN subject_id    text,            -- post, comment or space id
	ADD COLUMN post_id       text,            -- the post of a post or comment subject
	ADD COLUMN space_id      text,            -- NULL: not inside a space
	ADD COLUMN withdrawn     boolean NOT NULL DEFAULT false;
CREATE INDEX notifications_subject ON notifications (tenant_id, subject_id);
CREATE INDEX notifications_post ON notifications (tenant_id, post_id);

-- notify's own copy of who may read each space, from SpaceChanged and the
-- audience every post event carries; the newest event time wins
CREATE TABLE spaces (
	tenant_id     text    NOT NULL,
	space_id      text    NOT NULL,
	professions   text[]  NOT NULL DEFAULT '{}',
	organisations text[]  NOT NULL DEFAULT '{}',
	archived      boolean NOT NULL DEFAULT false,
	updated_ms    bigint  NOT NULL,  -- time of the event it was taken from
	PRIMARY KEY (tenant_id, space_id)
);
