import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// A folder holding a lone `adapter_model.safetensors` beside `pytorch_model.bin`: transformers
/// loads the torch file, so picking the adapter silently audited the wrong weights (an all-NaN
/// `pytorch_model.bin` passed). Now an `ambiguous-directory` error naming both; each file
/// named alone is read.
@Suite struct AdapterBesideTorchTests {
    static func folder(index: Bool) throws -> URL {
        let folder = try Fixtures.temporaryDirectory()
        let adapter = SafetensorsWriter.Entry(name: "lora.weight", dtype: .f32, shape: [1, 1], bytes: [0, 0, 128, 63])
        try Data(SafetensorsWriter(entries: [adapter]).serialize()).write(to: folder.appendingPathComponent("adapter_model.safetensors"))
        let torch = try Fixtures.data("pytorch/tied.bin")
        if index {
            try torch.write(to: folder.appendingPathComponent("pytorch_model-00001-of-00001.bin"))
            try Data(#"{"metadata": {}, "weight_map": {}}"#.utf8).write(to: folder.appendingPathComponent("pytorch_model.bin.index.json"))
        } else {
            try torch.write(to: folder.appendingPathComponent("pytorch_model.bin"))
        }
        return folder
    }

    @Test("the folder is refused (exit 2), the message naming both files", arguments: [false, true])
    func refused(index: Bool) throws {
        let folder = try Self.folder(index: index)
        let torch = index ? "pytorch_model.bin.index.json" : "pytorch_model.bin"
        for command in ["inspect", "audit"] {
            let result = try CLI.run([command, folder.path])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr == "tensoraudit: error: \(folder.path): the folder holds adapter_model.safetensors and \(torch), and transformers "
                    + "would load \(torch) (the only safetensors file it reads is model.safetensors); name the file to check\n", "\(result.stderr)")
        }
        #expect(try CLI.run(["inspect", folder.appendingPathComponent("adapter_model.safetensors").path]).status == 0)
    }

    @Test("a folder or a dangling link called pytorch_model.bin is nothing transformers loads: the adapter is the folder's checkpoint")
    func notTorchWeights() throws {
        for dangling in [false, true] {
            let folder = try Fixtures.temporaryDirectory()
            let adapter = SafetensorsWriter.Entry(name: "lora.weight", dtype: .f32, shape: [1, 1], bytes: [0, 0, 128, 63])
            try Data(SafetensorsWriter(entries: [adapter]).serialize()).write(to: folder.appendingPathComponent("adapter_model.safetensors"))
            let torch = folder.appendingPathComponent("pytorch_model.bin").path
            if dangling {
                try FileManager.default.createSymbolicLink(atPath: torch, withDestinationPath: "missing.bin")
            } else {
                try FileManager.default.createDirectory(atPath: torch, withIntermediateDirectories: false)
            }
            let result = try CLI.run(["inspect", folder.path])
            #expect(result.status == 0 && result.stdout.contains("lora.weight"), "dangling \(dangling): \(result.stderr)")
        }
    }
}
