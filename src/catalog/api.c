/*
 * api.c - the catalogue over HTTP: the public lists, search and guides,
 * and the system administrator's versioned editing (docs/catalogue.md).
 *
 * Writes read and check the document on the worker thread first (no
 * database needed but the proof list), then run one write function that
 * checks the references, appends the version and its audit event together.
 */
#include "catalog/api.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "audit/audit.h"
#include "catalog/catalog.h"
#include "catalog/store.h"
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#define COUNT(a)         (sizeof(a) / sizeof((a)[0]))
#define REASON_MAX_CHARS 200
#define PROBLEMS_MAX     200
#define ADMIN_LIST_MAX   2000
#define QUERY_MAX_CHARS  50
#define FILTER_MAX_CHARS 64

static bool only_params(struct tb_req *req, const char *const *known, const char **bad)
{
    for (size_t i = 0; i < req->nquery; i++) {
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, req->query[i].key) == 0;
        if (!ok) {
            *bad = req->query[i].key;
            return false;
        }
    }
    return true;
}

static int no_params(struct tb_req *req)
{
    static const char *const none[] = {NULL};
    const char *bad;
    if (!only_params(req, none, &bad))
        return tb_resp_problem(req, TB_ERR_INVALID, bad, "不支持的查询参数",
                               "Unknown query parameter");
    return TB_OK;
}

static int read_conn(struct tb_req *req, struct tb_db_conn **c)
{
    struct tb_app *app = req->app;
    return tb_db_read_conn(app->db, c);
}

static int not_found(struct tb_req *req)
{
    return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个事项", "No such item");
}

/* Answers the problem list of a refused document. */
static int problems_answer(struct tb_req *req, const struct item_problems *p)
{
    json_t *list = item_problems_json(p);
    size_t kept = p->n < p->cap ? p->n : p->cap;
    const char *field = kept ? p->out[0].path : NULL;
    char zh[96], en[96];
    snprintf(zh, sizeof(zh), "事项有 %zu 处问题，请逐项修改", p->n);
    snprintf(en, sizeof(en), "The item has %zu problem(s); each is listed in errors", p->n);
    return tb_resp_problem_extra(
        req, TB_ERR_INVALID, field, zh, en,
        json_pack("{s:o,s:I}", "errors", list, "error_count", (json_int_t)p->n));
}

/* The name of the acting account, for the version history (arena copy). */
static const char *actor_name(struct tb_req *req, struct tb_db_conn *c)
{
    const struct principal *p = req->user;
    struct tb_db_stmt *s;
    const char *name = "系统";
    if (tb_db_prepare(c, "SELECT name FROM accounts WHERE id = ?1", &s) < 0)
        return name;
    tb_db_bind_int64(s, 1, p->account_id);
    if (tb_db_step(s) == TB_DB_ROW)
        name = tb_arena_strdup(&req->arena, tb_db_column_text(s, 0));
    tb_db_stmt_done(s);
    return name ? name : "系统";
}

/* ---- public reads ------------------------------------------------------------------------ */

static int parse_int_param(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return TB_ERR_INVALID;
    *out = (int)v;
    return TB_OK;
}

static int bad_param(struct tb_req *req, const char *name, const char *zh, const char *en)
{
    return tb_resp_problem(req, TB_ERR_INVALID, name, zh, en);
}

static bool text_param_ok(const char *s, size_t max_chars)
{
    size_t len = strlen(s);
    return tb_utf8_valid(s, len) && tb_utf8_chars(s, len) <= max_chars;
}

