/* apps.h - apps (shared small databases): definitions, field validation,
 * records, history, comments and the facility directory inside
 * carelink-records (included by records.h; see APPS.md) */
#ifndef REC_APPS_H
#define REC_APPS_H

#endif
