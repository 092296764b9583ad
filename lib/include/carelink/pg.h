/* pg.h - PostgreSQL access: connections with reconnect, parameterised
 * statements, a transaction runner that retries, migrations, a pool.
 *
 * Every statement goes through cl_pg_exec() with parameters; SQL is never
 * built with printf. Status codes map SQLSTATE classes:
 *   0            done
 *   CL_ERETRY    40001 serialization failure, 40P01 deadlock, lost connection
 *   CL_ECONFLICT 23505 unique violation
 *   CL_EINVAL    class 22 (data exception) and other class 23 violations
 *   CL_EFATAL    anything else
 */
#ifndef CARELINK_PG_H
#define CARELINK_PG_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct cl_pg {
	PGconn *conn;    /* owned; NULL while disconnected */
	char *conninfo;  /* owned copy */
};

/* cl_pg_open() - connect (copies conninfo). On failure pg is still usable:
 * the next statement reconnects. Returns 0 or CL_EIO. */
int cl_pg_open(struct cl_pg *pg, const char *conninfo);
/* cl_pg_close() - disconnect and free; pg may be opened again. */
void cl_pg_close(struct cl_pg *pg);
/* cl_pg_ensure() - reconnect when the connection is missing or broken.
 * Returns 0 or CL_ERETRY. */
int cl_pg_ensure(struct cl_pg *pg);

/* cl_pg_exec() - one parameterised statement (text parameters, NULL means
 * SQL NULL). On 0, *res (when res is not NULL) holds the result and the
 * caller PQclear()s it; on error nothing is left to free. */
int cl_pg_exec(struct cl_pg *pg, PGresult **res, const char *sql, int nparams,
	       const char *const *params);
/* cl_pg_exec_bin() - like cl_pg_exec() with explicit lengths and formats
 * (1 = binary) per parameter, for bytea. */
int cl_pg_exec_bin(struct cl_pg *pg, PGresult **res, const char *sql, int nparams,
		   const char *const *params, const int *lengths, const int *formats);

/* cl_pg_affected() - rows affected by the statement of res. */
long cl_pg_affected(PGresult *res);

struct json_t;
/* cl_pg_json() - the first cell of the first row of res, JSON text that
 * PostgreSQL built (json_build_object, json_agg), as a new reference in
 * *out; res is cleared. Returns 0, CL_ENOENT (no row) or CL_EFATAL (not
 * JSON). */
int cl_pg_json(PGresult *res, struct json_t **out);

/* cl_pg_text() - the first cell of the first row of res (an id a statement
 * returned, say) copied into out (size bytes, truncated); res is cleared.
 * Returns 0 or CL_ENOENT (no row). */
int cl_pg_text(PGresult *res, char *out, size_t size);

/* cl_pg_bytea() - the bytea cell (row, col) of res as bytes, their number
 * in *size; free with PQfreemem(). Aborts when memory runs out. */
unsigned char *cl_pg_bytea(const PGresult *res, int row, int col, size_t *size);

enum cl_pg_tx_flags {
	CL_PG_READ_COMMITTED = 0,
	CL_PG_SERIALIZABLE = 1,
};

/* A transaction body: runs between BEGIN and COMMIT; returns 0 to commit or
 * a negative CL_E* code to roll back (CL_ERETRY asks for another attempt). */
typedef int (*cl_pg_tx_fn)(struct cl_pg *pg, void *arg);

/* cl_pg_tx() - run fn in one transaction, retrying serialization failures,
 * deadlocks and lost connections up to 8 attempts with jittered backoff.
 * Returns fn's error, CL_ERETRY when attempts ran out, or 0 once committed. */
int cl_pg_tx(struct cl_pg *pg, unsigned flags, cl_pg_tx_fn fn, void *arg);

/* cl_pg_migrate() - apply every NNN_*.sql file in each directory of dirs
 * (NULL-terminated) not yet recorded in cl_schema_migrations, in name order,
 * each in its own transaction, under a session advisory lock so that
 * replicas starting together apply each file once. Versions are recorded as
 * "<label>/<file>" where label is the directory's last component. */
int cl_pg_migrate(struct cl_pg *pg, const char *const *dirs);

/* A fixed-size pool of connections shared by HTTP worker threads. */
struct cl_pg_pool {
	struct cl_pg *conns;  /* owned array of n */
	bool *busy;
	size_t n;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

int cl_pg_pool_open(struct cl_pg_pool *pool, const char *conninfo, size_t n);
void cl_pg_pool_close(struct cl_pg_pool *pool);
/* cl_pg_pool_get() - borrow a connection, waiting while all are busy.
 * Give it back with cl_pg_pool_put(). */
struct cl_pg *cl_pg_pool_get(struct cl_pg_pool *pool);
void cl_pg_pool_put(struct cl_pg_pool *pool, struct cl_pg *pg);
/* cl_pg_pool_ping() - true when a "SELECT 1" succeeds on a pooled conn. */
bool cl_pg_pool_ping(struct cl_pg_pool *pool);

/* cl_pg_getvalue() - borrowed text of (row, col), NULL for SQL NULL. */
const char *cl_pg_getvalue(const PGresult *res, int row, int col);

#endif
