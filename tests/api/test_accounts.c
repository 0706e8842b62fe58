/*
 * test_accounts.c - the accounts contract (docs/accounts.md) against a real
 * server started with --demo: registration answers masked numbers and
 * refuses every bad field with a 422 naming it; login by user name, ID
 * number (also with a lowercase x) and credit code; wrong passwords and
 * unknown names answer alike, status, body and timing; five failures lock
 * a name and an account, also under concurrent attempts; the session cookie
 * is HttpOnly and SameSite=Strict and every state-changing request needs
 * the CSRF token and our Origin; sessions can be listed and ended, only
 * one's own; a password change ends the other sessions; staff
 * administration keeps 三权分立 and one-time passwords (and the system
 * administrator cannot disable, demote or create the other administrators);
 * every role sees only what its permission grants, and only window staff
 * reveal numbers, with a reason; guessing the current password in a
 * password change counts toward the lockout. Last, a personal-data leak
 * scan: no checksum-valid 居民身份证号 and no full phone number in any
 * answer of the run (reveals aside), in the server's log, or in plain text
 * in the data directory.
 */
#include "harness.h"

#include <curl/curl.h>
#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#define DEMO_PASSWORD "Demo-Pass-2026"
#define APPLICANT_PW  "Lantern-river-7742"
#define STAFF_PW      "Start-Clerk-7391!"
#define STAFF_PW_NEW  "Second-Clerk-8462!"

static struct test_server srv;
/* Logged in at setup: security, system administrator, window clerk, applicant. */
static struct tb_client sec, sys, win, zs;
static long long city_bureau_id;

/* ---- every answer of the run, for the leak scan ---------------------------- */

static char *seen;
static size_t seen_len, seen_cap;

static void keep_bytes(const char *p, size_t n)
{
    if (seen_len + n + 2 > seen_cap) {
        size_t cap = seen_cap ? seen_cap : 1 << 16;
        while (seen_len + n + 2 > cap)
            cap *= 2;
        char *q = realloc(seen, cap);
        assert_non_null(q);
        seen = q;
        seen_cap = cap;
    }
    memcpy(seen + seen_len, p, n);
    seen_len += n;
    seen[seen_len++] = '\n';
    seen[seen_len] = '\0';
}

/* Keeps headers and body of an answer for the scan at the end. */
static void keep(const struct http_resp *r)
{
    keep_bytes(r->headers, strlen(r->headers));
    keep_bytes(r->body, r->len);
}

/* One request as c (NULL: anonymous); the answer is kept for the scan
 * unless it is a reveal, whose job is to carry a full number. */
static long call(const struct tb_client *c, const char *method, const char *path, const char *body,
                 unsigned flags, struct http_resp *out)
{
    assert_int_equal(client_req(&srv, c, method, path, body, flags, NULL, out), 0);
    if (!(out->status == 200 && strstr(path, "/reveal")))
        keep(out);
    return out->status;
}

/* The same, for the status and problem code only. */
static long call_code(const struct tb_client *c, const char *method, const char *path,
                      const char *body, unsigned flags, char code[64])
{
    struct http_resp r;
    long st = call(c, method, path, body, flags, &r);
    if (code)
        snprintf(code, 64, "%s", problem_code(&r));
    resp_free(&r);
    return st;
}

static int logins; /* POST /api/v1/sessions made by this file (each hashes a password) */

static long login(const char *user, const char *password, struct tb_client *c,
                  struct http_resp *out)
{
    struct http_resp r;
    logins++;
    long st = client_login(&srv, user, password, c, &r);
    assert_true(st > 0);
    keep(&r);
    if (out)
        *out = r;
    else
        resp_free(&r);
    return st;
}

static void must_login(const char *user, const char *password, struct tb_client *c)
{
    struct http_resp r;
    long st = login(user, password, c, &r);
    if (st != 200)
        fail_msg("login %s: %ld %s", user, st, r.body);
    resp_free(&r);
}

