/*
 * Host tests of osh's pure parts (shell/lex.c, parse.c, expand.c, arith.c):
 * the AST of each construct printed back as an s-expression, syntax errors
 * and their messages, incomplete input, here-documents, and word expansion
 * against a fake variable table and command substitution.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell.h"

static char out[8192];
static char err[512];

/* Parses every complete command of src; returns the last status and
 * leaves the printed trees, separated by " ; ", in out. */
static enum parse_status parse_all(const char *src)
{
	struct parser p;
	parser_init(&p, src, strlen(src), 1);
	out[0] = 0;
	err[0] = 0;
	enum parse_status r;
	for (;;) {
		struct node *n;
		r = parse_next(&p, &n);
		if (r == P_EMPTY)
			continue;
		if (r != P_OK)
			break;
		char buf[4096];
		node_print(n, buf, sizeof(buf));
		if (out[0])
			strcat(out, " ; ");
		strncat(out, buf, sizeof(out) - strlen(out) - 1);
		node_free(n);
	}
	if (r == P_ERROR || r == P_INCOMPLETE)
		snprintf(err, sizeof(err), "line %d: %s", p.errline, p.errmsg);
	parser_free(&p);
	return r;
}

static void check_tree(const char *src, const char *want)
{
	enum parse_status r = parse_all(src);
	ck_assert_msg(r == P_EOF, "%s: status %d (%s)", src, r, err);
	ck_assert_str_eq(out, want);
}

static void check_error(const char *src, const char *want)
{
	enum parse_status r = parse_all(src);
	ck_assert_msg(r == P_ERROR, "%s: status %d, tree %s", src, r, out);
	ck_assert_str_eq(err, want);
}

START_TEST(test_simple_and_lists)
{
	check_tree("echo a b", "(cmd echo a b)");
	check_tree("x=1 y=2 env", "(cmd x=1 y=2 env)");
	check_tree("a; b & c", "(seq (seq (cmd a) (bg (cmd b))) (cmd c))");
	check_tree("a && b || ! c", "(or (and (cmd a) (cmd b)) (not (cmd c)))");
	check_tree("a | b | c", "(pipe (pipe (cmd a) (cmd b)) (cmd c))");
	check_tree("a |\n b", "(pipe (cmd a) (cmd b))");
	check_tree("a\nb\n", "(cmd a) ; (cmd b)");
	check_tree("echo a # comment\n", "(cmd echo a)");
	check_tree("echo a#b", "(cmd echo a#b)");
	check_tree("\n\n  \n", "");
}
END_TEST

START_TEST(test_quotes_kept_raw)
{
	check_tree("echo 'a b' \"c $d\" e\\ f", "(cmd echo 'a b' \"c $d\" e\\ f)");
	check_tree("echo $(a | b) `c` ${x:-y z}", "(cmd echo $(a | b) `c` ${x:-y z})");
	check_tree("echo \"$(echo \")\")\"", "(cmd echo \"$(echo \")\")\")");
	check_tree("echo $((1+(2*3)))", "(cmd echo $((1+(2*3))))");
	check_tree("echo a\\\nb", "(cmd echo a\\\nb)");
}
END_TEST

START_TEST(test_redirections)
{
	check_tree("cmd <in >out 2>err >>app", "(cmd cmd 0<in 1>out 2>err 1>>app)");
	check_tree("cmd 2>&1 &>both 3<>rw >|clob <&3", "(cmd cmd 2>&1 1&>both 3<>rw 1>|clob 0<&3)");
	check_tree(">out", "(cmd 1>out)");
	check_tree("{ a; b; } >out", "(group (seq (cmd a) (cmd b)) 1>out)");
	check_tree("(a) 2>/dev/null", "(sub (cmd a) 2>/dev/null)");
}
END_TEST

