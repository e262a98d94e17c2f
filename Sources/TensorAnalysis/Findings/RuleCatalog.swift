/// Every rule `audit` can report, in the order reports list them.
public enum RuleCatalog {
    public static let all: [Rule] = [
        .paddingRowNonzero,
        .tiedWeightsDuplicated,
        .identicalLayers,
        .duplicateTensors,
        .nanValues,
        .infValues,
        .allZeroRows,
        .duplicateRows,
        .outlierRows,
        .untrainedTokens,
        .tokenizerBeyondRows,
        .statisticsSkipped,
        .paddingUnchecked,
        .padIDSourceIgnored,
        .indexMismatch,
        .missingShard,
        .tensorInTwoShards,
        .unindexedTensor,
        .strayShard,
        .indexDuplicateKey,
        .indexInvalidPath,
        .indexTotalSize,
        .indexEmpty,
        .noTensors,
        .partialCheckpoint,
        .configInvalidValue,
        .tokenizerUnreadable,
        .ignoredIndex,
        .metadataAlias,
        .dtypeMixed,
        .suspiciousName,
        .headerDeviation,
        .pickleUnsafeGlobal,
        .torchWeightsOnlyRefuses,
        .ggufProblem,
        .ggufVocabularyMismatch,
    ]

    /// The rule called `id`, for policies and `--fail-on`.
    public static func rule(_ id: String) -> Rule? { all.first { $0.id == id } }
}
