import StrictJSON

/// Why a GGUF file was refused. Every case carries the byte offset or the tensor it is about,
/// so the message can say where the file lies; `description` is the sentence a user sees
/// (the caller adds the file's path).
///
/// The cases are the documented failure modes of `GGUFFile.parse`: each hostile fixture in
/// `TestData/gguf/hostile` maps to exactly one of them (see `HostileFileTests`).
public enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file ends inside a field.
    case truncated(offset: Int, needed: Int, available: Int, field: String)
    /// The first four bytes are not `GGUF`.
    case badMagic(found: UInt32)
    /// The version field reads as a byte-swapped small number: a big-endian GGUF file.
    case bigEndian(version: UInt32)
    /// Version 1 (32-bit counts) or a version this reader does not know.
    case unsupportedVersion(UInt32)
    /// A tensor or key-value count that the rest of the file cannot hold (each entry needs at
    /// least `minimumEntryBytes`).
    case countPastEnd(what: String, count: UInt64, minimumEntryBytes: Int, available: Int)
    /// A string length larger than the bytes left in the file.
    case stringPastEnd(offset: Int, length: UInt64, available: Int, field: String)
    /// A key or tensor name that is not valid UTF-8 (gguf-py decodes them strictly).
    case invalidUTF8(offset: Int, field: String)
    /// A key, tensor name or string value with a run of more than `limit` combining marks (not
    /// stream-safe, UAX #15): `String` comparison is quadratic in such a run (`StreamSafeText`).
    case notStreamSafe(offset: Int, field: String, limit: Int)
    /// A metadata value type id outside 0...12.
    case unknownValueType(key: String, offset: Int, type: UInt32)
    /// Arrays nested deeper than `GGUFLimits.maximumArrayDepth`.
    case arrayTooDeep(key: String, offset: Int, depth: Int)
    /// An array whose element count the rest of the file cannot hold.
    case arrayPastEnd(key: String, offset: Int, count: UInt64, available: Int)
    /// More array elements in the whole metadata than `GGUFLimits.maximumArrayElements`.
    case tooManyArrayElements(key: String, limit: Int)
    /// More key-value pairs than `GGUFLimits.maximumKeyValues`.
    case tooManyKeyValues(count: UInt64, limit: Int)
    /// A key that appears twice (gguf-py raises on this too).
    case duplicateKey(key: String, offset: Int)
    /// `general.alignment` stored with a type other than u32 (gguf-py requires u32).
    case alignmentNotUInt32(type: GGUFValueType)
    /// `general.alignment` zero or not a power of two.
    case invalidAlignment(UInt32)
    /// More than four dimensions.
    case tooManyDimensions(tensor: String, count: UInt32)
    /// A ggml type id this reader does not know.
    case unknownTensorType(tensor: String, id: UInt32)
    /// The product of the dimensions, or the byte count derived from it, overflows 64 bits.
    case sizeOverflow(tensor: String, dimensions: [UInt64])
    /// The innermost dimension (the row length) is not a whole number of blocks.
    case rowNotWholeBlocks(tensor: String, rowLength: UInt64, type: String, blockSize: Int)
    /// A data offset that is not a multiple of the alignment.
    case misalignedOffset(tensor: String, offset: UInt64, alignment: Int)
    /// Tensor bytes that reach past the end of the file.
    case dataPastEnd(tensor: String, offset: UInt64, byteCount: UInt64, dataSectionBytes: Int)
    /// Tensors are declared, but the data section (the header's end padded to the alignment)
    /// would start past the end of the file. Said as such: reported as `dataPastEnd` of the
    /// first tensor, an empty one read "0 bytes at data offset 0 reach past the data section
    /// (0 bytes)" (helper-143; gguf-py reads such a file, every tensor empty).
    case dataSectionPastEnd(headerEnd: Int, alignment: Int, dataOffset: Int, fileSize: Int)
    /// Two tensors whose bytes share at least one byte.
    case overlappingTensors(first: String, second: String)
    /// A tensor name that appears twice (gguf-py raises on this too).
    case duplicateTensorName(String)

    public var description: String {
        switch self {
        case let .truncated(offset, needed, available, field):
            return "truncated: \(field) at byte \(offset) needs \(needed) bytes, \(available) left"
        case let .badMagic(found):
            return "not a GGUF file: magic is 0x\(String(found, radix: 16)), expected 0x46554747 ('GGUF')"
        case let .bigEndian(version):
            return "big-endian GGUF file (version \(version) byte-swapped): only little-endian files are read"
        case let .unsupportedVersion(version):
            if version == 1 {
                return "GGUF version 1 (32-bit counts, 2023) is not supported: convert it to version 3"
            }
            return "unsupported GGUF version \(version): versions 2 and 3 are read"
        case let .countPastEnd(what, count, minimum, available):
            return "\(what) count \(count) cannot fit: each needs at least \(minimum) bytes and \(available) remain"
        case let .stringPastEnd(offset, length, available, field):
            return "\(field) at byte \(offset) claims \(length) bytes, only \(available) remain"
        case let .invalidUTF8(offset, field):
            return "\(field) at byte \(offset) is not valid UTF-8"
        case let .notStreamSafe(offset, field, limit):
            return "\(field) at byte \(offset): \(StreamSafeText.limitName) exceeds the limit of \(limit)"
        case let .unknownValueType(key, offset, type):
            return "metadata \(quoted(key)): unknown value type \(type) at byte \(offset)"
        case let .arrayTooDeep(key, offset, depth):
            return "metadata \(quoted(key)): arrays nested \(depth) deep at byte \(offset) (limit \(GGUFLimits.default.maximumArrayDepth))"
        case let .arrayPastEnd(key, offset, count, available):
            return "metadata \(quoted(key)): array at byte \(offset) claims \(count) elements, only \(available) bytes remain"
        case let .tooManyArrayElements(key, limit):
            return "metadata \(quoted(key)): more than \(limit) array elements in the metadata"
        case let .tooManyKeyValues(count, limit):
            return "the header declares \(count) metadata key-value pairs, more than the limit of \(limit)"
        case let .duplicateKey(key, offset):
            return "metadata key \(quoted(key)) appears twice (second at byte \(offset))"
        case let .alignmentNotUInt32(type):
            return "general.alignment has type \(type), must be uint32"
        case let .invalidAlignment(value):
            return "general.alignment \(value) is not a power of two greater than zero"
        case let .tooManyDimensions(tensor, count):
            return "tensor \(quoted(tensor)): \(count) dimensions, at most 4"
        case let .unknownTensorType(tensor, id):
            return "tensor \(quoted(tensor)): unknown ggml type id \(id)"
        case let .sizeOverflow(tensor, dimensions):
            return "tensor \(quoted(tensor)): dimensions \(dimensions) overflow a 64-bit size"
        case let .rowNotWholeBlocks(tensor, rowLength, type, blockSize):
            return "tensor \(quoted(tensor)): row length \(rowLength) is not a multiple of \(type)'s block size \(blockSize)"
        case let .misalignedOffset(tensor, offset, alignment):
            return "tensor \(quoted(tensor)): data offset \(offset) is not a multiple of the alignment \(alignment)"
        case let .dataSectionPastEnd(headerEnd, alignment, dataOffset, fileSize):
            return "the data section would start at byte \(dataOffset) (the header's end, byte \(headerEnd), padded to the alignment "
                + "\(alignment)), past the end of the \(fileSize)-byte file"
        case let .dataPastEnd(tensor, offset, byteCount, available):
            return "tensor \(quoted(tensor)): \(byteCount) bytes at data offset \(offset) reach past the data section (\(available) bytes)"
        case let .overlappingTensors(first, second):
            return "tensors \(quoted(first)) and \(quoted(second)) overlap"
        case let .duplicateTensorName(name):
            return "tensor name \(quoted(name)) appears twice"
        }
    }
}
