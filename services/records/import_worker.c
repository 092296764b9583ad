/* import_worker.c - the background workers of CSV imports */
#include "records.h"

int rec_imports_start(struct rec_app *app)
{
	app->imports = NULL;
	return 0;
}

void rec_imports_stop(struct rec_app *app)
{
	app->imports = NULL;
}
