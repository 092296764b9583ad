-- the people directory (顔が見える関係): one profile per user, its photo, and
-- the trigram indexes behind the directory's substring search (Japanese
-- included: pg_trgm is installed in every carelink database)

CREATE TABLE profiles (
	user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	work_phone    text NOT NULL DEFAULT ''
		CHECK (length(work_phone) <= 20 AND work_phone ~ '^(\+?[0-9][0-9-]*)?$'),
	areas         text[] NOT NULL DEFAULT '{}' CHECK (cardinality(areas) <= 20),
	can_help_with text NOT NULL DEFAULT '' CHECK (char_length(can_help_with) <= 1000),
	language      text NOT NULL DEFAULT 'ja' CHECK (language IN ('ja', 'en')),
	-- areas and can_help_with as one text, kept by the trigger below, so
	-- that one trigram index serves the search
	search_text   text NOT NULL DEFAULT '',
	updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION profiles_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.search_text := array_to_string(NEW.areas, E'\n') || E'\n' || NEW.can_help_with;
	RETURN NEW;
END $$;
CREATE TRIGGER profiles_search_text BEFORE INSERT OR UPDATE ON profiles
	FOR EACH ROW EXECUTE FUNCTION profiles_search_text();

CREATE INDEX profiles_search_trgm ON profiles USING gin (search_text gin_trgm_ops);
CREATE INDEX users_display_name_trgm ON users USING gin (display_name gin_trgm_ops);
CREATE INDEX organisations_name_trgm ON organisations USING gin (name gin_trgm_ops);
-- the directory's order: by name, then id (the cursor)
CREATE INDEX users_directory ON users (tenant_id, display_name, id) WHERE active;

-- one photo per user, PNG or JPEG, at most 1 MiB; etag: a digest of data
CREATE TABLE profile_photos (
	user_id      uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
	data         bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 1048576),
	etag         text NOT NULL,
	updated_at   timestamptz NOT NULL DEFAULT now()
);
