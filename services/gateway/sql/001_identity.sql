-- tenants (municipalities), their organisations, users and sessions
CREATE TABLE tenants (
	id         uuid PRIMARY KEY,
	name       text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organisations (
	id         uuid PRIMARY KEY,
	tenant_id  uuid NOT NULL REFERENCES tenants (id),
	name       text NOT NULL,
	kind       text NOT NULL CHECK (kind IN ('city_hall', 'support_centre',
		'home_care_support_office', 'care_provider', 'clinic', 'hospital',
		'doctors_association', 'pharmacy', 'police', 'fire',
		'social_welfare_council', 'other')),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, name)
);

CREATE TABLE users (
	id              uuid PRIMARY KEY,
	tenant_id       uuid NOT NULL REFERENCES tenants (id),
	organisation_id uuid NOT NULL REFERENCES organisations (id),
	email           text NOT NULL UNIQUE CHECK (email = lower(email)),
	display_name    text NOT NULL,
	profession      text NOT NULL,
	roles           text[] NOT NULL DEFAULT '{member}',
	password_hash   text NOT NULL,
	active          boolean NOT NULL DEFAULT true,
	created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_tenant ON users (tenant_id);

-- a session is found by the SHA-256 of its token; the token itself is only
-- ever in the browser's cookie
CREATE TABLE sessions (
	token_hash   text PRIMARY KEY,
	user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token   text NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);
