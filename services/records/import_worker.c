/* import_worker.c - the background workers of CSV imports: a queue of jobs
 * and REC_IMPORT_WORKERS threads, each with two PostgreSQL connections of
 * its own (the import's transaction, its progress) */
#include "records.h"
#include "carelink/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct rec_imports {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct rec_import_job *head, *tail; /* owned */
	atomic_bool stop;
	pthread_t threads[REC_IMPORT_WORKERS];
	size_t n_threads;
	const char *conninfo; /* borrowed from the configuration */
};

#define STOPPED_REASON "サービスの停止のため中断しました。もう一度取り込んでください"

void rec_import_job_free(struct rec_import_job *job)
{
	if (!job)
		return;
	rec_csv_release(&job->csv);
	rec_import_map_release(&job->map);
	free(job);
}

static void *worker_main(void *arg)
{
	struct rec_imports *im = arg;
	struct cl_pg pg, progress;
	cl_pg_open(&pg, im->conninfo); /* reconnects on first use when down */
	cl_pg_open(&progress, im->conninfo);
	pthread_mutex_lock(&im->lock);
	for (;;) {
		while (!im->head && !atomic_load(&im->stop))
			pthread_cond_wait(&im->cond, &im->lock);
		if (atomic_load(&im->stop))
			break;
		struct rec_import_job *job = im->head;
		im->head = job->next;
		if (!im->head)
			im->tail = NULL;
		pthread_mutex_unlock(&im->lock);
		int rc = rec_import_run(&pg, &progress, job, &im->stop);
		if (rc < 0)
			cl_log_error("records: import %s: %s", job->id, cl_strerror(rc));
		rec_import_job_free(job);
		pthread_mutex_lock(&im->lock);
	}
	pthread_mutex_unlock(&im->lock);
	cl_pg_close(&progress);
	cl_pg_close(&pg);
	return NULL;
}

int rec_imports_submit(struct rec_app *app, struct rec_import_job *job)
{
	struct rec_imports *im = app->imports;
	job->next = NULL;
	pthread_mutex_lock(&im->lock);
	if (atomic_load(&im->stop)) {
		pthread_mutex_unlock(&im->lock);
		rec_import_job_free(job);
		return CL_ERETRY;
	}
	if (im->tail)
		im->tail->next = job;
	else
		im->head = job;
	im->tail = job;
	pthread_cond_signal(&im->cond);
	pthread_mutex_unlock(&im->lock);
	return 0;
}

int rec_imports_start(struct rec_app *app)
{
	struct rec_imports *im = cl_xcalloc(1, sizeof *im);
	pthread_mutex_init(&im->lock, NULL);
	pthread_cond_init(&im->cond, NULL);
	atomic_init(&im->stop, false);
	im->conninfo = cl_cfg_get(&app->svc->cfg, "pg.conninfo", "");
	app->imports = im;

	/* imports an earlier process left running never finish */
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_import_fail_running(pg, STOPPED_REASON);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		cl_log_warn("records: imports left running: %s", cl_strerror(rc));

	for (size_t i = 0; i < REC_IMPORT_WORKERS; i++) {
		if (pthread_create(&im->threads[i], NULL, worker_main, im)) {
			rec_imports_stop(app);
			return CL_EFATAL;
		}
		im->n_threads++;
	}
	return 0;
}

void rec_imports_stop(struct rec_app *app)
{
	struct rec_imports *im = app->imports;
	if (!im)
		return;
	pthread_mutex_lock(&im->lock);
	atomic_store(&im->stop, true);
	pthread_cond_broadcast(&im->cond);
	pthread_mutex_unlock(&im->lock);
	for (size_t i = 0; i < im->n_threads; i++)
		pthread_join(im->threads[i], NULL);
	/* queued imports that never ran: failed, so nobody waits for them */
	struct cl_pg *pg = im->head ? cl_pg_pool_get(&app->svc->pool) : NULL;
	while (im->head) {
		struct rec_import_job *job = im->head;
		im->head = job->next;
		json_t *errors = json_pack("[{s:i,s:s,s:s}]", "line", 0, "field", "", "reason",
					   STOPPED_REASON);
		rec_db_import_finish(pg, job->id, "failed", 0, 0, 0, 0, errors);
		json_decref(errors);
		rec_import_job_free(job);
	}
	if (pg)
		cl_pg_pool_put(&app->svc->pool, pg);
	pthread_cond_destroy(&im->cond);
	pthread_mutex_destroy(&im->lock);
	free(im);
	app->imports = NULL;
}
