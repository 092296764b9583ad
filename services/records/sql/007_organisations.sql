-- the organisations of each tenant as the gateway announces them
-- (OrganisationChanged on carelink.identity), so that an organisation no
-- person belongs to is known too; updated_at is the time of the event a row
-- came from, so an older event never overwrites a newer state
CREATE TABLE organisations (
	tenant_id       text        NOT NULL,
	organisation_id text        NOT NULL,
	name            text        NOT NULL,
	kind            text        NOT NULL,
	updated_at      timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, organisation_id)
);

-- the one answer to "does the tenant have this organisation, and what is
-- its name": the announced organisations, plus those known only through
-- their people (announced before OrganisationChanged existed), named by the
-- latest non-empty organisation_name of their people ('' when none has one)
CREATE VIEW tenant_organisations (tenant_id, organisation_id, name) AS
	SELECT o.tenant_id, o.organisation_id, o.name FROM organisations o
	UNION ALL
	(SELECT DISTINCT ON (pe.tenant_id, pe.organisation_id)
		pe.tenant_id, pe.organisation_id, pe.organisation_name
	 FROM people pe
	 WHERE NOT EXISTS (SELECT 1 FROM organisations o
			   WHERE o.tenant_id = pe.tenant_id
			   AND o.organisation_id = pe.organisation_id)
	 ORDER BY pe.tenant_id, pe.organisation_id, pe.organisation_name = '',
		  pe.updated_at DESC);
