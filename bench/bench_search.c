/*
 * bench_search.c - catalogue search latency at 10,000 items: the trigram
 * index (FTS5) and the short-word path of GET /api/v1/items, beside a
 * baseline in the same run on the same data: the naive query that scans
 * every item with LIKE '%word%' over name, materials and conditions, with
 * the same contract (total count, name matches first, one page of 20).
 *
 * Items are generated from realistic word lists (a department's verb and
 * object, materials from a pool of 40) and written through the real write
 * path (catalog_item_write: versions, read model, search index). Each query
 * runs R times (default 200) after one warm-up; printed: matches, p50 and
 * p99 in milliseconds, and the baseline's ratio.
 *
 *   bench_search [-n items] [-r repeats] [-d dir]
 */
#include "app/app.h"
#include "catalog/catalog.h"
#include "catalog/store.h"
#include "lib/arena.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/err.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 500

static const char *const verbs[] = {"设立", "变更", "注销", "延续", "补办", "备案",
                                    "审批", "许可", "登记", "核准", "认定", "换发"};
static const char *const objects[] = {"食品经营",
                                      "公共场所卫生",
                                      "道路货物运输经营",
                                      "林木采伐",
                                      "木材经营加工",
                                      "建设工程规划",
                                      "建筑工程施工",
                                      "企业不动产",
                                      "户口迁移",
                                      "普通护照",
                                      "社会保障卡",
                                      "养老保险参保",
                                      "排水",
                                      "民办学校",
                                      "医疗机构执业",
                                      "娱乐场所经营",
                                      "对外贸易经营者",
                                      "出版物零售",
                                      "药品零售",
                                      "危险化学品经营",
                                      "烟草专卖零售",
                                      "旅行社设立",
                                      "人力资源服务",
                                      "劳务派遣经营",
                                      "城镇污水排入排水管网",
                                      "占用城市道路",
                                      "临时占用林地",
                                      "取水",
                                      "河道管理范围内建设项目",
                                      "燃气经营"};
static const char *const materials[] = {"申请书",
                                        "营业执照",
                                        "法定代表人身份证明",
                                        "经营场所使用证明",
                                        "场所平面图",
                                        "设备清单",
                                        "从业人员健康证明",
                                        "管理制度文本",
                                        "专业技术人员资格证书",
                                        "环境影响评价文件",
                                        "消防安全检查合格证明",
                                        "建设工程规划许可证",
                                        "施工图设计文件审查合格书",
                                        "中标通知书",
                                        "施工合同",
                                        "监理合同",
                                        "安全生产许可证",
                                        "资金到位证明",
                                        "土地使用权证明",
                                        "房屋租赁合同",
                                        "车辆行驶证",
                                        "驾驶员从业资格证",
                                        "林木权属证明",
                                        "采伐作业设计",
                                        "户口簿",
                                        "居民身份证",
                                        "出生医学证明",
                                        "结婚证",
                                        "劳动合同",
                                        "社会保险登记证",
                                        "学校章程",
                                        "办学场地证明",
                                        "卫生学评价报告",
                                        "水质检测报告",
                                        "取水工程设计",
                                        "排水许可申请表",
                                        "污水水质检测报告",
                                        "占道施工方案",
                                        "交通组织方案",
                                        "燃气设施检验报告"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct gen {
    int from, to;
};

static json_t *make_doc(int i)
{
    unsigned r = (unsigned)i * 2654435761u;
    char name[200], code[40], basic[16];
    snprintf(name, sizeof(name), "%s%s（第%d项）", objects[r % COUNT(objects)],
             verbs[(r >> 8) % COUNT(verbs)], i);
    snprintf(code, sizeof(code), "BENCH%09d", i);
    snprintf(basic, sizeof(basic), "B%09d", i % 1000000000);
    json_t *mats = json_array();
    int nm = 2 + (int)((r >> 12) % 5);
    for (int k = 0; k < nm; k++)
        json_array_append_new(
            mats, json_pack("{s:s,s:b,s:i,s:s,s:s,s:b}", "name",
                            materials[((r >> (k + 3)) + (unsigned)k * 7) % COUNT(materials)],
                            "is_required", 1, "copies", 1, "form", "paper", "source", "applicant",
                            "allows_missing", k == 0));
    /* distinct material names within one item */
    json_t *seen = json_object();
    json_t *uniq = json_array();
    size_t idx;
    json_t *m;
    json_array_foreach(mats, idx, m)
    {
        const char *n = json_string_value(json_object_get(m, "name"));
        if (!json_object_get(seen, n)) {
            json_object_set_new(seen, n, json_true());
            json_array_append(uniq, m);
        }
    }
    json_decref(seen);
    json_decref(mats);
    int legal = 20, promised = 5 + (int)(r % 5);
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:[s],s:[s],s:[s],s:s,s:o,s:[{s:s,s:i,s:i},{s:s,s:i,s:i}],"
        "s:i,s:i,s:{s:b},s:s,s:s,s:s,s:b,s:[s]}",
        "impl_code", code, "basic_code", basic, "name", name, "type", "01", "org", "BENCH-ORG",
        "audience", "2", "levels", "4", "topics", r % 2 ? "企业开办" : "工程建设", "conditions",
        "申请人应当具备与申请事项相适应的条件，材料真实有效。", "materials", uniq, "steps", "name",
        "受理", "authority_level", 1, "limit_days", 1, "name", "审查", "authority_level", 2,
        "limit_days", promised - 1, "legal_limit_days", legal, "promised_limit_days", promised,
        "fee", "is_free", 1, "kind", "2", "item_class", "B", "trips", (r >> 4) % 3 ? "1" : "n",
        "is_online", 1, "delivery", "window");
}

