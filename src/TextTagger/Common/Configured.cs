namespace TextTagger;

/// <summary>Options made the two ways a .NET host makes them: set in code by a callback, or bound from configuration
/// (<c>Configured.With&lt;T&gt;(configuration.Bind)</c>: the binder as the callback, so the core needs no configuration package).</summary>
public static class Configured
{
    /// <summary>New options, then <paramref name="configure"/> on them.</summary>
    public static T With<T>(Action<T> configure) where T : new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new T();
        configure(options);
        return options;
    }
}
