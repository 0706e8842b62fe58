/*
 * fuzz_item_doc.c - libFuzzer harness for the item document reader
 * (src/catalog/doc.c) behind POST/PUT /api/v1/items and the catalogue import.
 *
 * Any JSON an administrator or an import file sends goes through
 * item_doc_read, so it must never crash, leak or loop. Besides memory
 * safety the harness checks the properties the store relies on: a refused
 * document reports at least one problem and yields no canonical form; an
 * accepted one reads back to exactly itself (the canonical form is a fixed
 * point, so equal items have equal bytes) and differs from itself nowhere.
 *
 * Seeds in tests/fuzz/corpus/item_doc/ (demo items and a faulty one).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "catalog/catalog.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "lib/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *in = NULL;
    struct tb_json_error je;
    if (tb_json_parse((const char *)data, size, TB_JSON_MAX_DEPTH_DEFAULT, &in, &je) < 0)
        return 0;
    static const struct proof_entry entries[] = {{"PROOF-001", "无犯罪记录证明"}};
    struct proof_list proofs = {entries, 1};
    struct tb_arena a;
    tb_arena_init(&a, 4096);
    struct item_problem found[32];
    struct item_problems p = {found, 32, 0};
    struct item_doc d;
    int rc = item_doc_read(in, &proofs, &a, &d, &p);
    require(rc == TB_OK || rc == TB_ERR_INVALID || rc == TB_ERR_NOMEM);
    if (rc == TB_ERR_INVALID)
        require(p.n > 0 && d.canon == NULL);
    if (rc == TB_OK) {
        require(p.n == 0 && d.canon != NULL);
        struct item_problems q = {found, 32, 0};
        struct item_doc again;
        require(item_doc_read(d.canon, &proofs, &a, &again, &q) == TB_OK);
        require(json_equal(d.canon, again.canon));
        json_t *changed = item_doc_changed(d.canon, again.canon);
        require(changed && json_array_size(changed) == 0);
        json_decref(changed);
        json_decref(again.canon);
        json_decref(d.canon);
    }
    json_decref(in);
    tb_arena_free(&a);
    return 0;
}
