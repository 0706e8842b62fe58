/*
 * test_case_machine.c - the case state machine (src/cases/machine.c).
 *
 * The expected transitions are written out here a second time, as plain
 * "state action role" lines read from docs/cases.md, and every state ×
 * action × role combination (14 × 21 × 4) is checked against the table:
 * what is listed is allowed, everything else refused. Then each guard is
 * exercised with the facts that trip it, and case numbers and query codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "lib/err.h"

static const char *const allowed[] = {
    "draft submit applicant",
    "draft submit window",
    "submitted pre_review window",
    "submitted accept window",
    "submitted refuse window",
    "awaiting_correction refuse window",
    "submitted request_correction window",
    "awaiting_correction supplement applicant",
    "awaiting_correction supplement window",
    "accepted supplement applicant",
    "accepted supplement window",
    "in_review supplement applicant",
    "in_review supplement window",
    "suspended supplement applicant",
    "suspended supplement window",
    "submitted accept_with_missing window",
    "submitted accept_with_commitment window",
    "accepted review handler",
    "in_review review handler",
    "accepted decide handler",
    "accepted decide window",
    "in_review decide handler",
    "in_review decide window",
    "accepted suspend handler",
    "accepted suspend system",
    "in_review suspend handler",
    "in_review suspend system",
    "suspended resume handler",
    "suspended resume system",
    "accepted extend handler",
    "in_review extend handler",
    "suspended extend handler",
    "result_issued deliver window",
    "result_issued deliver handler",
    "result_issued deliver system",
    "denied deliver window",
    "denied deliver handler",
    "denied deliver system",
    "result_issued dispatch window",
    "result_issued dispatch handler",
    "denied dispatch window",
    "denied dispatch handler",
    "draft withdraw applicant",
    "submitted withdraw applicant",
    "awaiting_correction withdraw applicant",
    "accepted withdraw applicant",
    "in_review withdraw applicant",
    "suspended withdraw applicant",
    "accepted terminate handler",
    "in_review terminate handler",
    "suspended terminate handler",
    "approved issue_result system",
    "delivered close system",
    "submitted auto_accept system",
    "accepted recompute_deadlines system",
    "in_review recompute_deadlines system",
    "suspended recompute_deadlines system",
};

static bool listed(enum case_state s, enum case_action a, enum case_role r)
{
    char line[96];
    snprintf(line, sizeof(line), "%s %s %s", case_state_name(s), case_action_name(a),
             case_role_name(r));
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (strcmp(allowed[i], line) == 0)
            return true;
    return false;
}

/* Facts under which no guard objects, for the table walk. */
static struct case_facts permissive(enum case_state s)
{
    struct case_facts f = {
        .state = s,
        .suspended_from = CS_IN_REVIEW,
        .item_instant = true,
        .item_class_b = true,
        .steps_total = 3,
        .steps_done = 2,
        .step_level = 1,
        .actor_level = 4,
        .actor_in_deciding_org = true,
        .actor_window_for_item = true,
        .has_open_missing = true,
        .delivery_post = true,
        .dispatched = true,
    };
    return f;
}

static void test_every_state_action_role(void **state)
{
    (void)state;
    int allowed_count = 0;
    for (int s = 0; s < CS__COUNT; s++)
        for (int a = 0; a < CA__COUNT; a++)
            for (int r = 0; r < CR__COUNT; r++) {
                bool want = listed(s, a, r);
                bool table = case_table_allows(s, a, r);
                if (want != table)
                    fail_msg("%s %s %s: table says %d, docs say %d", case_state_name(s),
                             case_action_name(a), case_role_name(r), table, want);
                struct case_facts f = permissive(s);
                /* a review needs a step left before the decision */
                if (a == CA_REVIEW)
                    f.steps_done = 1;
                /* a dispatch needs a result not posted yet */
                if (a == CA_DISPATCH)
                    f.dispatched = false;
                /* approve is refused while 容缺 materials are open; deny is not */
                struct case_outcome out;
                int rc = case_transition(a, r, &f, false, &out);
                if (want && rc != TB_OK)
                    fail_msg("%s %s %s refused: %s", case_state_name(s), case_action_name(a),
                             case_role_name(r), out.code);
                if (!want) {
                    assert_int_not_equal(rc, TB_OK);
                    assert_non_null(out.code);
                    assert_int_equal(out.to, s); /* nothing moves */
                }
                allowed_count += want;
            }
    assert_int_equal(allowed_count, (int)(sizeof(allowed) / sizeof(allowed[0])));
}

