-- the retention pass (retention.c) deletes the oldest notifications first
CREATE INDEX notifications_created ON notifications (created_at);
