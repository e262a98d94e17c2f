/// Protocol 4's `FRAME` (PEP 3154): a length after which that many bytes of opcodes follow.
/// The whole stream is in memory here, so a frame changes nothing this reader builds; but a
/// frame must hold whole opcodes, and one that ends inside an opcode is refused, as Python's
/// `pickle.py` (`_Unframer`) refuses it: "pickle exhausted before end of frame".
///
/// Why: hunt-63a L1's `o_frame.pt`, a frame of 5 bytes ending inside a `BINUNICODE`'s length,
/// was read here (exit 0, one tensor) while torch.load(weights_only=False) failed ("pickle data
/// was truncated"). CPython's C unpickler, which torch.load runs without weights_only, keeps a
/// frame as one buffer and, for a read that runs past its end, drops the frame's last bytes
/// and reads on after the frame: it fails, or reads other bytes than the stream holds (a
/// `GLOBAL` cut inside `collections` imported `ections`). The rules are `pickle.py`'s:
/// - each read (an opcode, an argument of fixed width, a counted string, a text line) lies
///   wholly inside the frame or starts where the frame ends, where the frame is left and the
///   stream read on unframed (the C unpickler reads those the same way);
/// - a `FRAME` may not begin before the frame it is in has ended ("beginning of a new frame
///   before end of current frame"; the C unpickler reads one that lies wholly inside the
///   first, which no pickler writes).
/// torch.load's default (weights_only=True) refuses every FRAME ("Unsupported operand 149").
extension Machine {
    /// `FRAME`: its 8-byte length read (under the frame being read, if any), then the frame.
    mutating func startFrame() throws(PickleError) {
        let length = try integer(UInt64.self)
        if let frame, position < frame.end {
            throw .malformed(offset: opcodeOffset, reason: "a FRAME begins at byte \(opcodeOffset) inside the frame of the FRAME at byte "
                + "\(frame.opcode), which ends at byte \(frame.end); a frame may not begin before the one it is in has ended "
                + "(Python's pickle refuses it: \"beginning of a new frame before end of current frame\")")
        }
        guard length <= UInt64(bytes.count - position) else {
            throw .malformed(offset: opcodeOffset, reason: frameTooLong(length, remaining: bytes.count - position))
        }
        frame = (opcodeOffset, position, position + Int(length))
    }

    /// The refusal of a FRAME that declares more bytes than follow it. Python's `pickle.py`
    /// reads the bytes there are (`file.read(n)` returns fewer) unless the length is above
    /// `sys.maxsize` ("frame size > sys.maxsize"); the C unpickler torch.load(weights_only=False)
    /// runs reads the whole frame first and fails ("pickle data was truncated", "read would
    /// overflow (invalid bytecode)" for a length near 2^63, "FRAME length exceeds system's
    /// maximum" above sys.maxsize); torch.load's default refuses every FRAME. So torch.load
    /// fails on such a file either way. Why: it was refused as "pickle ends at byte N inside an
    /// opcode or before STOP", naming neither the FRAME nor its length (hunt-64c L5; checked
    /// with both unpicklers on `frame-too-long.pt` and `frame-over-maxsize.pt`).
    func frameTooLong(_ length: UInt64, remaining: Int) -> String {
        let claim = "the FRAME at byte \(opcodeOffset) declares \(length) bytes where \(remaining) follow its length"
        if length > UInt64(Int64.max) {
            return claim + ", more than sys.maxsize (2^63 - 1): Python's pickle refuses it (\"frame size > sys.maxsize\"), and so does the "
                + "C unpickler torch.load(weights_only=False) runs (\"FRAME length exceeds system's maximum of 9223372036854775807 bytes\")"
        }
        // Where the frame's end overflows the C unpickler's read index, it says so instead.
        let overflows = length > UInt64(Int64.max) - UInt64(position)
        return claim + ": the C unpickler torch.load(weights_only=False) runs reads a whole frame before its opcodes and fails on it "
            + (overflows ? "(\"read would overflow (invalid bytecode)\")" : "(\"pickle data was truncated\")")
            + ", and torch.load's default refuses every FRAME; Python's pickle.py reads the bytes there are"
    }

    /// Before a read of `count` bytes (nil: a text line) at `position`: leaves a frame that
    /// ends here, and refuses a read that starts inside a frame and runs past its end.
    mutating func enterRead(count: Int?) throws(PickleError) {
        guard let current = frame else { return }
        if position == current.end {
            frame = nil
            return
        }
        if let count, count > current.end - position {
            throw .malformed(offset: opcodeOffset, reason: frameCut(current, read: "\(count)-byte read from byte \(position)",
                                                                   through: position + count <= bytes.count ? position + count : nil))
        }
    }

    /// The refusal of an opcode that frame `frame` cuts in two: `read` is its part the frame's
    /// end falls in, `through` where that part ends (nil: past the pickle's end).
    func frameCut(_ frame: (opcode: Int, start: Int, end: Int), read: String, through: Int?) -> String {
        let code = bytes[opcodeOffset]
        let name = WeightsOnlyOpcodes.names[code] ?? "opcode 0x\(String(code, radix: 16, uppercase: true))"
        let part = read == "line" ? "its text line from byte \(position) has no newline before the frame ends"
                                  : "its \(read)" + (through.map { " runs to byte \($0)" } ?? " runs past the pickle's end")
        return "the FRAME at byte \(frame.opcode) holds \(frame.end - frame.start) bytes (to byte \(frame.end)) and cuts the \(name) at byte "
            + "\(opcodeOffset) in two: \(part); a frame must hold whole opcodes (Python's pickle refuses it: \"pickle exhausted before "
            + "end of frame\"; the C unpickler torch.load(weights_only=False) runs does not check frame ends, and depending on "
            + "the bytes fails, reads other bytes, or reads the same values)"
    }
}
