/*
 * routes.c - the one route table of tongban.
 *
 * Every URL the platform answers is a row here: method, path pattern,
 * handler, the permission the authorisation gate checks ("public" needs no
 * session), and a one-line summary that docs/openapi.json repeats (a unit
 * test checks the two agree). Routes that never block are TB_ROUTE_INLINE.
 */
#include "accounts/api.h"
#include "app/app.h"
#include "calendar/api.h"

#define INLINE TB_ROUTE_INLINE

const struct tb_route tb_routes[] = {
    {"GET", "/healthz", tb_api_healthz, "public", "Liveness: the process serves HTTP", INLINE, 0},
    {"GET", "/readyz", tb_api_readyz, "public", "Readiness: the database answers", INLINE, 0},
    {"GET", "/metrics", tb_api_metrics, "public", "Prometheus metrics", INLINE, 0},
    {"GET", "/api/v1/version", tb_api_version, "public", "Platform name and version", INLINE, 0},
    {"GET", "/api/v1/calendar/days/{date}", calendar_api_day, "public",
     "Whether a date is a working day, and the holiday or 调休 behind it", INLINE, 0},
    {"GET", "/api/v1/calendar/add", calendar_api_add, "public",
     "The date N working days after a start date (counting from the next day)", INLINE, 0},
    {"GET", "/api/v1/identifiers/check", accounts_api_ident_check_get, "public",
     "Check a 居民身份证号 or 统一社会信用代码", INLINE, 0},
    {"POST", "/api/v1/identifiers/check", accounts_api_ident_check_post, "public",
     "Check an identifier sent in the body (keeps it out of URLs)", INLINE | TB_ROUTE_JSON_BODY, 0},

    /* Accounts and sessions (docs/accounts.md). Never inline: they hash
     * passwords and write. */
    {"POST", "/api/v1/accounts", accounts_api_register, "public",
     "Register as a natural person or a legal person", TB_ROUTE_JSON_BODY, 0},
    {"POST", "/api/v1/sessions", accounts_api_login, "public", "Log in", TB_ROUTE_JSON_BODY, 0},
    {"DELETE", "/api/v1/sessions/current", accounts_api_logout, "self", "Log out", 0, 0},
    {"GET", "/api/v1/me", accounts_api_me, "self", "My account and permissions", 0, 0},
    {"GET", "/api/v1/me/sessions", accounts_api_my_sessions, "self", "My active sessions", 0, 0},
    {"DELETE", "/api/v1/me/sessions/{id}", accounts_api_end_session, "self",
     "End one of my sessions", 0, 0},
    {"PUT", "/api/v1/me/password", accounts_api_change_password, "self", "Change my password",
     TB_ROUTE_JSON_BODY, 0},
    {"GET", "/api/v1/staff", accounts_api_staff_list, "staff.manage", "Staff accounts", 0, 0},
    {"POST", "/api/v1/staff", accounts_api_staff_create, "staff.manage", "Create a staff account",
     TB_ROUTE_JSON_BODY, 0},
    {"PATCH", "/api/v1/staff/{id}", accounts_api_staff_update, "staff.manage",
     "Change a staff account's roles, authority level or status", TB_ROUTE_JSON_BODY, 0},
    {"GET", "/api/v1/orgs/all", accounts_api_orgs_all, "staff.manage",
     "Every organisation (for staff administration)", 0, 0},
    {"POST", "/api/v1/accounts/{id}/reveal", accounts_api_reveal, "pii.reveal",
     "Reveal an applicant's full ID or phone number, with a reason (audited)", TB_ROUTE_JSON_BODY,
     0},
    {"GET", "/api/v1/api-clients", accounts_api_clients_list, "apiclient.manage",
     "API clients of department systems", 0, 0},
    {"POST", "/api/v1/api-clients", accounts_api_clients_create, "apiclient.manage",
     "Create an API client (the secret is shown once)", TB_ROUTE_JSON_BODY, 0},
    {"PATCH", "/api/v1/api-clients/{id}", accounts_api_clients_update, "apiclient.manage",
     "Disable or enable an API client", TB_ROUTE_JSON_BODY, 0},
    {"GET", "/api/v1/me/agents", accounts_api_agents_list, "self",
     "Agents I authorised and authorisations I hold", 0, 0},
    {"POST", "/api/v1/me/agents", accounts_api_agents_grant, "agent.grant",
     "Authorise an agent (代办) to act for me", TB_ROUTE_JSON_BODY, 0},
    {"DELETE", "/api/v1/me/agents/{id}", accounts_api_agents_revoke, "self",
     "Revoke an agent authorisation (either party)", 0, 0},
    {"GET", "/api/v1/audit/events", audit_api_events, "audit.read",
     "Audit events, filtered, newest first", 0, 0},
    {"GET", "/api/v1/audit/verify", audit_api_verify, "audit.read", "Verify the whole audit log", 0,
     0},
    {"GET", "/api/v1/security/settings", accounts_api_settings_get, "security.settings",
     "Security settings", 0, 0},
    {"PUT", "/api/v1/security/settings", accounts_api_settings_put, "security.settings",
     "Change security settings within their limits", TB_ROUTE_JSON_BODY, 0},
};

const size_t tb_routes_count = sizeof(tb_routes) / sizeof(tb_routes[0]);