int catalog_api_items(struct tb_req *req)
{
    static const char *const known[] = {"dept", "audience", "topic", "level",    "type",
                                        "list", "q",        "page",  "per_page", NULL};
    const char *bad;
    if (!only_params(req, known, &bad))
        return bad_param(req, bad, "不支持的查询参数", "Unknown query parameter");
    struct item_query q = {.page = 1, .per_page = ITEMS_PAGE_DEFAULT};
    const char *v;
    if ((v = tb_req_query(req, "dept")) && !text_param_ok(v, FILTER_MAX_CHARS))
        return bad_param(req, "dept", "部门编码无效", "Invalid department code");
    q.dept = v && *v ? v : NULL;
    if ((v = tb_req_query(req, "audience"))) {
        const struct catalog_code *c = catalog_code_by_code(CODES_SERVICE_OBJECT, v);
        if (!c)
            return bad_param(req, "audience", "服务对象代码无效（1 自然人、2 企业法人 …）",
                             "Unknown service object code (1 person, 2 enterprise ...)");
        q.audience = CODE_BIT(c->value);
    }
    if ((v = tb_req_query(req, "topic")) && !text_param_ok(v, 20))
        return bad_param(req, "topic", "主题过长", "Topic too long");
    q.topic = v && *v ? v : NULL;
    if ((v = tb_req_query(req, "level"))) {
        const struct catalog_code *c = catalog_code_by_code(CODES_EXERCISE_LEVEL, v);
        if (!c)
            return bad_param(req, "level", "行使层级代码无效（1 国家 … 6 村）",
                             "Unknown exercise level code (1 national ... 6 village)");
        q.levels = CODE_BIT(c->value);
    }
    if ((v = tb_req_query(req, "type"))) {
        if (!catalog_code_by_code(CODES_ITEM_TYPE, v))
            return bad_param(req, "type", "事项类型代码无效（01 行政许可 …）",
                             "Unknown item type code (01 licensing ...)");
        q.type = v;
    }
    if ((v = tb_req_query(req, "list")) && item_list_parse(v, &q.list) < 0)
        return bad_param(req, "list",
                         "清单名称无效：zuiduo_paoyici、quancheng_wangban、wangshang、mashang、"
                         "jiujin、yici、jiban",
                         "Unknown list: zuiduo_paoyici, quancheng_wangban, wangshang, mashang, "
                         "jiujin, yici, jiban");
    if ((v = tb_req_query(req, "q"))) {
        if (!text_param_ok(v, QUERY_MAX_CHARS))
            return bad_param(req, "q", "搜索词最多 50 个字",
                             "Search text is at most 50 characters");
        q.q = v;
        const char *p = v;
        while (*p == ' ')
            p++;
        if (!*p)
            q.q = NULL;
    }
    if ((v = tb_req_query(req, "page")) && parse_int_param(v, 1, 100000, &q.page) < 0)
        return bad_param(req, "page", "页码应为 1 起的整数", "page is a whole number from 1");
    if ((v = tb_req_query(req, "per_page")) &&
        parse_int_param(v, 1, ITEMS_PAGE_MAX, &q.per_page) < 0)
        return bad_param(req, "per_page", "每页条数应为 1 到 100", "per_page is from 1 to 100");
    struct tb_db_conn *c;
    json_t *out = NULL;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = catalog_items_query(c, &q, &out);
    if (rc == TB_ERR_INVALID)
        return bad_param(req, "q", "搜索词最多 4 个", "At most 4 search words");
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200, out);
}

/* The public reads of one item: which answer a handler gives. */
enum item_read { READ_GUIDE, READ_VERSIONS, READ_TRANSFERS };

/* GET of one published item's guide, history or transfers: no query
 * parameters; 404 for an item the public may not see. */
static int item_read(struct tb_req *req, enum item_read what)
{
    if (no_params(req) < 0)
        return TB_ERR_INVALID;
    const char *code = tb_req_param(req, "code");
    struct tb_db_conn *c;
    json_t *out = NULL;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = what == READ_GUIDE      ? catalog_item_get(c, code, 0, false, &out)
             : what == READ_VERSIONS ? catalog_item_versions(c, code, false, &out)
                                     : catalog_item_transfers(c, code, &out);
    if (rc == TB_ERR_NOT_FOUND)
        return not_found(req);
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200, out);
}

int catalog_api_item(struct tb_req *req)
{
    return item_read(req, READ_GUIDE);
}

int catalog_api_item_versions(struct tb_req *req)
{
    return item_read(req, READ_VERSIONS);
}

