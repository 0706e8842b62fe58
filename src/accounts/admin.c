/*
 * admin.c - accounts made outside the API: the three administrators
 * (`tongban admin bootstrap`) and the demo accounts (`tongban init --demo`).
 *
 * Bootstrap gives each administrator a random one-time password, printed
 * once, that must be changed at first login; there is no super-user, and
 * the three are separate accounts (三权分立). Demo accounts share one
 * published password and exist only with --demo (data/demo/README.md).
 */
#include "accounts/identifiers.h"
#include "accounts/internal.h"
#include "lib/db.h"
#include "lib/embed.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD "Demo-Pass-2026"

struct seed_account {
    const char *username;
    const char *kind; /* person, org, staff */
    const char *name;
    const char *number; /* ID number or credit code (applicants) */
    const char *phone;
    const char *legal_rep, *contact;
    const char *org_code; /* staff */
    unsigned roles;
    int level;
    const char *password;
    bool must_change;
};

struct seed_org {
    const char *code, *name, *parent_code, *kind;
    int level;
};

static const struct seed_org demo_orgs[] = {
    {"DEMO-CITY", "示范市", NULL, "region", 1},
    {"DEMO-CITY-XZSPJ", "示范市行政审批局", "DEMO-CITY", "bureau", 1},
    {"DEMO-CITY-SCJGJ", "示范市市场监督管理局", "DEMO-CITY", "department", 1},
    {"DEMO-DIST", "示范市示范区", "DEMO-CITY", "region", 2},
    {"DEMO-DIST-XZSPJ", "示范区行政审批局", "DEMO-DIST", "bureau", 2},
    {"DEMO-TOWN", "示范区示范街道", "DEMO-DIST", "region", 3},
};

static const struct seed_account demo_accounts[] = {
    {"zhangsan", "person", "张三", "11010519491231002X", "13800138000", NULL, NULL, NULL, 0, 0,
     DEMO_PASSWORD, false},
    {"lisi", "person", "李四", "110101199003074258", "13800138001", NULL, NULL, NULL, 0, 0,
     DEMO_PASSWORD, false},
    {"hengxin", "org", "示范恒信科技有限公司", "91350100M000100Y43", "13900139000", "王恒信",
     "赵敏", NULL, 0, 0, DEMO_PASSWORD, false},
    {"huaxin", "org", "示范华信商贸有限公司", "91440300MA01K3Q27W", "13900139001", "陈华信", "林晓",
     NULL, 0, 0, DEMO_PASSWORD, false},
    {"window01", "staff", "钱窗口", NULL, NULL, NULL, NULL, "DEMO-CITY-XZSPJ", ROLE_WINDOW, 1,
     DEMO_PASSWORD, false},
    {"reviewer01", "staff", "孙审查", NULL, NULL, NULL, NULL, "DEMO-CITY-XZSPJ", ROLE_REVIEWER, 2,
     DEMO_PASSWORD, false},
    {"decider01", "staff", "周决定", NULL, NULL, NULL, NULL, "DEMO-CITY-XZSPJ", ROLE_DECIDER, 3,
     DEMO_PASSWORD, false},
    {"director01", "staff", "王局长", NULL, NULL, NULL, NULL, "DEMO-CITY-XZSPJ", ROLE_DECIDER, 4,
     DEMO_PASSWORD, false},
    {"reviewer02", "staff", "吴区审查", NULL, NULL, NULL, NULL, "DEMO-DIST-XZSPJ", ROLE_REVIEWER, 2,
     DEMO_PASSWORD, false},
    {"supervisor01", "staff", "郑监察", NULL, NULL, NULL, NULL, "DEMO-CITY", ROLE_SUPERVISOR, 1,
     DEMO_PASSWORD, false},
    {"sysadmin", "staff", "系统管理员", NULL, NULL, NULL, NULL, NULL, ROLE_SYSADMIN, 0,
     DEMO_PASSWORD, false},
    {"secadmin", "staff", "安全管理员", NULL, NULL, NULL, NULL, NULL, ROLE_SECADMIN, 0,
     DEMO_PASSWORD, false},
    {"auditadmin", "staff", "审计管理员", NULL, NULL, NULL, NULL, NULL, ROLE_AUDITADMIN, 0,
     DEMO_PASSWORD, false},
};

