/*
 * api.c - identifier checks over HTTP.
 *
 * The answer says whether a 居民身份证号 (GB 11643) or 统一社会信用代码
 * (GB 32100) is well formed and, if not, exactly why, in the caller's
 * language; it shows the number only masked. Both forms exist because the
 * issue fixes a GET form, while forms should POST so that the number stays
 * out of URLs, proxies and browser history. Neither form logs the number:
 * access lines carry the route pattern only.
 */
#include "accounts/api.h"
#include "accounts/identifiers.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#include <string.h>

/* Longer input is not an identifier; refuse before checking. */
#define IDENT_INPUT_MAX 64

static int answer_check(struct tb_req *req, const char *kind, const char *number)
{
    enum ident_kind k;
    if (!kind)
        return tb_resp_problem(req, TB_ERR_INVALID, "kind", "缺少证件类型 kind（person 或 org）",
                               "kind is required (person or org)");
    if (strcmp(kind, "person") == 0)
        k = IDENT_PERSON;
    else if (strcmp(kind, "org") == 0)
        k = IDENT_ORG;
    else
        return tb_resp_problem(req, TB_ERR_INVALID, "kind", "证件类型 kind 只能是 person 或 org",
                               "kind must be person or org");
    if (!number)
        return tb_resp_problem(req, TB_ERR_INVALID, "number", "缺少证件号码 number",
                               "number is required");
    size_t len = strlen(number);
    if (len > IDENT_INPUT_MAX)
        return tb_resp_problem(req, TB_ERR_INVALID, "number", "证件号码过长", "number is too long");

    struct ident_result r;
    if (k == IDENT_PERSON) {
        int y, m, d;
        tb_time_shanghai_date(tb_time_now_ms(), &y, &m, &d);
        ident_check_person(number, len, y * 10000 + m * 100 + d, &r);
    } else {
        ident_check_org(number, len, &r);
    }
    char masked[IDENT_MASK_BUFSZ];
    ident_mask(k, number, len, masked, sizeof(masked));
    json_t *o = json_object();
    if (!o)
        return TB_ERR_NOMEM;
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "valid", json_boolean(r.is_valid));
    json_object_set_new(o, "masked", json_string(masked));
    if (r.is_valid) {
        json_object_set_new(o, "reason", json_null());
        json_object_set_new(o, "message", json_null());
    } else {
        json_object_set_new(o, "reason", json_string(ident_reason_code(r.reason)));
        json_object_set_new(o, "message",
                            json_string(req->lang == TB_LANG_EN ? ident_reason_en(r.reason)
                                                                : ident_reason_zh(r.reason)));
        if (r.position > 0)
            json_object_set_new(o, "position", json_integer(r.position));
    }
    return tb_resp_json(req, 200, o);
}

int accounts_api_ident_check_get(struct tb_req *req)
{
    return answer_check(req, tb_req_query(req, "kind"), tb_req_query(req, "number"));
}

int accounts_api_ident_check_post(struct tb_req *req)
{
    const char *kind, *number;
    if (!json_is_object(req->json))
        return tb_resp_problem(req, TB_ERR_INVALID, NULL, "请求体必须是 JSON 对象",
                               "The request body must be a JSON object");
    if (tb_json_get_string(req->json, "kind", true, 16, &kind) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "kind",
                               "证件类型 kind 必须是字符串 person 或 org",
                               "kind must be the string person or org");
    if (tb_json_get_string(req->json, "number", true, IDENT_INPUT_MAX, &number) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "number",
                               "证件号码 number 必须是不超过 64 个字符的字符串",
                               "number must be a string of at most 64 characters");
    return answer_check(req, kind, number);
}
