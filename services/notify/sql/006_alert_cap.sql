-- the emergency-services stream (issue 8, ALERTS.md): every CAP 1.2 message
-- published on carelink.alerts.cap for an alert, in order, so that later
-- messages reference the original and the previous one and
-- GET /v1/alerts/{id}/cap serves the latest. identifier is unique per
-- message; sent is the text of the message's <sent> (with +09:00).
CREATE TABLE alert_cap_messages (
	id          bigserial   PRIMARY KEY,
	tenant_id   text        NOT NULL,
	alert_id    bigint      NOT NULL,  -- alerts (id)
	version     integer     NOT NULL,
	change      text        NOT NULL
	            CHECK (change IN ('raised', 'edited', 'escalated', 'acknowledged',
	                              'resolved', 'cancelled')),
	identifier  text        NOT NULL UNIQUE,
	sender      text        NOT NULL,
	sent        text        NOT NULL,
	document    text        NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_cap_messages_alert ON alert_cap_messages (alert_id, id);
