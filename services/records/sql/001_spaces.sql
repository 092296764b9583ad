-- spaces (bulletin boards), their standing threads and the posts in them
CREATE TABLE spaces (
	id                    uuid        PRIMARY KEY,
	tenant_id             text        NOT NULL,
	name                  text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
	description           text        NOT NULL DEFAULT '',
	-- both empty: every user of the tenant; otherwise a user whose
	-- profession or organisation is listed
	visible_professions   text[]      NOT NULL DEFAULT '{}',
	visible_organisations text[]      NOT NULL DEFAULT '{}',
	archived              boolean     NOT NULL DEFAULT false,
	created_at            timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id)
);
CREATE INDEX spaces_tenant_name ON spaces (tenant_id, name);

CREATE TABLE threads (
	id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id  text        NOT NULL,
	space_id   uuid        NOT NULL,
	title      text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
	position   integer     NOT NULL DEFAULT 0,
	closed     boolean     NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (space_id, title),
	UNIQUE (tenant_id, space_id, id),
	FOREIGN KEY (tenant_id, space_id) REFERENCES spaces (tenant_id, id)
);
CREATE INDEX threads_space_position ON threads (space_id, position);

CREATE TABLE posts (
	id                       uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id                text        NOT NULL,
	space_id                 uuid        NOT NULL,
	thread_id                uuid        NOT NULL,
	author_id                text        NOT NULL,
	author_name              text        NOT NULL,
	author_organisation_id   text        NOT NULL,
	author_organisation_name text        NOT NULL,
	body                     text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
	created_at               timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, space_id, thread_id)
		REFERENCES threads (tenant_id, space_id, id)
);
CREATE INDEX posts_thread_created ON posts (thread_id, created_at, id);