int catalog_api_item_version(struct tb_req *req)
{
    if (no_params(req) < 0)
        return TB_ERR_INVALID;
    int n;
    if (parse_int_param(tb_req_param(req, "version"), 1, 1000000, &n) < 0)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, "version", "没有这个版本", "No such version");
    struct tb_db_conn *c;
    json_t *out = NULL;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = catalog_item_get(c, tb_req_param(req, "code"), n, false, &out);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个事项或版本",
                               "No such item or version");
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200, out);
}

int catalog_api_item_transfers(struct tb_req *req)
{
    return item_read(req, READ_TRANSFERS);
}

static int simple_list(struct tb_req *req, int (*fn)(struct tb_db_conn *, json_t **))
{
    if (no_params(req) < 0)
        return TB_ERR_INVALID;
    struct tb_db_conn *c;
    json_t *out = NULL;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = fn(c, &out);
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200, out);
}

int catalog_api_proofs(struct tb_req *req)
{
    return simple_list(req, catalog_proofs_json);
}

int catalog_api_intermediaries(struct tb_req *req)
{
    return simple_list(req, catalog_intermediaries_json);
}

int catalog_api_kpis(struct tb_req *req)
{
    return simple_list(req, catalog_kpis);
}

int catalog_api_topics(struct tb_req *req)
{
    return simple_list(req, catalog_topics);
}

int catalog_api_codes(struct tb_req *req)
{
    if (no_params(req) < 0)
        return TB_ERR_INVALID;
    json_t *o = catalog_codes_json();
    return o ? tb_resp_json(req, 200, o) : TB_ERR_NOMEM;
}

/* GET /items/{code}: the guide page; the page's script reads the code from
 * its own address. Unknown codes get the same page, which says so. */
int catalog_api_item_page(struct tb_req *req)
{
    struct tb_app *app = req->app;
    char path[TB_CONFIG_PATH_MAX + 32];
    if (snprintf(path, sizeof(path), "%s/portal/item.html", app->cfg.web_root) >= (int)sizeof(path))
        return TB_ERR_INTERNAL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "页面不存在", "No such page");
    char buf[64 * 1024];
    size_t n = fread(buf, 1, sizeof(buf), f);
    int err = ferror(f) || !feof(f);
    fclose(f);
    if (err)
        return TB_ERR_IO;
    tb_resp_header(req, "Cache-Control", "no-cache");
    return tb_resp_text(req, 200, "text/html; charset=utf-8", buf, n);
}

/* ---- guide PDF and QR ------------------------------------------------------------------ */

#define GUIDE_PDF_MAX      (32u * 1024 * 1024)
#define GUIDE_RENDERS_MAX  2 /* at once: a render takes ~45 ms of CPU and up to 25 MB */
#define QR_PNG_SCALE       8
#define GUIDE_CACHE_SUBDIR "cache/guides"

static sem_t renders;
static pthread_once_t renders_once = PTHREAD_ONCE_INIT;

static void renders_init(void)
{
    sem_init(&renders, 0, GUIDE_RENDERS_MAX);
}

/* The guide page's address as printed and encoded in the QR code. */
static const char *guide_url(struct tb_req *req, const char *code)
{
    struct tb_app *app = req->app;
    const char *base = app->cfg.public_url;
    if (base[0])
        return tb_arena_printf(&req->arena, "%.*s/items/%s",
                               (int)(strlen(base) - (base[strlen(base) - 1] == '/')), base, code);
    return tb_arena_printf(&req->arena, "http://%s/items/%s", app->cfg.listen, code);
}

/* The published guide's document, org name, version and date. */
static int guide_source(struct tb_req *req, json_t **out)
{
    if (no_params(req) < 0)
        return TB_ERR_INVALID;
    struct tb_db_conn *c;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = catalog_item_get(c, tb_req_param(req, "code"), 0, false, out);
    if (rc == TB_ERR_NOT_FOUND)
        return not_found(req);
    return rc;
}

/* A published version's PDF never changes (its bytes depend only on the
 * version), so it is rendered once and kept under DATA/cache/guides. */
static bool cache_name_ok(const char *code)
{
    for (const char *p = code; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              *p == '-' || *p == '_'))
            return false;
    return *code != '\0';
}

