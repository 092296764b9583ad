/* avro.h - Avro events: schema registry, Parsing Canonical Form, CRC-64-AVRO
 * fingerprints and single-object encoding between jansson JSON and bytes.
 *
 * Every carelink event is one Avro record, defined in schemas/<Name>.avsc and
 * sent as a single object (Avro specification, "Single object encoding"):
 *
 *   C3 01 | CRC-64-AVRO of the schema's Parsing Canonical Form, 8 bytes,
 *         little-endian | the Avro binary datum
 *
 * so any Avro library decodes it from the schema files alone.
 *
 * JSON mapping used by cl_avro_encode() and produced by cl_avro_decode():
 *
 *   record        object keyed by field name; on encode a missing field takes
 *                 the schema default, a missing field without a default and
 *                 a key that is not a field are errors
 *   string        string (valid UTF-8)
 *   int, long     integer (timestamp-millis and other logical longs too)
 *   float, double number (an integer is accepted on encode)
 *   boolean, null true/false, null
 *   enum          the symbol as a string
 *   bytes, fixed  string whose code points U+0000..U+00FF are the bytes
 *                 (the Avro JSON encoding's convention)
 *   array, map    array, object
 *   union         the plain value of a branch; on encode the first branch
 *                 that accepts the value is chosen, so ["null","string"]
 *                 takes null or a string
 *
 * Decoding treats its input as hostile. The header must name a schema in
 * the registry. The datum is walked against the schema before Avro C sees
 * it: every length must fit in the bytes that are left, every union branch
 * and enum symbol must exist, and the datum must end exactly where the
 * message ends; Avro C 1.11 would otherwise allocate whatever a length
 * claims. Avro C then runs under a per-thread memory budget (see
 * cl_avro_decode()). To keep that budget, libcarelink installs its own Avro
 * C allocator when the program starts; nothing else in the process may
 * call avro_set_allocator(). It also gives Avro C per-thread error
 * messages in place of its process-global ones.
 *
 * Thread safety: a loaded registry is read-only; any number of threads may
 * encode and decode with it at once. cl_avro_set_decode_max() may be called
 * at any time.
 */
#ifndef CARELINK_AVRO_H
#define CARELINK_AVRO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* First two bytes of every single-object encoded message. */
#define CL_AVRO_MARKER_0 0xC3
#define CL_AVRO_MARKER_1 0x01
/* Marker plus fingerprint: bytes before the datum. */
#define CL_AVRO_HEADER_LEN 10
/* Default and smallest cap on the Avro C memory one decode may hold. */
#define CL_AVRO_DECODE_MAX_DEFAULT ((size_t)8 << 20)
#define CL_AVRO_DECODE_MAX_MIN ((size_t)64 << 10)

struct cl_avro_registry;

/* What the registry knows about one schema. All pointers are borrowed from
 * the registry and valid until cl_avro_registry_free(). */
struct cl_avro_schema_info {
	const char *full_name;      /* "carelink.posts.PostCreated" */
	const char *canonical_form; /* Parsing Canonical Form, NUL-terminated */
	uint64_t fingerprint;       /* CRC-64-AVRO of canonical_form */
};

/* cl_avro_registry_load() - load every *.avsc file in dir. Each file holds
 * one record schema whose name matches the file name (PostCreated.avsc
 * defines ...PostCreated). The released versions of each schema in
 * dir/history/<Name>/NNN.avsc are loaded too, for decoding only: a message
 * written with an earlier version decodes as the current one, its missing
 * fields taking their defaults (fields of records given inline are filled
 * at any depth). Lookups by name and the count see current schemas only.
 * On success *out is a new registry the caller frees with
 * cl_avro_registry_free().
 *
 * Returns 0; CL_ENOENT when dir cannot be opened or holds no *.avsc file;
 * CL_EINVAL when a file is not a valid schema, names the wrong record, or
 * repeats a full name or fingerprint (the file is named in an error log
 * line and in cl_avro_last_error()); CL_EIO when a file cannot be read;
 * CL_EFATAL when Avro C's allocator has been replaced. *out is NULL on
 * failure. */
int cl_avro_registry_load(struct cl_avro_registry **out, const char *dir);

/* cl_avro_registry_free() - free reg and everything it owns; NULL is a
 * no-op. No other thread may be using reg. */
