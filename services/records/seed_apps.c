/* seed_apps.c - the demo facility directory and event calendar */
#include "records.h"

int rec_seed_demo_apps(struct rec_app *app)
{
	(void)app;
	return 0;
}
