-- the transactional outbox and the consumers' inbox, shared by every service
CREATE TABLE cl_outbox (
	id         bigserial PRIMARY KEY,
	topic      text        NOT NULL,
	key        text        NOT NULL,
	event_id   uuid        NOT NULL UNIQUE,
	event_type text        NOT NULL,
	tenant_id  text        NOT NULL,
	payload    bytea       NOT NULL,
	content_type text      NOT NULL DEFAULT 'application/avro',
	created_at timestamptz NOT NULL DEFAULT now(),
	sent_at    timestamptz
);
CREATE INDEX cl_outbox_unsent ON cl_outbox (id) WHERE sent_at IS NULL;

CREATE FUNCTION cl_outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('cl_outbox', '');
	RETURN NULL;
END $$;
CREATE TRIGGER cl_outbox_wake AFTER INSERT ON cl_outbox
	FOR EACH STATEMENT EXECUTE FUNCTION cl_outbox_wake();

-- events a consumer has handled, so a redelivered event changes nothing
CREATE TABLE cl_inbox (
	consumer   text        NOT NULL,
	event_id   text        NOT NULL,
	handled_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (consumer, event_id)
);
