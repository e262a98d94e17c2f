// libFuzzer entry point for the torch checkpoint reader: the strict zip reader, the symbolic
// unpickler and the state-dict walk.
//
// Declared in Package.swift only when TENSORAUDIT_FUZZ is set (its `main` is libFuzzer's driver).
// Every input is used three ways:
//  1. `TorchCheckpointReader.read` on the bytes as a whole file (zip layer first);
//  2. `SymbolicUnpickler.run` on the bytes as a pickle;
//  3. the bytes wrapped as `archive/data.pkl` in a minimal stored zip next to 64-byte storages
//     `archive/data/0` … `data/3`, so random pickles reach the walk and the storage checks.
// On success every reported byte range is touched (first and last byte): the input is a
// malloc'd copy of exactly its size, so a range that escapes it is an AddressSanitizer report.
#if canImport(Glibc)
import Glibc
#endif
import PyTorchFormat
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data.map(UnsafeRawPointer.init), count: size)
    touch(try? TorchCheckpointReader.read(bytes), in: bytes)
    _ = try? SymbolicUnpickler.run(bytes)
    let wrapped = storedZip(pickle: Array(bytes))
    wrapped.withUnsafeBytes { touch(try? TorchCheckpointReader.read($0), in: $0) }
    return 0
}

nonisolated(unsafe) var sink: UInt8 = 0

func touch(_ checkpoint: TorchCheckpoint?, in bytes: UnsafeRawBufferPointer) {
    guard let checkpoint else { return }
    let ranges = checkpoint.tensors.map(\.spanByteRange) + checkpoint.storages.map(\.byteRange)
    for range in ranges where !range.isEmpty {
        sink &+= bytes[Int(range.lowerBound)] &+ bytes[Int(range.upperBound - 1)]
    }
}

/// A stored zip: `archive/data.pkl` = the input, and four 64-byte storages.
func storedZip(pickle: [UInt8]) -> [UInt8] {
    var entries: [(String, [UInt8])] = [("archive/data.pkl", pickle)]
    for key in 0 ..< 4 { entries.append(("archive/data/\(key)", [UInt8](repeating: UInt8(key), count: 64))) }
    var out: [UInt8] = [], central: [UInt8] = []
    func u16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func u32(_ v: UInt32, _ a: inout [UInt8]) { for s in stride(from: 0, to: 32, by: 8) { a.append(UInt8(v >> UInt32(s) & 0xFF)) } }
    for (name, data) in entries {
        let offset = UInt32(out.count), crc = crc32(data), name = Array(name.utf8)
        u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0, &out)
        u32(crc, &out); u32(UInt32(data.count), &out); u32(UInt32(data.count), &out); u16(name.count, &out); u16(0, &out)
        out += name + data
        u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0, &central); u16(0, &central)
        u16(0, &central); u16(0, &central); u32(crc, &central); u32(UInt32(data.count), &central)
        u32(UInt32(data.count), &central); u16(name.count, &central); u16(0, &central); u16(0, &central)
        u16(0, &central); u16(0, &central); u32(0, &central); u32(offset, &central)
        central += name
    }
    let directoryOffset = UInt32(out.count)
    out += central
    u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(entries.count, &out); u16(entries.count, &out)
    u32(UInt32(central.count), &out); u32(directoryOffset, &out); u16(0, &out)
    return out
}

func crc32(_ data: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
        crc ^= UInt32(byte)
        for _ in 0 ..< 8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return crc ^ 0xFFFF_FFFF
}

runLibFuzzer(fuzzOneInput)