START_TEST(test_heredocs)
{
	check_tree("cat <<EOF\nhello $x\nEOF\necho after\n",
		   "(cmd cat 0<<EOF[hello $x\n]) ; (cmd echo after)");
	check_tree("cat <<'E'\n$x\nE\n", "(cmd cat 0<<'E'[q:$x\n])");
	check_tree("cat <<\\E\na\nE\n", "(cmd cat 0<<\\E[q:a\n])");
	check_tree("cat <<-E\n\tindented\n\tE\n", "(cmd cat 0<<-E[indented\n])");
	check_tree("cat <<A <<B\na\nA\nb\nB\n", "(cmd cat 0<<A[a\n] 0<<B[b\n])");
	check_tree("cat <<A | wc\nx\nA\n", "(pipe (cmd cat 0<<A[x\n]) (cmd wc))");
	ck_assert_int_eq(parse_all("cat <<EOF\nno end\n"), P_INCOMPLETE);
}
END_TEST

START_TEST(test_compound)
{
	check_tree("if a; then b; elif c; then d; else e; fi",
		   "(if (cmd a) (cmd b) (if (cmd c) (cmd d) (cmd e)))");
	check_tree("if a\nthen\n b\nfi", "(if (cmd a) (cmd b))");
	check_tree("while a; do b; done", "(while (cmd a) (cmd b))");
	check_tree("until a; do b; done", "(until (cmd a) (cmd b))");
	check_tree("for i in 1 2 3; do echo $i; done", "(for i (in 1 2 3) (cmd echo $i))");
	check_tree("for i\ndo echo; done", "(for i (cmd echo))");
	check_tree("for i in; do :; done", "(for i (in) (cmd :))");
	check_tree("case $x in a|b) echo ab;; (c) ;; *) d; e;; esac",
		   "(case $x (a|b (cmd echo ab)) (c ()) (* (seq (cmd d) (cmd e))))");
	check_tree("case x in\n a) b\nesac", "(case x (a (cmd b)))");
	check_tree("f() { echo f; }", "(func f (group (cmd echo f)))");
	check_tree("f ()\n{\n echo\n}", "(func f (group (cmd echo)))");
	check_tree("f() (echo sub)", "(func f (sub (cmd echo sub)))");
	check_tree("echo if then fi", "(cmd echo if then fi)");
	check_tree("{ a; } && (b; c) &", "(bg (and (group (cmd a)) (sub (seq (cmd b) (cmd c)))))");
	check_tree("while a; do for x in y; do break; done; done",
		   "(while (cmd a) (for x (in y) (cmd break)))");
}
END_TEST

START_TEST(test_syntax_errors)
{
	check_error("fi", "line 1: syntax error near unexpected token `fi'");
	check_error("echo a\n;;", "line 2: syntax error near unexpected token `;;'");
	check_error("a | | b", "line 1: syntax error near unexpected token `|'");
	check_error("a && ; b", "line 1: syntax error near unexpected token `;'");
	check_error("echo >\n", "line 1: syntax error near unexpected token `newline'");
	check_error("if then fi", "line 1: syntax error near unexpected token `then'");
	check_error("( )", "line 1: syntax error near unexpected token `)'");
	check_error("for 1 in a; do :; done", "line 1: syntax error near unexpected token `1'");
	check_error("echo )", "line 1: syntax error near unexpected token `)'");
	check_error("\n\nwhile a; done", "line 3: syntax error near unexpected token `done'");
	check_error("f() echo", "line 1: syntax error near unexpected token `echo'");
	/* The command before the error was delivered. */
	parse_all("echo ok\n)\n");
	ck_assert_str_eq(out, "(cmd echo ok)");
}
END_TEST

START_TEST(test_incomplete)
{
	const char *inc[] = {"if a; then", "echo 'abc",	   "echo \"abc", "a &&",     "a |",
			     "while a",	   "{ a;",	   "case x in",	 "echo $(a", "echo `a",
			     "f()",	   "for i in a b", NULL};
	for (int i = 0; inc[i]; i++)
		ck_assert_msg(parse_all(inc[i]) == P_INCOMPLETE, "%s: not incomplete", inc[i]);
}
END_TEST

