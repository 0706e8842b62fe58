/*
 * test_accounts_rules.c - the pure account rules: role combinations
 * (三权分立), permissions per role (deny by default), password policy and
 * lockout. Tables: a new case is a new row.
 */
#include "accounts/accounts.h"
#include "lib/db.h"
#include "lib/embed.h"
#include "lib/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* RULE: 三权分立 (SPEC §15) an administrator role stands alone */
static const struct {
    enum account_kind kind;
    unsigned roles;
    bool ok;
} role_cases[] = {
    {ACCOUNT_STAFF, ROLE_SYSADMIN, true},
    {ACCOUNT_STAFF, ROLE_SECADMIN, true},
    {ACCOUNT_STAFF, ROLE_AUDITADMIN, true},
    {ACCOUNT_STAFF, ROLE_SYSADMIN | ROLE_SECADMIN, false},
    {ACCOUNT_STAFF, ROLE_SECADMIN | ROLE_AUDITADMIN, false},
    {ACCOUNT_STAFF, ROLE_SYSADMIN | ROLE_AUDITADMIN, false},
    {ACCOUNT_STAFF, ROLE_SYSADMIN | ROLE_WINDOW, false},
    {ACCOUNT_STAFF, ROLE_AUDITADMIN | ROLE_SUPERVISOR, false},
    {ACCOUNT_STAFF, ROLE_WINDOW | ROLE_REVIEWER, true},
    {ACCOUNT_STAFF, ROLE_REVIEWER | ROLE_DECIDER | ROLE_HOTLINE, true},
    {ACCOUNT_STAFF, 0, true},
    {ACCOUNT_STAFF, 1u << 8, false},
    {ACCOUNT_PERSON, ROLE_WINDOW, false},
    {ACCOUNT_ORG, ROLE_SYSADMIN, false},
    {ACCOUNT_PERSON, 0, true},
};

static void test_roles(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(role_cases) / sizeof(role_cases[0]); i++) {
        const char *zh = NULL, *en = NULL;
        int rc = roles_check(role_cases[i].kind, role_cases[i].roles, &zh, &en);
        assert_int_equal(rc == 0, role_cases[i].ok);
        if (rc < 0)
            assert_true(zh && en);
    }
    unsigned bit;
    assert_int_equal(role_parse("window", &bit), 0);
    assert_int_equal(bit, ROLE_WINDOW);
    assert_string_equal(role_name(ROLE_AUDITADMIN), "auditadmin");
    assert_int_equal(role_parse("root", &bit), TB_ERR_INVALID);
}

static const struct {
    enum account_kind kind;
    unsigned roles;
    const char *perm;
    bool has;
} perm_cases[] = {
    {ACCOUNT_PERSON, 0, "self", true},
    {ACCOUNT_PERSON, 0, "case.apply", true},
    {ACCOUNT_PERSON, 0, "staff.manage", false},
    {ACCOUNT_PERSON, 0, "pii.reveal", false},
    {ACCOUNT_STAFF, ROLE_SYSADMIN, "staff.manage", true},
    {ACCOUNT_STAFF, ROLE_SYSADMIN, "audit.read", false},
    {ACCOUNT_STAFF, ROLE_SYSADMIN, "security.settings", false},
    {ACCOUNT_STAFF, ROLE_SYSADMIN, "pii.reveal", false}, /* admins never see personal data */
    {ACCOUNT_STAFF, ROLE_SECADMIN, "security.settings", true},
    {ACCOUNT_STAFF, ROLE_SECADMIN, "staff.manage", false},
    {ACCOUNT_STAFF, ROLE_AUDITADMIN, "audit.read", true},
    {ACCOUNT_STAFF, ROLE_AUDITADMIN, "security.settings", false},
    {ACCOUNT_STAFF, ROLE_WINDOW, "pii.reveal", true},
    {ACCOUNT_STAFF, ROLE_WINDOW, "case.apply", false},
    {ACCOUNT_STAFF, ROLE_REVIEWER, "pii.reveal", false},
    {ACCOUNT_STAFF, ROLE_REVIEWER, "no.such.permission", false}, /* deny by default */
    {ACCOUNT_PERSON, 0, "", false},
};

static void test_permissions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(perm_cases) / sizeof(perm_cases[0]); i++) {
        struct principal p = {0};
        p.kind = perm_cases[i].kind;
        p.roles = perm_cases[i].roles;
        assert_int_equal(principal_has(&p, perm_cases[i].perm), perm_cases[i].has);
    }
    struct principal s = {0};
    s.kind = ACCOUNT_STAFF;
    s.roles = ROLE_AUDITADMIN;
    const char *perms[16];
    size_t n = principal_permissions(&s, perms, 16);
    assert_int_equal(n, 2);
    assert_string_equal(perms[0], "self");
    assert_string_equal(perms[1], "audit.read");
}

