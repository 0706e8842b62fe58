/*
 * licences.h - the electronic licence library and the seals, as other
 * features see them (docs/licences.md).
 *
 * The cases feature issues a licence when an approved case's item results
 * in one, and asks the library whether an applicant holds a valid licence
 * of a type so that a material need not be given again. Both run inside
 * the caller's write transaction (c is its connection). Start-up and
 * commands load demo data and run the command-line tools.
 */
#ifndef TB_LICENCES_H
#define TB_LICENCES_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct tb_app;
struct tb_arena;
struct tb_db_conn;

#define LICENCE_NO_MAX        160 /* the identifier, bytes with the NUL */
#define LICENCE_CHECK_LEN     8   /* the public check code */
#define LICENCE_TYPE_CODE_MAX 32

/* What an approved case gives to its licence. */
struct licence_issue_in {
    int64_t case_id;
    const char *case_no;
    int64_t holder_account_id; /* the applicant */
    int64_t org_id;            /* the deciding organisation: the issuer */
    const char *type_code;     /* the item's result.licence_type */
    const json_t *values;      /* the application's form values */
    const json_t *form;        /* the item's form (select labels) */
    int64_t actor_id;          /* who decided: the seal use's user (0: none) */
    int64_t now;               /* business clock, ms: the issue date */
    int64_t real_now;          /* wall clock, ms: signed_at and the logs */
};

/* Issues, signs and stores the licence (same transaction as the caller).
 * TB_OK with *id and no (LICENCE_NO_MAX bytes) set; TB_ERR_NOT_FOUND when
 * type_code is no registered licence type (nothing is issued);
 * TB_ERR_CONFLICT when the issuer has no active seal or no credit code
 * (*why names it: "no_active_seal" or "org_no_credit_code"). */
int licence_issue_for_case(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                           const struct licence_issue_in *in, int64_t *id, char *no,
                           const char **why);

/* A licence the library found for an application. */
struct licence_ref {
    int64_t id;
    char no[LICENCE_NO_MAX];
    const char *type_name;
    const char *issuer_name;
};

/* The newest valid licence of type_code held by the applicant account
 * (matched by the blind index of its ID number or credit code) on date
 * today (YYYY-MM-DD). TB_OK with *out; TB_ERR_NOT_FOUND when none. */
int licence_find_held(struct tb_db_conn *c, struct tb_arena *a, int64_t account_id,
                      const char *type_code, const char *today, struct licence_ref *out);

/* Records a look-up made for an application (purpose 申请材料复用). */
int licence_query_log_case(struct tb_db_conn *c, int64_t account_id, const char *case_no,
                           const char *type_code, int64_t licence_id, int64_t at);

/* The public check code of a licence number (never stored). */
int licence_check_code(const struct tb_app *app, const char *no, char out[LICENCE_CHECK_LEN + 1]);

/* Demo installations: credit codes for the demo organisations, the demo
 * licence types, a seal for every organisation that decides items, and the
 * demo applicants' historical licences. Safe to run again. */
int licences_seed_demo(struct tb_app *app);

/* `tongban licences import` and `tongban licence verify` (cli.c): argv[1]
 * is the subcommand. Returns the exit status. */
int licences_cmd(int argc, char **argv);
int licences_cli_import(int argc, char **argv);
int licence_cli_verify(int argc, char **argv);

/* Releases the seal keys kept in memory; call once at exit. */
void licences_cleanup(void);

#endif
