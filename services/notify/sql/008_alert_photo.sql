-- an alert's photo (issue 8, ALERTS.md "The photo"): at most one per
-- alert, replaced as a whole by PUT /v1/alerts/{id}/photo. The bytes stay
-- in notify's database (bytea) like records keeps attachments; sha1 is the
-- hex SHA-1 of data (worked out by notify), CAP 1.2's <digest> of the
-- <resource>.
CREATE TABLE alert_photos (
	alert_id      bigint      PRIMARY KEY REFERENCES alerts (id),
	content_type  text        NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
	size          integer     NOT NULL CHECK (size > 0),
	sha1          text        NOT NULL,
	data          bytea       NOT NULL,
	updated_at    timestamptz NOT NULL DEFAULT now()
);
