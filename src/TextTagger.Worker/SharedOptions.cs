using System.CommandLine;
using TextTagger.Inference.Engines;

namespace TextTagger.Worker;

/// <summary>Options the CLI's verbs and the worker define alike, defined once.</summary>
public static class SharedOptions
{
    /// <summary>--engine for the verbs that run a model: auto (model.onnx when the directory has one), torch or onnx.</summary>
    public static Option<string> Engine()
    {
        var option = new Option<string>("--engine")
        {
            Description = "What runs the model: auto (model.onnx when the directory has one, else the TorchSharp weights), torch or onnx",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong(EngineKinds.Names);
        return option;
    }

}
