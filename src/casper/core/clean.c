/*
 * Making a new Casper or service process hold only what it should.
 *
 * It is a fork of the program: it has the program's descriptors, signal
 * handlers and mask, and the kernel rules of the program's limited
 * descriptor numbers (seccomp filters are inherited).  Descriptors are
 * closed (except the connection, stdio when the service keeps it, and
 * the Casper process's own process-descriptor end, which must stay armed
 * for cap_close() to kill it); handlers that would run program code are
 * reset; and every free number that carries a rule is filled with
 * /dev/null, because a descriptor the service opens later (a resolver's
 * socket, a file) would otherwise land on it and be refused.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "casper_impl.h"
#include "rights/state.h"

/* Numbers probed for a rule left by cap_rights_limit() in the program. */
#define RULED_MAX 1024

/* A rights filter answers the query on number fd, open or not. */
static int ruled(int fd)
{
	long r = syscall(SYS_fcntl, fd, QUERY_CMD, 0);

	return r == -1 && errno >= QUERY_ANSWER_BASE &&
	       errno < QUERY_ANSWER_BASE + (1 << QUERY_ANSWER_BITS);
}

/* The Casper process's armed end of its process descriptor (pdfork). */
static int armed(int fd)
{
	return fcntl(fd, F_GETSIG) == SIGKILL && fcntl(fd, F_GETOWN) == getpid();
}

static int close_others(int keep, int stdio)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self, fd;

	if (d == NULL)
		return -errno;
	self = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == self || fd == keep || (stdio && fd <= 2) || armed(fd))
			continue;
		close(fd);
	}
	closedir(d);
	return 0;
}

/* Descriptors 0-2 on /dev/null: a service's stray output goes nowhere. */
static int null_stdio(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int n = open("/dev/null", O_RDWR);

		if (n < 0)
			return -errno;
		if (n != fd) {
			close(n);
			return -EBADF;
		}
	}
	return 0;
}

static int fill_ruled(void)
{
	int top = -1, fd, n = 0, err = 0;
	int spare[RULED_MAX];

	for (fd = 0; fd < RULED_MAX; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && ruled(fd))
			top = fd;
	/*
	 * Open upwards through the free numbers up to the highest ruled one;
	 * keep the ruled ones, give the others back at the end.
	 */
	while (top >= 0) {
		if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
			err = -errno;
			break;
		}
		if (fd >= top)
			break;
		if (!ruled(fd))
			spare[n++] = fd;
	}
	while (n > 0)
		close(spare[--n]);
	return err;
}

static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t all;

	for (int sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
		    sa.sa_handler != SIG_DFL)
			signal(sig, SIG_DFL);
	/* A service must outlive a client that goes away mid-reply. */
	signal(SIGPIPE, SIG_IGN);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
}

int clean_process(int *keep, uint64_t flags)
{
	int stdio = (flags & CASPER_SERVICE_STDIO) != 0, err;

	reset_signals();
	if (*keep <= 2) {
		int moved = fcntl(*keep, F_DUPFD_CLOEXEC, 3);

		if (moved < 0)
			return -errno;
		close(*keep);
		*keep = moved;
	}
	if (!(flags & CASPER_SERVICE_FD) && (err = close_others(*keep, stdio)) != 0)
		return err;
	if (!stdio) {
		for (int fd = 0; fd <= 2; fd++)
			close(fd);
		if ((err = null_stdio()) != 0)
			return err;
	}
	if ((err = fill_ruled()) != 0)
		return err;
	/* Nothing the service runs may gain privileges (and Landlock needs it). */
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : -errno;
}
