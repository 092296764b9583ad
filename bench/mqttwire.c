/* mqttwire.c - MQTT 3.1.1 CONNECT/SUBSCRIBE encoding and packet splitting
 * for the reference subscribers */
#include "mqttwire.h"

#include <string.h>

static size_t put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v & 0xff);
	return 2;
}

static size_t put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);
	put_u16(p, (uint16_t)n);
	memcpy(p + 2, s, n);
	return n + 2;
}

/* fixed header: type byte and the remaining length (here always < 128*128) */
static size_t put_fixed(uint8_t *p, uint8_t type, size_t remaining)
{
	size_t i = 0;
	p[i++] = type;
	do {
		uint8_t b = remaining % 128;
		remaining /= 128;
		p[i++] = remaining ? (uint8_t)(b | 0x80) : b;
	} while (remaining);
	return i;
}

size_t mw_connect(uint8_t *out, size_t cap, const char *client_id, uint16_t keepalive_s)
{
	size_t id = strlen(client_id);
	size_t remaining = 10 + 2 + id;
	if (id > 1024 || cap < remaining + 4)
		return 0;
	size_t i = put_fixed(out, 0x10, remaining);
	i += put_str(out + i, "MQTT");
	out[i++] = 4;    /* protocol level 3.1.1 */
	out[i++] = 0x02; /* clean session */
	i += put_u16(out + i, keepalive_s);
	i += put_str(out + i, client_id);
	return i;
}

size_t mw_subscribe(uint8_t *out, size_t cap, uint16_t packet_id, const char *topic)
{
	size_t t = strlen(topic);
	size_t remaining = 2 + 2 + t + 1;
	if (t > 1024 || cap < remaining + 4)
		return 0;
	size_t i = put_fixed(out, 0x82, remaining);
	i += put_u16(out + i, packet_id);
	i += put_str(out + i, topic);
	out[i++] = 0; /* QoS 0 */
	return i;
}

void mw_reader_init(struct mw_reader *r)
{
	memset(r, 0, sizeof *r);
}

int mw_reader_feed(struct mw_reader *r, const uint8_t *data, size_t len, mw_packet_fn *fn,
		   void *arg)
{
	size_t i = 0;
	while (i < len) {
		switch (r->state) {
		case 0:
			r->type = data[i++];
			r->len = 0;
			r->mult = 1;
			r->have = 0;
			r->state = 1;
			break;
		case 1: {
			uint8_t b = data[i++];
			r->len += (uint32_t)(b & 0x7f) * r->mult;
			r->mult *= 128;
			if (r->len > MW_BODY_MAX || (r->mult > 128 * 128 * 128 && (b & 0x80)))
				return -1;
			if (!(b & 0x80)) {
				r->state = 2;
				if (r->len == 0) {
					fn(arg, r->type >> 4, r->type & 15, r->body, 0);
					r->state = 0;
				}
			}
			break;
		}
		case 2: {
			size_t n = len - i;
			if (n > r->len - r->have)
				n = r->len - r->have;
			memcpy(r->body + r->have, data + i, n);
			r->have += (uint32_t)n;
			i += n;
			if (r->have == r->len) {
				fn(arg, r->type >> 4, r->type & 15, r->body, r->len);
				r->state = 0;
			}
			break;
		}
		}
	}
	return 0;
}

int mw_publish_parse(const uint8_t *body, size_t len, const uint8_t **topic,
		     size_t *topic_len, const uint8_t **payload, size_t *payload_len)
{
	if (len < 2)
		return -1;
	size_t t = (size_t)body[0] << 8 | body[1];
	if (2 + t > len)
		return -1;
	*topic = body + 2;
	*topic_len = t;
	*payload = body + 2 + t;
	*payload_len = len - 2 - t;
	return 0;
}
