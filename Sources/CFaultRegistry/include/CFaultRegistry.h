#ifndef CFAULTREGISTRY_H
#define CFAULTREGISTRY_H

#include <stddef.h>
#include <stdint.h>

/// A fixed table of mapped address ranges and the message to print when a read in one of them
/// faults (SIGBUS: the file behind it shrank). Written by any thread when a file is mapped or
/// unmapped, read by the SIGBUS handler, which may run on any thread at any moment: everything
/// the reader touches is static storage read with atomics, so the lookup takes no lock and
/// allocates nothing (async-signal-safe).

/// How many ranges the table holds at once: the default `vm.max_map_count` of Linux (65,530) is
/// below it, so a process is out of mappings before the table is full.
#define FAULT_REGISTRY_CAPACITY 65536

/// Records that `[start, start + length)` is mapped and that a fault in it is reported with the
/// `message_length` bytes at `message` (copied). Returns the slot to pass to
/// `fault_registry_remove`, or -1 when the table is full or the copy cannot be allocated (a
/// fault there then gets the generic message). Not for use in a signal handler.
long fault_registry_add(uintptr_t start, size_t length, const void *message, size_t message_length);

/// Forgets the range recorded in `slot` and frees its message. Call it before unmapping, so
/// the table never names an address that another mapping may reuse. Not for use in a signal
/// handler.
void fault_registry_remove(long slot);

/// The message recorded for the range holding `address`, with its length in `*length`, or
/// NULL. Async-signal-safe.
const char *fault_registry_message(uintptr_t address, size_t *length);

#endif
