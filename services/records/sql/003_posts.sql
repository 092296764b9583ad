-- posts grow comments, edits, soft deletes and mentions; attachments,
-- read confirmations, edit history, an append-only audit of edits and
-- deletes, and a trigram index for substring search (Japanese included)
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- the body limit is records.post_body_max (configuration), checked by the
-- service; the table only refuses an empty body
ALTER TABLE posts DROP CONSTRAINT IF EXISTS posts_body_check;
ALTER TABLE posts ADD CONSTRAINT posts_body_not_empty CHECK (char_length(body) >= 1);

-- a comment is a row of posts whose parent_id names the post (never a
-- comment); mentions are {"users":[{"id","name"}],"organisations":[...]}
-- as resolved when the text was written
ALTER TABLE posts
	ADD COLUMN parent_id  uuid REFERENCES posts (id),
	ADD COLUMN edited_at  timestamptz,
	ADD COLUMN deleted_at timestamptz,
	ADD COLUMN deleted_by text,
	ADD COLUMN mentions   jsonb NOT NULL DEFAULT '{"users":[],"organisations":[]}';
CREATE INDEX posts_parent_created ON posts (parent_id, created_at, id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_tenant_created ON posts (tenant_id, created_at DESC, id DESC);
CREATE INDEX posts_tenant_author ON posts (tenant_id, author_id, created_at DESC);
CREATE INDEX posts_body_trgm ON posts USING gin (body gin_trgm_ops);

-- earlier texts of a post or comment, one row per edit
CREATE TABLE post_revisions (
	id          bigserial   PRIMARY KEY,
	tenant_id   text        NOT NULL,
	post_id     uuid        NOT NULL REFERENCES posts (id),
	body        text        NOT NULL,
	mentions    jsonb       NOT NULL,
	editor_id   text        NOT NULL,
	editor_name text        NOT NULL,
	written_at  timestamptz NOT NULL, -- when this text was written
	replaced_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, id);

-- uploaded files; post_id stays NULL until a post or comment names it
CREATE TABLE attachments (
	id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id    text        NOT NULL,
	uploader_id  text        NOT NULL,
	post_id      uuid        REFERENCES posts (id),
	filename     text        NOT NULL CHECK (octet_length(filename) BETWEEN 1 AND 255),
	content_type text        NOT NULL,
	size         integer     NOT NULL CHECK (size > 0),
	data         bytea       NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_post ON attachments (post_id, created_at, id) WHERE post_id IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (tenant_id, created_at) WHERE post_id IS NULL;

-- "確認しました": one row per reader and post
CREATE TABLE post_confirmations (
	tenant_id         text        NOT NULL,
	post_id           uuid        NOT NULL REFERENCES posts (id),
	user_id           text        NOT NULL,
	user_name         text        NOT NULL,
	organisation_id   text        NOT NULL,
	organisation_name text        NOT NULL,
	confirmed_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (post_id, user_id)
);

-- who edited or deleted what and when; rows are never changed or removed
CREATE TABLE post_audit (
	id         bigserial   PRIMARY KEY,
	tenant_id  text        NOT NULL,
	post_id    uuid        NOT NULL,
	action     text        NOT NULL CHECK (action IN ('edited', 'deleted')),
	actor_id   text        NOT NULL,
	actor_name text        NOT NULL,
	at         timestamptz NOT NULL DEFAULT now(),
	body       text        NOT NULL -- the text before the change
);
CREATE INDEX post_audit_post ON post_audit (post_id, id);

CREATE FUNCTION post_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'post_audit is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER post_audit_no_update BEFORE UPDATE OR DELETE ON post_audit
	FOR EACH ROW EXECUTE FUNCTION post_audit_refuse();
CREATE TRIGGER post_audit_no_truncate BEFORE TRUNCATE ON post_audit
	FOR EACH STATEMENT EXECUTE FUNCTION post_audit_refuse();

-- RFC 3339 UTC with milliseconds, as every answer gives times; NULL stays NULL
CREATE FUNCTION rec_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- The JSON of a post or comment for viewer (API.md "post"), without the
-- comments and confirmation of a post: can_admin tells whether the viewer
-- is a space admin, writable whether the thread is open and the space not
-- archived, archived whether the space is.
CREATE FUNCTION rec_entry_json(p posts, viewer text, can_admin boolean,
			       writable boolean, archived boolean)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'id', p.id, 'thread_id', p.thread_id, 'space_id', p.space_id,
		'parent_id', p.parent_id,
		'body', CASE WHEN p.deleted_at IS NULL THEN p.body ELSE '' END,
		'created_at', rec_time(p.created_at), 'edited_at', rec_time(p.edited_at),
		'deleted', p.deleted_at IS NOT NULL,
		'author', jsonb_build_object('id', p.author_id, 'name', p.author_name,
			'organisation', jsonb_build_object('id', p.author_organisation_id,
							   'name', p.author_organisation_name)),
		'mentions', CASE WHEN p.deleted_at IS NULL THEN p.mentions
			    ELSE '{"users":[],"organisations":[]}'::jsonb END,
		'attachments', CASE WHEN p.deleted_at IS NOT NULL THEN '[]'::jsonb ELSE
			COALESCE((SELECT jsonb_agg(jsonb_build_object('id', a.id,
				'filename', a.filename, 'content_type', a.content_type,
				'size', a.size, 'url', '/api/v1/attachments/' || a.id)
				ORDER BY a.created_at, a.id)
			 FROM attachments a WHERE a.post_id = p.id), '[]'::jsonb) END,
		'can_edit', p.deleted_at IS NULL AND p.author_id = viewer AND writable,
		'can_delete', p.deleted_at IS NULL AND
			((p.author_id = viewer AND writable) OR (can_admin AND NOT archived)))
$$;

-- rec_entry_json() of a post with its comments (oldest first) and the
-- viewer's confirmation; audience is the number of people who may read the
-- space, without the post's author
CREATE FUNCTION rec_post_json(p posts, viewer text, can_admin boolean,
			      writable boolean, archived boolean, audience integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT rec_entry_json(p, viewer, can_admin, writable, archived)
	    || CASE WHEN p.parent_id IS NOT NULL THEN '{}'::jsonb ELSE jsonb_build_object(
		'confirmation', jsonb_build_object(
			'confirmed', EXISTS (SELECT 1 FROM post_confirmations c
					     WHERE c.post_id = p.id AND c.user_id = viewer),
			'count', (SELECT count(*) FROM post_confirmations c WHERE c.post_id = p.id),
			'audience', audience),
		'comments', COALESCE((SELECT jsonb_agg(rec_entry_json(c, viewer, can_admin,
								       writable, archived)
						      ORDER BY c.created_at, c.id)
				      FROM posts c WHERE c.parent_id = p.id), '[]'::jsonb))
	       END
$$;
