/// The globals a torch.save state dict needs, recognised by name. Everything else a pickle names
/// is reported as unsafe: loading the file with `torch.load(weights_only=False)` or `pickle`
/// would import it and, through `REDUCE`/`NEWOBJ`/`BUILD`, may call it. "Unsafe" means "not
/// proven harmless", not "proven malicious": a pickled optimizer or a whole `nn.Module` also names
/// its own classes.
public enum RecognisedGlobals {
    static let tensorRebuilders: Set<String> = ["_rebuild_tensor_v2", "_rebuild_tensor_v3"]
    static let parameterRebuilders: Set<String> = ["_rebuild_parameter", "_rebuild_parameter_with_state"]

    public static func isRecognised(_ global: PickleGlobal) -> Bool {
        switch global.module {
        case "torch._utils": tensorRebuilders.contains(global.name) || parameterRebuilders.contains(global.name)
        case "torch": TorchDType(storageClass: global.name) != nil || TorchDType(rawValue: global.name) != nil
        case "torch.storage": global.name == "UntypedStorage"
        case "collections": global.name == "OrderedDict"
        default: false
        }
    }

    static func isOrderedDict(_ value: PickleValue) -> Bool {
        value == .global(PickleGlobal(module: "collections", name: "OrderedDict"))
    }

    static func rebuilder(_ value: PickleValue) -> String? {
        guard case .global(let g) = value, g.module == "torch._utils",
              tensorRebuilders.contains(g.name) || parameterRebuilders.contains(g.name) else { return nil }
        return g.name
    }
}
