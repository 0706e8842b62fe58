/*
 * backup.h - `tongban backup` (src/app/backup.c).
 */
#ifndef TB_APP_BACKUP_H
#define TB_APP_BACKUP_H

/* `tongban backup --data DIR FILE`; returns the process exit status. */
int tb_cmd_backup(int argc, char **argv);

#endif
