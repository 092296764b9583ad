-- Timeline entries of patient files (PATIENTS.md "Timeline entries",
-- "Fast entry"): entries, their attachments, read marks and entry
-- templates. Entries are never updated in place: a correction is a new
-- entry whose corrects names the old one. The patient tables have
-- row-level security enabled and forced with the membership test of
-- 009_patients.sql (rec_patient_visible): the app role sees and writes a
-- row only while carelink.user_id is a current member of the row's
-- patient's team or holds an unexpired break-glass grant for it.

CREATE TABLE entries (
	id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
	seq          bigserial   NOT NULL UNIQUE,
	tenant_id    text        NOT NULL,
	patient_id   uuid        NOT NULL REFERENCES patients (id),
	category     text        NOT NULL CHECK (category IN ('visit_note', 'vitals',
				 'medication', 'adl', 'incident', 'message')),
	fields       jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(fields) = 'object'),
	text         text        NOT NULL DEFAULT '',
	author_id    text        NOT NULL,
	author_name  text        NOT NULL,
	author_role  text        NOT NULL,
	addressed_to jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(addressed_to) = 'array'),
	corrects     uuid        REFERENCES entries (id),
	created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entries_patient ON entries (patient_id, seq DESC);
CREATE INDEX entries_patient_category ON entries (patient_id, category, seq DESC);
CREATE INDEX entries_corrects ON entries (corrects) WHERE corrects IS NOT NULL;

CREATE FUNCTION entries_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'entries are never changed in place (% refused)', TG_OP;
END
$$;
CREATE TRIGGER entries_never_updated BEFORE UPDATE OR DELETE ON entries
	FOR EACH ROW EXECUTE FUNCTION entries_refuse();

-- uploaded files of a patient; entry_id stays NULL until an entry names it
CREATE TABLE entry_attachments (
	id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id    text        NOT NULL,
	patient_id   uuid        NOT NULL REFERENCES patients (id),
	uploader_id  text        NOT NULL,
	entry_id     uuid        REFERENCES entries (id),
	filename     text        NOT NULL CHECK (octet_length(filename) BETWEEN 1 AND 255),
	content_type text        NOT NULL,
	size         integer     NOT NULL CHECK (size > 0),
	data         bytea       NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entry_attachments_entry ON entry_attachments (entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX entry_attachments_unclaimed ON entry_attachments (patient_id, uploader_id)
	WHERE entry_id IS NULL;

-- one read mark per member and entry
CREATE TABLE entry_reads (
	entry_id   uuid        NOT NULL REFERENCES entries (id),
	user_id    text        NOT NULL,
	user_name  text        NOT NULL,
	tenant_id  text        NOT NULL,
	patient_id uuid        NOT NULL REFERENCES patients (id),
	at         timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (entry_id, user_id)
);

-- templates hold no patient data: personal (shared false) or the tenant's
CREATE TABLE entry_templates (
	id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id  text        NOT NULL,
	owner_id   text        NOT NULL,
	owner_name text        NOT NULL,
	name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
	category   text        NOT NULL CHECK (category IN ('visit_note', 'vitals',
			       'medication', 'adl', 'incident', 'message')),
	fields     jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(fields) = 'object'),
	text       text        NOT NULL DEFAULT '',
	shared     boolean     NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entry_templates_tenant ON entry_templates (tenant_id, shared, owner_id);

REVOKE UPDATE, DELETE, TRUNCATE ON entries FROM carelink_records_app;
REVOKE DELETE, TRUNCATE ON entry_attachments, entry_reads FROM carelink_records_app;

ALTER TABLE entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE entries FORCE ROW LEVEL SECURITY;
ALTER TABLE entry_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE entry_attachments FORCE ROW LEVEL SECURITY;
ALTER TABLE entry_reads ENABLE ROW LEVEL SECURITY;
ALTER TABLE entry_reads FORCE ROW LEVEL SECURITY;

-- The owner (the role running this migration) is bound like the app role
-- (FORCE, as in 009): as a user set in carelink.user_id it sees that
-- user's patients' rows only. No membership function reads these tables,
-- so the owner has no carelink.definer exception here.
DO $$
DECLARE
	visible constant text := 'tenant_id = current_setting(''carelink.tenant_id'', true)'
		' AND rec_patient_visible(patient_id::text)';
BEGIN
	EXECUTE format('CREATE POLICY owner_rule ON entries TO %I USING (%s) WITH CHECK (%s)',
		current_user, visible, visible);
	EXECUTE format('CREATE POLICY owner_rule ON entry_attachments TO %I USING (%s) WITH CHECK (%s)',
		current_user, visible, visible);
	EXECUTE format('CREATE POLICY owner_rule ON entry_reads TO %I USING (%s) WITH CHECK (%s)',
		current_user, visible, visible);
END
$$;

-- the app role: a row of a patient whose team the caller is on
CREATE POLICY app_select ON entries FOR SELECT TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND rec_patient_visible(patient_id::text));
CREATE POLICY app_insert ON entries FOR INSERT TO carelink_records_app
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND author_id = current_setting('carelink.user_id', true)
		    AND rec_patient_visible(patient_id::text));

CREATE POLICY app_select ON entry_attachments FOR SELECT TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND rec_patient_visible(patient_id::text));
CREATE POLICY app_insert ON entry_attachments FOR INSERT TO carelink_records_app
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND uploader_id = current_setting('carelink.user_id', true)
		    AND rec_patient_visible(patient_id::text));
CREATE POLICY app_update ON entry_attachments FOR UPDATE TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND uploader_id = current_setting('carelink.user_id', true)
	       AND rec_patient_visible(patient_id::text))
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND rec_patient_visible(patient_id::text));

CREATE POLICY app_select ON entry_reads FOR SELECT TO carelink_records_app
	USING (tenant_id = current_setting('carelink.tenant_id', true)
	       AND rec_patient_visible(patient_id::text));
CREATE POLICY app_insert ON entry_reads FOR INSERT TO carelink_records_app
	WITH CHECK (tenant_id = current_setting('carelink.tenant_id', true)
		    AND user_id = current_setting('carelink.user_id', true)
		    AND rec_patient_visible(patient_id::text));
