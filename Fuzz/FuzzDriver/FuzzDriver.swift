// The one way our libFuzzer targets start.
//
// SwiftPM gives every executable its own `main` (it renames and re-exports the symbol), so
// libFuzzer's `main` is never the entry point under `-sanitize=fuzzer`; each target starts
// libFuzzer's driver explicitly with its per-input callback instead. The symbol comes from the
// fuzzer runtime, so this module links only in the Makefile's fuzz builds.
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with this process's arguments, calling `oneInput` per input, and exits with
/// the driver's status.
public func runLibFuzzer(_ oneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, oneInput))
}
