/*
 * cases.h - the case (办件) state machine and its rules (docs/cases.md,
 * SPEC §4, §5). Pure: no SQL, no HTTP (machine.c).
 *
 * The machine is one table of transitions {action, from states, roles, to};
 * case_transition() looks an action up in it and then applies the guards
 * that need the case's facts (authority level of the next step, the item's
 * class, who accepted the case, steps done). Anything the table does not
 * list is refused: there is no other way to change a case's state.
 */
#ifndef TB_CASES_H
#define TB_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum case_state {
    CS_DRAFT,
    CS_SUBMITTED,
    CS_AWAITING_CORRECTION, /* 一次性告知补正: waiting for the applicant */
    CS_ACCEPTED,            /* 受理 */
    CS_IN_REVIEW,           /* 审查: at least one step after acceptance done */
    CS_SUSPENDED,           /* 特别程序, 容缺 overdue: the clock stops */
    CS_APPROVED,            /* 准予 */
    CS_RESULT_ISSUED,       /* the result (document, licence) is made */
    CS_DENIED,              /* 不予许可 */
    CS_DELIVERED,           /* 送达 */
    CS_CLOSED,              /* 办结 */
    CS_REFUSED,             /* 不予受理 */
    CS_WITHDRAWN,           /* 撤回 (applicant) */
    CS_TERMINATED,          /* 终止 (department) */
    CS__COUNT
};

enum case_action {
    CA_SUBMIT,
    CA_PRE_REVIEW,
    CA_ACCEPT,
    CA_REFUSE,
    CA_REQUEST_CORRECTION,
    CA_SUPPLEMENT,
    CA_ACCEPT_WITH_MISSING,
    CA_ACCEPT_WITH_COMMITMENT,
    CA_REVIEW,
    CA_DECIDE,
    CA_SUSPEND,
    CA_RESUME,
    CA_EXTEND,
    CA_DELIVER,
    CA_DISPATCH, /* 邮寄: the result handed to the carrier */
    CA_WITHDRAW,
    CA_TERMINATE,
    /* the platform's own, never sent by a user */
    CA_ISSUE_RESULT, /* approved -> result_issued, in the decision's transaction */
    CA_CLOSE,        /* delivered -> closed */
    CA_AUTO_ACCEPT,  /* 行政许可法 §32: no answer within 5 days counts as accepted */
    CA_RECOMPUTE,    /* the calendar changed: the case's deadlines moved */
    CA__COUNT
};

enum case_role {
    CR_APPLICANT, /* the case's applicant or their agent */
    CR_WINDOW,    /* window staff of a comprehensive window of the region */
    CR_HANDLER,   /* staff of the deciding organisation */
    CR_SYSTEM,    /* the platform (jobs, the same transaction) */
    CR__COUNT
};

#define CASE_STATE_BIT(s) (1u << (s))
/* Open states: the case is not finished. */
#define CASE_OPEN_STATES                                                                           \
    (CASE_STATE_BIT(CS_DRAFT) | CASE_STATE_BIT(CS_SUBMITTED) |                                     \
     CASE_STATE_BIT(CS_AWAITING_CORRECTION) | CASE_STATE_BIT(CS_ACCEPTED) |                        \
     CASE_STATE_BIT(CS_IN_REVIEW) | CASE_STATE_BIT(CS_SUSPENDED) | CASE_STATE_BIT(CS_APPROVED) |   \
     CASE_STATE_BIT(CS_RESULT_ISSUED) | CASE_STATE_BIT(CS_DENIED) | CASE_STATE_BIT(CS_DELIVERED))

const char *case_state_name(enum case_state s); /* "in_review" */
const char *case_state_zh(enum case_state s);   /* "审查中" */
int case_state_parse(const char *s, enum case_state *out);
const char *case_action_name(enum case_action a);
int case_action_parse(const char *s, enum case_action *out); /* user actions only */
const char *case_role_name(enum case_role r);

/* What the guards need to know about the case and the actor. */
struct case_facts {
    enum case_state state;
    enum case_state suspended_from; /* the state a suspension left */
    bool item_instant;              /* 即办件 */
    bool item_class_b;              /* 容缺 allowed */
    bool applicant_dishonest;       /* on the dishonest list: no 容缺 (SPEC §16) */
    int steps_total;                /* procedure steps, 受理 first, the decision last */
    int steps_done;
    int step_level;  /* authority level the next step needs */
    int actor_level; /* the acting staff member's level, 0 for applicants */
    bool actor_in_deciding_org;
    bool actor_is_applicant;    /* the actor applied for this case (or acts for who did) */
    bool actor_accepted_case;   /* the actor is the clerk who accepted it */
    bool actor_window_for_item; /* a window authorised (授权通知书) to decide this item */
    bool has_open_missing;      /* 容缺 materials not yet supplied */
    bool delivery_post;         /* the applicant chose delivery by post */
    bool dispatched;            /* the post has it */
};

/* The result of asking for a transition. */
struct case_outcome {
    enum case_state to;
    const char *code; /* NULL when allowed, else a stable reason code */
    const char *zh, *en;
    bool completes_step; /* the transition completes the next procedure step */
};

/* Decides whether actor with role may do action (approve: the decision's
 * direction, only read for CA_DECIDE) on a case with facts f. Returns 0 with
 * out->to set, or TB_ERR_CONFLICT ("invalid_transition": not in the table
 * for this state), TB_ERR_FORBIDDEN (the role or a guard refuses; out->code
 * says which) - out->code/zh/en explain either. */
int case_transition(enum case_action action, enum case_role role, const struct case_facts *f,
                    bool approve, struct case_outcome *out);

/* True when the table lists (state, action, role), guards aside. */
bool case_table_allows(enum case_state s, enum case_action a, enum case_role r);

/* ---- numbers ------------------------------------------------------------------ */

#define CASE_NO_LEN    19 /* "TB" + 8 date digits + 8 random digits + 1 check digit */
#define QUERY_CODE_LEN 8

/* "TB2026112412345678" + check digit (ISO 7064 MOD 11-10) into out
 * (cap > CASE_NO_LEN). random8 is taken modulo 10^8. */
void case_no_make(int y, int m, int d, uint64_t random8, char *out, size_t cap);
/* True for a well-formed case number with a correct check digit. */
bool case_no_valid(const char *s);
/* An 8-character query code from 40 random bits, in an alphabet without
 * look-alikes (no 0/O, 1/I/L). out cap > QUERY_CODE_LEN. */
void query_code_make(uint64_t random40, char *out, size_t cap);
bool query_code_valid(const char *s);

#endif
