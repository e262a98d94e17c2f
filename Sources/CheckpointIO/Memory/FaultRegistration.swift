import CFaultRegistry

/// A file mapping's entry in the SIGBUS handler's table (`CFaultRegistry`): while it is there,
/// a fault at an address of the mapping is reported with a message naming the file.
///
/// Why a table in C: the handler runs at any moment on any thread, so it may neither allocate
/// nor lock, nor build a `String`, nor touch a lazily initialised Swift global. The table is
/// zero-initialised static storage, each slot a sequence lock; the message is made here, when
/// the file is mapped, and the handler only compares addresses and writes bytes.
struct FaultRegistration: Sendable {
    private let slot: Int

    /// Records `[address, address + length)` with `message`; `nil` when the table is full (all
    /// `FAULT_REGISTRY_CAPACITY` slots held): a fault there gets the generic message.
    init?(address: UInt, length: Int, message: String) {
        var text = message
        let slot = text.withUTF8 { fault_registry_add(address, length, $0.baseAddress, $0.count) }
        guard slot >= 0 else { return nil }
        self.slot = slot
    }

    /// Forgets the range. Called before the range is unmapped, so that no slot names an address
    /// another mapping may be given next.
    func remove() {
        fault_registry_remove(slot)
    }

    /// The message recorded for the range holding `address`, as the handler would write it.
    static func message(at address: UInt) -> String? {
        var length = 0
        guard let message = fault_registry_message(address, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self)
    }
}