void cl_avro_registry_free(struct cl_avro_registry *reg);

/* cl_avro_registry_count() - number of schemas in reg. */
size_t cl_avro_registry_count(const struct cl_avro_registry *reg);

/* cl_avro_registry_find() - look a schema up by full name; fills *info with
 * pointers borrowed from reg. Returns 0 or CL_ENOENT. */
int cl_avro_registry_find(const struct cl_avro_registry *reg,
			  const char *full_name,
			  struct cl_avro_schema_info *info);

/* cl_avro_registry_find_fingerprint() - look a schema up by the fingerprint
 * of its canonical form. Returns 0 or CL_ENOENT. */
int cl_avro_registry_find_fingerprint(const struct cl_avro_registry *reg,
				      uint64_t fingerprint,
				      struct cl_avro_schema_info *info);

/* cl_avro_canonical_form() - the Parsing Canonical Form of the schema given
 * as JSON text (PRIMITIVES, FULLNAMES, STRIP, ORDER, STRINGS, INTEGERS,
 * WHITESPACE). On success *out is a NUL-terminated string the caller frees
 * with free(). Returns 0 or CL_EINVAL (not JSON, or not shaped like a
 * schema; the reason is in cl_avro_last_error()). The schema is not
 * otherwise validated: names are not checked and references need not
 * resolve. */
int cl_avro_canonical_form(const char *schema_json, char **out);

/* cl_avro_crc64() - CRC-64-AVRO (the Rabin fingerprint of the Avro
 * specification) of len bytes at data. */
uint64_t cl_avro_crc64(const void *data, size_t len);

/* cl_avro_fingerprint() - CRC-64-AVRO of the canonical form of schema_json.
 * Returns 0 or CL_EINVAL. */
int cl_avro_fingerprint(const char *schema_json, uint64_t *out);

/* cl_avro_encode() - encode obj as a single object of schema full_name. On
 * success *out is a malloc'd buffer of *out_len bytes that the caller frees
 * with free(); obj is only read.
 *
 * Returns 0; CL_ENOENT when the registry has no such schema; CL_EINVAL when
 * obj does not fit the schema (the reason, with the path of the offending
 * value, is in cl_avro_last_error()). */
int cl_avro_encode(const struct cl_avro_registry *reg, const char *full_name,
		   const json_t *obj, unsigned char **out, size_t *out_len);

/* cl_avro_decode() - decode one single-object message of len bytes. On
 * success *out is a new JSON object (the caller owns the reference and
 * drops it with json_decref()) and, when full_name is not NULL, *full_name
 * is the schema's full name, borrowed from reg.
 *
 * Returns 0; CL_EINVAL when the marker is wrong, the message is shorter
 * than its header, the datum is malformed or truncated or claims more
 * bytes than it has, bytes follow the datum, values nest deeper than 64
 * levels, or a value has no JSON form (invalid UTF-8, NaN); CL_ENOENT when
 * the fingerprint names no schema in reg; CL_ETOOBIG when decoding needs
 * more memory than its budget. *out is NULL on failure. Nothing leaks on
 * any failure.
 *
 * Budget: while Avro C decodes, the calling thread's Avro C allocations
 * are counted against min(64 KiB + 128 * len, the cap of
 * cl_avro_set_decode_max()). Crossing it stops the decode at its next
 * read (Avro C 1.11 cannot survive most failed allocations, so only a
 * single block larger than the whole budget is refused), so a decode
 * never holds much more than its budget: about twice at most. */
int cl_avro_decode(const struct cl_avro_registry *reg, const void *data,
		   size_t len, json_t **out, const char **full_name);

/* cl_avro_set_decode_max() - process-wide cap on the Avro C memory one
 * decode may hold, in bytes; 0 restores CL_AVRO_DECODE_MAX_DEFAULT (8 MiB)
 * and values below CL_AVRO_DECODE_MAX_MIN (64 KiB) are raised to it. Takes
 * effect for decodes that start afterwards. */
void cl_avro_set_decode_max(size_t bytes);

/* cl_avro_last_error() - why the calling thread's last failed cl_avro_*
 * call failed, e.g. "audience.professions[1]: expected a string" (text
 * quoted from Avro C keeps its capitals). Never NULL; owned by the library
 * and overwritten by the next failure on the same thread. */
const char *cl_avro_last_error(void);

#endif
