/*
 * machine.c - the case state machine (docs/cases.md): one transition table,
 * the guards that need the case's facts, and case numbers and query codes.
 */
#include "cases/cases.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "lib/err.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define S(x)     CASE_STATE_BIT(CS_##x)
#define R(x)     (1u << CR_##x)

static const struct {
    const char *name, *zh;
} states[CS__COUNT] = {
    [CS_DRAFT] = {"draft", "草稿"},
    [CS_SUBMITTED] = {"submitted", "已提交"},
    [CS_AWAITING_CORRECTION] = {"awaiting_correction", "待补正"},
    [CS_ACCEPTED] = {"accepted", "已受理"},
    [CS_IN_REVIEW] = {"in_review", "审查中"},
    [CS_SUSPENDED] = {"suspended", "已挂起"},
    [CS_APPROVED] = {"approved", "准予许可"},
    [CS_RESULT_ISSUED] = {"result_issued", "已出证"},
    [CS_DENIED] = {"denied", "不予许可"},
    [CS_DELIVERED] = {"delivered", "已送达"},
    [CS_CLOSED] = {"closed", "已办结"},
    [CS_REFUSED] = {"refused", "不予受理"},
    [CS_WITHDRAWN] = {"withdrawn", "已撤回"},
    [CS_TERMINATED] = {"terminated", "已终止"},
};

static const char *const actions[CA__COUNT] = {
    [CA_SUBMIT] = "submit",
    [CA_PRE_REVIEW] = "pre_review",
    [CA_ACCEPT] = "accept",
    [CA_REFUSE] = "refuse",
    [CA_REQUEST_CORRECTION] = "request_correction",
    [CA_SUPPLEMENT] = "supplement",
    [CA_ACCEPT_WITH_MISSING] = "accept_with_missing",
    [CA_ACCEPT_WITH_COMMITMENT] = "accept_with_commitment",
    [CA_REVIEW] = "review",
    [CA_DECIDE] = "decide",
    [CA_SUSPEND] = "suspend",
    [CA_RESUME] = "resume",
    [CA_EXTEND] = "extend",
    [CA_DELIVER] = "deliver",
    [CA_DISPATCH] = "dispatch",
    [CA_WITHDRAW] = "withdraw",
    [CA_TERMINATE] = "terminate",
    [CA_ISSUE_RESULT] = "issue_result",
    [CA_CLOSE] = "close",
    [CA_AUTO_ACCEPT] = "auto_accept",
    [CA_RECOMPUTE] = "recompute_deadlines",
};

static const char *const roles[CR__COUNT] = {
    [CR_APPLICANT] = "applicant",
    [CR_WINDOW] = "window",
    [CR_HANDLER] = "handler",
    [CR_SYSTEM] = "system",
};

const char *case_state_name(enum case_state s)
{
    return (unsigned)s < CS__COUNT ? states[s].name : "unknown";
}

const char *case_state_zh(enum case_state s)
{
    return (unsigned)s < CS__COUNT ? states[s].zh : "未知";
}

int case_state_parse(const char *s, enum case_state *out)
{
    for (int i = 0; s && i < CS__COUNT; i++)
        if (strcmp(states[i].name, s) == 0) {
            *out = (enum case_state)i;
            return TB_OK;
        }
    return TB_ERR_INVALID;
}

const char *case_action_name(enum case_action a)
{
    return (unsigned)a < CA__COUNT ? actions[a] : "unknown";
}

int case_action_parse(const char *s, enum case_action *out)
{
    /* the platform's own actions are not for users to name */
    for (int i = 0; s && i < CA_ISSUE_RESULT; i++)
        if (strcmp(actions[i], s) == 0) {
            *out = (enum case_action)i;
            return TB_OK;
        }
    return TB_ERR_INVALID;
}

const char *case_role_name(enum case_role r)
{
    return (unsigned)r < CR__COUNT ? roles[r] : "unknown";
}

/* to: a state, or one of these */
#define TO_SAME    (-1) /* the state does not change */
#define TO_RESUME  (-2) /* back to the state the suspension left */
#define TO_DECIDED (-3) /* approved or denied */