static bool cache_read(const char *path, struct tb_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = tb_buf_append(b, chunk, n);
    bool ok = rc == 0 && !ferror(f) && b->len > 0;
    fclose(f);
    if (!ok)
        tb_buf_reset(b);
    return ok;
}

static void cache_write(const char *dir, const char *path, const struct tb_buf *b)
{
    char tmp[TB_CONFIG_PATH_MAX + 128];
    if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)pthread_self() % 100000) >=
        (int)sizeof(tmp))
        return;
    mkdir(dir, 0700);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return;
    bool ok = fwrite(b->data, 1, b->len, f) == b->len;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
}

int catalog_api_item_pdf(struct tb_req *req)
{
    json_t *g = NULL;
    int rc = guide_source(req, &g);
    if (rc < 0 || !g)
        return rc;
    struct tb_app *app = req->app;
    const json_t *item = json_object_get(g, "item");
    const char *code = json_string_value(json_object_get(item, "impl_code"));
    int version = (int)json_integer_value(json_object_get(g, "version"));
    const char *published = json_string_value(json_object_get(g, "published_at"));
    char date[11] = "";
    if (published && strlen(published) >= 10)
        memcpy(date, published, 10);
    const char *org_name = json_string_value(json_object_get(json_object_get(g, "org"), "name"));
    const char *url = guide_url(req, code);
    /* what else is printed: the organisation's name and the address (FNV-1a) */
    uint32_t h = 2166136261u;
    for (const char *p = org_name ? org_name : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (const char *p = url ? url : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    char dir[TB_CONFIG_PATH_MAX + 32], path[TB_CONFIG_PATH_MAX + 96];
    bool cacheable =
        url && cache_name_ok(code) &&
        snprintf(dir, sizeof(dir), "%s/%s", app->cfg.data, GUIDE_CACHE_SUBDIR) < (int)sizeof(dir) &&
        snprintf(path, sizeof(path), "%s/%s-v%d-%08x.pdf", dir, code, version, h) <
            (int)sizeof(path);
    struct tb_buf b;
    tb_buf_init(&b, GUIDE_PDF_MAX);
    if (!cacheable || !cache_read(path, &b)) {
        pthread_once(&renders_once, renders_init);
        while (sem_wait(&renders) != 0 && errno == EINTR)
            ;
        rc = guide_pdf(item, org_name, url, version, date[0] ? date : NULL, &b);
        sem_post(&renders);
        if (rc == TB_OK && cacheable) {
            char cache_dir[TB_CONFIG_PATH_MAX + 16];
            snprintf(cache_dir, sizeof(cache_dir), "%s/cache", app->cfg.data);
            mkdir(cache_dir, 0700);
            cache_write(dir, path, &b);
        }
    }
    if (rc == TB_OK) {
        char disp[128];
        snprintf(disp, sizeof(disp), "inline; filename=\"guide-%.40s-v%d.pdf\"",
                 cacheable ? code : "item", version);
        rc = tb_resp_text(req, 200, "application/pdf", b.data, b.len);
        tb_resp_header(req, "Content-Disposition", disp);
        tb_resp_header(req, "Cache-Control", "public, max-age=300");
    }
    tb_buf_free(&b);
    json_decref(g); /* code and the rest point into it */
    return rc;
}

static int qr_answer(struct tb_req *req, bool png)
{
    json_t *g = NULL;
    int rc = guide_source(req, &g);
    if (rc < 0 || !g)
        return rc;
    const char *code = json_string_value(json_object_get(json_object_get(g, "item"), "impl_code"));
    struct tb_buf b;
    tb_buf_init(&b, 1u << 20);
    const char *url = guide_url(req, code);
    rc = png ? guide_qr_png(url, QR_PNG_SCALE, &b) : guide_qr_svg(url, &b);
    if (rc == TB_OK) {
        rc = tb_resp_text(req, 200, png ? "image/png" : "image/svg+xml", b.data, b.len);
        tb_resp_header(req, "Cache-Control", "public, max-age=300");
    }
    tb_buf_free(&b);
    json_decref(g);
    return rc;
}

int catalog_api_item_qr_svg(struct tb_req *req)
{
    return qr_answer(req, false);
}

int catalog_api_item_qr_png(struct tb_req *req)
{
    return qr_answer(req, true);
}

/* ---- administrator ------------------------------------------------------------------------ */

int catalog_api_admin_items(struct tb_req *req)
{
    static const char *const known[] = {"q", "status", NULL};
    const char *bad;
    if (!only_params(req, known, &bad))
        return bad_param(req, bad, "不支持的查询参数", "Unknown query parameter");
    const char *q = tb_req_query(req, "q");
    const char *st = tb_req_query(req, "status");
    if (q && !text_param_ok(q, QUERY_MAX_CHARS))
        return bad_param(req, "q", "搜索词最多 50 个字", "Search text is at most 50 characters");
    if (st && !item_status_known(st))
        return bad_param(req, "status", "状态应为 draft、published、suspended 或 cancelled",
                         "status is draft, published, suspended or cancelled");
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = tb_db_prepare(
            c,
            "SELECT i.impl_code, i.name, o.code, o.name, i.status, i.current_version, "
            "i.latest_version, v.status, i.updated_at FROM items i JOIN orgs o ON o.id = i.org_id "
            "JOIN item_versions v ON v.item_id = i.id AND v.version = i.latest_version "
            "WHERE (?1 IS NULL OR instr(i.name, ?1) > 0 OR instr(i.impl_code, ?1) > 0) "
            "AND (?2 IS NULL OR i.status = ?2) ORDER BY o.code, i.impl_code LIMIT ?3",
            &s);
    if (rc < 0)
        return rc;
    if (q && *q)
        tb_db_bind_text(s, 1, q, -1);
    else
        tb_db_bind_null(s, 1);
    if (st)
        tb_db_bind_text(s, 2, st, -1);
    else
        tb_db_bind_null(s, 2);
    tb_db_bind_int64(s, 3, ADMIN_LIST_MAX);
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        char at[32];
        tb_time_format_iso(tb_db_column_int64(s, 8), at, sizeof(at));
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:I,s:I,s:s,s:s}", "impl_code",
                            tb_db_column_text(s, 0), "name", tb_db_column_text(s, 1), "org", "code",
                            tb_db_column_text(s, 2), "name", tb_db_column_text(s, 3), "status",
                            tb_db_column_text(s, 4), "current_version",
                            (json_int_t)tb_db_column_int64(s, 5), "latest_version",
                            (json_int_t)tb_db_column_int64(s, 6), "latest_status",
                            tb_db_column_text(s, 7), "updated_at", at));
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "items", list));
}

