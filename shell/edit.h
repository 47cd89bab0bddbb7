/* osh interactive line editor and history (edit.c). */
#ifndef OSH_EDIT_H
#define OSH_EDIT_H

#include <sys/types.h>

#define EDIT_INTERRUPTED ((char *)-1) /* ^C: the line was abandoned */

/* Bytes around prompt text that takes no columns (from \[ and \]). */
#define PROMPT_IGNORE_START '\001'
#define PROMPT_IGNORE_END   '\002'

void edit_init(void);
/* read(2) from fd 0 that clears O_NONBLOCK and tries again when another
 * process left it set (as ash and dash do: "turning off NDELAY mode"). */
ssize_t edit_read_input(void *buf, size_t n);
/* Returns a malloc'd line ending in '\n', NULL at end of input (^D on an
 * empty line), or EDIT_INTERRUPTED. */
char *edit_readline(const char *prompt);
void edit_history_add(const char *line);
/* Expands !! and !N in line; returns a malloc'd copy or NULL on an unknown
 * event (an error was printed). */
char *edit_history_expand(const char *line);
void edit_save_history(void);
int edit_history_builtin(int argc, char **argv);
/* prompt.c: PS1/PS2 with their backslash escapes expanded (malloc'd). */
char *prompt_expand(const char *ps);

#endif
