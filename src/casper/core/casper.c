/*
 * cap_init() and the Casper process.
 *
 * As on FreeBSD there is no system daemon: cap_init() forks the Casper
 * process from the program with pdfork(), before the program enters
 * capability mode, and keeps its process descriptor in the channel
 * (closing it kills the Casper process).  The Casper process is itself a
 * service, "core.casper", whose one command "open" forks a process for a
 * registered service and hands back the new connection.  Its limits are
 * the names of the services it may open (NULL entries).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <sys/capsicum.h>
#include <sys/procdesc.h>

#include "casper_impl.h"

static int casper_limit(const nvlist_t *oldlimits, const nvlist_t *newlimits)
{
	const char *name;
	void *cookie = NULL;
	int type;

	while ((name = nvlist_next(newlimits, &type, &cookie)) != NULL) {
		if (type != NV_TYPE_NULL)
			return EINVAL;
		if (oldlimits != NULL && !nvlist_exists_null(oldlimits, name))
			return ENOTCAPABLE;
	}
	return 0;
}

static int open_service(struct casper_service *svc, nvlist_t *nvlout)
{
	int sv[2], err;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return errno;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		signal(SIGCHLD, SIG_DFL);
		service_run(svc, sv[1]);
	}
	err = errno;
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return err;
	}
	nvlist_move_descriptor(nvlout, "chanfd", sv[0]);
	nvlist_add_number(nvlout, "chanflags",
	                  (svc->flags & CASPER_SERVICE_NO_UNIQ_LIMITS) ? CASPER_NO_UNIQ : 0);
	return 0;
}

static int casper_command(const char *cmd, const nvlist_t *limits, nvlist_t *nvlin,
                          nvlist_t *nvlout)
{
	struct casper_service *svc;
	const char *name;

	if (strcmp(cmd, "open") != 0 || !nvlist_exists_string(nvlin, "service"))
		return EINVAL;
	name = nvlist_get_string(nvlin, "service");
	if (limits != NULL && !nvlist_exists_null(limits, name))
		return ENOTCAPABLE;
	if ((svc = service_find(name)) == NULL)
		return ENOENT;
	return open_service(svc, nvlout);
}

/* Not in the table: no one opens the Casper process through itself. */
static struct casper_service casper = {
    .name = CASPER_CORE_NAME,
    .limit = casper_limit,
    .command = casper_command,
    /* stdio stays for the services that keep it (CASPER_SERVICE_STDIO). */
    .flags = CASPER_SERVICE_STDIO,
};

_Noreturn void casper_main(int sock)
{
	/* The services are nobody's to wait for. */
	signal(SIGCHLD, SIG_IGN);
	service_run(&casper, sock);
}

CASPER_API cap_channel_t *cap_init(void)
{
	cap_channel_t *chan;
	unsigned mode = 0;
	int sv[2], pd, err;
	pid_t pid;

	/* The Casper process would inherit capability mode and serve nothing. */
	if (cap_getmode(&mode) == 0 && mode != 0) {
		errno = ECAPMODE;
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return NULL;
	pid = pdfork(&pd, PD_CLOEXEC);
	if (pid == 0) {
		close(sv[0]);
		casper_main(sv[1]);
	}
	err = errno;
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		errno = err;
		return NULL;
	}
	if ((chan = cap_wrap(sv[0], 0)) == NULL) {
		close(sv[0]);
		close(pd);
		errno = ENOMEM;
		return NULL;
	}
	chan->pd = pd;
	return chan;
}