/* RULE: issue 4 password policy: at least 12 characters */
/* RULE: 等保 2.0 8.1.4.1 a) staff passwords of three character classes */
static const struct {
    enum account_kind kind;
    const char *password;
    const char *username;
    bool ok;
} pw_cases[] = {
    {ACCOUNT_PERSON, "correct horse battery", NULL, true},
    {ACCOUNT_PERSON, "elevenchars", NULL, false},               /* 11 */
    {ACCOUNT_PERSON, "twelve chars", NULL, true},               /* 12 */
    {ACCOUNT_PERSON, "密码必须足够长才安全可靠好", NULL, true}, /* 12 characters, more bytes */
    {ACCOUNT_PERSON, "密码太短了不行", NULL, false},            /* 7 characters, 21 bytes */
    {ACCOUNT_PERSON, "password1234", NULL, false},              /* common */
    {ACCOUNT_PERSON, "PASSWORD1234", NULL, false},              /* common, any case */
    {ACCOUNT_PERSON, "Demo-Pass-2026", NULL, false},            /* the published demo password */
    {ACCOUNT_PERSON, "my name is zhangsan!", "zhangsan", false},
    {ACCOUNT_STAFF, "alllowercaseletters", "clerk", false},
    {ACCOUNT_STAFF, "lowercase and 123", "clerk", true},
    {ACCOUNT_STAFF, "Upper lower words", "clerk", true},
    {ACCOUNT_STAFF, "Abcdefghij12", "clerk", true},
    {ACCOUNT_STAFF, "Abcdefghij1", "clerk", false}, /* 11 */
    {ACCOUNT_STAFF, "ABCDEFGHIJKLMN", "clerk", false},
};

static void test_passwords(void **state)
{
    (void)state;
    const struct tb_embedded *e = tb_embedded_find("data/passwords/common.txt");
    assert_non_null(e);
    assert_int_equal(password_list_load(e->data, e->len), 0);
    for (size_t i = 0; i < sizeof(pw_cases) / sizeof(pw_cases[0]); i++) {
        const char *zh = NULL, *en = NULL;
        int rc =
            password_check(pw_cases[i].kind, pw_cases[i].password, pw_cases[i].username, &zh, &en);
        if ((rc == 0) != pw_cases[i].ok)
            fail_msg("case %zu (%s): got %d", i, pw_cases[i].password, rc);
    }
    char longpw[PASSWORD_MAX_BYTES + 2];
    memset(longpw, 'a', sizeof(longpw) - 1);
    longpw[sizeof(longpw) - 1] = '\0';
    const char *zh, *en;
    assert_int_equal(password_check(ACCOUNT_PERSON, longpw, NULL, &zh, &en), TB_ERR_INVALID);
}

/* RULE: issue 4 lockout after 5 failures in 15 minutes */
static const struct {
    bool staff;
    int failures;
    int64_t want_delay_ms; /* 0: not locked */
} lock_cases[] = {
    {true, 4, 0},           {true, 5, 15 * 60 * 1000},   {true, 9, 15 * 60 * 1000},
    {false, 4, 0},          {false, 5, 30 * 1000},       {false, 6, 60 * 1000},
    {false, 7, 120 * 1000}, {false, 10, 15 * 60 * 1000}, {false, 50, 15 * 60 * 1000},
};

static void test_lockout(void **state)
{
    (void)state;
    int64_t last = 1700000000000;
    for (size_t i = 0; i < sizeof(lock_cases) / sizeof(lock_cases[0]); i++) {
        int64_t until = lockout_until(lock_cases[i].staff, lock_cases[i].failures, last);
        if (lock_cases[i].want_delay_ms == 0)
            assert_int_equal(until, 0);
        else
            assert_int_equal(until - last, lock_cases[i].want_delay_ms);
    }
}

static int insert_staff(struct tb_db_conn *c, void *ctx)
{
    const int64_t *roles = ctx;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO accounts(kind, username, name, roles, pw_hash, pw_salt, "
                           "pw_iter, pw_changed_at, created_at, updated_at) VALUES ('staff', "
                           "'u' || ?1, 'n', ?1, x'00', x'00', 1, 0, 0, 0)",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, *roles);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* RULE: 三权分立 (SPEC §15) the database refuses combined administrator roles
 * even when the API is bypassed. */
static void test_roles_db_constraint(void **state)
{
    (void)state;
    char dir[] = "/tmp/tongban-roles-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], mig[512];
    snprintf(path, sizeof(path), "sqlite:%s/t.db", dir);
    snprintf(mig, sizeof(mig), "%s/migrations", TB_SOURCE_DIR);
    struct tb_db *db;
    assert_int_equal(tb_db_open(path, NULL, &db), 0);
    assert_int_equal(tb_db_migrate(db, mig, NULL), 0);
    static const struct {
        int64_t roles;
        bool ok;
    } rows[] = {{1, true},  {2, true},  {4, true},      {8 | 16, true},   {3, false},
                {5, false}, {6, false}, {1 | 8, false}, {4 | 128, false}, {256, false}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t r = rows[i].roles;
        int rc = tb_db_write(db, insert_staff, &r);
        if ((rc == 0) != rows[i].ok)
            fail_msg("roles %lld: got %d", (long long)r, rc);
    }
    tb_db_close(db);
    char f[160];
    snprintf(f, sizeof(f), "%s/t.db", dir);
    unlink(f);
    snprintf(f, sizeof(f), "%s/t.db-wal", dir);
    unlink(f);
    snprintf(f, sizeof(f), "%s/t.db-shm", dir);
    unlink(f);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_passwords),
        cmocka_unit_test(test_lockout),
        cmocka_unit_test(test_roles_db_constraint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