int catalog_api_admin_item(struct tb_req *req)
{
    if (no_params(req) < 0)
        return TB_ERR_INVALID;
    const char *code = tb_req_param(req, "code");
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = tb_db_prepare(c, "SELECT latest_version FROM items WHERE impl_code = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    rc = tb_db_step(s);
    int latest = rc == TB_DB_ROW ? (int)tb_db_column_int64(s, 0) : 0;
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!latest)
        return not_found(req);
    json_t *out = NULL, *versions = NULL;
    rc = catalog_item_get(c, code, latest, true, &out);
    if (rc == TB_OK)
        rc = catalog_item_versions(c, code, true, &versions);
    if (rc == TB_OK)
        json_object_set(out, "versions", json_object_get(versions, "versions"));
    json_decref(versions);
    if (rc < 0) {
        json_decref(out);
        return rc == TB_ERR_NOT_FOUND ? not_found(req) : rc;
    }
    return tb_resp_json(req, 200, out);
}

struct item_job {
    struct tb_req *req;
    struct item_write w;
    const char *action;
};

static int write_item(struct tb_db_conn *c, void *ctx)
{
    struct item_job *j = ctx;
    struct tb_app *app = j->req->app;
    int rc = catalog_item_write(c, &j->w);
    if (rc < 0)
        return rc;
    struct audit_event e;
    audit_from_req(j->req, j->req->user, &e);
    e.action = j->w.publish ? "item.publish" : j->action;
    e.object_type = "item";
    e.object_id = j->w.doc->v.impl_code;
    e.after_json = accounts_json_text(
        j->req, json_pack("{s:i,s:O}", "version", j->w.version, "changed", j->w.changed));
    if (!e.after_json)
        return TB_ERR_NOMEM;
    e.reason = j->w.reason;
    return audit_append(c, &app->audit, &e, NULL);
}

