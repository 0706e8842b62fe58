/*
 * api.h - HTTP handlers of the accounts feature (identifier checks so far).
 */
#ifndef TB_ACCOUNTS_API_H
#define TB_ACCOUNTS_API_H

#include "lib/http.h"

/* GET /api/v1/identifiers/check?kind=person|org&number=... */
int accounts_api_ident_check_get(struct tb_req *req);
/* POST /api/v1/identifiers/check {"kind","number"}: the same without the
 * number in the URL (SPEC §15: no personal data in URLs). */
int accounts_api_ident_check_post(struct tb_req *req);

#endif
