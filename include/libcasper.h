/*
 * <libcasper.h> -- FreeBSD's Casper: services that do for a sandboxed
 * program what capability mode forbids it, within limits the program sets.
 * Source-compatible with FreeBSD.  See libcasper(3).
 *
 * A program built with HAVE_CASPER defined (pkg-config libcasper does it)
 * gets the real library (CASPER_SUPPORT 1).  Without it every function is
 * an inline stand-in that calls nothing, and the service headers turn their
 * calls into the plain libc calls: FreeBSD's convention for programs built
 * without Casper, paired with caph_enter_casper(), which then does not
 * sandbox.
 */
#ifndef _LIBCASPER_H_
#define _LIBCASPER_H_

#ifdef HAVE_CASPER
#define WITH_CASPER
#endif

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/types.h>

#include <sys/nv.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Nvlists made for the channel allow duplicate names. */
#define CASPER_NO_UNIQ 0x00000001

#ifdef WITH_CASPER
struct cap_channel;
typedef struct cap_channel cap_channel_t;
#define CASPER_SUPPORT (1)

cap_channel_t *cap_init(void);
cap_channel_t *cap_service_open(const cap_channel_t *chan, const char *name);
int cap_service_limit(const cap_channel_t *chan, const char *const *names, size_t nnames);
cap_channel_t *cap_wrap(int sock, int flags);
int cap_unwrap(cap_channel_t *chan, int *flags);
cap_channel_t *cap_clone(const cap_channel_t *chan);
void cap_close(cap_channel_t *chan);
int cap_sock(const cap_channel_t *chan);
int cap_channel_flags(const cap_channel_t *chan);
int cap_limit_set(const cap_channel_t *chan, nvlist_t *limits);
int cap_limit_get(const cap_channel_t *chan, nvlist_t **limitsp);
int cap_send_nvlist(const cap_channel_t *chan, const nvlist_t *nvl);
nvlist_t *cap_recv_nvlist(const cap_channel_t *chan);
nvlist_t *cap_xfer_nvlist(const cap_channel_t *chan, nvlist_t *nvl);

#else /* !WITH_CASPER */

struct cap_channel {
	int cch_fd;
	int cch_flags;
};
typedef struct cap_channel cap_channel_t;
#define CASPER_SUPPORT (0)

static inline cap_channel_t *cap_wrap(int sock, int flags)
{
	cap_channel_t *chan;

	if (sock < 0 || (flags & ~CASPER_NO_UNIQ) != 0) {
		errno = EINVAL;
		return NULL;
	}
	chan = (cap_channel_t *)malloc(sizeof(*chan));
	if (chan != NULL) {
		chan->cch_fd = sock;
		chan->cch_flags = flags;
	}
	return chan;
}

static inline cap_channel_t *cap_init(void)
{
	cap_channel_t *chan = (cap_channel_t *)malloc(sizeof(*chan));

	if (chan != NULL) {
		chan->cch_fd = -1;
		chan->cch_flags = 0;
	}
	return chan;
}

static inline cap_channel_t *cap_service_open(const cap_channel_t *chan, const char *name)
{
	(void)chan;
	(void)name;
	return cap_init();
}

static inline int cap_service_limit(const cap_channel_t *chan, const char *const *names,
                                    size_t nnames)
{
	(void)chan;
	(void)names;
	(void)nnames;
	return 0;
}

static inline int cap_unwrap(cap_channel_t *chan, int *flags)
{
	int fd = chan->cch_fd;

	if (flags != NULL)
		*flags = chan->cch_flags;
	free(chan);
	return fd;
}

static inline cap_channel_t *cap_clone(const cap_channel_t *chan)
{
	cap_channel_t *copy;
	int fd = -1;

	if (chan->cch_fd >= 0 && (fd = dup(chan->cch_fd)) < 0)
		return NULL;
	copy = (cap_channel_t *)malloc(sizeof(*copy));
	if (copy == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	copy->cch_fd = fd;
	copy->cch_flags = chan->cch_flags;
	return copy;
}

static inline void cap_close(cap_channel_t *chan)
{
	if (chan->cch_fd >= 0)
		close(chan->cch_fd);
	free(chan);
}

static inline int cap_sock(const cap_channel_t *chan)
{
	return chan->cch_fd;
}

static inline int cap_channel_flags(const cap_channel_t *chan)
{
	return chan->cch_flags;
}

static inline int cap_limit_set(const cap_channel_t *chan, nvlist_t *limits)
{
	(void)chan;
	(void)limits;
	return 0;
}

static inline int cap_limit_get(const cap_channel_t *chan, nvlist_t **limitsp)
{
	(void)chan;
	*limitsp = nvlist_create(chan->cch_flags & CASPER_NO_UNIQ ? NV_FLAG_NO_UNIQUE : 0);
	return 0;
}

static inline int cap_send_nvlist(const cap_channel_t *chan, const nvlist_t *nvl)
{
	(void)chan;
	(void)nvl;
	return 0;
}

static inline nvlist_t *cap_recv_nvlist(const cap_channel_t *chan)
{
	return nvlist_create(chan->cch_flags & CASPER_NO_UNIQ ? NV_FLAG_NO_UNIQUE : 0);
}

static inline nvlist_t *cap_xfer_nvlist(const cap_channel_t *chan, nvlist_t *nvl)
{
	nvlist_destroy(nvl);
	return cap_recv_nvlist(chan);
}

#endif /* WITH_CASPER */

#ifdef __cplusplus
}
#endif

#endif /* !_LIBCASPER_H_ */
