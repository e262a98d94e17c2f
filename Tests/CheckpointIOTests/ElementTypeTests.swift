import CheckpointIO
import GGUFFormat
import SafetensorsFormat
import Testing
import TestSupport

/// The format-neutral tensor table: every format's types land in one `ElementType`, and byte
/// arithmetic on rows follows the element type (scalars or ggml blocks).
@Suite struct ElementTypeTests {
    /// ggml's plain types share safetensors' spelling and become scalars; quantized ones stay
    /// blocks with their ggml name (names from gguf-py's `GGMLQuantizationType`).
    @Test func ggmlTypesMapToScalarsOrBlocks() throws {
        let scalars = ["F32": DType.f32, "F16": .f16, "BF16": .bf16, "F64": .f64, "I8": .i8, "I16": .i16,
                       "I32": .i32, "I64": .i64]
        for type in GGMLType.all {
            let element = ElementType(type)
            #expect(element.rawValue == type.name)
            if let dtype = scalars[type.name] {
                #expect(element == .scalar(dtype))
            } else {
                #expect(element == .blocks(type), "\(type.name) is quantized")
                #expect(element.isFloatingPoint)
            }
        }
        #expect(ElementType.scalar(.i64) < .blocks(.q4_0))
        #expect(ElementType.blocks(.q4_0) < .blocks(.q8_0))
    }

    /// A Q8_0 row of 64 elements is two blocks of 34 bytes (2-byte f16 scale + 32 int8 codes);
    /// a U8 view of the same bytes would have said 64.
    @Test func blockRowsCountWholeBlocks() throws {
        let mapping = try MappedFile(path: Fixtures.temporaryFile([UInt8](repeating: 0, count: 136)))
        let entry = TensorEntry(name: "q", dtype: .blocks(.q8_0), shape: [2, 64], begin: 0, end: 136, elementCount: 128)
        let view = TensorView(info: entry, mapping: mapping, dataStart: 0)
        #expect(view.rowCount == 2)
        #expect(view.rowLength == 64)
        #expect(view.rowBits == 2 * 34 * 8)
        #expect(view.unitBytes == 34)
        #expect(view.elementType.rawValue == "Q8_0")
    }

    /// Safetensors files fill the same table: every dtype is a scalar of the header's spelling.
    @Test func safetensorsEntriesAreScalars() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors"))
        #expect(checkpoint.files.map(\.formatName) == ["safetensors"])
        for view in checkpoint.tensors {
            #expect(view.elementType == .scalar(view.dtype))
        }
    }
}