static const char *test_alias(const char *name)
{
	if (!strcmp(name, "ll"))
		return "ls -l";
	if (!strcmp(name, "bad"))
		return "a | b";
	if (!strcmp(name, "ls"))
		return "ls -F"; /* recursion guard: ls is not expanded again */
	if (!strcmp(name, "sudo"))
		return "env "; /* trailing blank: the next word is checked */
	return NULL;
}

START_TEST(test_aliases)
{
	const char *src = "ll /tmp\necho ll\n'll'\nbad x\nls\nsudo ll x\nsudo echo ll\n";
	struct parser p;
	parser_init(&p, src, strlen(src), 1);
	p.alias = test_alias;
	const char *want[] = {"(cmd ls -F -l /tmp)",	  "(cmd echo ll)", "(cmd 'll')",
			      "(pipe (cmd a) (cmd b x))", "(cmd ls -F)",   "(cmd env ls -F -l x)",
			      "(cmd env echo ll)"};
	for (int i = 0; i < 7; i++) {
		struct node *n;
		ck_assert_int_eq(parse_next(&p, &n), P_OK);
		node_print(n, out, sizeof(out));
		ck_assert_str_eq(out, want[i]);
		node_free(n);
	}
	parser_free(&p);
}
END_TEST

/* A function body copy (tree.c) prints the same as the original and
 * outlives the parse tree it came from. */
START_TEST(test_node_copy)
{
	const char *src[] = {
		"f() { case $1 in a|b) echo x >o 2>&1;; *) y=1 z;; esac; }\n",
		"g() ( while read l; do cat <<EOF\n$l\nEOF\n done < in | sort; )\n",
		"h() { if a; then b; elif c; then d & else ! e || f && g; fi; for i in 1 2; do :; "
		"done; }\n",
	};
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		struct parser p;
		struct node *n;
		char want[4096];
		parser_init(&p, src[i], strlen(src[i]), 1);
		ck_assert_int_eq(parse_next(&p, &n), P_OK);
		node_print(n->a, want, sizeof(want));
		struct node *c = node_copy(n->a);
		node_free(n);
		parser_free(&p);
		node_print(c, out, sizeof(out));
		ck_assert_str_eq(out, want);
		ck_assert_int_eq(c->refs, 1);
		tree_put(c);
	}
}
END_TEST

/* ---- expansion ---- */

static const char *fake_vars[][2] = {
	{"x", "hello"},	     {"sp", "a  b c"}, {"empty", ""},
	{"HOME", "/home/u"}, {"n", "7"},       {"path", "/usr/lib/libc.so.6"},
	{"IFS", " \t\n"},    {"star", "*"},
};
static char *fake_params[] = {"one", "two three", ""};
static char set_name[64], set_val[64];

static const char *f_getvar(void *ctx, const char *name)
{
	for (size_t i = 0; i < sizeof(fake_vars) / sizeof(fake_vars[0]); i++)
		if (!strcmp(fake_vars[i][0], name))
			return fake_vars[i][1];
	if (!strcmp(name, "#"))
		return "3";
	if (!strcmp(name, "1"))
		return fake_params[0];
	if (!strcmp(name, set_name))
		return set_val;
	return NULL;
}

static int f_setvar(void *ctx, const char *name, const char *val)
{
	snprintf(set_name, sizeof(set_name), "%s", name);
	snprintf(set_val, sizeof(set_val), "%s", val);
	return 0;
}

static int f_nparams(void *ctx)
{
	return 3;
}

static const char *f_param(void *ctx, int i)
{
	return i == 0 ? "osh" : fake_params[i - 1];
}

static char *f_cmdsubst(void *ctx, const char *cmd)
{
	char *r = malloc(strlen(cmd) + 8);
	sprintf(r, "[%s]\n\n", cmd);
	return r;
}

