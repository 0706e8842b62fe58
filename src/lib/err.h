/*
 * err.h - the one error enum of tongban.
 *
 * Every fallible function returns 0 (TB_OK) or a negative enum tb_err.
 * Each value maps one-to-one to a stable machine code (the problem+json
 * "code" member), an HTTP status and a title in Chinese and English; the
 * table lives in err.c. A new error is a new row there and here, nothing
 * else.
 */
#ifndef TB_ERR_H
#define TB_ERR_H

enum tb_err {
    TB_OK = 0,
    TB_ERR_INTERNAL = -1,               /* a bug or an unexpected library failure: 500 */
    TB_ERR_NOMEM = -2,                  /* out of memory: 503 */
    TB_ERR_INVALID = -3,                /* a value fails validation: 422 */
    TB_ERR_BAD_REQUEST = -4,            /* malformed request (query, header): 400 */
    TB_ERR_BAD_JSON = -5,               /* body is not valid JSON: 400 */
    TB_ERR_JSON_DEPTH = -6,             /* JSON nested deeper than allowed: 400 */
    TB_ERR_BAD_UTF8 = -7,               /* text is not valid UTF-8: 400 */
    TB_ERR_TOO_LARGE = -8,              /* body or field over its limit: 413 */
    TB_ERR_MEDIA_TYPE = -9,             /* wrong Content-Type: 415 */
    TB_ERR_NOT_FOUND = -10,             /* no such route or object (or not yours): 404 */
    TB_ERR_METHOD = -11,                /* route exists, method does not: 405 */
    TB_ERR_CONFLICT = -12,              /* state conflict, duplicate: 409 */
    TB_ERR_UNAUTHENTICATED = -13,       /* no valid session: 401 */
    TB_ERR_FORBIDDEN = -14,             /* authenticated but not allowed: 403 */
    TB_ERR_PRECONDITION = -15,          /* If-Match does not match: 412 */
    TB_ERR_PRECONDITION_REQUIRED = -16, /* If-Match missing: 428 */
    TB_ERR_RATE_LIMITED = -17,          /* too many requests: 429 */
    TB_ERR_UNAVAILABLE = -18,           /* not ready, shutting down, overloaded: 503 */
    TB_ERR_DB = -19,                    /* database failure: 503 */
    TB_ERR_BUSY = -20,                  /* database busy / lock timeout: 503 */
    TB_ERR_IO = -21,                    /* file system failure: 500 */
    TB_ERR_CRYPTO = -22,                /* crypto library failure or failed self-test: 500 */
    TB_ERR_IDEMPOTENCY = -23,           /* same Idempotency-Key, different body: 422 */
    TB_ERR_NOT_ACCEPTABLE = -24,        /* cannot produce the asked representation: 406 */
    TB_ERR_RANGE = -25,                 /* value outside the supported range (dates...): 422 */
    TB_ERR_LOGIN_FAILED = -26,          /* wrong name or password (never says which): 401 */
    TB_ERR_CSRF = -27,                  /* missing or wrong CSRF token or Origin: 403 */
    TB_ERR_PASSWORD_CHANGE = -28,       /* the password must be changed first: 403 */
    TB_ERR__COUNT = 29
};

struct tb_err_info {
    enum tb_err err;
    int status;       /* HTTP status */
    const char *code; /* stable machine code, snake_case */
    const char *title_zh;
    const char *title_en;
};

/* The row for err; never NULL (unknown values give the TB_ERR_INTERNAL row). */
const struct tb_err_info *tb_err_info(int err);

/* Short English name for logs ("bad_json"); never NULL. */
const char *tb_err_code(int err);

#endif
