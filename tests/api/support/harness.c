/*
 * harness.c - see harness.h.
 */
#include "harness.h"

#include "lib/db.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bin(void)
{
    const char *b = getenv("TB_BIN");
    return b && *b ? b : "build/tongban";
}

/* ---- databases ----------------------------------------------------------- */

bool test_on_pg(void)
{
    const char *pg = getenv("TB_TEST_PG");
    return pg && *pg;
}

/* Runs one statement on the cluster's maintenance database. */
static int pg_admin(const char *sql)
{
    char url[600];
    snprintf(url, sizeof(url), "%s/postgres", getenv("TB_TEST_PG"));
    PGconn *pg = PQconnectdb(url);
    int rc = -1;
    if (PQstatus(pg) == CONNECTION_OK) {
        PGresult *res = PQexec(pg, sql);
        rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
        if (rc < 0)
            fprintf(stderr, "harness: %s: %s", sql, PQresultErrorMessage(res));
        PQclear(res);
    } else {
        fprintf(stderr, "harness: cannot reach %s: %s", url, PQerrorMessage(pg));
    }
    PQfinish(pg);
    return rc;
}

int test_db_new(const char *sqlite_path, char *out, size_t cap)
{
    static unsigned counter;
    char name[64], sql[160];
    if (!test_on_pg()) {
        snprintf(out, cap, "%s", sqlite_path);
        return 0;
    }
    unsigned r = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&r, sizeof(r), 1, f) != 1)
        r = (unsigned)time(NULL);
    if (f)
        fclose(f);
    snprintf(name, sizeof(name), "tbtest_%ld_%u_%08x", (long)getpid(), counter++, r);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    if (pg_admin(sql) < 0)
        return -1;
    snprintf(out, cap, "%s/%s", getenv("TB_TEST_PG"), name);
    return 0;
}

void test_db_drop(const char *db)
{
    char sql[200];
    const char *name = strrchr(db, '/');
    if (!test_on_pg() || strncmp(db, "postgres", 8) != 0 || !name)
        return;
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name + 1);
    pg_admin(sql);
}

static int exec_fn(struct tb_db_conn *c, void *ctx)
{
    return tb_db_exec(c, ctx);
}

int test_db_exec(const char *db, const char *sql)
{
    struct tb_db *h = NULL;
    if (tb_db_open(db, NULL, &h) < 0)
        return -1;
    int rc = tb_db_write(h, exec_fn, (void *)sql);
    tb_db_close(h);
    return rc < 0 ? -1 : 0;
}

long long test_db_scalar(const char *db, const char *sql)
{
    struct tb_db *h = NULL;
    struct tb_db_conn *c = NULL;
    struct tb_db_stmt *st = NULL;
    long long v = -1;
    if (tb_db_open(db, NULL, &h) < 0)
        return -1;
    if (tb_db_read_conn(h, &c) == 0 && tb_db_prepare(c, sql, &st) == 0) {
        if (tb_db_step(st) == TB_DB_ROW)
            v = tb_db_column_int64(st, 0);
        tb_db_stmt_done(st);
    }
    tb_db_close(h);
    return v;
}

/* In a child about to exec tongban: point it at s's database. */
static void child_env(const char *db)
{
    if (strncmp(db, "postgres", 8) == 0)
        setenv("TONGBAN_DATABASE", db, 1);
}

