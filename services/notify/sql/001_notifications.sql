-- notifications: one row per thing that happened, matched to readers at read
-- time (fan-out on read; see services/notify/README.md)
CREATE TABLE notifications (
	id                     bigserial   PRIMARY KEY,  -- also the SSE event id
	tenant_id              text        NOT NULL,
	source_event_id        text        NOT NULL UNIQUE,
	kind                   text        NOT NULL,
	title                  text        NOT NULL,
	body                   text        NOT NULL,
	link                   text        NOT NULL,
	actor_id               text        NOT NULL,
	actor_name             text        NOT NULL,
	audience_everyone      boolean     NOT NULL,
	audience_users         text[]      NOT NULL DEFAULT '{}',
	audience_professions   text[]      NOT NULL DEFAULT '{}',
	audience_organisations text[]      NOT NULL DEFAULT '{}',
	exclude_user           text,
	created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_tenant_id ON notifications (tenant_id, id);
