-- patient files (issue 7): notifications about a patient are shown only to
-- the current members of the patient's care team, from notify's own copy of
-- each team (CareTeamChanged, and the team BreakGlassOpened names; the
-- newest event time wins). No copy: nobody sees them.
ALTER TABLE notifications
	ADD COLUMN patient_id text;          -- NULL: not about a patient

CREATE TABLE patient_teams (
	tenant_id   text    NOT NULL,
	patient_id  text    NOT NULL,
	members     text[]  NOT NULL DEFAULT '{}',  -- user ids of the whole team
	updated_ms  bigint  NOT NULL,  -- time of the event it was taken from
	PRIMARY KEY (tenant_id, patient_id)
);
