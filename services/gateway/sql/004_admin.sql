-- invitations: a one-time link that lets a person set a name and password
-- and become a user of an organisation. Only the SHA-256 of the link's
-- token is stored; the token itself is shown once to the inviter.
CREATE TABLE invitations (
	id               uuid PRIMARY KEY,
	tenant_id        uuid NOT NULL REFERENCES tenants (id),
	organisation_id  uuid NOT NULL REFERENCES organisations (id),
	email            text NOT NULL CHECK (email = lower(email)),
	profession       text NOT NULL,
	roles            text[] NOT NULL DEFAULT '{member}',
	token_hash       text NOT NULL UNIQUE,
	invited_by       uuid REFERENCES users (id),
	created_at       timestamptz NOT NULL DEFAULT now(),
	expires_at       timestamptz NOT NULL,
	accepted_at      timestamptz,
	accepted_user_id uuid REFERENCES users (id)
);
CREATE INDEX invitations_tenant ON invitations (tenant_id, created_at DESC, id DESC);

-- an organisation's members, for the organisation admin's checks and lists
CREATE INDEX users_organisation ON users (organisation_id);
