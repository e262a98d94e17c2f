import Foundation
import ModelKnowledge
import Testing

@Suite struct StaticEmbeddingLayoutTests {
    @Test func model2vecFixtureAsTheReferenceReaderListsIt() throws {
        let expected = try KnowledgeFixtures.expected("knowledge/families/model2vec-static")
        let tensors = (expected["tensors"] as? [[String: Any]] ?? []).map {
            TensorShape(name: $0.string("name") ?? "", shape: $0.ints("shape"), dtype: $0.string("dtype") ?? "")
        }
        #expect(tensors.count == 3)
        let layout = try #require(StaticEmbeddingLayout.detect(tensors))
        #expect(layout.kind == .model2vec)
        #expect([layout.rows, layout.dimension] == expected.ints("embeddings_shape"))
        #expect(layout.tokenCount == expected.int("vocab_size"))
        #expect(layout.mapping == "mapping" && layout.weights == "weights")
        // The mapping values themselves are the caller's to read; here the pad entry by hand.
        var mapping = [Int](repeating: 0, count: layout.tokenCount)
        mapping[0] = try #require(expected.int("pad_row_index"))
        #expect(layout.row(forToken: expected.int("pad_id") ?? -1, mappingValues: mapping) == expected.int("pad_row_index"))
        #expect(layout.row(forToken: layout.tokenCount, mappingValues: mapping) == nil)
        mapping[0] = layout.rows  // a mapping that points past the matrix
        #expect(layout.row(forToken: 0, mappingValues: mapping) == nil)
    }

    @Test func sentenceTransformersStaticAndNonStaticCheckpoints() {
        let st = StaticEmbeddingLayout.detect([TensorShape(name: "embedding.weight", shape: [30522, 256], dtype: "F32")])
        #expect(st?.kind == .sentenceTransformers && st?.row(forToken: 5, mappingValues: nil) == 5)
        // A transformer that happens to have an `embeddings` tensor is not static.
        #expect(StaticEmbeddingLayout.detect([TensorShape(name: "embeddings", shape: [10, 4], dtype: "F32"),
                                              TensorShape(name: "layer.0.weight", shape: [4, 4], dtype: "F32")]) == nil)
        // A float mapping or a weights vector of the wrong length is not model2vec.
        #expect(StaticEmbeddingLayout.detect([TensorShape(name: "embeddings", shape: [10, 4], dtype: "F32"),
                                              TensorShape(name: "mapping", shape: [12], dtype: "F32")]) == nil)
        #expect(StaticEmbeddingLayout.detect([TensorShape(name: "embeddings", shape: [10, 4], dtype: "F32"),
                                              TensorShape(name: "mapping", shape: [12], dtype: "I64"),
                                              TensorShape(name: "weights", shape: [10], dtype: "F32")]) == nil)
        #expect(StaticEmbeddingLayout.detect([TensorShape(name: "embeddings", shape: [10, 4], dtype: "F16")])?.tokenCount == 10)
    }

    @Test("model2vec's int8 quantisation (I8 embeddings) is model2vec; no other integer type is, nor an I8 sentence-transformers matrix")
    func int8Embeddings() throws {
        let expected = try KnowledgeFixtures.expected("knowledge/families/model2vec-int8")
        let tensors = (expected["tensors"] as? [[String: Any]] ?? []).map {
            TensorShape(name: $0.string("name") ?? "", shape: $0.ints("shape"), dtype: $0.string("dtype") ?? "")
        }
        #expect(tensors.first { $0.name == "embeddings" }?.dtype == "I8", "the reference reader lists model2vec's int8 matrix as I8")
        let layout = try #require(StaticEmbeddingLayout.detect(tensors))
        #expect(layout.kind == .model2vec && layout.mapping == "mapping" && layout.weights == "weights")
        for dtype in ["I16", "I32", "I64", "U8", "BOOL"] {
            #expect(StaticEmbeddingLayout.detect([TensorShape(name: "embeddings", shape: [10, 4], dtype: dtype)]) == nil, "\(dtype)")
        }
        #expect(StaticEmbeddingLayout.detect([TensorShape(name: "embedding.weight", shape: [10, 4], dtype: "I8")]) == nil)
        #expect(StaticEmbeddingLayout.detect([TensorShape(name: "embedding.weight", shape: [10, 4], dtype: "BOOL")]) == nil)
    }

    @Test func rowsBeyondTheVocabulary() {
        #expect(rowsBeyondVocabulary(rows: 50304, vocabularySize: 50280) == 50280..<50304)
        #expect(rowsBeyondVocabulary(rows: 30522, vocabularySize: 30522) == nil)
        #expect(rowsBeyondVocabulary(rows: 100, vocabularySize: 120) == nil)
    }
}