/* A JSON text from a json_pack format, in one of a ring of buffers. */
static const char *J(const char *fmt, ...)
{
    static char ring[8][4096];
    static int next;
    va_list ap;
    va_start(ap, fmt);
    json_error_t err;
    json_t *v = json_vpack_ex(&err, 0, fmt, ap);
    va_end(ap);
    if (!v)
        fail_msg("json_pack: %s", err.text);
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    char *buf = ring[next++ % 8];
    snprintf(buf, sizeof(ring[0]), "%s", s);
    free(s);
    return buf;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const char *field_of(const struct http_resp *r)
{
    const char *f = jstr(r->json, "field");
    return f ? f : "";
}

/* ---- numbers: GB 11643 ID numbers, GB 32100 credit codes, phones ------------ */

static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

static char id_check_char(const char *s17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (s17[i] - '0') * id_weights[i];
    return "10X98765432"[sum % 11];
}

/* Every full number the run sends, to look for in the scan at the end. */
static char used_ids[64][19], used_phones[64][12];
static int n_used_ids, n_used_phones;

static void note_id(const char *id)
{
    if (n_used_ids < 64)
        snprintf(used_ids[n_used_ids++], 19, "%s", id);
}

static void note_phone(const char *p)
{
    if (n_used_phones < 64)
        snprintf(used_phones[n_used_phones++], 12, "%s", p);
}

/* A new valid ID number (distinct birth dates); ending in X when want_x. */
static void new_id(char out[19], bool want_x)
{
    static int n;
    static const char *const regions[] = {"310101", "440305", "330106", "510104"};
    for (int seq = 100;; seq++) {
        n++;
        snprintf(out, 19, "%s19%02d%02d%02d%03d", regions[n % 4], 60 + n % 40, 1 + n % 12,
                 1 + n % 28, seq % 1000);
        out[17] = id_check_char(out);
        out[18] = '\0';
        if ((out[17] == 'X') == want_x)
            break;
    }
    note_id(out);
}

static const char cc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* A new valid 统一社会信用代码: 9 1 350100, an all-digit organisation code
 * with its GB 11714 check, and the GB 32100 check character. */
static void new_credit_code(char out[19])
{
    static int serial = 12345670;
    static const int ow[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    static const int cw[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    char body[9];
    snprintf(body, sizeof(body), "%08d", serial++);
    int s = 0;
    for (int i = 0; i < 8; i++)
        s += (body[i] - '0') * ow[i];
    int c9 = 11 - s % 11;
    char c9c = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
    snprintf(out, 19, "91350100%s%c", body, c9c);
    s = 0;
    for (int i = 0; i < 17; i++)
        s += (int)(strchr(cc_chars, out[i]) - cc_chars) * cw[i];
    out[17] = cc_chars[(31 - s % 31) % 31];
    out[18] = '\0';
}

static void new_phone(char out[12])
{
    static int n = 27182818;
    snprintf(out, 12, "139%08d", n++);
    note_phone(out);
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

struct applicant {
    char number[19], phone[12], username[33], name[40];
    long long id;
};

/* Registers a person (username may be NULL) with APPLICANT_PW. */
static void register_person(struct applicant *a, const char *username, bool want_x)
{
    static int n;
    memset(a, 0, sizeof(*a));
    new_id(a->number, want_x);
    new_phone(a->phone);
    snprintf(a->name, sizeof(a->name), "测试人%d", ++n);
    if (username)
        snprintf(a->username, sizeof(a->username), "%s", username);
    const char *body =
        username ? J("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "person", "name", a->name, "id_number",
                     a->number, "phone", a->phone, "password", APPLICANT_PW, "username", username)
                 : J("{s:s,s:s,s:s,s:s,s:s}", "kind", "person", "name", a->name, "id_number",
                     a->number, "phone", a->phone, "password", APPLICANT_PW);
    struct http_resp r;
    if (call(NULL, "POST", "/api/v1/accounts", body, 0, &r) != 201)
        fail_msg("register %s: %ld %s", a->name, r.status, r.body);
    a->id =
        (long long)json_integer_value(json_object_get(json_object_get(r.json, "account"), "id"));
    resp_free(&r);
}

/* ---- setup ------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    /* The floor is lowered for this server only, so the suite can make its
     * hashes cheap (production keeps the default floor of 100000). */
    static const char *const extra[] = {"--set", "log_level=debug", "--set",
                                        "pbkdf2_min_iterations=10000", NULL};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (server_start(&srv, true, extra) != 0)
        return -1;
    note_id("11010519491231002X");
    note_id("110101199003074258");
    note_phone("13800138000");
    note_phone("13800138001");
    note_phone("13900139000");
    if (client_login(&srv, "secadmin", DEMO_PASSWORD, &sec, NULL) != 200)
        return -1;
    logins++;
    /* Cheaper hashing for the accounts this file creates. */
    struct http_resp r;
    if (client_req(&srv, &sec, "PUT", "/api/v1/security/settings", "{\"pbkdf2_iterations\":10000}",
                   0, NULL, &r) != 0 ||
        r.status != 200)
        return -1;
    resp_free(&r);
    if (client_login(&srv, "sysadmin", DEMO_PASSWORD, &sys, NULL) != 200 ||
        client_login(&srv, "window01", DEMO_PASSWORD, &win, NULL) != 200 ||
        client_login(&srv, "zhangsan", DEMO_PASSWORD, &zs, NULL) != 200)
        return -1;
    logins += 3;
    if (client_req(&srv, &sys, "GET", "/api/v1/orgs/all", NULL, 0, NULL, &r) != 0 ||
        r.status != 200)
        return -1;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r.json, "orgs"), i, o)
    {
        if (strcmp(jstr(o, "name"), "示范市行政审批局") == 0)
            city_bureau_id = (long long)json_integer_value(json_object_get(o, "id"));
    }
    resp_free(&r);
    return city_bureau_id > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fprintf(stderr, "test_accounts: %d logins\n", logins);
    free(seen);
    return server_stop(&srv) == 0 ? 0 : -1;
}

/* ---- registration ------------------------------------------------------------- */

enum { BY_USERNAME = 1, BY_NUMBER = 2, BY_NUMBER_LOWER = 4 };

static const struct {
    const char *kind;
    const char *username; /* NULL: none */
    bool x_check;         /* a person number ending in X */
    unsigned login_by;
} regs[] = {
    {"person", "wangwu", false, BY_USERNAME | BY_NUMBER},
    {"person", NULL, true, BY_NUMBER_LOWER},
    {"org", "chenguang", false, BY_NUMBER | BY_NUMBER_LOWER},
};

static struct applicant registered_org; /* for the reveal test */

static void expect_mask(const char *masked, const char *full, size_t head, size_t tail)
{
    size_t n = strlen(full);
    assert_non_null(masked);
    assert_int_equal(strlen(masked), n);
    assert_memory_equal(masked, full, head);
    for (size_t i = head; i < n - tail; i++)
        assert_int_equal(masked[i], '*');
    assert_string_equal(masked + n - tail, full + n - tail);
}

static void test_register_and_login(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        struct applicant a = {0};
        bool org = strcmp(regs[i].kind, "org") == 0;
        char body[1024];
        new_phone(a.phone);
        if (org) {
            new_credit_code(a.number);
            snprintf(a.name, sizeof(a.name), "示范晨光科技有限公司");
            snprintf(body, sizeof(body), "%s",
                     J("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "org", "name", a.name,
                       "credit_code", a.number, "legal_representative", "陈晨光", "contact_name",
                       "刘联系", "phone", a.phone, "password", APPLICANT_PW, "username",
                       regs[i].username));
        } else {
            new_id(a.number, regs[i].x_check);
            snprintf(a.name, sizeof(a.name), "王五%zu", i);
            if (regs[i].username)
                snprintf(body, sizeof(body), "%s",
                         J("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "person", "name", a.name,
                           "id_number", a.number, "phone", a.phone, "password", APPLICANT_PW,
                           "username", regs[i].username));
            else
                snprintf(body, sizeof(body), "%s",
                         J("{s:s,s:s,s:s,s:s,s:s}", "kind", "person", "name", a.name, "id_number",
                           a.number, "phone", a.phone, "password", APPLICANT_PW));
        }
        struct http_resp r;
        if (call(NULL, "POST", "/api/v1/accounts", body, 0, &r) != 201)
            fail_msg("register %s: %ld %s", regs[i].kind, r.status, r.body);
        json_t *acc = json_object_get(r.json, "account");
        assert_string_equal(jstr(acc, "kind"), regs[i].kind);
        assert_string_equal(jstr(acc, "name"), a.name);
        if (regs[i].username)
            assert_string_equal(jstr(acc, "username"), regs[i].username);
        else
            assert_true(json_is_null(json_object_get(acc, "username")));
        expect_mask(jstr(acc, "id_number_masked"), a.number, 3, 4);
        expect_mask(jstr(acc, "phone_masked"), a.phone, 3, 4);
        assert_int_equal(json_array_size(json_object_get(acc, "roles")), 0);
        assert_string_equal(jstr(acc, "status"), "active");
        /* Never the full number, its birth date, the phone or a password. */
        char lowered[19];
        snprintf(lowered, sizeof(lowered), "%s", a.number);
        lower(lowered);
        assert_null(strstr(r.body, a.number));
        assert_null(strcasestr(r.body, lowered));
        if (!org) {
            char birth[9];
            memcpy(birth, a.number + 6, 8);
            birth[8] = '\0';
            assert_null(strstr(r.body, birth));
        }
        assert_null(strstr(r.body, a.phone));
        assert_null(strstr(r.body, APPLICANT_PW));
        assert_null(strstr(r.body, "pw_"));
        a.id = (long long)json_integer_value(json_object_get(acc, "id"));
        assert_true(a.id > 0);
        resp_free(&r);
        if (org)
            registered_org = a;

        const char *names[3];
        int nn = 0;
        if (regs[i].login_by & BY_USERNAME)
            names[nn++] = regs[i].username;
        if (regs[i].login_by & BY_NUMBER)
            names[nn++] = a.number;
        if (regs[i].login_by & BY_NUMBER_LOWER)
            names[nn++] = lowered;
        for (int k = 0; k < nn; k++) {
            struct tb_client c;
            struct http_resp lr;
            long st = login(names[k], APPLICANT_PW, &c, &lr);
            if (st != 200)
                fail_msg("login as %s by \"%s\": %ld %s", regs[i].kind, names[k], st, lr.body);
            assert_int_equal(c.account_id, a.id);
            assert_non_null(strstr(lr.body, "\"must_change_password\":false"));
            assert_null(strstr(lr.body, a.number));
            resp_free(&lr);
        }
    }
}

/* Each bad registration: the 422 (or 409) names the field. For numbers, the
 * detail is the identifier checker's message for the same reason. */
static const struct {
    const char *what;
    const char *kind;
    const char *number; /* NULL: a fresh valid one */
    const char *phone;  /* NULL: a fresh valid one */
    const char *password;
    const char *extra_key; /* an added member (string value "x") */
    long status;
    const char *field;
    const char *reason; /* identifiers/check reason for number */
} bad_regs[] = {
    {"bad check digit", "person", "110105194912310021", NULL, APPLICANT_PW, NULL, 422, "id_number",
     "bad_check_digit"},
    {"bad birth date", "person", "11010519491331002X", NULL, APPLICANT_PW, NULL, 422, "id_number",
     "bad_birth_date"},
    {"future birth date", "person", "110105209912310028", NULL, APPLICANT_PW, NULL, 422,
     "id_number", "future_birth_date"},
    {"wrong length", "person", "1101051949123100", NULL, APPLICANT_PW, NULL, 422, "id_number",
     "wrong_length"},
    {"old 15-digit", "person", "110105491231002", NULL, APPLICANT_PW, NULL, 422, "id_number",
     "old_15_digit"},
    {"bad character", "person", "11010519A91231002X", NULL, APPLICANT_PW, NULL, 422, "id_number",
     "bad_character"},
    {"bad region", "person", "99010519491231002X", NULL, APPLICANT_PW, NULL, 422, "id_number",
     "bad_region"},
    {"credit code check", "org", "91350100M000100Y44", NULL, APPLICANT_PW, NULL, 422, "credit_code",
     "bad_check_digit"},
    {"credit code character", "org", "91350100M0001O0Y43", NULL, APPLICANT_PW, NULL, 422,
     "credit_code", "bad_character"},
    {"phone 10 digits", "person", NULL, "1380013800", APPLICANT_PW, NULL, 422, "phone", NULL},
    {"phone prefix 12", "person", NULL, "12800138000", APPLICANT_PW, NULL, 422, "phone", NULL},
    {"phone letters", "person", NULL, "1380013800a", APPLICANT_PW, NULL, 422, "phone", NULL},
    {"short password", "person", NULL, NULL, "short-pw-1", NULL, 422, "password", NULL},
    {"common password", "person", NULL, NULL, "password1234", NULL, 422, "password", NULL},
    {"demo password", "person", NULL, NULL, DEMO_PASSWORD, NULL, 422, "password", NULL},
    {"unknown field", "person", NULL, NULL, APPLICANT_PW, "is_admin", 422, "is_admin", NULL},
    {"mass-assigned roles", "org", NULL, NULL, APPLICANT_PW, "roles", 422, "roles", NULL},
    {"kind staff", "staff", NULL, NULL, APPLICANT_PW, NULL, 422, "kind", NULL},
    {"duplicate ID number", "person", "11010519491231002X", NULL, APPLICANT_PW, NULL, 409,
     "id_number", NULL},
    {"duplicate ID number, lowercase x", "person", "11010519491231002x", NULL, APPLICANT_PW, NULL,
     409, "id_number", NULL},
    {"duplicate credit code", "org", "91350100M000100Y43", NULL, APPLICANT_PW, NULL, 409,
     "credit_code", NULL},
    {"duplicate user name", "person", NULL, NULL, APPLICANT_PW, "username", 409, "username", NULL},
};

