-- the gateway's audit log: logins, failures, lockouts, role and membership
-- changes, token use. Append-only: the service role may only insert and read.
CREATE TABLE audit_log (
	id         bigserial PRIMARY KEY,
	tenant_id  uuid,                       -- NULL when no tenant is known (unknown account)
	at         timestamptz NOT NULL DEFAULT now(),
	actor_id   uuid,                       -- who acted; NULL when not authenticated
	action     text NOT NULL,              -- e.g. login.success, login.failure, user.deactivate
	subject    text,                       -- what it was done to (user id, email, token id)
	address    text,                       -- client address
	outcome    text NOT NULL CHECK (outcome IN ('ok', 'denied', 'error')),
	detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
