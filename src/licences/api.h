/*
 * api.h - HTTP handlers of licence types, seals and licences
 * (docs/licences.md "HTTP API"); the route table names them.
 */
#ifndef TB_LICENCES_API_H
#define TB_LICENCES_API_H

struct tb_req;

/* types and seals (api.c) */
int licences_api_types(struct tb_req *req);       /* GET  /api/v1/licence-types */
int licences_api_type(struct tb_req *req);        /* GET  /api/v1/licence-types/{code} */
int licences_api_type_create(struct tb_req *req); /* POST /api/v1/licence-types */
int licences_api_type_put(struct tb_req *req);    /* PUT  /api/v1/licence-types/{code} */
int licences_api_seals(struct tb_req *req);       /* GET  /api/v1/seals */
int licences_api_seal_create(struct tb_req *req); /* POST /api/v1/seals */
int licences_api_seal_rotate(struct tb_req *req); /* POST /api/v1/seals/{id}/rotate */
int licences_api_seal_revoke(struct tb_req *req); /* POST /api/v1/seals/{id}/revoke */
int licences_api_seal_uses(struct tb_req *req);   /* GET  /api/v1/seals/{id}/uses */
int licences_api_seal(struct tb_req *req);        /* GET  /api/v1/seals/{id} */
int licences_api_seal_image(struct tb_req *req);  /* GET  /api/v1/seals/{id}/image.png */

/* licences (api_licences.c) */
int licences_api_wallet(struct tb_req *req);      /* GET  /api/v1/me/licences */
int licences_api_list(struct tb_req *req);        /* GET  /api/v1/licences */
int licences_api_get(struct tb_req *req);         /* GET  /api/v1/licences/{no} */
int licences_api_pdf(struct tb_req *req);         /* GET  /api/v1/licences/{no}/licence.pdf */
int licences_api_file(struct tb_req *req);        /* GET  /api/v1/licences/{no}/licence.json */
int licences_api_change(struct tb_req *req);      /* POST /api/v1/licences/{no}/change */
int licences_api_renew(struct tb_req *req);       /* POST /api/v1/licences/{no}/renew */
int licences_api_revoke(struct tb_req *req);      /* POST /api/v1/licences/{no}/revoke */
int licences_api_verify(struct tb_req *req);      /* GET  /api/v1/licences/verify */
int licences_api_library(struct tb_req *req);     /* GET  /api/v1/library/licences */
int licences_api_library_get(struct tb_req *req); /* GET /api/v1/library/licences/{no} */

#endif
