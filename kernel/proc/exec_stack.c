/*
 * The initial process stack of a new program (see exec_stack.h). From the
 * top of the stack down, as Linux lays it out (fs/exec.c copy_strings and
 * fs/binfmt_elf.c create_elf_tables):
 *
 *	stack_top - 8	 8 zero bytes (end marker)
 *			 argv strings, envp strings, the AT_EXECFN string
 *			 the AT_PLATFORM string
 *			 16 AT_RANDOM bytes
 *			 padding to 16 bytes
 *			 auxv pairs, ending with AT_NULL
 *			 NULL, envp[envc-1] ... envp[0]
 *			 NULL, argv[argc-1] ... argv[0]
 *	rsp ->		 argc			(rsp % 16 == 0: SysV ABI AMD64 3.4.1)
 *
 * Each string area is measured first, so nothing is written unless all of
 * it fits. All sizes are checked against the buffer before use, so huge
 * counts give -E2BIG rather than an overflow.
 */
#include <ksvc.h>
#include "kernel/proc/exec_stack.h"

/* Auxv entries the builder adds: AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_NULL. */
#define EXEC_OWN_AUXV 4

struct stack_cursor {
	uint8_t *buf;
	uint64_t base; /* user address of buf[0] */
	uint64_t p;    /* current lowest user address in use */
};

static bool exec_auxv_reserved(uint64_t type)
{
	return type == AT_NULL || type == AT_RANDOM || type == AT_EXECFN || type == AT_PLATFORM;
}

/* Sum of strlen + 1 over a string array, or false if over limit. */
static bool exec_strings_size(const char *const *v, size_t n, uint64_t limit, uint64_t *total)
{
	for (size_t i = 0; i < n; i++) {
		*total += (uint64_t)strnlen(v[i], limit) + 1;
		if (*total > limit)
			return false;
	}
	return true;
}

/* Take len bytes below c->p; false if they do not fit. */
static bool exec_take(struct stack_cursor *c, uint64_t len)
{
	if (len > c->p - c->base)
		return false;
	c->p -= len;
	return true;
}

static void exec_put_string(struct stack_cursor *c, uint64_t *at, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(c->buf + (*at - c->base), s, n);
	*at += n;
}

static void exec_put_word(struct stack_cursor *c, uint64_t *at, uint64_t v)
{
	memcpy(c->buf + (*at - c->base), &v, sizeof(v));
	*at += sizeof(v);
}

int exec_stack_build(void *buf, size_t buf_size, uint64_t stack_top,
		     const struct exec_stack_args *args, struct exec_stack_layout *lay)
{
	struct stack_cursor c;
	uint64_t strs = 0, nwords, at, own = 0, plat = 0;
	size_t nauxv = 0;

	if (!IS_ALIGNED(stack_top, 16) || !args->random || !args->execfn || stack_top < buf_size)
		return -EINVAL;
	memset(lay, 0, sizeof(*lay));
	c.buf = buf;
	c.base = stack_top - buf_size;
	c.p = stack_top;

	/* The strings, measured first: nothing is copied if any is too long. */
	if (!exec_strings_size(args->argv, args->argc, buf_size, &strs) ||
	    !exec_strings_size(args->envp, args->envc, buf_size, &strs) ||
	    !exec_strings_size(&args->execfn, 1, buf_size, &strs))
		return -E2BIG;
	if (args->platform && !exec_strings_size(&args->platform, 1, buf_size, &plat))
		return -E2BIG;
	if (!exec_take(&c, 8) || !exec_take(&c, strs) || !exec_take(&c, plat) ||
	    !exec_take(&c, EXEC_RANDOM_BYTES))
		return -E2BIG;

	/* The pointer block: argc, argv + NULL, envp + NULL, auxv pairs. */
	for (size_t i = 0; i < args->auxc; i++)
		if (!exec_auxv_reserved(args->auxv[i].type))
			nauxv++;
	nauxv += EXEC_OWN_AUXV - (args->platform ? 0 : 1);
	if (args->argc > buf_size || args->envc > buf_size)
		return -E2BIG;
	nwords = 1 + (args->argc + 1) + (args->envc + 1) + 2 * (uint64_t)nauxv;
	if (nwords > buf_size / 8)
		return -E2BIG;
	c.p = ALIGN_DOWN(c.p, 16);
	if (c.p < c.base || !exec_take(&c, nwords * 8))
		return -E2BIG;
	c.p = ALIGN_DOWN(c.p, 16);
	if (c.p < c.base)
		return -E2BIG;
	lay->rsp = c.p;
	lay->low = c.p;

	/* Everything fits: write from the strings area up. */
	at = stack_top - 8 - strs;
	lay->arg_start = at;
	for (size_t i = 0; i < args->argc; i++)
		exec_put_string(&c, &at, args->argv[i]);
	lay->arg_end = at;
	lay->env_start = at;
	for (size_t i = 0; i < args->envc; i++)
		exec_put_string(&c, &at, args->envp[i]);
	lay->env_end = at;
	lay->execfn = at;
	exec_put_string(&c, &at, args->execfn);
	memset(c.buf + (at - c.base), 0, 8); /* the end marker */
	if (args->platform) {
		own = stack_top - 8 - strs - plat;
		at = own;
		exec_put_string(&c, &at, args->platform);
	}
	lay->random = stack_top - 8 - strs - plat - EXEC_RANDOM_BYTES;
	memcpy(c.buf + (lay->random - c.base), args->random, EXEC_RANDOM_BYTES);

	at = lay->rsp;
	exec_put_word(&c, &at, args->argc);
	lay->argv = at;
	{
		uint64_t s = lay->arg_start;

		for (size_t i = 0; i < args->argc; i++) {
			exec_put_word(&c, &at, s);
			s += strlen(args->argv[i]) + 1;
		}
		exec_put_word(&c, &at, 0);
		lay->envp = at;
		for (size_t i = 0; i < args->envc; i++) {
			exec_put_word(&c, &at, s);
			s += strlen(args->envp[i]) + 1;
		}
		exec_put_word(&c, &at, 0);
	}
	lay->auxv = at;
	for (size_t i = 0; i < args->auxc; i++) {
		if (exec_auxv_reserved(args->auxv[i].type))
			continue;
		exec_put_word(&c, &at, args->auxv[i].type);
		exec_put_word(&c, &at, args->auxv[i].val);
	}
	if (args->platform) {
		exec_put_word(&c, &at, AT_PLATFORM);
		exec_put_word(&c, &at, own);
	}
	exec_put_word(&c, &at, AT_EXECFN);
	exec_put_word(&c, &at, lay->execfn);
	exec_put_word(&c, &at, AT_RANDOM);
	exec_put_word(&c, &at, lay->random);
	exec_put_word(&c, &at, AT_NULL);
	exec_put_word(&c, &at, 0);
	/* Padding between the tables and the random bytes: zeroed, not stale. */
	memset(c.buf + (at - c.base), 0, lay->random - at);
	return 0;
}
