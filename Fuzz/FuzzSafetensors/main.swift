// libFuzzer entry point for the header parser and the open → validate → views path.
//
// Built only by `make fuzz` (the target exists in Package.swift only when TENSORAUDIT_FUZZ is
// set, because its `main` hands control to libFuzzer's driver, which exists only under
// -sanitize=fuzzer). Every input is used twice:
//  1. `SafetensorsHeader.parse` straight on the bytes, as an in-memory reader would;
//  2. the bytes copied into an anonymous mapping, opened as a `SafetensorsFile`, and every
//     tensor touched through its view (first and last element, first row, byte equality
//     with the previous tensor), which is where a validation gap would become an
//     out-of-bounds read that the fuzzer's sanitizers catch.
// A thrown error is the expected outcome for most inputs; only a trap or a sanitizer report
// is a finding.
#if canImport(Glibc)
import Glibc
#endif
import SafetensorsFormat
import CheckpointIO
import TensorScan
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data.map(UnsafeRawPointer.init), count: size)
    _ = try? SafetensorsHeader.parse(prefix: bytes, fileSize: UInt64(size))

    guard let mapping = try? MappedFile(anonymousCapacity: size, label: "<fuzz>", fill: { target in
        if let destination = target.baseAddress, let source = bytes.baseAddress {
            destination.copyMemory(from: source, byteCount: size)
        }
        return size
    }), let file = try? SafetensorsFile(mapping: mapping) else { return 0 }

    var previous: TensorView? = nil
    var sink = 0.0
    for view in file.tensors {
        if view.elementCount > 0 {
            sink += view.value(at: 0) + view.value(at: view.elementCount - 1)
            if view.rowCount > 0, view.rowLength <= 4096 { sink += view.decodedRow(0).reduce(0, +) }
            if view.dtype == .c64 { sink += Double(view.complexValue(at: view.elementCount - 1).imaginary) }
        }
        if let previous, previous.hasSameBytes(as: view) { sink += 1 }
        previous = view
    }
    if sink.isNaN { return 0 }  // keeps the reads alive
    return 0
}

runLibFuzzer(fuzzOneInput)
