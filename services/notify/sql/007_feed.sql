-- the feed (issue 8, FEED.md): per-person rows of targeted notifications,
-- the thread of a notification, read state (marks and single reads) and
-- each person's preferences

-- one row per person named by a targeted notification (mentions, care
-- teams, followers of a post, vacancy watches, reminders, alerts' named
-- users); broad notifications have none and are matched on read
CREATE TABLE notification_recipients (
	tenant_id        text    NOT NULL,
	user_id          text    NOT NULL,
	notification_id  bigint  NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
	PRIMARY KEY (tenant_id, user_id, notification_id)
);
CREATE INDEX notification_recipients_notification
	ON notification_recipients (notification_id);

INSERT INTO notification_recipients (tenant_id, user_id, notification_id)
SELECT DISTINCT n.tenant_id, u.user_id, n.id
  FROM notifications n, unnest(n.audience_users) AS u(user_id)
 WHERE u.user_id <> ''
ON CONFLICT DO NOTHING;

ALTER TABLE notifications
	ADD COLUMN thread_id text;           -- NULL: not inside a thread

-- what the feed's filters and counts look up
CREATE INDEX notifications_tenant_space ON notifications (tenant_id, space_id, id);
CREATE INDEX notifications_tenant_app ON notifications (tenant_id, app_id, id)
	WHERE app_id IS NOT NULL;
CREATE INDEX notifications_tenant_patient ON notifications (tenant_id, patient_id, id)
	WHERE patient_id IS NOT NULL;
CREATE INDEX notifications_tenant_urgent ON notifications (tenant_id, id)
	WHERE urgent;
CREATE INDEX notifications_tenant_mention ON notifications (tenant_id, id)
	WHERE kind = 'mention';

-- single reads: one row per notification a person opened
CREATE TABLE notification_reads (
	tenant_id        text        NOT NULL,
	user_id          text        NOT NULL,
	notification_id  bigint      NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
	read_at          timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, user_id, notification_id)
);

-- marks: everything up to up_to is read, for the whole feed (space_id '')
-- or for one space
CREATE TABLE feed_read_marks (
	tenant_id  text        NOT NULL,
	user_id    text        NOT NULL,
	space_id   text        NOT NULL DEFAULT '',  -- '': the whole feed
	up_to      bigint      NOT NULL,
	marked_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, user_id, space_id)
);

-- preferences: one row per person who saved them (none: the defaults)
CREATE TABLE feed_preferences (
	tenant_id     text        NOT NULL,
	user_id       text        NOT NULL,
	urgent_only   boolean     NOT NULL DEFAULT false,
	quiet_start   text,                     -- 'HH:MM' Asia/Tokyo; NULL: none
	quiet_end     text,
	muted_spaces  text[]      NOT NULL DEFAULT '{}',
	muted_threads text[]      NOT NULL DEFAULT '{}',
	updated_at    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, user_id),
	CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);
