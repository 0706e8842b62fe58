-- 0012_search_rank: items_fts ranks by bm25 with the weights name 10,
-- materials 3, conditions 1 by default, so the catalogue search reads
-- "rank" from FTS5's table-valued form, items_fts(?14), the form the
-- PostgreSQL function items_fts(q) answers too (0005_catalog.pg.sql).
INSERT INTO items_fts(items_fts, rank) VALUES ('rank', 'bm25(10.0, 3.0, 1.0)');
