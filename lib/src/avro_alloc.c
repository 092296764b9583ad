/* avro_alloc.c - Avro C allocator with a per-thread memory budget for decodes
 *
 * Every Avro C allocation goes through avro_alloc() below, which prefixes
 * each block with a header recording its real size (Avro C's osize
 * argument is not trusted) and, while the calling thread is inside a
 * decode, whether the block belongs to that decode.
 *
 * Inside a decode (cl__avro_budget_begin() .. cl__avro_budget_end()):
 *   - the bytes held by the decode's live blocks are counted against the
 *     limit; the allocation that crosses it marks the budget exceeded and
 *     cuts the decode's reader off, so Avro C fails at its next read; a
 *     new block larger than the whole limit is refused outright;
 *   - the decode's blocks are kept on a thread-local list, so that blocks
 *     Avro C drops on its error paths are freed at the end.
 * Outside a decode the allocator is plain realloc/free plus the header.
 *
 * avro_check.c has already rejected any length the message cannot back,
 * so the budget is what limits the legitimate but costly cases: Avro C
 * spends far more memory on many tiny items than they take on the wire.
 *
 * Invariant: a block is "tracked" only while the decode that allocated it is
 * running on its thread. Blocks allocated before the decode (schemas,
 * classes) are untracked and never counted.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "avro_internal.h"

/* Budget of one decode: a base plus a multiple of the message length.
 * Avro C needs up to ~115 bytes per element of an array of empty strings
 * (one input byte each: a 48-byte slot in an array that doubles, a
 * 1-byte buffer and a 16-byte wrapper), so a smaller factor would refuse
 * real messages; text-heavy messages need about one byte per byte. */
#define CL__AVRO_BUDGET_BASE ((size_t)64 << 10)
#define CL__AVRO_BUDGET_PER_BYTE ((size_t)128)

union avro_block {
	struct {
		union avro_block *prev;
		union avro_block *next;
		size_t size;      /* bytes handed to Avro C */
		bool tracked;     /* on this thread's decode list */
	} h;
	max_align_t align;
};

struct avro_budget {
	bool active;
	bool exceeded;
	size_t limit;
	size_t used;             /* bytes in tracked blocks */
	size_t peak;             /* highest used of the current decode */
	avro_reader_t reader;    /* the decode's reader, cut off on excess */
	union avro_block list;   /* sentinel of the tracked blocks */
};

static _Thread_local struct avro_budget budget;
static _Atomic size_t decode_max = CL_AVRO_DECODE_MAX_DEFAULT;

static void block_link(struct avro_budget *b, union avro_block *blk)
{
	blk->h.prev = &b->list;
	blk->h.next = b->list.h.next;
	b->list.h.next->h.prev = blk;
	b->list.h.next = blk;
}

static void block_unlink(union avro_block *blk)
{
	blk->h.prev->h.next = blk->h.next;
	blk->h.next->h.prev = blk->h.prev;
	blk->h.prev = blk->h.next = NULL;
}

static void *avro_alloc(void *user_data, void *ptr, size_t osize, size_t nsize)
{
	struct avro_budget *b = &budget;
	union avro_block *blk = ptr ? (union avro_block *)ptr - 1 : NULL;
	union avro_block *nblk;
	size_t old = blk ? blk->h.size : 0;
	bool track;

	(void)user_data;
	(void)osize; /* not always accurate in Avro C; the header knows */

	if (nsize == 0) {
		if (!blk)
			return NULL;
		if (blk->h.tracked) {
			block_unlink(blk);
			b->used -= old;
		}
		free(blk);
		return NULL;
	}
	if (nsize > SIZE_MAX - sizeof(*blk))
		return NULL; /* only a length read from a datum can be that big */

	track = blk ? blk->h.tracked : b->active;
	if (track && nsize > old &&
	    (nsize > b->limit || b->used - old > b->limit - nsize)) {
		b->exceeded = true;
		/* No further reads: the decode fails at its next byte. */
		if (b->reader)
			avro_reader_memory_set_source(b->reader, "", 0);
		/* Only a new block larger than the whole budget is refused:
		 * nothing but a length read from the datum asks for that, and
		 * Avro C checks those allocations. Refusing others would
		 * crash Avro C 1.11, which uses several allocations unchecked
		 * (hash tables, map entries) and overwrites its only pointer
		 * to a block whose growth fails. Granting them is bounded:
		 * after the reader stops, Avro C allocates a few small blocks
		 * or doubles one array and then fails. */
		if (!blk && nsize > b->limit)
			return NULL;
	}

	if (blk && blk->h.tracked)
		block_unlink(blk);
	nblk = cl__avro_xrealloc(blk, sizeof(*nblk) + nsize);
	nblk->h.size = nsize;
	nblk->h.tracked = track;
	if (track) {
		block_link(b, nblk);
		b->used = b->used - old + nsize;
		if (b->used > b->peak)
			b->peak = b->used;
	}
	return nblk + 1;
}

/* Installed before main() so that no Avro C block ever lacks a header. */
__attribute__((constructor)) static void avro_alloc_install(void)
{
	avro_set_allocator(avro_alloc, NULL);
}

bool cl__avro_alloc_installed(void)
{
	return AVRO_CURRENT_ALLOCATOR.alloc == avro_alloc;
}

void cl_avro_set_decode_max(size_t bytes)
{
	if (bytes == 0)
		bytes = CL_AVRO_DECODE_MAX_DEFAULT;
	else if (bytes < CL_AVRO_DECODE_MAX_MIN)
		bytes = CL_AVRO_DECODE_MAX_MIN;
	atomic_store(&decode_max, bytes);
}

size_t cl__avro_budget_for(size_t message_len)
{
	size_t max = atomic_load(&decode_max);

	if (max <= CL__AVRO_BUDGET_BASE ||
	    message_len >= (max - CL__AVRO_BUDGET_BASE) / CL__AVRO_BUDGET_PER_BYTE)
		return max;
	return CL__AVRO_BUDGET_BASE + message_len * CL__AVRO_BUDGET_PER_BYTE;
}

void cl__avro_budget_begin(size_t limit, avro_reader_t reader)
{
	struct avro_budget *b = &budget;

	b->active = true;
	b->exceeded = false;
	b->limit = limit;
	b->used = 0;
	b->peak = 0;
	b->reader = reader;
	b->list.h.prev = b->list.h.next = &b->list;
}

bool cl__avro_budget_exceeded(void)
{
	return budget.exceeded;
}

void cl__avro_budget_end(void)
{
	struct avro_budget *b = &budget;

	/* Whatever is still tracked was lost by Avro C on an error path:
	 * nothing outside this decode can reference it. */
	while (b->list.h.next != &b->list) {
		union avro_block *blk = b->list.h.next;

		block_unlink(blk);
		free(blk);
	}
	b->used = 0;
	b->reader = NULL;
	b->active = false;
}

size_t cl__avro_budget_peak(void)
{
	return budget.peak;
}
