#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The globals a pickle stream names from some offset on, found by stepping over opcodes by
/// their operand layouts (`pickletools`) without interpreting them.
///
/// Why: the interpreter stops at the first opcode it does not run (a protocol 0/1 `FLOAT`,
/// `INT`, `PUT`; `NEWOBJ_EX`, `EXT1`) or at a malformed one, and a `GLOBAL posix.system` after
/// that point was never reported: the file was refused as "unsupported opcode", naming nothing,
/// while `torch.load(weights_only=False)` ran the call (helper review, 2026-12-05). Stepping on
/// finds every `GLOBAL` and `INST` (their names are operands) and the `STACK_GLOBAL`s whose two
/// names are string literals on top of the stack (pushed by a text opcode, through `POP`, `DUP`
/// and memo writes); one whose names came otherwise (the memo) is recorded as `?.?`, a global
/// no allowlist holds. The scan ends at `STOP`, at a byte that
/// is no opcode, where an operand runs past the end, or at a line operand longer than
/// `lineLimit` (1 GiB, recorded as `overlongLine`): linear in the stream, and a terabyte of
/// zeros after a line opcode is not read to its end looking for a newline.
enum PickleGlobalScan {
    /// How an opcode's operand is laid out.
    private enum Operand: Equatable {
        case none
        case fixed(Int)
        /// A little-endian length of `width` bytes, then that many bytes.
        case counted(width: Int)
        /// Bytes up to and including a newline.
        case line
        /// Two such lines (module, then name).
        case twoLines
    }

    private static func operand(_ opcode: UInt8) -> Operand? {
        switch opcode {
        case 0x28, 0x2E, 0x30, 0x31, 0x32, 0x4E, 0x51, 0x52, 0x61, 0x62, 0x64, 0x7D, 0x65, 0x6C, 0x5D, 0x6F, 0x73, 0x74, 0x29,
             0x75, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98:
            return Operand.none
        case 0x80, 0x4B, 0x68, 0x71, 0x82: return .fixed(1)   // PROTO, BININT1, BINGET, BINPUT, EXT1
        case 0x4D, 0x83: return .fixed(2)                     // BININT2, EXT2
        case 0x4A, 0x6A, 0x72, 0x84: return .fixed(4)         // BININT, LONG_BINGET, LONG_BINPUT, EXT4
        case 0x95, 0x47: return .fixed(8)                     // FRAME, BINFLOAT
        case 0x8A, 0x55, 0x8C, 0x43: return .counted(width: 1)  // LONG1, SHORT_BINSTRING, SHORT_BINUNICODE, SHORT_BINBYTES
        case 0x8B, 0x54, 0x58, 0x42: return .counted(width: 4)  // LONG4, BINSTRING, BINUNICODE, BINBYTES
        case 0x8D, 0x8E, 0x96: return .counted(width: 8)        // BINUNICODE8, BINBYTES8, BYTEARRAY8
        case 0x49, 0x4C, 0x46, 0x53, 0x56, 0x70, 0x67, 0x50: return .line  // INT, LONG, FLOAT, STRING, UNICODE, PUT, GET, PERSID
        case 0x63, 0x69: return .twoLines                      // GLOBAL, INST
        default: return nil
        }
    }

    /// Most distinct globals one scan records; past it the scan records `overLimit` and stops,
    /// so a stream that names more is still reported as naming an unknown global. Repeats of a
    /// name do not count (10,000 repeats of an allowed `collections.OrderedDict` before the
    /// payload hid `posix.system` once: helper review).
    static let limit = 10_000

    /// What a scan past `limit` distinct names records: no allowlist holds it.
    static let overLimit = PickleGlobal(module: "?", name: "? (over 10,000 distinct globals, the rest not listed)")

    /// Longest line operand stepped over (searched with `memchr`, ~0.1 s at most).
    ///
    /// Why so far past the interpreter's 16 MiB cap: below it, a line that runs to the end of
    /// the bytes is told from a long one, so a stream that simply ends inside a line (a raw
    /// pickle followed by zero-filled data, read as `STRING` up to the end) names no global, as
    /// Python's unpickler runs none there; at 16 MiB such streams were said to name an unknown
    /// global and `audit` failed them (adversarial review, 2026-12-06).
    static let lineLimit = 1 << 30

