/*
 * test_rules_api.c - the calendar and identifier endpoints against a real
 * server: answers for good input, a clear 422 naming the field for bad input.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static struct test_server srv;

static int setup(void **state)
{
    (void)state;
    return server_start(&srv, true, NULL);
}

static int teardown(void **state)
{
    (void)state;
    return server_stop(&srv) == 0 ? 0 : -1;
}

/* RULE: 国办发明电〔2023〕7号 (2024 holidays), 国办发明电〔2024〕12号 (2025) */
static const struct {
    const char *date;
    bool workday;
    const char *name; /* NULL: an ordinary day */
} days[] = {
    {"2024-02-04", true, "春节调休"}, /* Sunday worked */
    {"2024-02-10", false, "春节"},    {"2024-02-17", false, "春节"},
    {"2024-02-19", true, NULL},       {"2024-10-01", false, "国庆节"},
    {"2025-01-26", true, "春节调休"}, {"2025-05-05", false, "劳动节"},
    {"2026-11-23", true, NULL},  /* an ordinary Monday */
    {"2026-11-22", false, NULL}, /* an ordinary Sunday */
};

static void test_calendar_days(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/calendar/days/%s", days[i].date);
        struct http_resp r;
        assert_int_equal(http_req(&srv, "GET", path, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(json_string_value(json_object_get(r.json, "date")), days[i].date);
        assert_int_equal(json_is_true(json_object_get(r.json, "workday")), days[i].workday);
        json_t *name = json_object_get(r.json, "name");
        if (days[i].name)
            assert_string_equal(json_string_value(name), days[i].name);
        else
            assert_true(json_is_null(name));
        if (days[i].name)
            assert_non_null(json_string_value(json_object_get(r.json, "notice")));
        assert_true(json_is_false(json_object_get(r.json, "provisional")));
        resp_free(&r);
    }
}

static void test_calendar_day_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {"2023-02-29", "2024-2-1",   "2024-02-01x",
                                      "yesterday",  "2024-13-01", "0000-00-00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/calendar/days/%s", bad[i]);
        struct http_resp r;
        assert_int_equal(http_req(&srv, "GET", path, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 422);
        assert_string_equal(problem_code(&r), "invalid_value");
        assert_string_equal(json_string_value(json_object_get(r.json, "field")), "date");
        resp_free(&r);
    }
}

/* RULE: 行政许可法 §82 / 民法典 §201 deadlines count working days from the next day */
static const struct {
    const char *query;
    const char *date;
} adds[] = {
    {"from=2024-09-27&workdays=5", "2024-10-10"}, /* over National Day, 9-29 worked */
    {"from=2024-02-08&workdays=1", "2024-02-09"},
    {"from=2024-02-09&workdays=1", "2024-02-18"}, /* Sunday worked after 春节 */
    {"from=2026-11-20&workdays=1", "2026-11-23"}, /* Friday + 1 = Monday */
    {"from=2026-11-20&workdays=0", "2026-11-20"},
    {"from=2024-01-01&workdays=20", "2024-01-29"},
};

static void test_calendar_add(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++) {
        char path[160];
        snprintf(path, sizeof(path), "/api/v1/calendar/add?%s", adds[i].query);
        struct http_resp r;
        assert_int_equal(http_req(&srv, "GET", path, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(json_string_value(json_object_get(r.json, "date")), adds[i].date);
        resp_free(&r);
    }
}

static const struct {
    const char *query;
    const char *field;
    const char *code;
} add_errors[] = {
    {"workdays=5", "from", "invalid_value"},
    {"from=2024-09-27", "workdays", "invalid_value"},
    {"from=2024-09-31&workdays=5", "from", "invalid_value"},
    {"from=2024-09-27&workdays=-1", "workdays", "invalid_value"},
    {"from=2024-09-27&workdays=five", "workdays", "invalid_value"},
    {"from=2024-09-27&workdays=2501", "workdays", "invalid_value"},
    {"from=2024-09-27&workdays=99999999999999999999", "workdays", "invalid_value"},
    {"from=2017-06-01&workdays=5", "from", "out_of_range"},
    {"from=2027-12-01&workdays=100", "from", "out_of_range"},
};

static void test_calendar_add_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(add_errors) / sizeof(add_errors[0]); i++) {
        char path[160];
        snprintf(path, sizeof(path), "/api/v1/calendar/add?%s", add_errors[i].query);
        struct http_resp r;
        assert_int_equal(http_req(&srv, "GET", path, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 422);
        assert_string_equal(problem_code(&r), add_errors[i].code);
        assert_string_equal(json_string_value(json_object_get(r.json, "field")),
                            add_errors[i].field);
        resp_free(&r);
    }
}