static void f_error(void *ctx, const char *msg)
{
	snprintf(err, sizeof(err), "%s", msg);
}

static struct exp_ops ops = {.getvar = f_getvar,
			     .setvar = f_setvar,
			     .nparams = f_nparams,
			     .param = f_param,
			     .cmdsubst = f_cmdsubst,
			     .error = f_error};

/* Expands w with splitting and returns the fields joined as <a><b>. */
static const char *fields(const char *w)
{
	struct strv v = {0};
	int r = expand_word(&ops, w, EXP_SPLIT, &v);
	out[0] = 0;
	if (r < 0)
		strcpy(out, "ERROR");
	for (int i = 0; i < v.n; i++) {
		strcat(out, "<");
		strcat(out, v.v[i]);
		strcat(out, ">");
	}
	strv_free(&v);
	return out;
}

START_TEST(test_expand_basic)
{
	ck_assert_str_eq(fields("$x"), "<hello>");
	ck_assert_str_eq(fields("${x}world"), "<helloworld>");
	ck_assert_str_eq(fields("'$x'"), "<$x>");
	ck_assert_str_eq(fields("\"$x\"'!'"), "<hello!>");
	ck_assert_str_eq(fields("\\$x"), "<$x>");
	ck_assert_str_eq(fields("\"\\$x \\\" \\a\""), "<$x \" \\a>");
	ck_assert_str_eq(fields("$sp"), "<a><b><c>");
	ck_assert_str_eq(fields("\"$sp\""), "<a  b c>");
	ck_assert_str_eq(fields("$empty"), "");
	ck_assert_str_eq(fields("\"$empty\""), "<>");
	ck_assert_str_eq(fields("''"), "<>");
	ck_assert_str_eq(fields("$unset"), "");
	ck_assert_str_eq(fields("x$sp"), "<xa><b><c>");
	ck_assert_str_eq(fields("$"), "<$>");
	ck_assert_str_eq(fields("a$"), "<a$>");
	ck_assert_str_eq(fields("~"), "</home/u>");
	ck_assert_str_eq(fields("~/d"), "</home/u/d>");
	ck_assert_str_eq(fields("'~'"), "<~>");
	ck_assert_str_eq(fields("$#"), "<3>");
	ck_assert_str_eq(fields("$1"), "<one>");
}
END_TEST

START_TEST(test_expand_params)
{
	ck_assert_str_eq(fields("$@"), "<one><two><three>");
	ck_assert_str_eq(fields("\"$@\""), "<one><two three><>");
	ck_assert_str_eq(fields("\"x$@y\""), "<xone><two three><y>");
	ck_assert_str_eq(fields("\"$*\""), "<one two three >");
	ck_assert_str_eq(fields("${x:-d}"), "<hello>");
	ck_assert_str_eq(fields("${empty:-d}"), "<d>");
	ck_assert_str_eq(fields("${empty-d}"), "");
	ck_assert_str_eq(fields("\"${empty-d}\""), "<>");
	ck_assert_str_eq(fields("${unset-d e}"), "<d><e>");
	ck_assert_str_eq(fields("\"${unset-d e}\""), "<d e>");
	ck_assert_str_eq(fields("${x:+alt}"), "<alt>");
	ck_assert_str_eq(fields("${unset:+alt}"), "");
	ck_assert_str_eq(fields("${#x}"), "<5>");
	ck_assert_str_eq(fields("${path##*/}"), "<libc.so.6>");
	ck_assert_str_eq(fields("${path#*/}"), "<usr/lib/libc.so.6>");
	ck_assert_str_eq(fields("${path%.*}"), "</usr/lib/libc.so>");
	ck_assert_str_eq(fields("${path%%.*}"), "</usr/lib/libc>");
	ck_assert_str_eq(fields("${path%\"*\"}"), "</usr/lib/libc.so.6>");
	ck_assert_str_eq(fields("${newvar:=set}"), "<set>");
	ck_assert_str_eq(set_name, "newvar");
	ck_assert_str_eq(fields("${unset:?gone}"), "ERROR");
	ck_assert_str_eq(err, "unset: gone");
	ck_assert_str_eq(fields("${x"), "ERROR");
	ck_assert_str_eq(fields("${!}"), "");
	/* set -u */
	ops.nounset = 1;
	ck_assert_str_eq(fields("$nosuch"), "ERROR");
	ck_assert_str_eq(err, "nosuch: parameter not set");
	ck_assert_str_eq(fields("${nosuch-ok}"), "<ok>");
	ck_assert_str_eq(fields("$x"), "<hello>");
	ops.nounset = 0;
}
END_TEST

