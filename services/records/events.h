/* events.h - the event calendar: registrations, iCalendar and reminders
 * inside carelink-records (included by records.h; see APPS.md) */
#ifndef REC_EVENTS_H
#define REC_EVENTS_H

#include <jansson.h>

struct rec_app;
struct cl_pg;
struct cl_identity;

/* rec_event_registration_json() - the "registration" object of an event
 * record for who ({"count","capacity","full","registered","open"}), or NULL
 * when record_id is not an event; new reference (event_registration.c). */
json_t *rec_event_registration_json(struct cl_pg *pg, const struct cl_identity *who,
				    const char *record_id);

/* rec_reminders_start() - the thread that emits EventReminderDue;
 * app->reminders is set. Returns 0 or a negative CL_E* code
 * (event_reminder.c). */
int rec_reminders_start(struct rec_app *app);
/* rec_reminders_stop() - stop that thread and free app->reminders. */
void rec_reminders_stop(struct rec_app *app);

#endif
