/* app_builtin.c - the built-in apps every tenant has: the facility
 * directory and the event calendar (field lists of APPS.md), created
 * idempotently on a tenant's first use of apps */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

static const char facilities_fields[] =
	"[{\"key\":\"name\",\"label\":\"事業所名\",\"type\":\"text\",\"required\":true},"
	"{\"key\":\"kind\",\"label\":\"サービス種別\",\"type\":\"choice\",\"required\":true,"
	"\"choices\":[\"居宅介護支援事業所\",\"地域包括支援センター\",\"訪問介護\",\"訪問看護\","
	"\"訪問リハビリテーション\",\"通所介護\",\"通所リハビリテーション\",\"短期入所生活介護\","
	"\"短期入所療養介護\",\"小規模多機能型居宅介護\",\"看護小規模多機能型居宅介護\","
	"\"認知症対応型共同生活介護\",\"特別養護老人ホーム\",\"介護老人保健施設\",\"有料老人ホーム\","
	"\"サービス付き高齢者向け住宅\",\"福祉用具貸与\",\"診療所\",\"病院\",\"歯科診療所\",\"薬局\","
	"\"その他\"]},"
	"{\"key\":\"address\",\"label\":\"住所\",\"type\":\"text\"},"
	"{\"key\":\"district\",\"label\":\"地区\",\"type\":\"choice\",\"required\":true,"
	"\"choices\":[\"中央地区\",\"北地区\",\"南地区\",\"東地区\",\"西地区\",\"山手地区\"]},"
	"{\"key\":\"latitude\",\"label\":\"緯度\",\"type\":\"number\",\"min\":-90,\"max\":90},"
	"{\"key\":\"longitude\",\"label\":\"経度\",\"type\":\"number\",\"min\":-180,\"max\":180},"
	"{\"key\":\"phone\",\"label\":\"電話番号\",\"type\":\"phone\"},"
	"{\"key\":\"fax\",\"label\":\"FAX番号\",\"type\":\"phone\"},"
	"{\"key\":\"hours\",\"label\":\"営業時間\",\"type\":\"text\"},"
	"{\"key\":\"capacity\",\"label\":\"定員\",\"type\":\"number\",\"min\":0},"
	"{\"key\":\"contact_person\",\"label\":\"担当者\",\"type\":\"text\"},"
	"{\"key\":\"organisation\",\"label\":\"運営組織\",\"type\":\"organisation\"},"
	"{\"key\":\"note\",\"label\":\"備考\",\"type\":\"long_text\"}]";

static const char events_fields[] =
	"[{\"key\":\"title\",\"label\":\"タイトル\",\"type\":\"text\",\"required\":true},"
	"{\"key\":\"kind\",\"label\":\"種別\",\"type\":\"choice\",\"required\":true,"
	"\"choices\":[\"研修\",\"会議\",\"勉強会\",\"地域ケア会議\",\"講演会\",\"その他\"]},"
	"{\"key\":\"starts_at\",\"label\":\"開始日時\",\"type\":\"datetime\",\"required\":true},"
	"{\"key\":\"ends_at\",\"label\":\"終了日時\",\"type\":\"datetime\"},"
	"{\"key\":\"place\",\"label\":\"場所\",\"type\":\"text\"},"
	"{\"key\":\"organiser\",\"label\":\"主催\",\"type\":\"organisation\"},"
	"{\"key\":\"capacity\",\"label\":\"定員\",\"type\":\"number\",\"min\":1},"
	"{\"key\":\"description\",\"label\":\"内容\",\"type\":\"long_text\"}]";

json_t *rec_app_builtin_fields(const char *key)
{
	const char *text = !strcmp(key, REC_APP_FACILITIES) ? facilities_fields
			   : !strcmp(key, REC_APP_EVENTS)   ? events_fields
							    : NULL;
	if (!text)
		return NULL;
	json_t *fields = json_loads(text, 0, NULL);
	if (!fields)
		abort(); /* a constant above */
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		if (!json_object_get(f, "required"))
			json_object_set_new(f, "required", json_false());
		json_object_set_new(f, "builtin", json_true());
	}
	return fields;
}

static int builtin_insert(struct cl_pg *pg, const char *tenant, const char *key,
			  const char *name, const char *description)
{
	char id[CL_UUID_LEN + 1];
	cl_uuid_new(id);
	json_t *fields = rec_app_builtin_fields(key);
	json_t *read = json_pack("{s:[], s:[]}", "professions", "organisations");
	json_t *write = json_pack("{s:[], s:[], s:b}", "professions", "organisations",
				  "owner_organisation", 1);
	int rc = rec_db_app_insert(pg, tenant, id, key, name, description, true, fields, read,
				   write);
	json_decref(fields);
	json_decref(read);
	json_decref(write);
	/* another request created it first: fine */
	return rc == CL_ECONFLICT ? 0 : rc;
}

int rec_app_builtin_ensure(struct cl_pg *pg, const char *tenant)
{
	const char *p[1] = {tenant};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT count(*) FROM apps WHERE tenant_id = $1"
			    " AND key IN ('facilities', 'events') AND builtin",
			    1, p);
	if (rc < 0)
		return rc;
	long n = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (n == 2)
		return 0;
	rc = builtin_insert(pg, tenant, REC_APP_FACILITIES, "事業所一覧",
			    "地域の介護・医療の事業所の一覧です");
	if (rc == 0)
		rc = builtin_insert(pg, tenant, REC_APP_EVENTS, "イベントカレンダー",
				    "研修・会議・勉強会の予定と参加申込です");
	return rc;
}
