/*
 * api.h - HTTP handlers of the catalogue (docs/catalogue.md).
 */
#ifndef TB_CATALOG_API_H
#define TB_CATALOG_API_H

#include "lib/http.h"

/* public */
int catalog_api_items(struct tb_req *req);
int catalog_api_item(struct tb_req *req);
int catalog_api_item_versions(struct tb_req *req);
int catalog_api_item_version(struct tb_req *req);
int catalog_api_item_transfers(struct tb_req *req);
int catalog_api_item_pdf(struct tb_req *req);
int catalog_api_item_qr_svg(struct tb_req *req);
int catalog_api_item_qr_png(struct tb_req *req);
int catalog_api_item_page(struct tb_req *req);
int catalog_api_proofs(struct tb_req *req);
int catalog_api_intermediaries(struct tb_req *req);
int catalog_api_kpis(struct tb_req *req);
int catalog_api_codes(struct tb_req *req);
int catalog_api_topics(struct tb_req *req);

/* catalog.manage */
int catalog_api_admin_items(struct tb_req *req);
int catalog_api_admin_item(struct tb_req *req);
int catalog_api_item_create(struct tb_req *req);
int catalog_api_item_update(struct tb_req *req);
int catalog_api_item_status(struct tb_req *req);
int catalog_api_item_transfer(struct tb_req *req);

#endif
