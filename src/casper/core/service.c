/*
 * The service table and the service process.
 *
 * Services register themselves from constructors (CREATE_SERVICE) in the
 * libraries the program links; the Casper process is a fork of the
 * program, so it knows the same table.  A service process serves any
 * number of connections -- the first one and the clones made from it --
 * each with its own limits, one request at a time, until the last one
 * closes.  The service's confinement follows the limits while the
 * process has only ever had one connection: after a clone, two clients'
 * limits share one process and it stays confined to what the first
 * limits allowed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <sys/capsicum.h>

#include "casper_impl.h"

#define MAX_CONNS 256

struct conn {
	int sock;
	nvlist_t *limits; /* NULL: none set */
};

static struct casper_service *services;

static struct conn conns[MAX_CONNS];
static nfds_t nconns;
static int cloned;

static struct casper_service *do_register(const char *name, service_limit_func_t *limitfunc,
                                          service_command_func_t *commandfunc,
                                          service_confine_func_t *confinefunc, uint64_t flags)
{
	struct casper_service *svc;

	if (name == NULL || commandfunc == NULL || service_find(name) != NULL ||
	    (flags & ~(uint64_t)(CASPER_SERVICE_STDIO | CASPER_SERVICE_FD |
	                         CASPER_SERVICE_NO_UNIQ_LIMITS)) != 0)
		return NULL;
	if ((svc = malloc(sizeof(*svc))) == NULL)
		return NULL;
	svc->name = name;
	svc->limit = limitfunc;
	svc->command = commandfunc;
	svc->confine = confinefunc;
	svc->flags = flags;
	svc->next = services;
	services = svc;
	return svc;
}

CASPER_API struct casper_service *service_register(const char *name,
                                                   service_limit_func_t *limitfunc,
                                                   service_command_func_t *commandfunc,
                                                   uint64_t flags)
{
	return do_register(name, limitfunc, commandfunc, NULL, flags);
}

CASPER_API struct casper_service *service_register_confined(const char *name,
                                                            service_limit_func_t *limitfunc,
                                                            service_command_func_t *commandfunc,
                                                            service_confine_func_t *confinefunc,
                                                            uint64_t flags)
{
	return do_register(name, limitfunc, commandfunc, confinefunc, flags);
}

struct casper_service *service_find(const char *name)
{
	for (struct casper_service *svc = services; svc != NULL; svc = svc->next)
		if (strcmp(svc->name, name) == 0)
			return svc;
	return NULL;
}

static int nv_flags(const struct casper_service *svc)
{
	return (svc->flags & CASPER_SERVICE_NO_UNIQ_LIMITS) ? NV_FLAG_NO_UNIQUE : 0;
}

static int add_conn(int sock, nvlist_t *limits)
{
	if (nconns == MAX_CONNS) {
		nvlist_destroy(limits);
		return EMFILE;
	}
	conns[nconns].sock = sock;
	conns[nconns].limits = limits;
	nconns++;
	return 0;
}

static void drop_conn(nfds_t i)
{
	close(conns[i].sock);
	nvlist_destroy(conns[i].limits);
	conns[i] = conns[--nconns];
}

/*
 * Limits only narrow: the service's limit function judges a new set
 * against the old one; taking limits away is a widening.
 */
static int limit_set(const struct casper_service *svc, struct conn *c, nvlist_t *nvlin)
{
	nvlist_t *limits;
	int err;

	if (nvlist_exists_null(nvlin, "limits"))
		return c->limits == NULL ? 0 : ENOTCAPABLE;
	if (!nvlist_exists_nvlist(nvlin, "limits"))
		return EINVAL;
	if (svc->limit == NULL) /* a service without limits */
		return EOPNOTSUPP;
	limits = nvlist_take_nvlist(nvlin, "limits");
	err = svc->limit(c->limits, limits);
	/*
	 * Past the kernel's 16 Landlock layers (E2BIG) the process stays as
	 * the earlier limits confined it; the service still enforces these.
	 */
	if (err == 0 && svc->confine != NULL && !cloned && (err = svc->confine(limits)) == E2BIG)
		err = 0;
	if (err != 0) {
		nvlist_destroy(limits);
		return err;
	}
	nvlist_destroy(c->limits);
	c->limits = limits;
	return 0;
}

static int limit_get(const struct conn *c, nvlist_t *nvlout)
{
	if (c->limits == NULL)
		nvlist_add_null(nvlout, "limits");
	else
		nvlist_add_nvlist(nvlout, "limits", c->limits);
	return 0;
}

static int clone_conn(const struct conn *c, nvlist_t *nvlout)
{
	nvlist_t *limits = NULL;
	int sv[2], err;

	if (c->limits != NULL && (limits = nvlist_clone(c->limits)) == NULL)
		return ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		err = errno;
		nvlist_destroy(limits);
		return err;
	}
	if ((err = add_conn(sv[0], limits)) != 0) {
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	cloned = 1;
	nvlist_move_descriptor(nvlout, "sock", sv[1]);
	return 0;
}

static int dispatch(const struct casper_service *svc, nfds_t i, nvlist_t *nvlin, nvlist_t *nvlout)
{
	const char *cmd;

	if (!nvlist_exists_string(nvlin, "cmd"))
		return EINVAL;
	cmd = nvlist_get_string(nvlin, "cmd");
	if (strcmp(cmd, "limit_set") == 0)
		return limit_set(svc, &conns[i], nvlin);
	if (strcmp(cmd, "limit_get") == 0)
		return limit_get(&conns[i], nvlout);
	if (strcmp(cmd, "clone") == 0)
		return clone_conn(&conns[i], nvlout);
	return svc->command(cmd, conns[i].limits, nvlin, nvlout);
}

/* One request on connection i; -1 when the connection is done. */
static int serve(const struct casper_service *svc, nfds_t i)
{
	nvlist_t *nvlin, *nvlout;
	int sock = conns[i].sock, err;

	if ((nvlin = nvlist_recv(sock, nv_flags(svc))) == NULL)
		return -1;
	nvlout = nvlist_create(nv_flags(svc));
	err = dispatch(svc, i, nvlin, nvlout);
	nvlist_destroy(nvlin);
	if (nvlist_exists_number(nvlout, "error"))
		nvlist_free_number(nvlout, "error");
	nvlist_add_number(nvlout, "error", (uint64_t)err);
	err = nvlist_send(sock, nvlout);
	nvlist_destroy(nvlout);
	return err < 0 ? -1 : 0;
}

static _Noreturn void serve_all(const struct casper_service *svc)
{
	struct pollfd pfd[MAX_CONNS];

	while (nconns > 0) {
		nfds_t n = nconns;

		for (nfds_t i = 0; i < n; i++)
			pfd[i] = (struct pollfd){conns[i].sock, POLLIN, 0};
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		/* Backwards: drop_conn moves the last connection into slot i. */
		for (nfds_t i = n; i-- > 0;)
			if (pfd[i].revents != 0 && serve(svc, i) != 0)
				drop_conn(i);
	}
	_exit(0);
}

_Noreturn void service_run(struct casper_service *svc, int sock)
{
	/* Made from the Casper process: its connections are not this service's. */
	while (nconns > 0)
		drop_conn(nconns - 1);
	cloned = 0;
	/* A service that cannot be made what it should be does not run. */
	if (clean_process(&sock, svc->flags) != 0)
		_exit(1);
	if (svc->confine != NULL && svc->confine(NULL) != 0)
		_exit(1);
	if (add_conn(sock, NULL) != 0)
		_exit(1);
	serve_all(svc);
}
