/* pg.c - PostgreSQL connections, statements and the transaction runner */
#include "carelink/pg.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

static void pg_notice_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int cl_pg_open(struct cl_pg *pg, const char *conninfo)
{
	pg->conn = NULL;
	pg->conninfo = cl_xstrdup(conninfo);
	return cl_pg_ensure(pg) == 0 ? 0 : CL_EIO;
}

void cl_pg_close(struct cl_pg *pg)
{
	if (pg->conn)
		PQfinish(pg->conn);
	pg->conn = NULL;
	free(pg->conninfo);
	pg->conninfo = NULL;
}

int cl_pg_ensure(struct cl_pg *pg)
{
	if (pg->conn && PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	if (pg->conn) {
		PQreset(pg->conn);
		if (PQstatus(pg->conn) == CONNECTION_OK)
			return 0;
		PQfinish(pg->conn);
	}
	pg->conn = PQconnectdb(pg->conninfo);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		cl_log_warn("postgresql connection failed", "detail",
			    PQerrorMessage(pg->conn), NULL);
		PQfinish(pg->conn);
		pg->conn = NULL;
		return CL_ERETRY;
	}
	PQsetNoticeProcessor(pg->conn, pg_notice_quiet, NULL);
	return 0;
}

static int pg_status_of(struct cl_pg *pg, PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return 0;
	if (PQstatus(pg->conn) != CONNECTION_OK)
		return CL_ERETRY;
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (!state)
		return CL_ERETRY;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
		return CL_ERETRY;
	if (!strncmp(state, "08", 2) || !strcmp(state, "57P01"))
		return CL_ERETRY;
	if (!strcmp(state, "23505"))
		return CL_ECONFLICT;
	if (!strncmp(state, "22", 2) || !strncmp(state, "23", 2))
		return CL_EINVAL;
	cl_log_error("sql statement failed", "sqlstate", state, "detail",
		     PQresultErrorMessage(res), NULL);
	return CL_EFATAL;
}

int cl_pg_exec_bin(struct cl_pg *pg, PGresult **res, const char *sql, int nparams,
		   const char *const *params, const int *lengths, const int *formats)
{
	if (res)
		*res = NULL;
	if (cl_pg_ensure(pg) < 0)
		return CL_ERETRY;
	PGresult *r = PQexecParams(pg->conn, sql, nparams, NULL, params, lengths,
				   formats, 0);
	int rc = pg_status_of(pg, r);
	if (rc < 0 || !res) {
		PQclear(r);
		return rc;
	}
	*res = r;
	return 0;
}

int cl_pg_exec(struct cl_pg *pg, PGresult **res, const char *sql, int nparams,
	       const char *const *params)
{
	return cl_pg_exec_bin(pg, res, sql, nparams, params, NULL, NULL);
}

long cl_pg_affected(PGresult *res)
{
	const char *n = PQcmdTuples(res);
	return n && *n ? strtol(n, NULL, 10) : 0;
}

const char *cl_pg_getvalue(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return PQgetvalue(res, row, col);
}

static void pg_backoff(int attempt)
{
	unsigned base = 5000u << (attempt < 6 ? attempt : 6); /* 5 ms .. 320 ms */
	usleep(base + randombytes_uniform(base));
}

int cl_pg_tx(struct cl_pg *pg, unsigned flags, cl_pg_tx_fn fn, void *arg)
{
	const char *begin = (flags & CL_PG_SERIALIZABLE)
				    ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
				    : "BEGIN";
	int rc = CL_ERETRY;
	for (int attempt = 0; attempt < 8; attempt++) {
		if (attempt)
			pg_backoff(attempt);
		rc = cl_pg_exec(pg, NULL, begin, 0, NULL);
		if (rc < 0)
			continue;
		rc = fn(pg, arg);
		if (rc == 0)
			rc = cl_pg_exec(pg, NULL, "COMMIT", 0, NULL);
		if (rc == 0)
			return 0;
		if (pg->conn && PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
			cl_pg_exec(pg, NULL, "ROLLBACK", 0, NULL);
		if (rc != CL_ERETRY)
			return rc;
	}
	cl_log_warn("transaction gave up after retries", NULL);
	return rc;
}

int cl_pg_pool_open(struct cl_pg_pool *pool, const char *conninfo, size_t n)
{
	pool->n = n;
	pool->conns = cl_xcalloc(n, sizeof *pool->conns);
	pool->busy = cl_xcalloc(n, sizeof *pool->busy);
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->cond, NULL);
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		if (cl_pg_open(&pool->conns[i], conninfo) < 0)
			rc = CL_EIO;
	return rc;
}

void cl_pg_pool_close(struct cl_pg_pool *pool)
{
	for (size_t i = 0; i < pool->n; i++)
		cl_pg_close(&pool->conns[i]);
	free(pool->conns);
	free(pool->busy);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->cond);
	pool->conns = NULL;
	pool->busy = NULL;
	pool->n = 0;
}

struct cl_pg *cl_pg_pool_get(struct cl_pg_pool *pool)
{
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		for (size_t i = 0; i < pool->n; i++) {
			if (!pool->busy[i]) {
				pool->busy[i] = true;
				pthread_mutex_unlock(&pool->lock);
				return &pool->conns[i];
			}
		}
		pthread_cond_wait(&pool->cond, &pool->lock);
	}
}

void cl_pg_pool_put(struct cl_pg_pool *pool, struct cl_pg *pg)
{
	pthread_mutex_lock(&pool->lock);
	pool->busy[pg - pool->conns] = false;
	pthread_cond_signal(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
}

bool cl_pg_pool_ping(struct cl_pg_pool *pool)
{
	struct cl_pg *pg = cl_pg_pool_get(pool);
	int rc = cl_pg_exec(pg, NULL, "SELECT 1", 0, NULL);
	cl_pg_pool_put(pool, pg);
	return rc == 0;
}
