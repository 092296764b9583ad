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
CREATE FUNCTION vac_day_available(p_facility uuid, p_kind text, p_day date,
	OUT avail_men integer, OUT avail_women integer, OUT avail_either integer,
	OUT held integer, OUT lacking integer)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	m integer := 0; w integer := 0; e integer := 0;
	hm integer; hw integer; he integer; t integer;
BEGIN
	SELECT b.men, b.women, b.either INTO m, w, e
	  FROM bed_days b
	 WHERE b.facility_id = p_facility AND b.kind = p_kind AND b.day = p_day;
	IF NOT FOUND THEN
		m := 0; w := 0; e := 0;
	END IF;
	SELECT coalesce(sum(h.beds) FILTER (WHERE h.room = 'men'), 0),
	       coalesce(sum(h.beds) FILTER (WHERE h.room = 'women'), 0),
	       coalesce(sum(h.beds) FILTER (WHERE h.room = 'either'), 0)
	  INTO hm, hw, he
	  FROM holds h
	 WHERE h.facility_id = p_facility AND h.kind = p_kind
	   AND h.day_from <= p_day AND h.day_to >= p_day
	   AND (h.status = 'confirmed' OR (h.status = 'held' AND h.expires_at > now()));
	held := hm + hw + he;
	-- men's holds
	t := least(hm, m); m := m - t; e := e - (hm - t);
	-- women's holds
	t := least(hw, w); w := w - t; e := e - (hw - t);
	lacking := greatest(-e, 0);
	-- 'either' holds: either beds, then women's, then men's
	t := least(he, greatest(e, 0)); e := e - t; he := he - t;
	t := least(he, w); w := w - t; he := he - t;
	t := least(he, m); m := m - t; he := he - t;
	lacking := lacking + he;
	avail_men := greatest(m, 0);
	avail_women := greatest(w, 0);
	avail_either := greatest(e, 0);
END;
$$;