static void test_register_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_regs) / sizeof(bad_regs[0]); i++) {
        bool org = strcmp(bad_regs[i].kind, "org") == 0;
        char number[19], phone[12];
        if (bad_regs[i].number)
            snprintf(number, sizeof(number), "%s", bad_regs[i].number);
        else if (org)
            new_credit_code(number);
        else
            new_id(number, false);
        if (bad_regs[i].phone)
            snprintf(phone, sizeof(phone), "%s", bad_regs[i].phone);
        else
            new_phone(phone);
        json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "kind", bad_regs[i].kind, "name", "测试",
                              "phone", phone, "password", bad_regs[i].password);
        json_object_set_new(b, org ? "credit_code" : "id_number", json_string(number));
        if (org) {
            json_object_set_new(b, "legal_representative", json_string("甲"));
            json_object_set_new(b, "contact_name", json_string("乙"));
        }
        if (bad_regs[i].extra_key) {
            bool dup_user = strcmp(bad_regs[i].extra_key, "username") == 0;
            json_object_set_new(b, bad_regs[i].extra_key, json_string(dup_user ? "lisi" : "x"));
        }
        char *text = json_dumps(b, JSON_COMPACT);
        json_decref(b);
        struct http_resp r;
        call(NULL, "POST", "/api/v1/accounts", text, CLIENT_EN, &r);
        free(text);
        if (r.status != bad_regs[i].status || strcmp(field_of(&r), bad_regs[i].field) != 0)
            fail_msg("%s: want %ld field %s, got %ld %s", bad_regs[i].what, bad_regs[i].status,
                     bad_regs[i].field, r.status, r.body);
        assert_string_equal(problem_code(&r),
                            bad_regs[i].status == 409 ? "conflict" : "invalid_value");
        if (bad_regs[i].reason) {
            /* The precise reason: the identifier checker's message for it. */
            struct http_resp c;
            call(NULL, "POST", "/api/v1/identifiers/check",
                 J("{s:s,s:s}", "kind", org ? "org" : "person", "number", number), CLIENT_EN, &c);
            assert_int_equal(c.status, 200);
            assert_string_equal(jstr(c.json, "reason"), bad_regs[i].reason);
            if (strcmp(jstr(r.json, "detail"), jstr(c.json, "message")) != 0)
                fail_msg("%s: detail \"%s\", want \"%s\"", bad_regs[i].what, jstr(r.json, "detail"),
                         jstr(c.json, "message"));
            resp_free(&c);
        }
        /* Nothing of a full number or the password comes back. */
        assert_null(strstr(r.body, bad_regs[i].password));
        if (strlen(number) == 18)
            assert_null(strcasestr(r.body, number));
        assert_null(strstr(r.body, phone));
        resp_free(&r);
    }
    /* The checker by GET too, with a valid number: masked, never full. */
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/identifiers/check?kind=person&number=%s", used_ids[2]);
    struct http_resp r;
    assert_int_equal(call(NULL, "GET", path, NULL, 0, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "valid")));
    assert_null(strstr(r.body, used_ids[2]));
    resp_free(&r);
}

/* ---- login failures and lockout ---------------------------------------------- */

/* The header block without the lines that differ per request. */
static void stable_headers(const char *raw, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = raw; *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        if (strncasecmp(p, "Date:", 5) != 0 && strncasecmp(p, "X-Request-Id:", 13) != 0 &&
            n + l + 2 < cap) {
            memcpy(out + n, p, l);
            n += l;
            out[n++] = '\n';
            out[n] = '\0';
        }
        p = eol ? eol + 2 : p + l;
    }
}

/* Five failures, then the sixth attempt (with the right password when
 * right_pw) is 429 rate_limited with Retry-After; returns Retry-After. The
 * first failure's answer is left in *first. */
static long lock_name(const char *name, const char *right_pw, struct http_resp *first)
{
    for (int k = 0; k < 5; k++) {
        struct http_resp r;
        long st = login(name, "Wrong-password-000", NULL, &r);
        if (st != 401 || strcmp(problem_code(&r), "login_failed") != 0)
            fail_msg("failure %d for %s: %ld %s", k + 1, name, st, r.body);
        if (k == 0)
            *first = r;
        else
            resp_free(&r);
    }
    struct http_resp r;
    long st = login(name, right_pw, NULL, &r);
    if (st != 429)
        fail_msg("6th login for %s: %ld %s (want 429)", name, st, r.body);
    assert_string_equal(problem_code(&r), "rate_limited");
    const char *ra = resp_header(&r, "Retry-After");
    assert_non_null(ra);
    long secs = strtol(ra, NULL, 10);
    assert_true(secs > 0 && secs <= 15 * 60);
    assert_null(resp_set_cookie(&r, "tb_session"));
    resp_free(&r);
    return secs;
}

static void test_login_failures_and_lockout(void **state)
{
    (void)state;
    struct applicant a;
    register_person(&a, NULL, false);
    /* Failures by ID number as the name, then the right password: locked. */
    struct http_resp wrong_pw, unknown;
    long ra_known = lock_name(a.number, APPLICANT_PW, &wrong_pw);

    /* An unknown name (a valid, unregistered ID number) locks the same way. */
    char nobody[19];
    new_id(nobody, false);
    long ra_unknown = lock_name(nobody, APPLICANT_PW, &unknown);
    assert_true(labs(ra_known - ra_unknown) <= 1);

    /* Wrong password and unknown name: the same status, headers and body
     * apart from request_id. */
    assert_int_equal(wrong_pw.status, unknown.status);
    assert_non_null(jstr(wrong_pw.json, "request_id"));
    assert_non_null(jstr(unknown.json, "request_id"));
    json_object_del(wrong_pw.json, "request_id");
    json_object_del(unknown.json, "request_id");
    if (!json_equal(wrong_pw.json, unknown.json))
        fail_msg("bodies differ: %s / %s", wrong_pw.body, unknown.body);
    char h1[2048], h2[2048];
    stable_headers(wrong_pw.headers, h1, sizeof(h1));
    stable_headers(unknown.headers, h2, sizeof(h2));
    assert_string_equal(h1, h2);
    resp_free(&wrong_pw);
    resp_free(&unknown);
}

/* The lock holds for the account, whichever of its names was used: after
 * five failures by user name, its ID number is locked too (else each name
 * of an account would get its own five guesses). SPEC §15. */
static void test_lockout_holds_for_every_name_of_the_account(void **state)
{
    (void)state;
    struct applicant a;
    register_person(&a, "alias.user", false);
    struct http_resp first;
    lock_name(a.username, APPLICANT_PW, &first);
    resp_free(&first);
    struct http_resp r;
    long st = login(a.number, APPLICANT_PW, NULL, &r);
    if (st != 429)
        fail_msg("account locked by user name, but its ID number logs in: %ld (want 429)", st);
    resp_free(&r);
}

#define RACERS 10

struct racer {
    const char *name;
    char pw[40];
    long status;
    struct http_resp r;
};

static pthread_barrier_t start_line;

static void *race(void *arg)
{
    struct racer *x = arg;
    pthread_barrier_wait(&start_line);
    x->status = client_login(&srv, x->name, x->pw, NULL, &x->r);
    return NULL;
}

/* Concurrent guesses cannot outrun the count: of RACERS wrong passwords
 * sent at once for one account, at most five are tried (401), the rest are
 * refused unchecked (429). */
