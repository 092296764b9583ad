-- urgent alerts (issue 8, ALERTS.md). The alert's area, audience and
-- escalation levels are kept as the API gives them (jsonb, checked by
-- alert_input.c); who may read or acknowledge is worked out from them.
--
-- Pending acknowledgements: notify keeps no list of the people of an
-- organisation or profession (identities arrive signed with each request),
-- so it cannot enumerate an audience's users on write. "Pending for me" is
-- computed on read instead: active alerts requiring acknowledgement whose
-- effective audience takes in the reader and that have no alert_acks row
-- of the reader. The acknowledgements themselves are stored per person.
ALTER TABLE notifications
	ADD COLUMN urgent boolean NOT NULL DEFAULT false;  -- alerts: shown first, never muted

CREATE TABLE alerts (
	id                bigserial   PRIMARY KEY,
	tenant_id         text        NOT NULL,
	kind              text        NOT NULL,
	severity          text        NOT NULL,
	title             text        NOT NULL,
	description       text        NOT NULL,
	instruction       text        NOT NULL DEFAULT '',
	area              jsonb       NOT NULL,  -- {"districts","circle","polygon"}
	audience          jsonb       NOT NULL,  -- {"everyone","organisations","professions"}
	requires_ack      boolean     NOT NULL,
	escalation        jsonb       NOT NULL DEFAULT '[]',  -- [{"after_minutes","audience"}]
	escalation_level  integer     NOT NULL DEFAULT 0,     -- levels reached
	status            text        NOT NULL DEFAULT 'active'
	                  CHECK (status IN ('active', 'resolved', 'cancelled')),
	version           integer     NOT NULL DEFAULT 1,
	raised_by_id      text        NOT NULL,
	raised_by_name    text        NOT NULL,
	raised_by_org_id  text        NOT NULL,
	raised_by_org_name text       NOT NULL,
	raised_at         timestamptz NOT NULL DEFAULT now(),
	updated_at        timestamptz NOT NULL DEFAULT now(),
	ended_at          timestamptz
);
CREATE INDEX alerts_tenant_status ON alerts (tenant_id, status, id);
-- what the escalation pass looks at
CREATE INDEX alerts_escalating ON alerts (raised_at)
	WHERE status = 'active' AND requires_ack;

-- one acknowledgement per person and alert
CREATE TABLE alert_acks (
	alert_id  bigint      NOT NULL REFERENCES alerts (id),
	user_id   text        NOT NULL,
	user_name text        NOT NULL,
	org_id    text        NOT NULL,
	org_name  text        NOT NULL,
	note      text        NOT NULL DEFAULT '',
	at        timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (alert_id, user_id)
);

CREATE TABLE alert_timeline (
	id        bigserial   PRIMARY KEY,
	alert_id  bigint      NOT NULL REFERENCES alerts (id),
	at        timestamptz NOT NULL DEFAULT now(),
	action    text        NOT NULL
	          CHECK (action IN ('raised', 'updated', 'escalated', 'acknowledged',
	                            'resolved', 'cancelled')),
	by_id     text,       -- NULL: the system (escalation)
	by_name   text,
	note      text        NOT NULL DEFAULT ''
);
CREATE INDEX alert_timeline_alert ON alert_timeline (alert_id, id);
