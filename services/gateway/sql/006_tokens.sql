-- API tokens of machine clients (emergency services, analytics). A token acts
-- as the user who created it, limited to its scopes. Only the SHA-256 of the
-- secret is kept; the secret itself is shown once, when it is created.
CREATE TABLE api_tokens (
	id           uuid PRIMARY KEY,
	tenant_id    uuid NOT NULL REFERENCES tenants (id),
	user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
	scopes       text[] NOT NULL CHECK (cardinality(scopes) >= 1 AND scopes <@
		ARRAY['feed:read', 'posts:write', 'alerts:read', 'analytics:read']),
	secret_hash  text NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL DEFAULT now(),
	last_used_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id, created_at DESC, id DESC);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