/* Reads {"item","reason","publish"?} and writes it. */
static int item_save(struct tb_req *req, const char *url_code)
{
    static const char *const fields[] = {"item", "reason", "publish", NULL};
    if (accounts_only_fields(req, fields) < 0)
        return TB_ERR_INVALID;
    const char *reason;
    if (accounts_need_string(req, "reason", REASON_MAX_CHARS, &reason, "修改原因") < 0)
        return TB_ERR_INVALID;
    bool publish = false;
    if (tb_json_get_bool(req->json, "publish", false, &publish) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "publish", "publish 应为 true 或 false",
                               "publish is true or false");
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    struct tb_db_conn *c;
    struct proof_list proofs;
    int rc = read_conn(req, &c);
    if (rc == TB_OK)
        rc = catalog_proofs_load(c, &req->arena, &proofs);
    if (rc < 0)
        return rc;
    struct item_problem *found = tb_arena_alloc(&req->arena, PROBLEMS_MAX * sizeof(*found));
    if (!found)
        return TB_ERR_NOMEM;
    struct item_problems probs = {found, PROBLEMS_MAX, 0};
    struct item_doc d;
    rc = item_doc_read(json_object_get(req->json, "item"), &proofs, &req->arena, &d, &probs);
    if (rc == TB_ERR_INVALID) {
        /* every fault at once: the references too (else checked by the write) */
        if ((rc = catalog_item_references_check(c, json_object_get(req->json, "item"), &probs)) < 0)
            return rc;
        return problems_answer(req, &probs);
    }
    if (rc < 0)
        return rc;
    struct item_job j = {.req = req,
                         .action = url_code ? "item.update" : "item.create",
                         .w = {.doc = &d,
                               .url_code = url_code,
                               .reason = reason,
                               .author_id = p->account_id,
                               .author_name = actor_name(req, c),
                               .publish = publish,
                               .now_ms = tb_time_now_ms(),
                               .problems = &probs}};
    rc = tb_db_write(app->db, write_item, &j);
    int version = j.w.version;
    const char *code = tb_arena_strdup(&req->arena, d.v.impl_code); /* d dies below */
    json_decref(j.w.changed);
    json_decref(d.canon);
    if (rc == TB_ERR_INVALID)
        return problems_answer(req, &probs);
    if (rc == TB_ERR_NOT_FOUND)
        return not_found(req);
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(req, TB_ERR_CONFLICT, "item.impl_code", "该实施编码的事项已存在",
                               "An item with this implementation code exists");
    if (rc < 0)
        return rc;
    json_t *out = NULL;
    if (!code || (rc = catalog_item_get(c, code, version, true, &out)) < 0)
        return rc;
    return tb_resp_json(req, url_code ? 200 : 201, out);
}

int catalog_api_item_create(struct tb_req *req)
{
    return item_save(req, NULL);
}

int catalog_api_item_update(struct tb_req *req)
{
    return item_save(req, tb_req_param(req, "code"));
}

struct status_job {
    struct tb_req *req;
    const char *code, *status, *reason;
    char old[16];
};

static int write_status(struct tb_db_conn *c, void *ctx)
{
    struct status_job *j = ctx;
    struct tb_app *app = j->req->app;
    int rc =
        catalog_item_set_status(c, j->code, j->status, tb_time_now_ms(), j->old, sizeof(j->old));
    if (rc < 0)
        return rc;
    struct audit_event e;
    char before[48], after[48];
    audit_from_req(j->req, j->req->user, &e);
    snprintf(before, sizeof(before), "{\"status\":\"%s\"}", j->old);
    snprintf(after, sizeof(after), "{\"status\":\"%s\"}", j->status);
    e.action = "item.status";
    e.object_type = "item";
    e.object_id = j->code;
    e.before_json = before;
    e.after_json = after;
    e.reason = j->reason;
    return audit_append(c, &app->audit, &e, NULL);
}

