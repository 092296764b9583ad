-- the event calendar (APPS.md): who registered for an event (a record of
-- a tenant's events app), with their names as they were then (the people
-- copy gives the current ones when it has the person)
CREATE TABLE event_registrations (
	tenant_id         text        NOT NULL,
	record_id         uuid        NOT NULL REFERENCES app_records (id),
	user_id           text        NOT NULL,
	user_name         text        NOT NULL DEFAULT '',
	organisation_id   text        NOT NULL DEFAULT '',
	organisation_name text        NOT NULL DEFAULT '',
	created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (record_id, user_id)
);
CREATE INDEX event_registrations_user ON event_registrations (tenant_id, user_id);

-- reminders sent: the start time an event was reminded for; an event whose
-- start has moved since is reminded again
CREATE TABLE event_reminders (
	record_id          uuid        PRIMARY KEY REFERENCES app_records (id),
	tenant_id          text        NOT NULL,
	starts_at_reminded timestamptz NOT NULL,
	reminded_at        timestamptz NOT NULL DEFAULT now()
);
