/*
 * test_catalog_doc.c - the item document reader (src/catalog/doc.c): the
 * canonical form (documented key order, defaults), shape faults reported
 * with their paths all at once, rule faults added by item_validate without
 * repeats, and the changed-keys list of the version history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "lib/arena.h"
#include "lib/err.h"

static const char minimal[] =
    "{\"impl_code\":\"T-1\",\"basic_code\":\"B1\",\"name\":\"食品经营许可\",\"type\":\"01\","
    "\"org\":\"DEMO-CITY\",\"audience\":[\"2\"],\"levels\":[\"4\"],"
    "\"steps\":[{\"name\":\"受理\",\"authority_level\":1,\"limit_days\":1},"
    "{\"name\":\"决定\",\"authority_level\":3,\"limit_days\":4}],"
    "\"legal_limit_days\":20,\"promised_limit_days\":5,\"kind\":\"2\",\"item_class\":\"A\","
    "\"trips\":\"1\",\"delivery\":[\"window\"],\"fee\":{\"is_free\":true}}";

struct run {
    struct tb_arena a;
    struct item_problem found[64];
    struct item_problems p;
    struct item_doc d;
    int rc;
};

static void read_text(struct run *r, const char *text)
{
    json_t *in = json_loads(text, 0, NULL);
    assert_non_null(in);
    tb_arena_init(&r->a, 4096);
    r->p = (struct item_problems){r->found, 64, 0};
    r->rc = item_doc_read(in, NULL, &r->a, &r->d, &r->p);
    json_decref(in);
}

static void done(struct run *r)
{
    json_decref(r->d.canon);
    tb_arena_free(&r->a);
}

static bool has(const struct run *r, const char *path, const char *code)
{
    for (size_t i = 0; i < r->p.n && i < r->p.cap; i++)
        if (strcmp(r->found[i].path, path) == 0 && strcmp(r->found[i].code, code) == 0)
            return true;
    return false;
}

static void test_canonical_form(void **state)
{
    (void)state;
    struct run r;
    read_text(&r, minimal);
    assert_int_equal(r.rc, TB_OK);
    /* documented order, defaults filled in */
    const char *first = NULL;
    void *it = json_object_iter(r.d.canon);
    first = json_object_iter_key(it);
    assert_string_equal(first, "impl_code");
    assert_string_equal(json_string_value(json_object_get(r.d.canon, "limit_starts")), "next_day");
    assert_string_equal(json_string_value(json_object_get(r.d.canon, "power_source")), "1");
    assert_true(json_is_false(json_object_get(r.d.canon, "is_online")));
    assert_int_equal(json_array_size(json_object_get(r.d.canon, "materials")), 0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.d.canon, "result"), "kind")), "none");
    /* no form: an empty one, after notes, last */
    char *form = json_dumps(json_object_get(r.d.canon, "form"), JSON_COMPACT);
    assert_string_equal(form, "{\"fields\":[]}");
    free(form);
    void *last = json_object_iter_at(r.d.canon, "form");
    assert_non_null(last);
    assert_null(json_object_iter_next(r.d.canon, last));
    /* the struct the rules see */
    assert_int_equal(r.d.v.legal_limit_days, 20);
    assert_int_equal(r.d.v.audience, CODE_BIT(SERVICE_OBJECT_ENTERPRISE));
    assert_int_equal(r.d.v.n_steps, 2);
    assert_string_equal(r.d.org_code, "DEMO-CITY");
    /* reading the canonical form gives the same bytes */
    char *a = json_dumps(r.d.canon, JSON_COMPACT);
    struct run again;
    read_text(&again, a);
    char *b = json_dumps(again.d.canon, JSON_COMPACT);
    assert_string_equal(a, b);
    json_t *changed = item_doc_changed(r.d.canon, again.d.canon);
    assert_int_equal(json_array_size(changed), 0);
    json_decref(changed);
    free(a);
    free(b);
    done(&again);
    done(&r);
}

static void test_shape_faults_all_at_once(void **state)
{
    (void)state;
    struct run r;
    read_text(&r, "{\"impl_code\":7,\"name\":\"\",\"type\":\"99\",\"audience\":[\"2\",\"2\",\"x\"],"
                  "\"colour\":\"red\",\"materials\":[{\"name\":\"申请书\",\"form\":\"paper\","
                  "\"source\":\"applicant\",\"copies\":1,\"shape\":1},5],"
                  "\"steps\":\"none\",\"legal_limit_days\":\"20\",\"fee\":{\"amount_fen\":-1}}");
    assert_int_equal(r.rc, TB_ERR_INVALID);
    assert_null(r.d.canon);
    assert_true(has(&r, "impl_code", "wrong_type"));
    assert_true(has(&r, "basic_code", "missing"));
    assert_true(has(&r, "name", "missing"));
    assert_true(has(&r, "type", "unknown_code"));
    assert_true(has(&r, "audience[1]", "duplicate"));
    assert_true(has(&r, "audience[2]", "unknown_code"));
    assert_true(has(&r, "colour", "unknown_field"));
    assert_true(has(&r, "materials[0].shape", "unknown_field"));
    assert_true(has(&r, "materials[1]", "wrong_type"));
    assert_true(has(&r, "steps", "wrong_type"));
    assert_true(has(&r, "legal_limit_days", "wrong_type"));
    assert_true(has(&r, "fee.amount_fen", "out_of_range"));
    assert_true(has(&r, "org", "missing"));
    /* no path and code twice */
    for (size_t i = 0; i < r.p.n; i++)
        for (size_t j = i + 1; j < r.p.n; j++)
            assert_false(strcmp(r.found[i].path, r.found[j].path) == 0 &&
                         strcmp(r.found[i].code, r.found[j].code) == 0);
    done(&r);
    read_text(&r, "[1,2]");
    assert_int_equal(r.rc, TB_ERR_INVALID);
    assert_true(has(&r, "", "not_object"));
    done(&r);
}

static void test_rules_added(void **state)
{
    (void)state;
    json_t *doc = json_loads(minimal, 0, NULL);
    json_object_set_new(doc, "promised_limit_days", json_integer(25));
    json_object_set_new(doc, "materials",
                        json_pack("[{s:s,s:s,s:s,s:i}]", "name", "其他材料", "form", "paper",
                                  "source", "applicant", "copies", 1));
    char *text = json_dumps(doc, 0);
    json_decref(doc);
    struct run r;
    read_text(&r, text);
    free(text);
    assert_int_equal(r.rc, TB_ERR_INVALID);
    assert_true(has(&r, "promised_limit_days", "promised_over_legal"));
    assert_true(has(&r, "materials[0].name", "catch_all_material"));
    done(&r);
}

static void test_changed_keys(void **state)
{
    (void)state;
    json_t *a = json_loads(minimal, 0, NULL);
    json_t *b = json_deep_copy(a);
    json_object_set_new(b, "name", json_string("食品经营许可（新）"));
    json_object_set_new(b, "promised_limit_days", json_integer(4));
    json_t *ch = item_doc_changed(a, b);
    assert_int_equal(json_array_size(ch), 2);
    assert_string_equal(json_string_value(json_array_get(ch, 0)), "name");
    assert_string_equal(json_string_value(json_array_get(ch, 1)), "promised_limit_days");
    json_decref(ch);
    json_decref(a);
    json_decref(b);
    assert_true(item_status_known("suspended"));
    assert_false(item_status_known("deleted"));
    assert_false(item_status_known(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_form),
        cmocka_unit_test(test_shape_faults_all_at_once),
        cmocka_unit_test(test_rules_added),
        cmocka_unit_test(test_changed_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
