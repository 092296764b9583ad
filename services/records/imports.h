/* imports.h - CSV import and export of app records inside carelink-records
 * (included by records.h; see APPS.md) */
#ifndef REC_IMPORTS_H
#define REC_IMPORTS_H

struct rec_app;

/* rec_imports_start() - the background workers of CSV imports; app->imports
 * is set. Returns 0 or a negative CL_E* code (import_worker.c). */
int rec_imports_start(struct rec_app *app);
/* rec_imports_stop() - wait for running imports and free app->imports. */
void rec_imports_stop(struct rec_app *app);

#endif
