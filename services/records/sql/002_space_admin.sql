-- spaces gain admins and a last change time, and a name unique within the
-- tenant; records keeps a copy of the tenant's people (from UserChanged on
-- carelink.identity) to check organisations, admins and mentions and to
-- list the audience of a space
ALTER TABLE spaces
	ADD COLUMN admins     text[]      NOT NULL DEFAULT '{}',
	ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX spaces_tenant_name_unique ON spaces (tenant_id, name);
DROP INDEX IF EXISTS spaces_tenant_name;

-- threads are renamed, reordered and closed in place; the order of a space
-- is position, then title
ALTER TABLE threads ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- the latest state of each person of a tenant; updated_at is the time of
-- the UserChanged event it came from, so an older event never overwrites
-- a newer state
CREATE TABLE people (
	tenant_id         text        NOT NULL,
	user_id           text        NOT NULL,
	display_name      text        NOT NULL,
	organisation_id   text        NOT NULL,
	organisation_name text        NOT NULL DEFAULT '',
	profession        text        NOT NULL,
	roles             text[]      NOT NULL DEFAULT '{}',
	active            boolean     NOT NULL,
	updated_at        timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX people_tenant_organisation ON people (tenant_id, organisation_id);
