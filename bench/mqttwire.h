/* mqttwire.h - the few MQTT 3.1.1 packets a QoS 0 subscriber needs:
 * CONNECT and SUBSCRIBE written into a caller's buffer, and a reader that
 * splits a byte stream into packets. No I/O, no allocation.
 */
#ifndef BENCH_MQTTWIRE_H
#define BENCH_MQTTWIRE_H

#include <stddef.h>
#include <stdint.h>

#define MW_BODY_MAX 512 /* larger packets are an error for this client */

enum {
	MW_CONNACK = 2,
	MW_PUBLISH = 3,
	MW_SUBACK = 9,
};

/* CONNECT with a clean session; 0 when cap is too small. */
size_t mw_connect(uint8_t *out, size_t cap, const char *client_id, uint16_t keepalive_s);
/* SUBSCRIBE to one topic at QoS 0; 0 when cap is too small. */
size_t mw_subscribe(uint8_t *out, size_t cap, uint16_t packet_id, const char *topic);

struct mw_reader {
	int state;          /* 0: type byte, 1: length, 2: body */
	uint8_t type;       /* first byte of the packet */
	uint32_t len, mult; /* remaining length being read */
	uint32_t have;
	uint8_t body[MW_BODY_MAX];
};

/* Called once per complete packet: kind (type >> 4), flags (type & 15),
 * body and its length, all borrowed until the call returns. */
typedef void mw_packet_fn(void *arg, int kind, int flags, const uint8_t *body, size_t len);

/* Zero it, or call this. */
void mw_reader_init(struct mw_reader *r);
/* Consume bytes; 0, or -1 on a malformed or oversized packet. */
int mw_reader_feed(struct mw_reader *r, const uint8_t *data, size_t len, mw_packet_fn *fn,
		   void *arg);

/* The topic and payload of a PUBLISH body at QoS 0; -1 when malformed. */
int mw_publish_parse(const uint8_t *body, size_t len, const uint8_t **topic,
		     size_t *topic_len, const uint8_t **payload, size_t *payload_len);

#endif