static int write_batch(struct tb_db_conn *c, void *ctx)
{
    struct gen *g = ctx;
    for (int i = g->from; i < g->to; i++) {
        struct tb_arena a;
        tb_arena_init(&a, 8192);
        struct item_problem pb[16];
        struct item_problems p = {pb, 16, 0};
        struct item_doc d;
        json_t *doc = make_doc(i);
        int rc = item_doc_read(doc, NULL, &a, &d, &p);
        json_decref(doc);
        if (rc == TB_OK) {
            struct item_write w = {.doc = &d,
                                   .reason = "bench",
                                   .author_name = "bench",
                                   .publish = true,
                                   .now_ms = 1,
                                   .problems = &p};
            rc = catalog_item_write(c, &w);
            json_decref(w.changed);
        } else {
            fprintf(stderr, "item %d invalid: %s %s\n", i, pb[0].path, pb[0].code);
        }
        json_decref(d.canon);
        tb_arena_free(&a);
        if (rc < 0)
            return rc;
    }
    return TB_OK;
}

static int seed_org(struct tb_db_conn *c, void *ctx)
{
    (void)ctx;
    return tb_db_exec(c, "INSERT INTO orgs(code, name, level, kind, created_at) VALUES "
                         "('BENCH-ORG', '基准测试局', 1, 'region', 0)");
}

struct naive {
    struct tb_db_conn *c;
    const char *word;
};