static void test_lockout_under_concurrent_guesses(void **state)
{
    (void)state;
    struct applicant a;
    register_person(&a, NULL, false);
    struct racer x[RACERS];
    pthread_t t[RACERS];
    pthread_barrier_init(&start_line, NULL, RACERS);
    for (int i = 0; i < RACERS; i++) {
        x[i].name = a.number;
        snprintf(x[i].pw, sizeof(x[i].pw), "Guess-number-%03d", i);
        x[i].status = 0;
        assert_int_equal(pthread_create(&t[i], NULL, race, &x[i]), 0);
    }
    int tried = 0, limited = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        logins++;
        keep(&x[i].r);
        tried += x[i].status == 401;
        limited += x[i].status == 429;
        resp_free(&x[i].r);
    }
    pthread_barrier_destroy(&start_line);
    assert_int_equal(tried + limited, RACERS);
    if (tried > 5)
        fail_msg("%d of %d concurrent wrong passwords were tried (at most 5 may be)", tried,
                 RACERS);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Failed logins take as long for a name that exists as for one that does
 * not (docs/accounts.md: "the same answer ... status and timing"), also
 * while accounts hashed with different iteration counts coexist, as after
 * the security administrator changed pbkdf2_iterations (setup: 100000 ->
 * 10000): decider01 keeps 100000 (it never logs in successfully here), a
 * new applicant has 10000. Each side is the fastest of two tries. */
