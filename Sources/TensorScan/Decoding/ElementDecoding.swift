import CheckpointIO
import SafetensorsFormat

/// Reads logical element `index` of a tensor of `dtype` stored in `bytes`, as a `Double`.
///
/// Every read is `loadUnaligned`: safetensors offsets need not be aligned, and an aligned
/// `load` traps in debug builds while silently working in release. Packed formats use the
/// PyTorch convention (documented in the README): F4 element 2k sits in the low nibble of
/// byte k; F6 element 4k+j occupies bits 6j..<6j+6 of the little-endian 24-bit group k.
/// C64 returns the real part; use `complexElement` for both parts.
@inlinable
func decodeElement(_ dtype: DType, _ bytes: UnsafeRawBufferPointer, _ index: Int) -> Double {
    switch dtype {
    case .f64: return bytes.loadUnaligned(fromByteOffset: index * 8, as: Double.self)
    case .f32: return Double(bytes.loadUnaligned(fromByteOffset: index * 4, as: Float.self))
    case .f16: return Double(HalfFloatBits.float(fromF16: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))))
    case .bf16: return Double(HalfFloatBits.float(fromBF16: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))))
    case .f8E4M3: return Double(MiniFloatTables.f8E4M3[Int(bytes[index])])
    case .f8E5M2: return Double(MiniFloatTables.f8E5M2[Int(bytes[index])])
    case .f8E4M3FNUZ: return Double(MiniFloatTables.f8E4M3FNUZ[Int(bytes[index])])
    case .f8E5M2FNUZ: return Double(MiniFloatTables.f8E5M2FNUZ[Int(bytes[index])])
    case .f8E8M0: return Double(MiniFloatTables.f8E8M0[Int(bytes[index])])
    case .f4:
        let byte = bytes[index >> 1]
        let code = index & 1 == 0 ? byte & 0x0F : byte >> 4
        return Double(MiniFloatTables.f4[Int(code)])
    case .f6E2M3, .f6E3M2:
        let group = (index >> 2) * 3
        let packed = UInt32(bytes[group]) | UInt32(bytes[group + 1]) << 8 | UInt32(bytes[group + 2]) << 16
        let code = Int((packed >> (UInt32(index & 3) * 6)) & 0x3F)
        return Double(dtype == .f6E2M3 ? MiniFloatTables.f6E2M3[code] : MiniFloatTables.f6E3M2[code])
    case .bool: return bytes[index] == 0 ? 0 : 1
    case .u8: return Double(bytes[index])
    case .i8: return Double(Int8(bitPattern: bytes[index]))
    case .u16: return Double(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
    case .i16: return Double(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: Int16.self)))
    case .u32: return Double(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
    case .i32: return Double(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)))
    case .u64: return Double(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
    case .i64: return Double(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)))
    case .c64: return Double(bytes.loadUnaligned(fromByteOffset: index * 8, as: Float.self))
    }
}
