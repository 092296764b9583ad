/* test_cap_xml.c - nt_cap_document(): the CAP 1.2 document of every alert
 * kind and change is valid against the official schema (xmllint), maps as
 * ALERTS.md says and escapes what the alert's texts hold */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the writer is internal to the service: compile it into the test */
#include "../../../services/notify/cap_xml.c"

#define CAP_XSD CL_REFERENCE_DIR "/cap/CAP-v1.2.xsd"

static const char *const kinds[] = {"missing_person",     "disaster",          "road_closure",
				    "infectious_disease", "facility_emergency", "other"};
static const char *const changes[] = {"raised",       "edited",   "escalated",
				      "acknowledged", "resolved", "cancelled"};

static json_t *alert_new(const char *kind, const char *status)
{
	json_t *a = json_loads(
		"{\"id\":\"4f1c2d3e-0000-4000-8000-000000000001\",\"tenant_id\":\"t-hachioji\","
		"\"severity\":\"severe\",\"title\":\"見守り <急> & \\\"捜索\\\"\","
		"\"description\":\"80代男性、白い帽子。\\n\\u0001目撃情報を\",\"instruction\":\"\","
		"\"area\":{\"districts\":[\"北地区\",\"南地区\"],"
		"\"circle\":{\"lat\":35.69,\"lng\":139.33,\"radius_km\":2.0},"
		"\"polygon\":[[35.69,139.33],[35.70,139.34],[35.68,139.35],[35.69,139.33]]},"
		"\"audience\":{\"everyone\":true,\"organisations\":[],\"professions\":[]},"
		"\"version\":2}",
		0, NULL);
	assert_non_null(a);
	json_object_set_new(a, "kind", json_string(kind));
	json_object_set_new(a, "status", json_string(status));
	return a;
}

/* 0 when xmllint accepts doc against the CAP 1.2 schema */
static int validate(const char *doc)
{
	char path[] = "/tmp/test_cap_xml_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(doc, f);
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s' '%s' 2>/dev/null", CAP_XSD, path);
	int rc = system(cmd);
	if (rc != 0) {
		snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s' '%s'", CAP_XSD, path);
		(void)system(cmd);
		fprintf(stderr, "%s\n", doc);
	}
	unlink(path);
	return rc;
}

static void every_kind_and_change_validates(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		for (size_t c = 0; c < sizeof changes / sizeof changes[0]; c++) {
			const char *status = !strcmp(changes[c], "resolved")    ? "resolved"
					     : !strcmp(changes[c], "cancelled") ? "cancelled"
										: "active";
			json_t *a = alert_new(kinds[k], status);
			const char *refs = c ? "carelink@t-hachioji,urn:carelink:t-hachioji:alert:x:1,"
					       "2026-11-25T09:00:00+09:00"
					     : NULL;
			char *doc = nt_cap_document(a, changes[c], "urn:carelink:t-hachioji:alert:x:2",
						    "2026-11-25T09:01:02+09:00", refs,
						    "https://carelink.example/#/alerts/x");
			assert_non_null(doc);
			assert_int_equal(validate(doc), 0);
			free(doc);
			json_decref(a);
		}
	}
}

