/*
 * generate.h - `tongban demo generate` (generate.c): made-up cases in bulk
 * for a demonstration installation, to try the queues, the warning sweep
 * and the benchmarks at a realistic size (docs/benchmarks.md).
 */
#ifndef TB_CASES_GENERATE_H
#define TB_CASES_GENERATE_H

/* `tongban demo generate --data DIR --cases N [--seed S] [--today DATE]`;
 * argv[0] is "demo". Returns a process exit status: 0 done, 1 failed
 * (nothing of a failed batch is kept), 2 usage. */
int cases_cmd_demo(int argc, char **argv);

#endif