/* RULE: SPEC §5 only these transitions exist. */
static const struct transition {
    enum case_action action;
    unsigned from;  /* CASE_STATE_BIT set */
    unsigned roles; /* R() set */
    int to;
} table[] = {
    {CA_SUBMIT, S(DRAFT), R(APPLICANT) | R(WINDOW), CS_SUBMITTED},
    {CA_PRE_REVIEW, S(SUBMITTED), R(WINDOW), TO_SAME},
    {CA_ACCEPT, S(SUBMITTED), R(WINDOW), CS_ACCEPTED},
    {CA_REFUSE, S(SUBMITTED) | S(AWAITING_CORRECTION), R(WINDOW), CS_REFUSED},
    {CA_REQUEST_CORRECTION, S(SUBMITTED), R(WINDOW), CS_AWAITING_CORRECTION},
    {CA_SUPPLEMENT, S(AWAITING_CORRECTION), R(APPLICANT) | R(WINDOW), CS_SUBMITTED},
    {CA_SUPPLEMENT, S(ACCEPTED) | S(IN_REVIEW) | S(SUSPENDED), R(APPLICANT) | R(WINDOW), TO_SAME},
    {CA_ACCEPT_WITH_MISSING, S(SUBMITTED), R(WINDOW), CS_ACCEPTED},
    {CA_ACCEPT_WITH_COMMITMENT, S(SUBMITTED), R(WINDOW), CS_ACCEPTED},
    {CA_REVIEW, S(ACCEPTED) | S(IN_REVIEW), R(HANDLER), CS_IN_REVIEW},
    {CA_DECIDE, S(ACCEPTED) | S(IN_REVIEW), R(HANDLER) | R(WINDOW), TO_DECIDED},
    {CA_SUSPEND, S(ACCEPTED) | S(IN_REVIEW), R(HANDLER) | R(SYSTEM), CS_SUSPENDED},
    {CA_RESUME, S(SUSPENDED), R(HANDLER) | R(SYSTEM), TO_RESUME},
    {CA_EXTEND, S(ACCEPTED) | S(IN_REVIEW) | S(SUSPENDED), R(HANDLER), TO_SAME},
    {CA_DELIVER, S(RESULT_ISSUED) | S(DENIED), R(WINDOW) | R(HANDLER) | R(SYSTEM), CS_DELIVERED},
    {CA_DISPATCH, S(RESULT_ISSUED) | S(DENIED), R(WINDOW) | R(HANDLER), TO_SAME},
    {CA_WITHDRAW,
     S(DRAFT) | S(SUBMITTED) | S(AWAITING_CORRECTION) | S(ACCEPTED) | S(IN_REVIEW) | S(SUSPENDED),
     R(APPLICANT), CS_WITHDRAWN},
    {CA_TERMINATE, S(ACCEPTED) | S(IN_REVIEW) | S(SUSPENDED), R(HANDLER), CS_TERMINATED},
    {CA_ISSUE_RESULT, S(APPROVED), R(SYSTEM), CS_RESULT_ISSUED},
    {CA_CLOSE, S(DELIVERED), R(SYSTEM), CS_CLOSED},
    {CA_AUTO_ACCEPT, S(SUBMITTED), R(SYSTEM), CS_ACCEPTED},
    {CA_RECOMPUTE, S(ACCEPTED) | S(IN_REVIEW) | S(SUSPENDED), R(SYSTEM), TO_SAME},
};

static const struct transition *find(enum case_state s, enum case_action a)
{
    for (size_t i = 0; i < COUNT(table); i++)
        if (table[i].action == a && (table[i].from & CASE_STATE_BIT(s)))
            return &table[i];
    return NULL;
}

bool case_table_allows(enum case_state s, enum case_action a, enum case_role r)
{
    const struct transition *t = find(s, a);
    return t && (t->roles & (1u << r));
}

static int refuse(struct case_outcome *out, int err, const char *code, const char *zh,
                  const char *en)
{
    out->code = code;
    out->zh = zh;
    out->en = en;
    return err;
}

