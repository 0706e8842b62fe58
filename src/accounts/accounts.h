/*
 * accounts.h - identities, roles and permissions: what other features may
 * use of the accounts feature.
 *
 * Roles are bits so that the database can enforce 三权分立 with a one-row
 * CHECK: an account with an administrator bit has exactly that one bit
 * (SPEC §15: "no account holds two of these roles or an admin role and a
 * business role"). Permissions are names; a role grants a fixed set of them
 * (the table in rules.c), and every route names the permission it needs.
 */
#ifndef TB_ACCOUNTS_H
#define TB_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum account_kind { ACCOUNT_PERSON, ACCOUNT_ORG, ACCOUNT_STAFF };

enum role_bit {
    ROLE_SYSADMIN = 1 << 0,   /* 系统管理员 */
    ROLE_SECADMIN = 1 << 1,   /* 安全管理员 */
    ROLE_AUDITADMIN = 1 << 2, /* 审计管理员 */
    ROLE_WINDOW = 1 << 3,     /* 窗口人员 */
    ROLE_REVIEWER = 1 << 4,   /* 审查人员 */
    ROLE_DECIDER = 1 << 5,    /* 决定人员 */
    ROLE_HOTLINE = 1 << 6,    /* 12345 话务 */
    ROLE_SUPERVISOR = 1 << 7, /* 监察人员 */
};
#define ROLE_ADMIN_MASK (ROLE_SYSADMIN | ROLE_SECADMIN | ROLE_AUDITADMIN)
#define ROLE_ALL_MASK   0xff

/* The authenticated principal of a request (req->user), owned by the
 * request arena. */
struct principal {
    int64_t account_id;
    enum account_kind kind;
    unsigned roles;
    int authority_level; /* 1-4 for staff, 0 for applicants */
    int64_t org_id;      /* 0 for applicants */
    int64_t session_id;  /* 0 for API clients */
    bool must_change_password;
    const char *role_name; /* for audit: the main role ("applicant", "sysadmin", ...) */
    /* A department system's API client instead of a person: */
    int64_t client_id;  /* api_clients.id, 0 for people */
    const char *scopes; /* its space-separated permissions */
    /* An agent acting for an applicant (X-On-Behalf-Of, under a grant): */
    int64_t on_behalf_of; /* the applicant's account id, 0 when not acting */
};

/* ---- rules (pure, rules.c) ---------------------------------------------- */

const char *account_kind_name(enum account_kind k);
int account_kind_parse(const char *s, enum account_kind *out);

/* Role bit <-> name ("window"); names are the API's. */
const char *role_name(unsigned bit);
int role_parse(const char *name, unsigned *bit);

/* 0 when roles is an allowed combination for kind; else TB_ERR_INVALID with
 * a reason (zh, en) for the problem answer. RULE: 三权分立. */
int roles_check(enum account_kind kind, unsigned roles, const char **why_zh, const char **why_en);

/* True when the principal holds permission perm ("self" holds for anyone
 * logged in). */
bool principal_has(const struct principal *p, const char *perm);
/* The permissions of p, for /me (NULL-terminated static array in out). */
size_t principal_permissions(const struct principal *p, const char **out, size_t cap);
/* The name used for the actor's role in audit events. */
const char *principal_role_name(enum account_kind kind, unsigned roles);

/* Permissions an API client may be given (a department system never logs
 * in as a person): NULL-terminated. */
extern const char *const client_scopes[];
bool client_scope_valid(const char *scope);

/* Password policy (SPEC §15, issue 4): applicants >= 12 characters; staff
 * >= 12 and three of four character classes; never a common password, never
 * containing the user name. 0 or TB_ERR_INVALID with the reason. */
int password_check(enum account_kind kind, const char *password, const char *username,
                   const char **why_zh, const char **why_en);

/* Loads the common-password list (one per line, # comments). */
int password_list_load(const char *text, size_t len);
bool password_is_common(const char *password);

/* Lockout (issue 4): given the number of failures in the window (including
 * the one just made) and the time of the last, when may the name try again?
 * Staff: 15 minutes after the 5th failure; applicants: 30 s doubling with
 * each failure past the 5th, at most 15 minutes. 0 when not locked. */
int64_t lockout_until(bool is_staff, int failures, int64_t last_failure_ms);

#define LOGIN_FAILURE_WINDOW_MS   (15LL * 60 * 1000)
#define LOGIN_FAILURES_MAX        5
#define STAFF_PASSWORD_MAX_AGE_MS (90LL * 24 * 3600 * 1000)
#define SESSION_IDLE_STAFF_MS     (15LL * 60 * 1000)
#define SESSION_IDLE_APPLICANT_MS (30LL * 60 * 1000)
#define SESSION_ABSOLUTE_MS       (12LL * 3600 * 1000)
#define PASSWORD_MIN_CHARS        12
#define PASSWORD_MAX_BYTES        256

#endif
