/*
 * The client half's requests of the database services, system.pwd and
 * system.grp: a request is an nvlist with the string "cmd" and the
 * command's arguments; its reply carries "error" (0 or an errno) and,
 * for a lookup that found an entry, the entry.
 *
 * Header only, static inline: each service is a library of its own.
 */
#ifndef CASPER_SERVICES_COMMON_REQUEST_H
#define CASPER_SERVICES_COMMON_REQUEST_H

#include <errno.h>

#include <libcasper.h>
#include <sys/nv.h>

static inline nvlist_t *request_new(const char *cmd)
{
	nvlist_t *req = nvlist_create(0);

	nvlist_add_string(req, "cmd", cmd);
	return req;
}

/* A request for the entry called name (none when name is NULL). */
static inline nvlist_t *request_by_name(const char *cmd, const char *name)
{
	nvlist_t *req = request_new(cmd);

	if (name != NULL)
		nvlist_add_string(req, "name", name);
	return req;
}

/* Sends req (consumed); the reply, or NULL with *errp set. */
static inline nvlist_t *request_xfer(cap_channel_t *chan, nvlist_t *req, int *errp)
{
	nvlist_t *reply = cap_xfer_nvlist(chan, req);

	if (reply == NULL) {
		*errp = errno;
		return NULL;
	}
	*errp =
	    nvlist_exists_number(reply, "error") ? (int)nvlist_get_number(reply, "error") : EINVAL;
	if (*errp != 0) {
		nvlist_destroy(reply);
		return NULL;
	}
	return reply;
}

/* Sends req (consumed), for no answer: 1 on success, 0 with errno set otherwise, as FreeBSD's. */
static inline int request_simple(cap_channel_t *chan, nvlist_t *req)
{
	nvlist_t *reply;
	int err;

	if ((reply = request_xfer(chan, req, &err)) == NULL) {
		errno = err;
		return 0;
	}
	nvlist_destroy(reply);
	return 1;
}

#endif /* !CASPER_SERVICES_COMMON_REQUEST_H */
