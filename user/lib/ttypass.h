/*
 * Password prompts on the controlling terminal (user/lib/ttypass.c).
 */
#ifndef USER_LIB_TTYPASS_H
#define USER_LIB_TTYPASS_H

#include <stddef.h>

/*
 * Write PROMPT to /dev/tty and read one line from it with echo off into
 * buf (NUL-terminated, without the newline; cut to len - 1 bytes). 0, or
 * -errno: -ENXIO/-ENOENT without a terminal, -EINTR when a signal such as
 * ^C ended the read (buf is then zeroed).
 */
int tty_read_password(const char *prompt, char *buf, size_t len);

#endif
