// libFuzzer entry point for the GGUF reader and its row kernels.
//
// Declared in Package.swift only when TENSORAUDIT_FUZZ is set (its `main` is libFuzzer's driver).
// Each input is parsed as a whole GGUF file (`GGUFFile.parse`); on success every tensor's first
// and last byte is touched and every row of a decodable type is reduced by the block kernels
// (`GGUFRowDecoding.moments`), and the tokenizer section is read. The input is a malloc'd copy of
// exactly its size, so a range or row that escapes it is an AddressSanitizer report.
import FuzzDriver
import GGUFFormat

nonisolated(unsafe) var sink: Double = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data.map(UnsafeRawPointer.init), count: size)
    guard let file = try? GGUFFile.parse(bytes) else { return 0 }
    _ = GGUFTokenizerMetadata(file.metadata)
    for tensor in file.tensors where !tensor.byteRange.isEmpty {
        sink += Double(bytes[tensor.byteRange.lowerBound]) + Double(bytes[tensor.byteRange.upperBound - 1])
        guard GGUFRowDecoding.isDecodable(tensor.type), tensor.rowByteCount > 0 else { continue }
        // At most 64 rows per tensor: enough to reach every kernel, bounded per input.
        for row in 0 ..< min(tensor.rowCount, 64) {
            let start = tensor.byteRange.lowerBound + row * tensor.rowByteCount
            let slice = UnsafeRawBufferPointer(rebasing: bytes[start ..< start + tensor.rowByteCount])
            if let moments = try? GGUFRowDecoding.moments(ofRow: slice, type: tensor.type) { sink += moments.sum }
        }
    }
    return 0
}
runLibFuzzer(fuzzOneInput)
