-- Patient files (PATIENTS.md): patients, their care teams, break-glass
-- grants and the tamper-evident audit chain. Every table has row-level
-- security enabled and forced. The app role carelink_records_app sees a
-- patient's rows only while carelink.user_id (set per transaction from the
-- signed identity, with carelink.tenant_id) is a current member of the
-- patient's team or holds an unexpired break-glass grant for it. The owner
-- (who runs this migration and owns the SECURITY DEFINER functions below)
-- is bound the same way, except inside those functions (see owner_rule).

CREATE TABLE patients (
	id              uuid        PRIMARY KEY,
	tenant_id       text        NOT NULL,
	name            text        NOT NULL,
	kana            text        NOT NULL,
	birth_date      date        NOT NULL,
	address         text        NOT NULL DEFAULT '',
	care_level      text        NOT NULL DEFAULT 'none',
	contacts        jsonb       NOT NULL DEFAULT '[]',
	consent_given   boolean     NOT NULL DEFAULT false,
	consent_date    date,
	consent_scope   text,
	consent_note    text        NOT NULL DEFAULT '',
	created_at      timestamptz NOT NULL DEFAULT now(),
	created_by      text        NOT NULL,
	created_by_name text        NOT NULL DEFAULT '',
	updated_at      timestamptz NOT NULL DEFAULT now(),
	CHECK (care_level IN ('support_1', 'support_2', 'care_1', 'care_2', 'care_3',
			      'care_4', 'care_5', 'none', 'applying')),
	CHECK (NOT consent_given OR (consent_date IS NOT NULL
		AND consent_scope IN ('care_team', 'care_team_and_city')))
);
CREATE INDEX patients_tenant_name ON patients (tenant_id, kana, name);

-- one row per membership; leaving sets left_at (the history stays)
CREATE TABLE care_team_members (
	id            bigserial   PRIMARY KEY,
	tenant_id     text        NOT NULL,
	patient_id    uuid        NOT NULL REFERENCES patients (id),
	user_id       text        NOT NULL,
	role          text        NOT NULL,
	added_at      timestamptz NOT NULL DEFAULT now(),
	added_by      text        NOT NULL,
	added_by_name text        NOT NULL DEFAULT '',
	left_at       timestamptz,
	removed_by    text,
	CHECK (role IN ('primary_doctor', 'visiting_nurse', 'care_manager', 'helper',
			'pharmacist', 'therapist', 'hospital_liaison', 'social_worker',
			'other'))
);
CREATE UNIQUE INDEX care_team_current ON care_team_members (patient_id, user_id)
	WHERE left_at IS NULL;
CREATE INDEX care_team_user ON care_team_members (tenant_id, user_id) WHERE left_at IS NULL;