static double fail_time(const char *name)
{
    double best = 1e9;
    for (int k = 0; k < 2; k++) {
        double t0 = now_s();
        assert_int_equal(login(name, "Wrong-password-000", NULL, NULL), 401);
        double t = now_s() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

static void test_login_failure_timing(void **state)
{
    (void)state;
    struct applicant fresh;
    register_person(&fresh, "timing.user", false);
    double unknown = fail_time("nobody.timing");
    const char *names[] = {"decider01", fresh.username};
    char report[256] = "";
    bool bad = false;
    for (int i = 0; i < 2; i++) {
        double known = fail_time(names[i]);
        double ratio = known > unknown ? known / unknown : unknown / known;
        size_t l = strlen(report);
        snprintf(report + l, sizeof(report) - l, " %s %.1f ms;", names[i], known * 1e3);
        bad |= ratio > 2.5 && fabs(known - unknown) > 0.015; /* not scheduler noise */
    }
    if (bad)
        fail_msg("failed login: unknown name %.1f ms,%s a ratio above 2.5 tells names apart",
                 unknown * 1e3, report);
}

/* ---- sessions and CSRF ----------------------------------------------------------- */

static const struct {
    const char *method, *path, *body;
} changing[] = {
    {"POST", "/api/v1/staff", "{}"},
    {"PUT", "/api/v1/me/password", "{}"},
    {"PATCH", "/api/v1/staff/1", "{}"},
    {"DELETE", "/api/v1/me/sessions/000000000000000000000000", NULL},
    {"POST", "/api/v1/accounts/1/reveal", "{}"},
    {"PUT", "/api/v1/security/settings", "{}"},
    {"DELETE", "/api/v1/sessions/current", NULL},
};

static void test_cookie_and_csrf(void **state)
{
    (void)state;
    struct applicant a;
    register_person(&a, NULL, false);
    struct tb_client c, other;
    struct http_resp r;
    assert_int_equal(login(a.number, APPLICANT_PW, &c, &r), 200);
    const char *sc = resp_set_cookie(&r, "tb_session");
    assert_non_null(sc);
    assert_non_null(strstr(sc, "; HttpOnly"));
    assert_non_null(strstr(sc, "; SameSite=Strict"));
    assert_non_null(strstr(sc, "; Path=/"));
    assert_null(strstr(sc, "Secure")); /* plain HTTP here */
    assert_true(strlen(c.csrf) >= 32);
    assert_null(strstr(r.body, c.cookie + strlen("tb_session=")));
    resp_free(&r);
    must_login(a.number, APPLICANT_PW, &other);

    char code[64];
    assert_int_equal(call_code(&c, "GET", "/api/v1/me", NULL, 0, code), 200);
    assert_int_equal(call_code(NULL, "GET", "/api/v1/me", NULL, 0, code), 401);
    /* No other site may read /me (it answers the CSRF token): no CORS
     * grant, not even on a preflight; and nothing of it is cached. */
    static const char *const preflight[] = {"Access-Control-Request-Method: PUT",
                                            "Access-Control-Request-Headers: x-csrf-token", NULL};
    assert_int_equal(call(&c, "GET", "/api/v1/me", NULL, CLIENT_BAD_ORIGIN, &r), 200);
    assert_null(resp_header(&r, "Access-Control-Allow-Origin"));
    assert_null(resp_header(&r, "Access-Control-Allow-Credentials"));
    assert_non_null(resp_header(&r, "Cache-Control"));
    assert_non_null(strstr(resp_header(&r, "Cache-Control"), "no-store"));
    resp_free(&r);
    assert_int_equal(client_req(&srv, &c, "OPTIONS", "/api/v1/me/password", NULL, CLIENT_BAD_ORIGIN,
                                preflight, &r),
                     0);
    keep(&r);
    assert_null(resp_header(&r, "Access-Control-Allow-Origin"));
    assert_null(resp_header(&r, "Access-Control-Allow-Credentials"));
    resp_free(&r);
    assert_string_equal(code, "unauthenticated");
    struct tb_client forged = c;
    snprintf(forged.cookie, sizeof(forged.cookie), "tb_session=%s",
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(call_code(&forged, "GET", "/api/v1/me", NULL, 0, code), 401);

    struct tb_client wrong_token = c, their_token = c;
    snprintf(wrong_token.csrf, sizeof(wrong_token.csrf), "%s", "not-the-token");
    snprintf(their_token.csrf, sizeof(their_token.csrf), "%s", other.csrf);
    static const char *const null_origin[] = {"Origin: null", NULL};
    for (size_t i = 0; i < sizeof(changing) / sizeof(changing[0]); i++) {
        const struct {
            const char *what;
            const struct tb_client *as;
            unsigned flags;
            const char *const *extra;
        } v[] = {
            {"no token", &c, CLIENT_NO_CSRF, NULL},
            {"no token, our Origin", &c, CLIENT_NO_CSRF | CLIENT_ORIGIN, NULL},
            {"wrong token", &wrong_token, CLIENT_ORIGIN, NULL},
            {"another session's token", &their_token, CLIENT_ORIGIN, NULL},
            {"foreign Origin", &c, CLIENT_BAD_ORIGIN, NULL},
            {"Origin null", &c, 0, null_origin},
        };
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
            assert_int_equal(client_req(&srv, v[k].as, changing[i].method, changing[i].path,
                                        changing[i].body, v[k].flags, v[k].extra, &r),
                             0);
            keep(&r);
            if (r.status != 403 || strcmp(problem_code(&r), "csrf_failed") != 0)
                fail_msg("%s %s, %s: %ld %s (want 403 csrf_failed)", changing[i].method,
                         changing[i].path, v[k].what, r.status, r.body);
            resp_free(&r);
        }
    }
    /* Nothing above ended the session. */
    assert_int_equal(call_code(&c, "GET", "/api/v1/me", NULL, 0, code), 200);
    /* With the token and our Origin the gate lets the request through to
     * the permission check or the handler. */
    assert_int_equal(call_code(&c, "PUT", "/api/v1/me/password",
                               J("{s:s,s:s}", "old_password", "Not-my-password-1", "new_password",
                                 "Another-long-pass-9"),
                               CLIENT_ORIGIN, code),
                     422);
    assert_int_equal(call_code(&c, "POST", "/api/v1/staff", "{}", CLIENT_ORIGIN, code), 403);
    assert_string_equal(code, "forbidden");
    /* A non-browser client sends no Origin; the token is enough. */
    assert_int_equal(call_code(&c, "PUT", "/api/v1/me/password", "{}", 0, code), 422);
    /* Logout with token and Origin: 204, cookie cleared, session over. */
    assert_int_equal(call(&c, "DELETE", "/api/v1/sessions/current", NULL, CLIENT_ORIGIN, &r), 204);
    sc = resp_set_cookie(&r, "tb_session");
    assert_non_null(sc);
    assert_true(strncmp(sc, "tb_session=;", 12) == 0);
    assert_non_null(strstr(sc, "Max-Age=0"));
    resp_free(&r);
    assert_int_equal(call_code(&c, "GET", "/api/v1/me", NULL, 0, code), 401);
    assert_int_equal(call_code(&c, "DELETE", "/api/v1/sessions/current", NULL, 0, code), 401);
    assert_int_equal(call_code(&other, "GET", "/api/v1/me", NULL, 0, code), 200);
}

/* The public id of the session marked current in c's list. */
static void current_session_id(const struct tb_client *c, char out[64], size_t *count)
{
    struct http_resp r;
    assert_int_equal(call(c, "GET", "/api/v1/me/sessions", NULL, 0, &r), 200);
    json_t *list = json_object_get(r.json, "sessions");
    size_t i, currents = 0;
    json_t *s;
    out[0] = '\0';
    json_array_foreach(list, i, s)
    {
        assert_non_null(jstr(s, "id"));
        assert_int_equal(strlen(jstr(s, "id")), 24);
        assert_non_null(jstr(s, "created_at"));
        assert_non_null(jstr(s, "expires_at"));
        if (json_is_true(json_object_get(s, "current"))) {
            currents++;
            snprintf(out, 64, "%s", jstr(s, "id"));
        } else {
            assert_true(json_is_false(json_object_get(s, "current")));
        }
    }
    assert_int_equal(currents, 1);
    if (count)
        *count = json_array_size(list);
    resp_free(&r);
}

static void test_my_sessions(void **state)
{
    (void)state;
    struct applicant a;
    register_person(&a, "sessions.user", false);
    struct tb_client one, two;
    must_login(a.username, APPLICANT_PW, &one);
    must_login(a.number, APPLICANT_PW, &two);
    char id1[64], id2[64], zs_id[64];
    size_t n1, n2;
    current_session_id(&one, id1, &n1);
    current_session_id(&two, id2, &n2);
    assert_int_equal(n1, 2);
    assert_int_equal(n2, 2);
    assert_string_not_equal(id1, id2);
    current_session_id(&zs, zs_id, NULL);

    char code[64], path[128];
    /* Another account's session, an unknown id, a malformed id: 404. */
    snprintf(path, sizeof(path), "/api/v1/me/sessions/%s", zs_id);
    assert_int_equal(call_code(&one, "DELETE", path, NULL, CLIENT_ORIGIN, code), 404);
    assert_string_equal(code, "not_found");
    assert_int_equal(call_code(&zs, "GET", "/api/v1/me", NULL, 0, code), 200);
    assert_int_equal(call_code(&one, "DELETE", "/api/v1/me/sessions/000000000000000000000000", NULL,
                               CLIENT_ORIGIN, code),
                     404);
    assert_int_equal(
        call_code(&one, "DELETE", "/api/v1/me/sessions/abc", NULL, CLIENT_ORIGIN, code), 404);
    /* Ending my other session by id. */
    snprintf(path, sizeof(path), "/api/v1/me/sessions/%s", id2);
    assert_int_equal(call_code(&one, "DELETE", path, NULL, CLIENT_ORIGIN, code), 204);
    assert_int_equal(call_code(&two, "GET", "/api/v1/me", NULL, 0, code), 401);
    assert_int_equal(call_code(&one, "DELETE", path, NULL, CLIENT_ORIGIN, code), 404);
    current_session_id(&one, id1, &n1);
    assert_int_equal(n1, 1);
    assert_int_equal(call_code(&one, "GET", "/api/v1/me", NULL, 0, code), 200);
}

static void test_password_change(void **state)
{
    (void)state;
    struct applicant a;
    register_person(&a, NULL, false);
    struct tb_client one, two;
    must_login(a.number, APPLICANT_PW, &one);
    must_login(a.number, APPLICANT_PW, &two);
    static const struct {
        const char *old_pw, *new_pw, *field;
    } bad[] = {
        {"Not-my-password-1", "Brand-new-pass-2026", "old_password"},
        {APPLICANT_PW, "password1234", "new_password"},
        {APPLICANT_PW, "short-1", "new_password"},
        {APPLICANT_PW, APPLICANT_PW, "new_password"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct http_resp r;
        call(&one, "PUT", "/api/v1/me/password",
             J("{s:s,s:s}", "old_password", bad[i].old_pw, "new_password", bad[i].new_pw),
             CLIENT_ORIGIN, &r);
        if (r.status != 422 || strcmp(field_of(&r), bad[i].field) != 0)
            fail_msg("password change %zu: %ld %s (want 422 %s)", i, r.status, r.body,
                     bad[i].field);
        resp_free(&r);
    }
    char code[64];
    assert_int_equal(call_code(&two, "GET", "/api/v1/me", NULL, 0, code), 200);
    assert_int_equal(call_code(&one, "PUT", "/api/v1/me/password",
                               J("{s:s,s:s}", "old_password", APPLICANT_PW, "new_password",
                                 "Brand-new-pass-2026"),
                               CLIENT_ORIGIN, code),
                     204);
    assert_int_equal(call_code(&two, "GET", "/api/v1/me", NULL, 0, code), 401);
    assert_int_equal(call_code(&one, "GET", "/api/v1/me", NULL, 0, code), 200);
    assert_int_equal(login(a.number, APPLICANT_PW, NULL, NULL), 401);
    assert_int_equal(login(a.number, "Brand-new-pass-2026", NULL, NULL), 200);
}

/* ---- staff administration ------------------------------------------------------ */

static long long create_staff(const char *username, const char *roles_json, int level,
                              struct http_resp *out)
{
    char body[512];
    snprintf(body, sizeof(body),
             "{\"username\":\"%s\",\"name\":\"测试%s\",\"org_id\":%lld,\"roles\":%s,"
             "\"authority_level\":%d,\"password\":\"%s\"}",
             username, username, city_bureau_id, roles_json, level, STAFF_PW);
    call(&sys, "POST", "/api/v1/staff", body, CLIENT_ORIGIN, out);
    if (out->status != 201)
        return 0;
    return (long long)json_integer_value(
        json_object_get(json_object_get(out->json, "account"), "id"));
}

/* The staff account username as sysadmin's list shows it. */
static json_t *staff_entry(const char *username, struct http_resp *r)
{
    assert_int_equal(call(&sys, "GET", "/api/v1/staff", NULL, 0, r), 200);
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r->json, "accounts"), i, o)
    {
        if (strcmp(jstr(o, "username"), username) == 0)
            return o;
    }
    fail_msg("no staff account %s", username);
    return NULL;
}

static long long clerk01_id;

static void test_staff_create_and_first_login(void **state)
{
    (void)state;
    struct http_resp r;
    clerk01_id = create_staff("clerk01", "[\"window\"]", 1, &r);
    if (!clerk01_id)
        fail_msg("create clerk01: %ld %s", r.status, r.body);
    json_t *acc = json_object_get(r.json, "account");
    assert_string_equal(jstr(acc, "kind"), "staff");
    assert_true(json_is_true(json_object_get(acc, "must_change_password")));
    assert_int_equal(json_integer_value(json_object_get(acc, "authority_level")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(acc, "roles"), 0)),
                        "window");
    assert_int_equal(json_integer_value(json_object_get(acc, "org_id")), city_bureau_id);
    assert_null(strstr(r.body, STAFF_PW));
    resp_free(&r);

    struct tb_client c;
    assert_int_equal(login("clerk01", STAFF_PW, &c, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "must_change_password")));
    resp_free(&r);
    char code[64], path[96];
    snprintf(path, sizeof(path), "/api/v1/accounts/%lld/reveal", zs.account_id);
    const char *reveal = J("{s:s,s:s}", "field", "id_number", "reason", "窗口核验身份");
    assert_int_equal(call_code(&c, "GET", "/api/v1/staff", NULL, 0, code), 403);
    assert_string_equal(code, "password_change_required");
    assert_int_equal(call_code(&c, "POST", path, reveal, CLIENT_ORIGIN, code), 403);
    assert_string_equal(code, "password_change_required");
    assert_int_equal(call(&c, "GET", "/api/v1/me", NULL, 0, &r), 200);
    assert_true(
        json_is_true(json_object_get(json_object_get(r.json, "account"), "must_change_password")));
    resp_free(&r);
    /* Logout is allowed; so is the change after logging in again. */
    assert_int_equal(call_code(&c, "DELETE", "/api/v1/sessions/current", NULL, CLIENT_ORIGIN, code),
                     204);
    must_login("clerk01", STAFF_PW, &c);
    assert_int_equal(
        call_code(&c, "PUT", "/api/v1/me/password",
                  J("{s:s,s:s}", "old_password", STAFF_PW, "new_password", "all-lower-case-only"),
                  CLIENT_ORIGIN, code),
        422); /* staff: three character classes */
    assert_int_equal(
        call_code(&c, "PUT", "/api/v1/me/password",
                  J("{s:s,s:s}", "old_password", STAFF_PW, "new_password", STAFF_PW_NEW),
                  CLIENT_ORIGIN, code),
        204);
    assert_int_equal(call_code(&c, "GET", "/api/v1/staff", NULL, 0, code), 403);
    assert_string_equal(code, "forbidden");
    assert_int_equal(call(&c, "GET", "/api/v1/me", NULL, 0, &r), 200);
    assert_true(
        json_is_false(json_object_get(json_object_get(r.json, "account"), "must_change_password")));
    resp_free(&r);
    assert_int_equal(call(&c, "POST", path, reveal, CLIENT_ORIGIN, &r), 200);
    resp_free(&r);
}

