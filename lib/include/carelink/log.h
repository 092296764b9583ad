/* log.h - structured logs: one JSON object per line on stderr.
 *
 * {"time":"2026-11-24T10:00:00.123Z","level":"info","service":"records",
 *  "message":"post created","post_id":"..."}
 *
 * Fields are passed as NULL-terminated pairs of strings:
 *   cl_log_info("post created", "post_id", id, "space_id", sid, NULL);
 * Thread-safe: each line is written with one write(2).
 */
#ifndef CARELINK_LOG_H
#define CARELINK_LOG_H

enum cl_log_level { CL_LOG_DEBUG, CL_LOG_INFO, CL_LOG_WARN, CL_LOG_ERROR };

/* cl_log_init() - set the service name (copied) and the minimum level
 * ("debug", "info", "warn", "error"; NULL keeps "info"). */
void cl_log_init(const char *service, const char *level);

void cl_log(enum cl_log_level level, const char *message, ...);
#define cl_log_debug(...) cl_log(CL_LOG_DEBUG, __VA_ARGS__)
#define cl_log_info(...) cl_log(CL_LOG_INFO, __VA_ARGS__)
#define cl_log_warn(...) cl_log(CL_LOG_WARN, __VA_ARGS__)
#define cl_log_error(...) cl_log(CL_LOG_ERROR, __VA_ARGS__)

#endif