/* RULE: GB 11643-1999 and GB 32100-2015 check characters */
static const struct {
    const char *kind, *number;
    bool valid;
    const char *reason;
    const char *masked;
} idents[] = {
    {"person", "11010519491231002X", true, NULL, "110***********002X"},
    {"person", "11010519491231002x", true, NULL, "110***********002X"},
    {"person", "110105194912310021", false, "bad_check_digit", "110***********0021"},
    {"person", "11010519491331002X", false, "bad_birth_date", NULL},
    {"person", "99010519491231002X", false, "bad_region", NULL},
    {"person", "110105491231002", false, "old_15_digit", NULL},
    {"person", "1101051949123100", false, "wrong_length", NULL},
    {"person", "11010519A91231002X", false, "bad_character", NULL},
    {"org", "91350100M000100Y43", true, NULL, "913***********0Y43"},
    {"org", "91350100M000100Y44", false, "bad_check_digit", NULL},
    {"org", "91350100M0001O0Y43", false, "bad_character", NULL},
    {"org", "", false, "empty", NULL},
};

static void test_identifiers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body), "{\"kind\":\"%s\",\"number\":\"%s\"}", idents[i].kind,
                 idents[i].number);
        const char *const ct[] = {"Content-Type: application/json", NULL};
        struct http_resp r;
        assert_int_equal(
            http_req(&srv, "POST", "/api/v1/identifiers/check", ct, body, (size_t)-1, &r), 0);
        if (!idents[i].number[0]) {
            /* An empty required string is refused before checking. */
            assert_int_equal(r.status, 422);
            assert_string_equal(json_string_value(json_object_get(r.json, "field")), "number");
            resp_free(&r);
            continue;
        }
        assert_int_equal(r.status, 200);
        assert_int_equal(json_is_true(json_object_get(r.json, "valid")), idents[i].valid);
        if (idents[i].reason) {
            assert_string_equal(json_string_value(json_object_get(r.json, "reason")),
                                idents[i].reason);
            assert_non_null(json_string_value(json_object_get(r.json, "message")));
        }
        const char *masked = json_string_value(json_object_get(r.json, "masked"));
        if (idents[i].masked)
            assert_string_equal(masked, idents[i].masked);
        /* The birth date never comes back. */
        if (strcmp(idents[i].kind, "person") == 0 && strlen(idents[i].number) == 18) {
            char birth[9];
            memcpy(birth, idents[i].number + 6, 8);
            birth[8] = '\0';
            assert_null(strstr(r.body, birth));
        }
        resp_free(&r);
    }
}

static void test_identifiers_get_and_language(void **state)
{
    (void)state;
    struct http_resp r;
    const char *const en[] = {"Accept-Language: en", NULL};
    assert_int_equal(http_req(&srv, "GET",
                              "/api/v1/identifiers/check?kind=person&number=110105194912310021", en,
                              NULL, 0, &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_true(json_is_false(json_object_get(r.json, "valid")));
    const char *msg = json_string_value(json_object_get(r.json, "message"));
    assert_non_null(msg);
    assert_true(msg[0] >= 'A' && msg[0] <= 'Z'); /* English text */
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/api/v1/identifiers/check?kind=passport&number=1", NULL,
                              NULL, 0, &r),
                     0);
    assert_int_equal(r.status, 422);
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "kind");
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/api/v1/identifiers/check?kind=org", NULL, NULL, 0, &r),
                     0);
    assert_int_equal(r.status, 422);
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "number");
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_days), cmocka_unit_test(test_calendar_day_errors),
        cmocka_unit_test(test_calendar_add),  cmocka_unit_test(test_calendar_add_errors),
        cmocka_unit_test(test_identifiers),   cmocka_unit_test(test_identifiers_get_and_language),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
