/// Everything the strict zip reader refuses. Offsets are byte offsets in the file, so a person
/// can find the problem with a hex dump; `kind` is a stable identifier for scripts and tests.
public enum ZipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No end-of-central-directory record in the last 65,557 bytes (65,535-byte comment + 22).
    case endNotFound(fileSize: UInt64)
    /// A structure that is not what the zip specification (APPNOTE 6.3) allows.
    case malformed(offset: UInt64, reason: String)
    /// A local header that disagrees with its central-directory entry.
    case headerMismatch(entry: String, field: String, central: UInt64, local: UInt64)
    /// Two central-directory entries with the same name (a reader would pick one silently).
    case duplicateEntry(name: String)
    /// Two entries whose names differ only in the case of ASCII letters: torch's zip reader
    /// looks names up ignoring that case, so which of the two torch.load reads is not fixed
    /// (kind `zip-duplicate-entry`, the same problem).
    case namesDifferInCaseOnly(first: String, second: String)
    /// The entry's data is compressed (method ≠ 0); this reader never decompresses.
    case compressedEntry(name: String, method: UInt16)
    /// The entry is encrypted (general-purpose flag bit 0).
    case encryptedEntry(name: String)
    /// The data of two entries overlap (a trick of zip bombs and of files built to confuse readers).
    case overlappingEntries(first: String, second: String)
    /// The stored CRC-32 does not match the entry's bytes.
    case checksumMismatch(name: String, stored: UInt32, computed: UInt32)
    /// A documented bound was exceeded.
    case limitExceeded(what: String, limit: UInt64)

    public var kind: String {
        switch self {
        case .endNotFound: "zip-end-not-found"
        case .malformed: "zip-malformed"
        case .headerMismatch: "zip-header-mismatch"
        case .duplicateEntry, .namesDifferInCaseOnly: "zip-duplicate-entry"
        case .compressedEntry: "zip-compressed-entry"
        case .encryptedEntry: "zip-encrypted-entry"
        case .overlappingEntries: "zip-overlapping-entries"
        case .checksumMismatch: "zip-checksum-mismatch"
        case .limitExceeded: "limit-exceeded"
        }
    }

    public var description: String {
        switch self {
        case .endNotFound(let size):
            size <= 65_557 ? "not a zip archive: no end-of-central-directory record in its \(size) bytes"
                : "not a zip archive: no end-of-central-directory record in the last 65,557 bytes of its \(size)"
        case .malformed(let offset, let reason):
            "malformed zip at byte \(offset): \(reason)"
        case .headerMismatch(let entry, let field, let central, let local):
            "zip entry '\(entry)': local header \(field) \(local) differs from the central directory's \(central)"
        case .duplicateEntry(let name):
            "zip entry '\(name)' appears twice in the central directory"
        case .namesDifferInCaseOnly(let first, let second):
            "zip entries '\(first)' and '\(second)' differ only in letter case: torch.load's zip reader matches names "
                + "ignoring ASCII case, so which of the two it reads is not determined"
        case .compressedEntry(let name, let method):
            "zip entry '\(name)' is compressed (method \(method)); only stored entries (method 0, as torch.save writes them) are read"
        case .encryptedEntry(let name):
            "zip entry '\(name)' is encrypted"
        case .overlappingEntries(let first, let second):
            "zip entries '\(first)' and '\(second)' overlap"
        case .checksumMismatch(let name, let stored, let computed):
            "zip entry '\(name)': CRC-32 is \(hex(computed)), the archive says \(hex(stored))"
        case .limitExceeded(let what, let limit):
            "zip \(what) exceeds the limit of \(limit)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
