/* hub.c - the live streams (server-sent events) of connected browsers.
 *
 * Each stream is a suspended libmicrohttpd connection with a byte buffer.
 * Pushing an event appends to the buffer and resumes the connection; the
 * content reader drains the buffer and suspends again when it is empty, so
 * an idle stream costs no polling. Streams are grouped by tenant, so one
 * notification visits only the streams of its tenant: fan-out is linear in
 * the connected audience. A stream whose buffer grows past GW_STREAM_MAX
 * (a client that stopped reading) is ended; the browser reconnects with
 * Last-Event-ID and catches up from notify.
 *
 * Every event but `ready` carries the stream's counter "seq" (FEED.md "The
 * event counter"), added to the event's data as the event is queued; a
 * notification's text is made once per notification and only the counter
 * (and "silent") differs per stream. Each stream holds its person's
 * preferences, applied as notifications are matched. While a resumed stream
 * catches up, live notifications for it are held back and queued after the
 * catch-up, so that it receives every notification once and in id order.
 */
#include "gateway.h"

#include <carelink/json.h>
#include <carelink/metrics.h>
#include <carelink/util.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GW_STREAM_MAX (1u << 20)
#define GW_STREAM_CATCHUP_MAX (64u << 20) /* 50,000 feed items */
#define GW_SEEN 128

/* a live notification held back while its stream catches up */
struct gw_held {
	int64_t id;
	bool silent;
	char *data;
	struct gw_held *next;
};

struct gw_stream {
	struct gw_hub *hub;
	struct MHD_Connection *conn;
	struct cl_identity who;
	struct gw_prefs prefs;
	char *buf;
	size_t len, off, cap;
	size_t max;                 /* most bytes waiting before the stream is ended */
	bool suspended, closed, attached;
	bool catching_up;           /* live notifications go to held */
	int refs;                   /* the request and the response */
	int64_t seq;                /* the last event's counter */
	int64_t seen[GW_SEEN];      /* ids already sent, to drop duplicates */
	size_t n_seen;
	struct gw_held *held, *held_tail;
	int64_t *sent;              /* ids the catch-up sent (while catching_up) */
	size_t n_sent, cap_sent;
	struct gw_stream *prev, *next;
};

struct gw_tenant {
	char tenant[CL_IDENTITY_FIELD_MAX];
	struct gw_stream *head;
	struct gw_tenant *next;
};

struct gw_hub {
	pthread_mutex_t lock;
	struct gw_tenant *tenants;
	size_t count;
	bool closing;                /* no new streams: the process is stopping */
	struct cl_metric *open_streams, *pushed;
};

struct gw_hub *gw_hub_new(void)
{
	struct gw_hub *h = cl_xcalloc(1, sizeof *h);
	pthread_mutex_init(&h->lock, NULL);
	h->open_streams = cl_metric_gauge("carelink_gateway_streams", "open event streams");
	h->pushed = cl_metric_counter("carelink_gateway_events_pushed_total",
				      "events queued to event streams");
	return h;
}

