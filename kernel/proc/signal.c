/*
 * Signals: the interface of signal.h. This first cut only records the
 * calls; delivery, handlers and job control follow.
 */
#include <ksvc.h>
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"

int signal_send(struct process *p, int sig)
{
	if (!p || sig < 0 || sig > NSIG)
		return -EINVAL;
	return 0;
}

int signal_send_pgrp(int pgid, int sig)
{
	if (pgid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	return 0;
}

void signal_raise(int sig)
{
	(void)signal_send(current_process(), sig);
}