static void maps_as_the_contract_says(void **state)
{
	(void)state;
	json_t *a = alert_new("missing_person", "active");
	char *doc = nt_cap_document(a, "raised", "urn:carelink:t-hachioji:alert:x:1",
				    "2026-11-25T09:00:00+09:00", NULL, NULL);
	assert_non_null(doc);
	assert_non_null(strstr(doc, "<msgType>Alert</msgType>"));
	assert_non_null(strstr(doc, "<sender>carelink@t-hachioji</sender>"));
	assert_non_null(strstr(doc, "<restriction>carelink tenant t-hachioji</restriction>"));
	assert_non_null(strstr(doc, "<category>Rescue</category>"));
	assert_non_null(strstr(doc, "<event>認知症の方の行方不明</event>"));
	assert_non_null(strstr(doc, "<urgency>Immediate</urgency>"));
	assert_non_null(strstr(doc, "<severity>Severe</severity>"));
	assert_non_null(strstr(doc, "<areaDesc>北地区、南地区</areaDesc>"));
	assert_non_null(strstr(doc, "<circle>35.690000,139.330000 2.000</circle>"));
	assert_non_null(strstr(doc, "<polygon>35.690000,139.330000 35.700000,139.340000"));
	/* escaped markup, dropped control character, no empty instruction */
	assert_non_null(strstr(doc, "<headline>見守り &lt;急&gt; &amp; &quot;捜索&quot;</headline>"));
	assert_null(strstr(doc, "\x01"));
	assert_null(strstr(doc, "<instruction>"));
	assert_null(strstr(doc, "<references>"));
	assert_null(strstr(doc, "<web>"));
	free(doc);

	doc = nt_cap_document(a, "resolved", "i", "2026-11-25T09:00:00+09:00", "r", NULL);
	assert_non_null(strstr(doc, "<msgType>Update</msgType>"));
	assert_non_null(strstr(doc, "<responseType>AllClear</responseType>"));
	assert_non_null(strstr(doc, "<urgency>Past</urgency>"));
	assert_non_null(strstr(doc, "<references>r</references>"));
	free(doc);
	doc = nt_cap_document(a, "cancelled", "i", "2026-11-25T09:00:00+09:00", "r", NULL);
	assert_non_null(strstr(doc, "<msgType>Cancel</msgType>"));
	assert_non_null(strstr(doc, "<urgency>Past</urgency>"));
	free(doc);
	doc = nt_cap_document(a, "acknowledged", "i", "2026-11-25T09:00:00+09:00", "r", NULL);
	assert_non_null(strstr(doc, "<msgType>Ack</msgType>"));
	free(doc);
	doc = nt_cap_document(a, "escalated", "i", "2026-11-25T09:00:00+09:00", "r", NULL);
	assert_non_null(strstr(doc, "<msgType>Update</msgType>"));
	free(doc);
	json_decref(a);

	a = alert_new("disaster", "active");
	json_object_set_new(json_object_get(a, "area"), "districts", json_array());
	json_object_set_new(json_object_get(a, "area"), "polygon", json_null());
	doc = nt_cap_document(a, "raised", "i", "2026-11-25T09:00:00+09:00", NULL, NULL);
	assert_non_null(strstr(doc, "<category>Met</category>\n    <category>Geo</category>"));
	assert_non_null(strstr(doc, "<areaDesc>指定の円の範囲</areaDesc>"));
	assert_null(strstr(doc, "<polygon>"));
	assert_int_equal(validate(doc), 0);
	free(doc);
	json_decref(a);
}

static void bad_arguments_give_null(void **state)
{
	(void)state;
	json_t *a = alert_new("other", "active");
	assert_null(nt_cap_document(a, "exploded", "i", "2026-11-25T09:00:00+09:00", NULL, NULL));
	assert_null(nt_cap_document(a, "raised", "", "2026-11-25T09:00:00+09:00", NULL, NULL));
	assert_null(nt_cap_document(a, "raised", "i", NULL, NULL, NULL));
	assert_null(nt_cap_document(NULL, "raised", "i", "2026-11-25T09:00:00+09:00", NULL, NULL));
	json_decref(a);
}

/* the photo as <resource> between <web> and <area>, valid CAP 1.2, with
 * the uri only when given; none without a photo */
static void photo_is_a_resource(void **state)
{
	(void)state;
	json_t *a = alert_new("missing_person", "active");
	json_object_set_new(a, "photo",
			    json_pack("{s:s, s:s, s:i, s:s}", "url", "/api/v1/alerts/7/photo",
				      "content_type", "image/jpeg", "size", 12345, "sha1",
				      "07eb6482d234e2ab5d3c62723658e4d8a8d8d334"));
	char *doc = nt_cap_document(a, "edited", "i", "2026-11-25T09:00:00+09:00", "r",
				    "https://x.example/#/alerts/7");
	assert_non_null(doc);
	assert_non_null(strstr(doc, "</web>\n    <resource>\n      <resourceDesc>写真</resourceDesc>\n"
				    "      <mimeType>image/jpeg</mimeType>\n      <size>12345</size>\n"
				    "      <digest>07eb6482d234e2ab5d3c62723658e4d8a8d8d334</digest>\n"
				    "    </resource>\n    <area>"));
	assert_null(strstr(doc, "<uri>"));
	assert_int_equal(validate(doc), 0);
	free(doc);
	json_object_set_new(json_object_get(a, "photo"), "uri",
			    json_string("https://x.example/api/v1/alerts/7/photo?a=1&b=2"));
	doc = nt_cap_document(a, "resolved", "i", "2026-11-25T09:00:00+09:00", "r", NULL);
	assert_non_null(
		strstr(doc, "<uri>https://x.example/api/v1/alerts/7/photo?a=1&amp;b=2</uri>"));
	assert_int_equal(validate(doc), 0);
	free(doc);
	json_object_set_new(a, "photo", json_null());
	doc = nt_cap_document(a, "raised", "i", "2026-11-25T09:00:00+09:00", NULL, NULL);
	assert_null(strstr(doc, "<resource>"));
	free(doc);
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_kind_and_change_validates),
		cmocka_unit_test(maps_as_the_contract_says),
		cmocka_unit_test(bad_arguments_give_null),
		cmocka_unit_test(photo_is_a_resource),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