void gw_hub_free(struct gw_hub *h)
{
	struct gw_tenant *t = h->tenants;
	while (t) {
		struct gw_tenant *next = t->next;
		free(t);
		t = next;
	}
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* ---------------------------------------------------------------- preferences */

#define GW_TOKYO_OFFSET_S (9 * 3600) /* Asia/Tokyo: +09:00 all year */

void gw_prefs_init(struct gw_prefs *p)
{
	memset(p, 0, sizeof *p);
	p->quiet_start = p->quiet_end = -1;
}

static void ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

void gw_prefs_release(struct gw_prefs *p)
{
	ids_free(p->spaces, p->n_spaces);
	ids_free(p->threads, p->n_threads);
	gw_prefs_init(p);
}

static char **ids_copy(char *const *ids, size_t n)
{
	if (!n)
		return NULL;
	char **out = cl_xcalloc(n, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = cl_xstrdup(ids[i]);
	return out;
}

void gw_prefs_copy(struct gw_prefs *dst, const struct gw_prefs *src)
{
	*dst = *src;
	dst->spaces = ids_copy(src->spaces, src->n_spaces);
	dst->threads = ids_copy(src->threads, src->n_threads);
}

int gw_prefs_tokyo_minute(int64_t unix_s)
{
	int64_t s = (unix_s + GW_TOKYO_OFFSET_S) % 86400;
	if (s < 0)
		s += 86400;
	return (int)(s / 60);
}

bool gw_prefs_quiet(const struct gw_prefs *p, int minute)
{
	if (p->quiet_start < 0)
		return false;
	if (p->quiet_start < p->quiet_end)
		return minute >= p->quiet_start && minute < p->quiet_end;
	return minute >= p->quiet_start || minute < p->quiet_end; /* past midnight */
}

static bool listed(char *const *ids, size_t n, const char *id)
{
	if (!id)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return true;
	return false;
}

bool gw_prefs_wants(const struct gw_prefs *p, const struct gw_live_item *it)
{
	if (it->urgent)
		return true; /* urgent ones are never muted */
	if (p->urgent_only)
		return false;
	if (it->mention)
		return true; /* a mention still arrives in a muted space or thread */
	return !listed(p->spaces, p->n_spaces, it->space_id) &&
	       !listed(p->threads, p->n_threads, it->thread_id);
}

/* ---------------------------------------------------------------- streams */

static struct gw_tenant *tenant_of(struct gw_hub *h, const char *tenant, bool create)
{
	for (struct gw_tenant *t = h->tenants; t; t = t->next)
		if (!strcmp(t->tenant, tenant))
			return t;
	if (!create)
		return NULL;
	struct gw_tenant *t = cl_xcalloc(1, sizeof *t);
	cl_strlcpy(t->tenant, tenant, sizeof t->tenant);
	t->next = h->tenants;
	h->tenants = t;
	return t;
}

static bool stream_append(struct gw_stream *s, const char *text, size_t n);

struct gw_stream *gw_stream_start(struct gw_hub *h, struct MHD_Connection *conn,
				  const struct cl_identity *who, struct gw_prefs *prefs,
				  bool resumed)
{
	struct gw_stream *s = cl_xcalloc(1, sizeof *s);
	s->hub = h;
	s->conn = conn;
	s->who = *who;
	s->prefs = *prefs; /* taken over */
	gw_prefs_init(prefs);
	s->refs = 2;
	s->catching_up = resumed;
	s->max = resumed ? GW_STREAM_CATCHUP_MAX : GW_STREAM_MAX;
	char ready[48];
	int n = snprintf(ready, sizeof ready, "event: ready\ndata: {\"seq\":0,\"resumed\":%s}\n\n",
			 resumed ? "true" : "false");
	stream_append(s, ready, (size_t)n);
	pthread_mutex_lock(&h->lock);
	if (h->closing) {
		s->closed = true; /* the reader ends it at once */
		pthread_mutex_unlock(&h->lock);
		return s;
	}
	s->attached = true;
	struct gw_tenant *t = tenant_of(h, who->tenant, true);
	s->next = t->head;
	if (t->head)
		t->head->prev = s;
	t->head = s;
	h->count++;
	cl_metric_set(h->open_streams, (int64_t)h->count);
	pthread_mutex_unlock(&h->lock);
	return s;
}

struct gw_stream *gw_stream_open(struct gw_hub *h, struct MHD_Connection *conn,
				 const struct cl_identity *who)
{
	struct gw_prefs prefs;
	gw_prefs_init(&prefs);
	return gw_stream_start(h, conn, who, &prefs, false);
}

/* called with the lock held */
static void stream_detach(struct gw_stream *s)
{
	struct gw_hub *h = s->hub;
	if (!s->attached)
		return;
	struct gw_tenant *t = tenant_of(h, s->who.tenant, false);
	if (s->prev)
		s->prev->next = s->next;
	else if (t)
		t->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	s->attached = false;
	h->count--;
	cl_metric_set(h->open_streams, (int64_t)h->count);
}

/* called with the lock held: end the stream and wake it so MHD finishes */
static void stream_close_locked(struct gw_stream *s)
{
	if (s->closed)
		return;
	stream_detach(s);
	s->closed = true;
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

void gw_stream_unref(struct gw_stream *s)
{
	struct gw_hub *h = s->hub;
	pthread_mutex_lock(&h->lock);
	stream_close_locked(s);
	int left = --s->refs;
	pthread_mutex_unlock(&h->lock);
	if (left == 0) {
		for (struct gw_held *k = s->held, *next; k; k = next) {
			next = k->next;
			free(k->data);
			free(k);
		}
		gw_prefs_release(&s->prefs);
		free(s->sent);
		free(s->buf);
		free(s);
	}
}

/* called with the lock held */
static bool stream_append(struct gw_stream *s, const char *text, size_t n)
{
	if (s->closed)
		return false;
	if (s->len - s->off + n > s->max) {
		stream_close_locked(s);
		return false;
	}
	if (s->off && s->off == s->len)
		s->off = s->len = 0;
	if (s->len + n > s->cap) {
		if (s->off) { /* compact before growing */
			memmove(s->buf, s->buf + s->off, s->len - s->off);
			s->len -= s->off;
			s->off = 0;
		}
		if (s->len + n > s->cap) {
			s->cap = (s->len + n) * 2;
			s->buf = cl_xrealloc(s->buf, s->cap);
		}
	}
	memcpy(s->buf + s->len, text, n);
	s->len += n;
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
	return true;
}

static bool seen_before(struct gw_stream *s, int64_t id)
{
	size_t n = s->n_seen < GW_SEEN ? s->n_seen : GW_SEEN;
	for (size_t i = 0; i < n; i++)
		if (s->seen[i] == id)
			return true;
	s->seen[s->n_seen++ % GW_SEEN] = id;
	return false;
}

/* called with the lock held: event with data (a JSON object's text) and
 * the next seq, or the seq itself (heartbeat, counted false) */
static bool push_locked(struct gw_stream *s, int64_t id, const char *event, const char *data,
			bool silent)
{
	if (s->closed)
		return false;
	if (id > 0 && seen_before(s, id))
		return true;
	size_t dlen = strlen(data);
	if (dlen < 2 || data[0] != '{' || data[dlen - 1] != '}')
		return true; /* not an object: nothing to add the counter to */
	s->seq++;
	char head[96], tail[64];
	int hn = id > 0 ? snprintf(head, sizeof head, "id: %lld\nevent: %s\ndata: ", (long long)id,
				   event)
			: snprintf(head, sizeof head, "event: %s\ndata: ", event);
	int tn = snprintf(tail, sizeof tail, "%s\"seq\":%lld%s}\n\n", dlen > 2 ? "," : "",
			  (long long)s->seq, silent ? ",\"silent\":true" : "");
	size_t n = (size_t)hn + dlen - 1 + (size_t)tn;
	char stack[4096];
	char *text = n <= sizeof stack ? stack : cl_xmalloc(n);
	memcpy(text, head, (size_t)hn);
	memcpy(text + hn, data, dlen - 1);
	memcpy(text + hn + dlen - 1, tail, (size_t)tn);
	bool ok = stream_append(s, text, n);
	if (text != stack)
		free(text);
	if (ok)
		cl_metric_add(s->hub->pushed, 1);
	return ok;
}

bool gw_stream_push(struct gw_stream *s, int64_t id, const char *event, const char *data,
		    bool silent)
{
	pthread_mutex_lock(&s->hub->lock);
	if (s->catching_up && id > 0) { /* the catch-up: remembered for the held ones */
		if (s->n_sent == s->cap_sent) {
			s->cap_sent = s->cap_sent ? s->cap_sent * 2 : 64;
			s->sent = cl_xrealloc(s->sent, s->cap_sent * sizeof *s->sent);
		}
		s->sent[s->n_sent++] = id;
	}
	bool ok = push_locked(s, id, event, data, silent);
	pthread_mutex_unlock(&s->hub->lock);
	return ok;
}

bool gw_stream_silent(struct gw_stream *s, bool urgent)
{
	if (urgent)
		return false; /* urgent ones are never silent */
	int minute = gw_prefs_tokyo_minute((int64_t)time(NULL));
	pthread_mutex_lock(&s->hub->lock);
	bool quiet = gw_prefs_quiet(&s->prefs, minute);
	pthread_mutex_unlock(&s->hub->lock);
	return quiet;
}

/* called with the lock held */
static void hold_locked(struct gw_stream *s, int64_t id, const char *data, bool silent)
{
	struct gw_held *k = cl_xcalloc(1, sizeof *k);
	k->id = id;
	k->silent = silent;
	k->data = cl_xstrdup(data);
	if (s->held_tail)
		s->held_tail->next = k;
	else
		s->held = k;
	s->held_tail = k;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

void gw_stream_caught_up(struct gw_stream *s, int64_t last_id)
{
	pthread_mutex_lock(&s->hub->lock);
	s->catching_up = false;
	/* what the catch-up queued drains first; from now on a slow reader is
	 * judged by what it leaves waiting beyond that */
	s->max = s->len - s->off + GW_STREAM_MAX;
	if (s->n_sent)
		qsort(s->sent, s->n_sent, sizeof *s->sent, id_cmp);
	for (struct gw_held *k = s->held, *next; k; k = next) {
		next = k->next;
		/* dropped only when the catch-up sent it: one committed after the
		 * catch-up's read, with a lower id than some it had, still follows */
		bool sent = k->id <= last_id && s->n_sent &&
			    bsearch(&k->id, s->sent, s->n_sent, sizeof *s->sent, id_cmp);
		if (!sent)
			push_locked(s, k->id, "notification", k->data, k->silent);
		free(k->data);
		free(k);
	}
	s->held = s->held_tail = NULL;
	free(s->sent);
	s->sent = NULL;
	s->n_sent = s->cap_sent = 0;
	pthread_mutex_unlock(&s->hub->lock);
}

ssize_t gw_stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct gw_stream *s = cls;
	(void)pos;
	pthread_mutex_lock(&s->hub->lock);
	if (s->len > s->off) {
		size_t n = s->len - s->off;
		if (n > max)
			n = max;
		memcpy(out, s->buf + s->off, n);
		s->off += n;
		pthread_mutex_unlock(&s->hub->lock);
		return (ssize_t)n;
	}
	if (s->closed) {
		pthread_mutex_unlock(&s->hub->lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	s->suspended = true;
	MHD_suspend_connection(s->conn);
	pthread_mutex_unlock(&s->hub->lock);
	return 0;
}

static bool str_in(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	}
	return false;
}

static bool in_audience(const struct cl_identity *who, const json_t *n)
{
	const char *excluded = json_string_value(json_object_get(n, "exclude_user"));
	if (excluded && !strcmp(excluded, who->user))
		return false;
	/* e.g. the mentioned people, who get a mention notification instead */
	if (str_in(json_object_get(n, "exclude_users"), who->user))
		return false;
	const json_t *a = json_object_get(n, "audience");
	return json_is_true(json_object_get(a, "everyone")) ||
	       str_in(json_object_get(a, "users"), who->user) ||
	       str_in(json_object_get(a, "professions"), who->profession) ||
	       str_in(json_object_get(a, "organisations"), who->organisation);
}

size_t gw_hub_dispatch(struct gw_hub *h, const json_t *n, const char *data)
{
	const char *tenant = json_string_value(json_object_get(n, "tenant_id"));
	const char *kind = cl_json_str(n, "kind");
	struct gw_live_item it = {
		.id = (int64_t)json_integer_value(json_object_get(n, "notification_id")),
		.urgent = json_is_true(json_object_get(n, "urgent")),
		.mention = kind && !strcmp(kind, "mention"),
		.space_id = cl_json_str(n, "space_id"),
		.thread_id = cl_json_str(n, "thread_id"),
	};
	int minute = gw_prefs_tokyo_minute((int64_t)time(NULL));
	size_t delivered = 0;
	if (!tenant)
		return 0;
	pthread_mutex_lock(&h->lock);
	struct gw_tenant *t = tenant_of(h, tenant, false);
	for (struct gw_stream *s = t ? t->head : NULL, *next; s; s = next) {
		next = s->next; /* push may close and unlink s */
		if (!in_audience(&s->who, n) || !gw_prefs_wants(&s->prefs, &it))
			continue;
		bool silent = !it.urgent && gw_prefs_quiet(&s->prefs, minute);
		if (s->catching_up) {
			hold_locked(s, it.id, data, silent);
			delivered++;
		} else if (push_locked(s, it.id, "notification", data, silent)) {
			delivered++;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return delivered;
}

size_t gw_hub_read(struct gw_hub *h, const json_t *e)
{
	const char *tenant = cl_json_str(e, "tenant_id");
	const char *user = cl_json_str(e, "user_id");
	size_t delivered = 0;
	if (!tenant || !user)
		return 0;
	json_t *body = json_object();
	json_t *ids = json_object_get(e, "ids");
	json_t *space = json_object_get(e, "space_id");
	json_t *up_to = json_object_get(e, "up_to");
	json_object_set_new(body, "ids", json_is_array(ids) ? json_incref(ids) : json_array());
	json_object_set_new(body, "space_id", space ? json_incref(space) : json_null());
	json_object_set_new(body, "up_to", up_to ? json_incref(up_to) : json_null());
	char *data = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!data)
		return 0;
	pthread_mutex_lock(&h->lock);
	struct gw_tenant *t = tenant_of(h, tenant, false);
	for (struct gw_stream *s = t ? t->head : NULL, *next; s; s = next) {
		next = s->next;
		if (!strcmp(s->who.user, user) && push_locked(s, 0, "read", data, false))
			delivered++;
	}
	pthread_mutex_unlock(&h->lock);
	free(data);
	return delivered;
}

size_t gw_hub_prefs(struct gw_hub *h, const char *tenant, const char *user,
		    const struct gw_prefs *prefs)
{
	size_t n = 0;
	pthread_mutex_lock(&h->lock);
	struct gw_tenant *t = tenant_of(h, tenant, false);
	for (struct gw_stream *s = t ? t->head : NULL; s; s = s->next) {
		if (strcmp(s->who.user, user))
			continue;
		gw_prefs_release(&s->prefs);
		gw_prefs_copy(&s->prefs, prefs);
		n++;
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}

void gw_hub_heartbeat(struct gw_hub *h)
{
	char beat[64];
	pthread_mutex_lock(&h->lock);
	for (struct gw_tenant *t = h->tenants; t; t = t->next)
		for (struct gw_stream *s = t->head, *next; s; s = next) {
			next = s->next;
			int n = snprintf(beat, sizeof beat, "event: heartbeat\ndata: {\"seq\":%lld}\n\n",
					 (long long)s->seq);
			stream_append(s, beat, (size_t)n);
		}
	pthread_mutex_unlock(&h->lock);
}

void gw_hub_close_all(struct gw_hub *h)
{
	pthread_mutex_lock(&h->lock);
	h->closing = true;
	for (struct gw_tenant *t = h->tenants; t; t = t->next)
		while (t->head)
			stream_close_locked(t->head);
	pthread_mutex_unlock(&h->lock);
}

size_t gw_hub_count(struct gw_hub *h)
{
	pthread_mutex_lock(&h->lock);
	size_t n = h->count;
	pthread_mutex_unlock(&h->lock);
	return n;
}

size_t gw_hub_close_user(struct gw_hub *h, const char *user)
{
	size_t closed = 0;
	pthread_mutex_lock(&h->lock);
	for (struct gw_tenant *t = h->tenants; t; t = t->next)
		for (struct gw_stream *s = t->head, *next; s; s = next) {
			next = s->next;
			if (!strcmp(s->who.user, user)) {
				stream_close_locked(s);
				closed++;
			}
		}
	pthread_mutex_unlock(&h->lock);
	return closed;
}
