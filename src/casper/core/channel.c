/*
 * The client side of a channel: a connected unix socket to the Casper
 * process or to one service, over which requests and replies travel as
 * nvlists.  Every reply carries the number "error"; a reply without it
 * counts as a broken channel, so that no caller reads a field of a reply
 * that is not one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "casper_impl.h"

static void check(const cap_channel_t *chan)
{
	if (chan == NULL || chan->magic != CHANNEL_MAGIC) {
		static const char msg[] = "libcasper: not a channel\n";

		(void)write(2, msg, sizeof(msg) - 1);
		abort();
	}
}

static cap_channel_t *channel_new(int sock, int flags, int pd)
{
	cap_channel_t *chan = malloc(sizeof(*chan));

	if (chan == NULL)
		return NULL;
	chan->magic = CHANNEL_MAGIC;
	chan->sock = sock;
	chan->flags = flags;
	chan->pd = pd;
	return chan;
}

CASPER_API cap_channel_t *cap_wrap(int sock, int flags)
{
	if (sock < 0 || (flags & ~CASPER_NO_UNIQ) != 0) {
		errno = sock < 0 ? EBADF : EINVAL;
		return NULL;
	}
	return channel_new(sock, flags, -1);
}

/* Frees chan; the Casper process dies with its descriptor, as on FreeBSD. */
CASPER_API int cap_unwrap(cap_channel_t *chan, int *flags)
{
	int sock, err = errno;

	check(chan);
	sock = chan->sock;
	if (flags != NULL)
		*flags = chan->flags;
	if (chan->pd >= 0)
		close(chan->pd);
	chan->magic = 0;
	free(chan);
	errno = err;
	return sock;
}

CASPER_API void cap_close(cap_channel_t *chan)
{
	int err = errno;

	check(chan);
	close(chan->sock);
	if (chan->pd >= 0)
		close(chan->pd);
	chan->magic = 0;
	free(chan);
	errno = err;
}

CASPER_API int cap_sock(const cap_channel_t *chan)
{
	check(chan);
	return chan->sock;
}

CASPER_API int cap_channel_flags(const cap_channel_t *chan)
{
	check(chan);
	return chan->flags;
}

CASPER_API int cap_send_nvlist(const cap_channel_t *chan, const nvlist_t *nvl)
{
	check(chan);
	return nvlist_send(chan->sock, nvl);
}

CASPER_API nvlist_t *cap_recv_nvlist(const cap_channel_t *chan)
{
	check(chan);
	return nvlist_recv(chan->sock, channel_nv_flags(chan->flags));
}

CASPER_API nvlist_t *cap_xfer_nvlist(const cap_channel_t *chan, nvlist_t *nvl)
{
	nvlist_t *reply;

	check(chan);
	reply = nvlist_xfer(chan->sock, nvl, channel_nv_flags(chan->flags));
	if (reply != NULL && !nvlist_exists_number(reply, "error")) {
		nvlist_destroy(reply);
		errno = EPROTO;
		return NULL;
	}
	return reply;
}

/* Sends a request, returns the reply when its "error" is 0, else NULL + errno. */
static nvlist_t *request(const cap_channel_t *chan, nvlist_t *nvl)
{
	nvlist_t *reply = cap_xfer_nvlist(chan, nvl);
	int err;

	if (reply == NULL)
		return NULL;
	err = (int)nvlist_get_number(reply, "error");
	if (err != 0) {
		nvlist_destroy(reply);
		errno = err;
		return NULL;
	}
	return reply;
}

static nvlist_t *command(const cap_channel_t *chan, const char *cmd)
{
	nvlist_t *nvl = nvlist_create(channel_nv_flags(chan->flags));

	nvlist_add_string(nvl, "cmd", cmd);
	return nvl;
}

/* limits is consumed whatever happens, as on FreeBSD. */
CASPER_API int cap_limit_set(const cap_channel_t *chan, nvlist_t *limits)
{
	nvlist_t *nvl, *reply;

	check(chan);
	nvl = command(chan, "limit_set");
	if (limits != NULL)
		nvlist_move_nvlist(nvl, "limits", limits);
	else
		nvlist_add_null(nvl, "limits");
	reply = request(chan, nvl);
	if (reply == NULL)
		return -1;
	nvlist_destroy(reply);
	return 0;
}

CASPER_API int cap_limit_get(const cap_channel_t *chan, nvlist_t **limitsp)
{
	nvlist_t *reply;

	check(chan);
	reply = request(chan, command(chan, "limit_get"));
	if (reply == NULL)
		return -1;
	if (nvlist_exists_nvlist(reply, "limits"))
		*limitsp = nvlist_take_nvlist(reply, "limits");
	else
		*limitsp = NULL;
	nvlist_destroy(reply);
	return 0;
}

/* A new channel from the descriptor called name in a successful reply. */
static cap_channel_t *channel_from(nvlist_t *reply, const char *name, int flags)
{
	cap_channel_t *chan;
	int sock;

	if (!nvlist_exists_descriptor(reply, name)) {
		nvlist_destroy(reply);
		errno = EPROTO;
		return NULL;
	}
	sock = nvlist_take_descriptor(reply, name);
	nvlist_destroy(reply);
	if ((flags & ~CASPER_NO_UNIQ) != 0) {
		close(sock);
		errno = EPROTO;
		return NULL;
	}
	chan = channel_new(sock, flags, -1);
	if (chan == NULL) {
		close(sock);
		errno = ENOMEM;
	}
	return chan;
}

CASPER_API cap_channel_t *cap_clone(const cap_channel_t *chan)
{
	nvlist_t *reply;

	check(chan);
	reply = request(chan, command(chan, "clone"));
	if (reply == NULL)
		return NULL;
	return channel_from(reply, "sock", chan->flags);
}

CASPER_API cap_channel_t *cap_service_open(const cap_channel_t *chan, const char *name)
{
	nvlist_t *nvl, *reply;
	int flags;

	check(chan);
	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	nvl = command(chan, "open");
	nvlist_add_string(nvl, "service", name);
	reply = request(chan, nvl);
	if (reply == NULL)
		return NULL;
	flags = nvlist_exists_number(reply, "chanflags")
	            ? (int)nvlist_get_number(reply, "chanflags")
	            : -1;
	return channel_from(reply, "chanfd", flags);
}

CASPER_API int cap_service_limit(const cap_channel_t *chan, const char *const *names, size_t nnames)
{
	nvlist_t *limits;

	check(chan);
	limits = nvlist_create(0);
	for (size_t i = 0; i < nnames; i++)
		nvlist_add_null(limits, names[i]);
	return cap_limit_set(chan, limits);
}
