/* osh interactive line editor and history (edit.c). */
#ifndef OSH_EDIT_H
#define OSH_EDIT_H

#define EDIT_INTERRUPTED ((char *)-1) /* ^C: the line was abandoned */

void edit_init(void);
/* Returns a malloc'd line ending in '\n', NULL at end of input (^D on an
 * empty line), or EDIT_INTERRUPTED. */
char *edit_readline(const char *prompt);
void edit_history_add(const char *line);
/* Expands !! and !N in line; returns a malloc'd copy or NULL on an unknown
 * event (an error was printed). */
char *edit_history_expand(const char *line);
void edit_save_history(void);
int edit_history_builtin(int argc, char **argv);

#endif