    /// What a scan that met a longer line records before it stops: what follows was not read,
    /// so the stream is taken to name a global no allowlist holds.
    static func overlongLine(_ limit: Int) -> PickleGlobal {
        PickleGlobal(module: "?", name: "? (a line operand over \(limit) bytes, the rest not scanned)")
    }

    /// Longest string literal kept as a possible `STACK_GLOBAL` name: a module or class name
    /// is short, and a longer literal (a 100 MB `BINUNICODE8`) is not copied; a `STACK_GLOBAL`
    /// over it is recorded as `?.?`, still a global no allowlist holds.
    static let literalLimit = 4096

    /// The string literals `STACK_GLOBAL` may take: the binary text and string opcodes.
    ///
    /// Why `switch`es and not `Set<UInt8>` constants: every opened file is sniffed for a legacy
    /// torch stream (`TorchCheckpointReader.kind`), which reaches this scan, and the first
    /// `Set<UInt8>` instantiated its generic metadata at run time (~0.7% of the samples of
    /// `perf record` over 200 `audit` runs of a small safetensors file).
    private static func isText(_ opcode: UInt8) -> Bool {
        switch opcode {
        case 0x8C, 0x58, 0x8D, 0x55, 0x54: true
        default: false
        }
    }

    /// Opcodes that change nothing on the stack (a memo write, a frame or protocol header).
    private static func isStackNeutral(_ opcode: UInt8) -> Bool {
        switch opcode {
        case 0x94, 0x71, 0x72, 0x70, 0x95, 0x80: true
        default: false
        }
    }

    /// Opcodes that push one value that is no string literal and take nothing: None, bools,
    /// numbers, empty containers, bytes, memo reads, GLOBAL, MARK.
    private static func pushesOther(_ opcode: UInt8) -> Bool {
        switch opcode {
        case 0x4E, 0x88, 0x89, 0x4A, 0x4B, 0x4D, 0x49, 0x4C, 0x8A, 0x8B, 0x46, 0x47,
             0x7D, 0x5D, 0x29, 0x8F, 0x42, 0x43, 0x8E, 0x96, 0x67, 0x68, 0x6A, 0x63, 0x28: true
        default: false
        }
    }

    /// The distinct globals named from `start` on, in order of first mention, at most `limit`
    /// of them (then `overLimit`).
    static func globals(in bytes: UnsafeRawBufferPointer, from start: Int, limit: Int, lineLimit: Int = lineLimit) -> [PickleGlobal] {
        scan(bytes, from: start, limit: limit, lineLimit: lineLimit).globals
    }

    /// The globals named by up to `pickles` pickles in a row from `start` (a legacy torch file is
    /// five): each scanned to its `STOP`, the next from there, until one does not end in `STOP`.
    static func globals(in bytes: UnsafeRawBufferPointer, from start: Int, pickles: Int, limit: Int) -> [PickleGlobal] {
        var found: [PickleGlobal] = []
        var known = Set<PickleGlobal>()
        var position: Int? = start
        for _ in 0 ..< pickles {
            guard let from = position, from < bytes.count else { break }
            let (globals, end) = scan(bytes, from: from, limit: limit)
            for global in globals where known.insert(global).inserted { found.append(global) }
            position = end
        }
        return found
    }