struct seed {
    struct tb_app *app;
    struct tb_arena *arena;
    const struct seed_org *orgs;
    size_t norgs;
    const struct seed_account *accounts;
    size_t naccounts;
    const char *action; /* audit action */
    int created;
};

static int64_t org_id_by_code(struct tb_db_conn *c, const char *code)
{
    struct tb_db_stmt *s = NULL;
    int64_t id = 0;
    if (!code || tb_db_prepare(c, "SELECT id FROM orgs WHERE code = ?1", &s) < 0)
        return 0;
    tb_db_bind_text(s, 1, code, -1);
    if (tb_db_step(s) == TB_DB_ROW)
        id = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return id;
}

static int seed_org(struct tb_db_conn *c, const struct seed_org *o, int64_t now)
{
    if (org_id_by_code(c, o->code))
        return TB_OK;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "INSERT INTO orgs(code, name, parent_id, level, kind, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           &s);
    if (rc < 0)
        return rc;
    int64_t parent = org_id_by_code(c, o->parent_code);
    tb_db_bind_text(s, 1, o->code, -1);
    tb_db_bind_text(s, 2, o->name, -1);
    if (parent)
        tb_db_bind_int64(s, 3, parent);
    else
        tb_db_bind_null(s, 3);
    tb_db_bind_int64(s, 4, o->level);
    tb_db_bind_text(s, 5, o->kind, -1);
    tb_db_bind_int64(s, 6, now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static int seed_account(struct seed *sd, struct tb_db_conn *c, const struct seed_account *a,
                        int64_t now)
{
    struct tb_app *app = sd->app;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "SELECT 1 FROM accounts WHERE username = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, a->username, -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc != TB_DB_DONE)
        return rc < 0 ? rc : TB_OK; /* exists: never replaced */

    unsigned char salt[SALT_LEN], hash[TB_SM3_LEN];
    int iter = settings_pbkdf2_iterations(c);
    if ((rc = tb_random(salt, sizeof(salt))) < 0 ||
        (rc = password_hash(a->password, salt, iter, hash)) < 0)
        return rc;
    unsigned char idx[TB_HMAC_SM3_LEN], pidx[TB_HMAC_SM3_LEN];
    unsigned char *idenc = NULL, *penc = NULL;
    size_t idlen = 0, plen = 0;
    char idmask[IDENT_MASK_BUFSZ] = "", pmask[IDENT_MASK_BUFSZ] = "";
    if (a->number) {
        enum ident_kind k = strcmp(a->kind, "person") == 0 ? IDENT_PERSON : IDENT_ORG;
        ident_mask(k, a->number, strlen(a->number), idmask, sizeof(idmask));
        ident_mask(IDENT_PHONE, a->phone, strlen(a->phone), pmask, sizeof(pmask));
        if ((rc = pii_index(app, "id", a->number, idx)) < 0 ||
            (rc = pii_index(app, "phone", a->phone, pidx)) < 0 ||
            (rc = pii_seal(app, "accounts.id_number", a->number, sd->arena, &idenc, &idlen)) < 0 ||
            (rc = pii_seal(app, "accounts.phone", a->phone, sd->arena, &penc, &plen)) < 0)
            return rc;
    }
    rc = tb_db_prepare(
        c,
        "INSERT INTO accounts(kind, username, name, id_number_enc, id_number_index, "
        "id_number_masked, phone_enc, phone_index, phone_masked, legal_rep, contact_name, org_id, "
        "authority_level, roles, pw_hash, pw_salt, pw_iter, pw_changed_at, must_change_pw, "
        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, ?15, ?16, ?17, ?18, ?19, ?18, ?18)",
        &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, a->kind, -1);
    tb_db_bind_text(s, 2, a->username, -1);
    tb_db_bind_text(s, 3, a->name, -1);
    if (a->number) {
        tb_db_bind_blob(s, 4, idenc, idlen);
        tb_db_bind_blob(s, 5, idx, sizeof(idx));
        tb_db_bind_text(s, 6, idmask, -1);
        tb_db_bind_blob(s, 7, penc, plen);
        tb_db_bind_blob(s, 8, pidx, sizeof(pidx));
        tb_db_bind_text(s, 9, pmask, -1);
    } else {
        for (int i = 4; i <= 9; i++)
            tb_db_bind_null(s, i);
    }
    if (a->legal_rep)
        tb_db_bind_text(s, 10, a->legal_rep, -1);
    else
        tb_db_bind_null(s, 10);
    if (a->contact)
        tb_db_bind_text(s, 11, a->contact, -1);
    else
        tb_db_bind_null(s, 11);
    int64_t org = org_id_by_code(c, a->org_code);
    if (org)
        tb_db_bind_int64(s, 12, org);
    else
        tb_db_bind_null(s, 12);
    tb_db_bind_int64(s, 13, a->level);
    tb_db_bind_int64(s, 14, a->roles);
    tb_db_bind_blob(s, 15, hash, sizeof(hash));
    tb_db_bind_blob(s, 16, salt, sizeof(salt));
    tb_db_bind_int64(s, 17, iter);
    tb_db_bind_int64(s, 18, now);
    tb_db_bind_int64(s, 19, a->must_change ? 1 : 0);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    struct audit_event e = {0};
    char oid[24];
    snprintf(oid, sizeof(oid), "%lld", (long long)tb_db_last_insert_id(c));
    e.actor_role = "system";
    e.action = sd->action;
    e.object_type = "account";
    e.object_id = oid;
    e.result = "ok";
    rc = audit_append(c, &app->audit, &e, NULL);
    if (rc == 0)
        sd->created++;
    return rc;
}

static int write_seed(struct tb_db_conn *c, void *ctx)
{
    struct seed *sd = ctx;
    int64_t now = tb_time_now_ms();
    int rc = TB_OK;
    for (size_t i = 0; i < sd->norgs && rc == 0; i++)
        rc = seed_org(c, &sd->orgs[i], now);
    for (size_t i = 0; i < sd->naccounts && rc == 0; i++)
        rc = seed_account(sd, c, &sd->accounts[i], now);
    return rc;
}

int accounts_seed_demo(struct tb_app *app)
{
    struct tb_arena a;
    tb_arena_init(&a, 0);
    struct seed sd = {app,
                      &a,
                      demo_orgs,
                      sizeof(demo_orgs) / sizeof(demo_orgs[0]),
                      demo_accounts,
                      sizeof(demo_accounts) / sizeof(demo_accounts[0]),
                      "account.demo_create",
                      0};
    int rc = tb_db_write(app->db, write_seed, &sd);
    tb_arena_free(&a);
    return rc;
}

int accounts_bootstrap(struct tb_app *app, FILE *out)
{
    static const struct {
        const char *username, *name;
        unsigned role;
    } admins[] = {
        {"sysadmin", "系统管理员", ROLE_SYSADMIN},
        {"secadmin", "安全管理员", ROLE_SECADMIN},
        {"auditadmin", "审计管理员", ROLE_AUDITADMIN},
    };
    struct seed_account accts[3];
    char passwords[3][64];
    for (int i = 0; i < 3; i++) {
        /* One-time passwords: 24 random base64url characters plus classes. */
        char tok[64];
        int rc = accounts_random_token(tok);
        if (rc < 0)
            return rc;
        snprintf(passwords[i], sizeof(passwords[i]), "Tb-%.24s-9", tok);
        accts[i] = (struct seed_account){
            admins[i].username, "staff", admins[i].name, NULL, NULL, NULL, NULL, NULL,
            admins[i].role,     0,       passwords[i],   true};
    }
    struct tb_arena a;
    tb_arena_init(&a, 0);
    struct seed sd = {app, &a, NULL, 0, accts, 3, "account.bootstrap", 0};
    int rc = tb_db_write(app->db, write_seed, &sd);
    tb_arena_free(&a);
    if (rc < 0)
        return rc;
    if (sd.created == 0) {
        fprintf(out, "tongban admin bootstrap: the administrator accounts exist already; "
                     "nothing changed\n");
        return TB_ERR_CONFLICT;
    }
    fprintf(out, "One-time passwords (shown once; each must be changed at first login):\n");
    for (int i = 0; i < 3; i++)
        fprintf(out, "  %-11s %s\n", admins[i].username, passwords[i]);
    return TB_OK;
}

int accounts_init(const char *verifier)
{
    if (!realname_verifier_find(verifier)) {
        tb_log_error("realname_verifier \"%s\" is not a known verifier", verifier);
        return TB_ERR_INVALID;
    }
    const struct tb_embedded *e = tb_embedded_find("data/passwords/common.txt");
    return e ? password_list_load(e->data, e->len) : TB_ERR_INTERNAL;
}