static int run_init(const char *data, const char *db, bool demo)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        child_env(db);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        if (demo)
            execl(bin(), "tongban", "init", "--data", data, "--demo", (char *)NULL);
        else
            execl(bin(), "tongban", "init", "--data", data, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int server_start(struct test_server *s, bool demo, const char *const *extra)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->data, sizeof(s->data), "/tmp/tongban-api-XXXXXX");
    if (!mkdtemp(s->data))
        return -1;
    /* init creates the directory itself; give it a fresh path inside. */
    strncat(s->data, "/data", sizeof(s->data) - strlen(s->data) - 1);
    snprintf(s->log, sizeof(s->log), "%.250s.log", s->data);
    char sqlite_path[300];
    snprintf(sqlite_path, sizeof(sqlite_path), "%.250s/tongban.db", s->data);
    if (test_db_new(sqlite_path, s->db, sizeof(s->db)) < 0)
        return -1;
    /* commands the test itself runs (tongban licence verify --data ...)
     * reach the same database */
    if (test_on_pg())
        setenv("TONGBAN_DATABASE", s->db, 1);
    if (run_init(s->data, s->db, demo) != 0) {
        fprintf(stderr, "harness: tongban init failed\n");
        return -1;
    }
    int out[2];
    if (pipe(out) != 0)
        return -1;
    const char *argv[32];
    int n = 0;
    argv[n++] = "tongban";
    argv[n++] = "serve";
    argv[n++] = "--data";
    argv[n++] = s->data;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--web";
    argv[n++] = "web";
    for (int i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        child_env(s->db);
        dup2(out[1], 1);
        int logfd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (logfd >= 0)
            dup2(logfd, 2);
        close(out[0]);
        execv(bin(), (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    char line[256];
    size_t used = 0;
    struct pollfd p = {out[0], POLLIN, 0};
    while (used < sizeof(line) - 1) {
        if (poll(&p, 1, 20000) <= 0)
            break;
        ssize_t r = read(out[0], line + used, 1);
        if (r <= 0)
            break;
        if (line[used] == '\n')
            break;
        used++;
    }
    line[used] = '\0';
    close(out[0]);
    const char *prefix = "tongban: listening on ";
    if (strncmp(line, prefix, strlen(prefix)) != 0) {
        fprintf(stderr, "harness: server did not start (got \"%s\"); log %s\n", line, s->log);
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        return -1;
    }
    size_t ul = strlen(line + strlen(prefix));
    if (ul >= sizeof(s->base))
        ul = sizeof(s->base) - 1;
    memcpy(s->base, line + strlen(prefix), ul);
    s->base[ul] = '\0';
    size_t bl = strlen(s->base);
    if (bl && s->base[bl - 1] == '/')
        s->base[bl - 1] = '\0';
    return 0;
}

int server_stop(struct test_server *s)
{
    int st = -1;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        if (waitpid(s->pid, &st, 0) < 0)
            st = -1;
    }
    char cmd[600];
    /* The data path is one we made under /tmp with mkdtemp. */
    char *slash = strrchr(s->data, '/');
    /* TB_KEEP_LOGS=1 keeps the data directory and the server's log (data.log) */
    if (slash && strncmp(s->data, "/tmp/tongban-api-", 17) == 0 && !getenv("TB_KEEP_LOGS")) {
        *slash = '\0';
        snprintf(cmd, sizeof(cmd), "%s", s->data);
        pid_t pid = fork();
        if (pid == 0) {
            execlp("rm", "rm", "-rf", cmd, (char *)NULL);
            _exit(127);
        }
        waitpid(pid, NULL, 0);
        unlink(s->log);
    }
    test_db_drop(s->db);
    if (st >= 0 && WIFEXITED(st))
        return WEXITSTATUS(st);
    return -1;
}

struct growbuf {
    char *p;
    size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct growbuf *b = ud;
    size_t n = size * nmemb;
    char *q = realloc(b->p, b->len + n + 1);
    if (!q)
        return 0;
    memcpy(q + b->len, ptr, n);
    b->len += n;
    q[b->len] = '\0';
    b->p = q;
    return n;
}

int http_req(const struct test_server *s, const char *method, const char *path,
             const char *const *headers, const char *body, size_t len, struct http_resp *out)
{
    memset(out, 0, sizeof(*out));
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    char url[1024];
    snprintf(url, sizeof(url), "%s%s", s->base, path);
    struct growbuf b = {0}, h = {0};
    struct curl_slist *hl = NULL;
    for (int i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (body) {
        if (len == (size_t)-1)
            len = strlen(body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (hl)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    out->body = b.p ? b.p : calloc(1, 1);
    out->len = b.len;
    out->headers = h.p ? h.p : calloc(1, 1);
    if (rc != CURLE_OK) {
        fprintf(stderr, "harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
        return -1;
    }
    const char *ct = resp_header(out, "Content-Type");
    if (ct && strstr(ct, "json") && out->len)
        out->json = json_loadb(out->body, out->len, 0, NULL);
    return 0;
}

const char *resp_header(const struct http_resp *r, const char *name)
{
    static _Thread_local char value[1024];
    size_t nlen = strlen(name);
    const char *p = r->headers;
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            break;
        if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(eol - v);
            if (vl >= sizeof(value))
                vl = sizeof(value) - 1;
            memcpy(value, v, vl);
            value[vl] = '\0';
            return value;
        }
        p = eol + 2;
    }
    return NULL;
}

void resp_free(struct http_resp *r)
{
    free(r->body);
    free(r->headers);
    if (r->json)
        json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

const char *problem_code(const struct http_resp *r)
{
    const char *ct = resp_header(r, "Content-Type");
    if (!ct || strcmp(ct, "application/problem+json") != 0 || !r->json)
        return "";
    const char *c = json_string_value(json_object_get(r->json, "code"));
    return c ? c : "";
}

char *raw_exchange(const struct test_server *s, const char *bytes, size_t len, int timeout_ms)
{
    const char *hostport = s->base + strlen("http://");
    const char *colon = strrchr(hostport, ':');
    int port = atoi(colon + 1); /* test code: the harness wrote this URL itself */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, bytes + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    struct growbuf b = {0};
    struct pollfd p = {fd, POLLIN, 0};
    char tmp[4096];
    while (poll(&p, 1, timeout_ms) > 0) {
        ssize_t r = recv(fd, tmp, sizeof(tmp), 0);
        if (r <= 0)
            break;
        on_data(tmp, 1, (size_t)r, &b);
    }
    close(fd);
    return b.p ? b.p : calloc(1, 1);
}

/* ---- sessions ------------------------------------------------------------- */

const char *resp_set_cookie(const struct http_resp *r, const char *name)
{
    static _Thread_local char value[1024];
    static const char hname[] = "Set-Cookie:";
    size_t hl = strlen(hname), nl = strlen(name);
    const char *p = r->headers;
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            break;
        if ((size_t)(eol - p) > hl && strncasecmp(p, hname, hl) == 0) {
            const char *v = p + hl;
            while (*v == ' ')
                v++;
            if ((size_t)(eol - v) > nl && strncmp(v, name, nl) == 0 && v[nl] == '=') {
                size_t vl = (size_t)(eol - v);
                if (vl >= sizeof(value))
                    vl = sizeof(value) - 1;
                memcpy(value, v, vl);
                value[vl] = '\0';
                return value;
            }
        }
        p = eol + 2;
    }
    return NULL;
}

long client_login(const struct test_server *s, const char *username, const char *password,
                  struct tb_client *c, struct http_resp *out)
{
    struct http_resp r;
    json_t *body = json_pack("{s:s,s:s}", "username", username, "password", password);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return -1;
    const char *const ct[] = {"Content-Type: application/json", NULL};
    int rc = http_req(s, "POST", "/api/v1/sessions", ct, text, (size_t)-1, &r);
    free(text);
    if (rc != 0) {
        resp_free(&r);
        return -1;
    }
    long status = r.status;
    if (c && status == 200) {
        memset(c, 0, sizeof(*c));
        const char *sc = resp_set_cookie(&r, "tb_session");
        const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
        json_t *id = json_object_get(json_object_get(r.json, "account"), "id");
        if (sc) {
            size_t l = strcspn(sc, ";");
            if (l >= sizeof(c->cookie))
                l = sizeof(c->cookie) - 1;
            memcpy(c->cookie, sc, l);
            c->cookie[l] = '\0';
        }
        if (csrf)
            snprintf(c->csrf, sizeof(c->csrf), "%s", csrf);
        c->account_id = json_is_integer(id) ? (long long)json_integer_value(id) : 0;
    }
    if (out)
        *out = r;
    else
        resp_free(&r);
    return status;
}

int client_req(const struct test_server *s, const struct tb_client *c, const char *method,
               const char *path, const char *body, unsigned flags, const char *const *extra,
               struct http_resp *out)
{
    char cookie[200], csrf[160], origin[200];
    const char *h[24];
    int n = 0;
    bool changing =
        strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
    if (c && c->cookie[0]) {
        snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookie);
        h[n++] = cookie;
    }
    if (c && changing && !(flags & CLIENT_NO_CSRF)) {
        snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c->csrf);
        h[n++] = csrf;
    }
    if (flags & CLIENT_ORIGIN) {
        snprintf(origin, sizeof(origin), "Origin: %s", s->base);
        h[n++] = origin;
    } else if (flags & CLIENT_BAD_ORIGIN) {
        h[n++] = "Origin: http://evil.example";
    }
    if (flags & CLIENT_EN)
        h[n++] = "Accept-Language: en";
    if (body)
        h[n++] = "Content-Type: application/json";
    for (int i = 0; extra && extra[i] && n < 23; i++)
        h[n++] = extra[i];
    h[n] = NULL;
    return http_req(s, method, path, h, body, body ? (size_t)-1 : 0, out);
}
