using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using TextTagger.Tokenization;

namespace TextTagger.Inference.Engines;

/// <summary>
/// Runs an exported model.onnx with ONNX Runtime's CPU provider. One session, shared: InferenceSession.Run is
/// thread-safe, so concurrent callers run in parallel without a lock. The session is checked against
/// <see cref="OnnxContract"/> when it opens.
/// </summary>
public sealed class OnnxRuntimeEngine : IInferenceEngine
{
    readonly InferenceSession _session;
    readonly bool _takesTokenTypes;
    readonly string[] _inputNames;
    readonly RunOptions _runOptions = new();
    static readonly string[] OutputNames = [OnnxContract.Logits];

    OnnxRuntimeEngine(InferenceSession session, int labelCount, bool takesTokenTypes, Precision precision)
    {
        _session = session;
        LabelCount = labelCount;
        _takesTokenTypes = takesTokenTypes;
        _inputNames = takesTokenTypes
            ? [OnnxContract.InputIds, OnnxContract.AttentionMask, OnnxContract.TokenTypeIds]
            : [OnnxContract.InputIds, OnnxContract.AttentionMask];
        Precision = precision;
    }

    public string Name => "onnxruntime";
    public Precision Precision { get; }
    public int LabelCount { get; }
    /// <summary>The metadata the exporter wrote (labels, thresholds, precision, …).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _session.ModelMetadata.CustomMetadataMap;

    /// <summary>The session options we run with (measured in BENCHMARKS.md): all graph optimisations (ONNX Runtime fuses
    /// LayerNorm, GELU, attention and the int8 matrix products), one intra-op thread per core, sequential execution
    /// (the graph is a chain: inter-op threads would only compete), the CPU memory arena on.</summary>
    public static SessionOptions DefaultOptions(int threads = 0) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount,
        InterOpNumThreads = 1,
        EnableCpuMemArena = true,
    };

    /// <param name="labelCount">The labels config.json names; the graph's logits must have as many columns.</param>
    /// <param name="options">Session settings; null: <see cref="DefaultOptions"/> with <paramref name="threads"/>.</param>
    public static OnnxRuntimeEngine Open(string onnxPath, int labelCount, int threads = 0, SessionOptions? options = null)
    {
        if (!File.Exists(onnxPath)) throw new TextTaggerException($"{onnxPath} not found.");
        InferenceSession session;
        using (var defaults = options == null ? DefaultOptions(threads) : null)
        {
            try { session = new InferenceSession(onnxPath, options ?? defaults!); }
            catch (OnnxRuntimeException e) { throw new TextTaggerException($"{onnxPath}: ONNX Runtime cannot load it ({FirstLine(e.Message)})", e); }
        }
        try
        {
            bool tokenTypes = CheckContract(session, onnxPath, labelCount);
            // A file from another exporter has no precision metadata: it is float32 as far as we know.
            var precision = LowercaseEnumConverter<Precision>.TryParse(
                session.ModelMetadata.CustomMetadataMap.GetValueOrDefault(OnnxContract.PrecisionKey), out var declared) ? declared : Precision.Fp32;
            return new OnnxRuntimeEngine(session, labelCount, tokenTypes, precision);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Inputs input_ids and attention_mask (token_type_ids optional), int64 [batch, seq]; output logits
    /// [batch, labels]. Returns whether token_type_ids is an input.</summary>
    static bool CheckContract(InferenceSession session, string path, int labelCount)
    {
        var inputs = session.InputMetadata;
        string[] required = [OnnxContract.InputIds, OnnxContract.AttentionMask];
        var missing = required.Where(n => !inputs.ContainsKey(n)).ToArray();
        var unknown = inputs.Keys.Where(n => n is not (OnnxContract.InputIds or OnnxContract.AttentionMask or OnnxContract.TokenTypeIds)).ToArray();
        if (missing.Length > 0 || unknown.Length > 0)
            throw new TextTaggerException($"{path}: the graph's inputs are [{string.Join(", ", inputs.Keys)}]; expected " +
                                          $"{OnnxContract.InputIds}, {OnnxContract.AttentionMask} and optionally {OnnxContract.TokenTypeIds}");
        foreach (var (name, meta) in inputs)
            if (meta.ElementType != typeof(long) || meta.Dimensions.Length != 2)
                throw new TextTaggerException($"{path}: input {name} must be int64 [batch, seq], got {meta.ElementType.Name} of rank {meta.Dimensions.Length}");
        if (!session.OutputMetadata.TryGetValue(OnnxContract.Logits, out var logits))
            throw new TextTaggerException($"{path}: the graph has no output '{OnnxContract.Logits}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
        if (logits.ElementType != typeof(float) || logits.Dimensions.Length != 2 || logits.Dimensions[1] != labelCount)
            throw new TextTaggerException($"{path}: output {OnnxContract.Logits} must be float [batch, {labelCount}] (one column per label in config.json), " +
                                          $"got {logits.ElementType.Name} [{string.Join(", ", logits.Dimensions)}]");
        if (session.ModelMetadata.CustomMetadataMap.TryGetValue(OnnxContract.LabelsKey, out var json))
        {
            var labels = JsonSerializer.Deserialize<string[]>(json);
            if (labels?.Length != labelCount)
                throw new TextTaggerException($"{path}: its metadata names {labels?.Length ?? 0} labels, config.json {labelCount}");
        }
        return inputs.ContainsKey(OnnxContract.TokenTypeIds);
    }

    public float[] Forward(PaddedBatch batch)
    {
        long[] shape = batch.Shape;
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.InputIds, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask, shape);
        using var types = _takesTokenTypes ? OrtValue.CreateTensorValueFromMemory(new long[batch.InputIds.Length], shape) : null;
        var values = _takesTokenTypes ? new[] { ids, mask, types! } : [ids, mask];
        using var outputs = _session.Run(_runOptions, _inputNames, values, OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    static string FirstLine(string message) => message.Split('\n')[0].Trim();

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