static int run_naive(struct naive *n, long *count)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(n->c,
                           "SELECT i.impl_code, i.name, count(*) OVER () FROM items i "
                           "WHERE i.status = 'published' AND i.search_text LIKE ?1 "
                           "ORDER BY i.name LIKE ?1 DESC, i.impl_code LIMIT 20",
                           &s);
    if (rc < 0)
        return rc;
    char pat[128];
    snprintf(pat, sizeof(pat), "%%%s%%", n->word);
    tb_db_bind_text(s, 1, pat, -1);
    *count = 0;
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        (*count)++;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static void measure(struct tb_db_conn *c, const char *label, const char *q, enum item_list list,
                    int repeats)
{
    double *t = calloc((size_t)repeats, sizeof(double));
    double *tb = calloc((size_t)repeats, sizeof(double));
    struct item_query iq = {.q = q, .list = list, .page = 1, .per_page = 20};
    long total = 0, naive_rows = 0;
    for (int i = -1; i < repeats; i++) {
        json_t *out = NULL;
        double a = now_ms();
        if (catalog_items_query(c, &iq, &out) < 0) {
            fprintf(stderr, "query failed\n");
            exit(1);
        }
        double b = now_ms();
        total = (long)json_integer_value(json_object_get(out, "total"));
        json_decref(out);
        struct naive n = {c, q ? q : ""};
        double d0 = now_ms();
        run_naive(&n, &naive_rows);
        double d1 = now_ms();
        if (i >= 0) {
            t[i] = b - a;
            tb[i] = d1 - d0;
        }
    }
    qsort(t, (size_t)repeats, sizeof(double), cmp_double);
    qsort(tb, (size_t)repeats, sizeof(double), cmp_double);
    double p50 = t[repeats / 2], p99 = t[(repeats * 99) / 100];
    double b50 = tb[repeats / 2], b99 = tb[(repeats * 99) / 100];
    printf("%-34s total %6ld  p50 %7.3f ms  p99 %7.3f ms | LIKE scan p50 %7.3f p99 %7.3f | "
           "p50 ratio %.1fx\n",
           label, total, p50, p99, b50, b99, p50 > 0 ? b50 / p50 : 0.0);
    free(t);
    free(tb);
}

int main(int argc, char **argv)
{
    int n = 10000, repeats = 200;
    const char *dir = "bench/out";
    int opt;
    while ((opt = getopt(argc, argv, "n:r:d:")) != -1) {
        if (opt == 'n')
            n = atoi(optarg);
        else if (opt == 'r')
            repeats = atoi(optarg);
        else if (opt == 'd')
            dir = optarg;
        else {
            fprintf(stderr, "usage: bench_search [-n items] [-r repeats] [-d dir]\n");
            return 2;
        }
    }
    if (n < 1 || n > 1000000 || repeats < 1 || repeats > 100000)
        return 2;
    mkdir(dir, 0700);
    struct tb_config cfg;
    tb_config_defaults(&cfg);
    snprintf(cfg.data, sizeof(cfg.data), "%s", dir);
    snprintf(cfg.database, sizeof(cfg.database), "sqlite:%s/bench_search.db", dir);
    char path[TB_CONFIG_PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/bench_search.db", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/bench_search.db-wal", dir);
    unlink(path);
    struct tb_db *db;
    if (tb_app_open_db(&cfg, &db) < 0)
        return 1;
    double a = now_ms();
    if (tb_db_write(db, seed_org, NULL) < 0)
        return 1;
    for (int i = 0; i < n; i += BATCH) {
        struct gen g = {i, i + BATCH < n ? i + BATCH : n};
        if (tb_db_write(db, write_batch, &g) < 0) {
            fprintf(stderr, "write failed at %d\n", i);
            return 1;
        }
    }
    printf("== catalogue search, %d items written in %.1f s (versions, read model, index)\n", n,
           (now_ms() - a) / 1e3);
    struct tb_db_conn *c;
    if (tb_db_read_conn(db, &c) < 0)
        return 1;
    measure(c, "q=营业执照 (trigram, material)", "营业执照", LIST_ALL, repeats);
    measure(c, "q=食品经营 (trigram, name)", "食品经营", LIST_ALL, repeats);
    measure(c, "q=食品 (2 characters, scan)", "食品", LIST_ALL, repeats);
    measure(c, "q=护照 list=zuiduo_paoyici", "护照", LIST_ZUIDUO_PAOYICI, repeats);
    measure(c, "q=不存在的事项名称 (no match)", "不存在的事项名称", LIST_ALL, repeats);
    measure(c, "no q, list=zuiduo_paoyici", NULL, LIST_ZUIDUO_PAOYICI, repeats);
    tb_db_close(db);
    return 0;
}