/* RULE: 三权分立 (SPEC §15) and the staff input rules. */
static const struct {
    const char *what;
    const char *body_fmt; /* ORG: the city bureau */
    long status;
    const char *field;
} bad_staff[] = {
    {"sysadmin + window",
     "{\"username\":\"bad1\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"sysadmin\",\"window\"],"
     "\"authority_level\":1,\"password\":\"" STAFF_PW "\"}",
     422, "roles"},
    {"secadmin + auditadmin",
     "{\"username\":\"bad2\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"secadmin\","
     "\"auditadmin\"],\"password\":\"" STAFF_PW "\"}",
     422, "roles"},
    {"auditadmin + supervisor",
     "{\"username\":\"bad3\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"auditadmin\","
     "\"supervisor\"],\"authority_level\":1,\"password\":\"" STAFF_PW "\"}",
     422, "roles"},
    {"unknown role",
     "{\"username\":\"bad4\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"root\"],"
     "\"authority_level\":1,\"password\":\"" STAFF_PW "\"}",
     422, "roles"},
    {"level 5",
     "{\"username\":\"bad5\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"window\"],"
     "\"authority_level\":5,\"password\":\"" STAFF_PW "\"}",
     422, "authority_level"},
    {"business role without level",
     "{\"username\":\"bad6\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"reviewer\"],"
     "\"password\":\"" STAFF_PW "\"}",
     422, "authority_level"},
    /* Administrators come only from `tongban admin bootstrap` (三权分立). */
    {"an administrator role",
     "{\"username\":\"bad7\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"secadmin\"],"
     "\"authority_level\":2,\"password\":\"" STAFF_PW "\"}",
     422, "roles"},
    {"two character classes",
     "{\"username\":\"bad8\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"window\"],"
     "\"authority_level\":1,\"password\":\"onlylowercase-and-dashes\"}",
     422, "password"},
    {"common password",
     "{\"username\":\"bad9\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"window\"],"
     "\"authority_level\":1,\"password\":\"Password1234\"}",
     422, "password"},
    {"mass-assigned flag",
     "{\"username\":\"bad10\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"window\"],"
     "\"authority_level\":1,\"password\":\"" STAFF_PW "\",\"must_change_password\":false}",
     422, "must_change_password"},
    {"bad user name",
     "{\"username\":\"Bad Name\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"window\"],"
     "\"authority_level\":1,\"password\":\"" STAFF_PW "\"}",
     422, "username"},
    {"no such organisation",
     "{\"username\":\"bad12\",\"name\":\"x\",\"org_id\":999999,\"roles\":[\"window\"],"
     "\"authority_level\":1,\"password\":\"" STAFF_PW "\"}",
     422, "org_id"},
    {"user name taken",
     "{\"username\":\"window01\",\"name\":\"x\",\"org_id\":ORG,\"roles\":[\"window\"],"
     "\"authority_level\":1,\"password\":\"" STAFF_PW "\"}",
     409, "username"},
};

static const struct {
    const char *what, *body;
    long status;
    const char *field;
} bad_patch[] = {
    {"add sysadmin", "{\"roles\":[\"window\",\"sysadmin\"]}", 422, "roles"},
    {"secadmin + auditadmin", "{\"roles\":[\"secadmin\",\"auditadmin\"]}", 422, "roles"},
    {"window + auditadmin", "{\"roles\":[\"window\",\"auditadmin\"],\"authority_level\":1}", 422,
     "roles"},
    {"bad status", "{\"status\":\"gone\"}", 422, "status"},
    {"level 9", "{\"authority_level\":9}", 422, "authority_level"},
    {"password by PATCH", "{\"password\":\"" STAFF_PW "\"}", 422, "password"},
    {"org by PATCH", "{\"org_id\":1}", 422, "org_id"},
};

static void test_separation_of_duties(void **state)
{
    (void)state;
    assert_true(clerk01_id > 0);
    for (size_t i = 0; i < sizeof(bad_staff) / sizeof(bad_staff[0]); i++) {
        char body[600], org[24];
        snprintf(org, sizeof(org), "%lld", city_bureau_id);
        const char *at = strstr(bad_staff[i].body_fmt, "ORG");
        if (at)
            snprintf(body, sizeof(body), "%.*s%s%s", (int)(at - bad_staff[i].body_fmt),
                     bad_staff[i].body_fmt, org, at + 3);
        else
            snprintf(body, sizeof(body), "%s", bad_staff[i].body_fmt);
        struct http_resp r;
        call(&sys, "POST", "/api/v1/staff", body, CLIENT_ORIGIN, &r);
        if (r.status != bad_staff[i].status || strcmp(field_of(&r), bad_staff[i].field) != 0)
            fail_msg("create, %s: %ld %s (want %ld %s)", bad_staff[i].what, r.status, r.body,
                     bad_staff[i].status, bad_staff[i].field);
        resp_free(&r);
    }
    char path[96], code[64];
    snprintf(path, sizeof(path), "/api/v1/staff/%lld", clerk01_id);
    for (size_t i = 0; i < sizeof(bad_patch) / sizeof(bad_patch[0]); i++) {
        struct http_resp r;
        call(&sys, "PATCH", path, bad_patch[i].body, CLIENT_ORIGIN, &r);
        if (r.status != bad_patch[i].status || strcmp(field_of(&r), bad_patch[i].field) != 0)
            fail_msg("patch, %s: %ld %s (want %ld %s)", bad_patch[i].what, r.status, r.body,
                     bad_patch[i].status, bad_patch[i].field);
        resp_free(&r);
    }
    /* The system administrator cannot change itself. */
    snprintf(path, sizeof(path), "/api/v1/staff/%lld", sys.account_id);
    assert_int_equal(
        call_code(&sys, "PATCH", path, "{\"status\":\"disabled\"}", CLIENT_ORIGIN, code), 403);
    assert_string_equal(code, "forbidden");
    assert_int_equal(
        call_code(&sys, "PATCH", path, "{\"roles\":[\"secadmin\"]}", CLIENT_ORIGIN, code), 403);
    /* Not a staff account, or none: 404. */
    snprintf(path, sizeof(path), "/api/v1/staff/%lld", zs.account_id);
    assert_int_equal(
        call_code(&sys, "PATCH", path, "{\"status\":\"disabled\"}", CLIENT_ORIGIN, code), 404);
    assert_int_equal(call_code(&sys, "PATCH", "/api/v1/staff/999999", "{}", CLIENT_ORIGIN, code),
                     404);
    assert_int_equal(call_code(&sys, "PATCH", "/api/v1/staff/abc", "{}", CLIENT_ORIGIN, code), 404);
    assert_int_equal(call_code(&zs, "GET", "/api/v1/me", NULL, 0, code), 200);
    /* clerk01 is unchanged; a valid change works. */
    struct http_resp r;
    json_t *e = staff_entry("clerk01", &r);
    assert_int_equal(json_array_size(json_object_get(e, "roles")), 1);
    assert_string_equal(jstr(e, "status"), "active");
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/staff/%lld", clerk01_id);
    assert_int_equal(call(&sys, "PATCH", path,
                          "{\"roles\":[\"window\",\"reviewer\"],"
                          "\"authority_level\":2}",
                          CLIENT_ORIGIN, &r),
                     200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "account"), "roles")),
                     2);
    resp_free(&r);
}

static void test_disable_ends_sessions(void **state)
{
    (void)state;
    struct http_resp r;
    long long id = create_staff("clerk02", "[\"window\"]", 1, &r);
    if (!id)
        fail_msg("create clerk02: %ld %s", r.status, r.body);
    resp_free(&r);
    struct tb_client c;
    char code[64], path[96];
    must_login("clerk02", STAFF_PW, &c);
    assert_int_equal(
        call_code(&c, "PUT", "/api/v1/me/password",
                  J("{s:s,s:s}", "old_password", STAFF_PW, "new_password", STAFF_PW_NEW),
                  CLIENT_ORIGIN, code),
        204);
    assert_int_equal(call_code(&c, "GET", "/api/v1/me", NULL, 0, code), 200);
    snprintf(path, sizeof(path), "/api/v1/staff/%lld", id);
    assert_int_equal(call(&sys, "PATCH", path, "{\"status\":\"disabled\"}", CLIENT_ORIGIN, &r),
                     200);
    assert_string_equal(jstr(json_object_get(r.json, "account"), "status"), "disabled");
    resp_free(&r);
    assert_int_equal(call_code(&c, "GET", "/api/v1/me", NULL, 0, code), 401);
    assert_string_equal(code, "unauthenticated");
    /* A disabled account cannot log in, and is told no more than anyone. */
    assert_int_equal(login("clerk02", STAFF_PW_NEW, NULL, &r), 401);
    assert_string_equal(problem_code(&r), "login_failed");
    resp_free(&r);
    assert_int_equal(call_code(&sys, "PATCH", path, "{\"status\":\"active\"}", CLIENT_ORIGIN, code),
                     200);
    must_login("clerk02", STAFF_PW_NEW, &c);
}

