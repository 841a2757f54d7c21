// A test shim (LD_PRELOAD): every pthread_create fails with EAGAIN, as when the system's limit on
// threads is reached. test_hardening.cpp's AThreadThatCannotStartIsExit1 runs signrate under it.
#include <pthread.h>

#include <cerrno>

extern "C" int pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*) { return EAGAIN; }
