using TextTagger.Inference.Engines;
using System.CommandLine;
using System.Globalization;
using TextTagger.Export;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger export --model DIR --out DIR2 [--quantize none|int8] [--opset N] [--fused]`: a model directory whose
/// model.onnx runs on ONNX Runtime (predict, evaluate, serve take it as --model) or any other ONNX runtime.</summary>
static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A trained model directory (TorchSharp weights)", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The directory to write (model.onnx, config.json, vocab.txt, …)", Required = true };
        var quantize = new Option<string>("--quantize")
        { Description = "none (float32) or int8 (int8 matrix-product weights, activations quantized at run time)", DefaultValueFactory = _ => "none" };
        quantize.AcceptOnlyFromAmong("none", "int8");
        var opset = new Option<int>("--opset")
        { Description = $"ONNX opset ({OnnxExportOptions.MinOpset}-{OnnxExportOptions.MaxOpset})", DefaultValueFactory = _ => OnnxExportOptions.MinOpset };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output directory" };
        var bits = new Option<int>("--int8-bits")
        {
            Description = "int8 weights in 7 bits (±63: safe on every CPU) or 8 (±127: more precise on CPUs with AVX-512 VNNI or AVX-VNNI, " +
                          "whose integer kernels do not saturate)",
            DefaultValueFactory = _ => new OnnxExportOptions().Int8WeightBits,
        };
        bits.AcceptOnlyFromAmong("7", "8");
        var fused = new Option<bool>("--fused")
        { Description = "ONNX Runtime's fused operators (Attention, SkipLayerNormalization): faster there, but ONNX Runtime only" };

        var command = new Command("export", "Export a trained model to ONNX (fp32 or int8) for ONNX Runtime and any other ONNX runtime.");
        foreach (var option in new Option[] { model, output, quantize, bits, opset, fused, overwrite }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var options = new OnnxExportOptions
            {
                Quantize = parse.GetValue(quantize) == "int8" ? OnnxQuantization.Int8 : OnnxQuantization.None,
                Opset = parse.GetValue(opset),
                Overwrite = parse.GetValue(overwrite),
                Fused = parse.GetValue(fused),
                Int8WeightBits = parse.GetValue(bits),
            };
            if (parse.GetResult(bits) is { Implicit: false } && options.Quantize != OnnxQuantization.Int8)
                throw new TextTaggerException("--int8-bits applies to --quantize int8 only");
            string source = parse.GetValue(model)!;
            if (File.Exists(Path.Combine(source, NGram.NGramFiles.FileName)) || File.Exists(Path.Combine(source, Ensembles.EnsembleFiles.FileName)))
                throw new TextTaggerException($"{source} is an n-gram model or an ensemble: export applies to transformers (an ensemble's members can be " +
                                              "exported one by one). The directory itself runs without libtorch: predict, evaluate and serve take it as it is.");
            var result = OnnxExporter.Export(source, parse.GetValue(output)!, options);
            string int8 = result.QuantizedMatMuls > 0 ? $", {result.QuantizedMatMuls} matrix products in int8" : "";
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"exported {result.OnnxPath} ({result.Precision.Name()}, {result.OnnxBytes / 1048576.0:F1} MB{int8}); ONNX Runtime vs " +
                $"TorchSharp on {result.ProbeTexts} probe texts: max |Δ logit| {result.MaxAbsLogitDifference:G3}"));
            return 0;
        });
        return command;
    }
}
