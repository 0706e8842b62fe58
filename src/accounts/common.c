/*
 * common.c - account answers, principals and audit events shared by the
 * accounts handlers.
 */
#include "accounts/internal.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <stdlib.h>
#include <string.h>

/* RULE: issue 4 staff passwords rotate every 90 days */
bool account_password_expired(const struct account *a, int64_t now)
{
    return a->kind == ACCOUNT_STAFF && now - a->pw_changed_at > STAFF_PASSWORD_MAX_AGE_MS;
}

void principal_from_account(const struct account *a, int64_t session_id, struct principal *p)
{
    memset(p, 0, sizeof(*p));
    p->account_id = a->id;
    p->kind = a->kind;
    p->roles = a->roles;
    p->authority_level = a->authority_level;
    p->org_id = a->org_id;
    p->session_id = session_id;
    p->role_name = principal_role_name(a->kind, a->roles);
    p->must_change_password = a->must_change_pw || account_password_expired(a, tb_time_now_ms());
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *account_json(const struct account *a, const struct principal *as)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "kind", json_string(account_kind_name(a->kind)));
    json_object_set_new(o, "username", str_or_null(a->username));
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "id_number_masked", str_or_null(a->id_number_masked));
    json_object_set_new(o, "phone_masked", str_or_null(a->phone_masked));
    if (a->kind == ACCOUNT_ORG) {
        json_object_set_new(o, "legal_representative", str_or_null(a->legal_rep));
        json_object_set_new(o, "contact_name", str_or_null(a->contact_name));
    }
    json_object_set_new(o, "org_id", a->org_id ? json_integer(a->org_id) : json_null());
    json_object_set_new(o, "org_name", str_or_null(a->org_name));
    json_t *roles = json_array();
    for (unsigned bit = 1; bit <= ROLE_ALL_MASK; bit <<= 1)
        if (a->roles & bit)
            json_array_append_new(roles, json_string(role_name(bit)));
    json_object_set_new(o, "roles", roles);
    json_object_set_new(o, "authority_level",
                        a->authority_level ? json_integer(a->authority_level) : json_null());
    json_object_set_new(o, "status", json_string(a->disabled ? "disabled" : "active"));
    json_object_set_new(
        o, "must_change_password",
        json_boolean(a->must_change_pw || account_password_expired(a, tb_time_now_ms())));
    if (as) {
        const char *perms[32];
        size_t n = principal_permissions(as, perms, 32);
        json_t *pa = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(pa, json_string(perms[i]));
        json_object_set_new(o, "permissions", pa);
    }
    return o;
}

void audit_from_req(struct tb_req *req, const struct principal *p, struct audit_event *e)
{
    memset(e, 0, sizeof(*e));
    e->actor_id = p ? p->account_id : 0;
    e->actor_role = p ? p->role_name : "anonymous";
    e->on_behalf_of = p ? p->on_behalf_of : 0;
    e->org_id = p ? p->org_id : 0;
    e->ip = req->peer[0] ? req->peer : NULL;
    e->request_id = req->request_id;
    e->result = "ok";
}

char *accounts_json_text(struct tb_req *req, json_t *v)
{
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *copy = s ? tb_arena_strdup(&req->arena, s) : NULL;
    free(s);
    json_decref(v);
    return copy;
}
