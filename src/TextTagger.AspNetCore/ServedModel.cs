using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>The tagger the service uses: loaded from the options' model (and then owned and disposed here), or the
/// one the options hand over (left to its owner).</summary>
public sealed class ServedModel : IDisposable
{
    readonly bool _owned;

    public ServedModel(TaggerServerOptions options)
    {
        options.Validate();
        _owned = options.Tagger == null;
        Tagger = options.Tagger ?? Tagger.Load(options.EffectiveModel);
        Name = options.Tagger != null ? "in-process model" : Path.GetFileName(Path.GetFullPath(options.Model.ModelPath).TrimEnd('/', '\\'));
    }

    public Tagger Tagger { get; }

    /// <summary>The model directory's name (never its full path: that is the server's business).</summary>
    public string Name { get; }

    public void Dispose()
    {
        if (_owned) Tagger.Dispose();
    }
}
