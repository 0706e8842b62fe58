/*
 * rules.c - pure account rules: roles and the separation of the three
 * administrators, permissions per role, password policy, lockout.
 *
 * No I/O here; the tables are the documentation and the test fixtures.
 */
#include "accounts/accounts.h"
#include "lib/err.h"
#include "lib/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- kinds and roles ------------------------------------------------------ */

static const char *const kind_names[] = {"person", "org", "staff"};

const char *account_kind_name(enum account_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : "unknown";
}

int account_kind_parse(const char *s, enum account_kind *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum account_kind)i;
            return TB_OK;
        }
    return TB_ERR_INVALID;
}

static const struct {
    unsigned bit;
    const char *name;
} role_table[] = {
    {ROLE_SYSADMIN, "sysadmin"}, {ROLE_SECADMIN, "secadmin"},     {ROLE_AUDITADMIN, "auditadmin"},
    {ROLE_WINDOW, "window"},     {ROLE_REVIEWER, "reviewer"},     {ROLE_DECIDER, "decider"},
    {ROLE_HOTLINE, "hotline"},   {ROLE_SUPERVISOR, "supervisor"},
};

const char *role_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof(role_table) / sizeof(role_table[0]); i++)
        if (role_table[i].bit == bit)
            return role_table[i].name;
    return NULL;
}

int role_parse(const char *name, unsigned *bit)
{
    for (size_t i = 0; i < sizeof(role_table) / sizeof(role_table[0]); i++)
        if (strcmp(role_table[i].name, name) == 0) {
            *bit = role_table[i].bit;
            return TB_OK;
        }
    return TB_ERR_INVALID;
}

int roles_check(enum account_kind kind, unsigned roles, const char **why_zh, const char **why_en)
{
    if (roles & ~(unsigned)ROLE_ALL_MASK) {
        *why_zh = "含有未知角色";
        *why_en = "Unknown role";
        return TB_ERR_INVALID;
    }
    if (kind != ACCOUNT_STAFF && roles) {
        *why_zh = "申请人账号不能拥有工作人员或管理员角色";
        *why_en = "Applicant accounts hold no staff or administrator role";
        return TB_ERR_INVALID;
    }
    /* RULE: 三权分立 (SPEC §15) an administrator role stands alone */
    unsigned admin = roles & ROLE_ADMIN_MASK;
    if (admin && roles != ROLE_SYSADMIN && roles != ROLE_SECADMIN && roles != ROLE_AUDITADMIN) {
        *why_zh = "三权分立：系统、安全、审计管理员角色不能相互兼任，也不能与业务角色兼任";
        *why_en = "Separation of duties: the system, security and audit administrator roles "
                  "cannot be combined with each other or with a business role";
        return TB_ERR_INVALID;
    }
    return TB_OK;
}

/* ---- permissions ------------------------------------------------------------ */

/* Which roles grant a permission. APPLICANT stands for person and org
 * accounts. "self" (own profile, sessions, password) is everyone's. */
#define APPLICANT (1u << 16)

static const struct {
    const char *perm;
    unsigned granted_to;
} perm_table[] = {
    {"staff.manage", ROLE_SYSADMIN},
    {"apiclient.manage", ROLE_SYSADMIN},
    {"org.manage", ROLE_SYSADMIN},
    {"catalog.manage", ROLE_SYSADMIN},
    {"security.settings", ROLE_SECADMIN},
    {"audit.read", ROLE_AUDITADMIN},
    /* Revealing a full ID number: window staff check identity at the
     * counter, supervisors investigate; every reveal needs a reason and is
     * audited. Administrators never see personal data. */
    {"pii.reveal", ROLE_WINDOW | ROLE_SUPERVISOR},
    {"case.apply", APPLICANT},
    /* Window staff enter applications for applicants at the counter. */
    {"case.create", APPLICANT | ROLE_WINDOW},
    {"case.stats", ROLE_WINDOW | ROLE_REVIEWER | ROLE_DECIDER | ROLE_SUPERVISOR},
    {"case.pickup", ROLE_WINDOW},
    {"calendar.edit", ROLE_SYSADMIN},
    /* 一枚印章: the security administrator keeps the seals; deciders of the
     * issuing organisation change, renew and revoke its licences. The
     * library (licence.query) is for department systems' scopes only. */
    {"seal.manage", ROLE_SECADMIN},
    {"licence.manage", ROLE_DECIDER},
    {"agent.grant", APPLICANT},
};

static unsigned principal_bits(const struct principal *p)
{
    return p->kind == ACCOUNT_STAFF ? p->roles : APPLICANT;
}

/* Scopes for department systems; the routes using them arrive with the
 * licence library and case features. */
const char *const client_scopes[] = {"licence.query", "case.read", "case.push", NULL};

bool client_scope_valid(const char *scope)
{
    for (size_t i = 0; client_scopes[i]; i++)
        if (strcmp(client_scopes[i], scope) == 0)
            return true;
    return false;
}

/* True when the space-separated list holds word. */
static bool list_has(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; p && *p;) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ' ');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == wl && strncmp(p, word, wl) == 0)
            return true;
        p = end;
    }
    return false;
}