static void test_targets(void **state)
{
    (void)state;
    struct case_outcome out;
    struct case_facts f = permissive(CS_SUBMITTED);
    assert_int_equal(case_transition(CA_ACCEPT, CR_WINDOW, &f, false, &out), TB_OK);
    assert_int_equal(out.to, CS_ACCEPTED);
    assert_true(out.completes_step); /* 受理 is step 1 of 3 */
    assert_int_equal(case_transition(CA_REQUEST_CORRECTION, CR_WINDOW, &f, false, &out), TB_OK);
    assert_int_equal(out.to, CS_AWAITING_CORRECTION);
    f = permissive(CS_IN_REVIEW);
    f.has_open_missing = false;
    assert_int_equal(case_transition(CA_DECIDE, CR_HANDLER, &f, true, &out), TB_OK);
    assert_int_equal(out.to, CS_APPROVED);
    assert_int_equal(case_transition(CA_DECIDE, CR_HANDLER, &f, false, &out), TB_OK);
    assert_int_equal(out.to, CS_DENIED);
    f = permissive(CS_SUSPENDED);
    f.suspended_from = CS_ACCEPTED;
    assert_int_equal(case_transition(CA_RESUME, CR_HANDLER, &f, false, &out), TB_OK);
    assert_int_equal(out.to, CS_ACCEPTED);
    f = permissive(CS_IN_REVIEW);
    assert_int_equal(case_transition(CA_EXTEND, CR_HANDLER, &f, false, &out), TB_OK);
    assert_int_equal(out.to, CS_IN_REVIEW);
}

static void expect_refused(enum case_action a, enum case_role r, const struct case_facts *f,
                           bool approve, const char *code)
{
    struct case_outcome out;
    int rc = case_transition(a, r, f, approve, &out);
    if (rc == TB_OK || !out.code || strcmp(out.code, code) != 0)
        fail_msg("%s: want %s, got rc %d code %s", case_action_name(a), code, rc,
                 out.code ? out.code : "(none)");
    assert_int_equal(out.to, f->state);
}