/* The guards: what the table cannot see. Returns 0 or a refusal. */
static int guards(enum case_action a, enum case_role r, const struct case_facts *f, bool approve,
                  struct case_outcome *out)
{
    int last = f->steps_total > 0 ? f->steps_total - 1 : 0;
    switch (a) {
    case CA_ACCEPT_WITH_MISSING:
        /* RULE: SPEC §4 容缺受理 is for B class items only */
        if (!f->item_class_b)
            return refuse(out, TB_ERR_FORBIDDEN, "not_class_b", "只有 B 类事项可以容缺受理",
                          "Only class B items can be accepted with materials missing");
        /* RULE: SPEC §16 dishonest-list subjects are excluded from 容缺 */
        if (f->applicant_dishonest)
            return refuse(out, TB_ERR_FORBIDDEN, "dishonest_applicant",
                          "申请人在失信名单中，不适用容缺受理",
                          "The applicant is on the dishonest list: no acceptance with missing "
                          "materials");
        break;
    case CA_SUPPLEMENT:
        if (f->state != CS_AWAITING_CORRECTION && !f->has_open_missing)
            return refuse(out, TB_ERR_CONFLICT, "nothing_to_supplement", "没有待补交的材料",
                          "No material is waiting to be supplied");
        break;
    case CA_REVIEW:
    case CA_DECIDE: {
        /* RULE: SPEC §4 the applicant never decides their own case */
        if (f->actor_is_applicant)
            return refuse(out, TB_ERR_FORBIDDEN, "own_case", "不能审批自己申请的办件",
                          "Nobody acts on a case they applied for");
        bool window_instant =
            r == CR_WINDOW && a == CA_DECIDE && f->item_instant && f->actor_window_for_item;
        if (r == CR_WINDOW && !window_instant)
            return refuse(out, TB_ERR_FORBIDDEN, "window_not_authorised",
                          "只有获授权的窗口可以当场决定即办件（审决合一）",
                          "Only a window authorised for this instant item decides at once");
        /* RULE: SPEC §5 each step needs a user of its authority level in
         * the deciding organisation (the authorised window stands in for
         * it for an instant item) */
        if (r == CR_HANDLER && !f->actor_in_deciding_org)
            return refuse(out, TB_ERR_FORBIDDEN, "not_deciding_org", "不是该事项的办理机构人员",
                          "Not staff of the deciding organisation");
        if (f->actor_level < f->step_level)
            return refuse(out, TB_ERR_FORBIDDEN, "authority_level_too_low",
                          "审批权限级别不足，不能办理本环节",
                          "The step needs a higher authority level");
        /* RULE: SPEC §5 no 体外循环: a decision only after every step before it */
        if (a == CA_DECIDE && f->steps_done < last)
            return refuse(out, TB_ERR_CONFLICT, "steps_pending",
                          "前序办理环节尚未完成，不能作出决定",
                          "Earlier steps are not done; no decision yet");
        if (a == CA_REVIEW && f->steps_done >= last)
            return refuse(out, TB_ERR_CONFLICT, "decision_due", "审查环节已完成，下一步是决定",
                          "Review is done; the decision is next");
        /* RULE: SPEC §4 the accepting clerk does not decide the case it
         * accepted, except an instant item decided at the window */
        if (a == CA_DECIDE && f->actor_accepted_case && !window_instant)
            return refuse(out, TB_ERR_FORBIDDEN, "accepted_by_actor",
                          "受理人不能决定自己受理的办件", "The accepting clerk does not decide");
        /* RULE: SPEC §16 容缺: no result while materials are missing */
        if (a == CA_DECIDE && approve && f->has_open_missing)
            return refuse(out, TB_ERR_CONFLICT, "missing_materials_open",
                          "容缺材料尚未补齐，不能准予许可",
                          "Missing materials are not supplied yet: no approval");
        break;
    }
    case CA_EXTEND:
        /* RULE: SPEC §5 an extension needs a higher authority */
        if (!f->actor_in_deciding_org || f->actor_level <= f->step_level)
            return refuse(out, TB_ERR_FORBIDDEN, "extension_needs_higher_level",
                          "延期须由更高审批权限的人员批准",
                          "An extension needs someone above the step's authority level");
        break;
    case CA_DISPATCH:
        /* RULE: SPEC §8 post: dispatched once, with its tracking number */
        if (!f->delivery_post)
            return refuse(out, TB_ERR_CONFLICT, "not_by_post", "申请人未选择邮寄送达",
                          "The applicant did not choose delivery by post");
        if (f->dispatched)
            return refuse(out, TB_ERR_CONFLICT, "already_dispatched", "结果已交寄",
                          "The result has been posted already");
        break;
    case CA_DELIVER:
        if (f->delivery_post && !f->dispatched && r != CR_SYSTEM)
            return refuse(out, TB_ERR_CONFLICT, "not_dispatched", "邮寄送达须先交寄并登记运单号",
                          "Post the result with its tracking number first");
        break;
    case CA_SUSPEND:
    case CA_RESUME:
    case CA_TERMINATE:
        if (r == CR_HANDLER && !f->actor_in_deciding_org)
            return refuse(out, TB_ERR_FORBIDDEN, "not_deciding_org", "不是该事项的办理机构人员",
                          "Not staff of the deciding organisation");
        break;
    default:
        break;
    }
    return TB_OK;
}

