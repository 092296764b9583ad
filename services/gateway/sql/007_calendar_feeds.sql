-- calendar feed URLs: a calendar program (which cannot log in) reads a
-- person's event calendar from /ical/<secret>. Only the SHA-256 of the
-- secret is kept; the URL is shown once, when the feed is created. A feed
-- is deleted by its person; a deactivated person's feeds answer 404.
CREATE TABLE calendar_feeds (
	id           uuid PRIMARY KEY,
	tenant_id    uuid NOT NULL REFERENCES tenants (id),
	user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	scope        text NOT NULL CHECK (scope IN ('tenant', 'mine')),
	secret_hash  text NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL DEFAULT now(),
	last_used_at timestamptz
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id, created_at DESC, id DESC);
