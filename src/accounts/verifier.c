/*
 * verifier.c - real-name verification (实名认证), pluggable.
 *
 * A deployment connects the public-security identity service (or a bank /
 * social-security card check: SPEC §16 asks for the ID number plus two of
 * phone, social-security card, bank card) by adding a row to the table and
 * naming it in the setting `realname_verifier`. The default "local"
 * verifier accepts what the checksum rules already accepted: it proves the
 * number is well formed, not that it belongs to the person, and the account
 * records which verifier vouched for it so later features can ask for more.
 */
#include "accounts/internal.h"
#include "lib/err.h"

#include <string.h>

static int verify_local(const struct realname_request *r, const char **why_zh, const char **why_en)
{
    (void)r;
    (void)why_zh;
    (void)why_en;
    return TB_OK; /* the identifier checks ran before; nothing more is known */
}

static const struct realname_verifier verifiers[] = {
    {"local", "local-checksum", verify_local},
};

const struct realname_verifier *realname_verifier_find(const char *name)
{
    for (size_t i = 0; i < sizeof(verifiers) / sizeof(verifiers[0]); i++)
        if (strcmp(verifiers[i].name, name) == 0)
            return &verifiers[i];
    return NULL;
}
