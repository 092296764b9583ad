-- care-manager capacity per home-care support office (ケアマネ空き情報)
CREATE TABLE office_capacity (
	tenant_id      text        NOT NULL,
	office_id      uuid        NOT NULL,
	office_name    text        NOT NULL,
	new_clients    integer     NOT NULL CHECK (new_clients >= 0),
	note           text        NOT NULL DEFAULT '',
	updated_by     text        NOT NULL,
	updated_at     timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, office_id)
);
