/*
 * telnetd's parts (telnetd.c, the listener; session.c, one relay process
 * per connection; telnet.c, the protocol engine).
 */
#ifndef USER_TELNETD_TELNETD_H
#define USER_TELNETD_TELNETD_H

struct telnetd_opts {
	int port;	   /* -p: TCP port (23) */
	int max_conns;	   /* -m: sessions at once (32) */
	int idle_s;	   /* -t: seconds without client input before a close (0: never) */
	const char *login; /* -l: the program run on the pty (/bin/login) */
};

/* Run the session for the connected socket sock (in the forked relay
 * process); never returns. peer is the client's address, for login -h. */
void telnet_session(int sock, const struct telnetd_opts *o, const char *peer)
	__attribute__((noreturn));

#endif
