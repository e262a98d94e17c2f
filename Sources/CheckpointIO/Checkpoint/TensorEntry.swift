import SafetensorsFormat

/// One tensor of a checkpoint file, whatever its format: name, element type, row-major shape and
/// where its bytes are. Safetensors headers, torch state dicts and GGUF tensor infos all fill
/// this one table, so every analysis reads every format the same way.
public struct TensorEntry: Sendable, Hashable {
    public let name: String
    public let dtype: ElementType
    /// Dimensions, row-major (rows first). `[]` is a scalar (one element); a zero dimension
    /// makes the tensor empty. `UInt64` because an empty safetensors tensor may legally declare
    /// a dimension larger than `Int.max`.
    public let shape: [UInt64]
    /// Half-open byte range relative to the file's data start (`TensorView.dataStart`): the
    /// data section for safetensors and GGUF, the file start for torch.
    public let begin: UInt64
    public let end: UInt64
    /// The product of `shape`, known not to overflow.
    public let elementCount: UInt64
    /// For a torch view whose elements are not consecutive bytes: its strides and the file bytes
    /// it spans. Its elements were copied in row-major order into memory, and `begin`/`end` are
    /// offsets there (`TensorView` reads that copy); `nil` for every other tensor.
    public var gathered: GatheredLayout?
    /// For an entry `diff` split off a stacked tensor (`TensorView.slice(at:)`): which tensor
    /// and which index of its first dimension; `nil` for every other tensor.
    public var stackedEntry: StackedEntry?
    /// For rows `diff` cut off a tensor or an entry (`TensorView.rows(_:)`): which, and which
    /// rows; `nil` for every other tensor.
    public var rowRange: RowSlice?

    public init(name: String, dtype: ElementType, shape: [UInt64], begin: UInt64, end: UInt64, elementCount: UInt64) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.begin = begin
        self.end = end
        self.elementCount = elementCount
        gathered = nil
        stackedEntry = nil
        rowRange = nil
    }

    /// A validated safetensors header entry.
    public init(_ info: TensorInfo) {
        self.init(name: info.name, dtype: .scalar(info.dtype), shape: info.shape, begin: info.begin, end: info.end,
                  elementCount: info.elementCount)
    }

    public var byteCount: UInt64 { end - begin }
}

/// Where a gathered torch view came from (`TensorEntry.gathered`).
public struct GatheredLayout: Sendable, Hashable {
    /// Strides in elements, as torch stores them.
    public let stride: [UInt64]
    /// File bytes from the view's first element to its last, inside its storage.
    public let storedBytes: Range<UInt64>

    public init(stride: [UInt64], storedBytes: Range<UInt64>) {
        self.stride = stride
        self.storedBytes = storedBytes
    }
}

/// Entry `index` of tensor `tensor` along its first dimension (`TensorEntry.stackedEntry`).
public struct StackedEntry: Sendable, Hashable {
    public let tensor: String
    public let index: Int

    public init(tensor: String, index: Int) {
        self.tensor = tensor
        self.index = index
    }
}

/// Rows `rows` of tensor (or entry) `tensor` along its first dimension (`TensorEntry.rowRange`).
public struct RowSlice: Sendable, Hashable {
    public let tensor: String
    public let rows: Range<Int>

    public init(tensor: String, rows: Range<Int>) {
        self.tensor = tensor
        self.rows = rows
    }
}