int catalog_api_item_status(struct tb_req *req)
{
    static const char *const fields[] = {"status", "reason", NULL};
    if (accounts_only_fields(req, fields) < 0)
        return TB_ERR_INVALID;
    struct status_job j = {.req = req, .code = tb_req_param(req, "code")};
    if (accounts_need_string(req, "reason", REASON_MAX_CHARS, &j.reason, "原因") < 0 ||
        accounts_need_string(req, "status", 16, &j.status, "状态") < 0)
        return TB_ERR_INVALID;
    if (!item_status_known(j.status) || strcmp(j.status, "draft") == 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "status",
                               "状态应为 published（恢复）、suspended（暂停）或 cancelled（取消）",
                               "status is published (resume), suspended or cancelled");
    struct tb_app *app = req->app;
    int rc = tb_db_write(app->db, write_status, &j);
    if (rc == TB_ERR_NOT_FOUND)
        return not_found(req);
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(req, TB_ERR_CONFLICT, "status",
                               "当前状态不能这样变更（已取消的事项不能恢复，草稿须先发布）",
                               "Not allowed from the current status (a cancelled item stays "
                               "cancelled; a draft must be published first)");
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200,
                        json_pack("{s:s,s:s,s:s}", "impl_code", j.code, "status", j.status,
                                  "previous_status", j.old));
}

struct transfer_job {
    struct tb_req *req;
    const char *code, *to, *reason, *by_name;
    int version;
};

static int write_transfer(struct tb_db_conn *c, void *ctx)
{
    struct transfer_job *j = ctx;
    struct tb_app *app = j->req->app;
    const struct principal *p = j->req->user;
    int rc = catalog_item_transfer(c, j->code, j->to, j->reason, p->account_id, j->by_name,
                                   tb_time_now_ms(), &j->version);
    if (rc < 0)
        return rc;
    struct audit_event e;
    char after[160];
    audit_from_req(j->req, p, &e);
    snprintf(after, sizeof(after), "{\"to\":\"%.64s\",\"version\":%d}", j->to, j->version);
    e.action = "item.transfer";
    e.object_type = "item";
    e.object_id = j->code;
    e.after_json = after;
    e.reason = j->reason;
    return audit_append(c, &app->audit, &e, NULL);
}

int catalog_api_item_transfer(struct tb_req *req)
{
    static const char *const fields[] = {"to", "reason", NULL};
    if (accounts_only_fields(req, fields) < 0)
        return TB_ERR_INVALID;
    struct transfer_job j = {.req = req, .code = tb_req_param(req, "code")};
    if (accounts_need_string(req, "to", 64, &j.to, "划入机构") < 0 ||
        accounts_need_string(req, "reason", REASON_MAX_CHARS, &j.reason, "划转原因") < 0)
        return TB_ERR_INVALID;
    if (strchr(j.to, '"') || strchr(j.to, '\\'))
        return tb_resp_problem(req, TB_ERR_INVALID, "to", "机构编码无效", "Invalid org code");
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    int rc = read_conn(req, &c);
    if (rc < 0)
        return rc;
    j.by_name = actor_name(req, c);
    rc = tb_db_write(app->db, write_transfer, &j);
    if (rc == TB_ERR_NOT_FOUND)
        return not_found(req);
    if (rc == TB_ERR_INVALID)
        return tb_resp_problem(req, TB_ERR_INVALID, "to", "划入机构不存在或就是现办理机构",
                               "The receiving organisation does not exist or already decides it");
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(req, TB_ERR_CONFLICT, NULL,
                               "只有已发布且没有待发布草稿的事项可以划转",
                               "Only a published item without a pending draft can be transferred");
    if (rc < 0)
        return rc;
    json_t *out = NULL;
    if ((rc = catalog_item_get(c, j.code, 0, true, &out)) < 0)
        return rc;
    return tb_resp_json(req, 200, out);
}
