/*
 * clone3 for pdfork (Linux 7.1): the kernel's process descriptors.
 *
 * clone3 reads its flags from memory, where no filter can look, so every
 * filter of a supervised process sends it here.  The call may continue in
 * the kernel only if what the kernel will read cannot change once it has
 * been read here: the arguments lie in a private, read-only mapping
 * sealed by mseal(2), which libcapsicum's pdfork() provides
 * (procdesc/native.c), and no /proc/PID/mem descriptor or second thread
 * could write through the seal meanwhile (exec.c's checks).  And they must
 * be one of pdfork's two sets: a child with a pidfd that reaps itself
 * (and dies at its last close, with no_new_privs), nothing shared, no
 * other stack, no exit signal.
 *
 *	a size other than the first published one, or a
 *	  template not sealed, or other arguments       -> ENOSYS (the C library
 *	                                                   falls back to clone)
 *	more than one thread, or a held /proc/PID/mem     -> EBUSY (pdfork
 *	                                                   emulates this time)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "../procdesc/procdesc.h"
#include "serve.h"

void serve_clone3(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	struct pd_clone_args a;
	uint64_t at = d->args[0];

	r->error = ENOSYS;
	if (d->args[1] != sizeof(a) || at > UINT64_MAX - sizeof(a) || !sup_immutable(t, at) ||
	    !sup_immutable(t, at + sizeof(a) - 1) || target_read(t, at, &a, sizeof(a)) != 0)
		return;
	if ((a.flags != PD_CLONE_KILL && a.flags != PD_CLONE_DAEMON) || a.child_tid != 0 ||
	    a.parent_tid != 0 || a.exit_signal != 0 || a.stack != 0 || a.stack_size != 0 ||
	    a.tls != 0)
		return;
	if (sup_threads(t) != 1 || sup_holds_mem(t)) {
		r->error = EBUSY;
		return;
	}
	if (!target_valid(t)) {
		r->error = ESRCH;
		return;
	}
	r->error = 0;
	r->cont = true;
}