START_TEST(test_expand_subst_arith)
{
	ck_assert_str_eq(fields("$(echo a)"), "<[echo><a]>");
	ck_assert_str_eq(fields("\"$(echo a)\""), "<[echo a]>");
	ck_assert_str_eq(fields("`echo \\$x`"), "<[echo><$x]>");
	ck_assert_str_eq(fields("$((1 + 2 * 3))"), "<7>");
	ck_assert_str_eq(fields("$(( (1+2)*3 - 10/3 % 2 ))"), "<8>");
	ck_assert_str_eq(fields("$((n * 2))"), "<14>");
	ck_assert_str_eq(fields("$(($n << 2 | 1))"), "<29>");
	ck_assert_str_eq(fields("$((n > 3 && n < 10))"), "<1>");
	ck_assert_str_eq(fields("$((-n + !0 + ~0))"), "<-7>");
	ck_assert_str_eq(fields("$((n == 7 ? 100 : 200))"), "<100>");
	ck_assert_str_eq(fields("$((0x10 + 010))"), "<24>");
	ck_assert_str_eq(fields("$((1/0))"), "ERROR");
	ck_assert_str_eq(fields("$((1 +))"), "ERROR");
	ck_assert_str_eq(fields("$((m = 5 + 1))"), "<6>");
	ck_assert_str_eq(set_val, "6");
	long v;
	ck_assert_int_eq(arith_eval(&ops, "-9223372036854775807 - 1 / -1", &v), 0);
	ck_assert_str_eq(fields("$((n++))"), "<7>");
	ck_assert_str_eq(set_name, "n");
	ck_assert_str_eq(set_val, "8");
	ck_assert_str_eq(fields("$((--n))"), "<6>");
	ck_assert_str_eq(fields("$((0 && n++))"), "<0>");
	ck_assert_str_eq(set_val, "6"); /* the untaken side did not assign */
}
END_TEST

START_TEST(test_expand_one_and_patterns)
{
	char *s = expand_one(&ops, "$sp\"x\"", 0);
	ck_assert_str_eq(s, "a  b cx");
	free(s);
	s = expand_one(&ops, "'*'a*\"?\"", EXP_PATTERN);
	ck_assert_str_eq(s, "\\*a*\\?");
	free(s);
	ck_assert(glob_match("a*", "abc"));
	ck_assert(!glob_match("\\*", "x"));
	ck_assert(glob_match("[a-c]?", "b9"));
	/* An unquoted glob that matches nothing stays as it is. */
	ck_assert_str_eq(fields("/nonexistent-dir/*.none"), "</nonexistent-dir/*.none>");
	ck_assert_str_eq(fields("\"$star\""), "<*>");
}
END_TEST

static Suite *shell_suite(void)
{
	Suite *s = suite_create("shell_parse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_simple_and_lists);
	tcase_add_test(tc, test_quotes_kept_raw);
	tcase_add_test(tc, test_redirections);
	tcase_add_test(tc, test_heredocs);
	tcase_add_test(tc, test_compound);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_incomplete);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_node_copy);
	tcase_add_test(tc, test_expand_basic);
	tcase_add_test(tc, test_expand_params);
	tcase_add_test(tc, test_expand_subst_arith);
	tcase_add_test(tc, test_expand_one_and_patterns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(shell_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
