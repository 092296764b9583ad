/* live.h - helpers for tests that run against the test system's PostgreSQL
 * and broker (the ctest "system" fixture); they read the vacancy service's
 * generated configuration from $CARELINK_VAR/etc/vacancy.conf */
#ifndef CARELINK_TESTS_LIVE_H
#define CARELINK_TESTS_LIVE_H

#include <carelink/cfg.h>
#include <stdio.h>
#include <stdlib.h>

static inline void live_cfg(struct cl_cfg *cfg)
{
	char path[1024];
	const char *var = getenv("CARELINK_VAR");
	if (!var) {
		fprintf(stderr, "CARELINK_VAR is not set: run through ctest\n");
		exit(1);
	}
	snprintf(path, sizeof path, "%s/etc/vacancy.conf", var);
	cl_cfg_init(cfg);
	if (cl_cfg_load_file(cfg, path) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
}

#endif
