-- vacancy: watches (saved bed searches) with the facilities matching each
-- now, and the freshness reminders sent (see API.md)

-- when vacancy first knew a facility: a facility never updated is stale
-- once it has been known for longer than the stale age
ALTER TABLE facilities ADD COLUMN first_seen timestamptz NOT NULL DEFAULT now();

CREATE TABLE watches (
	id          uuid        PRIMARY KEY,
	tenant_id   text        NOT NULL,
	user_id     text        NOT NULL,
	name        text        NOT NULL,
	kind        text        NOT NULL CHECK (kind IN ('short_stay', 'backup')),
	day_from    date        NOT NULL,
	day_to      date        NOT NULL CHECK (day_to >= day_from),
	room        text        NOT NULL CHECK (room IN ('men', 'women', 'any')),
	beds        integer     NOT NULL CHECK (beds BETWEEN 1 AND 10),
	care_level  text,
	conditions  text[]      NOT NULL DEFAULT '{}',
	district    text,
	near_lat    double precision,
	near_lng    double precision,
	radius_km   double precision,
	created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX watches_user ON watches (tenant_id, user_id, created_at);
CREATE INDEX watches_active ON watches (tenant_id, kind, day_to);

-- the facilities that match a watch now; a facility entering this set is
-- what notifies the watch's owner
CREATE TABLE watch_matches (
	watch_id      uuid        NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
	facility_id   uuid        NOT NULL,
	min_available integer     NOT NULL,
	matched_at    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (watch_id, facility_id)
);
CREATE INDEX watch_matches_facility ON watch_matches (facility_id);

-- the last freshness reminder of each facility
CREATE TABLE freshness_reminders (
	facility_id uuid        PRIMARY KEY,
	tenant_id   text        NOT NULL,
	reminded_at timestamptz NOT NULL
);

-- what a facility of the directory kind offers: 'capacity', 'short_stay',
-- 'backup' or NULL (the SQL twin of vac_facility_offers())
CREATE FUNCTION vac_offers(p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_kind = '居宅介護支援事業所' THEN 'capacity'
	            WHEN p_kind IN ('短期入所生活介護', '短期入所療養介護') THEN 'short_stay'
	            WHEN p_kind IN ('病院', '診療所') THEN 'backup' END
$$;

-- when the facility's data of what it offers was last updated (NULL: never)
CREATE FUNCTION vac_updated_at(p_facility uuid, p_offers text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_offers = 'capacity'
	            THEN (SELECT c.updated_at FROM capacity c WHERE c.facility_id = p_facility)
	            ELSE (SELECT max(b.updated_at) FROM bed_days b
	                   WHERE b.facility_id = p_facility AND b.kind = p_offers) END
$$;
