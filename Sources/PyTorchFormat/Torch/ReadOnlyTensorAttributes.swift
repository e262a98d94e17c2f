/// The attributes of a tensor that `setattr` refuses whatever the value: read-only properties of
/// `torch._C.TensorBase` (`dtype`, `shape`, `device`, `is_leaf`, …), the Python property
/// `__cuda_array_interface__` and `__weakref__`.
///
/// torch.load applies a tensor's saved Python attributes (the state of `_rebuild_from_type_v2`
/// or `_rebuild_parameter_with_state`) with `setattr` (`torch._utils._set_obj_state`), so one of
/// these names there makes it fail ("attribute 'dtype' of 'torch._C.TensorBase' objects is not
/// writable"), in a legacy file too. Why: `{'dtype': 3}` and `{'shape': 3}` were read (exit 0)
/// while torch.load failed on the file (hunt-64c L6).
///
/// Read from torch 2.13 by `TestData/pytorch-load-changes/generate.py`: every name of
/// `dir(torch.Tensor)` whose `setattr` on a tensor and on an `nn.Parameter` fails with
/// "not writable" or "has no setter" for None, a number, a string, a bool, a dict, a list and a
/// tensor alike (`read-only-attributes.json`; the tests hold the two lists equal). Attributes
/// whose setter checks the value (`requires_grad`, `grad`, `data`, `real`, `imag`, …) are not
/// here.
enum ReadOnlyTensorAttributes {
    static let names: Set<String> = [
        "H", "T", "__cuda_array_interface__", "__weakref__", "_base", "_cdata", "_has_symbolic_sizes_strides", "_python_dispatch",
        "_version", "device", "dtype", "grad_fn", "is_cpu", "is_cuda", "is_ipu", "is_leaf", "is_maia", "is_meta", "is_mkldnn", "is_mps",
        "is_mtia", "is_nested", "is_quantized", "is_sparse", "is_sparse_csr", "is_vulkan", "is_xla", "is_xpu", "itemsize", "layout",
        "mH", "mT", "name", "nbytes", "ndim", "output_nr", "retains_grad", "shape",
    ]
}