static void test_guards(void **state)
{
    (void)state;
    struct case_facts f = permissive(CS_SUBMITTED);
    f.item_class_b = false;
    expect_refused(CA_ACCEPT_WITH_MISSING, CR_WINDOW, &f, false, "not_class_b");
    f = permissive(CS_SUBMITTED);
    f.applicant_dishonest = true;
    expect_refused(CA_ACCEPT_WITH_MISSING, CR_WINDOW, &f, false, "dishonest_applicant");

    /* a level-2 reviewer cannot take a level-3 decision */
    f = permissive(CS_IN_REVIEW);
    f.has_open_missing = false;
    f.step_level = 3;
    f.actor_level = 2;
    expect_refused(CA_DECIDE, CR_HANDLER, &f, true, "authority_level_too_low");
    /* no decision before the steps (体外循环) */
    f = permissive(CS_ACCEPTED);
    f.has_open_missing = false;
    f.steps_done = 1;
    expect_refused(CA_DECIDE, CR_HANDLER, &f, true, "steps_pending");
    /* no review once only the decision is left */
    f = permissive(CS_IN_REVIEW);
    f.steps_done = 2;
    expect_refused(CA_REVIEW, CR_HANDLER, &f, false, "decision_due");
    /* own case, the accepting clerk, another organisation */
    f = permissive(CS_IN_REVIEW);
    f.has_open_missing = false;
    f.actor_is_applicant = true;
    expect_refused(CA_DECIDE, CR_HANDLER, &f, true, "own_case");
    f = permissive(CS_IN_REVIEW);
    f.has_open_missing = false;
    f.actor_accepted_case = true;
    expect_refused(CA_DECIDE, CR_HANDLER, &f, true, "accepted_by_actor");
    f = permissive(CS_IN_REVIEW);
    f.actor_in_deciding_org = false;
    expect_refused(CA_DECIDE, CR_HANDLER, &f, false, "not_deciding_org");
    expect_refused(CA_TERMINATE, CR_HANDLER, &f, false, "not_deciding_org");
    /* 审决合一 only for instant items at an authorised window */
    f = permissive(CS_ACCEPTED);
    f.has_open_missing = false;
    f.item_instant = false;
    expect_refused(CA_DECIDE, CR_WINDOW, &f, true, "window_not_authorised");
    f = permissive(CS_ACCEPTED);
    f.has_open_missing = false;
    f.actor_window_for_item = false;
    expect_refused(CA_DECIDE, CR_WINDOW, &f, true, "window_not_authorised");
    f = permissive(CS_ACCEPTED);
    f.has_open_missing = false;
    f.actor_accepted_case = true; /* the same clerk accepts and decides an instant item */
    struct case_outcome out;
    assert_int_equal(case_transition(CA_DECIDE, CR_WINDOW, &f, true, &out), TB_OK);
    assert_int_equal(out.to, CS_APPROVED);
    /* 容缺: approval waits for the materials, denial does not */
    f = permissive(CS_IN_REVIEW);
    expect_refused(CA_DECIDE, CR_HANDLER, &f, true, "missing_materials_open");
    assert_int_equal(case_transition(CA_DECIDE, CR_HANDLER, &f, false, &out), TB_OK);
    /* extension needs a level above the step's */
    f = permissive(CS_IN_REVIEW);
    f.step_level = 3;
    f.actor_level = 3;
    expect_refused(CA_EXTEND, CR_HANDLER, &f, false, "extension_needs_higher_level");

    /* post: dispatched once, delivered only after */
    f = permissive(CS_RESULT_ISSUED);
    f.delivery_post = false;
    expect_refused(CA_DISPATCH, CR_WINDOW, &f, false, "not_by_post");
    f.delivery_post = true;
    expect_refused(CA_DISPATCH, CR_WINDOW, &f, false, "already_dispatched");
    f.dispatched = false;
    expect_refused(CA_DELIVER, CR_WINDOW, &f, false, "not_dispatched");
    assert_int_equal(case_transition(CA_DISPATCH, CR_WINDOW, &f, false, &out), TB_OK);
    assert_int_equal(out.to, CS_RESULT_ISSUED);
    /* a supplement needs something to supplement */
    f = permissive(CS_IN_REVIEW);
    f.has_open_missing = false;
    expect_refused(CA_SUPPLEMENT, CR_APPLICANT, &f, false, "nothing_to_supplement");
    /* the role check comes before the guards */
    f = permissive(CS_SUBMITTED);
    expect_refused(CA_ACCEPT, CR_APPLICANT, &f, false, "role_not_allowed");
    f = permissive(CS_CLOSED);
    expect_refused(CA_WITHDRAW, CR_APPLICANT, &f, false, "invalid_transition");
}

static void test_names(void **state)
{
    (void)state;
    for (int s = 0; s < CS__COUNT; s++) {
        enum case_state back;
        assert_int_equal(case_state_parse(case_state_name(s), &back), TB_OK);
        assert_int_equal(back, s);
        assert_string_not_equal(case_state_zh(s), "未知");
    }
    enum case_action a;
    assert_int_equal(case_action_parse("accept_with_missing", &a), TB_OK);
    assert_int_equal(a, CA_ACCEPT_WITH_MISSING);
    /* the platform's own actions cannot be requested */
    assert_int_equal(case_action_parse("issue_result", &a), TB_ERR_INVALID);
    assert_int_equal(case_action_parse("auto_accept", &a), TB_ERR_INVALID);
    assert_int_equal(case_action_parse("approve", &a), TB_ERR_INVALID);
}

static void test_numbers(void **state)
{
    (void)state;
    char no[32], code[16];
    case_no_make(2026, 11, 24, 12345678, no, sizeof(no));
    assert_int_equal(strlen(no), CASE_NO_LEN);
    assert_memory_equal(no, "TB2026112412345678", 18);
    assert_true(case_no_valid(no));
    /* every single-digit change is caught by the check digit */
    for (int i = 2; i < CASE_NO_LEN; i++) {
        char bad[32];
        memcpy(bad, no, sizeof(bad));
        bad[i] = (char)('0' + (bad[i] - '0' + 1) % 10);
        assert_false(case_no_valid(bad));
    }
    assert_false(case_no_valid("TB123"));
    assert_false(case_no_valid(NULL));
    assert_false(case_no_valid("XX20261124123456780"));
    query_code_make(0xFFFFFFFFFFULL, code, sizeof(code));
    assert_int_equal(strlen(code), QUERY_CODE_LEN);
    assert_true(query_code_valid(code));
    assert_null(strpbrk(code, "01OIL"));
    assert_false(query_code_valid("ABCDEFG0"));
    assert_false(query_code_valid("ABC"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_state_action_role),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_guards),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