CREATE TABLE break_glass_grants (
	id         uuid        PRIMARY KEY,
	tenant_id  text        NOT NULL,
	patient_id uuid        NOT NULL REFERENCES patients (id),
	user_id    text        NOT NULL,
	reason     text        NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
CREATE INDEX break_glass_user ON break_glass_grants (tenant_id, user_id, expires_at);

-- The audit chain: hash = hex(SHA-256(prev_hash || '\n' || the row's other
-- columns in the fixed text form of audit_text.c)); the first prev_hash is
-- 64 zeros. patient_id and entry_id are text: a denied attempt records the
-- id it was asked for, whatever it was. prev_hash is unique, so two
-- transactions can never both extend the same link (the chain stays linear).
CREATE TABLE patient_audit (
	id         bigserial   PRIMARY KEY,
	at         timestamptz NOT NULL,
	tenant_id  text        NOT NULL,
	user_id    text        NOT NULL,
	user_name  text        NOT NULL,
	patient_id text,
	entry_id   text,
	action     text        NOT NULL,
	route      text        NOT NULL,
	address    text        NOT NULL,
	outcome    text        NOT NULL,
	prev_hash  text        NOT NULL UNIQUE,
	hash       text        NOT NULL
);
CREATE INDEX patient_audit_patient ON patient_audit (tenant_id, patient_id, id);

CREATE FUNCTION patient_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'patient_audit is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER patient_audit_append_only BEFORE UPDATE OR DELETE ON patient_audit
	FOR EACH ROW EXECUTE FUNCTION patient_audit_refuse();
CREATE TRIGGER patient_audit_no_truncate BEFORE TRUNCATE ON patient_audit
	FOR EACH STATEMENT EXECUTE FUNCTION patient_audit_refuse();
REVOKE UPDATE, DELETE, TRUNCATE ON patient_audit FROM carelink_records_app;
REVOKE DELETE, TRUNCATE ON patients, care_team_members, break_glass_grants
	FROM carelink_records_app;
REVOKE UPDATE ON break_glass_grants FROM carelink_records_app;

-- The membership functions run as the owner. While one runs, it turns
-- carelink.definer on (and back to what it was before it returns), so that
-- owner_rule below lets it see every row: that is how it answers the
-- membership question without the policies recursing. (PostgreSQL 15 does
-- not let a non-superuser put a custom setting in a function's SET clause.)

-- p: a patient id as text (audit rows hold any text); false for non-uuids.
CREATE FUNCTION rec_patient_visible(p text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	u text := current_setting('carelink.user_id', true);
	t text := current_setting('carelink.tenant_id', true);
	was text := coalesce(current_setting('carelink.definer', true), '');
	hit boolean;
BEGIN
	IF p IS NULL OR u IS NULL OR u = '' OR t IS NULL OR t = ''
	   OR p !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
		RETURN false;
	END IF;
	PERFORM set_config('carelink.definer', 'on', true);
	hit := EXISTS (SELECT 1 FROM care_team_members m WHERE m.patient_id = p::uuid
			AND m.tenant_id = t AND m.user_id = u AND m.left_at IS NULL)
	    OR EXISTS (SELECT 1 FROM break_glass_grants g WHERE g.patient_id = p::uuid
			AND g.tenant_id = t AND g.user_id = u AND g.expires_at > now());
	PERFORM set_config('carelink.definer', was, true);
	RETURN hit;
END
$$;

-- a patient of the caller's tenant exists (break-glass may name any)
CREATE FUNCTION rec_patient_exists(p uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	was text := coalesce(current_setting('carelink.definer', true), '');
	hit boolean;
BEGIN
	PERFORM set_config('carelink.definer', 'on', true);
	hit := EXISTS (SELECT 1 FROM patients WHERE id = p
		AND tenant_id = current_setting('carelink.tenant_id', true));
	PERFORM set_config('carelink.definer', was, true);
	RETURN hit;
END
$$;

-- the caller created p and its team is still empty: the first member
CREATE FUNCTION rec_patient_new_mine(p uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	was text := coalesce(current_setting('carelink.definer', true), '');
	hit boolean;
BEGIN
	PERFORM set_config('carelink.definer', 'on', true);
	hit := EXISTS (SELECT 1 FROM patients WHERE id = p
			AND tenant_id = current_setting('carelink.tenant_id', true)
			AND created_by = current_setting('carelink.user_id', true))
		AND NOT EXISTS (SELECT 1 FROM care_team_members WHERE patient_id = p);
	PERFORM set_config('carelink.definer', was, true);
	RETURN hit;
END
$$;

-- the head of the chain (id and hash of its last row; none when empty);
-- the owner reads the whole chain (owner_all)
CREATE FUNCTION rec_patient_audit_head(OUT head_id bigint, OUT head_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
	SELECT id, hash FROM patient_audit ORDER BY id DESC LIMIT 1;
$$;

REVOKE ALL ON FUNCTION rec_patient_visible(text), rec_patient_exists(uuid),
	rec_patient_new_mine(uuid), rec_patient_audit_head() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rec_patient_visible(text), rec_patient_exists(uuid),
	rec_patient_new_mine(uuid), rec_patient_audit_head() TO carelink_records_app;

ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
ALTER TABLE patients FORCE ROW LEVEL SECURITY;
ALTER TABLE care_team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_team_members FORCE ROW LEVEL SECURITY;
ALTER TABLE break_glass_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE break_glass_grants FORCE ROW LEVEL SECURITY;
ALTER TABLE patient_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE patient_audit FORCE ROW LEVEL SECURITY;

-- The owner (the role running this migration) is bound like the app role
-- (FORCE): as a user set in carelink.user_id it sees that user's patients
-- only. Inside the SECURITY DEFINER functions above (which turn
-- carelink.definer on while they run) it sees every row. The app role has
-- no such policy, so setting carelink.definer itself gives it nothing. The audit chain is the owner's to read whole (--verify-audit).
DO $$
DECLARE
	definer constant text := 'current_setting(''carelink.definer'', true) = ''on''';
	tenant constant text := 'tenant_id = current_setting(''carelink.tenant_id'', true)';
BEGIN
	EXECUTE format('CREATE POLICY owner_rule ON patients TO %I'
		' USING (CASE WHEN %s THEN true ELSE %s AND rec_patient_visible(id::text) END)'
		' WITH CHECK (CASE WHEN %s THEN true ELSE %s AND rec_patient_visible(id::text) END)',
		current_user, definer, tenant, definer, tenant);
	EXECUTE format('CREATE POLICY owner_rule ON care_team_members TO %I'
		' USING (CASE WHEN %s THEN true ELSE %s AND rec_patient_visible(patient_id::text) END)'
		' WITH CHECK (CASE WHEN %s THEN true ELSE %s AND rec_patient_visible(patient_id::text) END)',
		current_user, definer, tenant, definer, tenant);
	EXECUTE format('CREATE POLICY owner_rule ON break_glass_grants TO %I'
		' USING (CASE WHEN %s THEN true ELSE %s AND (user_id = current_setting(''carelink.user_id'', true)'
		' OR rec_patient_visible(patient_id::text)) END)'
		' WITH CHECK (CASE WHEN %s THEN true ELSE %s AND rec_patient_visible(patient_id::text) END)',
		current_user, definer, tenant, definer, tenant);
	EXECUTE format('CREATE POLICY owner_all ON patient_audit TO %I USING (true) WITH CHECK (true)',
		current_user);
END
$$;

-- the app role
CREATE POLICY app_select ON patients FOR SELECT TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND rec_patient_visible(id::text));
CREATE POLICY app_insert ON patients FOR INSERT TO carelink_records_app
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND created_by = current_setting('carelink.user_id', true));
CREATE POLICY app_update ON patients FOR UPDATE TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND rec_patient_visible(id::text))
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true));

CREATE POLICY app_select ON care_team_members FOR SELECT TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND rec_patient_visible(patient_id::text));
CREATE POLICY app_insert ON care_team_members FOR INSERT TO carelink_records_app
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND (rec_patient_visible(patient_id::text)
			 OR (user_id = current_setting('carelink.user_id', true)
			     AND rec_patient_new_mine(patient_id))));
CREATE POLICY app_update ON care_team_members FOR UPDATE TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND rec_patient_visible(patient_id::text))
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true));

CREATE POLICY app_select ON break_glass_grants FOR SELECT TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND (user_id = current_setting('carelink.user_id', true)
		    OR rec_patient_visible(patient_id::text)));
CREATE POLICY app_insert ON break_glass_grants FOR INSERT TO carelink_records_app
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND user_id = current_setting('carelink.user_id', true)
		    AND rec_patient_exists(patient_id));

-- audit rows: written by anyone of the tenant as themselves; read back
-- for a visible patient, or by a privacy officer (carelink.roles)
CREATE POLICY app_select ON patient_audit FOR SELECT TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND (rec_patient_visible(patient_id)
		    OR 'privacy_officer' = ANY (string_to_array(
			current_setting('carelink.roles', true), ','))));
CREATE POLICY app_insert ON patient_audit FOR INSERT TO carelink_records_app
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND user_id = current_setting('carelink.user_id', true));
