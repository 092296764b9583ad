-- authentication hardening: two-factor secrets, sessions that owe a
-- two-factor enrolment, login throttling shared by every replica

-- one TOTP secret per person (RFC 6238: HMAC-SHA1, 30 s, 6 digits)
CREATE TABLE user_totp (
	user_id      uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret       text NOT NULL,                -- base32 (RFC 4648) of 20 random bytes
	confirmed_at timestamptz,                  -- NULL until a code confirmed the enrolment
	last_step    bigint NOT NULL DEFAULT -1,   -- newest 30-second step accepted: no replay
	created_at   timestamptz NOT NULL DEFAULT now()
);

-- a session opened while two-factor was required but not set up: it may
-- only enrol, change the password, read /me and log out
ALTER TABLE sessions ADD COLUMN totp_pending boolean NOT NULL DEFAULT false;

-- failed (and in-progress) logins; account is the e-mail address as typed,
-- lowercased, whether or not such a person exists
CREATE TABLE login_failures (
	id      bigserial PRIMARY KEY,
	account text NOT NULL,
	address text NOT NULL,
	at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

CREATE TABLE login_locks (
	kind  text NOT NULL CHECK (kind IN ('account', 'address')),
	key   text NOT NULL,
	until timestamptz NOT NULL,
	PRIMARY KEY (kind, key)
);
