#include "CFaultRegistry.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// Each slot is a sequence lock: its writer (the thread that claimed it) makes `sequence` odd,
// stores the fields, and makes it even again; a reader keeps the fields only when it saw the
// same even sequence before and after reading them. Why: a reader must never pair the start of
// one mapping with the end of the next mapping written into the same slot, which could make a
// range that holds the faulting address and name the wrong file.
struct slot {
    atomic_int owned;            // 1 while a mapping holds the slot (claimed by compare-exchange)
    atomic_ulong sequence;       // odd while the fields are being written
    atomic_uintptr_t start;
    atomic_uintptr_t end;        // 0 while the slot records nothing
    _Atomic(const char *) message;
    atomic_size_t length;
};

// Zero-initialised static storage: nothing to set up before the handler may run, and untouched
// pages cost no memory.
static struct slot slots[FAULT_REGISTRY_CAPACITY];
// One past the highest slot ever claimed: the handler scans only that far.
static atomic_size_t bound;
// Where the next search for a free slot starts, so that claiming stays O(1) while slots are
// taken in order (30,000 shards would otherwise cost a quadratic scan).
static atomic_size_t hint;

static void publish(struct slot *slot, uintptr_t start, uintptr_t end, const char *message, size_t length) {
    unsigned long sequence = atomic_load_explicit(&slot->sequence, memory_order_relaxed);
    atomic_store_explicit(&slot->sequence, sequence + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&slot->start, start, memory_order_relaxed);
    atomic_store_explicit(&slot->end, end, memory_order_relaxed);
    atomic_store_explicit(&slot->message, message, memory_order_relaxed);
    atomic_store_explicit(&slot->length, length, memory_order_relaxed);
    atomic_store_explicit(&slot->sequence, sequence + 2, memory_order_release);
}

long fault_registry_add(uintptr_t start, size_t length, const void *message, size_t message_length) {
    if (length == 0 || start + length < start) return -1;
    char *copy = malloc(message_length ? message_length : 1);
    if (copy == NULL) return -1;
    memcpy(copy, message, message_length);
    size_t first = atomic_load_explicit(&hint, memory_order_relaxed);
    for (size_t k = 0; k < FAULT_REGISTRY_CAPACITY; k++) {
        size_t i = (first + k) % FAULT_REGISTRY_CAPACITY;
        int expected = 0;
        if (!atomic_compare_exchange_strong_explicit(&slots[i].owned, &expected, 1, memory_order_acquire,
                                                     memory_order_relaxed)) {
            continue;
        }
        publish(&slots[i], start, start + length, copy, message_length);
        size_t seen = atomic_load_explicit(&bound, memory_order_relaxed);
        while (seen < i + 1 && !atomic_compare_exchange_weak_explicit(&bound, &seen, i + 1, memory_order_release,
                                                                      memory_order_relaxed)) {
        }
        atomic_store_explicit(&hint, (i + 1) % FAULT_REGISTRY_CAPACITY, memory_order_relaxed);
        return (long)i;
    }
    free(copy);
    return -1;
}

void fault_registry_remove(long slot) {
    if (slot < 0 || slot >= FAULT_REGISTRY_CAPACITY) return;
    struct slot *s = &slots[slot];
    const char *message = atomic_load_explicit(&s->message, memory_order_relaxed);
    publish(s, 0, 0, NULL, 0);
    atomic_store_explicit(&s->owned, 0, memory_order_release);
    // Only a fault inside this range could be using the message, and the range is no longer
    // read by anyone (the caller unmaps it next).
    free((void *)message);
}

const char *fault_registry_message(uintptr_t address, size_t *length) {
    size_t count = atomic_load_explicit(&bound, memory_order_acquire);
    for (size_t i = 0; i < count; i++) {
        struct slot *s = &slots[i];
        unsigned long before = atomic_load_explicit(&s->sequence, memory_order_acquire);
        if (before & 1) continue;
        uintptr_t start = atomic_load_explicit(&s->start, memory_order_relaxed);
        uintptr_t end = atomic_load_explicit(&s->end, memory_order_relaxed);
        const char *message = atomic_load_explicit(&s->message, memory_order_relaxed);
        size_t bytes = atomic_load_explicit(&s->length, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&s->sequence, memory_order_relaxed) != before) continue;
        if (message != NULL && start <= address && address < end) {
            *length = bytes;
            return message;
        }
    }
    return NULL;
}
