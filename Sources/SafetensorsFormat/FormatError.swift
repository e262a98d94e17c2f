import StrictJSON

/// Everything that can be wrong with the bytes of a safetensors file.
///
/// Each case names the offending tensor or the byte offset so that a person can find the
/// problem with a hex dump; `kind` is a stable identifier for scripts and tests, and
/// `referenceError` names the matching error of the reference implementation (0.8), so a
/// reader can tell where we are stricter than it.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is shorter than the 8-byte header length.
    case headerTooSmall(fileSize: UInt64)
    /// The declared header length exceeds the 100,000,000-byte cap.
    case headerTooLarge(length: UInt64)
    /// `8 + N` runs past the end of the file.
    case invalidHeaderLength(length: UInt64, fileSize: UInt64)
    /// The header is not valid UTF-8; `offset` is relative to the start of the file.
    case invalidUTF8(offset: Int)
    /// The header is not the JSON we accept; `offset` is relative to the start of the file.
    case invalidJSON(offset: Int, reason: String)
    /// A key appears twice in one object (the reference keeps the last one silently).
    case duplicateKey(key: String, firstOffset: Int, secondOffset: Int)
    /// A dtype string that safetensors 0.8 does not define.
    case unknownDType(tensor: String, dtype: String)
    /// A tensor entry with a missing, mistyped or malformed field.
    case invalidEntry(tensor: String, offset: Int, reason: String)
    /// `__metadata__` is not an object of strings.
    case invalidMetadata(offset: Int, reason: String)
    /// Offsets that leave a hole, overlap, start past 0 or run backwards.
    case invalidOffset(tensor: String, begin: UInt64, end: UInt64, expectedBegin: UInt64)
    /// The element or bit count of a tensor does not fit in 64 bits.
    case overflow(tensor: String)
    /// A packed tensor whose elements do not fill a whole number of bytes.
    case misalignedSlice(tensor: String, dtype: DType, elements: UInt64)
    /// The byte span disagrees with shape × dtype size.
    case sizeMismatch(tensor: String, expectedBytes: UInt64, actualBytes: UInt64)
    /// The tensors do not cover the data section exactly (trailing bytes or a short file).
    case incompleteBuffer(dataEnd: UInt64, dataLength: UInt64)
    /// A documented limit that keeps hostile headers bounded was exceeded.
    case limitExceeded(what: String, limit: Int, offset: Int)

    /// A stable, documented identifier of the error class.
    public var kind: String {
        switch self {
        case .headerTooSmall: "header-too-small"
        case .headerTooLarge: "header-too-large"
        case .invalidHeaderLength: "invalid-header-length"
        case .invalidUTF8: "invalid-utf8"
        case .invalidJSON: "invalid-json"
        case .duplicateKey: "duplicate-key"
        case .unknownDType: "unknown-dtype"
        case .invalidEntry: "invalid-entry"
        case .invalidMetadata: "invalid-metadata"
        case .invalidOffset: "invalid-offset"
        case .overflow: "overflow"
        case .misalignedSlice: "misaligned-slice"
        case .sizeMismatch: "size-mismatch"
        case .incompleteBuffer: "incomplete-buffer"
        case .limitExceeded: "limit-exceeded"
        }
    }

    /// The reference implementation's name for the same condition.
    public var referenceError: String {
        switch self {
        case .headerTooSmall: "HeaderTooSmall"
        case .headerTooLarge: "HeaderTooLarge"
        case .invalidHeaderLength: "InvalidHeaderLength"
        case .invalidUTF8: "InvalidHeader"
        case .invalidJSON, .unknownDType, .invalidEntry, .invalidMetadata, .limitExceeded:
            "InvalidHeaderDeserialization"
        case .duplicateKey: "none (0.8 keeps the last value)"
        case .invalidOffset: "InvalidOffset"
        case .overflow: "ValidationOverflow"
        case .misalignedSlice: "MisalignedSlice"
        case .sizeMismatch: "TensorInvalidInfo"
        case .incompleteBuffer: "MetadataIncompleteBuffer"
        }
    }

    public var description: String {
        switch self {
        case .headerTooSmall(let size):
            "file is \(size) bytes, too small for the 8-byte header length"
        case .headerTooLarge(let length):
            "header length \(length) exceeds the limit of \(HeaderLimits.maxHeaderLength) bytes"
        case .invalidHeaderLength(let length, let size):
            "header length \(length) runs past the end of the \(size)-byte file"
        case .invalidUTF8(let offset):
            "header is not valid UTF-8 at byte \(offset)"
        case .invalidJSON(let offset, let reason):
            "invalid JSON header at byte \(offset): \(reason)"
        case .duplicateKey(let key, let first, let second):
            "duplicate key \(quoted(key)) at bytes \(first) and \(second)"
        case .unknownDType(let tensor, let dtype):
            "tensor \(quoted(tensor)): unknown dtype \(quoted(dtype))"
        case .invalidEntry(let tensor, let offset, let reason):
            "tensor \(quoted(tensor)) at byte \(offset): \(reason)"
        case .invalidMetadata(let offset, let reason):
            "__metadata__ at byte \(offset): \(reason)"
        case .invalidOffset(let tensor, let begin, let end, let expected):
            if end < begin {
                "tensor \(quoted(tensor)): data_offsets [\(begin), \(end)] end before they begin"
            } else if begin < expected {
                "tensor \(quoted(tensor)): data_offsets [\(begin), \(end)] overlap the previous tensor, which ends at \(expected)"
            } else {
                "tensor \(quoted(tensor)): data_offsets [\(begin), \(end)] leave a gap; expected the tensor to begin at \(expected)"
            }
        case .overflow(let tensor):
            "tensor \(quoted(tensor)): shape × dtype size overflows 64 bits"
        case .misalignedSlice(let tensor, let dtype, let elements):
            "tensor \(quoted(tensor)): \(elements) elements of \(dtype.rawValue) (\(dtype.bitWidth) bits) do not fill whole bytes"
        case .sizeMismatch(let tensor, let expected, let actual):
            "tensor \(quoted(tensor)): data_offsets span \(actual) bytes but shape × dtype needs \(expected)"
        case .incompleteBuffer(let dataEnd, let dataLength):
            dataEnd < dataLength
                ? "data section has \(dataLength - dataEnd) trailing bytes after the last tensor (ends at \(dataEnd) of \(dataLength))"
                : "tensors need \(dataEnd) data bytes but the file holds only \(dataLength)"
        case .limitExceeded(let what, let limit, let offset):
            "\(what) exceeds the limit of \(limit) at byte \(offset)"
        }
    }
}

/// The scanner reports its syntax, UTF-8 and limit failures as these same cases.
extension FormatError: JSONFailure {}
