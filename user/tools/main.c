/*
 * Dispatch of the multi-call binary: the last component of argv[0] names
 * the tool (/usr/local/bin/ls -> tools runs ls_main); "tools NAME ARGS"
 * runs NAME, and "tools" alone lists what is built in.
 */
#include <stdio.h>
#include <string.h>

#include "tools.h"

struct tool {
	const char *name;
	int (*main)(int, char **);
};

static const struct tool tools[] = {
#define TOOL(n) {#n, n##_main},
#include "tool_list.h"
#undef TOOL
};

const char *tool_name = "tools";

static const struct tool *find_tool(const char *name)
{
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(tools[i].name, name) == 0)
			return &tools[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const struct tool *t;

	base = base ? base + 1 : (argc > 0 ? argv[0] : "tools");
	if (strcmp(base, "tools") == 0) {
		if (argc < 2) {
			for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
				printf("%s\n", tools[i].name);
			return 0;
		}
		argc--;
		argv++;
		base = argv[0];
	}
	t = find_tool(base);
	if (!t) {
		fprintf(stderr, "tools: %s: no such tool\n", base);
		return 127;
	}
	tool_name = t->name;
	return t->main(argc, argv);
}
