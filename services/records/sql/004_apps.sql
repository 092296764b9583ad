-- apps: small shared databases of a tenant (APPS.md). fields, read_rule and
-- write_rule are the JSON of the contract; the two built-in apps are
-- created per tenant on first use (unique key per tenant)
CREATE TABLE apps (
	id          uuid        PRIMARY KEY,
	tenant_id   text        NOT NULL,
	key         text        NOT NULL,
	name        text        NOT NULL,
	description text        NOT NULL DEFAULT '',
	builtin     boolean     NOT NULL DEFAULT false,
	fields      jsonb       NOT NULL,
	read_rule   jsonb       NOT NULL,
	write_rule  jsonb       NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	updated_at  timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, key)
);

-- records of apps; values keyed by field key; search_text holds the
-- text-ish values for ?q= (written by the service); deleted rows stay for
-- their history
CREATE TABLE app_records (
	id                    uuid        PRIMARY KEY,
	tenant_id             text        NOT NULL,
	app_id                uuid        NOT NULL REFERENCES apps (id),
	"values"              jsonb       NOT NULL,
	search_text           text        NOT NULL DEFAULT '',
	owner_organisation_id text        NOT NULL,
	created_at            timestamptz NOT NULL DEFAULT now(),
	created_by            text        NOT NULL,
	created_by_name       text        NOT NULL DEFAULT '',
	updated_at            timestamptz NOT NULL DEFAULT now(),
	updated_by            text        NOT NULL,
	updated_by_name       text        NOT NULL DEFAULT '',
	revision              integer     NOT NULL DEFAULT 0,
	deleted_at            timestamptz
);
CREATE INDEX app_records_app_updated ON app_records (app_id, updated_at DESC, id) WHERE deleted_at IS NULL;
CREATE INDEX app_records_tenant ON app_records (tenant_id);
CREATE INDEX app_records_search_trgm ON app_records USING gin (search_text gin_trgm_ops);
CREATE INDEX app_records_values ON app_records USING gin ("values" jsonb_path_ops);

-- the history of a record: one row per create, change and delete, with
-- the changed fields as {"<key>":{"from","to"}}
CREATE TABLE app_record_changes (
	id        bigserial   PRIMARY KEY,
	tenant_id text        NOT NULL,
	record_id uuid        NOT NULL REFERENCES app_records (id),
	at        timestamptz NOT NULL DEFAULT clock_timestamp(),
	by_id     text        NOT NULL,
	by_name   text        NOT NULL DEFAULT '',
	action    text        NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
	fields    jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX app_record_changes_record ON app_record_changes (record_id, id);

-- comments on records
CREATE TABLE app_record_comments (
	id                uuid        PRIMARY KEY,
	tenant_id         text        NOT NULL,
	record_id         uuid        NOT NULL REFERENCES app_records (id),
	body              text        NOT NULL CHECK (char_length(body) >= 1),
	author_id         text        NOT NULL,
	author_name       text        NOT NULL DEFAULT '',
	organisation_id   text        NOT NULL DEFAULT '',
	organisation_name text        NOT NULL DEFAULT '',
	created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX app_record_comments_record ON app_record_comments (record_id, created_at, id);
