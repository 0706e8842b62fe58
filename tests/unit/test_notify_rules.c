/*
 * test_notify_rules.c - the parts of notifications that need no server
 * (src/notify): the retry rule of the outbox, the case-state texts, the log
 * gateway's line (one line of five fields, whatever the texts hold) and its
 * files (DATA/outbox 0700, <channel>.log 0600), and the settings that name
 * gateways. Tables: a new case is a new row.
 */
#include "notify/notify.h"
#include "lib/config.h"
#include "lib/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

/* ---- the outbox's retry rule ----------------------------------------------------------- */

static void test_outcome(void **state)
{
    (void)state;
    static const struct {
        int attempts_before, rc;
        enum notify_outcome want;
    } rows[] = {
        {0, 0, NOTIFY_SENT},
        {4, 0, NOTIFY_SENT},
        {0, TB_ERR_IO, NOTIFY_RETRY},
        {3, TB_ERR_UNAVAILABLE, NOTIFY_RETRY},
        {NOTIFY_ATTEMPTS_MAX - 1, TB_ERR_IO, NOTIFY_FAILED}, /* the fifth attempt failed */
        {NOTIFY_ATTEMPTS_MAX, TB_ERR_IO, NOTIFY_FAILED},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (notify_outcome_of(rows[i].attempts_before, rows[i].rc) != rows[i].want)
            fail_msg("row %zu: attempts %d rc %d", i, rows[i].attempts_before, rows[i].rc);
}

/* ---- case-state texts ---------------------------------------------------------------- */

static void test_case_body(void **state)
{
    (void)state;
    static const struct {
        const char *state, *zh;
        bool agent;
        const char *want;
    } rows[] = {
        {"submitted", "已提交", false,
         "您申请的“出生登记”（办件编号 TB20261124000100001）已提交，等待受理。"},
        {"accepted", "已受理", false, "您申请的“出生登记”（办件编号 TB20261124000100001）已受理。"},
        {"accepted", "已受理", true, "您代办的“出生登记”（办件编号 TB20261124000100001）已受理。"},
        {"some_new_state", "新状态", false,
         "您申请的“出生登记”（办件编号 TB20261124000100001）状态变更为“新状态”。"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[NOTIFY_BODY_MAX_BYTES + 1];
        notify_case_body(rows[i].state, rows[i].zh, "出生登记", "TB20261124000100001",
                         rows[i].agent, out, sizeof(out));
        assert_string_equal(out, rows[i].want);
    }
    /* a buffer too small is cut, never overrun */
    char small[24];
    memset(small, 'x', sizeof(small));
    notify_case_body("accepted", "已受理", "出生登记", "TB20261124000100001", false, small,
                     sizeof(small));
    assert_true(memchr(small, '\0', sizeof(small)) != NULL);
}

/* ---- the log gateway ------------------------------------------------------------------ */

static void test_log_line(void **state)
{
    (void)state;
    struct notify_msg m = {7,
                           "sms",
                           "138****8000",
                           "办件状态变更：已受理",
                           "第一行\n第二行\t制表\r回车",
                           1795500000000LL};
    char line[NOTIFY_LOG_LINE_MAX];
    assert_int_equal(notify_log_line(&m, line, sizeof(line)), 0);
    /* five fields, four tabs, one line break at the end */
    size_t tabs = 0, breaks = 0;
    for (const char *p = line; *p; p++) {
        tabs += *p == '\t';
        breaks += *p == '\n' || *p == '\r';
    }
    assert_int_equal(tabs, 4);
    assert_int_equal(breaks, 1);
    assert_int_equal(line[strlen(line) - 1], '\n');
    assert_non_null(
        strstr(line, "\tsms\t138****8000\t办件状态变更：已受理\t第一行 第二行 制表 回车\n"));
    assert_int_equal(strncmp(line, "2026-11-24T", 11), 0);
    /* limits: a line that does not fit is refused, not cut */
    size_t need = strlen(line) + 1;
    char exact[NOTIFY_LOG_LINE_MAX];
    assert_int_equal(notify_log_line(&m, exact, need), 0);
    assert_string_equal(exact, line);
    assert_int_equal(notify_log_line(&m, exact, need - 1), TB_ERR_TOO_LARGE);
    assert_int_equal(notify_log_line(&m, exact, 0), TB_ERR_TOO_LARGE);
}

static void test_log_gateway_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/tb-notify-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct notify_gateway gw;
    assert_int_equal(notify_gateway_get("log", dir, &gw), 0);
    assert_non_null(gw.send);
    struct notify_msg m = {1, "wechat", "zhangsan", "标题", "正文", 1795500000000LL};
    assert_int_equal(gw.send(&gw, &m), 0);
    m.id = 2;
    assert_int_equal(gw.send(&gw, &m), 0);
    char path[128];
    struct stat st;
    snprintf(path, sizeof(path), "%s/outbox", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/outbox/wechat.log", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[512];
    int lines = 0;
    while (fgets(buf, sizeof(buf), f))
        lines++;
    fclose(f);
    assert_int_equal(lines, 2);
    /* a channel name that is not a plain word never becomes a path */
    m.channel = "../x";
    assert_int_equal(gw.send(&gw, &m), TB_ERR_INVALID);
    unlink(path);
    snprintf(path, sizeof(path), "%s/outbox", dir);
    rmdir(path);
    rmdir(dir);

    /* none sends nothing; an unknown name is no gateway */
    assert_int_equal(notify_gateway_get("none", dir, &gw), 0);
    assert_null(gw.send);
    assert_int_equal(notify_gateway_get("carrier-pigeon", dir, &gw), TB_ERR_INVALID);
}

/* ---- settings ------------------------------------------------------------------------- */

static void test_settings(void **state)
{
    (void)state;
    struct tb_config c;
    char err[256];
    tb_config_defaults(&c);
    assert_string_equal(notify_channel_gateway(&c, "sms"), "log");
    assert_string_equal(notify_channel_gateway(&c, "wechat"), "log");
    assert_null(notify_channel_gateway(&c, "fax"));
    static const struct {
        const char *key, *value;
        int rc;
    } rows[] = {
        {"notify_sms", "none", 0},
        {"notify_sms", "log", 0},
        {"notify_wechat", "none", 0},
        {"notify_sms", "", TB_ERR_INVALID},
        {"notify_sms", "lo", TB_ERR_INVALID},
        {"notify_sms", "logs", TB_ERR_INVALID},
        {"notify_wechat", "smtp", TB_ERR_INVALID},
        {"notify_wechat", "LOG", TB_ERR_INVALID},
        {"notify_sms", "log|none", TB_ERR_INVALID},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int rc = tb_config_set(&c, rows[i].key, rows[i].value, "test", err, sizeof(err));
        if (rc != rows[i].rc)
            fail_msg("%s=%s: %d, want %d (%s)", rows[i].key, rows[i].value, rc, rows[i].rc, err);
        if (rc == 0)
            assert_true(notify_gateway_known(notify_channel_gateway(
                &c, strcmp(rows[i].key, "notify_sms") == 0 ? "sms" : "wechat")));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcome),  cmocka_unit_test(test_case_body),
        cmocka_unit_test(test_log_line), cmocka_unit_test(test_log_gateway_files),
        cmocka_unit_test(test_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
