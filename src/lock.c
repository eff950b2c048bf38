#define _GNU_SOURCE
#include <pthread.h>

#include "lock.h"

static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void take(void)
{
	pthread_mutex_lock(&lock);
}

static void release(void)
{
	pthread_mutex_unlock(&lock);
}

/*
 * The child starts with a fresh lock: its one thread has a new ID, so it
 * could not unlock a recursive mutex its parent's thread owned.
 */
static void reinit(void)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

static void register_atfork(void)
{
	pthread_atfork(take, release, reinit);
}

void capsicum_lock(void)
{
	pthread_once(&atfork_once, register_atfork);
	take();
}

void capsicum_unlock(void)
{
	release();
}

void capsicum_lock_reset(void)
{
	reinit();
}