int case_transition(enum case_action action, enum case_role role, const struct case_facts *f,
                    bool approve, struct case_outcome *out)
{
    assert(f && out);
    memset(out, 0, sizeof(*out));
    out->to = f->state;
    if ((unsigned)action >= CA__COUNT || (unsigned)role >= CR__COUNT ||
        (unsigned)f->state >= CS__COUNT)
        return refuse(out, TB_ERR_INVALID, "unknown", "未知的操作", "Unknown action");
    const struct transition *t = find(f->state, action);
    if (!t)
        return refuse(out, TB_ERR_CONFLICT, "invalid_transition", "办件当前状态不允许此操作",
                      "The case's state does not allow this action");
    if (!(t->roles & (1u << role)))
        return refuse(out, TB_ERR_FORBIDDEN, "role_not_allowed", "无权执行此操作",
                      "This role may not take this action");
    int rc = guards(action, role, f, approve, out);
    if (rc < 0)
        return rc;
    switch (t->to) {
    case TO_SAME:
        out->to = f->state;
        break;
    case TO_RESUME:
        out->to = f->suspended_from;
        break;
    case TO_DECIDED:
        out->to = approve ? CS_APPROVED : CS_DENIED;
        out->completes_step = true;
        break;
    default:
        out->to = (enum case_state)t->to;
    }
    /* 受理 is the procedure's first step when there is more than one */
    if ((action == CA_ACCEPT || action == CA_ACCEPT_WITH_MISSING ||
         action == CA_ACCEPT_WITH_COMMITMENT || action == CA_AUTO_ACCEPT) &&
        f->steps_total > 1)
        out->completes_step = true;
    if (action == CA_REVIEW)
        out->completes_step = true;
    return TB_OK;
}

/* ---- numbers ---------------------------------------------------------------------- */

/* ISO 7064 MOD 11-10 check digit over the digits of s. */
static int mod11_10(const char *s)
{
    int p = 10;
    for (; *s; s++) {
        int sum = (*s - '0' + p) % 10;
        if (sum == 0)
            sum = 10;
        p = (sum * 2) % 11;
    }
    return (11 - p) % 10;
}

void case_no_make(int y, int m, int d, uint64_t random8, char *out, size_t cap)
{
    char digits[20];
    snprintf(digits, sizeof(digits), "%04d%02d%02d%08llu", y % 10000, m % 100, d % 100,
             (unsigned long long)(random8 % 100000000ULL));
    snprintf(out, cap, "TB%s%d", digits, mod11_10(digits));
}

bool case_no_valid(const char *s)
{
    if (!s || strlen(s) != CASE_NO_LEN || s[0] != 'T' || s[1] != 'B')
        return false;
    char digits[20];
    for (int i = 2; i < CASE_NO_LEN; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    memcpy(digits, s + 2, CASE_NO_LEN - 3);
    digits[CASE_NO_LEN - 3] = '\0';
    return mod11_10(digits) == s[CASE_NO_LEN - 1] - '0';
}

static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* 31 characters */

void query_code_make(uint64_t random40, char *out, size_t cap)
{
    if (cap <= QUERY_CODE_LEN) {
        if (cap)
            out[0] = '\0';
        return;
    }
    for (int i = 0; i < QUERY_CODE_LEN; i++) {
        out[i] = code_alphabet[random40 % (sizeof(code_alphabet) - 1)];
        random40 /= sizeof(code_alphabet) - 1;
    }
    out[QUERY_CODE_LEN] = '\0';
}

bool query_code_valid(const char *s)
{
    if (!s || strlen(s) != QUERY_CODE_LEN)
        return false;
    for (int i = 0; i < QUERY_CODE_LEN; i++)
        if (!strchr(code_alphabet, s[i]) || s[i] == '\0')
            return false;
    return true;
}
