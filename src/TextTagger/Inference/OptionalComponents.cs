using TextTagger.Inference.Engines;

namespace TextTagger.Inference;

/// <summary>
/// The engines and model formats of TextTagger's optional assemblies, found when the app carries them (a package
/// reference is enough): TextTagger.Torch's TorchSharp engine and TextTagger.NGram's n-gram model. Read-only and
/// found once; an app that wants to be explicit adds them to <see cref="TaggerOptions"/> instead.
/// </summary>
public static class OptionalComponents
{
    static readonly Lazy<IEngineProvider[]> FoundEngines = new(() => Find<IEngineProvider>("TextTagger.Inference.TorchEngineProvider, TextTagger.Torch"));
    static readonly Lazy<IModelFormat[]> FoundFormats = new(() => Find<IModelFormat>("TextTagger.NGram.NGramFormat, TextTagger.NGram"));

    public static IReadOnlyList<IEngineProvider> Engines => FoundEngines.Value;
    public static IReadOnlyList<IModelFormat> Formats => FoundFormats.Value;

    static T[] Find<T>(string typeName)
    {
        Type? type;
        try
        {
            type = Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            return [];
        }
        return type == null ? [] : [(T)Activator.CreateInstance(type, nonPublic: true)!];
    }
}