    /// The operands of the `LONG1` and `LONG4` opcodes in `bytes[start ..< end]`, stepped over
    /// opcode by opcode (the integers a pickle writes in binary), in order.
    static func longOperands(in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var position = start
        while position < end {
            let opcode = bytes[position]
            position += 1
            guard let layout = operand(opcode) else { break }
            switch layout {
            case .none: if opcode == 0x2E { return found }
            case .fixed(let width): position += width
            case .counted(let width):
                guard end - position >= width else { return found }
                var length: UInt64 = 0
                for k in 0 ..< width { length |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
                position += width
                guard length <= UInt64(end - position) else { return found }
                if opcode == 0x8A || opcode == 0x8B { found.append(position ..< position + Int(length)) }
                position += Int(length)
            case .line, .twoLines:
                var lines = layout == .twoLines ? 2 : 1
                while position < end, lines > 0 {
                    if bytes[position] == 0x0A { lines -= 1 }
                    position += 1
                }
            }
        }
        return found
    }

    /// The globals from `start` on, and the offset after the `STOP` that ended the scan (nil when
    /// it ended otherwise).
    static func scan(_ bytes: UnsafeRawBufferPointer, from start: Int, limit: Int,
                     lineLimit: Int = lineLimit) -> (globals: [PickleGlobal], end: Int?) {
        var found: [PickleGlobal] = []
        var distinct = Set<PickleGlobal>()
        func record(_ global: PickleGlobal) {
            guard distinct.count <= limit, distinct.insert(global).inserted else { return }
            found.append(distinct.count > limit ? overLimit : global)
        }
        var position = start
        // The top of the stack as far as it is known to hold string literals (nil: another
        // value), for STACK_GLOBAL; at most a few entries are kept.
        var literals: [String?] = []
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        // The newline ending a line operand; nil when there is none within `lineLimit` bytes
        // (then `overlong`) or before the end of the bytes.
        var overlong = false
        func lineEnd(_ from: Int) -> Int? {
            guard let base = bytes.baseAddress, from < bytes.count else { return nil }
            let end = bytes.count - from > lineLimit ? from + lineLimit : bytes.count
            if let newline = memchr(base + from, 0x0A, end - from) { return base.distance(to: UnsafeRawPointer(newline)) }
            overlong = end < bytes.count
            return nil
        }
        func stop() -> (globals: [PickleGlobal], end: Int?) {
            if overlong { record(overlongLine(lineLimit)) }
            return (found, nil)
        }
        while position < bytes.count, distinct.count <= limit {
            let opcode = bytes[position]
            position += 1
            guard let layout = operand(opcode) else { break }
            var literal: String?
            var isLiteral = false  // a text push, kept or (too long) not
            switch layout {
            case .none:
                if opcode == 0x2E { return (found, position) }  // STOP
                if opcode == 0x93 {  // STACK_GLOBAL
                    let top = literals.suffix(2)
                    if top.count == 2, let module = top.first ?? nil, let name = top.last ?? nil {
                        record(PickleGlobal(module: module, name: name))
                    } else {
                        record(PickleGlobal(module: "?", name: "?"))
                    }
                }
            case .fixed(let width):
                guard bytes.count - position >= width else { return (found, nil) }
                position += width
            case .counted(let width):
                guard bytes.count - position >= width else { return (found, nil) }
                var length: UInt64 = 0
                for k in 0 ..< width { length |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
                position += width
                guard length <= UInt64(bytes.count - position) else { return (found, nil) }
                let range = position ..< position + Int(length)
                if isText(opcode) { literal = range.count <= literalLimit ? text(range) : nil; isLiteral = true }
                position = range.upperBound
            case .line:
                guard let end = lineEnd(position) else { return stop() }
                // Protocol 0 text: UNICODE is the text itself, STRING a quoted literal.
                if opcode == 0x56 { literal = end - position <= literalLimit ? text(position ..< end) : nil; isLiteral = true }
                if opcode == 0x53, end - position >= 2, end - position <= literalLimit + 2, let quote = [UInt8(ascii: "'"), UInt8(ascii: "\"")].first(where: { $0 == bytes[position] }),
                   bytes[end - 1] == quote {
                    literal = text(position + 1 ..< end - 1)
                }
                position = end + 1
            case .twoLines:
                guard let first = lineEnd(position), let second = lineEnd(first + 1) else { return stop() }
                // A name past 64 KiB is not copied into the report (the interpreter caps these
                // lines too); it is recorded as unknown, which no allowlist holds.
                let long = first - position > 16 * literalLimit || second - first - 1 > 16 * literalLimit
                record(long ? PickleGlobal(module: "?", name: "? (a name over 64 KiB)")
                            : PickleGlobal(module: text(position ..< first), name: text(first + 1 ..< second)))
                position = second + 1
            }
            // The literal stack: a literal is pushed; POP drops the top, DUP repeats it; memo
            // writes and headers change nothing; anything else may consume literals or push a
            // value, so what is known is forgotten.
            switch opcode {
            case _ where literal != nil || isLiteral: literals.append(literal)
            case 0x30: _ = literals.popLast()
            case 0x32: if let top = literals.last { literals.append(top) }
            case _ where isStackNeutral(opcode): break
            case _ where pushesOther(opcode): literals.append(nil)
            default: literals.removeAll(keepingCapacity: true)
            }
            if literals.count > 8 { literals.removeFirst(literals.count - 8) }
        }
        return (found, nil)
    }
}
