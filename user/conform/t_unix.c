/*
 * unix: AF_UNIX sockets as message channels (unix(7)): socketpair stream
 * and datagram, bind/listen/connect/accept by path, datagrams by path,
 * EOF and EPIPE, SCM_RIGHTS descriptor passing, and the usual errors.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

#define S syscall

static struct sockaddr_un addr(const char *path)
{
	struct sockaddr_un a;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
	return a;
}

static int c_socketpair_stream(char *msg)
{
	int sv[2];
	char buf[32] = {0};
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair failed (errno %s)",
		t_errname(errno));
	REQUIRE(write(sv[0], "ping", 4) == 4 && read(sv[1], buf, sizeof(buf)) == 4 &&
			!memcmp(buf, "ping", 4),
		"expected ping one way");
	REQUIRE(send(sv[1], "pong", 4, 0) == 4 && recv(sv[0], buf, sizeof(buf), 0) == 4 &&
			!memcmp(buf, "pong", 4),
		"expected pong the other way");
	{
		struct pollfd pf = {sv[1], POLLIN, 0};
		REQUIRE(poll(&pf, 1, 0) == 0, "expected nothing readable");
		write(sv[0], "x", 1);
		REQUIRE(poll(&pf, 1, 1000) == 1 && (pf.revents & POLLIN), "expected POLLIN");
		read(sv[1], buf, 1);
	}
	close(sv[0]);
	REQUIRE(read(sv[1], buf, sizeof(buf)) == 0, "expected EOF after the peer closed");
	signal(SIGPIPE, SIG_IGN);
	REQUIRE(write(sv[1], "x", 1) == -1 && errno == EPIPE, "expected EPIPE got errno %s",
		t_errname(errno));
	return 0;
}

static int c_socketpair_dgram(char *msg)
{
	int sv[2];
	char buf[32] = {0};
	REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair failed (errno %s)",
		t_errname(errno));
	write(sv[0], "one", 3);
	write(sv[0], "two!", 4);
	REQUIRE(read(sv[1], buf, sizeof(buf)) == 3, "expected the first datagram whole");
	REQUIRE(read(sv[1], buf, 2) == 2 && !memcmp(buf, "tw", 2),
		"expected a short read to truncate the second");
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	REQUIRE(read(sv[1], buf, sizeof(buf)) == -1 && errno == EAGAIN,
		"expected the rest of a truncated datagram dropped (EAGAIN) got errno %s",
		t_errname(errno));
	return 0;
}

static int c_stream_by_path(char *msg)
{
	const char *path = t_path("sock");
	struct sockaddr_un a = addr(path);
	int l = socket(AF_UNIX, SOCK_STREAM, 0), st;
	char buf[16] = {0};
	pid_t c;

	REQUIRE(l >= 0, "socket failed (errno %s)", t_errname(errno));
	REQUIRE(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0, "bind failed (errno %s)",
		t_errname(errno));
	{
		int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
		REQUIRE(bind(l2, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EADDRINUSE,
			"expected EADDRINUSE for a second bind got errno %s", t_errname(errno));
		close(l2);
	}
	{
		int cs = socket(AF_UNIX, SOCK_STREAM, 0);
		REQUIRE(connect(cs, (struct sockaddr *)&a, sizeof(a)) == -1 &&
				errno == ECONNREFUSED,
			"expected ECONNREFUSED before listen got errno %s", t_errname(errno));
		close(cs);
	}
	REQUIRE(listen(l, 4) == 0, "listen failed (errno %s)", t_errname(errno));
	c = fork();
	if (c == 0) {
		int cs = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(cs, (struct sockaddr *)&a, sizeof(a)) < 0)
			_exit(1);
		write(cs, "hello", 5);
		read(cs, buf, 1);
		_exit(buf[0] == '!' ? 0 : 2);
	}
	{
		int s = accept(l, NULL, NULL);
		REQUIRE(s >= 0, "accept failed (errno %s)", t_errname(errno));
		REQUIRE(read(s, buf, 5) == 5 && !memcmp(buf, "hello", 5), "expected hello");
		write(s, "!", 1);
		close(s);
	}
	waitpid(c, &st, 0);
	REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client: %s", t_status(st));
	{
		struct sockaddr_un m = addr(t_path("nosock"));
		int cs = socket(AF_UNIX, SOCK_STREAM, 0);
		REQUIRE(connect(cs, (struct sockaddr *)&m, sizeof(m)) == -1 && errno == ENOENT,
			"expected ENOENT for a missing path got errno %s", t_errname(errno));
		close(cs);
	}
	close(l);
	return 0;
}

static int c_dgram_by_path(char *msg)
{
	struct sockaddr_un a = addr(t_path("dsock")), from;
	socklen_t fl = sizeof(from);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[16] = {0};
	REQUIRE(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "bind failed (errno %s)",
		t_errname(errno));
	REQUIRE(sendto(c, "dg", 2, 0, (struct sockaddr *)&a, sizeof(a)) == 2,
		"sendto failed (errno %s)", t_errname(errno));
	REQUIRE(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) == 2 &&
			!memcmp(buf, "dg", 2),
		"expected the datagram (errno %s)", t_errname(errno));
	return 0;
}

static int c_scm_rights(char *msg)
{
	int sv[2], p[2], got = -1;
	char data = 'D', buf[CMSG_SPACE(sizeof(int))], c = 0;
	struct iovec iov = {&data, 1};
	struct msghdr mh;
	struct cmsghdr *cm;

	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair failed");
	pipe(p);
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = buf;
	mh.msg_controllen = sizeof(buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
	REQUIRE(sendmsg(sv[0], &mh, 0) == 1, "sendmsg failed (errno %s)", t_errname(errno));
	close(p[0]);
	memset(buf, 0, sizeof(buf));
	mh.msg_controllen = sizeof(buf);
	REQUIRE(recvmsg(sv[1], &mh, 0) == 1, "recvmsg failed (errno %s)", t_errname(errno));
	cm = CMSG_FIRSTHDR(&mh);
	REQUIRE(cm && cm->cmsg_type == SCM_RIGHTS, "expected an SCM_RIGHTS message");
	memcpy(&got, CMSG_DATA(cm), sizeof(int));
	write(p[1], "Z", 1);
	REQUIRE(read(got, &c, 1) == 1 && c == 'Z', "expected to read the pipe through fd %d", got);
	return 0;
}

void group_unix(void)
{
	int sv[2];

	T_ERR("socketpair_efault", S(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, KADDR), EFAULT);
	T_ERR("socketpair_einval_type", S(SYS_socketpair, AF_UNIX, 99, 0, sv), EINVAL);
	T_ERR("socketpair_eafnosupport", S(SYS_socketpair, 99, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	T_ERR("socket_eafnosupport", S(SYS_socket, 99, SOCK_STREAM, 0), EAFNOSUPPORT);
	T_ERR("sendto_ebadf", S(SYS_sendto, 9999, "x", 1, 0, NULL, 0), EBADF);
	{
		int fd = open("/", O_RDONLY);
		T_ERR("recvfrom_enotsock", S(SYS_recvfrom, fd, sv, 1, 0, NULL, NULL), ENOTSOCK);
		close(fd);
	}
	t_run("socketpair_stream", c_socketpair_stream, 5000);
	t_run("socketpair_dgram", c_socketpair_dgram, 5000);
	t_run("stream_by_path", c_stream_by_path, 5000);
	t_run("dgram_by_path", c_dgram_by_path, 5000);
	t_run("scm_rights", c_scm_rights, 5000);
}