bool principal_has(const struct principal *p, const char *perm)
{
    if (strcmp(perm, "self") == 0)
        return true;
    if (p->client_id)
        return list_has(p->scopes, perm); /* clients: exactly their scopes */
    unsigned bits = principal_bits(p);
    for (size_t i = 0; i < sizeof(perm_table) / sizeof(perm_table[0]); i++)
        if (strcmp(perm_table[i].perm, perm) == 0)
            return (perm_table[i].granted_to & bits) != 0;
    return false; /* deny by default: an unknown permission is nobody's */
}

size_t principal_permissions(const struct principal *p, const char **out, size_t cap)
{
    size_t n = 0;
    if (n < cap)
        out[n++] = "self";
    if (p->client_id) {
        for (size_t i = 0; client_scopes[i] && n < cap; i++)
            if (list_has(p->scopes, client_scopes[i]))
                out[n++] = client_scopes[i];
        return n;
    }
    for (size_t i = 0; i < sizeof(perm_table) / sizeof(perm_table[0]) && n < cap; i++)
        if (perm_table[i].granted_to & principal_bits(p))
            out[n++] = perm_table[i].perm;
    return n;
}

const char *principal_role_name(enum account_kind kind, unsigned roles)
{
    if (kind != ACCOUNT_STAFF)
        return "applicant";
    for (size_t i = 0; i < sizeof(role_table) / sizeof(role_table[0]); i++)
        if (roles & role_table[i].bit)
            return role_table[i].name;
    return "staff";
}

/* ---- passwords -------------------------------------------------------------- */

static char **common;
static size_t ncommon;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int password_list_load(const char *text, size_t len)
{
    size_t cap = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            cap++;
    char **list = calloc(cap + 1, sizeof(*list));
    if (!list)
        return TB_ERR_NOMEM;
    size_t n = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (l && p[0] != '#' && n <= cap) {
            char *w = malloc(l + 1);
            if (!w)
                break;
            for (size_t i = 0; i < l; i++)
                w[i] = (char)tolower((unsigned char)p[i]);
            w[l] = '\0';
            list[n++] = w;
        }
        p = nl ? nl + 1 : end;
    }
    qsort(list, n, sizeof(*list), cmp_str);
    common = list;
    ncommon = n;
    return TB_OK;
}

bool password_is_common(const char *password)
{
    char low[PASSWORD_MAX_BYTES + 1];
    size_t l = strlen(password);
    if (l > PASSWORD_MAX_BYTES)
        return false;
    for (size_t i = 0; i <= l; i++)
        low[i] = (char)tolower((unsigned char)password[i]);
    const char *key = low;
    return ncommon && bsearch(&key, common, ncommon, sizeof(*common), cmp_str) != NULL;
}

int password_check(enum account_kind kind, const char *password, const char *username,
                   const char **why_zh, const char **why_en)
{
    size_t len = strlen(password);
    if (len > PASSWORD_MAX_BYTES) {
        *why_zh = "密码过长";
        *why_en = "The password is too long";
        return TB_ERR_INVALID;
    }
    /* RULE: issue 4 password policy: at least 12 characters */
    if (tb_utf8_chars(password, len) < PASSWORD_MIN_CHARS) {
        *why_zh = "密码至少需要 12 个字符";
        *why_en = "The password needs at least 12 characters";
        return TB_ERR_INVALID;
    }
    if (kind == ACCOUNT_STAFF) {
        /* RULE: 等保 2.0 8.1.4.1 a) staff passwords of three character classes */
        int lower = 0, upper = 0, digit = 0, other = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)password[i];
            if (islower(c))
                lower = 1;
            else if (isupper(c))
                upper = 1;
            else if (isdigit(c))
                digit = 1;
            else
                other = 1;
        }
        if (lower + upper + digit + other < 3) {
            *why_zh = "工作人员密码需包含小写字母、大写字母、数字、符号中的至少三类";
            *why_en = "Staff passwords need three of: lower case, upper case, digits, symbols";
            return TB_ERR_INVALID;
        }
    }
    if (password_is_common(password)) {
        *why_zh = "该密码过于常见，请换一个";
        *why_en = "This password is too common; choose another";
        return TB_ERR_INVALID;
    }
    if (username && strlen(username) >= 4 && strcasestr(password, username)) {
        *why_zh = "密码不能包含用户名";
        *why_en = "The password must not contain the user name";
        return TB_ERR_INVALID;
    }
    return TB_OK;
}

/* ---- lockout ------------------------------------------------------------------ */

int64_t lockout_until(bool is_staff, int failures, int64_t last_failure_ms)
{
    if (failures < LOGIN_FAILURES_MAX)
        return 0;
    /* RULE: issue 4 lockout after 5 failures in 15 minutes */
    if (is_staff)
        return last_failure_ms + LOGIN_FAILURE_WINDOW_MS;
    int extra = failures - LOGIN_FAILURES_MAX;
    int64_t delay = 30 * 1000;
    for (int i = 0; i < extra && delay < LOGIN_FAILURE_WINDOW_MS; i++)
        delay *= 2;
    if (delay > LOGIN_FAILURE_WINDOW_MS)
        delay = LOGIN_FAILURE_WINDOW_MS;
    return last_failure_ms + delay;
}