/* ---- permissions ----------------------------------------------------------------- */

static struct tb_client aud;

static void test_permissions(void **state)
{
    (void)state;
    must_login("auditadmin", DEMO_PASSWORD, &aud);
    const char *staff_body = "{\"username\":\"perm1\",\"name\":\"x\",\"org_id\":1,"
                             "\"roles\":[\"window\"],\"authority_level\":1,"
                             "\"password\":\"" STAFF_PW "\"}";
    const struct {
        const char *who;
        const struct tb_client *as;
        const char *method, *path, *body;
        long status;
        const char *code_or_field;
    } cases[] = {
        {"applicant", &zs, "GET", "/api/v1/staff", NULL, 403, "forbidden"},
        {"applicant", &zs, "GET", "/api/v1/orgs/all", NULL, 403, "forbidden"},
        {"applicant", &zs, "GET", "/api/v1/security/settings", NULL, 403, "forbidden"},
        {"applicant", &zs, "POST", "/api/v1/staff", staff_body, 403, "forbidden"},
        {"window", &win, "GET", "/api/v1/staff", NULL, 403, "forbidden"},
        {"window", &win, "GET", "/api/v1/security/settings", NULL, 403, "forbidden"},
        {"secadmin", &sec, "GET", "/api/v1/staff", NULL, 403, "forbidden"},
        {"secadmin", &sec, "POST", "/api/v1/staff", staff_body, 403, "forbidden"},
        {"secadmin", &sec, "GET", "/api/v1/orgs/all", NULL, 403, "forbidden"},
        {"sysadmin", &sys, "GET", "/api/v1/security/settings", NULL, 403, "forbidden"},
        {"sysadmin", &sys, "PUT", "/api/v1/security/settings", "{\"session_idle_staff_min\":5}",
         403, "forbidden"},
        {"auditadmin", &aud, "GET", "/api/v1/staff", NULL, 403, "forbidden"},
        {"auditadmin", &aud, "GET", "/api/v1/security/settings", NULL, 403, "forbidden"},
        {"auditadmin", &aud, "PUT", "/api/v1/security/settings", "{\"session_idle_staff_min\":5}",
         403, "forbidden"},
        {"sysadmin", &sys, "GET", "/api/v1/staff", NULL, 200, NULL},
        {"sysadmin", &sys, "GET", "/api/v1/orgs/all", NULL, 200, NULL},
        {"secadmin", &sec, "GET", "/api/v1/security/settings", NULL, 200, NULL},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings", "{\"session_idle_staff_min\":15}",
         200, NULL},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings",
         "{\"session_idle_applicant_min\":30,\"pbkdf2_iterations\":10000}", 200, NULL},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings", "{\"session_idle_staff_min\":16}",
         422, "session_idle_staff_min"},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings", "{\"session_idle_staff_min\":0}",
         422, "session_idle_staff_min"},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings",
         "{\"session_idle_applicant_min\":31}", 422, "session_idle_applicant_min"},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings", "{\"pbkdf2_iterations\":9999}", 422,
         "pbkdf2_iterations"},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings", "{\"pbkdf2_iterations\":5000001}",
         422, "pbkdf2_iterations"},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings", "{\"pbkdf2_iterations\":\"fast\"}",
         422, "pbkdf2_iterations"},
        {"secadmin", &sec, "PUT", "/api/v1/security/settings", "{\"lockout_minutes\":1}", 422,
         "lockout_minutes"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_resp r;
        call(cases[i].as, cases[i].method, cases[i].path, cases[i].body, CLIENT_ORIGIN, &r);
        bool ok = r.status == cases[i].status;
        if (ok && cases[i].status == 403)
            ok = strcmp(problem_code(&r), cases[i].code_or_field) == 0;
        if (ok && cases[i].status == 422)
            ok = strcmp(field_of(&r), cases[i].code_or_field) == 0;
        if (!ok)
            fail_msg("%s %s %s: %ld %s (want %ld %s)", cases[i].who, cases[i].method, cases[i].path,
                     r.status, r.body, cases[i].status,
                     cases[i].code_or_field ? cases[i].code_or_field : "");
        resp_free(&r);
    }
    /* The refused changes changed nothing. */
    struct http_resp r;
    assert_int_equal(call(&sec, "GET", "/api/v1/security/settings", NULL, 0, &r), 200);
    json_t *s = json_object_get(r.json, "settings");
    assert_int_equal(json_integer_value(json_object_get(s, "session_idle_staff_min")), 15);
    assert_int_equal(json_integer_value(json_object_get(s, "session_idle_applicant_min")), 30);
    assert_int_equal(json_integer_value(json_object_get(s, "pbkdf2_iterations")), 10000);
    resp_free(&r);
    struct http_resp none;
    assert_int_equal(call(&sys, "GET", "/api/v1/staff", NULL, 0, &none), 200);
    assert_null(strstr(none.body, "perm1"));
    resp_free(&none);
}

/* ---- reveal ---------------------------------------------------------------------- */

static long long staff_id(const char *username)
{
    struct http_resp r;
    json_t *e = staff_entry(username, &r);
    long long id = (long long)json_integer_value(json_object_get(e, "id"));
    resp_free(&r);
    return id;
}

