/*
 * demo.c - the demonstration's sample applications (data/demo/
 * applications.json and data/demo/files/), offered by the portal's
 * "填入示例数据" on installations made with `tongban init --demo` only;
 * elsewhere both routes answer 404.
 */
#include "cases/api.h"
#include "app/app.h"
#include "lib/db.h"
#include "lib/embed.h"
#include "lib/err.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static bool is_demo(struct tb_app *app)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    if (tb_db_read_conn(app->db, &c) < 0 ||
        tb_db_prepare(c, "SELECT value FROM settings WHERE key = 'demo'", &s) < 0)
        return false;
    bool demo = tb_db_step(s) == TB_DB_ROW && strcmp(tb_db_column_text(s, 0), "1") == 0;
    tb_db_stmt_done(s);
    return demo;
}

static int not_demo(struct tb_req *req)
{
    return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "只有演示环境提供示例数据",
                           "Sample data exists on demonstration installations only");
}

int cases_api_demo_samples(struct tb_req *req)
{
    const char *item = tb_req_query(req, "item");
    if (!is_demo(req->app))
        return not_demo(req);
    const struct tb_embedded *e = tb_embedded_find("data/demo/applications.json");
    json_t *all = e ? json_loadb((const char *)e->data, e->len, 0, NULL) : NULL;
    json_t *list = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(all, "applications"), i, a)
    {
        const char *code = json_string_value(json_object_get(a, "impl_code"));
        if (!item || (code && strcmp(code, item) == 0))
            json_array_append(list, a);
    }
    json_decref(all);
    if (!e)
        return TB_ERR_INTERNAL;
    return tb_resp_json(req, 200, json_pack("{s:o}", "applications", list));
}

int cases_api_demo_file(struct tb_req *req)
{
    const char *name = tb_req_param(req, "name");
    char path[96];
    if (!is_demo(req->app))
        return not_demo(req);
    /* only the plain names in data/demo/files */
    bool ok = name && strlen(name) < 48 && !strchr(name, '/') && name[0] != '.';
    snprintf(path, sizeof(path), "data/demo/files/%s", ok ? name : "");
    const struct tb_embedded *e = ok ? tb_embedded_find(path) : NULL;
    if (!e)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个示例文件",
                               "No such sample file");
    const char *type = strstr(name, ".png") ? "image/png" : "application/pdf";
    return tb_resp_text(req, 200, type, (const char *)e->data, e->len);
}
