/* event_reminder.c - the thread that emits EventReminderDue */
#include "records.h"

int rec_reminders_start(struct rec_app *app)
{
	app->reminders = NULL;
	return 0;
}

void rec_reminders_stop(struct rec_app *app)
{
	app->reminders = NULL;
}