static void test_reveal(void **state)
{
    (void)state;
    assert_true(registered_org.id > 0);
    long long reviewer = staff_id("reviewer01");
    const struct {
        const char *who;
        const struct tb_client *as;
        long long id; /* -1: "abc" */
        const char *body;
        long status;
        const char *value_or_code; /* 200: the value; 4xx: the code, or the field for 422 */
    } cases[] = {
        {"window", &win, zs.account_id,
         "{\"field\":\"id_number\",\"reason\":\"窗口核验申请人身份\"}", 200, "11010519491231002X"},
        {"window", &win, zs.account_id, "{\"field\":\"phone\",\"reason\":\"电话回访申请人\"}", 200,
         "13800138000"},
        {"window", &win, registered_org.id, "{\"field\":\"id_number\",\"reason\":\"核对营业执照\"}",
         200, registered_org.number},
        {"window", &win, zs.account_id, "{\"field\":\"id_number\"}", 422, "reason"},
        {"window", &win, zs.account_id, "{\"field\":\"id_number\",\"reason\":\"\"}", 422, "reason"},
        {"window", &win, zs.account_id, "{\"field\":\"id_number\",\"reason\":\"看看\"}", 422,
         "reason"},
        {"window", &win, zs.account_id, "{\"field\":\"birth_date\",\"reason\":\"窗口核验身份\"}",
         422, "field"},
        {"window", &win, zs.account_id,
         "{\"field\":\"id_number\",\"reason\":\"窗口核验身份\",\"all\":true}", 422, "all"},
        {"window, staff account", &win, reviewer,
         "{\"field\":\"id_number\",\"reason\":\"窗口核验身份\"}", 404, "not_found"},
        {"window, administrator", &win, sys.account_id,
         "{\"field\":\"phone\",\"reason\":\"窗口核验身份\"}", 404, "not_found"},
        {"window, no such account", &win, 999999,
         "{\"field\":\"id_number\",\"reason\":\"窗口核验身份\"}", 404, "not_found"},
        {"window, bad id", &win, -1, "{\"field\":\"id_number\",\"reason\":\"窗口核验身份\"}", 404,
         "not_found"},
        {"sysadmin", &sys, zs.account_id, "{\"field\":\"id_number\",\"reason\":\"系统维护检查\"}",
         403, "forbidden"},
        {"secadmin", &sec, zs.account_id, "{\"field\":\"id_number\",\"reason\":\"安全检查需要\"}",
         403, "forbidden"},
        {"auditadmin", &aud, zs.account_id, "{\"field\":\"phone\",\"reason\":\"审计抽查需要\"}",
         403, "forbidden"},
        {"the applicant", &zs, zs.account_id, "{\"field\":\"id_number\",\"reason\":\"查看本人\"}",
         403, "forbidden"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[96];
        if (cases[i].id < 0)
            snprintf(path, sizeof(path), "/api/v1/accounts/abc/reveal");
        else
            snprintf(path, sizeof(path), "/api/v1/accounts/%lld/reveal", cases[i].id);
        struct http_resp r;
        call(cases[i].as, "POST", path, cases[i].body, CLIENT_ORIGIN, &r);
        bool ok = r.status == cases[i].status;
        if (ok && r.status == 200)
            ok = strcmp(jstr(r.json, "value") ? jstr(r.json, "value") : "",
                        cases[i].value_or_code) == 0;
        else if (ok && r.status == 422)
            ok = strcmp(field_of(&r), cases[i].value_or_code) == 0;
        else if (ok)
            ok = strcmp(problem_code(&r), cases[i].value_or_code) == 0;
        if (!ok)
            fail_msg("reveal %zu (%s): %ld %s (want %ld %s)", i, cases[i].who, r.status, r.body,
                     cases[i].status, cases[i].value_or_code);
        /* Refusals carry nothing of the account. */
        if (r.status != 200) {
            assert_null(strstr(r.body, "002X"));
            assert_null(strstr(r.body, "张三"));
            assert_null(strstr(r.body, "孙审查"));
        }
        resp_free(&r);
    }
}

/* ---- findings beyond the letter of the contract ------------------------------------- */

/* The current password asked by PUT /me/password is a password check like
 * a login: wrong guesses there count toward the account's lockout, or a
 * stolen session (or injected script) could test passwords without limit
 * (OWASP ASVS 4.0.3 V2.2.1; SPEC §15 "lockout after 5 failures"). */
static void test_password_change_guesses_are_limited(void **state)
{
    (void)state;
    struct applicant a;
    register_person(&a, NULL, false);
    struct tb_client c;
    must_login(a.number, APPLICANT_PW, &c);
    char code[64];
    for (int k = 0; k < 5; k++) {
        char guess[40];
        snprintf(guess, sizeof(guess), "Guess-number-%03d", k);
        assert_int_equal(
            call_code(&c, "PUT", "/api/v1/me/password",
                      J("{s:s,s:s}", "old_password", guess, "new_password", "Brand-new-pass-2026"),
                      CLIENT_ORIGIN, code),
            422);
    }
    long st = call_code(
        &c, "PUT", "/api/v1/me/password",
        J("{s:s,s:s}", "old_password", "Guess-number-999", "new_password", "Brand-new-pass-2026"),
        CLIENT_ORIGIN, code);
    if (st != 429)
        fail_msg("6th wrong current password still checked: %ld %s (want 429 rate_limited)", st,
                 code);
}

/* 三权分立 (SPEC §15): the system administrator manages staff, but not the
 * other two administrators, and cannot make administrators: otherwise it
 * disables the auditor who watches it, demotes the security administrator,
 * or makes itself an audit administrator whose first password it chose. */
static void test_sysadmin_cannot_touch_other_administrators(void **state)
{
    (void)state;
    long long secadmin = staff_id("secadmin"), auditadmin = staff_id("auditadmin");
    long long clerk = staff_id("clerk02");
    char path[96], body[600];
    struct {
        const char *what, *method;
        long long id; /* 0: POST /api/v1/staff */
        const char *body;
    } cases[] = {
        {"disable the audit administrator", "PATCH", auditadmin, "{\"status\":\"disabled\"}"},
        {"demote the security administrator", "PATCH", secadmin,
         "{\"roles\":[\"window\"],\"authority_level\":1}"},
        {"promote a clerk to audit administrator", "PATCH", clerk, "{\"roles\":[\"auditadmin\"]}"},
        {"promote a clerk to system administrator", "PATCH", clerk, "{\"roles\":[\"sysadmin\"]}"},
        {"create an audit administrator", "POST", 0, NULL},
    };
    snprintf(body, sizeof(body),
             "{\"username\":\"aud2\",\"name\":\"x\",\"org_id\":%lld,\"roles\":[\"auditadmin\"],"
             "\"password\":\"" STAFF_PW "\"}",
             city_bureau_id);
    cases[4].body = body;
    char report[1024] = "";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].id)
            snprintf(path, sizeof(path), "/api/v1/staff/%lld", cases[i].id);
        else
            snprintf(path, sizeof(path), "/api/v1/staff");
        char code[64];
        long st = call_code(&sys, cases[i].method, path, cases[i].body, CLIENT_ORIGIN, code);
        if (st >= 200 && st < 300) {
            size_t l = strlen(report);
            snprintf(report + l, sizeof(report) - l, "\n  %s: %ld", cases[i].what, st);
        }
    }
    if (report[0])
        fail_msg("the system administrator may:%s", report);
}

/* ---- the leak scan ---------------------------------------------------------------- */

static bool digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

static int num(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* True when p[0..17] is a 居民身份证号: 17 digits and a check character
 * that matches (GB 11643), with a province code and a real birth date from
 * 1900 on (so that hashes and ids in hex do not match by chance). */
static bool id_at(const unsigned char *p)
{
    const char *s = (const char *)p;
    if (!digits(s, 17) || !((s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x'))
        return false;
    char c = s[17] == 'x' ? 'X' : s[17];
    if (id_check_char(s) != c)
        return false;
    int prov = num(s, 2), y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return prov >= 11 && prov <= 82 && y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 &&
           d <= mdays[m - 1];
}

/* Counts leaks in buf: any 居民身份证号 (by the check above, either case of
 * x) and any phone number the run used. Prints each unless quiet. */
static int scan(const char *what, const unsigned char *buf, size_t n, bool quiet)
{
    int found = 0;
    for (size_t i = 0; i + 18 <= n; i++) {
        if (id_at(buf + i) && !quiet) {
            size_t from = i > 40 ? i - 40 : 0;
            fprintf(stderr, "leak in %s at %zu: ...%.*s...\n", what, i, (int)(i - from + 58),
                    (const char *)buf + from);
        }
        found += id_at(buf + i);
    }
    for (int k = 0; k < n_used_phones; k++)
        for (size_t i = 0; i + 11 <= n; i++)
            if (memcmp(buf + i, used_phones[k], 11) == 0) {
                if (!quiet)
                    fprintf(stderr, "phone %s in %s at %zu\n", used_phones[k], what, i);
                found++;
            }
    return found;
}

static int data_leaks;

static int scan_file(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag != FTW_F || sb->st_size == 0)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char *buf = malloc((size_t)sb->st_size);
    size_t n = buf ? fread(buf, 1, (size_t)sb->st_size, f) : 0;
    fclose(f);
    data_leaks += scan(path, buf, n, false);
    free(buf);
    return 0;
}

static void test_no_personal_data_leaks(void **state)
{
    (void)state;
    /* The scanner finds what it must (lowercase x and inside text too). */
    static const char probe[] = "{\"name\":\"11010519491231002x\"} 13800138000";
    assert_int_equal(scan("probe", (const unsigned char *)probe, strlen(probe), true), 2);
    assert_int_equal(scan("probe", (const unsigned char *)"110105194912310021", 18, true), 0);
    assert_true(n_used_ids >= 10);

    /* Every answer of the run (reveals aside). */
    assert_true(seen_len > 10000);
    int in_answers = scan("answers", (const unsigned char *)seen, seen_len, false);

    /* The server's log, at debug level. */
    FILE *f = fopen(srv.log, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *log = malloc((size_t)n + 1);
    assert_int_equal(fread(log, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    log[n] = '\0';
    assert_non_null(strstr(log, "\"access\""));
    /* A sanitizer build of the server reports here too. */
    assert_null(strstr(log, "Sanitizer"));
    assert_null(strstr(log, "runtime error:"));
    assert_non_null(strstr(log, "/api/v1/sessions"));
    int in_log = scan("log", (const unsigned char *)log, (size_t)n, false);
    free(log);

    /* The data directory: numbers are stored sealed, never in plain text. */
    data_leaks = 0;
    assert_int_equal(nftw(srv.data, scan_file, 16, FTW_PHYS), 0);
    if (in_answers || in_log || data_leaks)
        fail_msg("personal data: %d in answers, %d in the log, %d in the data directory",
                 in_answers, in_log, data_leaks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_and_login),
        cmocka_unit_test(test_register_refusals),
        cmocka_unit_test(test_login_failures_and_lockout),
        cmocka_unit_test(test_lockout_holds_for_every_name_of_the_account),
        cmocka_unit_test(test_lockout_under_concurrent_guesses),
        cmocka_unit_test(test_login_failure_timing),
        cmocka_unit_test(test_cookie_and_csrf),
        cmocka_unit_test(test_my_sessions),
        cmocka_unit_test(test_password_change),
        cmocka_unit_test(test_staff_create_and_first_login),
        cmocka_unit_test(test_separation_of_duties),
        cmocka_unit_test(test_disable_ends_sessions),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_reveal),
        cmocka_unit_test(test_password_change_guesses_are_limited),
        cmocka_unit_test(test_sysadmin_cannot_touch_other_administrators),
        cmocka_unit_test(test_no_personal_data_leaks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
