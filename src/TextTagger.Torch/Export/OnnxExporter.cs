using TextTagger.Calibration;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tokenization;

namespace TextTagger.Export;

public enum OnnxQuantization
{
    /// <summary>float32 weights: the same logits as TorchSharp to about 1e-6.</summary>
    None,
    /// <summary>int8 matrix-product weights (per output column), activations quantized at run time.</summary>
    Int8,
}

public sealed record OnnxExportOptions
{
    public const int MinOpset = 17;   // LayerNormalization
    public const int MaxOpset = 21;
    public OnnxQuantization Quantize { get; init; } = OnnxQuantization.None;
    public int Opset { get; init; } = MinOpset;
    /// <summary>ONNX Runtime's fused operators (com.microsoft Attention, SkipLayerNormalization): faster in ONNX
    /// Runtime, which its own fusions do not achieve on our graph; other runtimes cannot run the file.</summary>
    public bool Fused { get; init; }
    /// <summary>int8 weights in 7 bits (±63, the default: no CPU's integer kernel saturates) or 8 (±127: more precise,
    /// but without VNNI the 16-bit pair sums of ONNX Runtime's kernel can saturate; see <see cref="DynamicInt8Quantizer"/>).</summary>
    public int Int8WeightBits { get; init; } = 7;
    /// <summary>Replace an existing output directory.</summary>
    public bool Overwrite { get; init; }
}

/// <param name="MaxAbsLogitDifference">Largest |exported − TorchSharp| logit on the probe texts (ONNX Runtime vs TorchSharp).</param>
public sealed record OnnxExportResult(string Directory, string OnnxPath, long OnnxBytes, Precision Precision, int QuantizedMatMuls,
                                      double MaxAbsLogitDifference, int ProbeTexts);

/// <summary>
/// `texttagger export`: writes a model directory whose model.onnx runs on any ONNX runtime (<see cref="OnnxContract"/>),
/// beside the same config.json, vocab.txt, tokenizer_config.json and thresholds.json, so every command accepts it as
/// --model. TorchSharp has no exporter: the graph is built from the config and weights (<see cref="BertOnnxGraph"/>).
/// The export checks itself before the directory appears: ONNX Runtime and TorchSharp score a few probe texts, and
/// an fp32 graph that disagrees by more than 1e-3 is an error, not a file.
/// </summary>
public static class OnnxExporter
{
    public const double Float32Tolerance = 1e-3;

    static readonly string[] ProbeTexts =
    [
        "You are such a loser!", "Thanks for the helpful edit, much appreciated.", "",
        "I will find you and you will regret it, you idiot. This is the last warning you get from me.",
        "Ok", "Café naïve résumé — 😀 <b>bold</b> [[link]]",
    ];

    public static OnnxExportResult Export(string modelDirectory, string outDirectory, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        if (options.Opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
            throw new TextTaggerException($"--opset must be between {OnnxExportOptions.MinOpset} and {OnnxExportOptions.MaxOpset}, got {options.Opset}");
        if (options.Int8WeightBits is not (7 or 8))
            throw new TextTaggerException($"int8 weight bits must be 7 or 8, got {options.Int8WeightBits}");
        string target = Path.GetFullPath(outDirectory);
        if (Directory.Exists(modelDirectory) && Path.GetFullPath(modelDirectory).TrimEnd('/') == target.TrimEnd('/'))
            throw new TextTaggerException($"{outDirectory}: the export cannot replace the model it reads; choose another --out");
        if ((Directory.Exists(target) || File.Exists(target)) && !options.Overwrite)
            throw new TextTaggerException($"{outDirectory} already exists (add --overwrite to replace it)");

        using var pretrained = PretrainedModel.Load(modelDirectory);
        if (pretrained.Labels.Count == 0 || !pretrained.ClassifierLoaded)
            throw new TextTaggerException($"{modelDirectory}: the model has no trained classifier (config.json id2label); fine-tune it first");

        var model = BuildModel(pretrained, options);
        int quantized = 0;
        if (options.Quantize == OnnxQuantization.Int8) model = DynamicInt8Quantizer.Quantize(model, out quantized, reduceRange: options.Int8WeightBits == 7);
        var precision = options.Quantize == OnnxQuantization.Int8 ? Precision.Int8 : Precision.Fp32;
        SetMetadata(model, OnnxContract.PrecisionKey, precision.Name());

        double maxDiff = 0;
        AtomicDirectory.Write(target, temp =>
        {
            pretrained.WriteDescription(temp);
            ModelTuning.Copy(modelDirectory, temp);   // the rules and calibration as tuned, not only the threshold values
            File.WriteAllBytes(Path.Combine(temp, ModelDirectory.OnnxFile), model.ToByteArray());
            maxDiff = CompareWithTorch(pretrained, Path.Combine(temp, ModelDirectory.OnnxFile));
            if (precision == Precision.Fp32 && !(maxDiff <= Float32Tolerance))
                throw new TextTaggerException($"the exported graph disagrees with the model (max |Δ logit| {maxDiff:G3} on the probe texts): " +
                                              "please report this model's config.json");
        });
        string onnxPath = Path.Combine(target, ModelDirectory.OnnxFile);
        return new OnnxExportResult(target, onnxPath, new FileInfo(onnxPath).Length, precision, quantized, maxDiff, ProbeTexts.Length);
    }

    static ModelProto BuildModel(PretrainedModel pretrained, OnnxExportOptions options)
    {
        var model = new ModelProto
        {
            IrVersion = 8,   // opset 17-18 need IR 8; ONNX Runtime reads it for every opset we write
            ProducerName = "TextTagger",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "",
            DocString = $"BERT multi-label classifier ({pretrained.Config.NumHiddenLayers} layers, hidden {pretrained.Config.HiddenSize}, " +
                        $"{LowercaseEnumConverter<PoolingMode>.Name(pretrained.Config.Pooling)} pooling): token ids → logits, one per label; probability = sigmoid(logit).",
            Graph = BertOnnxGraph.Build(pretrained.Model, options.Fused),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        if (options.Fused) model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraphBuilder.MicrosoftDomain, Version = 1 });
        SetMetadata(model, OnnxContract.LabelsKey, JsonSerializer.Serialize(pretrained.Labels));
        SetMetadata(model, OnnxContract.ThresholdsKey, JsonSerializer.Serialize(pretrained.ThresholdsByLabel()));
        SetMetadata(model, OnnxContract.PoolingKey, LowercaseEnumConverter<PoolingMode>.Name(pretrained.Config.Pooling));
        SetMetadata(model, OnnxContract.MaxTokensKey, (pretrained.MaxTokens ?? pretrained.Config.MaxPositionEmbeddings).ToString());
        return model;
    }

    static void SetMetadata(ModelProto model, string key, string value)
    {
        var existing = model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (existing != null) existing.Value = value;
        else model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    /// <summary>Scores the probe texts in one padded batch on both engines; the largest logit difference.</summary>
    static double CompareWithTorch(PretrainedModel pretrained, string onnxPath)
    {
        var tokenizer = BertTokenizer.FromVocab(pretrained.VocabPath, pretrained.DoLowerCase);
        var batch = PaddedBatch.Encode(tokenizer, ProbeTexts, Math.Min(pretrained.MaxTokens ?? 128, 128));
        using var onnx = OnnxRuntimeEngine.Open(onnxPath, pretrained.Labels.Count);
        var expected = new TorchEngine(pretrained.Model).Forward(batch);
        var actual = onnx.Forward(batch);
        return expected.Zip(actual, (a, b) => (double)Math.Abs(a - b)).Max();
    }
}
