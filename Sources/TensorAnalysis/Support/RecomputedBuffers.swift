import CheckpointIO

/// Tensors one writer saves and another does not because the model recomputes them at load:
/// `diff` lists a tensor only one side has as such a buffer, not as missing, when its bytes show
/// what the model would recompute.
///
/// Fact (transformers 5.25, checked in `models/bert/modeling_bert.py`): BERT-family embeddings
/// register `position_ids` as `nn.Buffer(torch.arange(max_position_embeddings).expand((1, -1)),
/// persistent=False)`, so `save_pretrained` and `state_dict()` leave it out and loading makes it
/// again; older exports saved it. A re-save by a current transformers failed every `diff`
/// against the original on "only in A: embeddings.position_ids" (review, 2026-12-04).
///
/// Only what the bytes prove is excused: a tensor whose last name component is `position_ids`,
/// of an integer dtype, shape `[N]` or `[1, N]`, holding exactly 0, 1, …, N − 1. Any other
/// missing tensor still fails.
public enum RecomputedBuffers {
    /// Why `view` is a buffer the model recomputes, or nil. Reads the tensor's bytes: call
    /// inside the checkpoint's `read`.
    public static func reason(for view: TensorView) -> String? {
        guard view.name == "position_ids" || view.name.hasSuffix(".position_ids"),
              let dtype = view.elementType.scalar, dtype.isInteger, let width = dtype.byteWidth,
              view.shape.count == 1 || (view.shape.count == 2 && view.shape[0] == 1) else { return nil }
        let count = view.elementCount
        guard count > 0, holdsRange(view.bytes, count: count, width: width, signed: !dtype.rawValue.hasPrefix("U")) else { return nil }
        return "a position_ids buffer holding 0…\(count - 1), which transformers registers as non-persistent "
            + "(recomputed at load, not saved by save_pretrained or state_dict)"
    }

    /// Whether `count` little-endian integers of `width` bytes are 0, 1, …, count − 1. A signed
    /// value is read with its sign: an I8 arange(256) wraps to −128 after 127 and is no range
    /// (read unsigned it passed as 0…255; adversarial test, 2026-12-04).
    static func holdsRange(_ bytes: UnsafeRawBufferPointer, count: Int, width: Int, signed: Bool) -> Bool {
        guard bytes.count == count * width, width <= 8 else { return false }
        let signBit = UInt64(1) << (8 * UInt64(width) - 1)
        for i in 0..<count {
            var value: UInt64 = 0
            for k in 0..<width { value |= UInt64(bytes[i * width + k]) << (8 * UInt64(k)) }
            guard !(signed && value & signBit != 0), value == UInt64(i) else { return false }
        }
        return true
    }
}
