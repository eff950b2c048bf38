/*
 * libcasper's internals: the channel, the service table and the service
 * process.  Nothing here is exported.
 */
#ifndef CASPER_IMPL_H
#define CASPER_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <libcasper.h>
#include <libcasper_service.h>

#define CASPER_API __attribute__((visibility("default")))

#define CHANNEL_MAGIC 0xca5bec01u

/* The Casper process's own service: opens the others. */
#define CASPER_CORE_NAME "core.casper"

struct cap_channel {
	uint32_t magic;
	int sock;  /* the connection to the Casper process or a service */
	int flags; /* CASPER_NO_UNIQ */
	int pd;    /* the Casper process's descriptor, or -1 */
};

struct casper_service {
	const char *name;
	service_limit_func_t *limit;
	service_command_func_t *command;
	service_confine_func_t *confine;
	uint64_t flags; /* CASPER_SERVICE_* */
	struct casper_service *next;
};

/* nvlist flags for what travels on a channel with these flags. */
static inline int channel_nv_flags(int chanflags)
{
	return (chanflags & CASPER_NO_UNIQ) ? NV_FLAG_NO_UNIQUE : 0;
}

/* The registered service called name, or NULL (service.c). */
struct casper_service *service_find(const char *name);

/*
 * Runs svc on sock in this (new) process until its last connection
 * closes; never returns (service.c).
 */
_Noreturn void service_run(struct casper_service *svc, int sock);

/* The Casper process: serves "open" on sock; never returns (casper.c). */
_Noreturn void casper_main(int sock);

/*
 * Leaves a new service process holding only what it should (clean.c):
 * *keep is its connection (moved above stdio if need be); stdio kept or
 * on /dev/null per flags.  0 or
 * -errno.
 */
int clean_process(int *keep, uint64_t flags);

#endif
