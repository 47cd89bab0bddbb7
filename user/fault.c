/*
 * Misbehaving on purpose, to show the kernel survives its programs: with
 * argument "null" it reads address 0, "kernel" writes into the kernel half,
 * "priv" runs a privileged instruction (hlt), "stack" jumps into its own
 * (non-executable) stack. Each must kill only this process.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "null";

	printf("fault: about to do '%s'\n", what);
	fflush(stdout);
	if (strcmp(what, "null") == 0) {
		return *(volatile int *)0;
	} else if (strcmp(what, "kernel") == 0) {
		*(volatile long *)0xffffffff80100000ul = 1;
	} else if (strcmp(what, "priv") == 0) {
		__asm__ volatile("hlt");
	} else if (strcmp(what, "stack") == 0) {
		unsigned char code[16] = {0xc3}; /* ret */
		((void (*)(void))code)();
	}
	printf("fault: survived '%s', which is wrong\n", what);
	return 1;
}
