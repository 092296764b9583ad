-- vacancy: the facility copy, care-manager capacity, bed days, their
-- history, holds, and the one availability rule (see API.md)

-- the old per-office table held nothing; capacity replaces it
DROP TABLE IF EXISTS office_capacity;

-- the copy of the tenant's facility directory (records' app "facilities"
-- on carelink.directory); the newest event_time wins
CREATE TABLE facilities (
	tenant_id             text        NOT NULL,
	id                    uuid        NOT NULL,
	name                  text        NOT NULL,
	kind                  text        NOT NULL DEFAULT '',
	district              text        NOT NULL DEFAULT '',
	latitude              double precision,
	longitude             double precision,
	owner_organisation_id text        NOT NULL DEFAULT '',
	deleted               boolean     NOT NULL DEFAULT false,
	event_time            timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX facilities_id ON facilities (id);

-- care-manager capacity of a home-care support office
CREATE TABLE capacity (
	tenant_id       text        NOT NULL,
	facility_id     uuid        NOT NULL,
	levels          jsonb       NOT NULL,
	capabilities    text[]      NOT NULL DEFAULT '{}',
	note            text        NOT NULL DEFAULT '',
	updated_by_id   text        NOT NULL,
	updated_by_name text        NOT NULL,
	updated_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, facility_id)
);

-- beds a facility declares free per night and kind
CREATE TABLE bed_days (
	tenant_id       text        NOT NULL,
	facility_id     uuid        NOT NULL,
	kind            text        NOT NULL CHECK (kind IN ('short_stay', 'backup')),
	day             date        NOT NULL,
	men             integer     NOT NULL CHECK (men BETWEEN 0 AND 999),
	women           integer     NOT NULL CHECK (women BETWEEN 0 AND 999),
	either          integer     NOT NULL CHECK (either BETWEEN 0 AND 999),
	care_levels     text[]      NOT NULL DEFAULT '{}',
	conditions      text[]      NOT NULL DEFAULT '{}',
	updated_by_id   text        NOT NULL,
	updated_by_name text        NOT NULL,
	updated_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (facility_id, kind, day)
);
CREATE INDEX bed_days_tenant_day ON bed_days (tenant_id, kind, day);

-- every update, for trend analysis: kind 'capacity' (values = the
-- capacity) or a bed kind (values = the beds set on day_from .. day_to)
CREATE TABLE vacancy_history (
	id              bigserial   PRIMARY KEY,
	tenant_id       text        NOT NULL,
	facility_id     uuid        NOT NULL,
	kind            text        NOT NULL,
	day_from        date,
	day_to          date,
	"values"        jsonb       NOT NULL,
	updated_by_id   text        NOT NULL,
	updated_by_name text        NOT NULL,
	updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vacancy_history_facility ON vacancy_history (facility_id, updated_at);

-- holds (tentative reservations), written by the holds part
CREATE TABLE holds (
	id                       uuid        PRIMARY KEY,
	tenant_id                text        NOT NULL,
	facility_id              uuid        NOT NULL,
	kind                     text        NOT NULL CHECK (kind IN ('short_stay', 'backup')),
	room                     text        NOT NULL CHECK (room IN ('men', 'women', 'either')),
	beds                     integer     NOT NULL CHECK (beds BETWEEN 1 AND 10),
	day_from                 date        NOT NULL,
	day_to                   date        NOT NULL CHECK (day_to >= day_from),
	status                   text        NOT NULL
	                         CHECK (status IN ('held', 'confirmed', 'released', 'expired')),
	client_label             text        NOT NULL,
	note                     text        NOT NULL DEFAULT '',
	expires_at               timestamptz,
	holder_id                text        NOT NULL,
	holder_name              text        NOT NULL,
	holder_organisation_id   text        NOT NULL,
	holder_organisation_name text        NOT NULL,
	created_at               timestamptz NOT NULL DEFAULT now(),
	confirmed_at             timestamptz,
	released_at              timestamptz
);
CREATE INDEX holds_facility ON holds (facility_id, kind, status);
CREATE INDEX holds_holder ON holds (tenant_id, holder_id, created_at);

-- The availability rule, the one place every count uses (GET beds, the
-- board, search, VacancyChanged, hold placement, lowering beds).
--
-- A hold is active when status = 'confirmed', or status = 'held' and
-- expires_at > now(). On a night, active holds of the facility and kind
-- whose day_from <= day <= day_to take beds:
--   * men's holds take men's beds, then either beds for the rest;
--   * women's holds take women's beds, then either beds for the rest;
--   * 'either' holds take either beds, then women's, then men's.
-- A day never declared has 0 beds. available_* never go below 0; held is
-- the beds active holds take that night; lacking is how many beds the
-- active holds take that the declared beds cannot give (0 unless beds were
-- lowered under the holds, which PUT beds refuses).
-- Plain SQL (not PL/pgSQL), so that every calling query plans it with the
-- tables' current statistics (a cached PL/pgSQL plan made while bed_days was
-- small would scan the whole table on every call).
CREATE FUNCTION vac_day_available(p_facility uuid, p_kind text, p_day date)
RETURNS TABLE (avail_men integer, avail_women integer, avail_either integer,
	held integer, lacking integer)
LANGUAGE sql STABLE AS $$
	SELECT greatest(s3.m2, 0), greatest(s2.w2, 0), greatest(s1.e2, 0),
	       k.hm + k.hw + k.he, greatest(-s0.e1, 0) + s3.he3
	  FROM (SELECT coalesce(max(b.men), 0) AS m, coalesce(max(b.women), 0) AS w,
	               coalesce(max(b.either), 0) AS e
	          FROM bed_days b
	         WHERE b.facility_id = p_facility AND b.kind = p_kind AND b.day = p_day) d,
	       (SELECT coalesce(sum(h.beds) FILTER (WHERE h.room = 'men'), 0)::integer AS hm,
	               coalesce(sum(h.beds) FILTER (WHERE h.room = 'women'), 0)::integer AS hw,
	               coalesce(sum(h.beds) FILTER (WHERE h.room = 'either'), 0)::integer AS he
	          FROM holds h
	         WHERE h.facility_id = p_facility AND h.kind = p_kind
	           AND h.day_from <= p_day AND h.day_to >= p_day
	           AND (h.status = 'confirmed'
	                OR (h.status = 'held' AND h.expires_at > now()))) k,
	       -- men's and women's holds: their own rooms, the rest either beds
	       LATERAL (SELECT d.m - least(k.hm, d.m) AS m1, d.w - least(k.hw, d.w) AS w1,
	                       d.e - (k.hm - least(k.hm, d.m)) - (k.hw - least(k.hw, d.w)) AS e1) s0,
	       -- 'either' holds: either beds, then women's, then men's
	       LATERAL (SELECT s0.e1 - least(k.he, greatest(s0.e1, 0)) AS e2,
	                       k.he - least(k.he, greatest(s0.e1, 0)) AS he1) s1,
	       LATERAL (SELECT s0.w1 - least(s1.he1, s0.w1) AS w2,
	                       s1.he1 - least(s1.he1, s0.w1) AS he2) s2,
	       LATERAL (SELECT s0.m1 - least(s2.he2, s0.m1) AS m2,
	                       s2.he2 - least(s2.he2, s0.m1) AS he3) s3
$$;
