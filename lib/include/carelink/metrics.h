/* metrics.h - process counters exposed at /metrics (Prometheus text 0.0.4).
 *
 * Counters and gauges are registered once at start and updated lock-free
 * with atomics from any thread.
 *   static struct cl_metric *posts;
 *   posts = cl_metric_counter("carelink_posts_created_total", "posts created");
 *   cl_metric_add(posts, 1);
 */
#ifndef CARELINK_METRICS_H
#define CARELINK_METRICS_H

#include <stdint.h>
#include <stddef.h>

struct cl_metric;

/* cl_metric_counter()/cl_metric_gauge() - register (or return the existing)
 * metric by name; name and help are copied. Never NULL (aborts on OOM or
 * past 256 metrics). */
struct cl_metric *cl_metric_counter(const char *name, const char *help);
struct cl_metric *cl_metric_gauge(const char *name, const char *help);

void cl_metric_add(struct cl_metric *m, int64_t delta);
void cl_metric_set(struct cl_metric *m, int64_t value);
int64_t cl_metric_value(const struct cl_metric *m);

/* cl_metrics_render() - all metrics in exposition format; malloc'd, caller
 * frees; *len set to its length. */
char *cl_metrics_render(size_t *len);

#endif
